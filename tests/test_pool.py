"""The worker pool survives workers that die: retried chunks, and only the input that kills a worker fails."""

from __future__ import annotations

import os
from collections import deque

from extract.workers import WORKER_DIED, Item, Outcome, _pooled


def _init(*args) -> None:
    """No model: these tests are about processes, not extraction."""


def _task(items: list[Item]) -> list[Outcome]:
    for item in items:
        if item.source == "poison":  # what the out-of-memory killer does to a worker
            os._exit(137)
        if item.source.startswith("once-") and item.path and not os.path.exists(item.path):
            open(item.path, "w").close()  # dies the first time only, like a worker killed from outside
            os._exit(137)
    return [Outcome(item.source, record=f'{{"source": "{item.source}"}}') for item in items]


def _run(chunks: list[list[Item]], jobs: int = 2) -> list[Outcome]:
    return list(_pooled(deque((chunk, 0) for chunk in chunks), (), jobs, lambda: False, _task, _init))


def test_an_input_that_kills_its_worker_fails_alone_and_the_rest_goes_on():
    names = [f"a{i}" for i in range(12)]
    names[5] = "poison"
    chunks = [[Item(n, None) for n in names[i : i + 3]] for i in range(0, 12, 3)]
    outcomes = _run(chunks)
    assert [o.source for o in outcomes] == names  # every input once, in input order
    assert [o.source for o in outcomes if o.error] == ["poison"]
    assert outcomes[5].error == WORKER_DIED


def test_a_worker_killed_once_costs_nothing(tmp_path):
    marker = str(tmp_path / "died-once")
    names = [f"a{i}" for i in range(9)]
    chunks = [[Item(n, marker if n == "a4" else None) for n in names[i : i + 3]] for i in range(0, 9, 3)]
    chunks[1][1] = Item("once-a4", marker)
    outcomes = _run(chunks)
    assert [o.source for o in outcomes] == ["a0", "a1", "a2", "a3", "once-a4", "a5", "a6", "a7", "a8"]
    assert not any(o.error for o in outcomes)


def _init_like_a_worker(*args) -> None:
    from extract.workers import worker_signals

    worker_signals()


def _task_dying_after_its_result(items: list[Item]) -> list[Outcome]:
    """One worker hands back "last" and goes idle, holding the task queue's read lock while it waits; the
    other is busy with "a" meanwhile. Once both results are in, the idle one dies (lock still held)."""
    import threading
    import time

    if items[-1].source == "a":
        time.sleep(0.5)
    if items[-1].source == "last":
        threading.Thread(target=lambda: (time.sleep(1.0), os._exit(137)), daemon=True).start()
    return [Outcome(item.source, record="{}") for item in items]


_LATE_DEATH = """
import os, signal, sys, time
from collections import deque
from tests.test_pool import _init_like_a_worker, _task_dying_after_its_result
from extract.workers import Item, _pooled
signal.signal(signal.SIGTERM, lambda *a: None)  # the parent's own handler, inherited by forked workers
chunks = [[Item("a", None)], [Item("last", None)]]
outcomes = _pooled(deque((c, 0) for c in chunks), (), 2, lambda: False, _task_dying_after_its_result,
                   _init_like_a_worker)
out = [next(outcomes), next(outcomes)]
time.sleep(2)  # the parent writes its records: the pool is found broken before it is shut down
out += list(outcomes)
print(len(out))
"""


def test_a_worker_dying_after_the_last_result_does_not_hang_the_shutdown():
    import subprocess
    import sys

    from .conftest import ROOT

    done = subprocess.run([sys.executable, "-c", _LATE_DEATH], cwd=ROOT, capture_output=True, text=True,
                          timeout=60)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "2"
