"""One run, end to end: ingest → checklist → (search → read → rank → judge)* → report.

The store sits beside the line and records every step. Each claim is researched concurrently;
whatever goes wrong while researching one claim ends as that claim's ``unverifiable`` verdict with
the reason in its rationale — a claim never disappears.
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections import Counter
from collections.abc import Sequence
from pathlib import Path

from veracity.checklist.rules import main_subject, split_claims
from veracity.config import Settings
from veracity.corpus.index import LocalCorpus
from veracity.corpus.passages import split_passages
from veracity.errors import FetchError, InputError
from veracity.events import Event, ProgressCallback, emit
from veracity.evidence.embed import Embedder, UseEmbedder
from veracity.evidence.ranking import HybridIndex, rank
from veracity.ingest import read_input
from veracity.judge.base import Judge, Judgement
from veracity.judge.match import EvidenceMatchJudge, extract_facets
from veracity.reader.fetch import Reader
from veracity.search.base import SearchProvider
from veracity.store import Store
from veracity.text import normalize_for_match, quote_in_text
from veracity.types import (
    Claim,
    ClaimReport,
    Document,
    Evidence,
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


def _row(claim: Claim, verdict: Verdict, evidence: Sequence[Evidence] = ()) -> ClaimReport:
    """The report row of a claim."""
    return ClaimReport(
        id=claim.id,
        text=claim.text,
        original=claim.original,
        span=claim.span,
        type=claim.type,
        verdict=verdict,
        evidence=list(evidence),
    )


class Run:
    """State of one run, shared by the per-claim tasks.

    Research has two phases. *Gather*: each claim's queries go to every provider (identical
    queries are sent once per run); corpus hits arrive as passages, web hits are read by the
    reader. *Judge*: each claim is ranked against its own corpus hits plus every document read in
    the run — a page found for one claim is tested against all of them — and judged.
    """

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
        reader: Reader | None = None,
        read_per_query: int = 3,
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
        self.reader = reader
        self.read_per_query = read_per_query
        self.stats = Stats()
        self.documents: dict[str, Document] = {}  # url → document read in this run
        self._doc_index: dict[str, HybridIndex] = {}
        self._reads: dict[str, asyncio.Task[Document | None]] = {}
        self._queries: dict[tuple[str, str], asyncio.Task[list[SearchResult]]] = {}
        self._found: dict[str, list[tuple[Passage, Source]]] = {}
        self._works = [p for p in self.providers if hasattr(p, "works")]
        self.aliases: dict[str, list[str]] = getattr(judge, "aliases", {})
        self._identities: dict[str, asyncio.Task[list[str]]] = {}
        self._failures: dict[str, list[str]] = {}

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
        results = await provider.search(query, limit=2 * self.settings.top_k, lang=claim.language)
        self.store.record_search(self.run_id, provider.name, query, len(results))
        return results

    # --- reading web results -------------------------------------------------------------------

    async def read(self, url: str) -> Document | None:
        task = self._reads.get(url)
        if task is None:
            task = asyncio.ensure_future(self._read(url))
            self._reads[url] = task
        return await task

    async def _read(self, url: str) -> Document | None:
        assert self.reader is not None
        try:
            doc = await self.reader.fetch(url)
        except Exception as err:
            self.stats.fetch_failures.append(f"{url}: {err}")
            return None
        self.stats.fetches += 1
        self.documents[url] = doc
        self.documents.setdefault(doc.source.url, doc)
        self.store.record_fetch(url, doc)  # saves the document; warm and --offline runs reuse it
        emit(self.progress, Event(type="document_read", run_id=self.run_id, url=doc.source.url))
        return doc

    # --- phase 1: gather -----------------------------------------------------------------------

    async def other_titles(self, title: str) -> list[str]:
        """The work's other titles (arXiv vs proceedings), from the scholarly providers."""
        key = normalize_for_match(title)
        task = self._identities.get(key)
        if task is None:
            task = asyncio.ensure_future(self._resolve(title))
            self._identities[key] = task
        return await task

    async def _resolve(self, title: str) -> list[str]:
        from veracity.search.identity import resolve_work

        identity = await resolve_work(title, self._works)  # type: ignore[arg-type]
        others = [t for t in identity.titles if normalize_for_match(t) != normalize_for_match(title)]
        if others:
            self.aliases[title] = others
        return others

    def _titles_in(self, claim: Claim) -> list[str]:
        """Anchors that look like a work's title: three or more words."""
        return [a for a in extract_facets(claim).anchors if len(a.split()) >= 3]

    async def gather(self, claim: Claim) -> None:
        found: list[tuple[Passage, Source]] = []
        failures: list[str] = []
        queries = [claim.text]
        if self._works:
            for title in self._titles_in(claim):
                try:
                    queries += await self.other_titles(title)
                except Exception as err:
                    failures.append(f"identity: {err}")
        for provider, query in [(p, q) for q in queries for p in self.providers]:
            try:
                results = await self.search(provider, query, claim)
            except Exception as err:  # a failing provider is named, never fatal
                failures.append(f"{provider.name}: {err}")
                continue
            to_read: list[str] = []
            for r in results:
                if r.passage is not None and self.corpus is not None and r.provider == self.corpus.name:
                    found.append((r.passage, self.corpus.source_for(r.url)))
                elif self.reader is not None and len(to_read) < self.read_per_query:
                    to_read.append(r.url)
            await asyncio.gather(*(self.read(u) for u in to_read))
        self._found[claim.id] = found
        self._failures[claim.id] = failures

    # --- phase 2: rank and judge ---------------------------------------------------------------

    def _read_passages(self, claim: Claim) -> list[tuple[Passage, Source]]:
        """The best passages of every document read in this run, for this claim."""
        out: list[tuple[Passage, Source]] = []
        for url, doc in list(self.documents.items()):
            if url != doc.source.url:
                continue  # the same document under its requested URL
            index = self._doc_index.get(url)
            if index is None:
                index = HybridIndex.build(split_passages(doc), self.embedder)
                self._doc_index[url] = index
            for hit in index.search(claim.text, k=3):
                out.append((index.passages[hit.index], doc.source))
        return out

    async def research(self, claim: Claim) -> ClaimReport:
        candidates: dict[str, tuple[Passage, Source]] = {}
        pool = self._found.get(claim.id, []) + await asyncio.to_thread(self._read_passages, claim)
        for passage, source in pool:
            candidates.setdefault(passage.id, (passage, source))
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
        failures = self._failures.get(claim.id, [])
        if failures and judgement.verdict.label == Label.UNVERIFIABLE:
            judgement.verdict.rationale += " (" + "; ".join(failures) + ")"
        return _row(claim, judgement.verdict, judgement.evidence[: self.settings.max_evidence])

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

    def _failed_row(self, claim: Claim, err: BaseException) -> ClaimReport:
        reason = f"{type(err).__name__}: {err}"
        rationale = (
            f"核查过程出错,无法核实:{reason}"
            if self.lang == "zh"
            else f"Research failed, so the claim could not be checked: {reason}"
        )
        return _row(claim, Verdict(label=Label.UNVERIFIABLE, confidence=0.0, rationale=rationale))

    async def settle(self, claim: Claim, sem: asyncio.Semaphore) -> ClaimReport:
        async with sem:
            try:
                row = await self.research(claim)
            except Exception as err:  # never lose a claim
                row = self._failed_row(claim, err)
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

    async def gather_all(self, claims: Sequence[Claim], sem: asyncio.Semaphore) -> None:
        async def one(c: Claim) -> None:
            async with sem:
                try:
                    await self.gather(c)
                except Exception as err:  # recorded; the claim is still judged
                    self._failures.setdefault(c.id, []).append(f"{type(err).__name__}: {err}")

        await asyncio.gather(*(one(c) for c in claims))


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
    reader: Reader | None = None,
    embedder: Embedder | None = None,
    progress: ProgressCallback | None = None,
    concurrency: int = 4,
) -> Report:
    """Fact-check ``source`` (a path, ``"-"`` for stdin, or an :class:`InputDocument`).

    ``corpus`` folders are searched offline; ``providers`` adds other search backends whose hits
    ``reader`` reads (web pages and PDFs). A ``source`` that is an http(s) URL is read with
    ``reader`` as the input document. The run is recorded in the store (``db`` or the settings'
    path) and the finished :class:`Report` returned.
    """
    t0 = time.monotonic()
    settings = settings or Settings()
    if isinstance(source, InputDocument):
        doc = source
    elif isinstance(source, str) and source.lower().startswith(("http://", "https://")):
        doc = await read_url_input(source, reader=reader, lang=lang)
    else:
        doc = read_input(source, claims=claims, max_bytes=settings.max_input_bytes, lang=lang)
    checklist = split_claims(doc, max_claims=settings.max_claims)
    out_lang = report_lang if report_lang in ("zh", "en") else doc.language
    if out_lang not in ("zh", "en"):
        out_lang = "en"

    embedder = embedder or UseEmbedder(threads=settings.embed_threads)
    # the corpus folders are checked before the run starts: a missing folder is bad input
    local: LocalCorpus | None = None
    if corpus:
        local = LocalCorpus(
            [Path(c) for c in corpus],
            settings=settings,
            embedder=embedder,
            progress=lambda msg: emit(progress, Event(type="warning", run_id=run_id, message=msg)),
        )
    own_store = store is None
    if store is None:
        store = Store(Path(db) if db else settings.db_path)
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
        if local is not None:
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
            reader=reader,
        )
        if local is not None:
            run.stats.skipped_files = list(local.skipped)
            run.stats.documents = len(local.documents)
            run.stats.passages = local.passage_count
        sem = asyncio.Semaphore(max(1, concurrency))
        await run.gather_all(checklist, sem)
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
        with contextlib.suppress(Exception):
            store.finish_run(run_id, Stats(seconds=round(time.monotonic() - t0, 3)), status="failed", error=str(err))
        raise
    finally:
        if own_store:
            store.close()


async def read_url_input(url: str, *, reader: Reader | None = None, lang: str = "auto") -> InputDocument:
    """Read the page at ``url`` as the input document."""
    from veracity.text import detect_language

    own = reader is None
    reader = reader or Reader()
    try:
        page = await reader.fetch(url)
    except FetchError as err:
        raise InputError(f"cannot read input URL: {err}") from err
    finally:
        if own:
            await reader.aclose()
    if not page.text.strip():
        raise InputError(f"the page at {url} has no readable text")
    language = detect_language(page.text) if lang == "auto" else lang
    fmt = "pdf" if page.pages else "html"
    return InputDocument(
        text=page.text,
        language=language,  # type: ignore[arg-type]
        origin=url,
        format=fmt,  # type: ignore[arg-type]
        title=page.source.title,
    )


def check(source: str | Path | InputDocument, **kwargs: object) -> Report:
    """Synchronous :func:`acheck`."""
    return asyncio.run(acheck(source, **kwargs))  # type: ignore[arg-type]
