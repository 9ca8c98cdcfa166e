"""The batch runner in one process, and what the Ray runner shares with it.

A batch is a set of documents (:mod:`veracity.batch.inputs`) checked into one output folder.
Each document is a job of kind ``batch`` in the store's job table (``batch`` = the absolute
output folder, ``key`` = the document's key), which makes a batch resumable:

* a document whose job is ``done`` and whose output files all exist is skipped (without even
  being read). When some of its files are missing, they are written again from the store if
  its run is there and the document is unchanged; otherwise it is checked again — so deleting
  an edited document's reports gets it checked anew;
* a document whose job has a run in the store that did not finish (the batch was killed, or
  the run failed) is finished with :func:`veracity.resume.resume_run` — when the document is
  unchanged and the run was researched the same way (with or without a model) — else checked
  afresh; failed documents are retried, and so are *incomplete* ones (done, but with claims
  that could not be checked: their run is resumed, which checks only those claims).

:meth:`Batch.summarize` writes ``summary.json`` (totals, and one row per document) and
``summary.csv`` (the same rows): see :mod:`veracity.batch.triage`.

:class:`Batch` holds that bookkeeping (plan, outputs, job rows, ``summary.json``) for both
runners. :class:`Resources` is what the documents of one process share, lent to every run as
a :class:`~veracity.run.tools.Shared`: the store, one sentence encoder, one opened
:class:`~veracity.corpus.index.LocalCorpus`, one LLM client and the search providers behind the
rate limiter. :func:`run_local` runs the documents as asyncio
tasks of one event loop, ``options.concurrency`` at a time.

Output files are written atomically (a temporary file renamed into place), so a killed batch
never leaves a half-written report behind.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import time
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, Field

from veracity.batch.inputs import BatchItem, discover, load_document, output_names
from veracity.batch.triage import DocumentRow, document_row, rows_csv, triaged
from veracity.config import Settings
from veracity.corpus.index import LocalCorpus
from veracity.errors import InputError, RunNotFound, VeracityError, one_line
from veracity.events import Event, ProgressCallback
from veracity.evidence.embed import Embedder, UseEmbedder
from veracity.httputil import aclose_all
from veracity.llm.base import StructuredLLM
from veracity.reader.fetch import Reader
from veracity.run.spec import RunSpec
from veracity.run.tools import Shared
from veracity.search.base import SearchProvider
from veracity.search.ratelimit import (
    RateLimiter,
    TokenBucketLimiter,
    limit_providers,
    resolve_rates,
)
from veracity.search.settings import SearchSettings
from veracity.store import Store
from veracity.store.jobs import Job, report_result
from veracity.types import InputDocument, Label, Report

try:  # POSIX advisory locks: one batch at a time per output folder
    import fcntl
except ImportError:  # pragma: no cover
    fcntl = None  # type: ignore[assignment]

Format = Literal["md", "html", "json", "claimreview"]
FORMATS: tuple[Format, ...] = ("md", "html", "json", "claimreview")
EXTENSIONS: dict[Format, str] = {"md": "md", "html": "html", "json": "json", "claimreview": "claimreview.json"}
"""The file extension of each format: ``<name>.<extension>``."""
SUMMARY_FILE = "summary.json"
SUMMARY_CSV = "summary.csv"
LOCK_FILE = ".veracity-batch.lock"


class BatchOptions(BaseModel):
    """What a batch does; the same for the local and the Ray runner."""

    input: Path = Field(description="folder of documents or a .jsonl file")
    out_dir: Path = Field(description="where the reports, summary.json and summary.csv go")
    corpus: list[Path] = Field(default_factory=list, description="local corpus folders")
    providers: list[str] = Field(default_factory=list, description="search provider names")
    rates: dict[str, float | None] = Field(
        default_factory=dict, description="requests/s by provider over the defaults (None: no limit)")
    concurrency: int = Field(default=4, ge=1, description="documents at once (per process or Ray worker)")
    claim_concurrency: int = Field(default=4, ge=1, description="claims at once within a document")
    formats: list[Format] = Field(default_factory=lambda: list[Format](["json", "md"]))
    report_lang: Literal["zh", "en"] | None = None
    cache: bool = False


class BatchEvent(BaseModel):
    """What a runner tells its progress view."""

    type: Literal["planned", "started", "claim", "done", "failed", "warning"]
    key: str | None = None
    total: int = 0
    skipped: int = 0
    claims: int = 0
    message: str | None = None


BatchCallback = Callable[[BatchEvent], None]


class BatchSummary(BaseModel):
    """``summary.json``: the figures of the batch's documents as they stand after this run."""

    batch: str = Field(description="the output folder (absolute): the jobs' batch id")
    input: str
    runner: str = "local"
    workers: int = 1
    documents_total: int = Field(description="documents in the input")
    done: int = Field(description="documents with a report (incomplete ones included)")
    failed: int
    incomplete: int = Field(default=0, description="documents whose report has claims not checked")
    skipped: int = Field(description="documents done by an earlier run, not checked again")
    checked: int = Field(description="documents checked (or finished) by this run")
    claims: int = Field(description="claims of every done document")
    verdicts: dict[str, int]
    llm_calls: int
    llm_cached: int
    prompt_tokens: int
    completion_tokens: int
    tokens: int
    cost_usd: float
    seconds: float = Field(description="wall time of this run")
    claims_checked: int = Field(description="claims of the documents this run checked")
    claims_per_second: float
    failures: list[dict[str, str]] = Field(default_factory=list, description="key and error of each failed document")
    documents: list[DocumentRow] = Field(
        default_factory=list, description="one row per document, in triage order (also in summary.csv)")


Action = Literal["skip", "render", "resume", "run"]


@dataclass
class Task:
    """One document of this run: its job and what to do with it."""

    item: BatchItem
    job: Job
    name: str
    action: Action


def describe_error(err: BaseException | str) -> str:
    """One line for a failed document (:func:`veracity.errors.one_line`, longer than the default)."""
    return one_line(err, limit=2000)


def _complete(job: Job) -> bool:
    """Whether a done job's report has every claim checked (results written before
    ``not_checked`` existed count as complete)."""
    result = job.result or {}
    return not result.get("not_checked") and result.get("complete") is not False


def _atomic_write(path: Path, text: str) -> None:
    tmp = path.with_name(f".{path.name}.{uuid.uuid4().hex[:8]}.tmp")
    try:
        tmp.write_text(text, encoding="utf-8")
        os.replace(tmp, path)
    finally:
        with contextlib.suppress(FileNotFoundError):
            tmp.unlink()


class Batch:
    """A batch's bookkeeping: which documents to check, their job rows, output files and
    the summary. Both runners drive one; every method runs on the driver."""

    def __init__(
        self, options: BatchOptions, settings: Settings, store: Store, *,
        progress: BatchCallback | None = None, runner: str = "local",
    ) -> None:
        self.options = options
        self.settings = settings
        self.store = store
        self.progress = progress
        self.runner = runner
        self.workers = 1
        self.out_dir = options.out_dir.expanduser().resolve()
        self.batch_id = str(self.out_dir)
        self.tasks: list[Task] = []
        self.checked: dict[str, int] = {}  # key → claims, documents finished by this run
        self._t0 = time.monotonic()

    # --- planning ----------------------------------------------------------------------------

    @contextlib.contextmanager
    def locked(self) -> Iterator[None]:
        """Hold the output folder for this run (an advisory lock file): a second batch
        writing to the same folder at the same time is refused with :class:`InputError`."""
        try:
            self.out_dir.mkdir(parents=True, exist_ok=True)
        except OSError as err:
            raise InputError(f"cannot create output folder {self.out_dir}: {err.strerror or err}") from err
        if fcntl is None:  # pragma: no cover
            yield
            return
        with open(self.out_dir / LOCK_FILE, "a+b") as fh:
            try:
                fcntl.flock(fh.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
            except OSError as err:
                raise InputError(
                    f"another batch is writing to {self.out_dir}; wait for it to finish") from err
            try:
                yield
            finally:
                fcntl.flock(fh.fileno(), fcntl.LOCK_UN)

    def plan(self) -> list[Task]:
        """Discover the documents, queue a job for each new one and decide what to do with
        each (see the module docstring). Rewrites the outputs of done documents whose files
        are missing, straight from the store."""
        items = discover(self.options.input)
        names = output_names(it.key for it in items)
        tasks: list[Task] = []
        for item in items:
            job = self.store.add_job("batch", item.request(), batch=self.batch_id, key=item.key)
            task = Task(item=item, job=job, name=names[item.key], action="run")
            if job.status == "done" and _complete(job):
                if all(p.exists() for p in self.outputs(task.name).values()):
                    task.action = "skip"
                elif self._render(task):
                    task.action = "render"
            elif self._run_info(job.run_id) is not None:
                task.action = "resume"
            tasks.append(task)
        self.tasks = tasks
        skipped = sum(t.action in ("skip", "render") for t in tasks)
        self.emit(BatchEvent(type="planned", total=len(tasks), skipped=skipped))
        return tasks

    def _run_info(self, run_id: str | None) -> dict[str, Any] | None:
        """The job's run as the store holds it (None: no run, or not in this store)."""
        try:
            return self.store.get_run(run_id) if run_id else None
        except RunNotFound:
            return None

    def _render(self, task: Task) -> bool:
        """Write a done document's missing files from its stored run; False (check it again)
        when the run is not in this store or the document changed since."""
        info = self._run_info(task.job.run_id)
        if info is None or info["status"] != "done":
            return False
        try:
            doc = load_document(task.item, max_bytes=self.settings.max_input_bytes)
            if not RunSpec.load(info["options"]).recorded(doc):
                return False
            self.write(task, self.store.load_report(info["id"]))
        except (VeracityError, OSError):
            return False
        return True

    def resumable(self, task: Task, doc: InputDocument, *, agent: bool) -> str | None:
        """The run to finish for this document, or None to check it afresh: the job's run,
        when it is in the store, not done, recorded this very document, and was researched
        the same way (``agent``: with a model)."""
        info = self._run_info(task.job.run_id)
        if info is None:
            return None
        spec = RunSpec.load(info["options"])
        if not spec.recorded(doc):
            return None
        if info["status"] != "done" and spec.agent != agent:
            return None
        return str(info["id"])

    # --- one document --------------------------------------------------------------------------

    def emit(self, event: BatchEvent) -> None:
        if self.progress is not None:
            with contextlib.suppress(Exception):  # the view is the caller's code
                self.progress(event)

    def begin(self, task: Task) -> None:
        """Mark the document's job ``running``."""
        task.job = self.store.start_job(task.job.id)
        self.emit(BatchEvent(type="started", key=task.item.key))

    def run_progress(self, task: Task) -> ProgressCallback:
        """The progress callback of the document's run: links the job to the run as soon as
        the run is recorded, and passes settled claims and warnings on."""
        key, job_id = task.item.key, task.job.id

        def handle(event: Event) -> None:
            if event.type == "run_started" and event.run_id:
                self.store.set_job_run(job_id, event.run_id)
            elif event.type == "claim_settled":
                self.emit(BatchEvent(type="claim", key=key))
            elif event.type == "warning" and event.message:
                self.emit(BatchEvent(type="warning", key=key, message=event.message))

        return handle

    def record(self, task: Task) -> dict[str, str]:
        """What the document's run records of the batch in its options: the batch and the key."""
        return {"batch": self.batch_id, "key": task.item.key}

    def outputs(self, name: str) -> dict[Format, Path]:
        """The output file of each requested format."""
        return {fmt: self.out_dir / f"{name}.{EXTENSIONS[fmt]}" for fmt in self.options.formats}

    def write(self, task: Task, report: Report) -> list[str]:
        """Write the document's report in every requested format (atomically)."""
        from veracity.report import render

        written = []
        for fmt, path in self.outputs(task.name).items():
            lang = self.options.report_lang if fmt != "json" else None
            _atomic_write(path, render(report, fmt, lang, org_name=self.settings.org_name))
            written.append(path.name)
        return written

    def complete(self, task: Task, report: Report, *, extra: dict[str, Any] | None = None) -> None:
        """Write the outputs and close the job ``done`` with the document's figures (or
        ``failed`` when the files cannot be written)."""
        try:
            files = self.write(task, report)
        except OSError as err:
            self.fail(task, f"cannot write the report: {err.strerror or err}")
            return
        result = {**report_result(report), "outputs": files, **(extra or {})}
        self.store.finish_job(task.job.id, "done", result=result, run_id=report.run_id)
        self.checked[task.item.key] = report.summary.total
        self.emit(BatchEvent(type="done", key=task.item.key, claims=report.summary.total))

    def fail(self, task: Task, err: BaseException | str) -> None:
        """Close the job ``failed`` with a one-line reason."""
        message = describe_error(err)
        self.store.finish_job(task.job.id, "failed", error=message)
        self.emit(BatchEvent(type="failed", key=task.item.key, message=message))

    # --- the end -------------------------------------------------------------------------------

    def summarize(self) -> BatchSummary:
        """The batch's figures from its job rows (the documents of this input only), with one
        :class:`~veracity.batch.triage.DocumentRow` per document in triage order, written to
        ``summary.json`` and ``summary.csv`` and returned."""
        rows = {j.key: j for j in self.store.list_jobs(kind="batch", batch=self.batch_id)}
        verdicts = {label.value: 0 for label in Label}
        totals = dict.fromkeys(("claims", "llm_calls", "llm_cached", "prompt_tokens", "completion_tokens"), 0)
        cost = 0.0
        done = failed = 0
        failures: list[dict[str, str]] = []
        doc_rows: list[DocumentRow] = []
        for task in self.tasks:
            job = rows.get(task.item.key, task.job)
            doc_rows.append(self._row(task, job))
            if job.status == "done":
                done += 1
                result = job.result or {}
                for k in totals:
                    totals[k] += int(result.get(k) or 0)
                cost += float(result.get("cost_usd") or 0.0)
                for label, n in (result.get("verdicts") or {}).items():
                    verdicts[label] = verdicts.get(label, 0) + int(n)
            else:
                failed += 1
                failures.append({"key": task.item.key, "error": job.error or f"not finished ({job.status})"})
        seconds = round(time.monotonic() - self._t0, 3)
        claims_checked = sum(self.checked.values())
        summary = BatchSummary(
            batch=self.batch_id, input=str(self.options.input.expanduser().resolve()), runner=self.runner,
            workers=self.workers, documents_total=len(self.tasks), done=done, failed=failed,
            skipped=sum(t.action in ("skip", "render") for t in self.tasks), checked=len(self.checked),
            verdicts=verdicts, cost_usd=round(cost, 6), seconds=seconds,
            tokens=totals["prompt_tokens"] + totals["completion_tokens"], claims_checked=claims_checked,
            claims_per_second=round(claims_checked / seconds, 3) if seconds > 0 else 0.0,
            failures=failures, incomplete=sum(r.status == "incomplete" for r in doc_rows),
            documents=triaged(doc_rows), **totals,
        )
        _atomic_write(self.out_dir / SUMMARY_FILE, summary.model_dump_json(indent=2) + "\n")
        _atomic_write(self.out_dir / SUMMARY_CSV, rows_csv(summary.documents))
        return summary

    def _row(self, task: Task, job: Job) -> DocumentRow:
        """The triage row of one document: its report is the file of the first requested
        format; an incomplete run's stored error says what it did not check."""
        report = None
        if job.status == "done":
            first = next(iter(self.outputs(task.name).values()), None)
            report = first.name if first is not None and first.exists() else None
        run_error = None
        if job.status == "done" and not _complete(job):
            info = self._run_info(job.run_id)
            run_error = info.get("error") if info else None
        return document_row(task.item.key, job, report=report, run_error=run_error)


# --- what the documents of one process share ---------------------------------------------------


class Resources:
    """What the documents of one process share: :attr:`tools`, a
    :class:`~veracity.run.tools.Shared` lent to every run (the store, one sentence encoder, one
    corpus, the providers behind the rate limiter with their reader, one model). Building it
    checks the corpus folders and provider names (bad ones raise before any document starts);
    :meth:`prepare` opens the corpus index (the slow part) when there is work to do;
    :meth:`aclose` closes what it built.

    ``limiter``: the rate limiter shared by the providers (a local token bucket by default;
    the Ray runner passes the one backed by its named actor). ``search_settings``: the
    providers' keys and URLs (default: from the environment)."""

    def __init__(
        self, options: BatchOptions, settings: Settings, store: Store, *,
        embedder: Embedder | None = None, limiter: RateLimiter | None = None,
        warn: Callable[[str], None] | None = None, search_settings: SearchSettings | None = None,
    ) -> None:
        from veracity.llm import build_llm
        from veracity.search.registry import build_providers

        self.settings = settings
        self.store = store
        self.cache = options.cache
        shared_embedder: Embedder = embedder or UseEmbedder(threads=settings.embed_threads)
        corpus = (LocalCorpus(list(options.corpus), settings=settings, embedder=shared_embedder, progress=warn)
                  if options.corpus else None)
        self.limiter: RateLimiter = limiter or TokenBucketLimiter(resolve_rates(options.rates))
        search = search_settings if search_settings is not None else SearchSettings()
        built = build_providers(list(options.providers), search)
        self._closers: list[Any] = list(built)
        providers: list[SearchProvider] = limit_providers(built, self.limiter)
        reader: Reader | None = None
        if providers:
            from veracity.reader.cache import StoreFetchCache

            reader = Reader(cache=StoreFetchCache(store))
            self._closers.append(reader)
        llm: StructuredLLM | None = build_llm(settings)
        self._closers.append(llm)
        self.tools = Shared(store=store, corpus=corpus, providers=providers, reader=reader, embedder=shared_embedder,
                            llm=llm, search_settings=search)

    @property
    def corpus(self) -> LocalCorpus | None:
        """The shared corpus (None without corpus folders)."""
        return self.tools.corpus

    @property
    def llm(self) -> StructuredLLM | None:
        """The shared model (None when the settings describe none)."""
        return self.tools.llm

    async def prepare(self) -> None:
        """Open the corpus index (built, or loaded from the cache), and take its fingerprint
        when corpus searches are cached (the runs key the cache by it) — both off the loop."""
        corpus = self.corpus
        if corpus is not None:
            await asyncio.to_thread(corpus.open)
            if self.cache:
                await asyncio.to_thread(lambda: corpus.fingerprint)

    async def aclose(self) -> None:
        await aclose_all(self._closers)


async def validate_options(options: BatchOptions, settings: Settings,
                           search_settings: SearchSettings | None = None) -> None:
    """Raise what a batch with these options would raise at its start — a missing corpus
    folder (:class:`~veracity.errors.CorpusError`), an unknown or unconfigured provider
    (:class:`~veracity.errors.ConfigError`) — without loading or opening anything."""
    from veracity.search.registry import build_providers

    if options.corpus:
        LocalCorpus(list(options.corpus), settings=settings, embedder=UseEmbedder(threads=1))
    await aclose_all(build_providers(list(options.providers), search_settings))


async def check_document(
    doc: InputDocument, res: Resources, options: BatchOptions, *, progress: ProgressCallback | None = None,
    record: dict[str, Any] | None = None,
) -> Report:
    """Check one document with the shared tools (:func:`veracity.pipeline.run_check`);
    ``record`` goes into the run's spec (the batch and the document's key)."""
    from veracity.pipeline import run_check

    spec = RunSpec.model_validate({
        **(record or {}), "providers": list(options.providers), "report_lang": options.report_lang,
        "concurrency": options.claim_concurrency, "cache": options.cache,
    })
    return await run_check(doc, spec, res.tools, settings=res.settings, progress=progress)


async def finish_document(
    run_id: str, res: Resources, options: BatchOptions, *, progress: ProgressCallback | None = None,
) -> Report:
    """Finish a document's stopped run (:func:`veracity.resume.resume_run`) with the shared
    tools (the shared corpus too, when the run recorded the same folders; else the recorded
    folders are opened for the run)."""
    from veracity.resume import resume_run

    recorded = RunSpec.load(res.store.get_run(run_id)["options"]).corpus
    same = res.corpus is not None and recorded == [str(d) for d in res.corpus.dirs]
    tools = res.tools if same else replace(res.tools, corpus=None)
    return await resume_run(run_id, tools, settings=res.settings, progress=progress,
                            concurrency=options.claim_concurrency)


# --- the local runner ----------------------------------------------------------------------------


async def run_local(
    options: BatchOptions, settings: Settings, *, store: Store | None = None,
    progress: BatchCallback | None = None, embedder: Embedder | None = None,
) -> BatchSummary:
    """Run the batch in this process: its documents as asyncio tasks of one event loop,
    ``options.concurrency`` at a time, sharing one :class:`Resources`. Returns the summary
    (also written to ``summary.json``); failed documents are in it, never raised.

    Raises :class:`InputError` / :class:`~veracity.errors.ConfigError` /
    :class:`~veracity.errors.CorpusError` (exit 2) for a batch that cannot start: a missing
    input, a bad provider name or corpus folder, an output folder in use."""
    own_store = store is None
    if store is None:
        store = Store(settings.db_path)
    try:
        batch = Batch(options, settings, store, progress=progress)

        def warn(message: str) -> None:
            batch.emit(BatchEvent(type="warning", message=message))

        res = Resources(options, settings, store, embedder=embedder, warn=warn)
        try:
            with batch.locked():
                todo = [t for t in batch.plan() if t.action in ("run", "resume")]
                if todo:
                    await res.prepare()
                    sem = asyncio.Semaphore(options.concurrency)
                    await asyncio.gather(*(_run_one(batch, res, t, sem) for t in todo))
                return batch.summarize()
        finally:
            await res.aclose()
    finally:
        if own_store:
            store.close()


async def _run_one(batch: Batch, res: Resources, task: Task, sem: asyncio.Semaphore) -> None:
    """Check (or finish) one document and close its job; its failure stays its own."""
    async with sem:
        batch.begin(task)
        progress = batch.run_progress(task)
        try:
            doc = await asyncio.to_thread(load_document, task.item, max_bytes=res.settings.max_input_bytes)
            run_id = batch.resumable(task, doc, agent=res.llm is not None)
            if run_id is not None:
                report = await finish_document(run_id, res, batch.options, progress=progress)
            else:
                report = await check_document(doc, res, batch.options, progress=progress, record=batch.record(task))
        except Exception as err:  # the document fails alone
            batch.fail(task, err)
            return
        batch.complete(task, report)


def run_batch(options: BatchOptions, settings: Settings, **kwargs: Any) -> BatchSummary:
    """Synchronous :func:`run_local`."""
    return asyncio.run(run_local(options, settings, **kwargs))
