"""The timeline's rules as data: `models/timeline/*.json` (name words, service kinds, event rules, the grade ladder)."""

from __future__ import annotations

import json
from functools import cache

from extract.resources import models_dir


@cache
def _read(name: str) -> dict:
    return json.loads((models_dir() / "timeline" / name).read_text(encoding="utf-8"))


def bodies_rules() -> dict:
    return _read("bodies.json")


def services_rules() -> dict:
    return _read("services.json")


def rules() -> dict:
    return _read("rules.json")
