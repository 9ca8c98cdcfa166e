"""Web search providers: SearXNG, Brave, Tavily, Serper, DuckDuckGo (ddgs)."""

from __future__ import annotations

import json
from typing import Any

import httpx
import pytest

from search_kit import KEYS, make, route, run, settings
from veracity.errors import ConfigError, ProviderError
from veracity.search import duckduckgo
from veracity.search.brave import BraveProvider
from veracity.search.duckduckgo import INSTALL_HINT, DuckDuckGoProvider
from veracity.search.searxng import SearxngProvider

# -- SearXNG -----------------------------------------------------------------------------------


def test_searxng_request_and_results() -> None:
    provider, recorder = make("searxng", route("searxng"))
    results = run(provider.search("Jack Rae Gopher", limit=10, lang="zh-CN"))
    request = recorder.requests[0]
    assert str(request.url.copy_with(query=None)) == "https://searx.example.org/search"
    assert request.url.params["q"] == "Jack Rae Gopher"
    assert request.url.params["format"] == "json"
    assert request.url.params["language"] == "zh"
    # the magnet link is dropped; ranks follow the instance's order
    assert [r.url for r in results] == [
        "https://deepmind.google/discover/blog/language-modelling-at-scale-gopher-ethical-considerations-and-retrieval/",
        "https://arxiv.org/abs/2112.11446",
        "https://en.wikipedia.org/wiki/Gopher_(language_model)",
    ]
    first, second, third = results
    assert first.published == "2021-12-08"
    assert first.score == 4.0
    assert first.snippet.startswith("A blog post from the Gopher team")  # <b> removed
    assert second.published is None
    assert third.published is None  # "not a date" is not turned into one


def test_searxng_without_language_sends_none() -> None:
    provider, recorder = make("searxng", route("searxng"))
    run(provider.search("x", lang="other"))
    assert "language" not in recorder.requests[0].url.params


def test_searxng_base_url_override() -> None:
    seen: list[str] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(str(request.url.copy_with(query=None)))
        return route("searxng")(request)

    client = httpx.AsyncClient(transport=httpx.MockTransport(handler))
    provider = SearxngProvider(settings(), client=client, base_url="http://127.0.0.1:8888/searx/")
    run(provider.search("x"))
    assert seen == ["http://127.0.0.1:8888/searx/search"]


def test_searxng_needs_a_url() -> None:
    with pytest.raises(ConfigError, match="VERACITY_SEARXNG_URL"):
        SearxngProvider(settings(searxng_url=None))


def test_searxng_403_explains_the_json_format() -> None:
    provider, _ = make("searxng", lambda r: httpx.Response(403, text="Forbidden"))
    with pytest.raises(ProviderError, match=r"search\.formats"):
        run(provider.search("x"))


# -- Brave -------------------------------------------------------------------------------------


def test_brave_request_and_results() -> None:
    provider, recorder = make("brave", route("brave"))
    results = run(provider.search("Jack Rae Meta", limit=50, lang="zh"))
    request = recorder.requests[0]
    assert (
        str(request.url.copy_with(query=None)) == "https://api.search.brave.com/res/v1/web/search"
    )
    assert request.headers["X-Subscription-Token"] == KEYS["brave_api_key"]
    assert request.headers["Accept"] == "application/json"
    assert request.url.params["count"] == "20"  # Brave's maximum
    assert request.url.params["search_lang"] == "zh-hans"
    assert len(results) == 2
    first, second = results
    assert first.title == "Jack Rae leaves Google DeepMind for Meta"
    assert first.published == "2025-06-12"
    assert "Meta's new superintelligence group" in first.snippet
    assert "He previously led pre-training work on Gemini." in first.snippet
    assert second.published is None  # "3 days ago" is not a date


def test_brave_needs_a_key() -> None:
    with pytest.raises(ConfigError, match="VERACITY_BRAVE_API_KEY"):
        BraveProvider(settings(brave_api_key=None))
    with pytest.raises(ConfigError):
        BraveProvider(settings(brave_api_key=""))


# -- Tavily ------------------------------------------------------------------------------------


def test_tavily_request_and_results() -> None:
    provider, recorder = make("tavily", route("tavily"))
    results = run(provider.search("Jack Rae Gemini", limit=4))
    request = recorder.requests[0]
    assert request.method == "POST"
    assert str(request.url) == "https://api.tavily.com/search"
    assert request.headers["Authorization"] == f"Bearer {KEYS['tavily_api_key']}"
    body = json.loads(request.content)
    assert body["query"] == "Jack Rae Gemini"
    assert body["max_results"] == 4
    assert body["include_answer"] is False
    assert "api_key" not in body
    assert [r.score for r in results] == [0.8731, 0.61]
    assert results[0].published == "2025-06-12"
    assert results[1].published is None


# -- Serper ------------------------------------------------------------------------------------


def test_serper_request_and_results() -> None:
    provider, recorder = make("serper", route("serper"))
    results = run(provider.search("杰克·雷 Meta", limit=10, lang="zh"))
    request = recorder.requests[0]
    assert request.method == "POST"
    assert str(request.url) == "https://google.serper.dev/search"
    assert request.headers["X-API-KEY"] == KEYS["serper_api_key"]
    assert json.loads(request.content) == {"q": "杰克·雷 Meta", "num": 10, "hl": "zh-cn"}
    # ordered by Serper's position, not by list order
    assert [r.url for r in results] == [
        "https://example-cn-news.com/p/3333286223030536",
        "https://example-homepage.org/",
        "https://x.com/jack_w_rae",
    ]
    assert results[0].published == "2025-06-12"
    assert results[2].published is None  # "3 days ago"
    assert results[0].title == "谷歌DeepMind首席研究员Jack Rae加入Meta"


def test_serper_base_url_override() -> None:
    provider, recorder = make("serper", route("serper"), serper_url="http://127.0.0.1:7000/search")
    run(provider.search("x"))
    assert str(recorder.requests[0].url) == "http://127.0.0.1:7000/search"


# -- DuckDuckGo (ddgs) ---------------------------------------------------------------------------


class FakeDDGS:
    def __init__(self, rows: Any = None, error: Exception | None = None) -> None:
        self.rows = rows
        self.error = error
        self.calls: list[dict[str, Any]] = []

    def text(self, query: str, **kwargs: Any) -> Any:
        self.calls.append({"query": query, **kwargs})
        if self.error is not None:
            raise self.error
        return self.rows


ROWS = [
    {"title": "Jack Rae", "href": "https://example.org/jack-rae", "body": "A <b>researcher</b>."},
    {"title": "no link", "body": "skipped"},
    {"title": "ftp", "href": "ftp://example.org/file", "body": "skipped"},
    {"title": "Second", "href": "https://example.org/2", "body": "Two"},
]


def test_duckduckgo_calls_ddgs_in_the_right_shape() -> None:
    fake = FakeDDGS(ROWS)
    provider = DuckDuckGoProvider(settings(), ddgs_factory=lambda: fake, backend="duckduckgo")
    results = run(provider.search("Jack Rae", limit=5, lang="zh"))
    assert fake.calls == [
        {"query": "Jack Rae", "region": "cn-zh", "max_results": 5, "backend": "duckduckgo"}
    ]
    assert [r.url for r in results] == ["https://example.org/jack-rae", "https://example.org/2"]
    assert results[0].snippet == "A researcher."
    assert all(r.published is None for r in results)


def test_duckduckgo_regions() -> None:
    fake = FakeDDGS(ROWS)
    provider = DuckDuckGoProvider(settings(), ddgs_factory=lambda: fake)
    run(provider.search("x", lang=None))
    run(provider.search("x", lang="de"))
    assert [c["region"] for c in fake.calls] == ["wt-wt", "de-de"]
    assert fake.calls[0]["backend"] == "auto"


def test_duckduckgo_no_results_is_empty() -> None:
    fake = FakeDDGS(error=RuntimeError("No results found."))
    provider = DuckDuckGoProvider(settings(), ddgs_factory=lambda: fake)
    assert run(provider.search("n0 r3sult")) == []


def test_duckduckgo_failure_is_provider_error() -> None:
    class RatelimitException(Exception):
        pass

    fake = FakeDDGS(error=RatelimitException("202 Ratelimit"))
    provider = DuckDuckGoProvider(settings(), ddgs_factory=lambda: fake)
    with pytest.raises(ProviderError, match=r"duckduckgo: search failed \(RatelimitException\)"):
        run(provider.search("x"))


def test_duckduckgo_bad_return_type() -> None:
    provider = DuckDuckGoProvider(settings(), ddgs_factory=lambda: FakeDDGS({"not": "a list"}))
    with pytest.raises(ProviderError, match="not a list"):
        run(provider.search("x"))


def test_duckduckgo_missing_package_gives_install_hint(monkeypatch: pytest.MonkeyPatch) -> None:
    def missing(name: str) -> Any:
        raise ImportError(f"No module named {name!r}")

    monkeypatch.setattr(duckduckgo.importlib, "import_module", missing)
    provider = DuckDuckGoProvider(settings())
    with pytest.raises(ProviderError) as info:
        run(provider.search("x"))
    assert INSTALL_HINT in str(info.value)
