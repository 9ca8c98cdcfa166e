"""One run, end to end: ingest → checklist → (search → read → rank → judge)* → report.

The store sits beside the line and records every step. Each claim is researched concurrently;
whatever goes wrong while researching one claim ends as that claim's ``unverifiable`` verdict with
the reason in its rationale — a claim never disappears.
"""

from __future__ import annotations

import asyncio
import time
from collections import Counter
from collections.abc import Sequence
from pathlib import Path

from veracity.checklist.rules import main_subject, split_claims
from veracity.config import Settings
from veracity.corpus.index import LocalCorpus
from veracity.evidence.embed import Embedder, UseEmbedder
from veracity.evidence.ranking import rank
from veracity.events import Event, ProgressCallback, emit
from veracity.ingest import read_input
from veracity.judge.base import Judge, Judgement
from veracity.judge.match import EvidenceMatchJudge, extract_facets
from veracity.search.base import SearchProvider
from veracity.store import Store
from veracity.text import normalize_for_match, quote_in_text
from veracity.types import (
    Claim,
    ClaimReport,
    Document,
    InputDocument,
    Label,
    Passage,
    RankedPassage,
    Report,
    SearchResult,
    Source,
    Stats,
    Verdict,
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


class Run:
    """State of one run: shared by the per-claim tasks."""

    def __init__(
        self,
        *,
        run_id: str,
        store: Store,
        providers: Sequence[SearchProvider],
        corpus: LocalCorpus | None,
        embedder: Embedder,
        judge: Judge,
        settings: Settings,
        lang: str,
        progress: ProgressCallback | None,
    ) -> None:
        self.run_id = run_id
        self.store = store
        self.providers = list(providers)
        self.corpus = corpus
        self.embedder = embedder
        self.judge = judge
        self.settings = settings
        self.lang = lang
        self.progress = progress
        self.stats = Stats()
        self.documents: dict[str, Document] = {}  # url → document read in this run
        self._queries: dict[tuple[str, str], asyncio.Task[list[SearchResult]]] = {}

    # --- search, deduplicated across the whole run ---------------------------------------------

    async def search(self, provider: SearchProvider, query: str, claim: Claim) -> list[SearchResult]:
        key = (provider.name, normalize_for_match(query))
        task = self._queries.get(key)
        if task is None:
            task = asyncio.ensure_future(self._send(provider, query, claim))
            self._queries[key] = task
        return await task

    async def _send(self, provider: SearchProvider, query: str, claim: Claim) -> list[SearchResult]:
        emit(
            self.progress,
            Event(type="query_sent", run_id=self.run_id, claim_id=claim.id, provider=provider.name, query=query),
        )
        self.stats.searches += 1
        results = await provider.search(query, limit=self.settings.top_k, lang=claim.language)
        self.store.record_search(self.run_id, provider.name, query, len(results))
        return results

    # --- one claim -------------------------------------------------------------------------------

    def _source_and_doc(self, result: SearchResult) -> tuple[Source, Document] | None:
        if self.corpus is not None and result.provider == self.corpus.name:
            doc = self.corpus.get_document(result.url)
            return doc.source, doc
        doc = self.documents.get(result.url)
        return (doc.source, doc) if doc else None

    async def research(self, claim: Claim) -> ClaimReport:
        candidates: dict[str, tuple[Passage, Source]] = {}
        failures: list[str] = []
        for provider in self.providers:
            try:
                results = await self.search(provider, claim.text, claim)
            except Exception as err:  # a failing provider is named, never fatal
                failures.append(f"{provider.name}: {err}")
                continue
            for r in results:
                if r.passage is None:
                    continue  # web results need the reader (sources issue)
                sd = self._source_and_doc(r)
                if sd is None:
                    continue
                candidates.setdefault(r.passage.id, (r.passage, sd[0]))
        passages = [p for p, _ in candidates.values()]
        sources = [s for _, s in candidates.values()]
        hits = await asyncio.to_thread(rank, claim.text, passages, self.embedder, self.settings.top_k)
        ranked = [
            RankedPassage(
                passage=passages[h.index],
                source=sources[h.index],
                score=h.score,
                lexical=h.lexical,
                semantic=h.semantic,
            )
            for h in hits
        ]
        judgement = await self.judge.judge(claim, ranked, self.lang)
        judgement = self._verify_quotes(judgement)
        if failures and judgement.verdict.label == Label.UNVERIFIABLE:
            judgement.verdict.rationale += " (" + "; ".join(failures) + ")"
        return ClaimReport(
            id=claim.id,
            text=claim.text,
            original=claim.original,
            span=claim.span,
            type=claim.type,
            verdict=judgement.verdict,
            evidence=judgement.evidence[: self.settings.max_evidence],
        )

    def _verify_quotes(self, judgement: Judgement) -> Judgement:
        """Keep only quotes found verbatim in the stored text of the source they cite."""
        kept = []
        for ev in judgement.evidence:
            doc = self._doc_for_url(ev.source.url)
            if doc is not None and quote_in_text(ev.quote, doc.text):
                kept.append(ev)
            else:
                self.stats.quotes_dropped += 1
        judgement.evidence = kept
        return judgement

    def _doc_for_url(self, url: str) -> Document | None:
        if url in self.documents:
            return self.documents[url]
        if self.corpus is not None:
            try:
                return self.corpus.get_document(url)
            except KeyError:
                return None
        return None

    async def settle(self, claim: Claim, sem: asyncio.Semaphore) -> ClaimReport:
        async with sem:
            try:
                row = await self.research(claim)
            except Exception as err:  # never lose a claim
                row = ClaimReport(
                    id=claim.id,
                    text=claim.text,
                    original=claim.original,
                    span=claim.span,
                    type=claim.type,
                    verdict=Verdict(
                        label=Label.UNVERIFIABLE,
                        confidence=0.0,
                        rationale=(
                            f"核查过程出错,无法核实:{type(err).__name__}: {err}"
                            if self.lang == "zh"
                            else f"Research failed, so the claim could not be checked: {type(err).__name__}: {err}"
                        ),
                    ),
                )
        for ev in row.evidence:
            doc = self._doc_for_url(ev.source.url)
            if doc is not None:
                self.store.save_document(doc)
        self.store.save_result(self.run_id, row)
        emit(
            self.progress,
            Event(type="claim_settled", run_id=self.run_id, claim_id=claim.id, label=row.verdict.label.value),
        )
        return row


async def acheck(
    source: str | Path | InputDocument,
    *,
    corpus: Sequence[str | Path] = (),
    claims: bool = False,
    lang: str = "auto",
    report_lang: str | None = None,
    settings: Settings | None = None,
    store: Store | None = None,
    db: str | Path | None = None,
    judge: Judge | None = None,
    providers: Sequence[SearchProvider] = (),
    embedder: Embedder | None = None,
    progress: ProgressCallback | None = None,
    concurrency: int = 4,
) -> Report:
    """Fact-check ``source`` (a path, ``"-"`` for stdin, or an :class:`InputDocument`).

    ``corpus`` folders are searched offline; ``providers`` adds other search backends. The run is
    recorded in the store (``db`` or the settings' path) and the finished :class:`Report` returned.
    """
    t0 = time.monotonic()
    settings = settings or Settings()
    if isinstance(source, InputDocument):
        doc = source
    else:
        doc = read_input(source, claims=claims, max_bytes=settings.max_input_bytes, lang=lang)
    checklist = split_claims(doc, max_claims=settings.max_claims)
    out_lang = report_lang if report_lang in ("zh", "en") else doc.language
    if out_lang not in ("zh", "en"):
        out_lang = "en"

    own_store = store is None
    if store is None:
        store = Store(Path(db) if db else settings.db_path)
    embedder = embedder or UseEmbedder(threads=settings.embed_threads)
    judge = judge or EvidenceMatchJudge(
        max_evidence=settings.max_evidence,
        subject=main_subject(doc) or infer_subject(checklist),
    )
    run_id = store.new_run_id()
    try:
        store.start_run(
            run_id,
            input=doc.origin,
            title=doc.title,
            language=out_lang,
            judge=judge.name,
            uses_llm=judge.uses_llm,
            options={"corpus": [str(c) for c in corpus], "lang": lang, "claims": claims},
        )
        emit(progress, Event(type="run_started", run_id=run_id, message=doc.origin))
        store.save_claims(run_id, checklist)
        emit(
            progress,
            Event(
                type="claims_ready",
                run_id=run_id,
                claims=[{"id": c.id, "text": c.text} for c in checklist],
            ),
        )
        all_providers: list[SearchProvider] = []
        local: LocalCorpus | None = None
        if corpus:
            local = LocalCorpus(
                [Path(c) for c in corpus],
                settings=settings,
                embedder=embedder,
                progress=lambda msg: emit(progress, Event(type="warning", run_id=run_id, message=msg)),
            )
            await asyncio.to_thread(local.open)
            all_providers.append(local)
            emit(
                progress,
                Event(
                    type="corpus_ready",
                    run_id=run_id,
                    message=f"{len(local.documents)} documents, {len(local.skipped)} skipped",
                ),
            )
        all_providers.extend(providers)
        run = Run(
            run_id=run_id,
            store=store,
            providers=all_providers,
            corpus=local,
            embedder=embedder,
            judge=judge,
            settings=settings,
            lang=out_lang,
            progress=progress,
        )
        if local is not None:
            run.stats.skipped_files = list(local.skipped)
            run.stats.documents = len(local.documents)
            run.stats.passages = local.passage_count
        sem = asyncio.Semaphore(max(1, concurrency))
        rows = await asyncio.gather(*(run.settle(c, sem) for c in checklist))
        run.stats.seconds = round(time.monotonic() - t0, 3)
        report = Report(
            run_id=run_id,
            language=out_lang,  # type: ignore[arg-type]
            judge=judge.name,
            uses_llm=judge.uses_llm,
            input=doc.origin,
            title=doc.title,
            claims=list(rows),
            stats=run.stats,
        )
        store.finish_run(run_id, run.stats)
        emit(progress, Event(type="run_finished", run_id=run_id))
        return report
    except BaseException as err:
        try:
            store.finish_run(run_id, Stats(seconds=round(time.monotonic() - t0, 3)), status="failed", error=str(err))
        except Exception:
            pass
        raise
    finally:
        if own_store:
            store.close()


def check(source: str | Path | InputDocument, **kwargs: object) -> Report:
    """Synchronous :func:`acheck`."""
    return asyncio.run(acheck(source, **kwargs))  # type: ignore[arg-type]
