"""What an incremental run has processed, kept in an embedded SQLite database.

A file is skipped when its size and modification time are unchanged, or, when they changed,
its content hash is; and nothing is skipped when the extractor, its patterns or the model differ
from the run that processed it (the `extractor` fingerprint).
"""

from __future__ import annotations

import hashlib
import sqlite3
import time
from dataclasses import dataclass
from pathlib import Path

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
    output TEXT
)
"""


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


class State:
    """The state database of one output: open it, ask what is unchanged, record outcomes."""

    def __init__(self, path: Path, extractor: str) -> None:
        self.extractor = extractor
        self.db = sqlite3.connect(str(path), timeout=30, isolation_level=None)
        self.db.execute("PRAGMA journal_mode=WAL")
        self.db.execute("PRAGMA synchronous=NORMAL")
        self.db.execute(_SCHEMA)

    def close(self) -> None:
        self.db.close()

    def get(self, path: str) -> Entry | None:
        row = self.db.execute(
            "SELECT path, size, mtime_ns, sha256, extractor, outcome, message, output FROM processed WHERE path = ?",
            (path,),
        ).fetchone()
        return Entry(*row) if row else None

    def outputs(self) -> dict[str, str]:
        """Output file name of every recorded path, so names stay stable across runs."""
        return {p: o for p, o in self.db.execute("SELECT path, output FROM processed WHERE output IS NOT NULL")}

    def unchanged(self, path: str, file: Path) -> bool:
        """True when `file` was processed successfully by this extractor and has not changed since."""
        entry = self.get(path)
        if entry is None or entry.outcome != "ok" or entry.extractor != self.extractor:
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
        self.db.execute("UPDATE processed SET mtime_ns = ? WHERE path = ?", (st.st_mtime_ns, path))
        return True

    def record(self, path: str, outcome: str, *, stamp: Stamp | None = None, message: str | None = None,
               output: str | None = None) -> None:
        """Record an outcome; `stamp` is the file as it was read (not as it is now), so a file changed since
        then is not taken for unchanged."""
        size, mtime_ns, sha256 = (stamp.size, stamp.mtime_ns, stamp.sha256) if stamp else (None, None, None)
        self.db.execute(
            "INSERT OR REPLACE INTO processed VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                path,
                size,
                mtime_ns,
                sha256,
                self.extractor,
                time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
                outcome,
                message,
                output,
            ),
        )
