"""Shared provider plumbing: retry policy, Retry-After, client creation, errors, date parsing."""

from __future__ import annotations

import asyncio
import pickle
from datetime import UTC, datetime

import httpx
import pytest

from search_kit import KEYS, fast_retry, flaky, make, route, run, settings
from veracity.errors import ProviderError
from veracity.search._http import (
    USER_AGENT,
    RetryPolicy,
    finish,
    lang_code,
    parse_retry_after,
    search_retry,
    snippet_text,
)
from veracity.search.settings import SearchSettings
from veracity.search.wikipedia import WikipediaProvider
from veracity.types import SearchResult

# -- Retry-After and back-off ------------------------------------------------------------------


def test_parse_retry_after_seconds_and_dates() -> None:
    now = datetime(2025, 1, 1, 12, 0, 0, tzinfo=UTC)
    assert parse_retry_after("5") == 5.0
    assert parse_retry_after(" 0.5 ") == 0.5
    assert parse_retry_after("Wed, 01 Jan 2025 12:00:30 GMT", now=now) == 30.0
    assert parse_retry_after("Wed, 01 Jan 2025 11:00:00 GMT", now=now) == 0.0  # in the past
    assert parse_retry_after("soon") is None
    assert parse_retry_after("") is None
    assert parse_retry_after(None) is None


def test_retry_after_is_capped_by_max_wait() -> None:
    policy, sleeps = fast_retry(max_wait=3.0)
    busy = httpx.Response(429, headers={"Retry-After": "3600"})
    provider, _ = make("crossref", flaky(route("crossref"), [busy]), retry=policy)
    assert run(provider.search("ecology", limit=2))
    assert sleeps.waits == [3.0]


def test_backoff_doubles_and_is_capped() -> None:
    sleeps: list[float] = []

    async def record(seconds: float) -> None:
        sleeps.append(seconds)

    policy = RetryPolicy(attempts=5, backoff=1.0, max_wait=5.0, sleep=record)
    provider, recorder = make("dblp", lambda r: httpx.Response(502), retry=policy)
    with pytest.raises(ProviderError, match="5 attempt"):
        run(provider.search("x"))
    assert sleeps == [1.0, 2.0, 4.0, 5.0]
    assert len(recorder.requests) == 5


def test_zero_retries_means_one_attempt() -> None:
    policy, sleeps = fast_retry(attempts=1)
    provider, recorder = make("arxiv", lambda r: httpx.Response(500), retry=policy)
    with pytest.raises(ProviderError, match="1 attempt"):
        run(provider.search("x"))
    assert len(recorder.requests) == 1 and sleeps.waits == []


def test_retry_policy_from_settings() -> None:
    s = settings(search_retries=5, search_backoff=0.25, search_max_wait=9)
    policy = search_retry(s)
    assert (policy.attempts, policy.backoff, policy.max_wait) == (6, 0.25, 9), "5 retries: 6 tries"


# -- settings ------------------------------------------------------------------------------------


def test_settings_read_veracity_env(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("VERACITY_BRAVE_API_KEY", "from-env")
    monkeypatch.setenv("VERACITY_SEARXNG_URL", "http://127.0.0.1:8888")
    monkeypatch.setenv("VERACITY_SEARCH_RETRIES", "1")
    monkeypatch.setenv("VERACITY_OPENALEX_URL", "http://127.0.0.1:9999")
    s = SearchSettings(_env_file=None)  # type: ignore[call-arg]
    assert s.brave_api_key is not None and s.brave_api_key.get_secret_value() == "from-env"
    assert s.searxng_url == "http://127.0.0.1:8888"
    assert s.search_retries == 1
    assert s.openalex_url == "http://127.0.0.1:9999"
    assert "from-env" not in repr(s)


# -- client ------------------------------------------------------------------------------------


def test_lazy_client_has_user_agent_and_timeout() -> None:
    provider = WikipediaProvider(settings(search_timeout=7.5))
    assert provider._client is None  # nothing created before the first use
    client = provider.client()
    assert client.headers["User-Agent"] == USER_AGENT
    assert client.timeout.read == 7.5
    assert provider.client() is client
    run(provider.aclose())
    assert provider._client is None


def test_injected_client_is_not_closed() -> None:
    client = httpx.AsyncClient(transport=httpx.MockTransport(route("wikipedia")))
    provider = WikipediaProvider(settings(), client=client)

    async def use() -> None:
        async with provider:
            await provider.search("DeepMind", lang="zh")

    run(use())
    assert not client.is_closed


def test_polite_pool_user_agent() -> None:
    for name in ("openalex", "crossref"):
        provider, recorder = make(name, route(name))
        run(provider.search("memory"))
        assert "mailto:team@example.org" in recorder.requests[0].headers["User-Agent"]
    provider, recorder = make("openalex", route("openalex"), contact_email=None)
    run(provider.search("memory"))
    assert recorder.requests[0].headers["User-Agent"] == USER_AGENT
    assert "mailto" not in recorder.requests[0].url.params


# -- errors ------------------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["brave", "tavily", "serper", "semanticscholar"])
def test_keys_echoed_by_a_server_are_redacted(name: str) -> None:
    def echo(request: httpx.Request) -> httpx.Response:
        leaked = " ".join(request.headers.values())
        return httpx.Response(400, json={"error": f"bad request with {leaked}"})

    provider, _ = make(name, echo)
    with pytest.raises(ProviderError) as info:
        run(provider.search("x"))
    message = str(info.value)
    assert "***" in message
    for key in KEYS.values():
        assert key not in message


def test_error_names_host_and_path_but_not_query() -> None:
    provider, _ = make("crossref", lambda r: httpx.Response(404, text="Resource not found."))
    with pytest.raises(ProviderError) as info:
        run(provider.search("secret query words"))
    message = str(info.value)
    assert message == "crossref: HTTP 404 from api.crossref.org/works: Resource not found."
    assert "secret" not in message


# -- small parsers -----------------------------------------------------------------------------


def test_lang_code() -> None:
    assert lang_code("zh") == "zh"
    assert lang_code("zh-CN") == "zh"
    assert lang_code("EN") == "en"
    assert lang_code("other") is None
    assert lang_code("evil.example.com/") is None
    assert lang_code(None) is None


def test_snippet_text_strips_markup() -> None:
    assert (
        snippet_text('<span class="searchmatch">Python</span>  is &amp;\n fun') == "Python is & fun"
    )


def test_finish_dedupes_and_renumbers() -> None:
    hits = [
        SearchResult(url="https://a.example", provider="p", rank=9),
        SearchResult(url="", provider="p"),
        SearchResult(url="https://a.example", provider="p"),
        SearchResult(url="https://b.example", provider="p"),
        SearchResult(url="https://c.example", provider="p"),
    ]
    out = finish(hits, 2)
    assert [(r.url, r.rank) for r in out] == [("https://a.example", 1), ("https://b.example", 2)]


def test_snippet_text_keeps_words_apart_across_block_tags() -> None:
    jats = "<jats:title>Abstract</jats:title><jats:p>We <jats:italic>test</jats:italic>.</jats:p>"
    assert snippet_text(jats) == "Abstract We test."
    assert snippet_text("<span>DeepMind</span>是一家") == "DeepMind是一家"
    assert snippet_text("line<br/>break") == "line break"


def test_throttle_spaces_requests_of_a_rate_limited_api() -> None:
    policy, sleeps = fast_retry()
    provider, recorder = make("arxiv", route("arxiv"), retry=policy, arxiv_min_interval=3.0)

    async def three() -> None:
        await asyncio.gather(*(provider.search(f"query {i}") for i in range(3)))

    run(three())
    assert len(recorder.requests) == 3
    # the first goes at once, the others wait for their slots (about 3 s and 6 s)
    assert len(sleeps.waits) == 2
    assert sleeps.waits[0] == pytest.approx(3.0, abs=0.5)
    assert sleeps.waits[1] == pytest.approx(6.0, abs=0.5)


async def no_sleep(seconds: float) -> None:
    return None


def test_a_spaced_provider_still_pickles() -> None:
    from veracity.search.arxiv import ArxivProvider

    provider = ArxivProvider(settings(arxiv_min_interval=3.0), retry=RetryPolicy(sleep=no_sleep))
    copy = pickle.loads(pickle.dumps(provider))
    assert copy.min_interval == 3.0 and copy.name == "arxiv"
    run(copy.throttle())  # the copy's limiter has a lock of its own


def test_defaults_throttle_arxiv_and_semantic_scholar_only() -> None:
    s = SearchSettings(_env_file=None)  # type: ignore[call-arg]
    assert (s.arxiv_min_interval, s.semantic_scholar_min_interval) == (3.0, 1.0)
    assert WikipediaProvider(s).min_interval == 0.0


def test_error_detail_of_an_html_page_skips_scripts() -> None:
    page = "<html><head><style>body{color:red}</style><script>var x=1;</script></head><body><h1>Bad Gateway</h1></body></html>"
    provider, _ = make(
        "dblp", lambda r: httpx.Response(400, text=page, headers={"content-type": "text/html"})
    )
    with pytest.raises(ProviderError) as info:
        run(provider.search("x"))
    assert str(info.value).endswith(": Bad Gateway")
