"""Settings of the search providers, read from ``VERACITY_*`` environment variables.

Keys are :class:`pydantic.SecretStr`, so printing the settings (or an error that carries them)
never shows a key. Every provider's endpoint can be pointed elsewhere (a self-hosted instance, a
proxy, a test server) with its ``*_url`` field.
"""

from __future__ import annotations

from pydantic import Field, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict

ENV_PREFIX = "VERACITY_"


def env_name(field: str) -> str:
    """The environment variable of a settings field: ``brave_api_key`` →
    ``VERACITY_BRAVE_API_KEY``."""
    return f"{ENV_PREFIX}{field.upper()}"


class SearchSettings(BaseSettings):
    """Keys, endpoints and network behaviour of the search providers."""

    model_config = SettingsConfigDict(env_prefix=ENV_PREFIX, env_file=".env", extra="ignore")

    # keys and instance URLs (a provider that needs one is unavailable until it is set)
    searxng_url: str | None = Field(
        default=None, description="base URL of a SearXNG instance with the JSON format enabled"
    )
    brave_api_key: SecretStr | None = None
    tavily_api_key: SecretStr | None = None
    serper_api_key: SecretStr | None = None
    semantic_scholar_api_key: SecretStr | None = Field(
        default=None, description="optional; raises Semantic Scholar's rate limit"
    )
    contact_email: str | None = Field(
        default=None, description="sent to OpenAlex and Crossref to join their polite pool"
    )

    # endpoints (override for self-hosted instances, proxies or tests)
    brave_url: str = "https://api.search.brave.com/res/v1/web/search"
    tavily_url: str = "https://api.tavily.com/search"
    serper_url: str = "https://google.serper.dev/search"
    wikipedia_url: str = Field(
        default="https://{lang}.wikipedia.org/w/api.php",
        description="MediaWiki api.php; '{lang}' is replaced by the language edition",
    )
    wikidata_url: str = "https://www.wikidata.org/w/api.php"
    openalex_url: str = "https://api.openalex.org"
    arxiv_url: str = "https://export.arxiv.org/api/query"
    crossref_url: str = "https://api.crossref.org"
    semantic_scholar_url: str = "https://api.semanticscholar.org/graph/v1"
    dblp_url: str = "https://dblp.org"
    openreview_url: str = "https://api2.openreview.net"

    # behaviour
    wikipedia_lang: str = Field(default="en", description="edition used when no language is given")
    ddgs_backend: str = Field(
        default="auto", description="ddgs backend(s), e.g. 'duckduckgo' or 'auto' (metasearch)"
    )
    search_timeout: float = Field(default=20.0, gt=0, description="seconds per HTTP request")
    search_retries: int = Field(
        default=3, ge=0,
        description="tries after the first on a 429, a 5xx or a network error (attempts - 1)",
    )
    search_backoff: float = Field(
        default=1.0, ge=0, description="first back-off wait in seconds; doubles per attempt"
    )
    arxiv_min_interval: float = Field(
        default=3.0, ge=0, description="seconds between arXiv API calls (arXiv asks for 3)"
    )
    semantic_scholar_min_interval: float = Field(
        default=1.0, ge=0, description="seconds between Semantic Scholar calls (keyed limit: 1/s)"
    )
    search_max_wait: float = Field(
        default=30.0, ge=0, description="longest single wait, Retry-After included"
    )
