"""Official identifiers for bodies (`extract timeline --register FILE.csv`), such as the Ofsted URNs of local
authorities. A register is a CSV file with the columns `identifier` and `name`, and optionally `kind` (default: the
kind its name reads as) and `aliases` (other names, separated by '|'). A body gets the identifier of the one entry
whose name or alias reads as the same kind and core as one of the body's names; none when no entry or several do.
`models/timeline/registers/*.csv` are the registers shipped (see the README there for their sources and licences),
used when no other is given."""

from __future__ import annotations

import csv
import dataclasses
from functools import cache
from pathlib import Path

from extract.resources import models_dir
from extract.timeline.bodies import read_name
from extract.timeline.events import Event


class RegisterError(ValueError):
    """The register cannot be read: the message names the file and the line."""


def read_register(path: Path) -> dict[tuple[str, str], set[str]]:
    """(kind, core) of every name and alias -> the identifiers that carry it."""
    entries: dict[tuple[str, str], set[str]] = {}
    try:
        with open(path, newline="", encoding="utf-8-sig") as fh:
            reader = csv.DictReader(fh)
            if not reader.fieldnames or not {"identifier", "name"} <= set(reader.fieldnames):
                raise RegisterError(f"{path}: a register needs the columns 'identifier' and 'name'")
            for line, row in enumerate(reader, 2):
                identifier = (row.get("identifier") or "").strip()
                if not identifier:
                    raise RegisterError(f"{path}:{line}: no identifier")
                names = [row.get("name") or "", *(row.get("aliases") or "").split("|")]
                for name in (n.strip() for n in names if n.strip()):
                    read = read_name(name)
                    if read is None:
                        continue
                    kind = (row.get("kind") or "").strip().lower() or read.kind
                    entries.setdefault((kind, read.core), set()).add(identifier)
    except (OSError, UnicodeDecodeError, csv.Error) as err:
        raise RegisterError(f"{path}: cannot read the register ({err})") from err
    return entries


@cache
def default_register() -> dict[tuple[str, str], set[str]]:
    """The registers shipped in models/timeline/registers/, together."""
    merged: dict[tuple[str, str], set[str]] = {}
    for path in sorted((models_dir() / "timeline" / "registers").glob("*.csv")):
        for key, identifiers in read_register(path).items():
            merged.setdefault(key, set()).update(identifiers)
    return merged


def identify(events: list[Event], register: dict[tuple[str, str], set[str]]) -> list[Event]:
    """The events with their bodies' identifiers set where the register names them unambiguously."""
    identifiers: dict[str, str | None] = {}
    for event in events:
        body = event.body
        if body.key in identifiers:
            continue
        found: set[str] = set()
        for name in body.names:
            read = read_name(name)
            if read is not None:
                found |= register.get((body.kind, read.core), set())
        identifiers[body.key] = found.pop() if len(found) == 1 else None
    out = []
    for event in events:
        identifier = identifiers[event.body.key]
        out.append(dataclasses.replace(event, body=dataclasses.replace(event.body, identifier=identifier))
                   if identifier else event)
    return out
