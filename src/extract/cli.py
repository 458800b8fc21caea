"""Command-line interface: options in, one Settings object, `batch.run` does the work."""

from __future__ import annotations

import contextlib
import datetime as dt
import importlib.util
import json
import os
import sys
from collections.abc import Callable
from pathlib import Path

import click

from extract import __version__
from extract.batch import RunRefused, Settings, StateError, WorkerSetupError, default_jobs, run
from extract.database import is_database_path
from extract.inputs import one_line
from extract.patterns import PatternError, read_patterns

EXAMPLES = """
\b
Examples:
  extract articles/*.txt > records.jsonl
  extract articles/ | jq -c '.ratings[] | {grade, organisation}'
  cat story.txt | extract - --published 2018-05-03 --pretty
  extract --state seen.db -o records/ articles/      # incremental, one JSON file per article
  extract schema > record.schema.json

\b
Exit codes:
  0  every input gave a record
  1  some inputs failed (each named on stderr), the run was interrupted, or the
     state or output could not be written (one line on stderr)
  2  usage error (bad option, malformed --published or --patterns file, unknown
     --model, an output that is one of the inputs)
"""


class DefaultGroup(click.Group):
    """A group whose arguments fall through to `run` unless the first names a subcommand."""

    default_command = "run"

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        if not args or (args[0] not in self.commands and args[0] not in ("--help", "-h", "--version")):
            args = [self.default_command, *args]
        return super().parse_args(ctx, args)


@click.group(cls=DefaultGroup, context_settings={"help_option_names": ["-h", "--help"]}, epilog=EXAMPLES)
@click.version_option(__version__, prog_name="extract")
def main() -> None:
    """Turn news articles about inspections into JSON records, one per article.

    `extract [OPTIONS] PATH...` is short for `extract run [OPTIONS] PATH...`.
    """


def _published(ctx: click.Context, param: click.Parameter, value: str | None) -> str | None:
    if value is None:
        return None
    for fmt, size in (("%Y-%m-%d", 10), ("%Y-%m", 7), ("%Y", 4)):
        if len(value) == size:
            try:
                dt.datetime.strptime(value, fmt)
                return value
            except ValueError:
                break
    raise click.BadParameter(f"{value!r} is not a date as YYYY-MM-DD (or YYYY-MM, YYYY)")


def _patterns(ctx: click.Context, param: click.Parameter, value: tuple[str, ...]) -> tuple[Path, ...]:
    for path in value:
        try:
            read_patterns(Path(path))
        except PatternError as err:
            raise click.BadParameter(str(err)) from err
    return tuple(Path(p) for p in value)


def _model(ctx: click.Context, param: click.Parameter, value: str | None) -> str | None:
    """An installed pipeline package or a pipeline folder; anything else is refused before any work."""
    if value is None or Path(value).is_dir():
        return value
    try:
        found = importlib.util.find_spec(value) is not None
    except (ImportError, ValueError):
        found = False
    if not found:
        raise click.BadParameter(f"no installed spaCy pipeline named {value!r}")
    return value


def _targets(output: str | None, pretty: bool, state: str | None,
             paths: tuple[str, ...]) -> tuple[Path | None, Path | None, Path | None]:
    """The output file, folder or database (a FILE ending .db/.sqlite), refusing what cannot work or would
    overwrite an input (files inside folders given as inputs are checked again by the run)."""
    given = {os.path.realpath(p) for p in paths if p != "-"}
    if state and os.path.realpath(state) in given:
        raise click.UsageError(f"--state {one_line(state)} is one of the inputs: refusing to overwrite it")
    if not output:
        return None, None, None
    if Path(output).is_dir() or output.endswith(("/", os.sep)):
        return None, Path(output), None
    target = Path(output)
    database = is_database_path(output)
    if pretty:
        raise click.UsageError("--pretty cannot be used with -o FILE: " + (
            "a database holds rows, not JSON text" if database else "a JSON Lines file holds one record per line"))
    if not (target.parent if str(target.parent) else Path(".")).is_dir():
        raise click.UsageError(f"-o {one_line(output)}: folder {one_line(str(target.parent))} does not exist")
    if os.path.realpath(target) in given:
        raise click.UsageError(f"-o {one_line(output)} is one of the inputs: refusing to overwrite it")
    if state and os.path.realpath(state) == os.path.realpath(target):
        raise click.UsageError("-o and --state name the same file")
    return (None, None, target) if database else (target, None, None)


def _extraction_options(command: Callable) -> Callable:
    """--published, --model and --patterns: how a text is read, the same for every command that extracts."""
    for option in reversed((
        click.option("--published", callback=_published, metavar="YYYY-MM-DD",
                     help="Publication date for texts without a dateline; relative dates resolve against it."),
        click.option("--model", metavar="NAME", callback=_model,
                     help="Installed spaCy pipeline to load (default: en_core_web_sm)."),
        click.option("--patterns", multiple=True, callback=_patterns, type=click.Path(exists=True, dir_okay=False),
                     help="Extra spaCy pattern JSONL file (repeatable); see models/README.md."),
    )):
        command = option(command)
    return command


@main.command("run", epilog=EXAMPLES)
@click.argument("paths", nargs=-1, required=True)
@click.option("-o", "--output", type=click.Path(dir_okay=True, writable=True),
              help="Write to FILE (JSON Lines, appears whole at the end), to an SQLite database (FILE ending .db or "
              ".sqlite: one table per kind of element, updated in place) or, for an existing folder or a path "
              "ending in '/', one <name>.json per article.")
@click.option("--pretty", is_flag=True, help="Indent the JSON.")
@_extraction_options
@click.option("-j", "--jobs", type=click.IntRange(min=1), default=default_jobs, show_default="all cores",
              help="Worker processes.")
@click.option("--state", type=click.Path(dir_okay=False), help="SQLite file of processed inputs: skip unchanged ones.")
@click.option("--engine", type=click.Choice(["local", "dask"]), default="local", show_default=True,
              help="local: a process pool; dask: a Dask cluster (-j N local workers, or --scheduler).")
@click.option("--scheduler", metavar="ADDRESS", help="Run on the Dask cluster at ADDRESS (tcp://host:8786); "
              "needs 'extract[dask]', and the inputs at the same paths on every worker.")
@click.option("-q", "--quiet", is_flag=True, help="No progress bar and no summary.")
@click.option("-v", "--verbose", is_flag=True, help="A summary line at the end.")
def run_command(paths: tuple[str, ...], output: str | None, pretty: bool, published: str | None, model: str | None,
                patterns: tuple[Path, ...], jobs: int, state: str | None, engine: str, scheduler: str | None,
                quiet: bool, verbose: bool) -> None:
    """Extract one record per article from PATHS: files, folders (their *.txt, recursively) or - for stdin."""
    output_file, output_dir, database = _targets(output, pretty, state, paths)
    settings = Settings(
        paths=paths, output=output_file, output_dir=output_dir, pretty=pretty, published=published, model=model,
        database=database, patterns=patterns, jobs=jobs, state=Path(state) if state else None,
        engine="dask" if scheduler else engine, scheduler=scheduler,
    )

    def report(line: str) -> None:
        click.echo(f"extract: error: {line}", err=True)

    bar = None
    # on a terminal both, records and a bar on the one screen would mix
    show_bar = not quiet and sys.stderr.isatty() and not (settings.output is None and settings.output_dir is None
                                                          and sys.stdout.isatty())

    total = 0

    def on_total(n: int) -> None:
        nonlocal total
        total = n

    def progress(n: int) -> None:
        """The bar starts with the first record, so the model's loading time does not skew its rate and ETA."""
        nonlocal bar
        if bar is None and show_bar and total:
            bar = click.progressbar(length=total, label="articles", file=sys.stderr, show_eta=True, show_pos=True)
            bar.__enter__()
        if bar is not None:
            bar.update(n)

    try:
        summary = run(settings, report, progress=progress, on_total=on_total)
    except KeyboardInterrupt:  # before the run could install its own handling (while listing inputs)
        click.echo("extract: interrupted", err=True)
        sys.exit(1)
    except BrokenPipeError:
        _quiet_exit()  # `extract DIR | head -1`: the reader has gone, as with any Unix tool
    except RunRefused as err:
        raise click.UsageError(str(err)) from err
    except (StateError, WorkerSetupError) as err:
        raise click.ClickException(one_line(str(err))) from err
    except OSError as err:
        raise click.ClickException(one_line(f"{str(err.filename) + ': ' if err.filename else ''}"
                                            f"{err.strerror or err}")) from err
    finally:
        if bar is not None:
            bar.__exit__(None, None, None)
    if summary.interrupted:
        if settings.state is not None:
            message = "the records done are kept and the state saved; run again to resume"
        elif settings.output is not None:
            message = f"{one_line(str(settings.output))} left as it was"
        else:
            message = "the records done were written; without --state a new run starts over"
        click.echo(f"extract: interrupted: {message}", err=True)
    if verbose and not quiet:
        click.echo(f"extract: {summary.processed} processed, {summary.skipped} unchanged, {summary.failed} failed",
                   err=True)
    sys.exit(summary.exit_code)


def _quiet_exit() -> None:
    """Leave without a word when stdout was closed: point it at /dev/null so the final flush cannot fail."""
    with contextlib.suppress(OSError):
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    sys.exit(1)


@main.command("schema")
def schema() -> None:
    """Print the JSON Schema of a record (generated from the pydantic models)."""
    from extract.records import record_json_schema

    click.echo(json.dumps(record_json_schema(), indent=2))


@main.command("view")
@click.argument("paths", nargs=-1, required=True)
@click.option("-o", "--output", required=True, type=click.Path(file_okay=False),
              help="Folder for the pages and index.html (created if missing).")
@_extraction_options
def view_command(paths: tuple[str, ...], output: str, published: str | None, model: str | None,
                 patterns: tuple[Path, ...]) -> None:
    """Write an evidence page per article into a folder: the text with every extracted span highlighted,
    the record beside it (click a field to see its words, a highlight to see its field), and index.html.

    \b
    Example:
      extract view articles/ -o pages/ && xdg-open pages/index.html
    """
    from extract.view import ViewSettings, write_views

    def report(line: str) -> None:
        click.echo(f"extract: error: {line}", err=True)

    settings = ViewSettings(paths=paths, output_dir=Path(output), published=published, model=model,
                            patterns=patterns)
    try:
        code = write_views(settings, report)
    except OSError as err:
        raise click.ClickException(one_line(f"{str(err.filename) + ': ' if err.filename else ''}"
                                            f"{err.strerror or err}")) from err
    sys.exit(code)


@main.command("timeline")
@click.argument("records", nargs=-1, required=True)
@click.option("--csv", "as_csv", is_flag=True, help="CSV instead of JSON Lines.")
@click.option("--body", metavar="NAME", help="Only the bodies NAME names (fuzzy: 'Eastmarsh' finds its council).")
@click.option("--chart", "chart_dir", type=click.Path(file_okay=False), metavar="DIR/",
              help="Write one SVG chart per body and an index.html to DIR instead of printing the events.")
@click.option("--register", type=click.Path(exists=True, dir_okay=False), metavar="FILE.csv",
              help="Official identifiers of bodies (CSV: identifier, name[, kind, aliases]), given as body_id "
              "(default: the registers shipped, the Ofsted URNs of English local authorities).")
def timeline_command(records: tuple[str, ...], as_csv: bool, body: str | None, chart_dir: str | None,
                     register: str | None) -> None:
    """One event per rated body and verdict, from RECORDS: JSON Lines files, folders of JSON records, or a
    database written by `extract -o FILE.db`. The same verdict reported by several articles (or a report and the
    articles about it) is one event with every source; the names of one body are merged.

    \b
    Examples:
      extract timeline records.jsonl > events.jsonl
      extract timeline records.db --body Eastmarsh --csv
      extract timeline records/ --chart charts/
    """
    from extract.timeline import timeline_of

    try:
        events = timeline_of(records, body, Path(register) if register else None)
    except (ValueError, OSError) as err:  # RecordsError, RegisterError
        raise click.ClickException(one_line(str(err))) from err
    if chart_dir:
        from extract.timeline.chart import write_charts

        drawn = write_charts(events, Path(chart_dir))
        click.echo(f"extract: {drawn} charts and index.html in {one_line(chart_dir)}", err=True)
        return
    from extract.timeline.output import csv_lines, json_lines

    for line in (csv_lines if as_csv else json_lines)(events):
        click.echo(line)
