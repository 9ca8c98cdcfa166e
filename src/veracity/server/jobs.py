"""The server's job runner: checks submitted to the API, run a few at a time in the server's loop.

A job is a row of the store's job table (kind ``"api"``) whose ``request`` holds what the run
needs (see :class:`JobRequest`): the input document already ingested at submission, or the URL
to read, and the options. :class:`JobRunner` runs up to ``workers`` jobs at once as asyncio
tasks; each is one :func:`veracity.pipeline.run_check` call lent the server's shared store,
sentence encoder, local corpus, providers and language model (a :class:`~veracity.run.tools.Shared`), and its progress events go to the job's
:class:`~veracity.server.sse.EventLog`. The run id is linked to the job as soon as the run is
recorded (its ``run_started`` event).

A job that fails ends ``failed`` with a one-line error; nothing a job does stops the server.

Restarts: :meth:`JobRunner.start` puts jobs left ``running`` back in the queue and runs every
queued job, oldest first. A job whose run was already recorded is finished with
:func:`veracity.resume.resume_run` (settled claims are kept, searches come from the cache); one
without a run starts again. :meth:`JobRunner.stop` cancels running jobs: they stay ``running``
in the store, so the next start resumes them.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Mapping, Sequence
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from veracity.config import Settings
from veracity.corpus.index import LocalCorpus
from veracity.errors import RunNotFound, VeracityError, one_line
from veracity.events import Event
from veracity.evidence.embed import Embedder
from veracity.llm.base import StructuredLLM
from veracity.run.spec import RunSpec
from veracity.run.tools import Shared
from veracity.search.base import SearchProvider
from veracity.search.settings import SearchSettings
from veracity.server.sse import EventHub, EventLog
from veracity.store import Store
from veracity.store.jobs import Job, report_result
from veracity.types import InputDocument, Report

log = logging.getLogger("veracity.server")

SourceKind = Literal["text", "url", "claims", "file"]


class CheckOptions(BaseModel):
    """Options of one check, as the API takes them."""

    model_config = ConfigDict(extra="forbid")

    lang: Literal["auto", "zh", "en"] = Field(default="auto", description="report language (auto: the input's)")
    providers: list[str] = Field(default_factory=list, description="search providers besides the corpus")
    corpus: bool = Field(default=True, description="search the server's local corpus")
    max_rounds: int | None = Field(default=None, ge=1, le=20, description="research rounds of the agent")
    title: str | None = Field(default=None, max_length=500, description="a title for the report")


class JobRequest(BaseModel):
    """What the store keeps as an API job's request."""

    source: SourceKind
    input: dict[str, Any] | None = Field(default=None, description="the ingested InputDocument (JSON)")
    url: str | None = None
    options: CheckOptions = Field(default_factory=CheckOptions)

    def describe(self) -> str:
        """A short name for listings: the title, the URL or the input's origin."""
        if self.options.title:
            return self.options.title
        if self.url:
            return self.url
        doc = self.input or {}
        return str(doc.get("title") or doc.get("origin") or self.source)


class JobRunner:
    """Runs the API's jobs; see the module docstring. Create and use it inside the server's loop."""

    def __init__(
        self, *, store: Store, settings: Settings, embedder: Embedder, corpus: LocalCorpus | None,
        llm: StructuredLLM | None, hub: EventHub, workers: int = 2, concurrency: int = 4,
        providers: Mapping[str, SearchProvider] | None = None, search_settings: SearchSettings | None = None,
    ) -> None:
        """``providers``: the server's search providers by name, shared by every job (built
        once, behind the server's rate limiter); a job's names are looked up there, and built
        for the job alone when missing, with ``search_settings`` (default: the environment's,
        read here once, not at each job)."""
        self.store = store
        self.settings = settings
        self.embedder = embedder
        self.corpus = corpus
        self.llm = llm
        self.hub = hub
        self.concurrency = concurrency
        self.providers = dict(providers or {})
        self.search_settings = search_settings if search_settings is not None else SearchSettings()
        self.workers = max(1, workers)
        self._waiting = 0  # scheduled jobs waiting for a worker
        self._running = 0  # jobs holding a worker
        self._sem = asyncio.Semaphore(self.workers)
        self._tasks: dict[str, asyncio.Task[None]] = {}
        self._stopping = False

    @property
    def stopping(self) -> bool:
        """True once :meth:`stop` was called: no new job is taken."""
        return self._stopping

    @property
    def active(self) -> int:
        """Jobs scheduled in this process and not finished (running or waiting for a worker)."""
        return len(self._tasks)

    async def start(self) -> list[Job]:
        """Requeue the jobs a stopped server left running and schedule every queued job."""
        self.store.requeue_jobs(kind="api", statuses=("running",))
        queued = self.store.list_jobs(kind="api", status="queued")
        for job in queued:
            self._schedule(job.id, attempt=job.attempts)
        if queued:
            log.info("veracity server: %d queued check(s) to run", len(queued))
        return queued

    def submit(self, request: JobRequest) -> Job:
        """Store a new job and schedule it."""
        job = self.store.add_job("api", request.model_dump(mode="json"))
        self._schedule(job.id)
        return job

    def _schedule(self, job_id: str, *, attempt: int = 0) -> None:
        if job_id in self._tasks:
            return
        events = self.hub.open(job_id, attempt=attempt)
        ahead = self._waiting - self._free_workers()  # scheduled here and not yet running
        if ahead >= 0:  # every worker will be busy: say so at once, with the place in line
            events.publish(Event(type="queued", position=ahead))
        self._waiting += 1
        task = asyncio.create_task(self._run(job_id, events), name=f"veracity-job-{job_id}")
        self._tasks[job_id] = task
        task.add_done_callback(lambda _t: self._tasks.pop(job_id, None))

    async def stop(self, timeout: float = 10.0) -> None:
        """Cancel every job of this process (they stay queued or running in the store) and
        close their streams."""
        self._stopping = True
        tasks = list(self._tasks.values())
        for task in tasks:
            task.cancel()
        if tasks:
            await asyncio.wait(tasks, timeout=timeout)
        self.hub.abandon_all()

    async def _run(self, job_id: str, events: EventLog) -> None:
        """One job: wait for a worker, run it, record how it ended. Never raises (but for
        cancellation, which leaves the job as the store has it)."""
        try:
            await self._sem.acquire()
        finally:
            self._waiting -= 1
        self._running += 1
        try:
            try:
                job = self.store.start_job(job_id)
                report = await self._execute(job, events)
            except asyncio.CancelledError:
                raise
            except Exception as err:
                message = one_line(err)
                if not isinstance(err, VeracityError):
                    log.exception("veracity server: check %s failed", job_id)
                with contextlib.suppress(Exception):
                    self.store.finish_job(job_id, "failed", error=message)
                events.end("failed", message)
            else:
                try:
                    self.store.finish_job(job_id, "done", result=report_result(report), run_id=report.run_id)
                except Exception as err:  # the store failed under us: say so on the stream
                    log.exception("veracity server: cannot record check %s as done", job_id)
                    events.end("failed", one_line(err))
                else:
                    events.end("done")
            finally:
                self.hub.prune()
        finally:
            self._running -= 1
            self._sem.release()

    def _free_workers(self) -> int:
        """Workers not running a job (jobs already waiting take them first)."""
        return self.workers - self._running
    async def _execute(self, job: Job, events: EventLog) -> Report:
        """The run of ``job``: resumed when it has one, else a new check."""
        request = JobRequest.model_validate(job.request)
        options = request.options
        settings = self.settings
        if options.max_rounds is not None:
            settings = settings.model_copy(update={"max_rounds": options.max_rounds})
        linked = [job.run_id]

        def progress(event: Event) -> None:
            if event.type == "run_started" and event.run_id and event.run_id != linked[0]:
                linked[0] = event.run_id
                self.store.set_job_run(job.id, event.run_id)
            events.publish(event)

        if job.run_id:
            try:
                return await self._resume(job.run_id, settings, progress)
            except RunNotFound:
                log.warning("veracity server: run %s of check %s is gone; starting again", job.run_id, job.id)
        return await self._check(request, settings, progress)

    def _lend(self, names: Sequence[str], *, corpus: bool) -> Shared:
        """What the server lends a run: its store, encoder, model and search settings, its
        corpus when the run searches one, and its provider of each name it built (a name it did
        not build is built for the run alone)."""
        return Shared(
            store=self.store, corpus=self.corpus if corpus else None, embedder=self.embedder, llm=self.llm,
            providers=[self.providers[n] for n in dict.fromkeys(names) if n in self.providers],
            search_settings=self.search_settings,
        )

    async def _resume(self, run_id: str, settings: Settings, progress: Any) -> Report:
        """Finish a stopped run (the model is used only for a run the research agent started:
        a run of the offline judge is finished by that judge); the server's shared corpus is
        used when the run searched a corpus (else it had none)."""
        from veracity.resume import resume_run

        spec = RunSpec.load(self.store.get_run(run_id)["options"])
        tools = self._lend(spec.providers, corpus=bool(spec.corpus))
        return await resume_run(run_id, tools, settings=settings, progress=progress, concurrency=self.concurrency)

    async def _check(self, request: JobRequest, settings: Settings, progress: Any) -> Report:
        """A new run of the request (a URL is read with the run's reader, which has the store's
        fetch cache)."""
        from veracity.pipeline import run_check

        options = request.options
        spec = RunSpec(providers=options.providers, report_lang=None if options.lang == "auto" else options.lang,
                       concurrency=self.concurrency)
        tools = self._lend(options.providers, corpus=options.corpus)
        source: str | InputDocument
        if request.source == "url":
            assert request.url is not None
            source = request.url
        else:
            source = InputDocument.model_validate(request.input)
        return await run_check(source, spec, tools, settings=settings, progress=progress)
