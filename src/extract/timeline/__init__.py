"""Many records, one history per body: ratings grouped into events (`events.py`), bodies' names merged
(`bodies.py`), records read from JSON Lines, folders or the database (`inputs.py`), printed as JSON Lines or CSV
(`output.py`) and drawn per body (`chart.py`)."""

from __future__ import annotations

from pathlib import Path

from extract.timeline.events import Event, build_timeline

__all__ = ["Event", "build_timeline", "timeline_of"]


def timeline_of(paths: tuple[str, ...] | list[str], body: str | None = None,
                register: Path | None = None) -> list[Event]:
    """The events of the records in `paths` (JSON Lines, folders of JSON, databases); with `body`, only those of
    the bodies it names; with `register`, bodies carry their identifiers from it. Hospital-trust links are read
    from the articles' texts where they are still there."""
    from extract.timeline.inputs import iter_records, links_in_texts
    from extract.timeline.output import matching_bodies

    records = list(iter_records(paths))
    events = build_timeline(records, links_in_texts(records))
    if register is not None:
        from extract.timeline.register import identify, read_register

        events = identify(events, read_register(register))
    if body:
        keys = matching_bodies(events, body)
        events = [e for e in events if e.body.key in keys]
    return events
