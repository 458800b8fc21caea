"""The batch contract under attack (issue 13): nothing lost, nothing hung.

Cron-like sequences of runs through click's CliRunner; kills, full disks and dead workers with real
subprocesses. Each test here failed on the code before the fix.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import signal
import sqlite3
import subprocess
import time
from pathlib import Path

import pytest

from extract.records import Record

from . import proctree
from .test_cli import ARTICLE, UNDATED, _command, records, run

TIMEOUT = 180


def _write(folder: Path, count: int, stem: str = "", paragraphs: int = 1) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for i in range(count):
        path = folder / f"{stem}{i:03d}.txt"
        path.write_text(ARTICLE.replace("Amy Stone", f"Amy Stone{i}") + f"\nParagraph {i}.\n" * paragraphs,
                        encoding="utf-8")
        paths.append(path)
    return paths


def _sources(path: Path) -> list[str]:
    return [r["source"] for r in records(path.read_text(encoding="utf-8"))] if path.exists() else []


def _temps(folder: Path) -> list[Path]:
    return sorted(folder.glob(".extract-*.tmp"))


def _state_rows(state: Path) -> dict[str, tuple[str, str | None]]:
    with contextlib.closing(sqlite3.connect(state)) as db:
        return {p: (o, out) for p, o, out in db.execute("SELECT path, outcome, output FROM processed")}


# --- data loss ---------------------------------------------------------------------------------------


def test_second_state_run_keeps_the_records_of_skipped_inputs_in_the_output_file(tmp_path):
    paths = _write(tmp_path / "a", 3)
    out, state = tmp_path / "records.jsonl", tmp_path / "s.db"
    args = ["-j", "1", "-v", "--state", str(state), "-o", str(out), str(tmp_path / "a")]
    assert run(args).exit_code == 0
    first = records(out.read_text(encoding="utf-8"))
    second = run(args)
    assert second.exit_code == 0 and "0 processed, 3 unchanged" in second.stderr
    assert records(out.read_text(encoding="utf-8")) == first  # carried over, not emptied
    paths[1].write_text(UNDATED, encoding="utf-8")  # one input changes: its record is replaced, not duplicated
    third = run(args)
    assert "1 processed, 2 unchanged" in third.stderr
    after = records(out.read_text(encoding="utf-8"))
    assert sorted(r["source"] for r in after) == sorted(map(str, paths))
    assert next(r for r in after if r["source"] == str(paths[1]))["title"] == "Council under fire"
    other = _write(tmp_path / "b", 2, stem="b")  # another folder into the same file: the first folder's stay
    assert run(["-j", "1", "--state", str(state), "-o", str(out), str(tmp_path / "b")]).exit_code == 0
    assert sorted(_sources(out)) == sorted(map(str, paths + other))


def test_output_names_never_collide_across_runs(tmp_path):
    for folder in ("a", "b"):
        (tmp_path / folder).mkdir()
        (tmp_path / folder / "001.txt").write_text(ARTICLE.replace("Amy Stone", f"Amy {folder}"), encoding="utf-8")
    out, state = tmp_path / "out", tmp_path / "s.db"
    for folder in ("a", "b", "a", "b"):
        result = run(["-j", "1", "--state", str(state), "-o", f"{out}/", str(tmp_path / folder)])
        assert result.exit_code == 0
    written = {json.loads(p.read_text(encoding="utf-8"))["source"]: p.name for p in out.iterdir()}
    assert sorted(written) == [str(tmp_path / "a" / "001.txt"), str(tmp_path / "b" / "001.txt")]
    assert {path: output for path, (_, output) in _state_rows(state).items()} == written
    plain = tmp_path / "plain"  # without a state, the records already in the folder say whose a name is
    for folder in ("a", "b", "b"):
        assert run(["-j", "1", "-o", f"{plain}/", str(tmp_path / folder)]).exit_code == 0
    assert len(list(plain.iterdir())) == 2


def test_output_path_that_is_an_input_is_refused(tmp_path):
    article = tmp_path / "x.txt"
    article.write_text(ARTICLE, encoding="utf-8")
    for args in (["-o", str(article), str(article)], ["-o", str(article), str(tmp_path)],
                 ["--state", str(article), str(article)]):
        result = run(["-j", "1", *args])
        assert result.exit_code == 2, (args, result.stderr)
        assert "Traceback" not in result.stderr
        assert article.read_text(encoding="utf-8") == ARTICLE


@pytest.mark.parametrize("change", ["delete output", "new target", "published"])
def test_state_redoes_inputs_whose_output_or_options_changed(tmp_path, change):
    paths = _write(tmp_path / "a", 2)
    state = tmp_path / "s.db"
    target = f"{tmp_path / 'out'}/"
    base = ["-j", "1", "-v", "--state", str(state)]
    assert run([*base, "-o", target, str(tmp_path / "a")]).exit_code == 0
    extra: list[str] = []
    if change == "delete output":
        (tmp_path / "out" / "000.json").unlink()
    elif change == "new target":
        target = f"{tmp_path / 'elsewhere'}/"
    else:
        extra = ["--published", "2019-01-01"]
    again = run([*base, *extra, "-o", target, str(tmp_path / "a")])
    expected = "1 processed, 1 unchanged" if change == "delete output" else "2 processed, 0 unchanged"
    assert expected in again.stderr
    assert sorted(p.name for p in Path(target).iterdir()) == [f"{p.stem}.json" for p in paths]


def test_state_redoes_inputs_missing_from_a_deleted_output_file(tmp_path):
    _write(tmp_path / "a", 2)
    out, state = tmp_path / "r.jsonl", tmp_path / "s.db"
    args = ["-j", "1", "-v", "--state", str(state), "-o", str(out), str(tmp_path / "a")]
    run(args)
    out.unlink()
    assert "2 processed, 0 unchanged" in run(args).stderr
    assert len(_sources(out)) == 2


def test_pretty_with_an_output_file_is_refused(tmp_path):
    _write(tmp_path / "a", 1)
    result = run(["-j", "1", "--pretty", "-o", str(tmp_path / "r.jsonl"), str(tmp_path / "a")])
    assert result.exit_code == 2 and "--pretty" in result.stderr
    assert not (tmp_path / "r.jsonl").exists()


# --- real processes: kills, interrupts, full disks -------------------------------------------------------


def _wait_for(condition, proc: subprocess.Popen, timeout: float = TIMEOUT) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert proc.poll() is None, proc.communicate()
        assert time.monotonic() < deadline, "condition never met"
        time.sleep(0.02)


def _spooling(folder: Path):
    return lambda: any(p.stat().st_size > 0 for p in _temps(folder) if p.exists())


def test_kill_9_with_state_and_output_file_never_loses_a_record(tmp_path):
    paths = _write(tmp_path / "in", 80)
    out, state = tmp_path / "r.jsonl", tmp_path / "s.db"
    args = [*_command(), "-j", "1", "-v", "--state", str(state), "-o", str(out), str(tmp_path / "in")]
    proc = subprocess.Popen(args, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _wait_for(_spooling(tmp_path), proc)  # a first chunk of records is in the temporary file
    proc.kill()
    proc.wait(timeout=30)
    in_file = set(_sources(out))
    done = {p for p, (outcome, _) in _state_rows(state).items() if outcome == "ok"} if state.exists() else set()
    assert done <= in_file  # the state never says done for a record the output does not hold
    for _attempt in range(2):  # a full run, then a run with nothing to do: every record, once
        finished = subprocess.run(args, capture_output=True, text=True, timeout=TIMEOUT)
        assert finished.returncode == 0, finished.stderr
        assert sorted(_sources(out)) == sorted(map(str, paths))
    assert "0 processed, 80 unchanged" in finished.stderr
    assert _temps(tmp_path) == []  # the killed run's temporary file was cleaned up


@pytest.mark.parametrize("with_state", [False, True])
def test_ctrl_c_with_output_file_leaves_no_partial_file(tmp_path, with_state):
    paths = _write(tmp_path / "in", 100)
    out, state = tmp_path / "r.jsonl", tmp_path / "s.db"
    out.write_text('{"source": "earlier"}\n', encoding="utf-8")
    extra = ["--state", str(state)] if with_state else []
    args = [*_command(), "-j", "1", *extra, "-o", str(out), str(tmp_path / "in")]
    proc = subprocess.Popen(args, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    _wait_for(_spooling(tmp_path), proc)
    proc.send_signal(signal.SIGINT)
    _, err = proc.communicate(timeout=TIMEOUT)
    assert proc.returncode == 1 and "interrupted" in err and "Traceback" not in err
    assert _temps(tmp_path) == []
    if not with_state:
        assert "resume" not in err
        assert out.read_text(encoding="utf-8") == '{"source": "earlier"}\n'
        return
    assert "resume" in err
    kept = _sources(out)
    assert "earlier" in kept and 1 < len(kept) < 101
    done = subprocess.run(args, capture_output=True, text=True, timeout=TIMEOUT)
    assert done.returncode == 0, done.stderr
    assert sorted(_sources(out)) == sorted(["earlier", *map(str, paths)])


def _small_disk(tmp_path: Path):
    """A folder on a 16 KB tmpfs when this machine lets us mount one, else a file-size limit for the child."""
    folder = tmp_path / "small"
    folder.mkdir()
    if os.geteuid() == 0:
        mounted = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=16k", "tmpfs", str(folder)],
                                 capture_output=True)
        if mounted.returncode == 0:
            return folder, None, lambda: subprocess.run(["umount", "-l", str(folder)], check=False)

    def limit() -> None:
        import resource

        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # a write over the limit fails with EFBIG instead
        resource.setrlimit(resource.RLIMIT_FSIZE, (16_000, 16_000))

    return folder, limit, lambda: None


def test_full_disk_keeps_the_previous_output_file_and_removes_the_temporary(tmp_path):
    _write(tmp_path / "in", 40, paragraphs=20)
    folder, preexec, cleanup = _small_disk(tmp_path)
    try:
        out = folder / "r.jsonl"
        out.write_text('{"source": "earlier"}\n', encoding="utf-8")
        done = subprocess.run([*_command(), "-j", "1", "-o", str(out), str(tmp_path / "in")], capture_output=True,
                              text=True, timeout=TIMEOUT, preexec_fn=preexec)
        assert done.returncode == 1
        assert "Traceback" not in done.stderr and len(done.stderr.strip().splitlines()) == 1, done.stderr
        assert out.read_text(encoding="utf-8") == '{"source": "earlier"}\n'
        assert _temps(folder) == []
    finally:
        cleanup()


def test_stale_temporary_files_of_killed_runs_are_removed(tmp_path):
    _write(tmp_path / "in", 1)
    out = tmp_path / "out"
    out.mkdir()
    dead = subprocess.Popen(["true"])
    dead.wait()
    stale = out / f".extract-{dead.pid}-abc123.tmp"
    live = out / f".extract-{os.getpid()}-abc123.tmp"  # a run still going: left alone
    foreign = out / ".extract-notes.txt"
    for path in (stale, live, foreign):
        path.write_text("x", encoding="utf-8")
    assert run(["-j", "1", "-o", f"{out}/", str(tmp_path / "in")]).exit_code == 0
    assert not stale.exists() and live.exists() and foreign.exists()


# --- hangs and orphans ------------------------------------------------------------------------------


linux_only = pytest.mark.skipif(not Path("/proc/self/task").is_dir(), reason="needs Linux's /proc")


@linux_only
def test_a_worker_killed_by_sigkill_does_not_hang_the_run(tmp_path):
    paths = _write(tmp_path / "in", 120, paragraphs=10)
    out = tmp_path / "out"
    proc = subprocess.Popen([*_command(), "-j", "2", "-o", f"{out}/", str(tmp_path / "in")],
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    _wait_for(lambda: out.is_dir() and any(out.glob("*.json")) and proctree.workers(proc.pid), proc)
    workers = proctree.workers(proc.pid)
    os.kill(workers[0], signal.SIGKILL)
    try:
        _, err = proc.communicate(timeout=TIMEOUT)
    except subprocess.TimeoutExpired:
        for pid in {*workers, *proctree.workers(proc.pid)}:
            with contextlib.suppress(OSError):
                os.kill(pid, signal.SIGKILL)
        proc.kill()
        proc.communicate()
        pytest.fail("the run hung after a worker was killed")
    assert "Traceback" not in err
    assert proc.returncode == 0, err  # the chunks of the dead worker were retried
    assert sorted(p.stem for p in out.glob("*.json")) == sorted(p.stem for p in paths)


@linux_only
def test_workers_exit_when_the_parent_is_killed(tmp_path):
    _write(tmp_path / "in", 120, paragraphs=10)
    out = tmp_path / "out"
    proc = subprocess.Popen([*_command(), "-j", "2", "-o", f"{out}/", str(tmp_path / "in")],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    _wait_for(lambda: out.is_dir() and any(out.glob("*.json")) and len(proctree.workers(proc.pid)) == 2, proc)
    workers = proctree.workers(proc.pid)
    proc.kill()
    proc.wait(timeout=30)
    deadline = time.monotonic() + 15
    while any(map(proctree.alive, workers)) and time.monotonic() < deadline:
        time.sleep(0.1)
    left = [w for w in workers if proctree.alive(w)]
    for worker in left:
        os.kill(worker, signal.SIGKILL)
    assert left == [], "workers outlived their parent"


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFOs here")
def test_a_fifo_is_refused_without_blocking(tmp_path):
    fifo = tmp_path / "pipe.txt"
    os.mkfifo(fifo)
    done = subprocess.run([*_command(), "-j", "1", str(fifo)], capture_output=True, text=True, timeout=60)
    assert done.returncode == 1
    assert re.search(r"pipe\.txt: not a regular file", done.stderr) and "Traceback" not in done.stderr


def test_a_closed_pipe_ends_the_run_quietly(tmp_path):
    _write(tmp_path / "in", 80)  # more than a chunk: records are still to come when the reader goes
    proc = subprocess.Popen([*_command(), "-j", "1", str(tmp_path / "in")], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE)
    assert proc.stdout is not None and proc.stderr is not None
    Record.model_validate_json(proc.stdout.readline())
    proc.stdout.close()  # `| head -1`
    err = proc.stderr.read().decode()
    proc.wait(timeout=TIMEOUT)
    assert err == "" and proc.returncode == 1
