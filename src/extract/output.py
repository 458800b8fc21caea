"""Writing records so that a killed run never leaves a truncated or corrupt file."""

from __future__ import annotations

import contextlib
import hashlib
import os
import re
import tempfile
from pathlib import Path
from typing import IO

_UNSAFE = re.compile(r"[^A-Za-z0-9._-]+")


def _umask_mode() -> int:
    """The mode a plain `open()` would give a new file: mkstemp's 0600 would hide records from other users."""
    mask = os.umask(0)
    os.umask(mask)
    return 0o666 & ~mask


def atomic_write(path: Path, data: str) -> None:
    """Write the whole file or nothing: a temporary file beside it, then an atomic rename."""
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".extract-", suffix=".tmp")
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
        fd, self._tmp = tempfile.mkstemp(dir=path.parent or Path("."), prefix=".extract-", suffix=".tmp")
        os.fchmod(fd, _umask_mode())
        self.fh: IO[str] = os.fdopen(fd, "w", encoding="utf-8", newline="\n")

    def write(self, data: str) -> None:
        self.fh.write(data)

    def commit(self) -> None:
        self.fh.flush()
        os.fsync(self.fh.fileno())
        self.fh.close()
        os.replace(self._tmp, self.path)

    def discard(self) -> None:
        self.fh.close()
        with contextlib.suppress(OSError):
            os.unlink(self._tmp)


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
