"""``Report.coverage`` and the run's figures: what each source was asked and answered, the pages
read, the corpus documents used — in every run, kept with the run, merged when a run is resumed."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from conftest import settings_for
from server_kit import Route, html_page, serve_local_web
from veracity.errors import ProviderError
from veracity.judge.match import EvidenceMatchJudge
from veracity.pipeline import acheck
from veracity.report import render_json
from veracity.resume import aresume
from veracity.run.tools import Shared
from veracity.search.coverage import merge_coverage
from veracity.store import Store
from veracity.testing.http import send
from veracity.types import (
    Claim,
    Coverage,
    InputDocument,
    RankedPassage,
    SearchResult,
    SourceCoverage,
)

TOPICS = [
    "Ada Quill studied physics at the University of Bristol in 2009.",
    "The Lumen Institute builds spectrometers in Cardiff.",
    "Harwell Optics Prize winners are chosen every spring.",
    "Orrin Valley has a reservoir built in 1952.",
    "The Kestrel telescope observed a comet in 2018.",
    "Marlow Bridge was rebuilt after the flood of 1968.",
    "The Fenwick choir sings at the winter festival.",
    "Tarn Lake freezes over most Januaries.",
    "Pellham railway station opened in 1871.",
    "The Brackley library holds old maps of the coast.",
    "Wren Hall hosts a chess tournament each autumn.",
    "Ashby orchard grows twelve kinds of apple.",
]


@pytest.fixture
def corpus(tmp_path: Path) -> Path:
    """Twelve one-passage documents."""
    folder = tmp_path / "corpus"
    folder.mkdir()
    for i, text in enumerate(TOPICS):
        (folder / f"doc{i}.md").write_text(f"# Doc {i}\n\nurl: https://example.org/doc{i}\n\n{text}\n", encoding="utf-8")
    return folder


def doc_of(*claims: str) -> InputDocument:
    return InputDocument(text=" ".join(claims), language="en", origin="test", format="txt")


def test_a_one_line_document_reports_the_documents_it_used_not_the_corpus_size(
    tmp_path: Path, corpus: Path, use_embedder: Any,
) -> None:
    settings = settings_for(tmp_path, top_k=2)  # a corpus search returns at most 4 passages
    report = asyncio.run(acheck(
        doc_of(TOPICS[0]), corpus=[corpus], settings=settings, tools=Shared(embedder=use_embedder),
    ))
    assert len(report.claims) == 1
    cov = report.coverage
    assert cov is not None
    (src,) = cov.sources
    assert (src.name, src.kind, src.queries, src.errors, src.status, src.error) == ("corpus", "corpus", 1, 0, "ok", None)
    assert 1 <= src.results <= 4
    assert 1 <= cov.corpus_documents_used <= src.results < len(TOPICS)
    assert report.stats.documents == cov.corpus_documents_used  # not the 12 files of the corpus
    assert report.stats.passages == src.results  # one passage per document here
    assert (cov.pages_read, cov.pages_failed) == (0, 0)
    assert json.loads(render_json(report))["coverage"]["sources"][0]["name"] == "corpus"


# --- web sources: cache, pages read and failed, degraded --------------------------------------------


def _page(n: int) -> Route:
    text = TOPICS[n % len(TOPICS)]
    return lambda h: send(h, 200, "text/html; charset=utf-8", html_page(f"Page {n}", f"<p>{text}</p>"))


@pytest.fixture
def site() -> Iterator[str]:
    """``/page1`` … ``/page40``, each with one topic's sentence; other paths are 404."""
    with serve_local_web() as web:
        web.routes.update({f"/page{n}": _page(n) for n in range(1, 41)})
        yield web.base


class FakeWeb:
    """A web search: two hits per query (a page and a missing page); fails the queries that
    contain ``fail`` with an HTTP error (the host answered)."""

    kind = "web"

    def __init__(self, base: str, fail: str | None = None) -> None:
        self.name = "fakeweb"
        self.base = base
        self.fail = fail
        self.calls: list[str] = []

    async def search(self, query: str, *, limit: int = 10, lang: str | None = None) -> list[SearchResult]:
        self.calls.append(query)
        if self.fail and self.fail in query:
            raise ProviderError("fakeweb: HTTP 500 from fake.example/search")
        n = len(self.calls)
        return [SearchResult(url=f"{self.base}/page{n}", title=f"page {n}", provider=self.name),
                SearchResult(url=f"{self.base}/missing{n}", title="gone", provider=self.name)]


def test_web_coverage_counts_pages_and_cached_answers(tmp_path: Path, corpus: Path, site: str, use_embedder: Any) -> None:
    settings = settings_for(tmp_path, top_k=2)
    claims = TOPICS[:3]

    def once() -> tuple[Any, FakeWeb]:
        web = FakeWeb(site)
        report = asyncio.run(acheck(
            doc_of(*claims), corpus=[corpus], settings=settings, allow_hosts=["127.0.0.1"],
            tools=Shared(providers=[web], embedder=use_embedder),
        ))
        return report, web

    first, web = once()
    assert len(web.calls) == 3
    cov = first.coverage
    assert cov is not None
    rows = {s.name: s for s in cov.sources}
    assert list(rows) == ["corpus", "fakeweb"]
    assert (rows["fakeweb"].kind, rows["fakeweb"].queries, rows["fakeweb"].results) == ("web", 3, 6)
    assert rows["fakeweb"].status == "ok" and rows["fakeweb"].errors == 0
    assert (cov.pages_read, cov.pages_failed) == (3, 3)  # each query: one page, one 404
    assert len(first.stats.fetch_failures) == 3
    assert first.stats.documents == cov.corpus_documents_used + cov.pages_read
    assert first.stats.searches == 6  # 3 corpus + 3 web, all sent

    # a second run is answered from the search cache: the same coverage, no search sent to the web
    second, web2 = once()
    assert web2.calls == []
    cov2 = second.coverage
    assert cov2 is not None
    again = {s.name: s for s in cov2.sources}
    assert (again["fakeweb"].queries, again["fakeweb"].results, again["fakeweb"].status) == (3, 6, "ok")
    assert second.stats.searches == 3  # the corpus only: cached answers are not searches sent
    assert cov2.pages_read == 3


def test_a_source_that_fails_some_queries_is_degraded(tmp_path: Path, corpus: Path, site: str, use_embedder: Any) -> None:
    settings = settings_for(tmp_path, top_k=2)
    web = FakeWeb(site, fail="Lumen")
    report = asyncio.run(acheck(
        doc_of(*TOPICS[:3]), corpus=[corpus], settings=settings, allow_hosts=["127.0.0.1"],
        tools=Shared(providers=[web], embedder=use_embedder),
    ))
    assert report.coverage is not None
    row = {s.name: s for s in report.coverage.sources}["fakeweb"]
    assert (row.queries, row.errors, row.results, row.status) == (3, 1, 4, "degraded")
    assert row.error == "fakeweb: HTTP 500 from fake.example/search"
    notes = " ".join(c.verdict.rationale for c in report.claims)
    assert "fakeweb: fakeweb:" not in notes

    everything_fails = FakeWeb(site, fail=" ")
    report = asyncio.run(acheck(
        doc_of(*TOPICS[3:5]), corpus=[corpus], settings=settings_for(tmp_path / "b"), allow_hosts=["127.0.0.1"],
        tools=Shared(providers=[everything_fails], embedder=use_embedder),
    ))
    assert report.coverage is not None
    row = {s.name: s for s in report.coverage.sources}["fakeweb"]
    assert (row.queries, row.errors, row.status) == (2, 2, "failed")  # every query failed


# --- resumed runs ----------------------------------------------------------------------------------


class FlakyJudge(EvidenceMatchJudge):
    """The offline judge, except that it fails for claims mentioning ``broken``."""

    def __init__(self, broken: str | None, **kw: Any) -> None:
        super().__init__(**kw)
        self.broken = broken

    async def judge(self, claim: Claim, passages: list[RankedPassage], lang: str):  # type: ignore[no-untyped-def]
        if self.broken and self.broken in claim.text:
            raise ConnectionError("HTTP 500 from the verdict service")
        return await super().judge(claim, passages, lang)


def test_a_resumed_run_keeps_and_merges_its_coverage(tmp_path: Path, corpus: Path, use_embedder: Any) -> None:
    settings = settings_for(tmp_path, top_k=2)
    claims = TOPICS[:3]
    report = asyncio.run(acheck(
        doc_of(*claims), corpus=[corpus], settings=settings,
        tools=Shared(judge=FlakyJudge("Lumen"), embedder=use_embedder),
    ))
    assert report.summary.not_checked == 1 and report.coverage is not None
    with Store(settings.db_path) as store:
        assert store.load_report(report.run_id).coverage == report.coverage
    resumed = asyncio.run(aresume(
        report.run_id, settings=settings, tools=Shared(judge=FlakyJudge(None), embedder=use_embedder),
    ))
    assert resumed.complete
    cov = resumed.coverage
    assert cov is not None
    (src,) = cov.sources
    # the resumed attempt searched the corpus for the one open claim; the first attempt for all 3
    assert (src.name, src.queries, src.status) == ("corpus", 3, "ok")
    assert cov.corpus_documents_used == report.coverage.corpus_documents_used
    assert resumed.stats.documents == report.stats.documents


def test_merge_coverage_takes_the_resumed_attempt_without_counting_twice() -> None:
    before = Coverage(
        sources=[SourceCoverage(name="corpus", kind="corpus", queries=5, results=20),
                 SourceCoverage(name="openalex", kind="scholarly", queries=3, errors=3, status="failed",
                                error="openalex: could not connect"),
                 SourceCoverage(name="arxiv", kind="scholarly", queries=2, results=4)],
        pages_read=2, pages_failed=1, corpus_documents_used=4,
    )
    now = Coverage(
        sources=[SourceCoverage(name="corpus", kind="corpus", queries=2, results=8),
                 SourceCoverage(name="openalex", kind="scholarly", queries=5, results=9)],
        pages_read=3, pages_failed=0, corpus_documents_used=2,
    )
    merged = merge_coverage(before, now)
    assert merged is not None
    rows = {s.name: s for s in merged.sources}
    assert list(rows) == ["corpus", "openalex", "arxiv"]
    assert (rows["corpus"].queries, rows["corpus"].results) == (5, 20)
    assert (rows["openalex"].queries, rows["openalex"].errors, rows["openalex"].status) == (5, 0, "ok")
    assert rows["arxiv"] == before.sources[2]
    assert (merged.pages_read, merged.pages_failed, merged.corpus_documents_used) == (3, 1, 4)
    assert merge_coverage(None, now) == now and merge_coverage(before, None) == before
