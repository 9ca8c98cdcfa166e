"""What a run asked of each search source, and the run's circuit breaker.

* :class:`SourceLedger` — one per run. For every source (the local corpus included) it counts
  the queries asked, the results they returned and the errors, and keeps the first error as
  one line; :meth:`SourceLedger.coverage` turns that into the report's
  :class:`~veracity.types.Coverage`. A search answered from the store's cache counts as a
  query with its results.
* The circuit breaker lives in the same ledger: a provider whose host cannot be reached
  (:class:`~veracity.errors.ProviderUnreachable`: DNS failure, refused, unreachable network,
  TLS failure, connect timeout) ``threshold`` times in a row (3) is *open* for the rest of the
  run — it is not called again, searches and identity look-ups alike, and its coverage status
  is ``failed``. Any answer, or any other error (an HTTP 4xx or 5xx: the host was reached),
  resets the count. When a breaker opens the ledger says so once, as a ``warning`` progress
  event naming the provider (stderr, the web page).
* :class:`GuardedProvider` — wraps a provider so that ``search`` / ``works`` / ``authors`` go
  through the ledger: refused at once when the breaker is open, counted otherwise.
* :func:`failure_line` — ``"name: message"`` without doubling a prefix the message has already.
* :func:`merge_coverage` — the coverage of a resumed run from its two attempts.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass
from typing import Any

from veracity.errors import ProviderUnreachable, one_line
from veracity.events import Event, ProgressCallback, emit
from veracity.search.base import SearchProvider
from veracity.search.registry import provider_kind
from veracity.types import Coverage, SearchResult, SourceCoverage

BREAKER_THRESHOLD = 3
"""Consecutive connection failures after which a provider is not called again in the run."""

KINDS = ("corpus", "web", "scholarly", "reference")


def failure_line(name: str, err: BaseException | str) -> str:
    """``"name: message"`` on one line; a message that already starts with ``name:`` (every
    provider's own errors do) is not prefixed again."""
    text = one_line(err, 300)
    return text if text.startswith(f"{name}:") else f"{name}: {text}"


def source_kind(provider: object, *, corpus: object | None = None) -> str:
    """``corpus`` for the local corpus, else the provider's own ``kind`` or the registry's
    (``web`` for a provider the registry does not know)."""
    if corpus is not None and provider is corpus:
        return "corpus"
    kind = getattr(provider, "kind", None)
    if isinstance(kind, str) and kind in KINDS:
        return kind
    return provider_kind(str(getattr(provider, "name", ""))) or "web"


@dataclass
class _Tally:
    kind: str
    queries: int = 0
    results: int = 0
    errors: int = 0
    error: str | None = None
    streak: int = 0  # connection failures in a row
    open: bool = False  # the breaker: not called again in this run
    opened: asyncio.Event | None = None  # set when the breaker opens: calls in flight give up

    def status(self) -> str:
        if self.open or (self.queries and self.errors >= self.queries):
            return "failed"
        return "degraded" if self.errors else "ok"


class SourceLedger:
    """Per-run record of every search source, and the run's circuit breaker (see the module)."""

    def __init__(
        self, *, threshold: int = BREAKER_THRESHOLD, progress: ProgressCallback | None = None,
        run_id: str | None = None,
    ) -> None:
        self.threshold = max(1, threshold)
        self.progress = progress
        self.run_id = run_id
        self._tallies: dict[str, _Tally] = {}
        self.corpus_documents: set[str] = set()  # corpus documents whose passages were found
        self.corpus_passages: set[str] = set()

    def guard(self, providers: Iterable[SearchProvider], *, corpus: object | None = None) -> list[SearchProvider]:
        """Add every provider as a source of the run; each but the corpus comes back behind a
        :class:`GuardedProvider` (the corpus is counted by :meth:`ask`)."""
        out: list[SearchProvider] = []
        for p in providers:
            self.add(p.name, source_kind(p, corpus=corpus))
            out.append(p if p is corpus else GuardedProvider(p, self))
        return out

    def add(self, name: str, kind: str) -> None:
        """Name a source of the run (coverage lists the sources in the order added)."""
        self._tallies.setdefault(name, _Tally(kind=kind if kind in KINDS else "web"))

    def _tally(self, name: str) -> _Tally:
        if name not in self._tallies:
            self.add(name, "web")
        return self._tallies[name]

    def answered(self, name: str, results: int) -> None:
        """A query of ``name`` answered with ``results`` results (from the cache or sent)."""
        tally = self._tally(name)
        tally.queries += 1
        tally.results += max(0, results)
        tally.streak = 0

    def failed(self, name: str, err: BaseException | str) -> None:
        """A query of ``name`` failed; a connection failure counts towards the breaker."""
        tally = self._tally(name)
        tally.queries += 1
        tally.errors += 1
        line = failure_line(name, err)
        if tally.error is None:
            tally.error = line
        if not isinstance(err, ProviderUnreachable):
            tally.streak = 0
            return
        tally.streak += 1
        if tally.streak >= self.threshold and not tally.open:
            tally.open = True
            tally.error = line  # the error that opened the breaker is the one to show
            if tally.opened is not None:
                tally.opened.set()
            emit(self.progress, Event(
                type="warning", run_id=self.run_id, provider=name,
                message=f"{name} is unreachable and is not asked again in this run ({line})",
            ))

    async def ask(self, name: str, call: Callable[[], Awaitable[Any]]) -> Any:
        """``await call()`` for source ``name``, counted: refused at once (not counted) when
        its breaker is open, and given up (not counted) when the breaker opens while the call
        waits (for its rate-limit slot, a retry, an answer); an answer that is a list counts
        its items as results."""
        self.check(name)
        tally = self._tally(name)
        if tally.opened is None:
            tally.opened = asyncio.Event()
        work = asyncio.ensure_future(call())
        stop = asyncio.ensure_future(tally.opened.wait())
        try:
            await asyncio.wait((work, stop), return_when=asyncio.FIRST_COMPLETED)
        finally:
            stop.cancel()
            given_up = not work.done()
            if given_up:
                work.cancel()
        if given_up:
            self.check(name)  # the breaker opened meanwhile: ProviderUnreachable
            raise asyncio.CancelledError  # not reached: only an open breaker stops a call
        try:
            out = work.result()
        except Exception as err:
            self.failed(name, err)
            raise
        self.answered(name, len(out) if isinstance(out, list) else 0)
        return out

    def found(self, results: Iterable[SearchResult]) -> None:
        """Note the corpus passages among ``results`` (they are ranked for the claim that
        searched): the run's corpus documents used, and its documents and passages."""
        for r in results:
            if r.passage is not None:
                self.corpus_documents.add(r.url)
                self.corpus_passages.add(r.passage.id)

    def is_open(self, name: str) -> bool:
        """Whether ``name``'s breaker is open (it is not to be called again in this run)."""
        tally = self._tallies.get(name)
        return tally is not None and tally.open

    def check(self, name: str) -> None:
        """Raise :class:`ProviderUnreachable` when ``name``'s breaker is open."""
        if self.is_open(name):
            raise ProviderUnreachable(f"{name}: not asked (unreachable earlier in this run)")

    def sources(self) -> list[SourceCoverage]:
        return [
            SourceCoverage(
                name=name, kind=t.kind, queries=t.queries, results=t.results, errors=t.errors,
                status=t.status(),  # type: ignore[arg-type]
                error=t.error,
            )
            for name, t in self._tallies.items()
        ]

    def coverage(self, *, pages_read: int, pages_failed: int) -> Coverage:
        return Coverage(
            sources=self.sources(), pages_read=pages_read, pages_failed=pages_failed,
            corpus_documents_used=len(self.corpus_documents),
        )


class GuardedProvider:
    """``provider`` behind a run's :class:`SourceLedger`: :meth:`search` (and ``works`` /
    ``authors`` when the provider has them) raise :class:`ProviderUnreachable` at once when the
    breaker is open, and are counted in the ledger otherwise. Everything else is the wrapped
    provider's, so ``hasattr(p, "works")`` answers as it would for the provider itself."""

    _GUARDED = frozenset({"works", "authors"})

    def __init__(self, provider: SearchProvider, ledger: SourceLedger) -> None:
        self._provider = provider
        self._ledger = ledger
        self.name: str = provider.name

    @property
    def wrapped(self) -> SearchProvider:
        """The provider behind the guard."""
        return self._provider

    async def search(self, query: str, *, limit: int = 10, lang: str | None = None) -> list[SearchResult]:
        """The provider's search, unless its breaker is open."""
        result: list[SearchResult] = await self._ledger.ask(
            self.name, lambda: self._provider.search(query, limit=limit, lang=lang)
        )
        return result

    def __getattr__(self, attr: str) -> Any:
        if attr.startswith("__") or attr in ("_provider", "_ledger"):
            raise AttributeError(attr)  # copy/pickle probe these before __init__ has run
        value = getattr(self._provider, attr)
        if attr in self._GUARDED and callable(value):

            async def guarded(*args: Any, **kwargs: Any) -> Any:
                return await self._ledger.ask(self.name, lambda: value(*args, **kwargs))

            return guarded
        return value

    def __repr__(self) -> str:
        return f"GuardedProvider({self._provider!r})"


def merge_coverage(before: Coverage | None, now: Coverage | None) -> Coverage | None:
    """The coverage of a resumed run from its earlier attempt's and the resumed attempt's.

    The resumed attempt asks again, through the search cache, what the earlier one asked (the
    corpus only for the claims still open), so a source it asked is taken from it with the
    larger of the two attempts' query and result counts — a search is never counted twice — and
    a source only the earlier attempt asked keeps the earlier figures. Pages read and corpus
    documents used are the larger of the two; pages that failed are added up (as the run's
    ``fetch_failures`` are)."""
    if before is None or now is None:
        return now if now is not None else before
    earlier = {s.name: s for s in before.sources}
    sources: list[SourceCoverage] = []
    for s in now.sources:
        old = earlier.pop(s.name, None)
        if old is None or (s.queries == 0 and s.status == "ok"):
            sources.append(old or s)
            continue
        sources.append(s.model_copy(update={
            "queries": max(s.queries, old.queries), "results": max(s.results, old.results),
        }))
    sources.extend(earlier.values())
    return Coverage(
        sources=sources,
        pages_read=max(before.pages_read, now.pages_read),
        pages_failed=before.pages_failed + now.pages_failed,
        corpus_documents_used=max(before.corpus_documents_used, now.corpus_documents_used),
    )
