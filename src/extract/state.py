"""What an incremental run has processed, kept in an embedded SQLite database.

A file is skipped when its size and modification time are unchanged, or, when they changed,
its content hash is; and nothing is skipped when the extractor, its patterns or the model differ
from the run that processed it (the `extractor` fingerprint), when the options that shape a record
or the output it went to differ (`options`), or when the output that held its record is gone.
"""

from __future__ import annotations

import hashlib
import sqlite3
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from extract.inputs import display_name, one_line

_SCHEMA = """
CREATE TABLE IF NOT EXISTS processed (
    path TEXT PRIMARY KEY,
    size INTEGER,
    mtime_ns INTEGER,
    sha256 TEXT,
    extractor TEXT NOT NULL,
    processed_at TEXT NOT NULL,
    outcome TEXT NOT NULL CHECK (outcome IN ('ok', 'error')),
    message TEXT,
    output TEXT,
    options TEXT
)
"""


class StateError(Exception):
    """The state database cannot be opened or written; the message is one line naming the file."""


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


@dataclass(frozen=True)
class Stamp:
    """What identifies the content a file had when it was read: its hash, and its size and modification time
    taken before reading (None for standard input)."""

    sha256: str
    size: int | None = None
    mtime_ns: int | None = None


@dataclass(frozen=True)
class Entry:
    path: str
    size: int | None
    mtime_ns: int | None
    sha256: str | None
    extractor: str
    outcome: str
    message: str | None
    output: str | None
    options: str | None = None


def _key(path: str) -> str:
    """SQLite text must be valid UTF-8: a file name's undecodable bytes become backslash escapes."""
    return display_name(path)


class State:
    """The state database of one output: open it, ask what is unchanged, record outcomes.

    With `deferred`, outcomes are held back until `flush`, which writes them in one transaction: the caller
    flushes only once the output holding the records is durable, so the state never runs ahead of it.
    """

    def __init__(self, path: Path, extractor: str, options: str | None = None, deferred: bool = False) -> None:
        self.path, self.extractor, self.options, self.deferred = path, extractor, options, deferred
        self._pending: list[tuple] = []
        try:
            self.db = sqlite3.connect(str(path), timeout=30, isolation_level=None)
            self.db.execute("PRAGMA journal_mode=WAL")
            self.db.execute("PRAGMA synchronous=NORMAL")
            self.db.execute(_SCHEMA)
            columns = {row[1] for row in self.db.execute("PRAGMA table_info(processed)")}
            if "options" not in columns:  # a state file from before options were recorded
                self.db.execute("ALTER TABLE processed ADD COLUMN options TEXT")
        except sqlite3.Error as err:
            raise StateError(f"{one_line(str(path))}: cannot use the state file: {err}") from err

    def close(self) -> None:
        self.db.close()

    def get(self, path: str) -> Entry | None:
        row = self._query(
            "SELECT path, size, mtime_ns, sha256, extractor, outcome, message, output, options FROM processed"
            " WHERE path = ?", (_key(path),),
        ).fetchone()
        return Entry(*row) if row else None

    def _query(self, sql: str, args: tuple = ()) -> sqlite3.Cursor:
        try:
            return self.db.execute(sql, args)
        except sqlite3.Error as err:
            raise StateError(f"{one_line(str(self.path))}: cannot use the state file: {err}") from err

    def outputs(self) -> dict[str, str]:
        """Output file name of every recorded path, so names stay stable across runs."""
        return dict(self._query("SELECT path, output FROM processed WHERE output IS NOT NULL").fetchall())

    def unchanged(self, path: str, file: Path, kept: Callable[[Entry], bool] = lambda entry: True) -> bool:
        """True when `file` was processed successfully by this extractor with these options, has not changed
        since, and its record is still where it was written (`kept`)."""
        entry = self.get(path)
        if entry is None or entry.outcome != "ok" or entry.extractor != self.extractor:
            return False
        if entry.options != self.options or not kept(entry):
            return False
        try:
            st = file.stat()
        except OSError:
            return False
        if entry.size == st.st_size and entry.mtime_ns == st.st_mtime_ns:
            return True
        if entry.size != st.st_size:
            return False
        if file_sha256(file) != entry.sha256:
            return False
        self._query("UPDATE processed SET mtime_ns = ? WHERE path = ?", (st.st_mtime_ns, _key(path)))
        return True

    def record(self, path: str, outcome: str, *, stamp: Stamp | None = None, message: str | None = None,
               output: str | None = None) -> None:
        """Record an outcome; `stamp` is the file as it was read (not as it is now), so a file changed since
        then is not taken for unchanged."""
        size, mtime_ns, sha256 = (stamp.size, stamp.mtime_ns, stamp.sha256) if stamp else (None, None, None)
        row = (_key(path), size, mtime_ns, sha256, self.extractor, time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
               outcome, message, output, self.options)
        if self.deferred:
            self._pending.append(row)
        else:
            self._query(_INSERT, row)

    def flush(self) -> None:
        """Write the held-back outcomes, all or none."""
        if not self._pending:
            return
        try:
            with self.db:
                self.db.execute("BEGIN IMMEDIATE")
                self.db.executemany(_INSERT, self._pending)
        except sqlite3.Error as err:
            raise StateError(f"{one_line(str(self.path))}: cannot use the state file: {err}") from err
        self._pending.clear()


_INSERT = "INSERT OR REPLACE INTO processed VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
