"""Which web hits a run reads: the most authoritative ones (encyclopedia, scholarly, primary
before news, unknown and social pages), ``settings.read_per_claim`` of them — in the offline
pass as in the agent, not the first few in the search engine's order."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

import web_kit
from veracity.config import Settings
from veracity.pipeline import acheck
from veracity.run.tools import Shared
from veracity.search.registry import build_providers
from veracity.search.settings import SearchSettings
from veracity.types import InputDocument, Report

CLAIM = "Ada Quill studied at the University of Bristol."
PATHS = ["/forum/1", "/forum/2", "/forum/3", "/wiki/Ada_Quill"]


class AuthorityWeb(web_kit.Site):
    """Every search lists three forum pages, then the encyclopedia's article."""

    def __init__(self) -> None:
        super().__init__(self._pages)

    @staticmethod
    def _pages(base: str) -> web_kit.Pages:
        body = f"<p>{CLAIM} She graduated in 2009.</p>"
        return {p: ("text/html; charset=utf-8", web_kit.html_page(base + p, f"Page {p}", body)) for p in PATHS}

    def answer(self, query: str) -> list[dict[str, Any]]:
        titles = ["Forum thread", "Forum thread 2", "Forum thread 3", "Ada Quill - Wikipedia"]
        return [{"url": self.base + p, "title": t, "content": t} for p, t in zip(PATHS, titles, strict=True)]


@pytest.fixture
def web() -> Iterator[AuthorityWeb]:
    with web_kit.serving(AuthorityWeb()) as state:
        yield state


def test_the_offline_pass_reads_the_most_authoritative_hit(web: AuthorityWeb, tmp_path: Path) -> None:
    settings = Settings(cache_dir=tmp_path / "cache", db_path=tmp_path / "db.sqlite", read_per_claim=1)
    doc = InputDocument(text=CLAIM, language="en", origin="test", format="txt")

    async def go() -> Report:
        providers = build_providers(["searxng"], SearchSettings(searxng_url=web.base))
        try:
            return await acheck(
                doc, settings=settings, allow_hosts=["127.0.0.1"],
                tools=Shared(embedder=web_kit.WordEmbedder(), providers=providers),
            )
        finally:
            for p in providers:
                await p.aclose()  # type: ignore[attr-defined]

    report = asyncio.run(go())
    assert report.stats.fetches == 1
    assert {p: web.requests[p] for p in PATHS} == {"/forum/1": 0, "/forum/2": 0, "/forum/3": 0, "/wiki/Ada_Quill": 1}
    assert report.claims[0].evidence and all(e.source.url.endswith("/wiki/Ada_Quill") for e in report.claims[0].evidence)
