"""The tools a run uses, built one way for a check and a resume: :class:`Tools`.

A caller says *how* to check with a :class:`~veracity.run.spec.RunSpec` and lends what it
already holds with a :class:`Shared` — a server or a batch shares its store, corpus, embedder,
providers, reader and model between runs; a test lends its fakes. :meth:`Tools.build` takes
both and builds the rest: the store (the settings' path), the corpus of the spec's folders
(unless an opened corpus is lent), the default sentence encoder, the providers the spec names
that no lent provider stands for (with the lent ``search_settings``, never re-read from the
environment later), a reader with the store's fetch cache when there are providers (or the
input is a URL), and the model the settings describe when one is wanted. Used as an async
context manager (``async with await Tools.build(...) as tools``) it closes what it built, and
only that: nothing lent is ever closed by a run.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from types import TracebackType
from typing import Any

from veracity.agent.wiring import default_llm
from veracity.config import Settings
from veracity.corpus.index import LocalCorpus
from veracity.events import Event, ProgressCallback, emit
from veracity.evidence.embed import Embedder, UseEmbedder
from veracity.httputil import aclose_all
from veracity.judge.base import Judge
from veracity.llm.base import StructuredLLM
from veracity.reader.fetch import Reader
from veracity.run.spec import RunSpec
from veracity.search.base import SearchProvider
from veracity.search.settings import SearchSettings
from veracity.sources import build_sources
from veracity.store import Store
from veracity.types import Stats

__all__ = ["Shared", "Tools", "open_corpus"]


def open_corpus(
    corpus: Sequence[str | Path] | LocalCorpus, settings: Settings, embedder: Embedder,
    progress: ProgressCallback | None, run_id: Callable[[], str | None],
) -> LocalCorpus | None:
    """The local corpus of ``corpus`` folders (checked now: a missing folder is bad input;
    opened by :meth:`Tools.prepare`), or the :class:`LocalCorpus` passed in."""
    if isinstance(corpus, LocalCorpus):
        return corpus

    def warn(msg: str) -> None:
        emit(progress, Event(type="warning", run_id=run_id(), message=msg))

    dirs = [Path(c) for c in corpus]
    return LocalCorpus(dirs, settings=settings, embedder=embedder, progress=warn) if dirs else None


@dataclass
class Shared:
    """What a caller already holds and lends to a run; every piece is optional, and a run
    closes none of them.

    ``store``: else the settings' ``db_path`` is opened. ``corpus``: an opened
    :class:`LocalCorpus` searched instead of the spec's folders (the run records its folders).
    ``providers``: provider objects, all searched; a name in the spec that none of them has is
    built by name. ``reader``: reads the providers' hits (and a URL input). ``embedder``: the
    sentence encoder. ``llm``: the model (a check without ``llm`` or ``judge`` builds the one
    the settings describe). ``judge``: the judge (default: the LLM judge on the model, or the
    evidence-match judge without one). ``search_settings``: the providers' keys and URLs for
    the names built (default: the environment's).
    """

    store: Store | None = None
    corpus: LocalCorpus | None = None
    providers: Sequence[SearchProvider] = field(default_factory=list)
    reader: Reader | None = None
    embedder: Embedder | None = None
    llm: StructuredLLM | None = None
    judge: Judge | None = None
    search_settings: SearchSettings | None = None


class Tools:
    """A run's store, search providers, reader, corpus, embedder, model and judge."""

    def __init__(
        self, *, store: Store, providers: Sequence[SearchProvider], reader: Reader | None,
        corpus: LocalCorpus | None, embedder: Embedder, llm: StructuredLLM | None, judge: Judge | None,
        closers: Sequence[Any] = (), own_store: bool = False,
    ) -> None:
        self.store = store
        self.providers = list(providers)
        self.reader = reader
        self.corpus = corpus
        self.embedder = embedder
        self.llm = llm
        self.judge = judge
        self._closers = list(closers)
        self._own_store = own_store

    @classmethod
    async def build(
        cls, settings: Settings, spec: RunSpec, given: Shared | None = None, *, want_model: bool = False,
        url_input: bool = False, progress: ProgressCallback | None = None,
        run_id: Callable[[], str | None] = lambda: None,
    ) -> Tools:
        """The tools of a run of ``spec`` with what ``given`` lends (see the module
        docstring). ``want_model``: without a lent model, build the client the settings
        describe (None when they describe none). ``url_input``: build a reader even without
        providers (the input is a URL). Raises what a bad corpus folder or provider name
        raises, after closing what it had built."""
        given = given or Shared()
        closers: list[Any] = []
        llm = given.llm
        if llm is None and want_model:
            llm = default_llm(settings)
            closers.append(llm)
        store, own_store = given.store, False
        try:
            embedder = given.embedder or UseEmbedder(threads=settings.embed_threads)
            local = open_corpus(given.corpus if given.corpus is not None else spec.corpus, settings, embedder,
                                progress, run_id)
            if store is None:
                store, own_store = Store(settings.db_path), True
            lent = {p.name for p in given.providers}
            wanted: list[SearchProvider | str] = [*given.providers, *(n for n in spec.providers if n not in lent)]
            searchers, reader = build_sources(
                wanted, given.reader, store, offline=spec.offline, allow_hosts=spec.allow_hosts, closers=closers,
                search_settings=given.search_settings, need_reader=url_input,
            )
        except BaseException:
            await aclose_all(closers)
            if own_store and store is not None:
                store.close()
            raise
        return cls(store=store, providers=searchers, reader=reader, corpus=local, embedder=embedder, llm=llm,
                   judge=given.judge, closers=closers, own_store=own_store)

    async def prepare(self, run_id: str, stats: Stats, progress: ProgressCallback | None) -> None:
        """Open the corpus (its index is built or reused, in a thread) and note the files it
        skipped in ``stats``."""
        local = self.corpus
        if local is None:
            return
        await asyncio.to_thread(local.open)
        message = f"{len(local.documents)} documents, {len(local.skipped)} skipped"
        emit(progress, Event(type="corpus_ready", run_id=run_id, message=message))
        stats.skipped_files = list(local.skipped)

    def own(self, closer: Any) -> None:
        """Close ``closer`` with the tools."""
        self._closers.append(closer)

    async def aclose(self) -> None:
        """Close what :meth:`build` built (the store last)."""
        closers, self._closers = self._closers, []
        try:
            await aclose_all(closers)
        finally:
            if self._own_store:
                self._own_store = False
                self.store.close()

    async def __aenter__(self) -> Tools:
        return self

    async def __aexit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None,
    ) -> None:
        await self.aclose()

