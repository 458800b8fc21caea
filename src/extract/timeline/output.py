"""The timeline as JSON Lines or CSV, and `--body NAME`: the events of the bodies whose names match."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable, Iterator

from rapidfuzz import fuzz

from extract.timeline.bodies import normalise, read_name
from extract.timeline.events import Event

CSV_COLUMNS = ("id", "body", "body_id", "body_kind", "grade", "kind", "service", "rated_by", "date", "status", "names",
               "n_sources", "sources")


def json_lines(events: Iterable[Event]) -> Iterator[str]:
    for event in events:
        yield json.dumps(event.as_dict(), ensure_ascii=False)


def csv_lines(events: Iterable[Event]) -> Iterator[str]:
    """One row per event; `names` joined with ' | ', `sources` as 'source#rating' joined with ' | '."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    for event in events:
        d = event.as_dict()
        writer.writerow([d["id"], d["body"], d["body_id"] or "", d["body_kind"], d["grade"], d["kind"], d["service"],
                         d["rated_by"] or "", d["date"] or "", d["status"], " | ".join(d["names"]), len(d["sources"]),
                         " | ".join(f"{s['source']}#{s['rating']}" for s in d["sources"])])
        yield buffer.getvalue().rstrip("\n")
        buffer.seek(0)
        buffer.truncate()


def matching_bodies(events: list[Event], query: str, cutoff: float = 85) -> set[str]:
    """Keys of the bodies `query` names: those whose core matches the query's (rapidfuzz ratio >= 90), else those
    with a name that matches it loosely (WRatio >= cutoff)."""
    wanted = read_name(query)
    bodies = {e.body.key: e.body for e in events}
    if wanted is not None:
        close = {key for key, body in bodies.items()
                 if any((b := read_name(n)) is not None and fuzz.ratio(b.core, wanted.core) >= 90 for n in body.names)}
        if close:
            return close
    q = normalise(query)
    return {key for key, body in bodies.items()
            if any(fuzz.WRatio(q, normalise(n)) >= cutoff for n in (body.name, *body.names))}
