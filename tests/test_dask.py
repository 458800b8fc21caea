"""The Dask engine gives the records the process pool gives, and survives workers that die.

A local cluster of 2 single-threaded worker processes stands in for a real one. dask is an optional extra:
these tests are skipped without it, except in CI (which installs `.[test,dask]`), where its absence fails.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
from collections import Counter
from pathlib import Path

import pytest

if not os.environ.get("CI"):
    pytest.importorskip("distributed")

from extract.workers import WORKER_DIED, Item, Outcome

ROOT = Path(__file__).resolve().parent.parent
DEV = sorted((ROOT.parent / "shared" / "corpus" / "dev").glob("*.txt"))
BLOCK_DASK = "import sys; sys.modules['dask'] = sys.modules['distributed'] = None; "


def _extract(*args: str, prelude: str = "", quiet: bool = True) -> subprocess.CompletedProcess:
    code = f"{prelude}from extract.cli import main; main()"
    return subprocess.run([sys.executable, "-c", code, *(["-q"] if quiet else []), *args], cwd=ROOT,
                          capture_output=True, timeout=120)


def test_local_dask_cluster_gives_the_records_of_the_process_pool_byte_for_byte(tmp_path):
    assert DEV, "the dev set is expected beside the repository, at ../shared/corpus/dev"
    missing = tmp_path / "missing.txt"
    binary = tmp_path / "binary.txt"
    binary.write_bytes(b"\x00\x01 not text")
    inputs = ["samples/", *map(str, DEV), str(missing), str(binary)]
    pool = _extract("-j", "2", *inputs)
    dask = _extract("--engine", "dask", "-j", "2", *inputs)
    assert pool.returncode == dask.returncode == 1  # two bad inputs, and the run went on
    assert pool.stdout.count(b"\n") == len(list((ROOT / "samples").glob("*.txt"))) + len(DEV)
    assert dask.stdout == pool.stdout
    assert dask.stderr.decode().splitlines() == pool.stderr.decode().splitlines()
    assert len(dask.stderr.decode().splitlines()) == 2


def test_without_dask_the_plain_install_never_imports_it_and_asking_for_it_is_one_line():
    probe = subprocess.run([sys.executable, "-c", "import sys, extract.cli, extract.batch, extract.workers; "
                            "print(sorted({m.split('.')[0] for m in sys.modules} & {'dask', 'distributed'}))"],
                           cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert probe.stdout.strip() == "[]", probe.stderr
    refused = _extract("--engine", "dask", "samples/", prelude=BLOCK_DASK)
    assert refused.returncode == 1 and refused.stdout == b""
    assert refused.stderr.decode().splitlines() == [
        "Error: the Dask engine needs dask: pip install 'extract[dask]'"]


def test_a_scheduler_that_cannot_be_used_is_one_line_and_exit_1():
    done = _extract("--scheduler", "no-port-here", "samples/")
    assert done.returncode == 1 and done.stdout == b""
    assert done.stderr.decode().splitlines() == [
        "Error: cannot start or reach the Dask scheduler at no-port-here: ValueError: missing port number in "
        "address 'no-port-here'"]


# --- on a cluster the tests start: 2 single-threaded worker processes ----------------------------------


@pytest.fixture(scope="module")
def cluster():
    import dask
    from distributed import Client, LocalCluster

    # a chunk on workers that died twice is given up (KilledWorker) and retried input by input: fewer
    # restarts for the poison test than the default 3
    with dask.config.set({"distributed.scheduler.allowed-failures": 1}):
        local = LocalCluster(n_workers=2, threads_per_worker=1, processes=True, host="127.0.0.1",
                             dashboard_address=None, silence_logs=40)
        client = Client(local, set_as_default=False)
        try:
            yield local, client
        finally:
            client.close()
            local.close()


def _work(copies: int = 2) -> list[Item]:
    """The samples and the dev set, each file `copies` times under different names: enough chunks that a
    worker is killed with work in flight."""
    files = [*sorted((ROOT / "samples").glob("*.txt")), *DEV]
    return [Item(f"copy{n}/{path.name}", str(path)) for n in range(copies) for path in files]


def test_a_worker_killed_mid_run_loses_and_duplicates_nothing(cluster):
    from extract import dask_engine, workers

    local, client = cluster
    work = _work()
    init_args = (None, (), None, False)
    expected = list(workers.results(work, init_args, 1, lambda: False))  # in this process, no cluster
    before = client.run(os.getpid)
    outcomes: list[Outcome] = []
    for outcome in dask_engine.results(work, init_args, 2, lambda: False, scheduler=local.scheduler_address):
        outcomes.append(outcome)
        if len(outcomes) == 1:  # both workers have chunks in flight now
            os.kill(next(iter(before.values())), signal.SIGKILL)
    after = client.run(os.getpid)
    assert set(after.values()) != set(before.values()), "no worker was killed: the test proves nothing"
    assert Counter(o.source for o in outcomes) == Counter(item.source for item in work)  # each exactly once
    assert [o.source for o in outcomes] == [item.source for item in work]  # in input order
    assert not [o.error for o in outcomes if o.error]
    assert [o.record for o in outcomes] == [o.record for o in expected]


def test_pattern_files_and_stdin_travel_with_the_tasks(cluster, tmp_path):
    from extract import dask_engine

    local, _ = cluster
    extra = tmp_path / "roles.jsonl"
    extra.write_text('{"label": "ROLE", "pattern": "warden of the ledgers"}\n', encoding="utf-8")
    text = "Ledger news\n\nThe warden of the ledgers, Ada Fenwick, said the council had agreed.\n"
    work = [Item("<stdin>", None, text.encode())]
    runs = {}
    for patterns in ((), (extra,)):
        (outcome,) = dask_engine.results(work, (None, patterns, None, False), 2, lambda: False,
                                         scheduler=local.scheduler_address)
        runs[patterns] = json.loads(outcome.record)
    assert runs[()]["officials"] == []
    assert runs[(extra,)]["officials"][0]["name"] == "Ada Fenwick"
    assert runs[(extra,)]["officials"][0]["roles"] == ["warden of the ledgers"]


def test_state_and_output_folder_keep_their_meaning_on_a_scheduler(cluster, tmp_path):
    import shutil

    local, _ = cluster
    articles = tmp_path / "articles"
    shutil.copytree(ROOT / "samples", articles, ignore=shutil.ignore_patterns("gold"))
    names = sorted(p.name for p in articles.glob("*.txt"))
    args = ["-v", "--scheduler", local.scheduler_address, "--state", str(tmp_path / "seen.db"),
            "-o", str(tmp_path / "records") + "/", str(articles)]
    first = _extract(*args, quiet=False)
    assert first.returncode == 0, first.stderr
    assert sorted(p.name for p in (tmp_path / "records").glob("*.json")) == [n[:-4] + ".json" for n in names]
    assert first.stderr.decode().splitlines()[-1] == f"extract: {len(names)} processed, 0 unchanged, 0 failed"
    changed = articles / names[0]
    changed.write_text(changed.read_text(encoding="utf-8") + "\nOne more line.\n", encoding="utf-8")
    again = _extract(*args, quiet=False)
    assert again.returncode == 0, again.stderr
    assert again.stderr.decode().splitlines()[-1] == f"extract: 1 processed, {len(names) - 1} unchanged, 0 failed"
    record = json.loads((tmp_path / "records" / (names[0][:-4] + ".json")).read_text(encoding="utf-8"))
    assert record["source"] == str(changed)


def poison_task(items: list[Item], args: object) -> list[Outcome]:
    """What the out-of-memory killer does to a worker, on the input named "poison"."""
    if any(item.source == "poison" for item in items):
        os._exit(137)
    return [Outcome(item.source, record=f'{{"source": "{item.source}"}}') for item in items]


def test_an_input_that_kills_every_worker_it_meets_fails_alone(cluster):
    from extract import dask_engine

    local, _ = cluster
    names = [f"a{i}" for i in range(40)]
    names[13] = "poison"
    work = [Item(name, None, b"") for name in names]
    outcomes = list(dask_engine.results(work, (None, (), None, False), 2, lambda: False,
                                        scheduler=local.scheduler_address, task=poison_task))
    assert [o.source for o in outcomes] == names
    assert [(o.source, o.error) for o in outcomes if o.error] == [("poison", WORKER_DIED)]


def test_a_stopped_run_finishes_what_is_in_flight_and_submits_nothing_more(cluster):
    from extract import dask_engine

    local, _ = cluster
    work = [Item(f"a{i}", None, b"") for i in range(400)]
    outcomes = []
    for outcome in dask_engine.results(work, (None, (), None, False), 2, lambda: bool(outcomes),
                                       scheduler=local.scheduler_address, task=dask_engine._noop):
        outcomes.append(outcome)
    assert 0 < len(outcomes) < len(work)
    assert [o.source for o in outcomes] == [item.source for item in work[: len(outcomes)]]
