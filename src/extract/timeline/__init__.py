"""Many records, one history per body: ratings grouped into events (`events.py`), bodies' names merged
(`bodies.py`), records read from JSON Lines, folders or the database (`inputs.py`), printed as JSON Lines or CSV
(`output.py`) and drawn per body (`chart.py`)."""

from __future__ import annotations

from pathlib import Path

from extract.timeline.events import Event, build_timeline

__all__ = ["Event", "build_timeline", "events_of", "timeline_of"]


def events_of(records: list[dict], register: Path | None = None) -> list[Event]:
    """The events of records (dicts), with hospital-trust links read from the articles' texts where they are still
    there, and bodies' identifiers from `register` (default: the registers shipped in models/timeline/registers/)."""
    from extract.timeline.inputs import links_in_texts
    from extract.timeline.register import default_register, identify, read_register

    events = build_timeline(records, links_in_texts(records))
    return identify(events, read_register(register) if register is not None else default_register())


def timeline_of(paths: tuple[str, ...] | list[str], body: str | None = None,
                register: Path | None = None) -> list[Event]:
    """The events of the records in `paths` (JSON Lines, folders of JSON, databases); with `body`, only those of
    the bodies it names."""
    from extract.timeline.inputs import iter_records
    from extract.timeline.output import matching_bodies

    events = events_of(list(iter_records(paths)), register)
    if body:
        keys = matching_bodies(events, body)
        events = [e for e in events if e.body.key in keys]
    return events
