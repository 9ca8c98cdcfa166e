"""The contract every search provider keeps, and the registry that builds them.

The contract test runs each provider against its fixture (a realistic reply written from the
API's documentation) and checks the fields of every hit; the error-path tests run every HTTP
provider through 5xx/429/network failures, malformed bodies and empty replies.
"""

from __future__ import annotations

import re
from datetime import date
from typing import Any

import httpx
import pytest

from search_kit import (
    EMPTY,
    KEYS,
    REQUESTS_PER_SEARCH,
    fast_retry,
    flaky,
    make,
    route,
    run,
    settings,
)
from veracity.errors import ConfigError, ProviderError
from veracity.search.base import SearchProvider
from veracity.search.duckduckgo import DuckDuckGoProvider, ddgs_available
from veracity.search.registry import (
    ALL_PROVIDERS,
    build_providers,
    configured_names,
    provider_status,
)
from veracity.types import SearchResult

HTTP_PROVIDERS = [p.name for p in ALL_PROVIDERS if p.name != "duckduckgo"]
ISO = re.compile(r"^\d{4}(-\d{2}(-\d{2})?)?$")


class FakeDDGS:
    """Stands in for ``ddgs.DDGS``: the network is out of reach in tests."""

    def __init__(self, rows: list[dict[str, Any]] | None = None, error: Exception | None = None):
        self.rows = (
            rows
            if rows is not None
            else [
                {
                    "title": "Jack Rae - Wikipedia",
                    "href": "https://en.wikipedia.org/wiki/Jack_Rae",
                    "body": "Jack Rae may refer to …",
                },
                {
                    "title": "Gopher paper",
                    "href": "https://arxiv.org/abs/2112.11446",
                    "body": "Scaling language models",
                },
            ]
        )
        self.error = error
        self.calls: list[dict[str, Any]] = []

    def text(self, query: str, **kwargs: Any) -> list[dict[str, Any]]:
        self.calls.append({"query": query, **kwargs})
        if self.error is not None:
            raise self.error
        return self.rows


def assert_well_formed(results: list[SearchResult], provider: str, limit: int) -> None:
    assert results, f"{provider}: no results from its fixture"
    assert len(results) <= limit
    assert [r.rank for r in results] == list(range(1, len(results) + 1))
    assert len({r.url for r in results}) == len(results), "duplicate URLs"
    for r in results:
        assert r.provider == provider
        assert r.url.startswith(("http://", "https://")), r.url
        assert r.title is None or (isinstance(r.title, str) and r.title.strip())
        assert isinstance(r.snippet, str)
        assert "<span" not in r.snippet and "<strong>" not in r.snippet
        if r.published is not None:
            assert ISO.match(r.published), r.published
            parts = [int(p) for p in r.published.split("-")] + [1, 1]
            date(parts[0], parts[1], parts[2])  # a real calendar date
        assert r.score is None or isinstance(r.score, float)


# ---------------------------------------------------------------------------------------------
# the contract


@pytest.mark.parametrize("name", HTTP_PROVIDERS)
def test_contract_http_providers(name: str) -> None:
    provider, recorder = make(name, route(name))
    assert isinstance(provider, SearchProvider)
    assert provider.name == name
    results = run(provider.search("Jack Rae DeepMind", limit=3, lang="zh"))
    assert_well_formed(results, name, 3)
    for request in recorder.requests:
        assert request.headers["User-Agent"].startswith(
            "veracity/0.1 (+https://github.com/veracity"
        )


def test_contract_duckduckgo() -> None:
    fake = FakeDDGS()
    provider = DuckDuckGoProvider(settings(), ddgs_factory=lambda: fake)
    assert isinstance(provider, SearchProvider)
    results = run(provider.search("Jack Rae", limit=5, lang="en"))
    assert_well_formed(results, "duckduckgo", 5)


@pytest.mark.parametrize("name", HTTP_PROVIDERS)
def test_limit_is_respected(name: str) -> None:
    provider, _ = make(name, route(name))
    results = run(provider.search("Jack Rae", limit=1))
    assert len(results) == 1 and results[0].rank == 1


@pytest.mark.parametrize("name", HTTP_PROVIDERS)
def test_blank_query_or_zero_limit_sends_nothing(name: str) -> None:
    provider, recorder = make(name, route(name))
    assert run(provider.search("   ")) == []
    assert run(provider.search("x", limit=0)) == []
    assert recorder.requests == []


# ---------------------------------------------------------------------------------------------
# error paths, for every HTTP provider


@pytest.mark.parametrize("name", HTTP_PROVIDERS)
def test_500_then_success_is_retried(name: str) -> None:
    policy, sleeps = fast_retry()
    provider, recorder = make(name, flaky(route(name), [httpx.Response(500)]), retry=policy)
    results = run(provider.search("Jack Rae", limit=3))
    assert results
    assert len(recorder.requests) == REQUESTS_PER_SEARCH.get(name, 1) + 1
    assert sleeps.waits == [0.5]  # first back-off step


@pytest.mark.parametrize("name", HTTP_PROVIDERS)
def test_429_waits_for_retry_after(name: str) -> None:
    policy, sleeps = fast_retry()
    busy = httpx.Response(429, headers={"Retry-After": "7"}, json={"message": "Too Many Requests"})
    provider, _ = make(name, flaky(route(name), [busy]), retry=policy)
    assert run(provider.search("Jack Rae", limit=3))
    assert sleeps.waits == [7.0]


@pytest.mark.parametrize("name", HTTP_PROVIDERS)
def test_network_error_then_success_is_retried(name: str) -> None:
    provider, recorder = make(name, flaky(route(name), [httpx.ConnectError("refused")]))
    assert run(provider.search("Jack Rae", limit=3))
    assert len(recorder.requests) == REQUESTS_PER_SEARCH.get(name, 1) + 1


@pytest.mark.parametrize("name", HTTP_PROVIDERS)
def test_persistent_503_gives_provider_error(name: str) -> None:
    policy, sleeps = fast_retry(attempts=3)
    provider, recorder = make(name, lambda r: httpx.Response(503, text="down"), retry=policy)
    with pytest.raises(ProviderError) as info:
        run(provider.search("Jack Rae"))
    message = str(info.value)
    assert message.startswith(f"{name}: ")
    assert "503" in message and "3 attempt(s)" in message
    assert len(recorder.requests) == 3 and sleeps.waits == [0.5, 1.0]
    for key in KEYS.values():
        assert key not in message


@pytest.mark.parametrize("name", HTTP_PROVIDERS)
def test_timeout_gives_provider_error(name: str) -> None:
    def slow(request: httpx.Request) -> httpx.Response:
        raise httpx.ReadTimeout("too slow", request=request)

    provider, recorder = make(name, slow, retry=fast_retry(attempts=2)[0])
    with pytest.raises(ProviderError, match="timed out"):
        run(provider.search("Jack Rae"))
    assert len(recorder.requests) == 2


@pytest.mark.parametrize("name", HTTP_PROVIDERS)
def test_client_error_is_not_retried(name: str) -> None:
    provider, recorder = make(name, lambda r: httpx.Response(401, json={"error": "invalid token"}))
    with pytest.raises(ProviderError) as info:
        run(provider.search("Jack Rae"))
    assert "401" in str(info.value)
    assert len(recorder.requests) == 1
    for key in KEYS.values():
        assert key not in str(info.value)


@pytest.mark.parametrize("name", HTTP_PROVIDERS)
def test_malformed_body_gives_provider_error(name: str) -> None:
    provider, _ = make(
        name,
        lambda r: httpx.Response(
            200, text="<html>oops, not what you asked for", headers={"content-type": "text/html"}
        ),
    )
    with pytest.raises(ProviderError) as info:
        run(provider.search("Jack Rae"))
    assert str(info.value).startswith(f"{name}: ")
    assert "malformed" in str(info.value)


@pytest.mark.parametrize("name", HTTP_PROVIDERS)
def test_json_of_the_wrong_shape_gives_provider_error(name: str) -> None:
    if name == "arxiv":
        pytest.skip("arXiv answers XML")
    provider, _ = make(name, lambda r: httpx.Response(200, json=["a", "list"]))
    with pytest.raises(ProviderError):
        run(provider.search("Jack Rae"))


@pytest.mark.parametrize("name", HTTP_PROVIDERS)
def test_empty_reply_gives_no_results(name: str) -> None:
    provider, recorder = make(name, lambda r: EMPTY[name]())
    assert run(provider.search("n0 r3sult s3arch t3rm")) == []
    assert len(recorder.requests) == 1  # no follow-up request for nothing


# ---------------------------------------------------------------------------------------------
# registry


def test_registry_lists_every_provider_once() -> None:
    names = [p.name for p in ALL_PROVIDERS]
    assert len(names) == len(set(names)) == 13
    kinds = {p.name: p.kind for p in ALL_PROVIDERS}
    assert kinds["brave"] == "web" and kinds["wikipedia"] == "reference"
    assert kinds["openreview"] == "scholarly"


def test_provider_status_without_keys() -> None:
    bare = settings(
        searxng_url=None,
        brave_api_key=None,
        tavily_api_key=None,
        serper_api_key=None,
        semantic_scholar_api_key=None,
    )
    status = {s.name: s for s in provider_status(bare)}
    assert status["brave"].configured is False
    assert status["brave"].needs == "VERACITY_BRAVE_API_KEY"
    assert status["searxng"].needs == "VERACITY_SEARXNG_URL"
    assert status["openalex"].configured is True and status["openalex"].needs is None
    assert status["semanticscholar"].configured is True  # its key is optional
    assert "brave" not in configured_names(bare)
    assert configured_names(bare, kinds=("reference",)) == ["wikipedia", "wikidata"]


def test_provider_status_with_keys() -> None:
    status = {s.name: s for s in provider_status(settings())}
    for name in ("searxng", "brave", "tavily", "serper"):
        assert status[name].configured is True and status[name].needs is None


def test_provider_status_reports_ddgs(monkeypatch: pytest.MonkeyPatch) -> None:
    import veracity.search.registry as registry

    monkeypatch.setattr(registry, "package_installed", lambda package: False)
    status = {s.name: s for s in provider_status(settings())}
    assert status["duckduckgo"].configured is False
    assert status["duckduckgo"].needs == "pip install ddgs"
    with pytest.raises(ConfigError, match="pip install ddgs"):
        build_providers(["duckduckgo"], settings())


def test_build_providers_unknown_name() -> None:
    with pytest.raises(ConfigError, match=r"unknown search provider.*bing"):
        build_providers(["wikipedia", "bing"], settings())


def test_build_providers_unconfigured_name() -> None:
    with pytest.raises(ConfigError, match="VERACITY_TAVILY_API_KEY"):
        build_providers(["tavily"], settings(tavily_api_key=None))


def test_build_providers_order_dedup_and_shared_client() -> None:
    client = httpx.AsyncClient(transport=httpx.MockTransport(lambda r: httpx.Response(200)))
    providers = build_providers(["arxiv", "Wikipedia", "arxiv"], settings(), client)
    assert [p.name for p in providers] == ["arxiv", "wikipedia"]
    assert all(p._client is client for p in providers)  # type: ignore[attr-defined]


def test_every_provider_can_be_built() -> None:
    names = [p.name for p in ALL_PROVIDERS if p.name != "duckduckgo" or ddgs_available()]
    providers = build_providers(names, settings())
    assert [p.name for p in providers] == names
    for provider in providers:
        assert isinstance(provider, SearchProvider)


def test_settings_do_not_leak_keys() -> None:
    s = settings()
    assert "SECRET" not in repr(s) and "SECRET" not in str(s.model_dump())
