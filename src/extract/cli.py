"""Command-line interface: a thin layer that reads inputs, calls the core, writes JSON Lines."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click

from extract import __version__
from extract.core import Options, extract_record
from extract.pipeline import load_nlp
from extract.records import record_json_schema


class DefaultGroup(click.Group):
    """A group whose first argument falls through to the `run` command when it names no subcommand."""

    default_command = "run"

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        if args and args[0] not in self.commands and args[0] not in ("--help", "-h", "--version"):
            args = [self.default_command, *args]
        elif not args:
            args = [self.default_command]
        return super().parse_args(ctx, args)


@click.group(cls=DefaultGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="extract")
def main() -> None:
    """Turn news articles about inspections into JSON records (one per article)."""


def _inputs(paths: tuple[str, ...]):
    for given in paths:
        if given == "-":
            yield "-", sys.stdin.read()
            continue
        path = Path(given)
        if path.is_dir():
            for child in sorted(path.rglob("*.txt")):
                yield str(child), child.read_text(encoding="utf-8", errors="replace")
        else:
            with open(path, encoding="utf-8", errors="replace", newline="") as fh:
                yield given, fh.read()


@main.command("run")
@click.argument("paths", nargs=-1, required=True)
@click.option("--model", default=None, help="Installed spaCy pipeline to load.")
@click.option("--published", default=None, help="Publication date (YYYY-MM-DD) when the text has none.")
@click.option("--pretty", is_flag=True, help="Indent the JSON.")
def run(paths: tuple[str, ...], model: str | None, published: str | None, pretty: bool) -> None:
    """Extract records from PATHS (files, folders of *.txt, or - for stdin)."""
    nlp = load_nlp(model)
    for source, text in _inputs(paths):
        record = extract_record(text, nlp, Options(source=source, published=published))
        data = record.model_dump(mode="json")
        click.echo(json.dumps(data, ensure_ascii=False, indent=2 if pretty else None))


@main.command("schema")
def schema() -> None:
    """Print the JSON Schema of a record."""
    click.echo(json.dumps(record_json_schema(), indent=2))
