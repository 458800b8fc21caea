"""The Dask engine: the same run on a Dask distributed cluster, behind the same seam as the process pool.

`results` has the contract of `workers.results`: outcomes in input order, feeding stops when `stopped()`
is true, what is in flight is finished. So `batch.run`, the sinks and the state do not know which engine
ran: the client (this process) decides what to skip, orders the outcomes, writes and records them.

Why it is built this way:

- Each worker loads the pipeline once. A `WorkerPlugin` loads it when the worker joins (and again on a
  worker the nanny restarts), in a thread so the worker's event loop keeps answering heartbeats. Each task
  checks that the loaded pipeline is the one its run asked for (`workers.init_worker` keeps it cached), so
  two runs with different options sharing a cluster still get the right model, at the price of a reload.
- Tasks are chunks of articles, sized as for the pool (up to `workers.CHUNK`): ~0.5 s of compute per
  task against a few milliseconds of scheduling.
- Inputs are read where the tasks run, from the paths the client found (made absolute), so the workers
  must see the same file system at the same paths. Only stdin's bytes travel with a task. Pattern files
  travel as their bytes (workers need not have them); a `--model` folder must exist on every worker.
- A worker that dies is the scheduler's business: it reruns the tasks the worker held on another one, so a
  chunk is retried and its outcomes reach the client once. A chunk the scheduler gives up on
  (`KilledWorker`: workers died while it was assigned to them more than
  `distributed.scheduler.allowed-failures` times) is retried input by input, an input given up is tried
  once more alone, and only an input that kills workers on its own is reported (`workers.WORKER_DIED`).
- At most a few chunks per worker are submitted ahead of the one the client waits for, so memory on the
  client and the scheduler stays flat however many files there are.

dask is an optional dependency (`pip install 'extract[dask]'`): only this module imports it, and only
`batch` imports this module, when a run asks for the Dask engine.
"""

from __future__ import annotations

import asyncio
import atexit
import contextlib
import hashlib
import logging
import os
import shutil
import signal
import tempfile
import threading
import time
from collections import deque
from collections.abc import Callable, Iterator
from pathlib import Path

from extract.resources import default_model
from extract.workers import (
    CHUNK,
    WORKER_DIED,
    Item,
    Outcome,
    WorkerSetupError,
    _chunks,
    _worker,
    init_worker,
    process_chunk,
)

try:
    import distributed
    import distributed.comm
    from distributed import Client, LocalCluster, WorkerPlugin
    from distributed.scheduler import KilledWorker
except ImportError as err:  # pragma: no cover - checked by a test without dask
    raise WorkerSetupError("the Dask engine needs dask: pip install 'extract[dask]'") from err

PLUGIN = "extract-pipeline"
AHEAD = 3  # chunks submitted per worker thread beyond the one being computed: none waits for work
CONNECT_TIMEOUT = 30  # seconds to reach a scheduler and to see its first worker
NO_WORKER_LOCAL = 30  # seconds a local cluster may have no worker (a restart takes a few) before the run stops
NO_WORKER_REMOTE = 600  # the same for a remote cluster, which may be scaling up from nothing
POLL = 1.0  # seconds between checks that the cluster still has workers while a result is awaited

# A run's pipeline on the worker side: (model, ((pattern file name, its bytes), ...), published, pretty).
RemoteArgs = tuple[str | None, tuple[tuple[str, bytes], ...], str | None, bool]

_lock = threading.Lock()  # one chunk at a time per worker process: a pipeline is not shared by threads
_pattern_files: dict[str, Path] = {}  # a worker's copies of the run's pattern files, by their SHA-256


class ClusterError(WorkerSetupError):
    """The cluster cannot be reached or went away: the run stops with this one-line message."""


def remote_args(init_args: tuple) -> RemoteArgs:
    """`init_worker`'s arguments as a worker elsewhere can use them: pattern files as their bytes, and the
    model named as this process resolves the default (the one `--state` records), not as each worker would."""
    model, patterns, published, pretty = init_args
    return (model or default_model(), tuple((Path(p).name, Path(p).read_bytes()) for p in patterns), published,
            pretty)


def _local_patterns(patterns: tuple[tuple[str, bytes], ...]) -> tuple[Path, ...]:
    """The shipped pattern files, written once per worker process into a private folder and named by their
    content: the same bytes give the same path and modification time, so each task finds the cached
    pipeline again."""
    paths = []
    for name, data in patterns:
        key = hashlib.sha256(data).hexdigest()
        if key not in _pattern_files:
            if "folder" not in _pattern_files:
                _pattern_files["folder"] = folder = Path(tempfile.mkdtemp(prefix="extract-patterns-"))
                atexit.register(shutil.rmtree, folder, ignore_errors=True)
            path = _pattern_files["folder"] / f"{key[:24]}-{Path(name).stem[:40]}.jsonl"
            path.write_bytes(data)
            _pattern_files[key] = path
        paths.append(_pattern_files[key])
    return tuple(paths)


def prepare_worker(args: RemoteArgs) -> None:
    """Load (or find already loaded) the run's pipeline in this worker process."""
    model, patterns, published, pretty = args
    init_worker(model, _local_patterns(patterns), published, pretty, ignore_signals=False)


def run_chunk(items: list[Item], args: RemoteArgs) -> list[Outcome]:
    """The task: one chunk of articles, read and extracted on the worker (see `workers.process_chunk`)."""
    with _lock:
        prepare_worker(args)
        return process_chunk(items)


def _noop(items: list[Item], args: RemoteArgs) -> list[Outcome]:
    """A task that does no work, for measuring what a round trip through the scheduler costs."""
    return [Outcome(item.source, record="{}") for item in items]


class PipelinePlugin(WorkerPlugin):
    """Loads the run's pipeline on every worker, once, as it joins (restarted workers included)."""

    name = PLUGIN

    def __init__(self, args: RemoteArgs) -> None:
        self.args = args

    async def setup(self, worker) -> None:
        loop = asyncio.get_running_loop()
        await loop.run_in_executor(None, self._load)  # the event loop keeps serving heartbeats meanwhile

    def _load(self) -> None:
        with _lock:
            prepare_worker(self.args)

    def teardown(self, worker) -> None:
        """The run is over: a shared cluster's workers give the model's memory back."""
        with _lock:
            _worker.clear()


def dask_setup(worker) -> None:
    """The local cluster's worker preload: Ctrl-C reaches the whole process group, and a Dask worker takes it
    for "shut down" (and is not restarted). The workers of a local cluster ignore it, as the pool's do, and
    this process decides when to stop. Workers a user starts on other machines keep their own handling."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)


@contextlib.contextmanager
def connect(scheduler: str | None, jobs: int) -> Iterator[Client]:
    """A client of the scheduler at `scheduler`, or of a local cluster of `jobs` single-threaded worker
    processes (listening on 127.0.0.1 only, no dashboard) that lives as long as the run."""
    quiet = logging.CRITICAL  # stderr is for the run's own one-line messages, not dask's logs
    for name in ("distributed", "distributed.nanny", "distributed.scheduler", "distributed.worker",
                 "distributed.core", "distributed.client"):
        logging.getLogger(name).setLevel(quiet)
    cluster = None
    try:
        if scheduler is None:
            cluster = LocalCluster(n_workers=jobs, threads_per_worker=1, processes=True, host="127.0.0.1",
                                   dashboard_address=None, scheduler_kwargs={"dashboard_address": "127.0.0.1:0"},
                                   silence_logs=quiet, preload=[__name__])
            client = Client(cluster, set_as_default=False)
        else:
            # a malformed or unknown address is refused here: a Client that fails to start on one hangs the
            # interpreter's exit for a minute, closing itself
            distributed.comm.resolve_address(scheduler)
            client = Client(scheduler, timeout=CONNECT_TIMEOUT, set_as_default=False)
    except (OSError, TimeoutError, ValueError, RuntimeError) as err:
        if cluster is not None:
            cluster.close()
        where = f"the Dask scheduler at {scheduler}" if scheduler else "a local Dask cluster"
        raise ClusterError(f"cannot start or reach {where}: {type(err).__name__}: {err}".splitlines()[0]) from err
    try:
        yield client
    finally:
        with contextlib.suppress(Exception):
            client.close(timeout=10)
        if cluster is not None:
            with contextlib.suppress(Exception):
                cluster.close(timeout=10)


def threads(client: Client) -> int:
    """How many tasks the cluster runs at once (waiting for a first worker on a cluster still starting)."""
    try:
        client.wait_for_workers(1, timeout=CONNECT_TIMEOUT)
    except TimeoutError as err:
        raise ClusterError(f"the Dask cluster has no worker after {CONNECT_TIMEOUT} s") from err
    return max(1, sum(w.get("nthreads", 1) for w in _workers_info(client).values()))


def results(work: list[Item], init_args: tuple, jobs: int, stopped: Callable[[], bool], batch_size: int = 32, *,
            scheduler: str | None = None, task: Callable[[list[Item], RemoteArgs], list[Outcome]] = run_chunk,
            ) -> Iterator[Outcome]:
    """Outcomes in input order from a Dask cluster (`scheduler`'s address, or a local one of `jobs` workers).

    Same contract as `workers.results`; `init_args` are `init_worker`'s (model, patterns, published,
    pretty). `batch_size` is unused (chunks are sized per worker, as in the pool); `task` is replaceable
    for measurements.
    """
    if not work:  # nothing new: no cluster, no model
        return
    args = remote_args(init_args)
    # the workers read the files: relative paths mean nothing where they run
    work = [Item(i.source, os.path.abspath(i.path), i.data) if i.path else i for i in work]
    with connect(scheduler, jobs) as client:
        slots = threads(client)
        if task is run_chunk:
            client.register_plugin(PipelinePlugin(args), name=PLUGIN)
        try:
            size = max(1, min(CHUNK, len(work) // (slots * 4) or 1))
            patience = NO_WORKER_REMOTE if scheduler else NO_WORKER_LOCAL
            yield from _ordered(client, deque(_chunks(work, size)), args, slots * (1 + AHEAD), stopped, task, patience)
        finally:
            if task is run_chunk and scheduler is not None:
                with contextlib.suppress(Exception):
                    client.unregister_worker_plugin(PLUGIN)


def _settle(client: Client, futures: list[distributed.Future], patience: float) -> None:
    """Wait until every future is done (a result or an error), as long as the cluster has workers; after
    `patience` seconds without any (a local cluster's workers that will not come back, a remote cluster
    scaled to nothing) the run stops instead of hanging."""
    alone_since = None
    waiting = deque(futures)
    while waiting:
        try:
            waiting[0].exception(timeout=POLL)  # returns once it is done, whether it failed or not
            waiting.popleft()
            continue
        except TimeoutError:
            pass
        except Exception:  # cancelled, or gone with the cluster: its `result` says which
            waiting.popleft()
            continue
        if _nworkers(client):
            alone_since = None
        elif alone_since is None:
            alone_since = time.monotonic()
        elif time.monotonic() - alone_since > patience:
            raise ClusterError(f"the Dask cluster has had no worker for {patience:.0f} s")


def _nworkers(client: Client) -> int:
    return len(_workers_info(client))


def _workers_info(client: Client) -> dict:
    try:
        info = client.scheduler_info(n_workers=-1)  # every worker, not the first few
    except TypeError:  # distributed before 2025
        info = client.scheduler_info()
    return info.get("workers", {})


def _ordered(client: Client, pending: deque[list[Item]], args: RemoteArgs, limit: int, stopped: Callable[[], bool],
             task: Callable, patience: float) -> Iterator[Outcome]:
    """Submit chunks with at most `limit` in flight, and yield their outcomes in input order.

    A task is given up (`KilledWorker`) when workers died while it was assigned to them, which blames the
    tasks queued behind the one that killed them too. So a chunk given up is split into its inputs, and an
    input given up is tried once more alone (everything else in flight settled first, nothing submitted
    meanwhile); only an input given up alone is reported.
    """
    window: deque[tuple[distributed.Future, list[Item], bool]] = deque()  # (future, chunk, tried alone)

    def submit(chunk: list[Item]) -> distributed.Future:
        return client.submit(task, chunk, args, pure=False)

    try:
        while pending or window:
            alone = any(tried_alone for _, _, tried_alone in window)
            while pending and len(window) < limit and not stopped() and not alone:
                chunk = pending.popleft()
                window.append((submit(chunk), chunk, False))
            if not window:
                return
            future, chunk, tried_alone = window[0]
            try:
                _settle(client, [future], patience)
                outcomes = future.result()
            except KilledWorker:
                window.popleft()
                if len(chunk) > 1:  # each input gets a try of its own, ahead of the chunks after it
                    window.extendleft(reversed([(submit([item]), [item], False) for item in chunk]))
                elif tried_alone:  # it kills workers on its own
                    yield Outcome(chunk[0].source, error=WORKER_DIED)
                else:
                    _settle(client, [f for f, _, _ in window], patience)
                    window.appendleft((submit(chunk), chunk, True))
                continue
            except WorkerSetupError:
                raise
            except (OSError, distributed.client.FutureCancelledError) as err:
                raise ClusterError(f"lost the Dask cluster: {type(err).__name__}: {err}".splitlines()[0]) from err
            except Exception as err:  # the task itself failed: its inputs fail, the run goes on
                window.popleft()
                message = f"internal error: {type(err).__name__}: {err}".splitlines()[0]
                for item in chunk:
                    yield Outcome(item.source, error=message)
                continue
            window.popleft()
            yield from outcomes
    finally:
        if window:
            with contextlib.suppress(Exception):
                client.cancel([future for future, _, _ in window])
