"""Inspection reports: the inspectorate's own verdicts, dates and inspectors, read from the report's layout.

A text is a report when an inspectorate profile (models/reports/*.json) recognises its front page. The
report's structure then replaces what the news rules would guess: its title, publisher and publication
date, its furniture (running headers, page numbers, contents, footnotes), and its ratings, which come
from the judgement table and the sentences that state judgements, never from grade words in passing.
The spaCy stages still run on the body for dates, officials, quotes and lists, and `apply` merges the
report's own elements into theirs.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from extract.authorities import authority_name
from extract.layout import Article, blank
from extract.records import Date, FindingList, Mention, Official, Rating
from extract.reports.front import Front, read_front
from extract.reports.furniture import find_furniture
from extract.reports.judgements import current_judgements, previous_judgements
from extract.reports.profile import Profile, detect, line_end

__all__ = ["Report", "read_layout", "read_report"]


@dataclass
class Report:
    """What the report's layout gives, before the spaCy stages run."""

    profile: Profile
    front: Front
    ratings: list[Rating] = field(default_factory=list)
    furniture: list[tuple[int, int]] = field(default_factory=list)
    publisher: Mention | None = None

    def dates(self, found: list[Date]) -> list[Date]:
        """The inspection's first and last day in place of what the date rules read over the same words."""
        own = self.front.inspection
        kept = [d for d in found if not any(d.span[0] < o.span[1] and o.span[0] < d.span[1] for o in own)]
        return sorted(kept + own, key=lambda d: d.span)

    def officials(self, found: list[Official]) -> list[Official]:
        """The inspectors named on the report, merged with the same people found in its text."""
        merged = list(found)
        for inspector in self.front.inspectors:
            same = next((i for i, o in enumerate(merged) if o.name.lower() == inspector.name.lower()), None)
            if same is None:
                merged.append(inspector)
                continue
            other = merged[same]
            spans = {m.span for m in other.mentions}
            merged[same] = other.model_copy(update={
                "roles": list(dict.fromkeys(inspector.roles + other.roles)),
                "organisation": other.organisation or inspector.organisation,
                "mentions": sorted(other.mentions + [m for m in inspector.mentions if m.span not in spans],
                                   key=lambda m: m.span),
            })
        return merged

    def findings(self, found: list[FindingList], text: str) -> list[FindingList]:
        """Lists under a recommendations heading are recommendations from the inspectorate; numbered
        paragraphs elsewhere are the report's prose, not lists."""
        heading = self.profile.pattern("recommendation_headings")
        kept = []
        for found_list in found:
            if not found_list.items:
                continue
            above = _line_above(text, found_list.items[0].span[0])
            if above and heading.match(text[above[0]:above[1]]):
                kept.append(found_list.model_copy(update={
                    "kind": "recommendation", "source": self.profile.publisher,
                    "lead_in": text[above[0]:above[1]], "lead_in_span": above}))
            elif not _numbered(text, found_list.items[0].span[0]):
                kept.append(found_list)
        return kept


def _line_above(text: str, at: int) -> tuple[int, int] | None:
    """The nearest line with words above the line holding `at`, without a footnote mark glued to its end."""
    end = text.rfind("\n", 0, text.rfind("\n", 0, at) + 1)
    while end > 0:
        start = text.rfind("\n", 0, end) + 1
        line = text[start:end]
        if line.strip():
            lead = len(line) - len(line.lstrip())
            stripped = re.sub(r"(?<=\D)\d{1,2}$", "", line.rstrip())
            return start + lead, start + len(stripped)
        end = start - 1
    return None


def _numbered(text: str, item_start: int) -> bool:
    """True when the item's mark, before it on its line, is a number ("1.", "12)")."""
    line_start = text.rfind("\n", 0, item_start) + 1
    return bool(re.search(r"\d", text[line_start:item_start]))


def read_report(text: str) -> Report | None:
    """The report's structure, or None when no inspectorate profile recognises the text."""
    profile = detect(text)
    if profile is None:
        return None
    front = read_front(text, profile)
    authority = authority_name(front.authority.text) if front.authority else None
    head_start = front.title.span[0] if front.title else 0
    head_end = line_end(text, profile.raw["table"]["max_lines"] + text.count("\n", 0, head_start))
    date = front.published_value or (front.inspection[-1].value if front.inspection else None)
    furniture = find_furniture(text, profile)
    ratings = current_judgements(text, blank(text, furniture), profile, authority, date, (head_start, head_end))
    before = front.inspection[0].value if front.inspection else date
    ratings += previous_judgements(text, profile, authority, before)
    named = re.search(rf"\b{re.escape(profile.publisher)}\b", text)
    publisher = Mention(text=named.group(), span=named.span()) if named else None
    return Report(profile=profile, front=front, ratings=ratings, furniture=furniture,
                  publisher=publisher)



def read_layout(article: Article) -> Article:
    """The article as a report when it is one: the report's front page replaces the news header (a report
    has no byline and no dateline; "Inspection dates" is not its publication date) and its furniture is
    blanked like a web page's."""
    report = read_report(article.text)
    if report is None:
        return article
    article.report = report
    article.title = report.front.title or article.title
    article.publisher = report.publisher
    article.published = report.front.published
    article.published_value = report.front.published_value
    article.authors = []
    article.furniture = sorted(set(article.furniture) | set(report.furniture))
    article.body = blank(article.text, article.furniture)
    return article
