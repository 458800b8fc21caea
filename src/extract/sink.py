"""Where a run's records go: stdout, one JSON Lines file, or one file per article in a folder.

Every sink writes whole records only. `-o FILE` is built in a temporary file and renamed into place
by `commit`; `abort` leaves the previous file as it was. With `carry`, records of the previous file
whose input was not redone are carried over into the new one, so an incremental run never drops the
records of the inputs it skipped. In a folder, each input gets a name no other input holds, checked
against the state and against the records already in the folder.
"""

from __future__ import annotations

import hashlib
import json
import shutil
import sys
from pathlib import Path

from extract.output import AtomicFile, atomic_write, inside, remove_stale_temps, safe_name


def record_source(line: str) -> str | None:
    """The `source` of one JSON Lines record, or None for a line that is not a record."""
    try:
        value = json.loads(line)
    except ValueError:
        return None
    return value.get("source") if isinstance(value, dict) else None


def sources_in(path: Path) -> set[str]:
    """The sources of the records in a JSON Lines file (empty when it does not exist)."""
    try:
        with open(path, encoding="utf-8", errors="replace") as fh:
            return {source for line in fh if (source := record_source(line)) is not None}
    except (FileNotFoundError, IsADirectoryError):
        return set()


class StdoutSink:
    """Records straight to standard output, flushed one by one so a pipeline sees them at once."""

    def write(self, source: str, record: str) -> str | None:
        sys.stdout.write(record + "\n")
        sys.stdout.flush()
        return None

    def commit(self) -> None:
        pass

    def abort(self) -> None:
        pass


class FileSink:
    """One JSON Lines file that appears whole when committed; with `carry`, an update of the previous one."""

    def __init__(self, path: Path, carry: bool) -> None:
        self.path, self.carry = path, carry
        remove_stale_temps(path.parent)
        self.spool = AtomicFile(path)
        self.written: set[str] = set()

    def write(self, source: str, record: str) -> str | None:
        self.spool.write(record + "\n")
        self.written.add(source)
        return self.path.name

    def commit(self) -> None:
        """Put the file in place: the previous file's records not redone (with `carry`), then this run's.
        On any error the previous file stays as it was and no temporary file is left."""
        try:
            if not (self.carry and self.path.is_file()):
                self.spool.commit()
                return
            merged = AtomicFile(self.path)
            try:
                with open(self.path, encoding="utf-8", errors="replace", newline="") as old:
                    for line in old:
                        if record_source(line) not in self.written and line.strip():
                            merged.write(line if line.endswith("\n") else line + "\n")
                self.spool.fh.flush()
                with open(self.spool._tmp, encoding="utf-8", newline="") as new:
                    shutil.copyfileobj(new, merged.fh)
            except BaseException:
                merged.discard()
                raise
            merged.commit()
        finally:
            self.spool.discard()  # after a commit its temporary file is gone already: nothing happens

    def abort(self) -> None:
        self.spool.discard()


class DirSink:
    """One `<name>.json` per input in a folder, each written atomically, each name held by one input."""

    def __init__(self, folder: Path, names: dict[str, str], protected: set[Path]) -> None:
        self.folder = folder
        folder.mkdir(parents=True, exist_ok=True)
        remove_stale_temps(folder)
        self.name_of = dict(names)  # source -> name, from the state and this run
        self.owner_of = {name: source for source, name in names.items()}
        self.protected = protected  # input files: never a target

    def _free(self, name: str, source: str) -> bool:
        if self.owner_of.get(name, source) != source:
            return False
        target = self.folder / name
        if target.resolve() in self.protected:
            return False
        if not target.exists():
            return True
        try:  # a record already there holds another input (written by a run with another state, or none)
            return record_source(target.read_text(encoding="utf-8", errors="replace")) == source
        except OSError:
            return False

    def name_for(self, source: str) -> str:
        """The input's name: as before when still free, else `<stem>.json`, else one with a hash of its path."""
        digest = hashlib.sha256(source.encode("utf-8", "surrogatepass")).hexdigest()
        stem = safe_name(source, set())[: -len(".json")]
        candidates = [self.name_of.get(source), f"{stem}.json", f"{stem}-{digest[:8]}.json", f"{stem}-{digest}.json"]
        for name in candidates:
            if name and self._free(name, source):
                break
        else:
            raise OSError(f"{self.folder}: no free output name for {source}")
        previous = self.name_of.get(source)
        if previous is not None and previous != name:
            self.owner_of.pop(previous, None)
        self.name_of[source], self.owner_of[name] = name, source
        return name

    def write(self, source: str, record: str) -> str | None:
        name = self.name_for(source)
        atomic_write(inside(self.folder, name), record + "\n")
        return name

    def kept(self, name: str | None) -> bool:
        return bool(name) and (self.folder / name).is_file()  # type: ignore[operator]

    def commit(self) -> None:
        pass

    def abort(self) -> None:
        pass
