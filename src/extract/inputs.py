"""Finding input files and decoding them, with one clear reason when a file cannot be used."""

from __future__ import annotations

import os
import sys
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

MAX_BYTES = 5_000_000
STDIN = "-"
_ENCODINGS = (("utf-8", None), ("cp1252", "not valid UTF-8: decoded as cp1252"))


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


def iter_sources(paths: Iterable[str]) -> Iterator[Source]:
    """Files as given, folders as their *.txt files (recursively, sorted), '-' as stdin."""
    for given in paths:
        if given == STDIN:
            yield Source(STDIN, None)
            continue
        path = Path(given)
        if path.is_dir():
            for child in sorted(path.rglob("*.txt")):
                if child.is_file():
                    yield Source(str(child), child)
        else:
            yield Source(given, path)


def read_bytes(source: Source, limit: int = MAX_BYTES) -> bytes:
    """The raw bytes of a source, refusing what is not a readable regular file or is over the size limit."""
    if source.path is None:
        data = sys.stdin.buffer.read(limit + 1)
    else:
        path = source.path
        try:
            if path.is_dir():
                raise InputError("is a directory")
            with open(path, "rb") as fh:
                size = os.fstat(fh.fileno()).st_size
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
    sample = text[:4096]
    controls = sum(1 for ch in sample if ord(ch) < 32 and ch not in "\t\n\r\f\v")
    if sample and controls > 0.1 * len(sample):
        raise InputError("binary file (mostly control characters)")
    return Decoded(text, tuple(warnings))


def read_source(source: Source, limit: int = MAX_BYTES) -> Decoded:
    """Read and decode one source."""
    return decode(read_bytes(source, limit))
