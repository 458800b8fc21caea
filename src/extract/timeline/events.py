"""Ratings from many records become events: one per body, verdict, service and date, with every source.

Two ratings are the same event when they name the same body (`bodies.cluster`), give the same grade, are about the
same kind of service (`service_kind`: no service, "overall effectiveness" and "children's services" are all the
body's overall verdict) and their dates meet: each date is the interval its precision covers ("2014" is the year,
"2014-03" the month) and two dates meet when the gap between the intervals is at most `same_verdict_days`
(`models/timeline/rules.json`), so "rated inadequate in March 2014" meets a report dated 2014-03-21 and a report's
inspection date meets the article that announced it weeks later. The most precise dates are placed first; a
coarser one joins the nearest event it meets. A rating without a date joins the verdict it reports: for a current
one, the latest verdict on its body and service dated no later than its article's publication, if that verdict has
its grade; for a previous one, the latest of its grade by then; without a publication date, the only dated event of
its grade. Otherwise it is an undated event. An event's status is `current` when it is the latest verdict known on
its body and service (an undated one known at the latest publication calling it current), else `previous`; an
undated event without any publication date keeps what its sources say.
"""

from __future__ import annotations

import calendar
import datetime as dt
import hashlib
import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cache

from extract.timeline.bodies import Body, cluster, normalise
from extract.timeline.rules import rules, services_rules

_PRECISION = {"day": 0, "week": 1, "month": 2, "season": 3, "quarter": 3, "half": 4, "year": 5, "decade": 6,
              "century": 7}
_SEASONS = {"SP": (3, 5), "SU": (6, 8), "FA": (9, 11), "AU": (9, 11), "WI": (12, 14)}


def date_interval(value: str | None) -> tuple[dt.date, dt.date, str] | None:
    """The first and last day a TimeML date value covers, and its precision; None for what is no calendar date."""
    if not value:
        return None
    try:
        if m := re.fullmatch(r"(\d{4})-(\d{2})-(\d{2})", value):
            day = dt.date(*map(int, m.groups()))
            return day, day, "day"
        if m := re.fullmatch(r"(\d{4})-(\d{2})", value):
            y, mo = map(int, m.groups())
            return dt.date(y, mo, 1), dt.date(y, mo, calendar.monthrange(y, mo)[1]), "month"
        if m := re.fullmatch(r"(\d{4})", value):
            y = int(m.group(1))
            return dt.date(y, 1, 1), dt.date(y, 12, 31), "year"
        if m := re.fullmatch(r"(\d{4})-W(\d{2})", value):
            start = dt.date.fromisocalendar(int(m.group(1)), int(m.group(2)), 1)
            return start, start + dt.timedelta(days=6), "week"
        if m := re.fullmatch(r"(\d{4})-Q([1-4])", value):
            y, q = int(m.group(1)), int(m.group(2))
            end_month = 3 * q
            return dt.date(y, end_month - 2, 1), dt.date(y, end_month, calendar.monthrange(y, end_month)[1]), "quarter"
        if m := re.fullmatch(r"(\d{4})-H([12])", value):
            y, h = int(m.group(1)), int(m.group(2))
            return (dt.date(y, 1, 1), dt.date(y, 6, 30), "half") if h == 1 else (dt.date(y, 7, 1), dt.date(y, 12, 31),
                                                                                  "half")
        if (m := re.fullmatch(r"(\d{4})-(SP|SU|FA|AU|WI)", value)):
            y, (first, last) = int(m.group(1)), _SEASONS[m.group(2)]
            end = dt.date(y + (last > 12), (last - 1) % 12 + 1, 1)
            end = end.replace(day=calendar.monthrange(end.year, end.month)[1])
            return dt.date(y, first, 1), end, "season"
        if m := re.fullmatch(r"(\d{3})", value):
            return dt.date(int(m.group(1)) * 10, 1, 1), dt.date(int(m.group(1)) * 10 + 9, 12, 31), "decade"
    except ValueError:
        return None
    return None


def _gap(a: tuple[dt.date, dt.date, str], b: tuple[dt.date, dt.date, str]) -> int:
    """Days between two intervals; 0 when they overlap."""
    if a[1] < b[0]:
        return (b[0] - a[1]).days
    if b[1] < a[0]:
        return (a[0] - b[1]).days
    return 0


@cache
def _service_tables() -> tuple[frozenset[str], tuple[tuple[str, tuple[str, ...]], ...]]:
    data = services_rules()
    overall = frozenset(normalise(p) for p in data["overall"])
    kinds = tuple((k["kind"], tuple(normalise(p) for p in k["phrases"])) for k in data["kinds"])
    return overall, kinds


def service_kind(service: str | None) -> str:
    """What kind of verdict a rating's service makes it: 'overall' for none or the body's overall verdict, a
    judgement area ('help and protection', 'in care', ...) by its words, else the service's own words."""
    if service is None:
        return "overall"
    text = normalise(service)
    text = re.sub(r"^(?:the|its|their)\s+", "", text)
    overall, kinds = _service_tables()
    if not text or text in overall:
        return "overall"
    for kind, phrases in kinds:
        if any(re.search(rf"\b{re.escape(p)}\b", text) for p in phrases):
            return kind
    head = re.split(r"\s+(?:at|in|of|for|across)\s+", text, maxsplit=1)[0]  # "social services at the council"
    return "overall" if head in overall else text


@dataclass
class Mention:
    """One rating of one record: what the timeline groups."""

    record_id: str
    source: str
    published: str | None
    index: int
    rating: dict
    body: Body
    service: str
    interval: tuple[dt.date, dt.date, str] | None

    def as_source(self) -> dict:
        r = self.rating
        return {"id": self.record_id, "source": self.source, "rating": self.index, "text": r.get("text"),
                "span": list(r["span"]) if r.get("span") is not None else None, "organisation": r.get("organisation"),
                "service": r.get("service"), "rated_by": r.get("rated_by"), "date": r.get("date"),
                "status": r.get("status"), "published": self.published}


@dataclass
class Event:
    """One verdict on one body, with every rating that reports it."""

    body: Body
    grade: str
    kind: str
    service: str
    mentions: list[Mention] = field(default_factory=list)
    interval: tuple[dt.date, dt.date, str] | None = None
    status: str = "current"

    @property
    def date(self) -> str | None:
        """The most precise date its sources give (the most often given, then the earliest)."""
        dated = [(m.interval, m.rating.get("date")) for m in self.mentions if m.interval]
        if not dated:
            return None
        finest = min(_PRECISION[i[2]] for i, _v in dated)
        values = Counter(v for i, v in dated if _PRECISION[i[2]] == finest)
        return min(values, key=lambda v: (-values[v], v))

    @property
    def rated_by(self) -> str | None:
        given = Counter(m.rating.get("rated_by") for m in self.mentions if m.rating.get("rated_by"))
        return min(given, key=lambda v: (-given[v], v)) if given else None

    @property
    def id(self) -> str:
        key = "\x1f".join((self.body.key, self.grade, self.service, self.date or "",
                           "" if self.date else min(f"{m.record_id}:{m.index}" for m in self.mentions)))
        return hashlib.sha256(key.encode()).hexdigest()[:16]

    def as_dict(self) -> dict:
        return {"id": self.id, "body": self.body.name, "body_id": self.body.identifier, "body_kind": self.body.kind,
                "names": list(self.body.names),
                "grade": self.grade, "kind": self.kind, "service": self.service, "rated_by": self.rated_by,
                "date": self.date, "status": self.status,
                "sources": [m.as_source() for m in sorted(self.mentions, key=lambda m: (m.source, m.index))]}


def mentions(records: Iterable[dict], links: set[tuple[str, str]] = frozenset()) -> list[Mention]:  # type: ignore[assignment]
    """Every rating of the records that names a body, with its body read from all names together."""
    found: list[tuple[dict, int, dict]] = []
    for record in records:
        for i, rating in enumerate(record.get("ratings") or []):
            if rating.get("organisation") and rating.get("grade"):
                found.append((record, i, rating))
    bodies = cluster([r["organisation"] for _rec, _i, r in found], links)
    out = []
    for record, i, rating in found:
        body = bodies.get(rating["organisation"])
        if body is None:
            continue
        out.append(Mention(record.get("id", ""), record.get("source", ""), record.get("published"), i, rating, body,
                           service_kind(rating.get("service")), date_interval(rating.get("date"))))
    return out


def group(found: list[Mention]) -> list[Event]:
    """The events of the mentions: see the module's docstring for when two mentions are one event."""
    window = int(rules()["same_verdict_days"])
    by_key: dict[tuple[str, str, str, str], list[Mention]] = {}
    for m in found:
        key = (m.body.key, m.rating["grade"].lower(), m.rating.get("kind") or "grade", m.service)
        by_key.setdefault(key, []).append(m)
    events: list[Event] = []
    for (_body, grade, kind, service), ms in by_key.items():
        dated = sorted((m for m in ms if m.interval), key=lambda m: (_PRECISION[m.interval[2]], m.interval[0],
                                                                        m.source, m.index))
        own: list[Event] = []
        for m in dated:
            near = [(_gap(e.interval, m.interval), -len(e.mentions), n) for n, e in enumerate(own)
                    if _gap(e.interval, m.interval) <= window]
            if near:
                own[min(near)[2]].mentions.append(m)
            else:
                own.append(Event(m.body, grade, kind, service, [m], m.interval))
        events.extend(own)
    dated_events = list(events)
    undated: dict[tuple[str, str, str, str], Event] = {}
    for key, ms in by_key.items():
        for m in (m for m in ms if not m.interval):
            target = _undated_target(dated_events, m, key)
            if target is not None:
                target.mentions.append(m)
            elif key in undated:
                undated[key].mentions.append(m)
            else:
                undated[key] = Event(m.body, key[1], key[2], key[3], [m], None)
                events.append(undated[key])
    _set_status(events)
    return sorted(events, key=lambda e: (e.body.name.lower(), e.body.key, e.interval is None,
                                         e.interval[0] if e.interval else dt.date.min, e.service != "overall",
                                         e.service, e.grade))


def _undated_target(events: list[Event], m: Mention, key: tuple[str, str, str, str]) -> Event | None:
    """The dated event an undated rating reports: with a publication date, the latest verdict on the body's service
    (of any grade) by then, if it is of this grade; without one, the only dated event of this grade."""
    body, grade, kind, service = key
    same = [e for e in events if (e.body.key, e.grade, e.kind, e.service) == key]
    published = date_interval(m.published)
    if not published:
        return same[0] if len(same) == 1 else None
    if (m.rating.get("status") or "current") == "previous":
        before = [e for e in same if e.interval[0] <= published[1]]  # type: ignore[index]
        return max(before, key=lambda e: e.interval[0]) if before else None  # type: ignore[index]
    before = [e for e in events if e.body.key == body and e.kind == kind and e.service == service
              and e.interval[0] <= published[1]]  # type: ignore[index]
    latest = max(before, key=lambda e: e.interval[0], default=None)  # type: ignore[index]
    return latest if latest is not None and latest.grade == grade else None


def _known_at(e: Event) -> dt.date | None:
    """When an event is known to stand: its date, or for an undated one the latest publication calling it current."""
    if e.interval:
        return e.interval[0]
    said = [i[1] for m in e.mentions if (m.rating.get("status") or "current") == "current"
            and (i := date_interval(m.published))]
    return max(said) if said else None


def _set_status(events: list[Event]) -> None:
    latest: dict[tuple[str, str], dt.date] = {}
    for e in events:
        if e.kind == "grade" and (when := _known_at(e)):
            key = (e.body.key, e.service)
            latest[key] = max(latest.get(key, dt.date.min), when)
    for e in events:
        when = _known_at(e)
        if when is None:
            said = Counter(m.rating.get("status") or "current" for m in e.mentions)
            e.status = "current" if said["current"] >= said["previous"] else "previous"
        elif e.kind == "grade":
            e.status = "current" if when >= latest[(e.body.key, e.service)] else "previous"
        else:  # a standing (special measures): current while no later grade of its body and service is known
            later = latest.get((e.body.key, e.service))
            e.status = "previous" if later and later > (e.interval[1] if e.interval else when) else "current"


def build_timeline(records: Iterable[dict], links: set[tuple[str, str]] = frozenset()) -> list[Event]:  # type: ignore[assignment]
    """The events of a collection of records (dicts as `extract` writes them), sorted by body and date."""
    return group(mentions(records, links))
