"""A whole run against a real local web: a SearXNG-style JSON search endpoint, two HTML pages
and one PDF, all served by an HTTP server on 127.0.0.1 in a thread.

The run goes through the real SearXNG provider (``build_providers``) and the real reader (with
its SSRF guard, allowed for 127.0.0.1 only). A second run with the same store replays every page
from the store's fetch cache (``offline=True``) and must not ask the server for any page.
"""

from __future__ import annotations

import asyncio
import json
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
from fpdf import FPDF

import web_kit
from veracity.config import Settings
from veracity.pipeline import acheck
from veracity.reader.cache import StoreFetchCache
from veracity.reader.fetch import Reader
from veracity.run.tools import Shared
from veracity.search.registry import build_providers
from veracity.search.settings import SearchSettings
from veracity.store import Store
from veracity.text import quote_in_text
from veracity.types import Label, Report, SearchResult
from web_kit import html_page

BRISTOL_PATH = "/articles/ada-quill-bristol"
LUMEN_PATH = "/news/lumen-institute-hires"
PDF_PATH = "/papers/falcon-7.pdf"
PAGE_PATHS = (BRISTOL_PATH, LUMEN_PATH, PDF_PATH)

CLAIMS = [
    ("bristol", "Ada Quill graduated from the University of Bristol in 2009."),
    ("lumen", "Ada Quill joined the Lumen Institute in 2015 as a research scientist."),
    ("falcon", "The Falcon-7 language model has 280 billion parameters."),
]


BRISTOL_BODY = (
    "<p>Ada Quill grew up in Cardiff and moved to England to study physics.</p>"
    "<p>Ada Quill graduated from the University of Bristol in 2009 with a degree in physics. "
    "Her final-year project looked at the optics of thin films.</p>"
    "<p>After Bristol she spent two years at a start-up that built spectrometers.</p>"
)
LUMEN_BODY = (
    "<p>The Lumen Institute announced a round of new hires on Monday.</p>"
    "<p>Ada Quill joined the Lumen Institute in 2015 as a research scientist, working on "
    "language models. She now leads the evaluation group.</p>"
    "<p>The institute has grown to more than two hundred staff.</p>"
)


def _pdf(base: str) -> bytes:
    doc = FPDF()
    doc.set_title("Falcon-7: a report on training a large language model")
    doc.set_font("Helvetica", size=11)
    pages = [
        [
            f"url: {base}{PDF_PATH}",
            "published: 2023-02-14",
            "Falcon-7: a report on training a large language model",
            "This report describes how the Falcon-7 model was built and evaluated.",
        ],
        [
            "2 Model",
            "The Falcon-7 language model has 280 billion parameters and was trained on "
            "three trillion tokens of text.",
            "Training took eleven weeks on a cluster of accelerators.",
        ],
    ]
    for lines in pages:
        doc.add_page()
        for line in lines:
            doc.multi_cell(0, 6, line)
            doc.ln(2)
    return bytes(doc.output())


class RunSite(web_kit.Site):
    """Two HTML pages and a PDF; every search finds all three."""

    def __init__(self) -> None:
        super().__init__(self._pages)

    @staticmethod
    def _pages(base: str) -> web_kit.Pages:
        return {
            BRISTOL_PATH: ("text/html; charset=utf-8", html_page(
                f"{base}{BRISTOL_PATH}", "Ada Quill: from Bristol to language models", BRISTOL_BODY)),
            LUMEN_PATH: ("text/html; charset=utf-8", html_page(
                f"{base}{LUMEN_PATH}", "Lumen Institute names new research staff", LUMEN_BODY,
                "2022-09-19T12:00:00+00:00")),
            PDF_PATH: ("application/pdf", _pdf(base)),
        }

    def answer(self, query: str) -> list[dict[str, Any]]:
        return [
            {"url": f"{self.base}{BRISTOL_PATH}?utm_source=search", "title": "Ada Quill: from Bristol",
             "content": "Ada Quill graduated from the University of Bristol…",
             "publishedDate": "2021-05-04T09:30:00Z"},
            {"url": f"{self.base}{LUMEN_PATH}", "title": "Lumen Institute names new research staff",
             "content": "Ada Quill joined the Lumen Institute…", "publishedDate": "2022-09-19"},
            {"url": f"{self.base}{PDF_PATH}", "title": "Falcon-7 report",
             "content": "The Falcon-7 language model has 280 billion parameters…",
             "publishedDate": None},
        ]


@pytest.fixture
def web() -> Iterator[RunSite]:
    with web_kit.serving(RunSite()) as state:
        yield state


class Replay:
    """A provider that answers with the results another provider gave (no network)."""

    name = "searxng"

    def __init__(self, answers: dict[str, list[SearchResult]]) -> None:
        self.answers = answers
        self.queries: list[str] = []

    async def search(self, query: str, *, limit: int = 10, lang: str | None = None) -> list[SearchResult]:
        self.queries.append(query)
        return [r.model_copy() for r in self.answers.get(query, [])]


class Recording:
    """Wraps a provider and keeps what it returned, per query."""

    def __init__(self, inner: Any) -> None:
        self.inner = inner
        self.name = inner.name
        self.answers: dict[str, list[SearchResult]] = {}

    async def search(self, query: str, *, limit: int = 10, lang: str | None = None) -> list[SearchResult]:
        results = await self.inner.search(query, limit=limit, lang=lang)
        self.answers[query] = results
        return results


def _claims_file(tmp_path: Path) -> Path:
    path = tmp_path / "claims.jsonl"
    path.write_text(
        "".join(json.dumps({"id": i, "claim": c}) + "\n" for i, c in CLAIMS), encoding="utf-8"
    )
    return path


async def _first_run(web: RunSite, store: Store, claims: Path, settings: Settings, embedder: Any) -> tuple[Report, Recording]:
    providers = build_providers(["searxng"], SearchSettings(searxng_url=web.base))
    recording = Recording(providers[0])
    reader = Reader(allow=["127.0.0.1"], cache=StoreFetchCache(store), attempts=1)
    try:
        report = await acheck(
            claims, claims=True, settings=settings,
            tools=Shared(store=store, providers=[recording], reader=reader, embedder=embedder),
        )
    finally:
        await reader.aclose()
        for p in providers:
            await p.aclose()  # type: ignore[attr-defined]
    return report, recording


def _evidence_by_path(report: Report) -> dict[str, list[tuple[str, Any]]]:
    out: dict[str, list[tuple[str, Any]]] = {}
    for row in report.claims:
        for ev in row.evidence:
            out.setdefault(urlsplit(ev.source.url).path, []).append((row.id, ev))
    return out


def test_web_run_cites_pages_and_pdf_with_dates_and_replays_offline(
    web: RunSite, tmp_path: Path, use_embedder: Any
) -> None:
    claims = _claims_file(tmp_path)
    settings = Settings(cache_dir=tmp_path / "cache", db_path=tmp_path / "db.sqlite")
    with Store(settings.db_path) as store:
        report, recording = asyncio.run(_first_run(web, store, claims, settings, use_embedder))

        # every claim judged; the search endpoint was asked once per claim, pages read once each
        assert [c.id for c in report.claims] == [i for i, _ in CLAIMS]
        assert sorted(web.queries) == sorted(c for _, c in CLAIMS)
        assert all(web.requests[p] == 1 for p in PAGE_PATHS), web.requests
        assert report.stats.fetches == 3
        assert report.stats.searches == 3
        assert report.stats.fetch_failures == []

        by_path = _evidence_by_path(report)
        labels = {c.id: c.verdict.label for c in report.claims}
        assert labels["bristol"] in (Label.TRUE, Label.MOSTLY_TRUE), report.claims[0].verdict
        assert labels["lumen"] in (Label.TRUE, Label.MOSTLY_TRUE), report.claims[1].verdict
        assert labels["falcon"] in (Label.TRUE, Label.MOSTLY_TRUE), report.claims[2].verdict

        # the pages are cited under their canonical URL, with the date they carry
        bristol = [ev for cid, ev in by_path[BRISTOL_PATH] if cid == "bristol"]
        assert bristol, by_path.keys()
        assert all(ev.source.url == f"{web.base}{BRISTOL_PATH}" for ev in bristol)
        assert all(ev.source.published == "2021-05-04" for ev in bristol)
        lumen = [ev for cid, ev in by_path[LUMEN_PATH] if cid == "lumen"]
        assert lumen and all(ev.source.published == "2022-09-19" for ev in lumen)
        # the PDF: its date from the "published:" line, the page the quote is on
        falcon = [ev for cid, ev in by_path[PDF_PATH] if cid == "falcon"]
        assert falcon
        assert all(ev.source.published == "2023-02-14" for ev in falcon)
        assert any(ev.page == 2 and "280 billion parameters" in ev.quote for ev in falcon)

        # quotes are verbatim in the stored text of the fetched document they cite
        for path, items in by_path.items():
            assert path in PAGE_PATHS, path  # every URL came from the search results
            for cid, ev in items:
                assert ev.source.content_hash
                text = store.get_document_text(ev.source.content_hash)
                assert text is not None and quote_in_text(ev.quote, text), (cid, ev.quote)
                if ev.page is not None:
                    doc = store.get_document(ev.source.content_hash)
                    assert doc is not None
                    span = next(p for p in doc.pages if p.page == ev.page)
                    assert quote_in_text(ev.quote, doc.text[span.start : span.end])

        # second run: same store, pages only from the fetch cache, same search answers
        before = Counter(web.requests)
        replay = Replay(recording.answers)

        async def second() -> Report:
            async with Reader(cache=StoreFetchCache(store), offline=True, allow=["127.0.0.1"]) as reader:
                return await acheck(
                    claims, claims=True, settings=settings,
                    tools=Shared(store=store, providers=[replay], reader=reader, embedder=use_embedder),
                )

        again = asyncio.run(second())
        assert web.requests == before  # no request at all, pages included
        assert replay.queries == []  # the store's search cache answered every query
        assert sorted(s["query"] for s in store.searches(again.run_id) if s["cached"]) == sorted(
            c for _, c in CLAIMS
        )
        assert again.run_id != report.run_id
        assert again.stats.fetch_failures == []
        assert {c.id: c.verdict.label for c in again.claims} == labels
        assert [[(e.quote, e.source.url, e.page) for e in c.evidence] for c in again.claims] == [
            [(e.quote, e.source.url, e.page) for e in c.evidence] for c in report.claims
        ]


def test_url_input_is_read_as_the_document(web: RunSite, tmp_path: Path) -> None:
    """`veracity check URL`: the page at URL becomes the input document (read through the guard)."""
    from veracity.pipeline import read_url_input

    async def go() -> Any:
        async with Reader(allow=["127.0.0.1"]) as reader:
            return await read_url_input(f"{web.base}{BRISTOL_PATH}", reader=reader)

    doc = asyncio.run(go())
    assert doc.origin.endswith(BRISTOL_PATH) and doc.format == "html"
    assert "Bristol" in doc.text and doc.language == "en"


def test_url_input_on_a_private_address_is_refused(web: RunSite) -> None:
    from veracity.errors import InputError
    from veracity.pipeline import read_url_input

    with pytest.raises(InputError, match="cannot read input URL"):
        asyncio.run(read_url_input(f"{web.base}{BRISTOL_PATH}"))  # 127.0.0.1 not allow-listed
    assert web.requests[BRISTOL_PATH] == 0


def test_providers_command_lists_every_provider() -> None:
    from click.testing import CliRunner

    from veracity.cli import main
    from veracity.search.registry import ALL_PROVIDERS

    res = CliRunner().invoke(main, ["providers"], env={"VERACITY_BRAVE_API_KEY": ""})
    assert res.exit_code == 0
    for info in ALL_PROVIDERS:
        assert info.name in res.output
    assert "needs VERACITY_BRAVE_API_KEY" in res.output


def test_url_input_that_404s_is_one_error_line_and_exit_2(web: RunSite, tmp_path: Path) -> None:
    from click.testing import CliRunner

    from veracity.cli import main

    res = CliRunner().invoke(
        main,
        ["check", f"{web.base}/no-such-page", "--allow-host", "127.0.0.1", "--db", str(tmp_path / "db.sqlite"), "-q"],
        env={"VERACITY_CACHE_DIR": str(tmp_path / "cache")},
    )
    assert res.exit_code == 2
    lines = [ln for ln in res.output.splitlines() if ln.strip()]
    assert len(lines) == 1 and lines[0].startswith("veracity: error: cannot read input URL")
    assert "404" in lines[0] and "Traceback" not in res.output


def test_acheck_builds_named_providers_and_a_cached_reader(
    web: RunSite, tmp_path: Path, use_embedder: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`acheck(providers=["searxng"], allow_hosts=…)`: the Python API builds the provider and a
    reader with the store's fetch cache itself (what the CLI, server and batch rely on)."""
    monkeypatch.setenv("VERACITY_SEARXNG_URL", web.base)
    claims = _claims_file(tmp_path)
    settings = Settings(cache_dir=tmp_path / "cache", db_path=tmp_path / "db.sqlite")
    with Store(settings.db_path) as store:
        report = asyncio.run(acheck(
            claims, claims=True, settings=settings, providers=["searxng"], allow_hosts=["127.0.0.1"],
            tools=Shared(store=store, embedder=use_embedder),
        ))
        assert report.stats.searches == 3 and report.stats.fetches == 3
        assert any(ev.source.url.startswith(web.base) for row in report.claims for ev in row.evidence)
        options = store.get_run(report.run_id)["options"]
        assert (options["providers"], options["allow_hosts"], options["offline"]) == (["searxng"], ["127.0.0.1"], False)
        pages_before = {p: web.requests[p] for p in PAGE_PATHS}
        again = asyncio.run(acheck(
            claims, claims=True, settings=settings, providers=["searxng"], allow_hosts=["127.0.0.1"], offline=True,
            tools=Shared(store=store, embedder=use_embedder),
        ))
        # --offline: every page came from the store's fetch cache, none was requested again
        assert {p: web.requests[p] for p in PAGE_PATHS} == pages_before
        assert [c.verdict.label for c in again.claims] == [c.verdict.label for c in report.claims]


def test_acheck_unknown_provider_name_is_a_config_error(tmp_path: Path) -> None:
    from veracity.errors import ConfigError

    settings = Settings(cache_dir=tmp_path / "cache", db_path=tmp_path / "db.sqlite")
    with pytest.raises(ConfigError, match="unknown search provider"):
        asyncio.run(acheck(_claims_file(tmp_path), claims=True, settings=settings, providers=["nope"]))
    with Store(settings.db_path) as store:
        assert store.list_runs() == []  # refused before the run was recorded
