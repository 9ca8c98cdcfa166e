"""Web mode does the embedding work corpus mode does, no more: a run through a local
SearXNG-compatible search and page server embeds each page's passages once and each claim's
text once — all in one batch after the round's pages are read — and its stats count the
documents and passages it read (the bench is ``bench/bench_web.py``)."""

from __future__ import annotations

import asyncio
import json
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

import web_kit
from veracity.config import Settings
from veracity.corpus.passages import split_passages
from veracity.pipeline import acheck
from veracity.reader.html import parse_html
from veracity.run.tools import Shared
from veracity.search.registry import build_providers
from veracity.search.settings import SearchSettings
from veracity.testing.scripted_model import scripted_llm
from veracity.types import InputDocument, Report

PEOPLE = [("Alice Okafor", "Bristol", 2004), ("Bruno Moreau", "Kyoto", 1999), ("Chen Silva", "Lyon", 2011),
          ("Dana Novak", "Porto", 2008)]
FILLER = ("<p>The department runs a public seminar series every spring.</p>"
          "<p>Students spend one term on a placement with an industrial partner.</p>")


def _pages(base: str) -> web_kit.Pages:
    pages = {}
    for i, (name, place, year) in enumerate(PEOPLE):
        body = f"<p>{name} studied at the University of {place} and graduated in {year}.</p>{FILLER}"
        pages[f"/people/{i}"] = ("text/html; charset=utf-8",
                                 web_kit.html_page(f"{base}/people/{i}", f"{name}: a profile", body))
    return pages


def _claims() -> list[str]:
    return [f"{name} studied at the University of {place} and graduated in {year}." for name, place, year in PEOPLE]


@pytest.fixture
def web() -> Iterator[web_kit.Site]:
    with web_kit.serving(web_kit.Site(_pages, limit=3)) as state:
        yield state


async def _check(web: web_kit.Site, source: Any, settings: Settings, embedder: Any, llm: Any = None,
                 **kw: Any) -> Report:
    providers = build_providers(["searxng"], SearchSettings(searxng_url=web.base))
    try:
        return await acheck(
            source, settings=settings, allow_hosts=["127.0.0.1"], **kw,
            tools=Shared(embedder=embedder, providers=providers, llm=llm),
        )
    finally:
        for p in providers:
            await p.aclose()  # type: ignore[attr-defined]


def _page_passages(web: web_kit.Site, settings: Settings) -> list[str]:
    texts = []
    for path, (_, body) in web.pages.items():
        doc = parse_html(body.decode(), url=web.base + path)
        texts += [p.index_text for p in split_passages(doc, sentences=settings.passage_sentences,
                                                       max_chars=settings.passage_max_chars)]
    return texts


def test_offline_web_run_embeds_claims_in_one_batch_and_pages_in_another(web: web_kit.Site, tmp_path: Path) -> None:
    settings = Settings(cache_dir=tmp_path / "cache", db_path=tmp_path / "db.sqlite")
    claims = tmp_path / "claims.jsonl"
    claims.write_text("".join(json.dumps({"id": f"c{i}", "claim": c}) + "\n" for i, c in enumerate(_claims())),
                      encoding="utf-8")
    embedder = web_kit.WordEmbedder()
    report = asyncio.run(_check(web, claims, settings, embedder, claims=True))

    assert report.stats.fetches == len(PEOPLE)  # every page read once
    texts = Counter(t for call in embedder.calls for t in call)
    assert texts == Counter([*_page_passages(web, settings), *_claims()])  # each text once
    # the claims in one batch while their searches are out, the pages read in one batch after
    assert [sorted(call) for call in embedder.calls] == [sorted(_claims()), sorted(_page_passages(web, settings))]
    # the run's figures count what it read from the web
    assert report.stats.documents == len(PEOPLE)
    assert report.stats.passages == len(_page_passages(web, settings))
    assert all(row.evidence for row in report.claims)


def test_agent_web_run_embeds_each_claim_once(web: web_kit.Site, tmp_path: Path) -> None:
    settings = Settings(cache_dir=tmp_path / "cache", db_path=tmp_path / "db.sqlite", llm_base_url=None,
                        llm_model="scripted", llm_retries=1)
    doc = InputDocument(text=" ".join(_claims()), language="en", origin="test", format="txt")
    embedder = web_kit.WordEmbedder()
    llm = scripted_llm(settings)  # the scripted model in process

    async def go() -> Report:
        try:
            return await _check(web, doc, settings, embedder, llm=llm)
        finally:
            await llm.aclose()

    report = asyncio.run(go())
    claim_texts = [row.text for row in report.claims]
    assert len(claim_texts) == len(PEOPLE)
    texts = Counter(t for call in embedder.calls for t in call)
    assert all(texts[c] == 1 for c in claim_texts), texts
    assert all(n == 1 for n in texts.values())  # no page passage embedded twice either
    assert report.stats.documents == len(PEOPLE) and report.stats.passages > 0
