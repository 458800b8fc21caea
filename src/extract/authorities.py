"""The register of English local authorities (models/timeline/registers/ofsted_local_authorities.csv, also
the timeline's source of Ofsted URNs): a name as a text gives it ("Hull", "Nottingham City Council", "the
City of London") to the authority's registered name, so the same authority is named the same way across
reports and years."""

from __future__ import annotations

import csv
import re
from functools import cache

from extract.resources import models_dir

REGISTER = ("timeline", "registers", "ofsted_local_authorities.csv")
_GENERIC = re.compile(
    r"\b(?:the|council|county|city(?: of)?|borough|royal|metropolitan|district|local authority|"
    r"children['’]s services|of)\b"
)


def _key(name: str) -> str:
    lowered = name.lower().replace("&", " and ").replace("’", "'").replace(".", " ")
    return " ".join(_GENERIC.sub(" ", lowered).replace(",", " ").split())


def _display(name: str) -> str:
    """A register's "Bristol, City of" as a text would name it."""
    return re.sub(r",\s*(?:City|County) of$", "", name)


@cache
def _register() -> dict[str, str]:
    names: dict[str, str] = {}
    with open(models_dir().joinpath(*REGISTER), newline="", encoding="utf-8") as fh:
        for row in csv.DictReader(fh):
            forms = [row["name"], *(a for a in (row.get("aliases") or "").split("|") if a.strip())]
            for form in forms:
                names.setdefault(_key(form), _display(row["name"]))
    return names


def registered_name(name: str) -> str | None:
    """The registered name of the authority `name` stands for, or None when it names none."""
    return _register().get(_key(name))


def authority_name(name: str) -> str:
    """The name to give an inspected authority: its registered name when the register knows it ("Hull
    City Council" -> "Kingston upon Hull"), so one authority has one name across reports and years; else
    the text's own words."""
    words = " ".join(name.split())
    return registered_name(words) or words
