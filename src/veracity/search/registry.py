"""Which search providers exist, which are usable with the current settings, and building them.

``veracity providers`` prints :func:`provider_status` (configured or not: nothing is sent);
``veracity providers --check`` prints :func:`check_providers` (one live query each); the research
stage calls :func:`build_providers` with the names the user picked.
"""

from __future__ import annotations

import asyncio
import importlib
import time
from dataclasses import dataclass
from typing import Any, Literal

import httpx
from pydantic import BaseModel, SecretStr

from veracity.errors import ConfigError, one_line
from veracity.search._http import RetryPolicy
from veracity.search.base import SearchProvider
from veracity.search.duckduckgo import ddgs_available
from veracity.search.settings import SearchSettings

Kind = Literal["web", "scholarly", "reference"]


@dataclass(frozen=True)
class ProviderInfo:
    """Static facts about one provider."""

    name: str
    kind: Kind
    module: str
    cls: str
    description: str
    needs: str | None = None
    """What must be set (an env variable, or a package to install); None for keyless."""
    optional: bool = False
    """Backed by an optional package."""


ALL_PROVIDERS: tuple[ProviderInfo, ...] = (
    ProviderInfo(
        "searxng",
        "web",
        "searxng",
        "SearxngProvider",
        "SearXNG metasearch (self-hosted)",
        needs="VERACITY_SEARXNG_URL",
    ),
    ProviderInfo(
        "brave", "web", "brave", "BraveProvider", "Brave Search API", needs="VERACITY_BRAVE_API_KEY"
    ),
    ProviderInfo(
        "tavily",
        "web",
        "tavily",
        "TavilyProvider",
        "Tavily search API",
        needs="VERACITY_TAVILY_API_KEY",
    ),
    ProviderInfo(
        "serper",
        "web",
        "serper",
        "SerperProvider",
        "Google results via Serper",
        needs="VERACITY_SERPER_API_KEY",
    ),
    ProviderInfo(
        "duckduckgo",
        "web",
        "duckduckgo",
        "DuckDuckGoProvider",
        "DuckDuckGo via the ddgs package (keyless)",
        needs="pip install ddgs",
        optional=True,
    ),
    ProviderInfo(
        "wikipedia",
        "reference",
        "wikipedia",
        "WikipediaProvider",
        "Wikipedia, any language edition",
    ),
    ProviderInfo(
        "wikidata",
        "reference",
        "wikidata",
        "WikidataProvider",
        "Wikidata entities (labels in zh/en)",
    ),
    ProviderInfo(
        "openalex", "scholarly", "openalex", "OpenAlexProvider", "OpenAlex works and authors"
    ),
    ProviderInfo("arxiv", "scholarly", "arxiv", "ArxivProvider", "arXiv preprints"),
    ProviderInfo("crossref", "scholarly", "crossref", "CrossrefProvider", "Crossref DOI metadata"),
    ProviderInfo(
        "semanticscholar",
        "scholarly",
        "semanticscholar",
        "SemanticScholarProvider",
        "Semantic Scholar papers and authors (key optional)",
    ),
    ProviderInfo("dblp", "scholarly", "dblp", "DblpProvider", "DBLP computer-science bibliography"),
    ProviderInfo(
        "openreview",
        "scholarly",
        "openreview",
        "OpenReviewProvider",
        "OpenReview papers and profiles",
    ),
)

_BY_NAME = {info.name: info for info in ALL_PROVIDERS}


def provider_kind(name: str) -> Kind | None:
    """The kind of the registered provider ``name``; None for a name the registry does not know."""
    info = _BY_NAME.get(name.strip().lower())
    return info.kind if info is not None else None


class ProviderStatus(BaseModel):
    """One line of ``veracity providers``."""

    name: str
    kind: Kind
    configured: bool
    needs: str | None = None
    description: str = ""


def _has_secret(value: SecretStr | None) -> bool:
    return value is not None and bool(value.get_secret_value().strip())


def is_configured(info: ProviderInfo, settings: SearchSettings) -> bool:
    """Whether ``info`` can be built with ``settings`` (and installed packages)."""
    if info.name == "searxng":
        return bool(settings.searxng_url and settings.searxng_url.strip())
    if info.name == "brave":
        return _has_secret(settings.brave_api_key)
    if info.name == "tavily":
        return _has_secret(settings.tavily_api_key)
    if info.name == "serper":
        return _has_secret(settings.serper_api_key)
    if info.name == "duckduckgo":
        return ddgs_available()
    return True


def provider_status(
    settings: SearchSettings | None = None, names: list[str] | None = None
) -> list[ProviderStatus]:
    """Every provider (or those in ``names``) with whether it is configured now and, if not,
    what it needs. Nothing is sent: a configured provider's host may still be unreachable
    (:func:`check_providers` asks each one)."""
    settings = settings if settings is not None else SearchSettings()
    out: list[ProviderStatus] = []
    for info in _selected(names):
        configured = is_configured(info, settings)
        out.append(
            ProviderStatus(
                name=info.name,
                kind=info.kind,
                configured=configured,
                needs=None if configured else info.needs,
                description=info.description,
            )
        )
    return out


def configured_names(
    settings: SearchSettings | None = None, kinds: tuple[Kind, ...] | None = None
) -> list[str]:
    """Names of the usable providers, optionally of some kinds only, in registry order."""
    return [
        s.name
        for s in provider_status(settings)
        if s.configured and (kinds is None or s.kind in kinds)
    ]


def build_providers(
    names: list[str],
    settings: SearchSettings | None = None,
    client: httpx.AsyncClient | None = None,
    **options: Any,
) -> list[SearchProvider]:
    """Instantiate the named providers (in the order given, duplicates dropped), sharing
    ``client`` when one is passed. ``options`` (e.g. ``retry=RetryPolicy(…)``) go to every
    constructor.

    Raises :class:`ConfigError` for an unknown name or a provider whose key/URL/package is
    missing; the message says what to set.
    """
    settings = settings if settings is not None else SearchSettings()
    wanted = [n.strip().lower() for n in names if n and n.strip()]
    unknown = [n for n in wanted if n not in _BY_NAME]
    if unknown:
        known = ", ".join(_BY_NAME)
        raise ConfigError(f"unknown search provider(s): {', '.join(unknown)} (known: {known})")
    providers: list[SearchProvider] = []
    for name in dict.fromkeys(wanted):
        info = _BY_NAME[name]
        if not is_configured(info, settings):
            how = f"install it with: {info.needs}" if info.optional else f"set {info.needs}"
            raise ConfigError(f"search provider '{name}' is not configured: {how}")
        module = importlib.import_module(f"veracity.search.{info.module}")
        cls = getattr(module, info.cls)
        providers.append(cls(settings, client=client, **options))
    return providers


CHECK_QUERY = "Alan Turing"
"""The query ``veracity providers --check`` sends: every provider kind has answers for it."""


class ProviderCheck(BaseModel):
    """One line of ``veracity providers --check``."""

    name: str
    kind: Kind
    status: Literal["ok", "failed", "not configured"]
    ms: int | None = None
    """How long the query took, in milliseconds (None when nothing was sent)."""
    results: int | None = None
    error: str | None = None
    """Why it failed, or what it needs when it is not configured."""


async def check_providers(
    names: list[str] | None = None,
    settings: SearchSettings | None = None,
    *,
    query: str = CHECK_QUERY,
    timeout: float | None = None,
    client: httpx.AsyncClient | None = None,
) -> list[ProviderCheck]:
    """Send ``query`` once to each configured provider (all of them, or those in ``names``;
    :class:`ConfigError` for an unknown name), at the same time, without retries and with
    ``timeout`` seconds per request (the settings' ``search_timeout`` by default); a provider
    that is not configured is listed as such and not asked. Never raises for a provider that
    fails: its line says why."""
    settings = settings if settings is not None else SearchSettings()
    if timeout is not None:
        settings = settings.model_copy(update={"search_timeout": timeout})
    infos = _selected(names)

    async def one(info: ProviderInfo) -> ProviderCheck:
        if not is_configured(info, settings):
            return ProviderCheck(name=info.name, kind=info.kind, status="not configured", error=f"needs {info.needs}")
        t0 = time.perf_counter()
        provider: Any = None
        try:
            provider = build_providers([info.name], settings, client, retry=RetryPolicy(attempts=1))[0]
            found = await provider.search(query, limit=3)
        except Exception as err:  # the check reports every failure, whatever raised it
            line = one_line(err, 300)
            return ProviderCheck(
                name=info.name, kind=info.kind, status="failed", ms=_ms(t0),
                error=line.removeprefix(f"{info.name}: "),
            )
        finally:
            if provider is not None and hasattr(provider, "aclose"):
                await provider.aclose()
        return ProviderCheck(name=info.name, kind=info.kind, status="ok", ms=_ms(t0), results=len(found))

    return list(await asyncio.gather(*(one(i) for i in infos)))


def _selected(names: list[str] | None) -> list[ProviderInfo]:
    """The providers ``names`` names, in that order (every provider when none is given);
    :class:`ConfigError` for a name the registry does not know."""
    wanted = [n.strip().lower() for n in names or [] if n.strip()]
    unknown = [n for n in wanted if n not in _BY_NAME]
    if unknown:
        raise ConfigError(f"unknown search provider(s): {', '.join(unknown)} (known: {', '.join(_BY_NAME)})")
    return [_BY_NAME[n] for n in dict.fromkeys(wanted)] if wanted else list(ALL_PROVIDERS)


def _ms(t0: float) -> int:
    return round((time.perf_counter() - t0) * 1000)
