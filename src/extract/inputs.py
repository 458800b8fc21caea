"""Finding input files and decoding them, with one clear reason when a file cannot be used."""

from __future__ import annotations

import os
import re
import stat
import sys
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

MAX_BYTES = 5_000_000
STDIN = "-"
_ENCODINGS = (("utf-8", None), ("cp1252", "not valid UTF-8: decoded as cp1252"))
_BOMS = (  # longest first: the UTF-32 LE mark starts with the UTF-16 LE one
    (b"\xff\xfe\x00\x00", "utf-32-le"), (b"\x00\x00\xfe\xff", "utf-32-be"),
    (b"\xff\xfe", "utf-16-le"), (b"\xfe\xff", "utf-16-be"),
)
_CONTROLS = re.compile(r"[\x00-\x1f\x7f\x85\u2028\u2029]")


class InputError(Exception):
    """An input that cannot be turned into text; the message is the reason, the CLI adds the name."""


@dataclass(frozen=True)
class Source:
    """One article to read: `name` is what goes in the record's `source`."""

    name: str
    path: Path | None  # None for stdin


@dataclass(frozen=True)
class Decoded:
    text: str
    warnings: tuple[str, ...] = ()


def display_name(name: str) -> str:
    """A name that can go into JSON, SQLite and a terminal: bytes of a file name that are not UTF-8 (kept by
    Python as lone surrogates) are written as backslash escapes."""
    try:
        raw = name.encode("utf-8", "surrogateescape")
    except UnicodeEncodeError:
        raw = name.encode("utf-8", "surrogatepass")
    return raw.decode("utf-8", "backslashreplace")


def one_line(text: str) -> str:
    """`text` with line breaks and other control characters escaped, so a file name cannot forge lines."""
    return _CONTROLS.sub(lambda m: f"\\x{ord(m.group()):02x}" if ord(m.group()) < 256 else f"\\u{ord(m.group()):04x}",
                         display_name(text))


def iter_sources(paths: Iterable[str], empty: Callable[[str], None] | None = None) -> Iterator[Source]:
    """Files as given, folders as their *.txt files (any case, recursively, sorted), '-' as stdin.

    `empty` is told about a folder that holds no *.txt file, so a wrong path is not a silent no-op.
    """
    for given in paths:
        if given == STDIN:
            yield Source(STDIN, None)
            continue
        path = Path(given)
        if path.is_dir():
            found = sorted(walk_txt(path))
            if not found and empty is not None:
                empty(given)
            for child in found:
                yield Source(str(child), child)
        else:
            yield Source(given, path)


def walk_txt(folder: Path) -> Iterator[Path]:
    """Regular files named *.txt (any case) under `folder`, without recursion (folders nested thousands
    deep are fine) and without following links to folders (no loops)."""
    stack = [str(folder)]
    while stack:
        current = stack.pop()
        try:
            with os.scandir(current) as entries:
                for entry in entries:
                    try:
                        if entry.is_dir(follow_symlinks=False):
                            stack.append(entry.path)
                        elif entry.name.lower().endswith(".txt") and entry.is_file():
                            yield Path(entry.path)
                    except OSError:
                        continue
        except OSError:
            continue


def read_bytes(source: Source, limit: int = MAX_BYTES) -> bytes:
    """The raw bytes of a source, refusing what is not a readable regular file or is over the size limit."""
    if source.path is None:
        data = sys.stdin.buffer.read(limit + 1)
    else:
        path = source.path
        try:
            if path.is_dir():
                raise InputError("is a directory")
            if not stat.S_ISREG(os.stat(path).st_mode):  # a FIFO or a device would block or never end
                raise InputError("not a regular file")
            # O_NONBLOCK: a FIFO swapped in after the check must not block open(); fstat then refuses it
            fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0))
            with open(fd, "rb") as fh:
                st = os.fstat(fh.fileno())
                if not stat.S_ISREG(st.st_mode):
                    raise InputError("not a regular file")
                size = st.st_size
                if size > limit:
                    raise InputError(f"too large: {size:,} bytes (limit {limit:,})")
                data = fh.read(limit + 1)
        except FileNotFoundError as err:
            raise InputError("no such file") from err
        except PermissionError as err:
            raise InputError("permission denied") from err
        except IsADirectoryError as err:
            raise InputError("is a directory") from err
        except OSError as err:
            raise InputError(err.strerror or str(err)) from err
    if len(data) > limit:
        raise InputError(f"too large: over {limit:,} bytes")
    return data


def decode(data: bytes) -> Decoded:
    """Text as the record contract counts offsets: line endings kept, a byte-order mark kept as a character.

    UTF-8 first, then cp1252 (common in scraped Windows text), saying so in a warning. Binary data
    (NUL bytes, or mostly control characters) is refused.
    """
    for bom, encoding in _BOMS:  # UTF-16/32 is full of NUL bytes, but its byte-order mark says what it is
        if data.startswith(bom):
            try:
                text = data.decode(encoding)  # the mark stays a character, as with UTF-8
            except UnicodeDecodeError as err:
                raise InputError(f"not valid {encoding.upper()} after its byte-order mark") from err
            return _check_text(text, (f"decoded as {encoding.upper()} (byte-order mark)",))
    if b"\x00" in data:
        raise InputError("binary file (contains NUL bytes)")
    warnings: list[str] = []
    if data.startswith(b"\xef\xbb\xbf"):
        warnings.append("text starts with a UTF-8 byte-order mark")
    for encoding, warning in _ENCODINGS:
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError:
            continue
        if warning:
            warnings.append(warning)
        break
    else:
        text = data.decode("utf-8", errors="replace")
        warnings.append("not valid UTF-8 or cp1252: undecodable bytes replaced")
    return _check_text(text, tuple(warnings))


def _check_text(text: str, warnings: tuple[str, ...]) -> Decoded:
    if "\x00" in text:
        raise InputError("binary file (contains NUL characters)")
    sample = text[:4096]
    controls = sum(1 for ch in sample if ord(ch) < 32 and ch not in "\t\n\r\f\v")
    if sample and controls > 0.1 * len(sample):
        raise InputError("binary file (mostly control characters)")
    return Decoded(text, warnings)


def read_source(source: Source, limit: int = MAX_BYTES) -> Decoded:
    """Read and decode one source."""
    return decode(read_bytes(source, limit))
