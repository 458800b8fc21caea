"""The register of English local authorities (models/timeline/registers/ofsted_local_authorities.csv, also
the timeline's source of Ofsted URNs): a name as a text gives it ("Hull", "Nottingham City Council", "the
City of London") to the authority's registered name, so the same authority is named the same way across
reports and years."""

from __future__ import annotations

import csv
import re
from functools import cache

from extract.resources import models_dir
from extract.timeline.bodies import read_name

REGISTER = ("timeline", "registers", "ofsted_local_authorities.csv")


def _key(name: str) -> str | None:
    """What a council's name says without the words around it ("Hull City Council" -> "hull"): the same
    reading the timeline gives bodies, so both agree on which authority a name is."""
    read = read_name(name)
    return read.core if read is not None and read.kind == "council" else None


def _display(name: str) -> str:
    """A register's "Bristol, City of" as a text would name it."""
    return re.sub(r",\s*(?:City|County) of$", "", name)


@cache
def _register() -> dict[str, str]:
    names: dict[str, str] = {}
    with open(models_dir().joinpath(*REGISTER), newline="", encoding="utf-8") as fh:
        for row in csv.DictReader(fh):
            forms = [row["name"], *(a for a in (row.get("aliases") or "").split("|") if a.strip())]
            for key in filter(None, map(_key, forms)):
                names.setdefault(key, _display(row["name"]))
    return names


def registered_name(name: str) -> str | None:
    """The registered name of the authority `name` stands for, or None when it names none."""
    key = _key(name)
    return _register().get(key) if key else None


def authority_name(name: str) -> str:
    """The name to give an inspected authority: its registered name when the register knows it ("Hull
    City Council" -> "Kingston upon Hull"), so one authority has one name across reports and years; else
    the text's own words."""
    words = " ".join(name.split())
    return registered_name(words) or words
