"""The batch on a Ray cluster: the same documents, jobs and outputs as the local runner.

The driver (the ``veracity batch --ray`` process) keeps the job table and writes every output
file, exactly as :func:`veracity.batch.runner.run_local` does; Ray only does the checking:

* :class:`BatchWorker` actors (one per CPU of the cluster, or ``workers``) each build their own
  :class:`~veracity.batch.runner.Resources` — sentence encoder, opened corpus, LLM client,
  providers — once, and check documents with ``async`` methods, ``options.concurrency`` at a
  time inside each worker. A remote machine cannot share the driver's SQLite file, so each
  worker records its runs in its own store: a SQLite file in a temporary folder, or under
  ``worker_db`` (a folder that exists on every node; the file is kept, and with it the
  worker's search and LLM caches);
* the driver reads each document (files are read on the driver, so they need not exist on
  the workers), sends it to a free worker slot, and gets back the report with what its run
  left in the worker's store (checklist, cited documents, LLM calls, search log). It imports
  that run into its own store under the same run id (so ``veracity show RUN_ID`` works on the
  driver), writes the outputs and closes the job;
* the rate limits are one set of token buckets in a named actor (``veracity-rate-limits-*``,
  one per batch run), asked by every worker before each request: a limit holds for the
  whole cluster.

Settings travel to the workers as objects (the LLM endpoint included): workers never read
``VERACITY_*`` variables of their own. Paths in them — the corpus folders, ``cache_dir`` —
must be valid on every node.

Resuming: a re-run (with or without ``--ray``) skips what is done. A document whose run was
stopped in the driver's own store (a killed local batch) is checked afresh on Ray, since the
workers cannot see that store; the local runner finishes such runs with :func:`veracity.resume.resume_run`.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import shutil
import socket
import tempfile
import time
import uuid
from collections import deque
from pathlib import Path
from typing import Any

from veracity.batch.inputs import load_document
from veracity.batch.runner import (
    Batch,
    BatchCallback,
    BatchEvent,
    BatchOptions,
    BatchSummary,
    Resources,
    Task,
    check_document,
    describe_error,
    validate_options,
)
from veracity.config import Settings
from veracity.errors import ConfigError, StoreError, VeracityError
from veracity.llm.base import LLMCall
from veracity.pipeline import finish_status
from veracity.search.ratelimit import TokenBucketLimiter, resolve_rates
from veracity.store import Store
from veracity.types import Claim, Document, Report

LIMITER_NAME = "veracity-rate-limits"
INSTALL_HINT = "pip install 'veracity[ray]'"


def import_ray() -> Any:
    """The ``ray`` module; :class:`ConfigError` (exit 2) with the install hint without it."""
    try:
        import ray
    except ImportError as err:
        raise ConfigError(f"--ray needs the ray package, which is not installed: {INSTALL_HINT}") from err
    return ray


# --- the rate limits, cluster-wide --------------------------------------------------------------


class RateBuckets:
    """The named actor's state: one :class:`TokenBucketLimiter` for the cluster. Workers ask
    it for a slot (:meth:`reserve_until`) and sleep on their side, so the actor never waits."""

    def __init__(self, rates: dict[str, float]) -> None:
        self.limiter = TokenBucketLimiter(rates)

    def reserve_until(self, name: str) -> float:
        """The wall-clock time (``time.time()``) at which the caller's request to ``name`` may
        go: an absolute slot, so that the time the answer takes to reach the worker does not
        shift it (two workers' slots stay ``1/rate`` apart however slow the actor call)."""
        return time.time() + self.limiter.reserve(name)

    def granted(self) -> dict[str, int]:
        """How many slots each provider was given (for tests and the curious)."""
        return dict(self.limiter.granted)


class RayRateLimiter:
    """:class:`~veracity.search.ratelimit.RateLimiter` backed by the :class:`RateBuckets`
    actor; providers without a rate pass without asking it."""

    def __init__(self, handle: Any, rates: dict[str, float]) -> None:
        self.handle = handle
        self.rates = dict(rates)

    async def acquire(self, name: str) -> None:
        if name not in self.rates:
            return
        until = float(await self.handle.reserve_until.remote(name))
        wait = until - time.time()  # one clock for the actor and the workers of a machine
        if wait > 0:
            await asyncio.sleep(wait)


# --- the workers ------------------------------------------------------------------------------


class BatchWorker:
    """A Ray actor that checks documents (made remote by :func:`run_ray`; plain here so that
    nothing touches Ray at import time). One event loop; several documents at once."""

    def __init__(
        self, index: int, settings: Settings, search_settings: Any, options: BatchOptions,
        limiter: Any, rates: dict[str, float], worker_db: str | None = None,
    ) -> None:
        self.index = index
        self.options = options
        self._search_settings = search_settings
        self._limiter = RayRateLimiter(limiter, rates)
        self._tmp: str | None = None
        if worker_db:
            folder = Path(worker_db).expanduser()
            folder.mkdir(parents=True, exist_ok=True)
        else:
            self._tmp = tempfile.mkdtemp(prefix="veracity-ray-worker-")
            folder = Path(self._tmp)
        db = folder / f"worker-{socket.gethostname()}-{index}.sqlite"
        self.settings = settings.model_copy(update={"db_path": db})
        self.store: Store | None = None
        self.res: Resources | None = None

    async def setup(self) -> dict[str, Any]:
        """Open the store and the shared tools; an error comes back as a message."""
        try:
            self.store = Store(self.settings.db_path)
            self.res = Resources(self.options, self.settings, self.store, limiter=self._limiter,
                                 search_settings=self._search_settings)
            await self.res.prepare()
        except Exception as err:
            return {"error": describe_error(err), "host": socket.gethostname()}
        corpus = self.res.corpus
        return {"host": socket.gethostname(), "pid": os.getpid(), "db": str(self.settings.db_path),
                "corpus_documents": len(corpus.documents) if corpus is not None else 0}

    async def check(self, key: str, document: dict[str, Any], record: dict[str, Any]) -> dict[str, Any]:
        """Check one document; its report and run records, or ``{"error": ...}``."""
        from veracity.types import InputDocument

        assert self.res is not None and self.store is not None, "setup() first"
        try:
            doc = InputDocument.model_validate(document)
            report = await check_document(doc, self.res, self.options, record=record)
            payload = export_run(self.store, report)
        except Exception as err:
            return {"error": describe_error(err), "key": key}
        payload["worker"] = f"{socket.gethostname()}#{self.index}"
        return payload

    async def close(self) -> None:
        """Close the tools and the store; a temporary store is deleted."""
        if self.res is not None:
            await self.res.aclose()
        if self.store is not None:
            self.store.close()
        if self._tmp is not None:
            shutil.rmtree(self._tmp, ignore_errors=True)


def export_run(store: Store, report: Report) -> dict[str, Any]:
    """Everything the driver needs to record ``report``'s run in its own store."""
    run_id = report.run_id
    info = store.get_run(run_id)
    hashes = {e.source.content_hash for c in report.claims for e in c.evidence if e.source.content_hash}
    documents = [d.model_dump(mode="json") for h in sorted(hashes) if (d := store.get_document(h)) is not None]
    return {
        "report": report.to_json_dict(),
        "options": info["options"],
        "claims": [c.model_dump(mode="json") for c in store.load_claims(run_id)],
        "documents": documents,
        "llm_calls": [c.model_dump(mode="json") for c in store.llm_calls(run_id)],
        "searches": store.searches(run_id),
    }


def import_run(store: Store, payload: dict[str, Any]) -> Report:
    """Record a worker's run (:func:`export_run`) in ``store`` under the same id and return its
    report. A run id already in the store is left alone."""
    report = Report.model_validate(payload["report"])
    run_id = report.run_id
    with contextlib.suppress(StoreError):
        if store.get_run(run_id):
            return report
    store.start_run(run_id, input=report.input, title=report.title, language=report.language,
                    judge=report.judge, uses_llm=report.uses_llm, options=payload.get("options") or {},
                    created=report.created)
    try:
        store.save_claims(run_id, [Claim.model_validate(c) for c in payload.get("claims") or []])
        for d in payload.get("documents") or []:
            store.save_document(Document.model_validate(d))
        for row in report.claims:
            store.save_result(run_id, row)
        for call in payload.get("llm_calls") or []:
            store.record_llm_call(run_id, LLMCall.model_validate(call))
        for s in payload.get("searches") or []:
            store.record_search(run_id, str(s["provider"]), str(s["query"]), int(s["n_results"]),
                                cached=bool(s.get("cached")))
        if report.coverage is not None:
            store.save_coverage(run_id, report.coverage)
        store.finish_run(run_id, report.stats, **finish_status(report.claims))
    except BaseException as err:
        with contextlib.suppress(Exception):
            store.finish_run(run_id, report.stats, status="failed", error=f"import from Ray failed: {err}")
        raise
    return report


# --- the driver -------------------------------------------------------------------------------


def _start_ray(ray: Any, address: str | None) -> bool:
    """Connect to (or start) Ray; True when this call started it (and must shut it down)."""
    if ray.is_initialized():
        return False
    kwargs: dict[str, Any] = {"include_dashboard": False, "logging_level": logging.WARNING,
                              "log_to_driver": False}
    try:
        if address in (None, "", "local"):
            ray.init(**kwargs)
        else:
            ray.init(address=address, **kwargs)
    except Exception as err:
        where = "a local Ray cluster" if address in (None, "", "local") else f"the Ray cluster at {address}"
        raise ConfigError(f"cannot start or reach {where}: {describe_error(err)}") from err
    return True


async def run_ray(
    options: BatchOptions, settings: Settings, *, address: str | None = None, workers: int | None = None,
    worker_db: str | None = None, store: Store | None = None, progress: BatchCallback | None = None,
) -> BatchSummary:
    """Run the batch on Ray (see the module docstring): ``address`` None or ``"local"`` starts a
    local cluster, anything else is passed to ``ray.init(address=...)`` (``"auto"``, or
    ``HEAD:6379``); an already initialised Ray is used as it is. ``workers``: actors to start
    (default: one per CPU of the cluster). Returns the summary, like :func:`run_local`."""
    from veracity.search.settings import SearchSettings

    ray = import_ray()
    # the workers may run elsewhere (another node, another working folder): absolute paths
    options = options.model_copy(update={"corpus": [Path(c).expanduser().resolve() for c in options.corpus]})
    settings = settings.model_copy(update={"cache_dir": Path(settings.cache_dir).expanduser().resolve()})
    own_store = store is None
    if store is None:
        store = Store(settings.db_path)
    started = False
    try:
        batch = Batch(options, settings, store, progress=progress, runner="ray")
        search_settings = SearchSettings()
        await validate_options(options, settings, search_settings)  # before Ray starts
        with batch.locked():
            todo = [t for t in batch.plan() if t.action in ("run", "resume")]
            if todo:
                started = _start_ray(ray, address)
                await _drive(ray, batch, todo, settings, search_settings, workers=workers, worker_db=worker_db)
            return batch.summarize()
    finally:
        if started:
            with contextlib.suppress(Exception):
                ray.shutdown()
        if own_store:
            store.close()


async def _drive(
    ray: Any, batch: Batch, todo: list[Task], settings: Settings, search_settings: Any, *,
    workers: int | None, worker_db: str | None,
) -> None:
    """Start the actors, feed them the documents, record what comes back, stop them."""
    options = batch.options
    cpus = max(1.0, float(ray.cluster_resources().get("CPU", 1)))
    n = max(1, min(workers or int(cpus), len(todo)))
    batch.workers = n
    rates = resolve_rates(options.rates)
    limiter = ray.remote(RateBuckets).options(
        name=f"{LIMITER_NAME}-{uuid.uuid4().hex[:8]}", num_cpus=0, max_concurrency=1000,
    ).remote(rates)
    actor = ray.remote(BatchWorker).options(
        num_cpus=min(1.0, cpus / n), max_concurrency=options.concurrency + 4, scheduling_strategy="SPREAD",
    )
    handles = [actor.remote(i, settings, search_settings, options, limiter, rates, worker_db) for i in range(n)]
    batch.emit(BatchEvent(type="warning", message=f"starting {n} Ray worker(s)"))
    try:
        try:
            infos = await asyncio.gather(*(h.setup.remote() for h in handles))
        except Exception as err:
            raise ConfigError(f"the Ray workers could not start: {describe_error(err)}") from err
        bad = [i for i in infos if i.get("error")]
        if bad:
            raise ConfigError(f"a Ray worker on {bad[0].get('host')} could not start: {bad[0]['error']}")
        queue: deque[Task] = deque(todo)
        await asyncio.gather(*(_lane(batch, h, queue) for h in handles for _ in range(options.concurrency)))
        for task in queue:  # every worker died
            batch.begin(task)
            batch.fail(task, "no Ray worker was left to check it")
    finally:
        with contextlib.suppress(Exception):
            await asyncio.wait_for(asyncio.gather(*(h.close.remote() for h in handles)), timeout=30)
        for h in [*handles, limiter]:
            with contextlib.suppress(Exception):
                ray.kill(h)


async def _lane(batch: Batch, worker: Any, queue: deque[Task]) -> None:
    """One document slot of a worker: take the next document, send it, record the answer."""
    max_bytes = batch.settings.max_input_bytes
    while queue:
        task = queue.popleft()
        batch.begin(task)
        try:
            doc = await asyncio.to_thread(load_document, task.item, max_bytes=max_bytes)
        except Exception as err:
            batch.fail(task, err)
            continue
        try:
            payload = await worker.check.remote(task.item.key, doc.model_dump(mode="json"), batch.record(task))
        except Exception as err:  # the actor died (its lanes stop; the others go on)
            batch.fail(task, f"the Ray worker failed: {describe_error(err)}")
            return
        if payload.get("error"):
            batch.fail(task, payload["error"])
            continue
        try:
            report = import_run(batch.store, payload)
        except (VeracityError, ValueError) as err:
            report = Report.model_validate(payload["report"])
            batch.emit(BatchEvent(type="warning", key=task.item.key,
                                  message=f"run {report.run_id} not recorded in the driver's store: {describe_error(err)}"))
        batch.complete(task, report, extra={"worker": payload.get("worker")})
