"""The run session: what one run's research shares — searches (de-duplicated across the run,
through the store's search cache), pages read, passages ranked, quotes verified, failures noted
and rows recorded.

Searches go through the store's search cache: a query some run already sent to a provider is
answered from the cache (logged in the run's search log as ``cached``, not counted in
``stats.searches``, no ``query_sent`` event). The local corpus is not cached unless the run
caches (``cache_corpus``): it is searched afresh each run.

Its public surface is what the research loops use (:mod:`veracity.pipeline`'s one pass and
:mod:`veracity.agent.loop`'s rounds): :meth:`RunSession.search`, :meth:`~RunSession.read`,
:meth:`~RunSession.ranked`, :meth:`~RunSession.verify_quotes`, :meth:`~RunSession.note_failure`,
:meth:`~RunSession.found`, :meth:`~RunSession.record`, and :func:`claim_row` / :func:`pick_reads`.
"""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Iterable, Sequence

import numpy as np

from veracity.config import Settings
from veracity.corpus.index import LocalCorpus
from veracity.corpus.passages import split_passages
from veracity.events import Event, ProgressCallback, emit
from veracity.evidence.embed import Embedder
from veracity.evidence.injection import instruction_in
from veracity.evidence.ranking import Hit, HybridIndex
from veracity.evidence.tokenize import tokenize
from veracity.judge.aliases import has_alias_statement
from veracity.judge.base import Judge, Judgement
from veracity.judge.match import extract_facets
from veracity.reader.fetch import Reader
from veracity.search.base import SearchProvider
from veracity.search.coverage import SourceLedger
from veracity.store import Store
from veracity.text import normalize_for_match, quote_in_text
from veracity.types import (
    Claim,
    ClaimReport,
    Coverage,
    Document,
    Evidence,
    Passage,
    RankedPassage,
    SearchResult,
    Source,
    Stats,
    Verdict,
    not_checked_verdict,
)


def claim_row(claim: Claim, verdict: Verdict, evidence: Sequence[Evidence] = ()) -> ClaimReport:
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


class RunSession:
    """State of one run, shared by the per-claim tasks.

    The research loop (:class:`veracity.agent.loop.Agent`) sends each claim's queries to every
    provider through :meth:`search` (identical queries are sent once per run); corpus hits are
    kept as the claim's passages (:meth:`found`), web hits are read (:meth:`read`). Each claim is
    then ranked against its own corpus hits plus every document read in the run — a page found
    for one claim is tested against all of them (:meth:`ranked`) — and judged.
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
        logged: Iterable[tuple[str, str]] = (),
        reuse_fetches: bool = False,
        cache_corpus: bool = False,
        stats: Stats | None = None,
    ) -> None:
        """``logged``: (provider, normalised query) pairs already in this run's search log (a
        resumed run), which are not logged again. ``reuse_fetches``: read a URL from the
        store's fetch cache before asking the reader."""
        self.run_id = run_id
        self.store = store
        # every source's queries, results and errors (the report's coverage), and the circuit
        # breaker that stops calling a provider whose host cannot be reached
        self.sources = SourceLedger(progress=progress, run_id=run_id)
        self.providers = self.sources.guard(providers, corpus=corpus)
        self.corpus = corpus
        self.embedder = embedder
        self.judge = judge
        self.settings = settings
        self.lang = lang
        self.progress = progress
        self.reader = reader
        self.stats = stats if stats is not None else Stats()
        self.documents: dict[str, Document] = {}  # url → document read in this run
        self._passages: dict[str, list[Passage]] = {}  # url → passages of a document read
        self._vectors: dict[str, np.ndarray] = {}  # passage id → embedding, for ranking
        self._tokens: dict[str, list[str]] = {}  # passage id → BM25 tokens, for ranking
        self._pool: tuple[tuple[str, ...], HybridIndex] | None = None  # the last pool ranked
        self._query_vectors: dict[str, np.ndarray] = {}  # claim text → embedding, for ranking
        self._prep_lock = threading.Lock()  # one thread embeds at a time, each passage once
        self._reads: dict[str, asyncio.Task[Document | None]] = {}
        self._queries: dict[tuple[str, str], asyncio.Task[list[SearchResult]]] = {}
        self._found_of: dict[str, list[tuple[Passage, Source]]] = {}
        self._works = [p for p in self.providers if hasattr(p, "works")]
        self.aliases: dict[str, list[str]] = getattr(judge, "aliases", {})
        self._identities: dict[str, asyncio.Task[list[str]]] = {}
        self._failures_of: dict[str, list[str]] = {}
        self._steering: dict[str, str | None] = {}  # source URL → the instruction it carries
        self._alias_statements: dict[str, bool] = {}  # passage id → states another name of a work
        self._logged: set[tuple[str, str]] = set(logged)
        self.reuse_fetches = reuse_fetches
        self.cache_corpus = cache_corpus
        self._cache_names: dict[str, str] = {}

    # --- search, deduplicated across the whole run ---------------------------------------------

    async def search(self, provider: SearchProvider, query: str, claim: Claim) -> list[SearchResult]:
        key = (provider.name, normalize_for_match(query))
        task = self._queries.get(key)
        if task is None:
            task = asyncio.ensure_future(self._send(provider, query, claim))
            self._queries[key] = task
        return await task

    async def _send(self, provider: SearchProvider, query: str, claim: Claim) -> list[SearchResult]:
        """One search: from the store's cache when some run already sent it, else sent.

        A query this run already logged (before it was resumed) is not logged or counted
        again; for the local corpus that means it is searched again, silently (it is local,
        and its results depend on the files, so they are not cached).

        Every answer and failure is counted in ``self.sources`` (a cached answer too); a
        provider whose circuit breaker is open is not asked (nor counted as a search sent)."""
        limit = 2 * self.settings.top_k
        key = (provider.name, normalize_for_match(query))
        first = key not in self._logged
        self._logged.add(key)
        cacheable = provider is not self.corpus or self.cache_corpus
        cache_name = self._cache_name(provider) if cacheable else provider.name
        if cacheable:
            hit = self.store.cached_search(cache_name, query, lang=claim.language, limit=limit)
            if hit is not None:
                if first:
                    self.store.record_search(self.run_id, provider.name, query, len(hit), cached=True)
                self.sources.answered(provider.name, len(hit))
                self.sources.found(hit if provider is self.corpus else ())
                return hit
        self.sources.check(provider.name)  # raises when the provider's breaker is open
        sent = first or cacheable  # a request that really goes out is always logged
        if sent:
            name = provider.name
            emit(self.progress, Event(type="query_sent", run_id=self.run_id, claim_id=claim.id, provider=name, query=query))
            self.stats.searches += 1
        if provider is self.corpus:  # counted here; the other providers count themselves
            results = await self.sources.ask(provider.name, lambda: provider.search(query, limit=limit,
                                                                                     lang=claim.language))
            self.sources.found(results)
        else:
            results = await provider.search(query, limit=limit, lang=claim.language)
        if cacheable:
            self.store.cache_search(cache_name, query, results, lang=claim.language, limit=limit)
        if sent:
            self.store.record_search(self.run_id, provider.name, query, len(results))
        return results

    # --- what the run knows per claim ------------------------------------------------------------

    def note_failure(self, claim_id: str, line: str) -> None:
        """Keep a line on what went wrong researching a claim (shown with an unsettled verdict)."""
        self._failures_of.setdefault(claim_id, []).append(line)

    def failures(self, claim_id: str) -> list[str]:
        """The failure lines noted for a claim, oldest first."""
        return list(self._failures_of.get(claim_id, []))

    def found(self, claim_id: str) -> list[tuple[Passage, Source]]:
        """The corpus passages a claim's searches found (the list itself: callers add to it)."""
        return self._found_of.setdefault(claim_id, [])

    def figures(self) -> Coverage:
        """Put what the run used in its stats — ``documents``: corpus documents found plus pages
        read; ``passages``: their passages ranked — and return the run's coverage."""
        pages = {doc.source.url for doc in self.documents.values()}
        self.stats.documents = len(self.sources.corpus_documents) + len(pages)
        self.stats.passages = len(self.sources.corpus_passages) + sum(len(p) for p in self._passages.values())
        return self.sources.coverage(pages_read=len(pages), pages_failed=len(self.stats.fetch_failures))

    def _cache_name(self, provider: SearchProvider) -> str:
        """The search cache's key for a provider; the local corpus (cached only with
        ``cache_corpus``) is keyed by its fingerprint, so an edited corpus is searched anew."""
        if provider is not self.corpus or self.corpus is None:
            return provider.name
        if provider.name not in self._cache_names:
            self._cache_names[provider.name] = f"{provider.name}@{self.corpus.fingerprint}"
        return self._cache_names[provider.name]

    # --- reading web results -------------------------------------------------------------------

    async def read(self, url: str) -> Document | None:
        task = self._reads.get(url)
        if task is None:
            task = asyncio.ensure_future(self._read(url))
            self._reads[url] = task
        return await task

    async def _read(self, url: str) -> Document | None:
        assert self.reader is not None
        doc = None
        if self.reuse_fetches:
            # the SSRF guard before the store's cache, with the error a fetch would give
            from veracity.reader.fetch import guard_url
            from veracity.reader.safety import URLPolicy

            policy = getattr(self.reader, "policy", None)
            try:
                await guard_url(policy if isinstance(policy, URLPolicy) else URLPolicy(), url)
            except Exception as err:
                self.stats.fetch_failures.append(f"{url}: {err}")
                return None
            doc = self.store.cached_fetch(url)
        if doc is not None:
            self.documents[url] = doc
            self.documents.setdefault(doc.source.url, doc)
            return doc
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

    # --- a work's other titles ------------------------------------------------------------------

    async def other_titles(self, title: str) -> list[str]:
        """The work's other titles (arXiv vs proceedings), from the scholarly providers."""
        key = normalize_for_match(title)
        task = self._identities.get(key)
        if task is None:
            task = asyncio.ensure_future(self._resolve(title))
            self._identities[key] = task
        return await task

    async def _resolve(self, title: str) -> list[str]:
        """Other titles of a work; cached in the store when every scholarly source answered."""
        from veracity.search.identity import resolve_work

        cache_key = "identity:" + ",".join(sorted(p.name for p in self._works))
        cached = self.store.cache_get(cache_key, title)
        if isinstance(cached, list):
            others = [str(t) for t in cached]
        else:
            identity = await resolve_work(title, self._works)  # type: ignore[arg-type]
            others = [t for t in identity.titles if normalize_for_match(t) != normalize_for_match(title)]
            if not identity.errors:
                self.store.cache_put(cache_key, title, others)
        if others:
            self.aliases[title] = others
        return others

    async def alias_queries(self, claim: Claim, failures: list[str]) -> list[str]:
        """The other titles of the works ``claim`` names (anchors of three or more words),
        from the scholarly providers (none without them); a failed look-up goes on
        ``failures``."""
        queries: list[str] = []
        if self._works:
            for title in self._titles_in(claim):
                try:
                    queries += await self.other_titles(title)
                except Exception as err:
                    failures.append(f"identity: {err}")
        return queries

    def _titles_in(self, claim: Claim) -> list[str]:
        """Anchors that look like a work's title: three or more words."""
        return [a for a in extract_facets(claim).anchors if len(a.split()) >= 3]

    # --- ranking ---------------------------------------------------------------------------------

    def _read_passages(self) -> list[tuple[Passage, Source]]:
        """Every passage of every document read in this run. A document is split by the
        corpus's settings (a page gives the same passages read from the web or from a corpus
        file) when it is first used; the passages of every document new since the last call
        are embedded then, in one batch."""
        self._split_new()
        out: list[tuple[Passage, Source]] = []
        for url, doc in list(self.documents.items()):
            if url == doc.source.url:  # not the same document under its requested URL
                out.extend((p, doc.source) for p in self._passages.get(url, []))
        return out

    def _split_new(self, queries: Sequence[str] = ()) -> None:
        """Split the documents read since the last call and embed their passages, with the
        ``queries`` that have no vector yet, in one embedder call."""
        with self._prep_lock:
            fresh: list[Passage] = []
            for url, doc in list(self.documents.items()):
                if url != doc.source.url or url in self._passages:
                    continue
                passages = split_passages(doc, sentences=self.settings.passage_sentences,
                                          max_chars=self.settings.passage_max_chars)
                self._passages[url] = passages
                fresh.extend(passages)
            self._embed_missing(fresh, queries)

    def prepare_queries(self, claims: Sequence[Claim]) -> None:
        """Embed, in one batch, the texts of ``claims`` that have no vector yet, with the
        passages of the pages read since the last ranking (a round's claims are ranked next)."""
        self._split_new([c.text for c in claims if c.text.strip()])

    def query_vector(self, query: str) -> np.ndarray | None:
        """The run's vector of a claim's text, when :meth:`prepare_queries` or a ranking made it."""
        return self._query_vectors.get(query)

    async def ranked(self, claim: Claim) -> list[RankedPassage]:
        """The claim's best passages from one ranking of its corpus hits plus every passage of
        every document read in the run (no per-document cut)."""
        pool = list(self._found_of.get(claim.id, []))
        if self.documents:  # pages read in this run (no thread hop when there are none)
            pool += await asyncio.to_thread(self._read_passages)
        candidates: dict[str, tuple[Passage, Source]] = {}
        for passage, source in pool:
            if self._speaks_to_checker(source.url, passage):
                continue  # a source that instructs the checker is not evidence (whole)
            candidates.setdefault(passage.id, (passage, source))
        # in document order (content hash, offset): the same passages rank the same however found
        chosen = sorted(candidates.values(), key=lambda c: (c[0].id.rpartition(":")[0], c[0].start, c[0].id))
        passages = [p for p, _ in chosen]
        sources = [s for _, s in chosen]
        hits = await asyncio.to_thread(self._rank, claim.text, passages)
        ranked = [
            RankedPassage(passage=passages[h.index], source=sources[h.index], score=h.score,
                          lexical=h.lexical, semantic=h.semantic)
            for h in hits
        ]
        # a source that states another name of a work ("appeared under the title …") goes to
        # the judge whole (its candidate passages, after the ranked ones): the judge links the
        # two names when that source speaks of the claim's work, whatever the ranking kept
        shown = {r.passage.id for r in ranked}
        linking = {src.url for p, src in chosen if self._states_alias(p)}
        for p, src in chosen:
            if p.id not in shown and src.url in linking:
                ranked.append(RankedPassage(passage=p, source=src, score=0.0))
        return ranked

    def _states_alias(self, passage: Passage) -> bool:
        """Whether the passage states another name of a work (looked at once per run)."""
        found = self._alias_statements.get(passage.id)
        if found is None:
            found = self._alias_statements[passage.id] = has_alias_statement(passage.text)
        return found

    def _speaks_to_checker(self, url: str, passage: Passage) -> bool:
        """Whether the source carries text addressed to a checker or a model ("ignore previous
        instructions…"); such a source is left out whole and counted in the run's figures."""
        if url not in self._steering:
            doc = self.document_for(url)
            found = instruction_in(doc.text if doc is not None else passage.text)
            self._steering[url] = found
            if found is not None:
                self.stats.untrusted_sources.append(url)
                emit(self.progress, Event(
                    type="warning", run_id=self.run_id,
                    message=f"left out {url}: it addresses the checker ({found!r})",
                ))
        return self._steering[url] is not None

    def _prepare(self, passages: Sequence[Passage], query: str | None = None) -> np.ndarray | None:
        """Give every passage its vector and BM25 tokens, and ``query`` its vector, once per
        run (see :meth:`_embed_missing`); returns the query's vector."""
        with self._prep_lock:
            self._embed_missing(passages, [query] if query is not None else [])
        return self._query_vectors.get(query) if query is not None else None

    def _embed_missing(self, passages: Sequence[Passage], queries: Sequence[str]) -> None:
        """Vectors and BM25 tokens for the passages and query texts that have none yet:
        corpus passages bring their vector from the corpus index, a query the corpus already
        embedded (it was searched there) brings that one, the rest is embedded in one call.
        The caller holds ``_prep_lock``."""
        missing = list({p.id: p for p in passages if p.id not in self._vectors}.values())
        if self.corpus is not None:
            for p in list(missing):
                vec = self.corpus.vector_of(p.id)
                if vec is not None:
                    self._vectors[p.id] = vec
            missing = [p for p in missing if p.id not in self._vectors]
        wanted = list(dict.fromkeys(q for q in queries if q not in self._query_vectors))
        if self.corpus is not None and self.corpus.embedder is self.embedder and wanted:
            # one call for the texts the corpus has not seen; it remembers them for its searches
            self._query_vectors.update(zip(wanted, self.corpus.query_vectors(wanted), strict=True))
            wanted = []
        texts = [p.index_text for p in missing] + wanted
        if texts:
            fresh = np.asarray(self.embedder.embed(texts), dtype=np.float32)
            for p, vec in zip(missing, fresh[: len(missing)], strict=True):
                self._vectors[p.id] = vec
            for q, vec in zip(wanted, fresh[len(missing):], strict=True):
                self._query_vectors[q] = vec
        for p in passages:
            if p.id not in self._tokens:
                self._tokens[p.id] = tokenize(p.index_text)

    def _rank(self, query: str, passages: list[Passage]) -> list[Hit]:
        """One hybrid ranking (BM25 + embeddings) of ``passages`` for ``query``; the top
        ``settings.top_k``. Only what has no vector yet is embedded, and the index of the last
        pool is kept (claims ranked against the same pages share it)."""
        if not passages or not query.strip():
            return []
        query_vec = self._prepare(passages, query)
        key = tuple(p.id for p in passages)
        pool = self._pool
        if pool is None or pool[0] != key:
            index = HybridIndex(passages, np.stack([self._vectors[p.id] for p in passages]), self.embedder,
                                rrf_k=self.settings.rrf_k, tokens=[self._tokens[p.id] for p in passages])
            pool = self._pool = (key, index)
        return pool[1].search(query, self.settings.top_k, query_vec=query_vec)

    def verify_quotes(self, judgement: Judgement) -> Judgement:
        """Keep only quotes found verbatim in the stored text of the source they cite."""
        self.stats.quotes_dropped += getattr(judgement, "dropped_quotes", 0)
        kept = []
        for ev in judgement.evidence:
            doc = self.document_for(ev.source.url)
            if doc is not None and quote_in_text(ev.quote, doc.text):
                kept.append(ev)
            else:
                self.stats.quotes_dropped += 1
        judgement.evidence = kept
        if judgement.refs:
            from veracity.judge.llm import number_citations

            judgement.verdict.rationale = number_citations(judgement.verdict.rationale, judgement.refs, kept)
        return judgement

    def document_for(self, url: str) -> Document | None:
        if url in self.documents:
            return self.documents[url]
        if self.corpus is not None:
            try:
                return self.corpus.get_document(url)
            except KeyError:
                return None
        return None

    def failed_row(self, claim: Claim, err: BaseException) -> ClaimReport:
        """The row of a claim whose verdict could not be obtained (the model or the research
        failed): ``not_checked`` with the error, never a verdict; resuming the run checks it."""
        reason = " ".join(f"{type(err).__name__}: {err}".split())[:500]
        row = claim_row(claim, not_checked_verdict(reason, self.lang))
        row.status = "not_checked"
        row.error = reason
        return row

    def record(self, claim: Claim, row: ClaimReport) -> None:
        """Store a claim's final row (and the documents its quotes come from); tell the caller."""
        for ev in row.evidence:
            doc = self.document_for(ev.source.url)
            if doc is not None:
                self.store.save_document(doc)
        self.store.save_result(self.run_id, row)
        emit(
            self.progress,
            Event(type="claim_settled", run_id=self.run_id, claim_id=claim.id, label=row.verdict.label.value),
        )


def pick_reads(results: Sequence[SearchResult], n: int) -> list[str]:
    """The ``n`` web hits worth reading: the most authoritative kinds first (primary, scholarly,
    encyclopedia, news, unknown, social), one page per owner before a second from the same one,
    the search engines' order breaking ties."""
    from veracity.evidence.authority import authority_rank, classify, owner

    seen: set[str] = set()
    ranked: list[tuple[int, int, str]] = []
    for order, r in enumerate(results):
        if r.url in seen:
            continue
        seen.add(r.url)
        kind = classify(r.url, title=r.title, provider=r.provider)
        ranked.append((-authority_rank(kind), order, r.url))
    ranked.sort()
    picked: list[str] = []
    owners: set[str] = set()
    for _, _, url in ranked:  # first pass: one page per owner
        if len(picked) < n and owner(url) not in owners:
            owners.add(owner(url))
            picked.append(url)
    for _, _, url in ranked:
        if len(picked) < n and url not in picked:
            picked.append(url)
    return picked

