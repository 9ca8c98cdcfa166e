"""Helpers shared by the search tests: fixtures, mock transports, provider factories, and the
one SearXNG stand-in.

Every provider gets an httpx client over :class:`httpx.MockTransport`, so nothing leaves the
machine; the retry policy's sleep is a recorder, so no test waits for real. Where a whole run
must search over real HTTP (a server, a CLI in another process), :class:`SearxStandIn` is a
SearXNG-shaped JSON API on 127.0.0.1 (the page server of ``server_kit`` with a ``/search`` route;
tests that need a failing or slow search route ``/search`` on that server themselves).
"""

from __future__ import annotations

import asyncio
import gzip
import json
import threading
from collections.abc import Callable, Coroutine, Sequence
from contextlib import ExitStack
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler
from pathlib import Path
from types import TracebackType
from typing import Any, TypeVar
from urllib.parse import parse_qs, urlsplit

import httpx
import yaml

from veracity.search._http import HttpProvider, RetryPolicy
from veracity.search.settings import SearchSettings
from veracity.testing.http import send

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "search"
SHARED = Path(__file__).resolve().parents[2] / "shared"
RECORDED = SHARED / "recorded-api"

KEYS = {
    "brave_api_key": "brave-SECRET-123",
    "tavily_api_key": "tvly-SECRET-456",
    "serper_api_key": "serper-SECRET-789",
    "semantic_scholar_api_key": "s2-SECRET-000",
}

T = TypeVar("T")
Handler = Callable[[httpx.Request], httpx.Response]


def run(coro: Coroutine[Any, Any, T]) -> T:
    return asyncio.run(coro)


def fixture_text(name: str) -> str:
    return (FIXTURES / name).read_text(encoding="utf-8")


def fixture_json(name: str) -> Any:
    return json.loads(fixture_text(name))


def settings(**overrides: Any) -> SearchSettings:
    """Settings that ignore the environment and .env: every key given explicitly."""
    values: dict[str, Any] = {
        "searxng_url": "https://searx.example.org",
        "contact_email": "team@example.org",
        "arxiv_min_interval": 0.0,
        "semantic_scholar_min_interval": 0.0,
        **KEYS,
    }
    values.update(overrides)
    return SearchSettings(_env_file=None, **values)  # type: ignore[call-arg]


@dataclass
class Sleeps:
    """A fake ``asyncio.sleep`` that records the waits asked for."""

    waits: list[float] = field(default_factory=list)

    async def __call__(self, seconds: float) -> None:
        self.waits.append(seconds)


def fast_retry(attempts: int = 3, max_wait: float = 60.0) -> tuple[RetryPolicy, Sleeps]:
    sleeps = Sleeps()
    return RetryPolicy(attempts=attempts, backoff=0.5, max_wait=max_wait, sleep=sleeps), sleeps


@dataclass
class Recorder:
    """A MockTransport handler that keeps every request and answers with ``handler``."""

    handler: Handler
    requests: list[httpx.Request] = field(default_factory=list)

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        return self.handler(request)


def flaky(handler: Handler, failures: list[httpx.Response | Exception]) -> Handler:
    """Answer the first requests with ``failures`` (responses or raised errors), then delegate."""
    queue = list(failures)

    def answer(request: httpx.Request) -> httpx.Response:
        if queue:
            item = queue.pop(0)
            if isinstance(item, Exception):
                raise item
            return item
        return handler(request)

    return answer


def client_for(handler: Handler) -> httpx.AsyncClient:
    return httpx.AsyncClient(transport=httpx.MockTransport(handler))


def json_response(
    data: Any, status: int = 200, headers: dict[str, str] | None = None
) -> httpx.Response:
    return httpx.Response(status, json=data, headers=headers)


# ---------------------------------------------------------------------------------------------
# per-provider routes: the fixture each endpoint answers with


def route(name: str) -> Handler:
    """The handler that serves the fixtures of provider ``name``."""

    def handler(request: httpx.Request) -> httpx.Response:
        params = request.url.params
        path = request.url.path
        if name == "searxng":
            return json_response(fixture_json("searxng_search.json"))
        if name == "brave":
            return json_response(fixture_json("brave_web.json"))
        if name == "tavily":
            return json_response(fixture_json("tavily_search.json"))
        if name == "serper":
            return json_response(fixture_json("serper_search.json"))
        if name == "wikipedia":
            if params.get("list") == "search":
                return json_response(fixture_json("wikipedia_zh_search.json"))
            return json_response(fixture_json("wikipedia_zh_extracts.json"))
        if name == "wikidata":
            if params.get("action") == "wbsearchentities":
                return json_response(fixture_json("wikidata_search.json"))
            return json_response(fixture_json("wikidata_entities.json"))
        if name == "openalex":
            if path.endswith("/authors"):
                return json_response(fixture_json("openalex_authors.json"))
            return json_response(fixture_json("openalex_works.json"))
        if name == "arxiv":
            return httpx.Response(
                200,
                text=fixture_text("arxiv_feed.xml"),
                headers={"content-type": "application/atom+xml"},
            )
        if name == "crossref":
            return json_response(fixture_json("crossref_works.json"))
        if name == "semanticscholar":
            if "/author/" in path:
                return json_response(fixture_json("s2_author_search.json"))
            return json_response(fixture_json("s2_paper_search.json"))
        if name == "dblp":
            if "/author/" in path:
                return json_response(fixture_json("dblp_author.json"))
            return json_response(fixture_json("dblp_publ.json"))
        if name == "openreview":
            if path.startswith("/profiles"):
                return json_response(fixture_json("openreview_profiles.json"))
            return json_response(fixture_json("openreview_notes.json"))
        raise AssertionError(f"no route for {name}")

    return handler


EMPTY: dict[str, Callable[[], httpx.Response]] = {
    "searxng": lambda: json_response({"query": "x", "number_of_results": 0, "results": []}),
    "brave": lambda: json_response({"type": "search", "query": {"original": "x"}}),
    "tavily": lambda: json_response({"query": "x", "results": [], "response_time": 0.5}),
    "serper": lambda: json_response({"searchParameters": {"q": "x"}, "organic": []}),
    "wikipedia": lambda: json_response({"batchcomplete": True, "query": {"search": []}}),
    "wikidata": lambda: json_response({"searchinfo": {"search": "x"}, "search": [], "success": 1}),
    "openalex": lambda: json_response({"meta": {"count": 0}, "results": []}),
    "arxiv": lambda: httpx.Response(
        200,
        text=(
            "<?xml version='1.0' encoding='UTF-8'?>"
            '<feed xmlns="http://www.w3.org/2005/Atom" '
            'xmlns:opensearch="http://a9.com/-/spec/opensearch/1.1/">'
            "<opensearch:totalResults>0</opensearch:totalResults></feed>"
        ),
    ),
    "crossref": lambda: json_response(
        {"status": "ok", "message-type": "work-list", "message": {"total-results": 0, "items": []}}
    ),
    "semanticscholar": lambda: json_response({"total": 0, "offset": 0}),
    "dblp": lambda: json_response(
        {"result": {"status": {"@code": "200", "text": "OK"}, "hits": {"@total": "0"}}}
    ),
    "openreview": lambda: json_response({"notes": [], "count": 0}),
}

REQUESTS_PER_SEARCH = {"wikipedia": 2, "wikidata": 2}
"""Providers whose search takes two requests; the rest take one."""


def make(
    name: str,
    handler: Handler,
    *,
    retry: RetryPolicy | None = None,
    **setting_overrides: Any,
) -> tuple[HttpProvider, Recorder]:
    """Provider ``name`` over a mock transport, with the requests it sends recorded."""
    from veracity.search.registry import build_providers

    recorder = Recorder(handler)
    policy = retry or fast_retry()[0]
    provider = build_providers(
        [name], settings(**setting_overrides), client_for(recorder), retry=policy
    )[0]
    assert isinstance(provider, HttpProvider)
    return provider, recorder


# ---------------------------------------------------------------------------------------------
# recorded responses (../shared/recorded-api)


def cassette_response(path: Path, index: int = 0) -> tuple[str, httpx.Response]:
    """The request URI and the response of interaction ``index`` of a VCR cassette."""
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    interaction = data["interactions"][index]
    uri: str = interaction["request"]["uri"]
    response = interaction["response"]
    status = response["status"]["code"]
    body: Any = response["body"]["string"]
    raw = body if isinstance(body, bytes) else body.encode("utf-8")
    if raw[:2] == b"\x1f\x8b":
        raw = gzip.decompress(raw)
    headers = {k: v[0] for k, v in (response.get("headers") or {}).items() if isinstance(v, list)}
    content_type = headers.get("Content-Type") or headers.get("content-type") or "application/json"
    return uri, httpx.Response(status, content=raw, headers={"content-type": content_type})


# ---------------------------------------------------------------------------------------------
# a SearXNG stand-in over real HTTP


def searx_json(urls: Sequence[str]) -> bytes:
    """A SearXNG JSON answer listing ``urls`` (titled ``hit 0``, ``hit 1``…)."""
    results = [{"url": u, "title": f"hit {i}", "content": "snippet"} for i, u in enumerate(urls)]
    return json.dumps({"results": results}).encode()


def query_of(h: BaseHTTPRequestHandler) -> str:
    """The ``q`` parameter of a request."""
    return parse_qs(urlsplit(h.path).query).get("q", [""])[0]


class SearxStandIn:
    """SearXNG's ``GET /search?q=…&format=json`` on a free loopback port: a
    :class:`server_kit.LocalWeb` whose ``/search`` answers each query with the result URLs
    ``answer(query)`` gives (default: none)::

        with SearxStandIn(lambda q: ["https://example.org/a"]) as searx:
            monkeypatch.setenv("VERACITY_SEARXNG_URL", searx.url)

    ``queries`` keeps the queries asked, in arrival order; ``web`` is the server (more routes,
    request counts)."""

    def __init__(self, answer: Callable[[str], Sequence[str]] | None = None) -> None:
        self.answer = answer or (lambda query: [])
        self.queries: list[str] = []
        self.url = ""
        self._lock = threading.Lock()
        self._stack = ExitStack()

    def search(self, h: BaseHTTPRequestHandler) -> None:
        """The ``/search`` route."""
        query = query_of(h)
        with self._lock:
            self.queries.append(query)
        send(h, 200, "application/json", searx_json(self.answer(query)))

    def __enter__(self) -> SearxStandIn:
        from server_kit import serve_local_web

        self.web = self._stack.enter_context(serve_local_web())
        self.web.routes["/search"] = self.search
        self.url = self.web.base
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self._stack.close()
