"""One ranking per claim: every passage of every page read in the run, plus the claim's corpus
hits, compete in a single hybrid ranking — no page is cut to its own top passages first.

The page is a long local history page (31 passages) whose deciding sentence ("… in May 1932")
is lexically and semantically weaker than three decoy passages that repeat the claim's words
without its year. A per-page top-3 cut keeps only the decoys; one ranking keeps the deciding
sentence among the passages handed to the judge. The same page served by a local
SearXNG-style endpoint and read by the real reader, or put as a file in a ``--corpus`` folder,
gives the judge the same passages, hence the same verdict and the same quotes.

Both pools are the whole page when it has at most ``2 * top_k`` passages (what the corpus
returns per search); a longer page reaches the one ranking through the corpus's best
``2 * top_k`` hits, so only the tail of weak passages may be ordered differently.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import numpy as np
import pytest

from veracity.config import Settings
from veracity.corpus.passages import split_passages
from veracity.judge.match import EvidenceMatchJudge
from veracity.pipeline import acheck
from veracity.reader.cache import StoreFetchCache
from veracity.reader.fetch import Reader
from veracity.reader.html import parse_html
from veracity.run.session import RunSession
from veracity.run.tools import Shared
from veracity.search.registry import build_providers
from veracity.search.settings import SearchSettings
from veracity.store import Store
from veracity.testing.http import send, serve_http
from veracity.types import Claim, Report

PAGE_PATH = "/history/orrin-valley"
CLAIM = "The Orrin Bridge opened to traffic in 1932."
DECISIVE = (
    "After four years of building, with stone hauled from the quarry and steel shipped from "
    "the coast, the first cars crossed the Orrin Bridge in May 1932."
)
DECOYS = [
    "The Orrin Bridge opened to traffic and the traffic on the Orrin Bridge keeps growing; "
    "traffic planners say the bridge opened the valley.",
    "People still argue about the day the Orrin Bridge opened to traffic: the Orrin Bridge "
    "opened to traffic with no ceremony at all.",
    "Nobody recorded who drove first when the Orrin Bridge opened to traffic, though the Orrin "
    "Bridge opened to traffic to great fanfare.",
]
FILLERS = [
    "The river valley is known for its apple orchards.",
    "Local fishermen catch trout in the cold upstream pools.",
    "A small museum displays tools used by early settlers.",
    "The town library holds a collection of old maps.",
    "Winters in the valley are long and often snowy.",
    "A farmers' market runs every Saturday in the square.",
    "The church on the hill was rebuilt after a fire.",
    "Several hiking trails start near the old mill.",
    "The school choir performs at the summer festival.",
    "Wild herons nest along the marshy northern bank.",
    "The regional newspaper was founded by two brothers.",
    "A ferry once carried goods between the two villages.",
    "The mill's water wheel still turns on holidays.",
    "Beekeepers sell honey at stalls along the main road.",
    "The valley's vineyards produce a light white wine.",
    "A stone tower on the ridge served as a lookout.",
    "Children learn to skate on the frozen pond in January.",
    "The railway station closed to passengers decades ago.",
    "Artists rent studios in the converted warehouse.",
    "A weekly bus links the valley to the coast.",
    "The old quarry is now a swimming lake.",
    "Oak forests cover the southern slopes of the hills.",
    "The annual horse fair draws visitors from afar.",
    "A local bakery is famous for its rye bread.",
    "The village hall hosts a film club on Fridays.",
    "Storks return to the chimneys every spring.",
]


def _paragraphs(fillers: int = len(FILLERS)) -> list[str]:
    """Fillers with the decoys spread through the page and the deciding sentence near its end
    (one passage each, after the title's)."""
    f = FILLERS[:fillers]
    n = len(f)
    a, b, c, d = n * 6 // 26, n * 12 // 26, n * 18 // 26, n * 23 // 26
    return [*f[:a], DECOYS[0], *f[a:b], DECOYS[1], *f[b:c], DECOYS[2], *f[c:d], DECISIVE, *f[d:]]


def page_html(url: str, paragraphs: list[str] | None = None, title: str = "A history of the Orrin valley") -> bytes:
    body = "".join(f"<p>{p}</p>" for p in (paragraphs if paragraphs is not None else _paragraphs()))
    return f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<title>{title}</title>
<link rel="canonical" href="{url}">
<meta property="article:published_time" content="2020-03-01T10:00:00Z">
</head><body><article><h1>{title}</h1>{body}</article></body></html>""".encode()


class LocalSite:
    """A SearXNG-style ``/search`` endpoint whose only result is the page it also serves."""

    def __init__(self) -> None:
        self.base = ""
        self.page = b""
        self.requests: list[str] = []

    def serve(self, paragraphs: list[str]) -> None:
        self.page = page_html(self.url, paragraphs)

    @property
    def url(self) -> str:
        return f"{self.base}{PAGE_PATH}"


@pytest.fixture
def site() -> Iterator[LocalSite]:
    state = LocalSite()

    class Handler(BaseHTTPRequestHandler):
        def log_message(self, format: str, *args: Any) -> None:
            pass

        def do_GET(self) -> None:
            parts = urlsplit(self.path)
            state.requests.append(parts.path)
            if parts.path == "/search" and parse_qs(parts.query).get("format") == ["json"]:
                hit = {"url": state.url, "title": "A history of the Orrin valley", "content": "…"}
                answer = {"query": parse_qs(parts.query).get("q", [""])[0], "results": [hit]}
                send(self, 200, "application/json", json.dumps(answer).encode())
            elif parts.path == PAGE_PATH:
                send(self, 200, "text/html; charset=utf-8", state.page)
            else:
                send(self, 404, "text/plain", b"not found")

    with serve_http(Handler) as base:
        state.base = base
        state.page = page_html(state.url)
        yield state


def _claims_file(tmp_path: Path) -> Path:
    path = tmp_path / "claims.jsonl"
    path.write_text(json.dumps({"id": "orrin", "claim": CLAIM}) + "\n", encoding="utf-8")
    return path


@pytest.fixture
def judged(monkeypatch: pytest.MonkeyPatch) -> list[list[str]]:
    """The passage texts the (default, offline) judge is handed, one list per claim judged."""
    seen: list[list[str]] = []
    real = EvidenceMatchJudge.judge

    async def spy(self: EvidenceMatchJudge, claim: Claim, passages: list[Any], lang: str) -> Any:
        seen.append([rp.passage.text for rp in passages])
        return await real(self, claim, passages, lang)

    monkeypatch.setattr(EvidenceMatchJudge, "judge", spy)
    return seen


async def _web_run(site: LocalSite, claims: Path, settings: Settings, store: Store, embedder: Any) -> Report:
    providers = build_providers(["searxng"], SearchSettings(searxng_url=site.base))
    try:
        async with Reader(allow=["127.0.0.1"], cache=StoreFetchCache(store), attempts=1) as reader:
            return await acheck(
                claims, claims=True, settings=settings,
                tools=Shared(store=store, providers=providers, reader=reader, embedder=embedder),
            )
    finally:
        for p in providers:
            await p.aclose()  # type: ignore[attr-defined]


@pytest.mark.parametrize("fillers", [26, 8], ids=["31-passages", "13-passages"])
def test_same_page_from_the_web_or_the_corpus_gets_the_same_verdict_and_quotes(
    site: LocalSite, tmp_path: Path, use_embedder: Any, judged: list[list[str]], fillers: int
) -> None:
    site.serve(_paragraphs(fillers))
    claims = _claims_file(tmp_path)
    settings = Settings(cache_dir=tmp_path / "cache", db_path=tmp_path / "db.sqlite")
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "orrin-valley.html").write_bytes(site.page)  # the very bytes the server sends

    with Store(settings.db_path) as store:
        web = asyncio.run(_web_run(site, claims, settings, store, use_embedder))
    assert PAGE_PATH in site.requests and web.stats.fetches == 1 and web.stats.fetch_failures == []
    local = asyncio.run(acheck(
        claims, claims=True, corpus=[corpus],
        settings=settings.model_copy(update={"db_path": tmp_path / "local.sqlite"}),
        tools=Shared(embedder=use_embedder),
    ))
    assert local.stats.fetches == 0 and local.stats.documents == 1

    # the same verdict, on the same quotes of the same page (a per-page top-3 cut left the web
    # run's judge the decoys alone: "partly_true" against the corpus run's "true")
    [w], [c] = web.claims, local.claims
    assert w.verdict.label == c.verdict.label, (w.verdict, c.verdict)
    assert [(e.quote, e.source.url) for e in w.evidence] == [(e.quote, e.source.url) for e in c.evidence]
    assert w.evidence and all(e.source.url == site.url for e in w.evidence)

    # because the judge was handed the same passages
    assert len(judged) == 2
    web_passages, corpus_passages = judged
    assert len(web_passages) == len(corpus_passages) == settings.top_k
    if fillers + 5 <= 2 * settings.top_k:  # the corpus returned the whole page: same pool
        assert web_passages == corpus_passages
    else:  # the passages that share the claim's words lead both rankings, in the same order
        assert web_passages[:4] == corpus_passages[:4]
    assert set(web_passages[:4]) == {*DECOYS, DECISIVE}


# --- the ranking itself ---------------------------------------------------------------------------


class CountingEmbedder:
    """Wraps an embedder and counts the texts it is asked to embed."""

    def __init__(self, inner: Any) -> None:
        self.inner = inner
        self.name, self.dim = inner.name, inner.dim
        self.texts: list[str] = []

    def embed(self, texts: list[str]) -> np.ndarray:
        self.texts.extend(texts)
        return np.asarray(self.inner.embed(texts), dtype=np.float32)


def _run(tmp_path: Path, embedder: Any, store: Store) -> RunSession:
    settings = Settings(cache_dir=tmp_path / "cache", db_path=tmp_path / "db.sqlite")
    return RunSession(run_id="r", store=store, providers=[], corpus=None, embedder=embedder,
               judge=EvidenceMatchJudge(), settings=settings, lang="en", progress=None)


def _claim(text: str, cid: str = "c1") -> Claim:
    return Claim(id=cid, text=text, original=text)


def test_deciding_passage_of_a_long_page_is_ranked_above_the_page_cut(tmp_path: Path, use_embedder: Any) -> None:
    """The deciding passage ranks 4th on its page, after the three decoys: a per-page top-3 cut
    dropped it; the one ranking hands it to the judge."""
    url = "https://history.example.org/orrin"
    doc = parse_html(page_html(url), url=url)
    with Store(tmp_path / "db.sqlite") as store:
        run = _run(tmp_path, use_embedder, store)
        run.documents[url] = doc
        ranked = asyncio.run(run.ranked(_claim(CLAIM)))
    texts = [rp.passage.text for rp in ranked]
    assert len(texts) == run.settings.top_k  # every passage of the page was a candidate
    assert set(texts[:3]) == set(DECOYS)  # the decoys lead, as they did on the page alone
    assert DECISIVE in texts


def test_pages_are_embedded_once_per_run_not_once_per_claim(
    tmp_path: Path, use_embedder: Any, monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Ranking claims against many pages embeds each page's passages once (when the page is
    first used), and looks at each once for a statement of another name; a later claim embeds
    only its own text."""
    from veracity.run import session

    looked: list[str] = []

    def states_alias(text: str) -> bool:
        looked.append(text)
        return False

    monkeypatch.setattr(session, "has_alias_statement", states_alias)
    counting = CountingEmbedder(use_embedder)
    with Store(tmp_path / "db.sqlite") as store:
        run = _run(tmp_path, counting, store)
        for n in range(12):
            url = f"https://site{n}.example.org/page"
            paragraphs = [*FILLERS[n : n + 8], f"Page {n} notes that the Orrin Bridge was painted in {1950 + n}."]
            run.documents[url] = parse_html(page_html(url, paragraphs, title=f"Valley notes {n}"), url=url)
        first = asyncio.run(run.ranked(_claim(CLAIM)))
        passages = [p.index_text for d in run.documents.values() for p in split_passages(d)]
        assert len(passages) > 12 * 8
        assert sorted(counting.texts) == sorted([*passages, CLAIM])  # each passage once, and the claim
        counting.texts.clear()
        second = asyncio.run(run.ranked(_claim("The Orrin Bridge was painted in 1957.", "c2")))
        assert counting.texts == ["The Orrin Bridge was painted in 1957."]
    assert first and second
    assert sorted(looked) == sorted(p.text for d in run.documents.values() for p in split_passages(d))
    assert "1957" in second[0].passage.text
