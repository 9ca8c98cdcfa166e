"""Fault injection: search backends and web pages that fail in every common way.

Each test runs a whole check (``acheck``) against a local HTTP server on 127.0.0.1 — the real
SearXNG provider for search, the real :class:`Reader` (allow-listed for 127.0.0.1) for pages —
or against an in-process provider with a fault schedule. Whatever fails, the run must finish
without raising, every claim must end with exactly one verdict, and the failure must be named:
in the affected claims' rationale (search) or in ``stats.fetch_failures`` (pages).
"""

from __future__ import annotations

import asyncio
import json
import random
from collections import Counter
from collections.abc import Iterator, Sequence
from http.server import BaseHTTPRequestHandler
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest

from conftest import settings_for
from search_kit import Sleeps, query_of, searx_json
from server_kit import LocalWeb, Route, html_page, serve_local_web
from veracity.config import Settings
from veracity.errors import ProviderError
from veracity.httputil import aclose_all
from veracity.pipeline import acheck
from veracity.reader.fetch import Reader
from veracity.run.tools import Shared
from veracity.search._http import RetryPolicy
from veracity.search.searxng import SearxngProvider
from veracity.search.settings import SearchSettings
from veracity.testing.http import send
from veracity.types import Label, Report, SearchResult


@pytest.fixture
def web() -> Iterator[LocalWeb]:
    with serve_local_web() as state:
        yield state


# --- shared pieces -----------------------------------------------------------------------------

BRISTOL = (
    "<p>Ada Quill grew up in Cardiff and moved to England to study physics.</p>"
    "<p>Ada Quill graduated from the University of Bristol in 2009 with a degree in physics.</p>"
    "<p>After Bristol she spent two years at a start-up that built spectrometers.</p>"
)

CLAIMS = [
    ("bristol", "Ada Quill graduated from the University of Bristol in 2009."),
    ("lumen", "Ada Quill joined the Lumen Institute in 2015 as a research scientist."),
    ("prize", "Ada Quill won the Harwell Optics Prize in 2018."),
]


def claims_file(tmp_path: Path, rows: Sequence[tuple[str, str]] = CLAIMS) -> Path:
    path = tmp_path / "claims.jsonl"
    path.write_text(
        "".join(json.dumps({"id": i, "claim": c}) + "\n" for i, c in rows), encoding="utf-8"
    )
    return path


def searxng(
    web: LocalWeb, sleeps: Sleeps, *, attempts: int = 3, timeout: float = 5.0
) -> SearxngProvider:
    return SearxngProvider(
        SearchSettings(searxng_url=web.base, search_timeout=timeout, _env_file=None),  # type: ignore[call-arg]
        retry=RetryPolicy(attempts=attempts, backoff=0.0, max_wait=1.0, sleep=sleeps),
    )


def run(
    claims: Path,
    settings: Settings,
    embedder: Any,
    providers: Sequence[Any],
    reader: Reader | None = None,
) -> Report:
    """One run; closes the reader and HTTP providers afterwards."""

    async def go() -> Report:
        try:
            return await acheck(
                claims, claims=True, settings=settings,
                tools=Shared(providers=list(providers), reader=reader, embedder=embedder),
            )
        finally:
            await aclose_all([reader, *providers])

    return asyncio.run(go())


def assert_one_verdict_each(report: Report, ids: Sequence[str]) -> None:
    """Exactly one row per claim, in order, each with a rationale; summary = table."""
    assert [c.id for c in report.claims] == list(ids)
    for row in report.claims:
        assert row.verdict.rationale.strip()
    table = Counter(c.verdict.label.value for c in report.claims)
    assert report.summary.total == len(ids)
    assert report.summary.counts == {lab.value: table.get(lab.value, 0) for lab in Label}
    assert sum(report.summary.counts.values()) == len(ids)


IDS = [i for i, _ in CLAIMS]

# --- search provider faults --------------------------------------------------------------------


def test_search_http_500_every_time_is_named_in_every_claim(
    web: LocalWeb, tmp_path: Path, use_embedder: Any
) -> None:
    web.routes["/search"] = lambda h: send(h, 500, "text/plain", b"internal error")
    sleeps = Sleeps()
    report = run(
        claims_file(tmp_path), settings_for(tmp_path), use_embedder, [searxng(web, sleeps)]
    )
    assert_one_verdict_each(report, IDS)
    assert web.requests["/search"] == 3 * len(CLAIMS)  # first try + 2 retries, per query
    assert len(sleeps.waits) == 2 * len(CLAIMS)
    for row in report.claims:
        assert row.verdict.label == Label.UNVERIFIABLE
        assert "searxng" in row.verdict.rationale and "HTTP 500" in row.verdict.rationale, (
            row.verdict.rationale
        )
    assert report.stats.fetches == 0


def test_search_429_with_retry_after_then_success(
    web: LocalWeb, tmp_path: Path, use_embedder: Any
) -> None:
    web.routes["/bristol"] = lambda h: send(
        h, 200, "text/html; charset=utf-8", html_page("Ada Quill at Bristol", BRISTOL)
    )
    seen: Counter[str] = Counter()

    def search(h: BaseHTTPRequestHandler) -> None:
        q = query_of(h)
        with web.lock:
            seen[q] += 1
            first = seen[q] == 1
        if first:
            send(h, 429, "application/json", b'{"error": "slow down"}', {"Retry-After": "7"})
        else:
            send(h, 200, "application/json", searx_json([web.url("/bristol")]))

    web.routes["/search"] = search
    sleeps = Sleeps()
    reader = Reader(allow=["127.0.0.1"], attempts=1, timeout=5)
    report = run(
        claims_file(tmp_path), settings_for(tmp_path), use_embedder, [searxng(web, sleeps)], reader
    )
    assert_one_verdict_each(report, IDS)
    assert sleeps.waits == [1.0] * len(CLAIMS)  # Retry-After honoured, capped at max_wait
    assert all(n == 2 for n in seen.values()) and len(seen) == len(CLAIMS)
    assert web.requests["/bristol"] == 1
    assert report.stats.fetches == 1 and report.stats.fetch_failures == []
    by_id = {c.id: c for c in report.claims}
    assert by_id["bristol"].verdict.label in (Label.TRUE, Label.MOSTLY_TRUE), by_id[
        "bristol"
    ].verdict
    assert any("/bristol" in e.source.url for e in by_id["bristol"].evidence)
    for row in report.claims:
        assert "429" not in row.verdict.rationale  # the retry succeeded: no failure to report


def test_search_timeout_is_named(web: LocalWeb, tmp_path: Path, use_embedder: Any) -> None:
    web.routes["/search"] = web.hang
    sleeps = Sleeps()
    report = run(
        claims_file(tmp_path),
        settings_for(tmp_path),
        use_embedder,
        [searxng(web, sleeps, attempts=2, timeout=0.2)],
    )
    assert_one_verdict_each(report, IDS)
    for row in report.claims:
        assert row.verdict.label == Label.UNVERIFIABLE
        assert "searxng" in row.verdict.rationale and "timed out" in row.verdict.rationale, (
            row.verdict.rationale
        )


def test_search_empty_results_give_unverifiable(
    web: LocalWeb, tmp_path: Path, use_embedder: Any
) -> None:
    web.routes["/search"] = lambda h: send(
        h, 200, "application/json", b'{"query": "x", "results": []}'
    )
    reader = Reader(allow=["127.0.0.1"], attempts=1)
    report = run(
        claims_file(tmp_path),
        settings_for(tmp_path),
        use_embedder,
        [searxng(web, Sleeps())],
        reader,
    )
    assert_one_verdict_each(report, IDS)
    assert report.stats.searches == len(CLAIMS)
    assert report.stats.fetches == 0 and report.stats.fetch_failures == []
    for row in report.claims:
        assert row.verdict.label == Label.UNVERIFIABLE
        assert row.evidence == []


@pytest.mark.parametrize(
    ("body", "detail"),
    [
        (b'{"results": [ {"url": "http://', "malformed JSON"),
        (b"<html>not json at all</html>", "malformed JSON"),
        (b'["a", "list"]', "an object was expected"),
        (b'{"results": "nope"}', "'results' is not a list"),
    ],
)
def test_search_malformed_json_is_named(
    web: LocalWeb, tmp_path: Path, use_embedder: Any, body: bytes, detail: str
) -> None:
    web.routes["/search"] = lambda h: send(h, 200, "application/json", body)
    report = run(
        claims_file(tmp_path), settings_for(tmp_path), use_embedder, [searxng(web, Sleeps())]
    )
    assert_one_verdict_each(report, IDS)
    for row in report.claims:
        assert row.verdict.label == Label.UNVERIFIABLE
        assert "searxng" in row.verdict.rationale and detail in row.verdict.rationale, (
            row.verdict.rationale
        )


# --- reader faults -----------------------------------------------------------------------------


def _truncated(h: BaseHTTPRequestHandler) -> None:
    body = html_page(
        "Cut short", "<p>Ada Quill joined the Lumen Institute in 2015 as a research scientist.</p>"
    )
    h.send_response(200)
    h.send_header("Content-Type", "text/html; charset=utf-8")
    h.send_header("Content-Length", str(len(body) + 5000))
    h.send_header("Connection", "close")
    h.end_headers()
    h.wfile.write(body)
    h.wfile.flush()
    h.close_connection = True


def _bad_pdf(h: BaseHTTPRequestHandler) -> None:
    send(
        h,
        200,
        "application/pdf",
        b"%PDF-1.4\n1 0 obj << /Type /Catalog >>\nthis is not a real pdf\n%%EOF",
    )


def fault_routes(web: LocalWeb) -> dict[str, Route]:
    """The broken pages: one that never answers, one cut short, a bad PDF, a 404."""
    return {"/slow": web.hang, **FAULT_ROUTES}


FAULT_ROUTES: dict[str, Route] = {
    "/truncated": _truncated,
    "/broken.pdf": _bad_pdf,
    "/gone": lambda h: send(h, 404, "text/html", b"<html><body>Not here</body></html>"),
}


def test_reader_faults_are_listed_and_the_good_page_still_counts(
    web: LocalWeb, tmp_path: Path, use_embedder: Any
) -> None:
    web.routes.update(fault_routes(web))
    web.routes["/bristol"] = lambda h: send(
        h, 200, "text/html; charset=utf-8", html_page("Ada Quill at Bristol", BRISTOL)
    )
    plan = {  # per claim: one broken page, then the good one (read_per_query is 3)
        CLAIMS[0][1]: ["/slow", "/truncated", "/bristol"],
        CLAIMS[1][1]: ["/broken.pdf", "/bristol"],
        CLAIMS[2][1]: ["/gone", "/truncated"],
    }
    web.routes["/search"] = lambda h: send(
        h, 200, "application/json", searx_json([web.url(p) for p in plan.get(query_of(h), [])])
    )
    reader = Reader(allow=["127.0.0.1"], attempts=1, timeout=0.4)
    report = run(
        claims_file(tmp_path),
        settings_for(tmp_path),
        use_embedder,
        [searxng(web, Sleeps())],
        reader,
    )
    assert_one_verdict_each(report, IDS)

    failures = report.stats.fetch_failures
    expected = {
        "/slow": "timed out",
        "/truncated": "connection failed",
        "/broken.pdf": "cannot parse PDF",
        "/gone": "HTTP 404",
    }
    for path, reason in expected.items():
        lines = [f for f in failures if f.startswith(web.url(path) + ":")]
        assert len(lines) == 1, (path, failures)  # each URL read (and listed) once per run
        assert reason in lines[0], lines[0]
    assert len(failures) == len(expected)
    assert report.stats.fetches == 1 and web.requests["/bristol"] == 1
    by_id = {c.id: c for c in report.claims}
    assert by_id["bristol"].verdict.label in (Label.TRUE, Label.MOSTLY_TRUE), by_id[
        "bristol"
    ].verdict
    for row in report.claims:  # nothing from a broken page is ever cited
        for ev in row.evidence:
            assert urlsplit(ev.source.url).path == "/bristol"


# --- a random mix ------------------------------------------------------------------------------

SIX = [
    ("c1", "Ada Quill graduated from the University of Bristol in 2009."),
    ("c2", "Ada Quill joined the Lumen Institute in 2015 as a research scientist."),
    ("c3", "Ada Quill won the Harwell Optics Prize in 2018."),
    ("c4", "Ada Quill grew up in Cardiff."),
    ("c5", "The Lumen Institute has more than two hundred staff."),
    ("c6", "Ada Quill spent two years at a start-up that built spectrometers."),
]

PAGE_PATHS = ["/bristol", "/slow", "/truncated", "/broken.pdf", "/gone"]


class ScheduledProvider:
    """An in-process search backend whose answer to each query is drawn from a seeded schedule:
    an error, an exception of another kind, a slow answer, no hits, or hits (good and bad pages)."""

    name = "chaos"

    def __init__(self, web: LocalWeb, seed: int) -> None:
        self.web = web
        self.rng = random.Random(seed)
        self.outcomes: dict[str, str] = {}

    async def search(
        self, query: str, *, limit: int = 10, lang: str | None = None
    ) -> list[SearchResult]:
        outcome = self.rng.choice(["provider_error", "crash", "timeout", "empty", "hits", "hits"])
        self.outcomes[query] = outcome
        if outcome == "provider_error":
            raise ProviderError("chaos: HTTP 503 from search.invalid")
        if outcome == "crash":
            raise ValueError("chaos: unexpected payload")
        if outcome == "timeout":
            await asyncio.sleep(0)  # the other claims' searches run meanwhile
            raise TimeoutError("chaos: timed out")
        if outcome == "empty":
            return []
        paths = self.rng.sample(PAGE_PATHS, k=self.rng.randint(1, 3))
        return [
            SearchResult(url=self.web.url(p), title=p, provider=self.name, rank=i)
            for i, p in enumerate(paths, 1)
        ]


@pytest.mark.parametrize("seed", [3, 11, 2024])
def test_random_fault_schedule_keeps_every_claim(
    web: LocalWeb, tmp_path: Path, use_embedder: Any, seed: int
) -> None:
    web.routes.update(fault_routes(web))
    web.routes["/bristol"] = lambda h: send(
        h, 200, "text/html; charset=utf-8", html_page("Ada Quill at Bristol", BRISTOL)
    )
    chaos = ScheduledProvider(web, seed)
    reader = Reader(allow=["127.0.0.1"], attempts=1, timeout=0.3)
    report = run(claims_file(tmp_path, SIX), settings_for(tmp_path), use_embedder, [chaos], reader)

    ids = [i for i, _ in SIX]
    assert_one_verdict_each(report, ids)
    assert len(report.claims) == len(SIX)
    assert set(chaos.outcomes) == {c for _, c in SIX}
    for (cid, text), row in zip(SIX, report.claims, strict=True):
        assert row.id == cid
        outcome = chaos.outcomes[text]
        if (
            outcome in ("provider_error", "crash", "timeout")
            and row.verdict.label == Label.UNVERIFIABLE
        ):
            assert "chaos" in row.verdict.rationale, (outcome, row.verdict.rationale)
        if outcome in ("empty", "provider_error", "crash", "timeout"):
            # this claim found nothing itself; it may only cite pages found for other claims
            assert all(urlsplit(e.source.url).path == "/bristol" for e in row.evidence)
    requested_bad = {p for p in PAGE_PATHS if p != "/bristol" and web.requests[p]}
    listed = {urlsplit(f.split(": ", 1)[0]).path for f in report.stats.fetch_failures}
    assert listed == requested_bad
    assert report.stats.fetches == (1 if web.requests["/bristol"] else 0)
