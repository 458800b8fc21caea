"""The batch run: inputs in, records out in input order, on several processes, resumable and safe to stop.

Work goes out in small chunks; each worker process loads the model once and runs
`core.prepare` → `nlp.pipe` → `core.build_record`. At most a few chunks are in flight,
so memory stays flat however many files there are. SIGINT/SIGTERM stop the feeding:
the chunks in flight are written, the state is committed, and the next run resumes.
"""

from __future__ import annotations

import contextlib
import ctypes
import functools
import gc
import hashlib
import json
import os
import signal
import sys
from collections import deque
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

from extract import __version__
from extract.inputs import MAX_BYTES, STDIN, InputError, Source, decode, iter_sources, read_bytes
from extract.output import AtomicFile, atomic_write, inside, safe_name
from extract.resources import data_fingerprint, default_model, model_version
from extract.state import Stamp, State

CHUNK = 16  # articles per task sent to a worker: 8, 16 and 32 measured 51, 53 and 52 articles/s with -j 2
IN_PROCESS_BELOW = 24  # fewer pending articles than this: starting worker processes costs more than it saves


@dataclass(frozen=True)
class Settings:
    """Everything a run needs, built once from the command line."""

    paths: tuple[str, ...]
    output: Path | None = None
    output_dir: Path | None = None
    pretty: bool = False
    published: str | None = None
    model: str | None = None
    patterns: tuple[Path, ...] = ()
    jobs: int = 1
    state: Path | None = None
    batch_size: int = 32


@dataclass(frozen=True)
class Item:
    source: str
    path: str | None
    data: bytes | None = None  # stdin's bytes, read by the main process (up to one byte over the limit)


@dataclass(frozen=True)
class Outcome:
    source: str
    record: str | None = None  # the record as JSON
    error: str | None = None
    stamp: Stamp | None = None  # the input as it was read, for the state


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


# --- the worker side ---------------------------------------------------------------------------

_worker: dict = {}


def _init_worker(model: str | None, patterns: tuple[Path, ...], published: str | None, pretty: bool,
                 ignore_signals: bool) -> None:
    if ignore_signals:  # the parent decides when to stop; workers finish what they were given
        signal.signal(signal.SIGINT, signal.SIG_IGN)
        signal.signal(signal.SIGTERM, signal.SIG_IGN)
    from threadpoolctl import threadpool_limits

    from extract.pipeline import load_nlp

    threadpool_limits(1, user_api="blas")  # parallelism is the worker processes; a BLAS thread more only spins
    _worker.update(nlp=load_nlp(model, patterns), published=published, pretty=pretty)
    gc.freeze()  # the model's objects live as long as the worker: keep them out of every garbage collection


def _read(item: Item) -> tuple[str, tuple[str, ...], Stamp]:
    """The article's text, and the file's size and modification time taken *before* reading: a file that
    changes while it is read or processed then looks changed to the next run, which processes it again."""
    size = mtime_ns = None
    if item.data is not None:  # stdin gets the same checks and decoding as a file
        data = item.data
        if len(data) > MAX_BYTES:
            raise InputError(f"too large: over {MAX_BYTES:,} bytes")
    else:
        with contextlib.suppress(OSError, TypeError):  # read_bytes says what is wrong with the file
            st = os.stat(item.path)  # type: ignore[arg-type]
            size, mtime_ns = st.st_size, st.st_mtime_ns
        data = read_bytes(Source(item.source, Path(item.path) if item.path else None))
    decoded = decode(data)
    return decoded.text, decoded.warnings, Stamp(hashlib.sha256(data).hexdigest(), size, mtime_ns)


def process_chunk(items: list[Item]) -> list[Outcome]:
    """Read, parse (one `nlp.pipe` call) and extract a chunk of articles; a bad article fails alone."""
    outcomes = _process(items)
    _return_freed_memory()  # the chunk's docs and arrays are gone now
    return outcomes


def _return_freed_memory() -> None:
    """Free the last chunk's docs now and give the freed heap pages back to the system.

    A parsed doc sits in reference cycles (spans cached in its `user_data`), so it waits for a full garbage
    collection, and glibc keeps freed memory for reuse, leaving the heap fragmented by the model's large
    short-lived arrays: with -j 1, RSS crept from 421 MB after 500 articles to 575 MB after 2,000. Collecting
    and `malloc_trim` after each chunk keep it between 160 and 180 MB at no measurable cost. What survives a
    collection is frozen out of the next ones (~2 ms instead of ~4 ms): it outlives chunks (the model, the
    word caches), and what those caches drop is acyclic, so freed without a collection (checked for the
    per-date dateparsers: 3,000 publication dates, flat RSS). Other C libraries (musl, macOS) have no
    `malloc_trim` and need none.
    """
    gc.collect()
    gc.freeze()
    trim = _malloc_trim()
    if trim is not None:
        trim(0)


@functools.cache
def _malloc_trim() -> Callable[[int], int] | None:
    try:
        return ctypes.CDLL(None).malloc_trim
    except (AttributeError, OSError):
        return None


def _process(items: list[Item]) -> list[Outcome]:
    from extract.core import Options, build_record, parse, prepare

    nlp, published, pretty = _worker["nlp"], _worker["published"], _worker["pretty"]
    outcomes: list[Outcome | None] = [None] * len(items)
    ready = []
    for i, item in enumerate(items):
        try:
            text, warnings, stamp = _read(item)
        except InputError as err:
            outcomes[i] = Outcome(item.source, error=str(err))
            continue
        ready.append((i, item, prepare(text), warnings, stamp))
    try:
        docs = list(parse(nlp, (article.body for _, _, article, _, _ in ready), batch_size=len(ready) or 1))
    except Exception:  # one odd text must not cost the chunk: parse one by one
        docs = []
        for _, _, article, _, _ in ready:
            try:
                docs.append(next(parse(nlp, [article.body])))
            except Exception:
                docs.append(None)
    for (i, item, article, warnings, stamp), doc in zip(ready, docs, strict=True):
        try:
            if doc is None:
                raise RuntimeError("the spaCy pipeline failed on this text")
            record = build_record(article, doc, Options(source=item.source, published=published))
            if warnings:
                record.warnings[:0] = list(warnings)
            outcomes[i] = Outcome(item.source, record=record.model_dump_json(indent=2 if pretty else None),
                                  stamp=stamp)
        except Exception as err:  # report and go on: one article must not stop the batch
            outcomes[i] = Outcome(item.source, error=f"internal error: {type(err).__name__}: {err}")
    return [o for o in outcomes if o is not None]


# --- the main side -----------------------------------------------------------------------------


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


def _chunks(items: list[Item], size: int) -> Iterator[list[Item]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def _results(settings: Settings, work: list[Item], stop: _StopFlag) -> Iterator[Outcome]:
    """Outcomes in input order, from this process or from a pool with a bounded window in flight."""
    init_args = (settings.model, settings.patterns, settings.published, settings.pretty)
    jobs = max(1, settings.jobs)
    if not work:  # nothing new: no model to load
        return
    if jobs == 1 or len(work) < IN_PROCESS_BELOW:
        _init_worker(*init_args, ignore_signals=False)
        for chunk in _chunks(work, settings.batch_size):
            if stop.set:
                return
            yield from process_chunk(chunk)
        return
    size = max(1, min(CHUNK, len(work) // (jobs * 4) or 1))
    with ProcessPoolExecutor(jobs, initializer=_init_worker, initargs=(*init_args, True)) as pool:
        window: deque[Future] = deque()
        chunks = _chunks(work, size)
        for chunk in chunks:
            if stop.set:
                break
            window.append(pool.submit(process_chunk, chunk))
            if len(window) >= jobs * 3:
                yield from window.popleft().result()
        while window:
            yield from window.popleft().result()


def run(settings: Settings, report: Callable[[str], None], progress: Callable[[int], None] | None = None,
        on_total: Callable[[int], None] | None = None) -> Summary:
    """Process every input of `settings`; `report` gets one line per failed file, `progress` counts articles."""
    summary = Summary()
    state = State(settings.state, fingerprint(settings)) if settings.state else None
    try:
        work: list[Item] = []
        for source in iter_sources(settings.paths):
            if source.path is None:
                work.append(Item(STDIN, None, sys.stdin.buffer.read(MAX_BYTES + 1)))
            elif state and state.unchanged(source.name, source.path):
                summary.skipped += 1
            else:
                work.append(Item(source.name, str(source.path)))
        if on_total:
            on_total(len(work))
        taken = dict(state.outputs()) if state else {}
        names_in_use = set(taken.values())
        sink = _Sink(settings)
        try:
            with _StopFlag() as stop:
                for outcome in _results(settings, work, stop):
                    if outcome.error:
                        summary.failed += 1
                        summary.failures.append(outcome.source)
                        report(f"{outcome.source}: {outcome.error}")
                        if state:
                            state.record(outcome.source, "error", message=outcome.error)
                    else:
                        name = taken.get(outcome.source)
                        if settings.output_dir is not None and name is None:
                            name = safe_name(outcome.source, names_in_use)
                            names_in_use.add(name)
                            taken[outcome.source] = name
                        sink.write(outcome.record or "", name)
                        summary.processed += 1
                        if state:
                            state.record(outcome.source, "ok", stamp=outcome.stamp, output=name)
                    if progress:
                        progress(1)
                summary.interrupted = stop.set and summary.processed + summary.failed < len(work)
        except BaseException:
            sink.close(keep=True)
            raise
        sink.close(keep=True)
    finally:
        if state:
            state.close()
    return summary


class _Sink:
    """Where records go: stdout, one JSON Lines file (appearing whole at the end), or one file per article."""

    def __init__(self, settings: Settings) -> None:
        self.dir = settings.output_dir
        self.file = AtomicFile(settings.output) if settings.output is not None else None
        if self.dir is not None:
            self.dir.mkdir(parents=True, exist_ok=True)

    def write(self, record: str, name: str | None) -> None:
        if self.dir is not None and name:
            atomic_write(inside(self.dir, name), record + "\n")
        elif self.file is not None:
            self.file.write(record + "\n")
        else:
            sys.stdout.write(record + "\n")
            sys.stdout.flush()

    def close(self, keep: bool) -> None:
        if self.file is not None:
            if keep:
                self.file.commit()
            else:
                self.file.discard()
            self.file = None


def parse_json_lines(text: str) -> list[dict]:
    """Records from JSON Lines output (a helper for tests and scripts)."""
    return [json.loads(line) for line in text.splitlines() if line.strip()]


def default_jobs() -> int:
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)
