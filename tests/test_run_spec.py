"""The typed run spec (what a run stores and a resume reads back, old untyped dicts included)
and the run's tools (built one way, with the search settings passed in, closing only what
they built)."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

import web_kit
from conftest import write_tree
from veracity.config import Settings
from veracity.errors import ConfigError, CorpusError, InputError, StoreError
from veracity.pipeline import acheck
from veracity.resume import aresume
from veracity.run.spec import RunSpec
from veracity.run.tools import Shared, Tools
from veracity.search.settings import SearchSettings
from veracity.store import Store
from veracity.types import InputDocument, Stats

DOC = InputDocument(text="Ada Quill studied at the University of Bristol.", language="en", origin="test",
                    format="txt")


def test_an_old_untyped_options_dict_is_read() -> None:
    old = {
        "input": DOC.model_dump(mode="json"), "corpus": None, "providers": ["searxng"], "offline": 1,
        "lang": "en", "subject": "Ada Quill", "concurrency": "6", "agent": False,
        "settings": {"top_k": 5, "unknown_knob": 1}, "batch": "b1", "key": "doc.md",
    }
    spec = RunSpec.load(old)
    assert spec.input == DOC and spec.recorded(DOC)
    assert spec.corpus == [] and spec.providers == ["searxng"] and spec.offline is True
    assert spec.concurrency == 6 and spec.subject == "Ada Quill" and spec.allow_hosts == []
    assert spec.extras() == {"batch": "b1", "key": "doc.md"}  # a caller's entries are kept
    settings = spec.settings.apply(Settings(top_k=8, max_evidence=2))
    assert (settings.top_k, settings.max_evidence) == (5, 2)  # recorded knobs only
    # an entry of another shape takes its default instead of failing the whole spec
    assert RunSpec.load({"input": DOC.model_dump(mode="json"), "providers": "searxng"}).providers == []
    with pytest.raises(InputError, match="without its input"):
        RunSpec.load({"lang": "en"}).document("r1")


@pytest.fixture
def web() -> Iterator[web_kit.Site]:
    def pages(base: str) -> web_kit.Pages:
        body = "<p>Ada Quill studied at the University of Bristol and graduated in 2009.</p>"
        return {"/ada": ("text/html; charset=utf-8", web_kit.html_page(f"{base}/ada", "Ada Quill", body))}

    with web_kit.serving(web_kit.Site(pages)) as state:
        yield state


def test_providers_named_are_built_with_the_search_settings_passed(
    web: web_kit.Site, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A run and its resume build named providers with the search settings given to them, not
    from the environment (which names no SearXNG instance here)."""
    monkeypatch.delenv("VERACITY_SEARXNG_URL", raising=False)
    monkeypatch.chdir(tmp_path)  # no .env either
    settings = Settings(cache_dir=tmp_path / "cache", db_path=tmp_path / "db.sqlite")
    search = SearchSettings(searxng_url=web.base)
    embedder = web_kit.WordEmbedder()

    async def check(search_settings: SearchSettings | None = None) -> Any:
        return await acheck(
            DOC, settings=settings, providers=["searxng"], allow_hosts=["127.0.0.1"],
            tools=Shared(embedder=embedder, search_settings=search_settings),
        )

    with pytest.raises(ConfigError, match="searxng"):
        asyncio.run(check())
    report = asyncio.run(check(search))
    assert web.queries == [DOC.text]
    assert report.stats.fetches == 1 and report.claims[0].evidence

    with Store(settings.db_path) as store:
        spec = RunSpec.load(store.get_run(report.run_id)["options"])
        assert spec.providers == ["searxng"] and spec.allow_hosts == ["127.0.0.1"] and spec.recorded(DOC)
        assert spec.settings.top_k == settings.top_k
        store.finish_run(report.run_id, Stats(), status="failed", error="stopped")  # as if it had stopped
    with pytest.raises(ConfigError, match="searxng"):
        asyncio.run(aresume(report.run_id, settings=settings, tools=Shared(embedder=embedder)))
    resumed = asyncio.run(aresume(
        report.run_id, settings=settings, tools=Shared(embedder=embedder, search_settings=search),
    ))
    assert [c.verdict.label for c in resumed.claims] == [c.verdict.label for c in report.claims]
    assert web.queries == [DOC.text]  # the resume's search came from the store's cache


class Closable:
    name = "closable"

    def __init__(self) -> None:
        self.closed = 0

    async def search(self, query: str, *, limit: int = 10, lang: str | None = None) -> list[Any]:
        return []

    async def aclose(self) -> None:
        self.closed += 1


def test_tools_close_what_they_built_and_only_that(tmp_path: Path) -> None:
    settings = Settings(cache_dir=tmp_path / "cache", db_path=tmp_path / "db.sqlite")
    given = Closable()
    corpus = write_tree(tmp_path / "corpus", {"a.md": "# A\n\nAda Quill studied at Bristol.\n"})

    async def go(store: Store | None) -> Tools:
        lent = Shared(store=store, providers=[given], embedder=web_kit.WordEmbedder())
        tools = await Tools.build(settings, RunSpec(corpus=[str(corpus)]), lent)
        async with tools:
            assert tools.reader is not None  # built: there is a provider to read the hits of
            assert tools.corpus is not None and tools.corpus.dirs == [corpus.resolve()]
            assert tools.llm is None and tools.providers == [given]
        return tools

    with Store(settings.db_path) as mine:
        asyncio.run(go(mine))
        assert mine.list_runs() == []  # the store passed in is still open
    tools = asyncio.run(go(None))
    assert given.closed == 0  # a provider passed in is the caller's to close
    with pytest.raises(StoreError, match="closed"):  # the store the tools opened is closed
        tools.store.list_runs()
    # a bad corpus folder fails the build (after closing what it had built)
    with pytest.raises(CorpusError, match="not found"):
        asyncio.run(Tools.build(settings, RunSpec(corpus=[str(tmp_path / "missing")]),
                                Shared(embedder=web_kit.WordEmbedder())))
    assert json.dumps(RunSpec(input=DOC).record())  # the stored form is plain JSON


def test_lent_providers_stand_for_their_names_and_the_others_are_built(
    web: web_kit.Site, tmp_path: Path,
) -> None:
    """A spec's provider names that a lent provider carries are not built again; the others
    are built (with the lent search settings) and closed with the tools; a URL input gets a
    reader even without providers."""
    settings = Settings(cache_dir=tmp_path / "cache", db_path=tmp_path / "db.sqlite")
    given = Closable()
    lent = Shared(providers=[given], embedder=web_kit.WordEmbedder(),
                  search_settings=SearchSettings(searxng_url=web.base))

    async def go() -> None:
        async with await Tools.build(settings, RunSpec(providers=["closable", "searxng"]), lent) as tools:
            assert [p.name for p in tools.providers] == ["closable", "searxng"] and tools.providers[0] is given
        async with await Tools.build(settings, RunSpec(), Shared(embedder=lent.embedder), url_input=True) as tools:
            assert tools.reader is not None and tools.providers == []
        async with await Tools.build(settings, RunSpec(), Shared(embedder=lent.embedder)) as tools:
            assert tools.reader is None

    asyncio.run(go())
    assert given.closed == 0


def test_acheck_takes_the_spec_fields_as_keywords_and_nothing_else(tmp_path: Path) -> None:
    """``acheck``'s keywords are the spec's caller fields (they override a spec passed in);
    a tool passed as a keyword, a provider object or an opened corpus among the names is a
    TypeError that says to lend it with ``tools=Shared(...)``."""
    settings = Settings(cache_dir=tmp_path / "cache", db_path=tmp_path / "db.sqlite", llm_base_url=None)
    lent = Shared(embedder=web_kit.WordEmbedder())
    with pytest.raises(TypeError, match="embedder"):
        asyncio.run(acheck(DOC, settings=settings, embedder=lent.embedder))  # type: ignore[call-arg]
    with pytest.raises(TypeError, match="tools=Shared"):
        asyncio.run(acheck(DOC, settings=settings, providers=[Closable()]))  # type: ignore[list-item]
    spec = RunSpec(concurrency=2, lang="en", report_lang="zh", batch="b", key="k")  # type: ignore[call-arg]
    report = asyncio.run(acheck(DOC, spec, tools=lent, settings=settings, report_lang="en"))
    assert report.language == "en"
    with Store(settings.db_path) as store:
        recorded = RunSpec.load(store.get_run(report.run_id)["options"])
    assert (recorded.concurrency, recorded.lang, recorded.report_lang) == (2, "en", "en")
    assert recorded.extras() == {"batch": "b", "key": "k"} and recorded.recorded(DOC)
    assert RunSpec.given(spec) is spec and RunSpec.given(None, claims=True).claims
