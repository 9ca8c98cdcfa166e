"""Providers declare themselves: the registry, the default rates and the configuration checks
are read from the provider classes, so a provider defined anywhere (here, in a test) is known
everywhere without a list to edit."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from search_kit import run, settings
from veracity.errors import ConfigError
from veracity.search._http import HttpProvider
from veracity.search.base import CATALOGUE, DeclaredProvider
from veracity.search.ratelimit import DEFAULT_RATES, parse_rate_options, resolve_rates
from veracity.search.registry import (
    all_providers,
    build_providers,
    configured_names,
    default_rates,
    provider_kind,
    provider_status,
)
from veracity.search.settings import SearchSettings
from veracity.types import SearchResult

LISTED = [
    "searxng", "brave", "tavily", "serper", "duckduckgo", "wikipedia", "wikidata",
    "openalex", "arxiv", "crossref", "semanticscholar", "dblp", "openreview",
]


def test_the_built_in_providers_in_their_listing_order() -> None:
    assert [i.name for i in all_providers()] == LISTED
    assert default_rates() == {
        "brave": 1.0, "tavily": 5.0, "serper": 5.0, "duckduckgo": 1.0, "wikipedia": 5.0,
        "wikidata": 5.0, "openalex": 1.0, "arxiv": 1 / 3, "crossref": 1.0,
        "semanticscholar": 1.0, "dblp": 1.0, "openreview": 1.0,
    }, "SearXNG (self-hosted) is not limited"
    assert DEFAULT_RATES == default_rates() == resolve_rates()


def test_a_provider_class_defined_here_is_registered_everywhere() -> None:
    class Throwaway(DeclaredProvider):
        name = "throwaway"
        kind = "reference"
        description = "a provider that exists only in this test"
        key_setting = "brave_api_key"
        default_rate = 2.0
        rank = 1

        def __init__(self, settings: SearchSettings, *, client: Any = None, **options: Any) -> None:
            self.settings = settings
            self.options = options

        async def search(
            self, query: str, *, limit: int = 10, lang: str | None = None
        ) -> list[SearchResult]:
            return [SearchResult(url="https://example.org/t", title=query, provider=self.name)]

    try:
        assert provider_kind("throwaway") == "reference"
        assert [i.name for i in all_providers()][:2] == ["throwaway", "searxng"]
        assert default_rates()["throwaway"] == 2.0 == resolve_rates()["throwaway"]
        assert parse_rate_options(["throwaway=1/3s"]) == {"throwaway": pytest.approx(1 / 3)}
        unkeyed = settings(brave_api_key=None)
        (status,) = provider_status(unkeyed, names=["throwaway"])
        assert not status.configured and status.needs == "VERACITY_BRAVE_API_KEY"
        assert "throwaway" not in configured_names(unkeyed)
        with pytest.raises(ConfigError, match="'throwaway' is not configured: set VERACITY_BRAVE"):
            build_providers(["throwaway"], unkeyed)
        given = settings()
        (built,) = build_providers(["throwaway"], given, marker=7)
        assert isinstance(built, Throwaway)
        assert built.settings is given and built.options == {"marker": 7}
        assert run(built.search("hello"))[0].title == "hello"
    finally:
        CATALOGUE.remove("throwaway")
    assert provider_kind("throwaway") is None
    assert [i.name for i in all_providers()] == LISTED


def test_an_http_provider_declares_its_url_and_key() -> None:
    class SelfHosted(HttpProvider):
        name = "selfhosted"
        kind = "web"
        url_setting = "searxng_url"
        url_required = True

        async def search(
            self, query: str, *, limit: int = 10, lang: str | None = None
        ) -> list[SearchResult]:
            return []

    try:
        (status,) = provider_status(settings(searxng_url=None), names=["selfhosted"])
        assert status.needs == "VERACITY_SEARXNG_URL" and not status.configured
        with pytest.raises(ConfigError, match="selfhosted needs the URL of an instance"):
            SelfHosted(settings(searxng_url=None))
        client = httpx.AsyncClient(transport=httpx.MockTransport(lambda r: httpx.Response(200)))
        (built,) = build_providers(["selfhosted"], settings(searxng_url="http://searx.test/"), client)
        assert isinstance(built, SelfHosted) and built.base_url == "http://searx.test"
    finally:
        CATALOGUE.remove("selfhosted")


def test_two_providers_cannot_share_a_name() -> None:
    with pytest.raises(ValueError, match="two search providers are named 'wikipedia'"):

        class Impostor(DeclaredProvider):
            name = "wikipedia"
            kind = "reference"

    assert provider_kind("wikipedia") == "reference"
    assert CATALOGUE.get("wikipedia") is not None
    assert CATALOGUE.get("wikipedia").__name__ == "WikipediaProvider"  # type: ignore[union-attr]


def test_every_key_in_the_settings_is_masked() -> None:
    class Masked(HttpProvider):  # no kind: a base class, not registered
        name = "masked"

    provider = Masked(settings(semantic_scholar_api_key="s2-OTHER-KEY"))
    assert provider.mask("a s2-OTHER-KEY and a brave-SECRET-123") == "a *** and a ***"
    assert CATALOGUE.get("masked") is None
