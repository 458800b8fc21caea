"""The batch run: inputs in, records out in input order, on several processes, resumable and safe to stop.

`run` finds the inputs, asks the state which are unchanged, sends the rest to `workers.results` and
hands each record to a sink (stdout, `-o FILE`, `-o DIR/`). The state never runs ahead of the output:
with `-o FILE` it is written only once the file holding the records is durably in place; in a folder
each record's file is written before its row. SIGINT/SIGTERM stop the feeding: the chunks in flight
are finished, and with `--state` what is done is kept and the next run resumes.
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import json
import os
import signal
import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from extract import __version__
from extract.database import DatabaseSink, sources_in_database
from extract.inputs import MAX_BYTES, STDIN, display_name, iter_sources, one_line
from extract.resources import data_fingerprint, default_model, model_version
from extract.sink import DirSink, FileSink, StdoutSink, sources_in
from extract.state import Entry, State, StateError
from extract.workers import (  # noqa: F401  (re-exported for scripts and tests)
    Item,
    Outcome,
    WorkerSetupError,
    _return_freed_memory,
    process_chunk,
    results,
)

__all__ = ["RunRefused", "Settings", "StateError", "Summary", "WorkerSetupError", "fingerprint", "run"]


Sink = FileSink | DirSink | StdoutSink | DatabaseSink


class RunRefused(ValueError):
    """The command line asks for something unsafe (an output that is one of the inputs): a usage error."""


@dataclass(frozen=True)
class Settings:
    """Everything a run needs, built once from the command line."""

    paths: tuple[str, ...]
    output: Path | None = None
    output_dir: Path | None = None
    database: Path | None = None  # -o FILE.db: an SQLite database (extract.database)
    pretty: bool = False
    published: str | None = None
    model: str | None = None
    patterns: tuple[Path, ...] = ()
    jobs: int = 1
    state: Path | None = None
    batch_size: int = 32
    engine: str = "local"  # "local": the process pool; "dask": a Dask cluster (`scheduler`, or a local one)
    scheduler: str | None = None  # a Dask scheduler's address (implies the Dask engine)


@dataclass
class Summary:
    processed: int = 0
    skipped: int = 0
    failed: int = 0
    interrupted: bool = False
    failures: list[str] = field(default_factory=list)

    @property
    def exit_code(self) -> int:
        return 1 if self.failed or self.interrupted else 0


def fingerprint(settings: Settings) -> str:
    """What decides whether an earlier result still holds: extractor version, its data, the model, user patterns."""
    digest = hashlib.sha256()
    for path in settings.patterns:
        digest.update(Path(path).read_bytes())
    model = settings.model or default_model()
    return f"{__version__}+{data_fingerprint()}+{model}=={model_version(model)}+{digest.hexdigest()[:12]}"


def output_options(settings: Settings) -> str:
    """What else shapes a record and where it went: a change of any of these redoes the input."""
    if settings.output is not None or settings.database is not None:
        target = str((settings.output or settings.database).resolve())  # type: ignore[union-attr]
    elif settings.output_dir is not None:
        target = str(settings.output_dir.resolve()) + os.sep
    else:
        target = STDIN
    return json.dumps({"published": settings.published, "pretty": settings.pretty, "target": display_name(target)},
                      sort_keys=True)


class _StopFlag:
    """Set by SIGINT/SIGTERM: stop feeding new work, finish what is in flight."""

    def __init__(self) -> None:
        self.set = False
        self._previous: dict[int, object] = {}

    def __enter__(self) -> _StopFlag:
        for sig in (signal.SIGINT, signal.SIGTERM):
            with contextlib.suppress(ValueError):  # not the main thread
                self._previous[sig] = signal.signal(sig, self._handle)
        return self

    def _handle(self, signum, frame) -> None:
        self.set = True

    def __exit__(self, *exc) -> None:
        for sig, handler in self._previous.items():
            signal.signal(sig, handler)


def _resolved(path: Path) -> Path | None:
    try:
        return path.resolve()
    except (OSError, RuntimeError):
        return None


def _gather(settings: Settings, state: State | None, kept: Callable[[Entry], bool], summary: Summary,
            report: Callable[[str], None]) -> tuple[list[Item], set[Path]]:
    """The inputs to process (the unchanged ones counted as skipped) and the resolved paths of all inputs."""

    def empty(folder: str) -> None:
        summary.failed += 1
        summary.failures.append(display_name(folder))
        report(one_line(f"{folder}: no *.txt files in this folder"))

    work: list[Item] = []
    protected: set[Path] = set()
    for source in iter_sources(settings.paths, empty=empty):
        if source.path is None:
            work.append(Item(STDIN, None, sys.stdin.buffer.read(MAX_BYTES + 1)))
            continue
        resolved = _resolved(source.path)
        if resolved is not None:
            protected.add(resolved)
        name = display_name(source.name)
        if state and state.unchanged(name, source.path, kept):
            summary.skipped += 1
        else:
            work.append(Item(name, source.name))
    return work, protected


def _refuse_overwrites(settings: Settings, protected: set[Path]) -> None:
    for given, label in ((settings.output, "-o"), (settings.database, "-o"), (settings.state, "--state")):
        if given is not None and _resolved(given) in protected:
            raise RunRefused(f"{label} {one_line(str(given))} is one of the inputs: refusing to overwrite it")
    if settings.output is not None and settings.state is not None and _resolved(settings.output) == _resolved(
            settings.state):
        raise RunRefused("-o and --state name the same file")
    if settings.database is not None and settings.state is not None and _resolved(settings.database) == _resolved(
            settings.state):
        raise RunRefused("-o and --state name the same file")


def run(settings: Settings, report: Callable[[str], None], progress: Callable[[int], None] | None = None,
        on_total: Callable[[int], None] | None = None) -> Summary:
    """Process every input of `settings`; `report` gets one line per failed file, `progress` counts articles."""
    summary = Summary()
    to_file = settings.output is not None or settings.database is not None  # the state waits for the output
    state = State(settings.state, fingerprint(settings), output_options(settings), deferred=to_file) \
        if settings.state else None
    try:
        in_file: set[str] | None = None
        in_database: set[str] | None = None

        def kept(entry: Entry) -> bool:  # is the record of a skipped input still where it was written?
            nonlocal in_file, in_database
            if settings.database is not None:
                if in_database is None:
                    in_database = sources_in_database(settings.database)
                return entry.path in in_database
            if settings.output is not None:
                if in_file is None:
                    in_file = sources_in(settings.output)
                return entry.path in in_file
            if settings.output_dir is not None:
                return bool(entry.output) and (settings.output_dir / entry.output).is_file()  # type: ignore[operator]
            return True

        work, protected = _gather(settings, state, kept, summary, report)
        _refuse_overwrites(settings, protected)
        if on_total:
            on_total(len(work))
        if settings.output is not None:
            sink: Sink = FileSink(settings.output, carry=state is not None)
        elif settings.database is not None:
            sink = DatabaseSink(settings.database)
        elif settings.output_dir is not None:
            sink = DirSink(settings.output_dir, state.outputs() if state else {}, protected)
        else:
            sink = StdoutSink()
        try:
            _feed(settings, work, sink, state, summary, report, progress)
        except BaseException:
            sink.abort()
            raise
        if summary.interrupted and settings.output is not None and state is None:
            sink.abort()  # no state to resume from: the previous file stays, not a partial one
        else:
            sink.commit()
            if state:
                state.flush()
    finally:
        if state:
            state.close()
    return summary


def _feed(settings: Settings, work: list[Item], sink: Sink, state: State | None,
          summary: Summary, report: Callable[[str], None], progress: Callable[[int], None] | None) -> None:
    init_args = (settings.model, settings.patterns, settings.published, settings.pretty)
    engine = results
    if (settings.engine == "dask" or settings.scheduler) and work:
        from extract.dask_engine import results as on_dask  # dask is optional: imported only when asked for

        engine = functools.partial(on_dask, scheduler=settings.scheduler)
    with _StopFlag() as stop:
        outcomes = engine(work, init_args, max(1, settings.jobs), lambda: stop.set, settings.batch_size)
        done = 0
        try:
            for outcome in outcomes:
                done += 1
                if outcome.error:
                    summary.failed += 1
                    summary.failures.append(outcome.source)
                    report(one_line(f"{outcome.source}: {outcome.error}"))
                    if state:
                        state.record(outcome.source, "error", message=outcome.error)
                else:
                    name = sink.write(outcome.source, outcome.record or "")
                    summary.processed += 1
                    if state:
                        state.record(outcome.source, "ok", stamp=outcome.stamp, output=name)
                if progress:
                    progress(1)
        finally:
            outcomes.close()  # stops the pool now, whatever happened
        summary.interrupted = stop.set and done < len(work)


def parse_json_lines(text: str) -> list[dict]:
    """Records from JSON Lines output (a helper for tests and scripts)."""
    return [json.loads(line) for line in text.splitlines() if line.strip()]


def default_jobs() -> int:
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)
