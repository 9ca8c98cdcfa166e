"""One run, end to end: ingest → checklist → (search → read → rank → judge)* → report.

The store sits beside the line and records every step. Each claim is researched concurrently;
whatever goes wrong while researching one claim ends as that claim's ``unverifiable`` verdict with
the reason in its rationale — a claim never disappears.

A run's tools come from :class:`veracity.run.tools.Tools`, what its research shares (searches
through the store's search cache, pages, ranking, quote checks) from
:class:`veracity.run.session.RunSession`, and what it stores about itself is a
:class:`veracity.run.spec.RunSpec`. A run that stopped (killed, crashed, failed) is finished by
:func:`veracity.resume.aresume` from what the store holds: its spec and checklist are in the
store, settled claims are kept, and the searches it had sent come back from the cache.
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

from veracity.agent.ledger import Budget
from veracity.agent.loop import Agent
from veracity.agent.planner import LLMPlanner, RulePlanner
from veracity.agent.wiring import agent_checklist, bind_llm
from veracity.checklist.rules import main_subject, split_claims
from veracity.config import Settings
from veracity.corpus.index import LocalCorpus
from veracity.events import Event, ProgressCallback, checklist_events, emit
from veracity.evidence.embed import Embedder
from veracity.ingest import read_input
from veracity.judge.base import Judge
from veracity.judge.match import EvidenceMatchJudge, extract_facets
from veracity.llm.base import StructuredLLM
from veracity.reader.fetch import Reader
from veracity.run.session import RunSession
from veracity.run.spec import RunKnobs, RunSpec
from veracity.run.tools import Tools
from veracity.search.base import SearchProvider
from veracity.search.settings import SearchSettings
from veracity.sources import read_url_input
from veracity.store import Store
from veracity.types import (
    Claim,
    ClaimReport,
    InputDocument,
    Report,
    Stats,
)


def infer_subject(claims: Sequence[Claim]) -> str | None:
    """The name most claims are about (e.g. "Jack Rae"), if one stands out."""
    counts: Counter[str] = Counter()
    for c in claims:
        for a in set(extract_facets(c).anchors):
            if len(a.split()) >= 2 or len(a) >= 4:
                counts[a] += 1
    if not counts:
        return None
    name, n = counts.most_common(1)[0]
    return name if n >= max(2, len(claims) * 0.4) else None




def setup_research(
    llm: StructuredLLM | None, judge: Judge | None, *, store: Store, run_id: str, settings: Settings,
    progress: ProgressCallback | None, cache: bool, subject: str | None,
) -> tuple[Stats, Budget, StructuredLLM | None, Judge]:
    """A run's statistics, budget, its binding of ``llm`` (None without a model) and its judge
    (the LLM judge on that binding unless ``judge`` is given)."""
    usage, budget = Stats(), Budget(settings)
    if llm is None:
        assert judge is not None
        return usage, budget, None, judge
    bound = bind_llm(llm, store=store, run_id=run_id, stats=usage, budget=budget, progress=progress, cache=cache)
    if judge is None:
        from veracity.judge.llm import LLMJudge

        judge = LLMJudge(bound, max_evidence=settings.max_evidence, subject=subject)
    return usage, budget, bound, judge


def new_run(
    run_id: str, tools: Tools, *, judge: Judge, settings: Settings, lang: str, progress: ProgressCallback | None,
    stats: Stats, cache: bool, **extra: Any,
) -> RunSession:
    """The :class:`RunSession` of a check or a resume on ``tools`` (``extra``: resume's own arguments)."""
    local = tools.corpus
    return RunSession(
        run_id=run_id, store=tools.store, providers=([local] if local is not None else []) + tools.providers,
        corpus=local, embedder=tools.embedder, judge=judge, settings=settings, lang=lang, progress=progress,
        reader=tools.reader, cache_corpus=cache, stats=stats, **extra,
    )


async def research(
    run: RunSession, claims: Sequence[Claim], sem: asyncio.Semaphore, *, bound: StructuredLLM | None,
    budget: Budget, settled: Iterable[str] = (),
) -> list[ClaimReport]:
    """Research and judge the claims not in ``settled`` with the one research loop
    (:class:`~veracity.agent.loop.Agent`): with a model, its rounds with the LLM planner; without,
    the offline pass — one round with the rule planner (the claim and its work's other titles)
    and the evidence-match judge. Settled claims (a resumed run) are searched again, skipping
    the corpus, so that the pages they read are back in the pool."""
    done = set(settled)
    todo = [c for c in claims if c.id not in done]
    if bound is not None:
        agent = Agent(run, planner=LLMPlanner(bound), budget=budget)
    else:
        agent = Agent(run, planner=RulePlanner(), budget=budget.one_round(), offline=True)
        await agent.regather([c for c in claims if c.id in done], sem)
    return await agent.research_all(todo, sem)


async def acheck(
    source: str | Path | InputDocument,
    *,
    corpus: Sequence[str | Path] | LocalCorpus = (),
    claims: bool = False,
    lang: str = "auto",
    report_lang: str | None = None,
    settings: Settings | None = None,
    store: Store | None = None,
    db: str | Path | None = None,
    judge: Judge | None = None,
    providers: Sequence[SearchProvider | str] = (),
    reader: Reader | None = None,
    embedder: Embedder | None = None,
    progress: ProgressCallback | None = None,
    concurrency: int = 4,
    options: Mapping[str, Any] | None = None,
    llm: StructuredLLM | None = None,
    cache: bool = False,
    offline: bool = False,
    allow_hosts: Sequence[str] = (),
    search_settings: SearchSettings | None = None,
) -> Report:
    """Fact-check ``source`` (a path, ``"-"`` for stdin, or an :class:`InputDocument`).

    With a language model — ``llm``, or the client the settings describe
    (``VERACITY_LLM_BASE_URL``) when no ``judge`` is given — the research agent runs: an LLM
    checklist, rounds of plan → search → read → judge with a budget, and the LLM judge
    (:mod:`veracity.agent.loop`). Without one, each claim is searched once and judged by the
    offline evidence-match judge. ``cache``: answer LLM calls and corpus searches from the
    store's caches when an identical request was answered before (a warm re-run sends nothing).

    ``corpus`` folders are searched offline; ``providers`` adds other search backends whose hits
    ``reader`` reads (web pages and PDFs): provider objects, or names from
    :mod:`veracity.search.registry` (``"wikipedia"``, ``"searxng"``…), which are built here with
    ``search_settings`` (default: the environment's, read once) and closed at the end. When
    providers are given and ``reader`` is not, a reader is built with the store's fetch cache,
    ``allow_hosts`` (the SSRF guard's allow-list) and ``offline`` (pages only from the cache).
    A ``source`` that is an http(s) URL is read with ``reader`` as the input document. The run
    is recorded in the store (``db`` or the settings' path) and the finished :class:`Report`
    returned. The tools are built by :meth:`veracity.run.tools.Tools.build`.

    The run's :class:`~veracity.run.spec.RunSpec` goes to the store with it — the input document
    itself, the corpus folders, languages, the judge's subject, the provider names and the
    settings that shape results — so that :func:`aresume` can finish it if it stops. ``options``
    adds caller entries (the batch records its name and the document's key; ``providers``,
    ``offline`` and ``allow_hosts`` there override what is recorded).
    """
    t0 = time.monotonic()
    settings = settings or Settings()
    if isinstance(source, InputDocument):
        doc = source
    elif isinstance(source, str) and source.lower().startswith(("http://", "https://")):
        doc = await read_url_input(source, reader=reader, lang=lang)
    else:
        doc = read_input(source, claims=claims, max_bytes=settings.max_input_bytes, lang=lang)
    run_id: str | None = None
    # the corpus folders and provider names are checked before the run starts (bad input)
    tools = await Tools.build(
        settings=settings, store=store, db=db, corpus=corpus, providers=providers, reader=reader,
        embedder=embedder, llm=llm, judge=judge, want_model=judge is None, offline=offline,
        allow_hosts=allow_hosts, search_settings=search_settings, progress=progress, run_id=lambda: run_id,
    )
    async with tools:
        # the rule-based checklist: the whole checklist without a model, the subject's hint with
        # one (in a thread: a long document takes seconds, which must not stop a server's loop)
        checklist = await asyncio.to_thread(split_claims, doc, max_claims=settings.max_claims)
        out_lang = report_lang if report_lang in ("zh", "en") else doc.language
        if out_lang not in ("zh", "en"):
            out_lang = "en"
        subject = main_subject(doc) or infer_subject(checklist)
        if tools.llm is None:
            tools.judge = tools.judge or EvidenceMatchJudge(max_evidence=settings.max_evidence, subject=subject)
        judge_name = tools.judge.name if tools.judge is not None else "llm"
        spec = RunSpec.model_validate({
            "providers": [p.name for p in tools.providers], "offline": offline, "allow_hosts": list(allow_hosts),
            **(dict(options) if options else {}),
            "input": doc, "corpus": [str(d) for d in tools.corpus.dirs] if tools.corpus is not None else [],
            "lang": lang, "report_lang": report_lang, "claims": claims,
            "subject": getattr(tools.judge, "subject", subject), "concurrency": concurrency,
            "agent": tools.llm is not None, "cache": cache, "settings": RunKnobs.of(settings),
        })
        run_id = tools.store.new_run_id()
        return await _check_run(run_id, doc, checklist, spec, tools, settings=settings, out_lang=out_lang,
                                judge_name=judge_name, progress=progress, t0=t0)


async def _check_run(
    run_id: str, doc: InputDocument, checklist: list[Claim], spec: RunSpec, tools: Tools, *, settings: Settings,
    out_lang: str, judge_name: str, progress: ProgressCallback | None, t0: float,
) -> Report:
    """Record the run, research its checklist and record the report (the run ``failed`` when
    something stops it)."""
    store = tools.store
    run: RunSession | None = None
    try:
        store.start_run(
            run_id, input=doc.origin, title=doc.title, language=out_lang, judge=judge_name,
            uses_llm=tools.judge.uses_llm if tools.judge is not None else True, options=spec.record(),
        )
        emit(progress, Event(type="run_started", run_id=run_id, message=doc.origin))
        usage, budget, bound, judge = setup_research(
            tools.llm, tools.judge, store=store, run_id=run_id, settings=settings, progress=progress,
            cache=spec.cache, subject=spec.subject,
        )
        if bound is not None:
            checklist = await agent_checklist(doc, bound, settings=settings, progress=progress, run_id=run_id)
        store.save_claims(run_id, checklist)
        for event in checklist_events(run_id, checklist, {}):  # the claims, none settled yet
            emit(progress, event)
        run = new_run(run_id, tools, judge=judge, settings=settings, lang=out_lang, progress=progress, stats=usage,
                      cache=spec.cache)
        await tools.prepare(run_id, run.stats, progress)
        sem = asyncio.Semaphore(max(1, spec.concurrency))
        rows = await research(run, checklist, sem, bound=bound, budget=budget)
        run.stats.seconds = round(time.monotonic() - t0, 3)
        coverage = run.figures()
        store.save_coverage(run_id, coverage)
        report = Report(
            run_id=run_id,
            language=out_lang,  # type: ignore[arg-type]
            judge=judge_name,
            uses_llm=judge.uses_llm,
            input=doc.origin,
            title=doc.title,
            claims=list(rows),
            stats=run.stats,
            coverage=coverage,
        )
        store.finish_run(run_id, run.stats, **finish_status(report.claims))
        emit(progress, Event(type="run_finished", run_id=run_id))
        return report
    except BaseException as err:
        stats = run.stats if run is not None else Stats()
        stats.seconds = round(time.monotonic() - t0, 3)
        if run is not None:  # what the run had asked and read when it failed
            with contextlib.suppress(Exception):
                store.save_coverage(run_id, run.figures())
        with contextlib.suppress(Exception):
            store.finish_run(run_id, stats, status="failed", error=str(err) or type(err).__name__)
        raise


def finish_status(rows: Sequence[ClaimReport]) -> dict[str, Any]:
    """How a run that reached its end is closed: ``done``, or ``incomplete`` with an error
    saying how many claims could not be checked and the first reason."""
    failed = [r for r in rows if r.status == "not_checked"]
    if not failed:
        return {"status": "done"}
    n = len(failed)
    what = "claim" if len(rows) == 1 else "claims"
    return {"status": "incomplete", "error": f"{n} of {len(rows)} {what} not checked: {failed[0].error}"}


def check(source: str | Path | InputDocument, **kwargs: object) -> Report:
    """Synchronous :func:`acheck`."""
    return asyncio.run(acheck(source, **kwargs))  # type: ignore[arg-type]
