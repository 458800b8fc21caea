"""`-o records.db`: the records as an SQLite database, one table per kind of element, for Datasette and sqlite-utils.

`articles` has one row per input (primary key `source`, the path as given) with the record's metadata and the
whole record as JSON; `ratings`, `dates`, `officials`, `quotes`, `findings` and `finding_items` have one row per
element, each with its article's `source` (a foreign key to `articles`), `article_id` (the record id), its
position `n` in the record, `text`, `start` and `end` (the span). The timeline (`extract timeline`) is kept in
`events` and `event_sources`, rebuilt from all articles when a run ends.

Writing an article is one transaction: its row is upserted, its old child rows deleted and the new ones inserted,
so a re-run updates and never duplicates, and a killed run leaves each article whole or absent. The database is
checkpointed to disk (`commit`) before the caller writes the state, so the state is never ahead of it.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import sqlite_utils

DB_SUFFIXES = (".db", ".sqlite", ".sqlite3")

# table -> (columns, foreign keys); every child table also has id (rowid), source, article_id, n
_ARTICLE = {"source": str, "id": str, "title": str, "publisher": str, "published": str, "authors": str,
            "warnings": str, "extractor": str, "schema_version": str, "record": str}
_SPAN = {"text": str, "start": int, "end": int}
_CHILDREN: dict[str, dict[str, type]] = {
    "ratings": {**_SPAN, "grade": str, "kind": str, "organisation": str, "service": str, "rated_by": str,
                "date": str, "status": str, "mentions": str},
    "dates": {**_SPAN, "value": str, "granularity": str, "relative": int, "mod": str},
    "officials": {**_SPAN, "name": str, "honorific": str, "roles": str, "organisation": str, "party": str,
                  "mentions": str},
    "quotes": {**_SPAN, "speaker": str, "speaker_start": int, "speaker_end": int, "parts": str},
    "findings": {**_SPAN, "kind": str, "made_by": str},
    "finding_items": {**_SPAN, "finding_id": int},
}
_EVENTS = {"id": str, "body": str, "body_id": str, "body_kind": str, "names": str, "grade": str, "kind": str,
           "service": str, "rated_by": str, "date": str, "status": str, "n_sources": int}
_EVENT_SOURCES = {"event_id": str, "source": str, "article_id": str, "rating_n": int, "text": str, "start": int,
                  "end": int, "organisation": str, "date": str, "status": str}
_CHILD_ORDER = ("finding_items", "findings", "ratings", "dates", "officials", "quotes")


class DatabaseUnusable(OSError):
    """The database cannot be opened or written (not an SQLite file, a full disk): `filename` and `strerror` say so."""

    def __init__(self, path: Path, err: Exception) -> None:
        super().__init__(0, f"cannot use the database: {err}", str(path))


def is_database_path(path: str | Path) -> bool:
    """`-o` names a database when it ends in .db, .sqlite or .sqlite3."""
    return str(path).lower().endswith(DB_SUFFIXES)


def _json(value) -> str | None:
    return json.dumps(value, ensure_ascii=False) if value is not None else None


def _span(element: dict, key: str = "span") -> tuple[int | None, int | None]:
    span = element.get(key)
    return (span[0], span[1]) if span else (None, None)


def open_database(path: Path) -> sqlite_utils.Database:
    """Open (creating when new) the database with every table, index and foreign key in place."""
    import sqlite_utils  # only when a database is written: a run to stdout or files does not load it

    conn = sqlite3.connect(str(path), timeout=30)
    db = sqlite_utils.Database(conn)
    db.execute("PRAGMA journal_mode=WAL")
    db.execute("PRAGMA synchronous=NORMAL")
    db.execute("PRAGMA foreign_keys=ON")
    ensure_schema(db)
    return db


def ensure_schema(db: sqlite_utils.Database) -> None:
    with db.atomic():
        db["articles"].create(_ARTICLE, pk="source", not_null={"id"}, if_not_exists=True)
        db["articles"].create_index(["id"], if_not_exists=True)
        for table, columns in _CHILDREN.items():
            fks = [("source", "articles", "source")]
            if table == "finding_items":
                fks.append(("finding_id", "findings", "id"))
            db[table].create({"id": int, "source": str, "article_id": str, "n": int, **columns}, pk="id",
                             foreign_keys=fks, not_null={"source", "article_id", "n"}, if_not_exists=True)
            db[table].create_index(["source", "n"] if table != "finding_items" else ["finding_id", "n"],
                                   unique=True, if_not_exists=True)
            db[table].create_index(["article_id"], if_not_exists=True)
        db["ratings"].create_index(["organisation"], if_not_exists=True)
        db["officials"].create_index(["name"], if_not_exists=True)
        db["events"].create(_EVENTS, pk="id", if_not_exists=True)
        db["events"].create_index(["body", "date"], if_not_exists=True)
        db["event_sources"].create({"id": int, **_EVENT_SOURCES}, pk="id", if_not_exists=True,
                                   foreign_keys=[("event_id", "events", "id"), ("source", "articles", "source")])
        db["event_sources"].create_index(["event_id"], if_not_exists=True)
        db["event_sources"].create_index(["source"], if_not_exists=True)


def _rows(record: dict) -> dict[str, list[dict]]:
    """The child rows of one record, by table (finding items carry their list's `n` until it has an id)."""
    base = {"source": record["source"], "article_id": record["id"]}
    rows: dict[str, list[dict]] = {table: [] for table in _CHILDREN}
    for n, r in enumerate(record.get("ratings") or []):
        start, end = _span(r)
        rows["ratings"].append({**base, "n": n, "text": r["text"], "start": start, "end": end,
                                **{k: r.get(k) for k in ("grade", "kind", "organisation", "service", "rated_by",
                                                         "date", "status")},
                                "mentions": _json(r.get("mentions") or [])})
    for n, d in enumerate(record.get("dates") or []):
        start, end = _span(d)
        rows["dates"].append({**base, "n": n, "text": d["text"], "start": start, "end": end, "value": d.get("value"),
                              "granularity": d.get("granularity"), "relative": int(bool(d.get("relative"))),
                              "mod": d.get("mod")})
    for n, o in enumerate(record.get("officials") or []):
        first = (o.get("mentions") or [{}])[0]
        start, end = _span(first)
        rows["officials"].append({**base, "n": n, "text": first.get("text"), "start": start, "end": end,
                                  "name": o["name"], "honorific": o.get("honorific"), "roles": _json(o.get("roles")),
                                  "organisation": o.get("organisation"), "party": o.get("party"),
                                  "mentions": _json(o.get("mentions") or [])})
    for n, q in enumerate(record.get("quotes") or []):
        start, end = _span(q)
        s_start, s_end = _span(q, "speaker_span")
        rows["quotes"].append({**base, "n": n, "text": q["text"], "start": start, "end": end,
                               "speaker": q.get("speaker"), "speaker_start": s_start, "speaker_end": s_end,
                               "parts": _json(q.get("parts") or [])})
    for n, f in enumerate(record.get("findings") or []):
        start, end = _span(f, "lead_in_span")
        rows["findings"].append({**base, "n": n, "text": f.get("lead_in"), "start": start, "end": end,
                                 "kind": f.get("kind"), "made_by": f.get("source")})
        for i, item in enumerate(f.get("items") or []):
            i_start, i_end = _span(item)
            rows["finding_items"].append({**base, "n": i, "finding_n": n, "text": item["text"], "start": i_start,
                                          "end": i_end})
    return rows


def write_record(db: sqlite_utils.Database, record: dict) -> None:
    """Upsert one record: its article row, and its child rows replaced, all in one transaction."""
    source = record["source"]
    article = {"source": source, "id": record["id"], "title": record.get("title"),
               "publisher": record.get("publisher"), "published": record.get("published"),
               "authors": _json(record.get("authors") or []), "warnings": _json(record.get("warnings") or []),
               "extractor": record.get("extractor"), "schema_version": record.get("schema_version"),
               "record": json.dumps(record, ensure_ascii=False)}
    rows = _rows(record)
    with db.atomic():
        db["articles"].upsert(article, pk="source")
        for table in _CHILD_ORDER:
            db[table].delete_where("source = ?", [source])
        for table in ("ratings", "dates", "officials", "quotes"):
            if rows[table]:
                db[table].insert_all(rows[table])
        if rows["findings"]:  # ids given here (the write lock is held), so lists and items go in one call each
            first = (db.execute("SELECT max(id) FROM findings").fetchone()[0] or 0) + 1
            list_ids = {row["n"]: first + i for i, row in enumerate(rows["findings"])}
            db["findings"].insert_all([{**row, "id": list_ids[row["n"]]} for row in rows["findings"]])
            items = [{**{k: v for k, v in item.items() if k != "finding_n"}, "finding_id": list_ids[item["finding_n"]]}
                     for item in rows["finding_items"]]
            if items:
                db["finding_items"].insert_all(items)


def sources_in_database(path: Path) -> set[str]:
    """The sources of the articles in a database (empty when it does not exist or has no articles table)."""
    if not path.is_file():
        return set()
    try:
        conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True, timeout=30)
        try:
            return {row[0] for row in conn.execute("SELECT source FROM articles")}
        finally:
            conn.close()
    except sqlite3.Error:
        return set()


def read_records(path: Path) -> Iterator[dict]:
    """Every record stored in a database, in the order of their sources."""
    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True, timeout=30)
    try:
        for (text,) in conn.execute("SELECT record FROM articles ORDER BY source"):
            yield json.loads(text)
    finally:
        conn.close()


def write_events(db: sqlite_utils.Database, events: Iterable[dict]) -> None:
    """Replace the timeline tables with `events` (dicts as `extract timeline` prints them), in one transaction."""
    event_rows, source_rows = [], []
    for event in events:
        event_rows.append({"id": event["id"], "body": event["body"], "body_id": event.get("body_id"),
                           "body_kind": event.get("body_kind"),
                           "names": _json(event["names"]), "grade": event["grade"], "kind": event.get("kind"),
                           "service": event.get("service"), "rated_by": event.get("rated_by"),
                           "date": event.get("date"), "status": event.get("status"),
                           "n_sources": len(event["sources"])})
        for s in event["sources"]:
            start, end = _span(s)
            source_rows.append({"event_id": event["id"], "source": s["source"], "article_id": s["id"],
                                "rating_n": s.get("rating"), "text": s.get("text"), "start": start, "end": end,
                                "organisation": s.get("organisation"), "date": s.get("date"),
                                "status": s.get("status")})
    with db.atomic():
        db["event_sources"].delete_where()
        db["events"].delete_where()
        if event_rows:
            db["events"].insert_all(event_rows)
        if source_rows:
            db["event_sources"].insert_all(source_rows)


class DatabaseSink:
    """Records into an SQLite database, each in its own transaction; the timeline rebuilt at `commit`."""

    def __init__(self, path: Path) -> None:
        self.path = path
        try:
            self.db = open_database(path)
        except sqlite3.Error as err:
            raise DatabaseUnusable(path, err) from err

    def write(self, source: str, record: str) -> str | None:
        try:
            write_record(self.db, json.loads(record))
        except sqlite3.Error as err:
            raise DatabaseUnusable(self.path, err) from err
        return self.path.name

    def commit(self) -> None:
        """Rebuild the timeline from every article, then checkpoint so all of it is in the database file."""
        from extract.timeline import events_of

        try:
            records = [json.loads(text) for (text,) in self.db.execute("SELECT record FROM articles ORDER BY source")]
            events = events_of(records)  # as `extract timeline FILE.db` gives them
            write_events(self.db, (event.as_dict() for event in events))
            self.db.execute("PRAGMA wal_checkpoint(FULL)")
        except sqlite3.Error as err:
            raise DatabaseUnusable(self.path, err) from err
        finally:
            self.db.close()

    def abort(self) -> None:
        self.db.close()
