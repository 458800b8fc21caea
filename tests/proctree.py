"""A Linux process tree read from /proc: a run's children, its forked workers, whether a pid still lives.

Shared by the batch-contract tests and `benchmarks/kill_runs.py`, which kill runs and look for orphans.
"""

from __future__ import annotations

import contextlib
from pathlib import Path


def children(pid: int) -> list[int]:
    found = []
    for task in Path(f"/proc/{pid}/task").glob("*"):
        with contextlib.suppress(OSError):
            found += [int(c) for c in (task / "children").read_text().split()]
    return found


def workers(pid: int) -> list[int]:
    """The run's worker processes: children running the parent's own command line (forked)."""
    try:
        own = Path(f"/proc/{pid}/cmdline").read_bytes()
    except OSError:
        return []
    out = []
    for child in children(pid):
        with contextlib.suppress(OSError):
            if Path(f"/proc/{child}/cmdline").read_bytes() == own:
                out.append(child)
    return out


def alive(pid: int) -> bool:
    """The process exists and is not a zombie."""
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return False
