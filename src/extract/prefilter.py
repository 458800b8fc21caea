"""Words a regular expression cannot match without: a cheap test that lets a scan be skipped.

The date grammar runs some sixty patterns over every article, and most of them have no literal start, so `re`
tries each one at every character. Yet nearly every pattern needs a word that most articles lack ("quarter",
"century", a season, a holiday). `requirements` reads those words off the parsed pattern, and
`Prefilter.possible` skips a pattern when the text lacks one of them. On 2,831 documents (BBC, samples, dev,
TimeBank and TempEval) the grammar's matches are identical and its time halves.

A requirement is a set of alternatives, one of which every match contains (compared case-folded, so
case-sensitive parts are treated as case-insensitive: a looser test, never a wrong skip). What the analysis
does not understand yields no requirement, which only means the pattern is always scanned.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

try:  # the parser behind `re.compile`; a private module, so anything unexpected means "no requirement"
    from re import _constants as sre  # type: ignore[attr-defined]
    from re import _parser as sre_parse
except ImportError:  # Python 3.10
    import sre_constants as sre  # type: ignore[no-redef]
    import sre_parse  # type: ignore[no-redef]

Requirement = frozenset[str]
_DIGITS: Requirement = frozenset("0123456789")
_REPEATS = tuple(getattr(sre, name) for name in ("MAX_REPEAT", "MIN_REPEAT", "POSSESSIVE_REPEAT") if hasattr(sre, name))
_ATOMIC = getattr(sre, "ATOMIC_GROUP", None)
_MAX_CLASS = 20  # a character class of more characters than this is no useful requirement


def requirements(regex: re.Pattern[str]) -> tuple[Requirement, ...]:
    """What every match of `regex` contains: for each requirement, one of its (case-folded) strings."""
    try:
        found = _sequence(sre_parse.parse(regex.pattern, regex.flags).data)
    except Exception:  # an unknown construct or parser change: scan always
        return ()
    return tuple(dict.fromkeys(frozenset(s.casefold() for s in r) for r in found if r and all(r)))


def _sequence(items) -> list[Requirement]:
    found: list[Requirement] = []
    run = ""  # consecutive literal characters make one word
    for op, av in items:
        if op is sre.LITERAL:
            run += chr(av)
            continue
        if run:
            found.append(frozenset({run}))
            run = ""
        found.extend(_item(op, av))
    if run:
        found.append(frozenset({run}))
    return found


def _item(op, av) -> list[Requirement]:
    if op is sre.SUBPATTERN:
        return _sequence(av[-1].data)
    if _ATOMIC is not None and op is _ATOMIC:
        return _sequence(av.data)
    if op in _REPEATS:
        low, _, sub = av
        return _sequence(sub.data) if low >= 1 else []
    if op is sre.BRANCH:  # each branch brings its most selective requirement; the match has one of them
        alternatives = []
        for branch in av[1]:
            best = _most_selective(_sequence(branch.data))
            if best is None:
                return []
            alternatives.append(best)
        return [frozenset().union(*alternatives)]
    if op is sre.IN:
        return _character_class(av)
    return []  # anchors, lookarounds, negated or broad classes, back-references: no requirement


def _character_class(av) -> list[Requirement]:
    chars: set[str] = set()
    for op, value in av:
        if op is sre.LITERAL:
            chars.add(chr(value))
        elif op is sre.RANGE and value[1] - value[0] < _MAX_CLASS:
            chars.update(chr(c) for c in range(value[0], value[1] + 1))
        elif op is sre.CATEGORY and value is sre.CATEGORY_DIGIT:
            chars.update(_DIGITS)
        else:
            return []
    return [frozenset(chars)] if len(chars) <= _MAX_CLASS else []


def _most_selective(found: list[Requirement]) -> Requirement | None:
    """The requirement whose shortest alternative is longest (then: the fewest alternatives)."""
    return max(found, key=lambda r: (min(map(len, r)), -len(r)), default=None)


class Prefilter:
    """Which of a list of patterns can match a text, from their requirements alone."""

    def __init__(self, regexes: Sequence[re.Pattern[str]]) -> None:
        self.requirements = [requirements(regex) for regex in regexes]

    def possible(self, text: str) -> list[bool]:
        """For each pattern, False when `text` lacks one of its requirements (then it has no match)."""
        folded = text.casefold()
        known: dict[Requirement, bool] = {}
        out = []
        for needs in self.requirements:
            ok = True
            for requirement in needs:
                present = known.get(requirement)
                if present is None:
                    present = known[requirement] = any(word in folded for word in requirement)
                if not present:
                    ok = False
                    break
            out.append(ok)
        return out
