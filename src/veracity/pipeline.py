"""One run, end to end: ingest → checklist → (search → read → rank → judge)* → report.

The store sits beside the line and records every step. Each claim is researched concurrently;
whatever goes wrong while researching one claim ends as that claim's ``unverifiable`` verdict with
the reason in its rationale — a claim never disappears.

A run's tools come from :class:`veracity.run.tools.Tools`, what its research shares (searches
through the store's search cache, pages, ranking, quote checks) from
:class:`veracity.run.session.RunSession`, and what it stores about itself is a
:class:`veracity.run.spec.RunSpec`. :func:`run_check` is the one entry (a spec says how to
check, a :class:`~veracity.run.tools.Shared` lends what the caller holds); :func:`acheck` and
:func:`check` are its keyword forms. A run that stopped (killed, crashed, failed) is finished by
:func:`veracity.resume.resume_run` from what the store holds: its spec and checklist are in the
store, settled claims are kept, and the searches it had sent come back from the cache.
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections import Counter
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any, Unpack

from veracity.agent.ledger import Budget
from veracity.agent.loop import Agent
from veracity.agent.planner import LLMPlanner, RulePlanner
from veracity.agent.wiring import agent_checklist, bind_llm
from veracity.checklist.rules import main_subject, split_claims
from veracity.config import Settings
from veracity.events import Event, ProgressCallback, checklist_events, emit
from veracity.ingest import read_input
from veracity.judge.base import Judge
from veracity.judge.match import EvidenceMatchJudge, extract_facets
from veracity.llm.base import StructuredLLM
from veracity.run.session import RunSession
from veracity.run.spec import RunKnobs, RunOptions, RunSpec
from veracity.run.tools import Shared, Tools
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


async def run_check(
    source: str | Path | InputDocument, spec: RunSpec, tools: Shared, *, settings: Settings,
    progress: ProgressCallback | None = None,
) -> Report:
    """Fact-check ``source`` (a path, ``"-"`` for stdin, an http(s) URL, or an
    :class:`InputDocument`) as ``spec`` says, with what ``tools`` lends; the one entry the
    CLI, the server, the batch and :func:`acheck` call.

    The run's :class:`~veracity.run.tools.Tools` are built by
    :meth:`~veracity.run.tools.Tools.build` (the corpus folders and provider names are checked
    before the run starts: bad input) and what was built is closed at the end. A URL is read
    with the run's reader (the store's fetch cache, ``spec.allow_hosts`` and ``spec.offline``).
    The spec goes to the store with the run — the input document itself, the corpus folders
    and provider names used, languages, the judge's subject, the settings that shape results,
    and the caller's own entries (the batch's ``batch`` and ``key``) — so that
    :func:`veracity.resume.resume_run` can finish it if it stops.
    """
    t0 = time.monotonic()
    url = isinstance(source, str) and source.lower().startswith(("http://", "https://"))
    doc: InputDocument | None = None
    if isinstance(source, InputDocument):
        doc = source
    elif not url:
        doc = read_input(source, claims=spec.claims, max_bytes=settings.max_input_bytes, lang=spec.lang)
    run_id: str | None = None
    built = await Tools.build(settings, spec, tools, want_model=tools.judge is None, url_input=doc is None,
                              progress=progress, run_id=lambda: run_id)
    async with built:
        if doc is None:
            doc = await read_url_input(str(source), reader=built.reader, lang=spec.lang)
        # the rule-based checklist: the whole checklist without a model, the subject's hint with
        # one (in a thread: a long document takes seconds, which must not stop a server's loop)
        checklist = await asyncio.to_thread(split_claims, doc, max_claims=settings.max_claims)
        out_lang = spec.report_lang if spec.report_lang in ("zh", "en") else doc.language
        if out_lang not in ("zh", "en"):
            out_lang = "en"
        subject = main_subject(doc) or infer_subject(checklist)
        if built.llm is None:
            built.judge = built.judge or EvidenceMatchJudge(max_evidence=settings.max_evidence, subject=subject)
        judge_name = built.judge.name if built.judge is not None else "llm"
        recorded = RunSpec.model_validate({
            **spec.model_dump(), "input": doc, "providers": [p.name for p in built.providers],
            "corpus": [str(d) for d in built.corpus.dirs] if built.corpus is not None else [],
            "subject": getattr(built.judge, "subject", subject), "agent": built.llm is not None,
            "settings": RunKnobs.of(settings),
        })
        run_id = built.store.new_run_id()
        return await _check_run(run_id, doc, checklist, recorded, built, settings=settings, out_lang=out_lang,
                                judge_name=judge_name, progress=progress, t0=t0)


async def acheck(
    source: str | Path | InputDocument, spec: RunSpec | None = None, *, tools: Shared | None = None,
    settings: Settings | None = None, progress: ProgressCallback | None = None, **options: Unpack[RunOptions],
) -> Report:
    """Fact-check ``source`` (a path, ``"-"`` for stdin, an http(s) URL, or an
    :class:`InputDocument`) and return the finished :class:`Report` (:func:`run_check` with
    defaults).

    How: ``spec`` and/or the keywords of :class:`~veracity.run.spec.RunOptions` — ``corpus``
    (folders searched offline), ``providers`` (names from :mod:`veracity.search.registry`:
    ``"wikipedia"``, ``"searxng"``…, built here and closed at the end), ``claims`` (the input
    is a list of claims), ``lang``, ``report_lang``, ``concurrency``, ``cache`` (answer LLM
    calls and corpus searches from the store's caches when an identical request was answered
    before: a warm re-run sends nothing), ``offline`` (pages only from the fetch cache) and
    ``allow_hosts`` (the SSRF guard's allow-list); another keyword raises :class:`TypeError`.
    With what: ``tools``, a :class:`~veracity.run.tools.Shared` lending what the caller holds
    (store, opened corpus, provider objects, reader, embedder, model, judge, search settings).
    The run is recorded in the store (``settings.db_path`` unless a store is lent).

    With a language model — lent, or the client the settings describe
    (``VERACITY_LLM_BASE_URL``) when no judge is lent — the research agent runs: an LLM
    checklist, rounds of plan → search → read → judge with a budget, and the LLM judge
    (:mod:`veracity.agent.loop`). Without one, each claim is searched once and judged by the
    offline evidence-match judge.
    """
    return await run_check(source, RunSpec.given(spec, **options), tools or Shared(),
                           settings=settings or Settings(), progress=progress)


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
            checklist = await agent_checklist(doc, bound, settings=settings, progress=progress, run_id=run_id,
                                              rule_claims=checklist)
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


def check(
    source: str | Path | InputDocument, spec: RunSpec | None = None, *, tools: Shared | None = None,
    settings: Settings | None = None, progress: ProgressCallback | None = None, **options: Unpack[RunOptions],
) -> Report:
    """Synchronous :func:`acheck`."""
    return asyncio.run(acheck(source, spec, tools=tools, settings=settings, progress=progress, **options))
