"""Finishing a run that stopped before its end (killed, crashed, failed): :func:`resume_run`
(:func:`aresume` and :func:`resume` are its keyword forms).

Everything comes from the store — the input, options and checklist recorded when the run
started, the verdicts already given, the searches already answered and the pages already read —
so a resumed run sends nothing twice and ends with the report a clean run gives.
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from dataclasses import replace
from typing import Any

from veracity.agent.wiring import agent_checklist
from veracity.checklist.rules import split_claims
from veracity.config import Settings
from veracity.errors import ConfigError, InputError
from veracity.events import Event, ProgressCallback, checklist_events, emit
from veracity.judge.match import EvidenceMatchJudge
from veracity.pipeline import finish_status, new_run, research, setup_research
from veracity.run.session import RunSession
from veracity.run.spec import RunSpec
from veracity.run.tools import Shared, Tools
from veracity.search.coverage import merge_coverage
from veracity.store import Store
from veracity.text import normalize_for_match
from veracity.types import Coverage, InputDocument, Report, Stats


def _merged_stats(before: Stats, now: Stats, *, searches: int, elapsed: float) -> Stats:
    """The statistics of a resumed run: what the earlier attempt recorded (a failed run keeps
    its figures; a killed one has none) plus this attempt's work. ``searches`` is taken from
    the run's search log, which both attempts wrote as they went."""
    summed = ("llm_calls", "prompt_tokens", "completion_tokens", "fetches", "quotes_dropped", "fetch_failures",
              "cost_usd", "llm_cached")
    update: dict[str, Any] = {k: getattr(before, k) + getattr(now, k) for k in summed}
    # what the run used: the resumed attempt asks again (through the caches) what the earlier
    # one asked, but not the corpus for settled claims, so the larger of the two
    for k in ("documents", "passages"):
        update[k] = max(getattr(now, k), getattr(before, k))
    update["skipped_files"] = now.skipped_files or before.skipped_files  # the corpus as opened now
    return now.model_copy(update={**update, "searches": searches, "seconds": round(elapsed, 3)})


def _save_coverage(store: Store, run_id: str, earlier: Coverage | None, run: RunSession | None) -> None:
    """Keep the resumed run's coverage: the earlier attempt's merged with this one's (whose
    figures also go into ``run.stats``)."""
    merged = merge_coverage(earlier, run.figures() if run is not None else None)
    if merged is not None:
        store.save_coverage(run_id, merged)


async def resume_run(
    run_id: str, tools: Shared, *, settings: Settings, progress: ProgressCallback | None = None,
    concurrency: int | None = None,
) -> Report:
    """Finish a run that stopped before its end (killed, crashed or failed) with what ``tools``
    lends, and return its report; the one entry the CLI, the server, the batch and
    :func:`aresume` call.

    Everything comes from the store (the lent one, else ``settings.db_path``): the input
    document, the run's :class:`~veracity.run.spec.RunSpec` and checklist recorded at the
    start; claims that already have a verdict are kept as they are, the others are researched
    and judged. Every claim is searched again so that the documents the run read are all back
    in the pool each claim is ranked against — but searches come from the search cache and
    pages from the fetch cache, so nothing already sent goes out again (the corpus is skipped
    for settled claims). A run that is already ``done`` is returned unchanged.

    The run's tools are built by :meth:`~veracity.run.tools.Tools.build` from its spec: a lent
    corpus is searched instead of opening the recorded folders anew (a server or batch shares
    one between runs; it should index the same folders); lent providers are searched, and the
    recorded names none of them has are built (with the lent ``search_settings``) with a reader
    honouring the recorded ``offline`` and ``allow_hosts``. The judge defaults to the
    evidence-match judge with the recorded subject; a run decided by another judge needs that
    judge lent. Raises :class:`RunNotFound` for an unknown id and :class:`InputError` for a run
    recorded without its input.

    A run of the research agent is finished by the agent: the lent model or the client the
    settings describe (:class:`ConfigError` when there is none); its pending claims start again
    from round one with a fresh budget, their searches answered from the cache. A lent model
    is not used for a run researched without one. ``concurrency``: claims at once (default:
    the recorded value).
    """
    t0 = time.monotonic()
    store = tools.store if tools.store is not None else Store(settings.db_path)
    try:
        info = store.get_run(run_id)
        if info["status"] == "done":
            return store.load_report(run_id)
        spec = RunSpec.load(info["options"])
        doc = spec.document(run_id)
        settings = spec.settings.apply(settings)
        judge = tools.judge
        if not spec.agent:
            judge = judge or EvidenceMatchJudge(max_evidence=settings.max_evidence, subject=spec.subject)
        if judge is not None and judge.name != info["judge"]:
            raise InputError(
                f"run {run_id} was judged by {info['judge']!r}; resume it with that judge,"
                f" not {judge.name!r}"
            )
        given = replace(tools, store=store, judge=judge, llm=tools.llm if spec.agent else None)
        built = await Tools.build(settings, spec, given, want_model=spec.agent, progress=progress,
                                  run_id=lambda: run_id)
        async with built:
            if spec.agent and built.llm is None:
                raise ConfigError(
                    f"run {run_id} was researched by the LLM agent; set VERACITY_LLM_BASE_URL"
                    " (and the model settings) to resume it"
                )
            return await _finish(run_id, info, doc, spec, built, settings=settings, progress=progress,
                                 concurrency=concurrency, t0=t0)
    finally:
        if tools.store is None:
            store.close()


async def aresume(
    run_id: str, *, tools: Shared | None = None, settings: Settings | None = None,
    progress: ProgressCallback | None = None, concurrency: int | None = None,
) -> Report:
    """Finish a run that stopped before its end and return its report (:func:`resume_run` with
    defaults: nothing lent, the environment's settings)."""
    return await resume_run(run_id, tools or Shared(), settings=settings or Settings(), progress=progress,
                            concurrency=concurrency)


async def _finish(
    run_id: str, info: dict[str, Any], doc: InputDocument, spec: RunSpec, tools: Tools, *, settings: Settings,
    progress: ProgressCallback | None, concurrency: int | None, t0: float,
) -> Report:
    """Reopen the run, research its unsettled claims and close it (``failed`` when something
    stops it again)."""
    store = tools.store
    out_lang = "zh" if info["language"] == "zh" else "en"
    checklist = store.load_claims(run_id)
    settled = store.settled_claims(run_id)
    before = Stats.model_validate(info["stats"]) if info["stats"] else Stats()
    earlier = store.load_coverage(run_id)
    store.reopen_run(run_id)
    run: RunSession | None = None
    try:
        usage, budget, bound, judge = setup_research(
            tools.llm, tools.judge, store=store, run_id=run_id, settings=settings, progress=progress,
            cache=spec.cache, subject=spec.subject,
        )
        if not checklist:  # stopped between recording the run and its checklist
            if bound is not None:
                checklist = await agent_checklist(doc, bound, settings=settings, progress=progress, run_id=run_id)
            else:
                checklist = split_claims(doc, max_claims=settings.max_claims)
            store.save_claims(run_id, checklist)
        emit(progress, Event(type="run_started", run_id=run_id, message=f"resuming {doc.origin}"))
        for event in checklist_events(run_id, checklist, settled):
            emit(progress, event)
        run = new_run(
            run_id, tools, judge=judge, settings=settings, lang=out_lang, progress=progress, stats=usage,
            cache=spec.cache, reuse_fetches=True,
            logged=[(s["provider"], normalize_for_match(s["query"])) for s in store.searches(run_id)],
        )
        await tools.prepare(run_id, run.stats, progress)
        sem = asyncio.Semaphore(max(1, concurrency or spec.concurrency or 4))
        await research(run, checklist, sem, bound=bound, budget=budget, settled=settled)
        _save_coverage(store, run_id, earlier, run)
        sent = sum(1 for s in store.searches(run_id) if not s["cached"])
        elapsed = before.seconds + time.monotonic() - t0
        stats = _merged_stats(before, run.stats, searches=sent, elapsed=elapsed)
        report = store.load_report(run_id)
        store.finish_run(run_id, stats, **finish_status(report.claims))
        emit(progress, Event(type="run_finished", run_id=run_id))
        return store.load_report(run_id)
    except BaseException as err:
        with contextlib.suppress(Exception):
            _save_coverage(store, run_id, earlier, run)
        now = run.stats if run is not None else Stats()
        elapsed = before.seconds + time.monotonic() - t0
        stats = _merged_stats(before, now, searches=now.searches, elapsed=elapsed)
        with contextlib.suppress(Exception):
            store.finish_run(run_id, stats, status="failed", error=str(err) or type(err).__name__)
        raise


def resume(
    run_id: str, *, tools: Shared | None = None, settings: Settings | None = None,
    progress: ProgressCallback | None = None, concurrency: int | None = None,
) -> Report:
    """Synchronous :func:`aresume`."""
    return asyncio.run(aresume(run_id, tools=tools, settings=settings, progress=progress, concurrency=concurrency))
