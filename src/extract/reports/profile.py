"""An inspectorate's report layout as data: one JSON file per inspectorate under models/reports/.

A second inspectorate (CQC, HMI Prisons, HMICFRS) is added by writing its own file; nothing here
names Ofsted. Patterns are compiled once, case-insensitive, with `{grade}` standing for the
profile's grade words (longest first, so "requires improvement to be good" wins over its prefix).
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from functools import cache

from extract.resources import models_dir


@dataclass(frozen=True)
class Profile:
    """One inspectorate's report conventions, compiled."""

    name: str
    publisher: str
    rated_by: str
    raw: dict
    grades: dict[str, str]
    grade: str  # alternation of the grade words, for building patterns

    def pattern(self, *keys: str, flags: int = re.IGNORECASE | re.MULTILINE) -> re.Pattern[str]:
        """The compiled pattern at `keys` in the profile (e.g. "fields", "published")."""
        return _compiled(self.name, keys, flags)

    def patterns(self, key: str) -> tuple[re.Pattern[str], ...]:
        return tuple(_compile(self, source, re.IGNORECASE) for source in self.raw.get(key, []))

    def normal_grade(self, words: str) -> str | None:
        """The scale's grade for words as printed ("Requires improvement to be good" -> "requires improvement")."""
        return self.grades.get(" ".join(words.lower().split()))


def _compile(profile: Profile, source: str, flags: int) -> re.Pattern[str]:
    return re.compile(source.replace("{grade}", profile.grade), flags)


@cache
def _compiled(name: str, keys: tuple[str, ...], flags: int) -> re.Pattern[str]:
    profile = next(p for p in profiles() if p.name == name)
    value = profile.raw
    for key in keys:
        value = value[key]
    return _compile(profile, value, flags)


@cache
def profiles() -> tuple[Profile, ...]:
    """Every inspectorate profile shipped in models/reports/."""
    found = []
    for path in sorted((models_dir() / "reports").glob("*.json")):
        raw = json.loads(path.read_text(encoding="utf-8"))
        grades = {k.lower(): v for k, v in raw["grades"].items()}
        alternation = "|".join(re.escape(g).replace(r"\ ", r"\s+") for g in sorted(grades, key=len, reverse=True))
        found.append(Profile(name=raw["name"], publisher=raw["publisher"], rated_by=raw["rated_by"], raw=raw,
                             grades=grades, grade=f"(?:{alternation})"))
    return tuple(found)


def detect(text: str) -> Profile | None:
    """The profile whose header labels stand in the first lines and whose inspectorate the text names."""
    for profile in profiles():
        detect_ = profile.raw["detect"]
        head_end = line_end(text, detect_["within_lines"])
        if profile.pattern("detect", "header_label").search(text, 0, head_end) and \
                profile.pattern("detect", "mentions").search(text):
            return profile
    return None


def line_end(text: str, n: int) -> int:
    """Where the text's `n`-th line ends (the whole text when it has fewer)."""
    at = -1
    for _ in range(n):
        at = text.find("\n", at + 1)
        if at < 0:
            return len(text)
    return at
