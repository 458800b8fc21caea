"""Writing records so that a killed run never leaves a truncated or corrupt file."""

from __future__ import annotations

import contextlib
import hashlib
import os
import re
import tempfile
import time
from pathlib import Path
from typing import IO

_UNSAFE = re.compile(r"[^A-Za-z0-9._-]+")
_TEMP = re.compile(r"^\.extract-(?:(\d+)-)?[A-Za-z0-9_]+\.tmp$")  # ours: .extract-<pid>-<random>.tmp
STALE_AFTER = 24 * 3600  # a temporary file without a pid (older versions) is stale after a day


def _temp(folder: Path) -> tuple[int, str]:
    """A new temporary file in `folder`, named after this process so a later run can tell when it is stale."""
    return tempfile.mkstemp(dir=folder, prefix=f".extract-{os.getpid()}-", suffix=".tmp")


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:  # it exists but is another user's
        return True
    return True


def remove_stale_temps(folder: Path) -> int:
    """Delete temporary files a killed run left in `folder`: only names of our own pattern whose process is
    gone (or, without a pid in the name, older than a day). Returns how many were removed."""
    removed = 0
    try:
        entries = list(os.scandir(folder))
    except OSError:
        return 0
    for entry in entries:
        match = _TEMP.match(entry.name)
        if not match or not entry.is_file(follow_symlinks=False):
            continue
        pid = match.group(1)
        try:
            stale = not _alive(int(pid)) if pid else time.time() - entry.stat().st_mtime > STALE_AFTER
            if stale:
                os.unlink(entry.path)
                removed += 1
        except OSError:
            continue
    return removed


def _umask_mode() -> int:
    """The mode a plain `open()` would give a new file: mkstemp's 0600 would hide records from other users."""
    mask = os.umask(0)
    os.umask(mask)
    return 0o666 & ~mask


def atomic_write(path: Path, data: str) -> None:
    """Write the whole file or nothing: a temporary file beside it, then an atomic rename."""
    fd, tmp = _temp(path.parent)
    try:
        os.fchmod(fd, _umask_mode())
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise


class AtomicFile:
    """A text file that appears at its path only when closed; until then it is a hidden temporary file."""

    def __init__(self, path: Path) -> None:
        self.path = path
        fd, self._tmp = _temp(path.parent or Path("."))
        os.fchmod(fd, _umask_mode())
        self.fh: IO[str] = os.fdopen(fd, "w", encoding="utf-8", newline="\n")

    def write(self, data: str) -> None:
        self.fh.write(data)

    def commit(self) -> None:
        """Make the file durable, then put it in place; on any error the old file stays and the temporary goes."""
        try:
            self.fh.flush()
            os.fsync(self.fh.fileno())
            self.fh.close()
            os.replace(self._tmp, self.path)
        except BaseException:
            self.discard()
            raise
        fsync_dir(self.path.parent)

    def discard(self) -> None:
        with contextlib.suppress(OSError):
            self.fh.close()  # a full disk can fail the close's flush too
        with contextlib.suppress(OSError):
            os.unlink(self._tmp)


def fsync_dir(folder: Path) -> None:
    """Make a rename in `folder` durable (a power cut after it must not bring the old file back)."""
    with contextlib.suppress(OSError, AttributeError):
        fd = os.open(folder or Path("."), os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


def safe_name(source: str, taken: set[str]) -> str:
    """A file name for a record inside the output folder, whatever the input was called.

    Only the input's stem is used, reduced to [A-Za-z0-9._-] with no leading dot, so no name can
    climb out of the folder ('..', '/', absolute paths); a short hash of the full path tells apart
    inputs with the same stem.
    """
    stem = Path(source.replace("\\", "/")).stem if source != "-" else "stdin"
    stem = _UNSAFE.sub("_", stem).lstrip(".")[:100] or "article"
    name = f"{stem}.json"
    if name in taken:
        name = f"{stem}-{hashlib.sha256(source.encode('utf-8', 'surrogatepass')).hexdigest()[:8]}.json"
    return name


def inside(folder: Path, name: str) -> Path:
    """The path of `name` in `folder`, refusing anything that would resolve elsewhere."""
    target = folder / name
    if target.parent.resolve() != folder.resolve() or name in {"", ".", ".."} or "/" in name:
        raise ValueError(f"refusing to write outside {folder}: {name}")
    return target
