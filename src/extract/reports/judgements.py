"""The report's own verdicts: its judgement table, the overall judgement stated in words, the safeguarding
board's judgement, and the earlier judgements it recalls ("at the last inspection in 2019, when the local
authority was judged inadequate")."""

from __future__ import annotations

import re

from extract.records import Mention, Rating
from extract.reports.front import day_value
from extract.reports.profile import Profile
from extract.reports.table import read_table


def _normal(words: str) -> str:
    return " ".join(words.split())


def current_judgements(text: str, body: str, profile: Profile, authority: str | None, date: str | None,
                       head: tuple[int, int]) -> list[Rating]:
    """One current rating per judgement of the table, plus the overall and board judgements in words.
    The table is read from `body`, the text with its furniture blanked, so a page break inside the table
    (page number, footnote, running header) is only blank lines."""
    found: list[Rating] = []

    def add(grade_span: tuple[int, int], grade_words: str, service: str, more: list[tuple[int, int]] = ()) -> None:
        grade = profile.normal_grade(grade_words)
        if grade is None or any(_normal(r.service or "").lower() == service.lower() for r in found):
            return
        found.append(Rating(
            text=text[grade_span[0]:grade_span[1]], span=grade_span, grade=grade, organisation=authority,
            service=service, rated_by=profile.rated_by, date=date, status="current",
            mentions=[Mention(text=text[a:b], span=(a, b)) for a, b in more],
        ))

    rows = read_table(body, head[0], head[1], profile)
    for row in rows:
        add(row.grade[0], row.grade_text(text), row.label_text(text), row.grade[1:])
    overall = profile.pattern("table", "overall_sentence").search(text, *head)
    if overall and not any("overall" in row.label_text(text).lower() for row in rows):
        group = next(g for g in ("grade", "grade2", "grade3") if overall.group(g))
        add(overall.span(group), overall.group(group), profile.raw["table"]["overall_service"])
    board = profile.pattern("board", "sentence").search(text)
    if board:
        group = "grade" if board.group("grade") else "grade2"
        add(board.span(group), board.group(group), profile.raw["board"]["service"])
    return found


def previous_judgements(text: str, profile: Profile, authority: str | None, before: str | None) -> list[Rating]:
    """Earlier verdicts the report recalls about the authority as a whole, each once, with its date."""
    found: list[Rating] = []
    seen: set[tuple[str, str | None]] = set()
    windows = _windows(text, r"\b(?:last|previous|prior|earlier|most\s+recent)\s", 400)
    for pattern in profile.patterns("previous"):
        for match in (m for start, end in windows for m in pattern.finditer(text, start, end)):
            subject = match.group("subject")
            if profile.pattern("previous_pronoun").fullmatch(_normal(subject)):
                subject = _sentence_subject(text, match.start())  # "they": what the sentence is about
            if not _about_authority(subject, authority, profile):
                continue
            grade = profile.normal_grade(match.group("grade"))
            date = _when(text[match.start():match.start("grade")], profile)
            if grade is None or (before and date and date >= before[: len(date)]):
                continue
            if any(g == grade and (d or "").startswith(date or "\0") for g, d in seen):
                continue  # said again, as precisely or more ("in September 2016", then "in 2016")
            seen.add((grade, date))
            found.append(Rating(
                text=match.group("grade"), span=match.span("grade"), grade=grade, organisation=authority,
                service=None, rated_by=profile.rated_by, date=date, status="previous",
            ))
    return found


def _windows(text: str, cue: str, reach: int) -> list[tuple[int, int]]:
    """The stretches within `reach` characters of a cue word, merged: the only places a pattern that
    needs the cue can match, so long reports are not scanned from every position."""
    windows: list[tuple[int, int]] = []
    for match in re.finditer(cue, text, re.IGNORECASE):
        start, end = max(0, match.start() - reach), min(len(text), match.end() + reach)
        if windows and start <= windows[-1][1]:
            windows[-1] = (windows[-1][0], end)
        else:
            windows.append((start, end))
    return windows


def _sentence_subject(text: str, at: int) -> str:
    """The words opening the sentence that holds `at`, up to its first verb."""
    start = max(text.rfind(". ", 0, at), text.rfind(".\n", 0, at), text.rfind("\n\n", 0, at)) + 1
    opening = _normal(text[start:at])
    verb = re.search(r"\s(?:have|has|are|is|were|was|had|continue[sd]?|benefit|remain)\b", opening)
    return opening[: verb.start()] if verb else ""


def _about_authority(subject: str, authority: str | None, profile: Profile) -> bool:
    """The local authority under a generic name ("the local authority", "children's services"), or under
    its own name with such words around it ("Blackpool local authority children's services")."""
    words = _normal(subject).lower()
    if authority:
        own = {w for w in re.findall(r"[a-z]+", authority.lower())}
        words = " ".join(w for w in words.split() if w.strip("’'s") not in own and w not in own)
        words = re.sub(r"['’]s\b", "", words) if not words.startswith(("children", "council")) else words
    return not words or bool(profile.pattern("previous_subject").fullmatch(words.strip()))


def _when(words: str, profile: Profile) -> str | None:
    """The latest-named date of the words before the grade: "in November 2018", "in 2019"."""
    for match in profile.pattern("previous_date", flags=re.MULTILINE).finditer(_normal(words)):
        said = match.group()
        if re.fullmatch(r"\d{4}", said):
            return said
        full = day_value(said)
        if full:
            return full
        month = re.fullmatch(r"([A-Za-z]+) (\d{4})", said)
        value = day_value(f"1 {month.group(1)} {month.group(2)}") if month else None
        return value[:7] if value else said[-4:]
    return None
