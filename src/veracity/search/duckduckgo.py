"""DuckDuckGo (keyless) through the optional ``ddgs`` package.

``ddgs`` is synchronous, so each search runs in a worker thread. It is imported only when a
search runs; without it the provider raises a :class:`ProviderError` that says how to install
it. ``VERACITY_DDGS_BACKEND`` picks the ddgs backend: ``duckduckgo`` for DuckDuckGo alone,
``auto`` (default) to let ddgs spread the query over the engines it supports.

ddgs reports "nothing found" as an exception; that case gives ``[]`` here.
"""

from __future__ import annotations

import asyncio
import importlib
import importlib.util
from collections.abc import Callable
from typing import Any

import httpx

from veracity.errors import ProviderError
from veracity.search._http import (
    RetryPolicy,
    blank,
    clean_text,
    finish,
    lang_code,
    snippet_text,
)
from veracity.search.base import DeclaredProvider
from veracity.search.settings import SearchSettings
from veracity.types import SearchResult

INSTALL_HINT = "the 'ddgs' package is not installed; install it with: pip install ddgs"
_NO_RESULTS = "no results found"
_REGION = {"zh": "cn-zh", "en": "us-en", "ja": "jp-jp", "ko": "kr-kr", "uk": "ua-uk"}


def ddgs_available() -> bool:
    """True when the ``ddgs`` package can be imported."""
    return importlib.util.find_spec("ddgs") is not None


def _default_factory(timeout: float) -> Any:
    try:
        module = importlib.import_module("ddgs")
    except ImportError as exc:
        raise ProviderError(f"duckduckgo: {INSTALL_HINT}") from exc
    return module.DDGS(timeout=max(1, round(timeout)))


class DuckDuckGoProvider(DeclaredProvider):
    """Keyless web search via ``ddgs``.

    ``ddgs_factory`` (for tests, or to pass a proxy) returns an object with a ddgs-style
    ``text(query, region=…, max_results=…, backend=…)`` method. ``client`` is accepted for a
    uniform constructor and not used: ddgs brings its own HTTP client.
    """

    name = "duckduckgo"
    kind = "web"
    description = "DuckDuckGo via the ddgs package (keyless)"
    package = "ddgs"
    default_rate = 1.0
    rank = 50

    def __init__(
        self,
        settings: SearchSettings | None = None,
        *,
        client: httpx.AsyncClient | None = None,
        retry: RetryPolicy | None = None,
        ddgs_factory: Callable[[], Any] | None = None,
        backend: str | None = None,
    ) -> None:
        self.settings = settings if settings is not None else SearchSettings()
        self.backend = backend or self.settings.ddgs_backend
        timeout = self.settings.search_timeout
        self._factory = ddgs_factory or (lambda: _default_factory(timeout))

    async def search(
        self, query: str, *, limit: int = 10, lang: str | None = None
    ) -> list[SearchResult]:
        if blank(query) or limit <= 0:
            return []
        code = lang_code(lang)
        region = _REGION.get(code, f"{code}-{code}") if code else "wt-wt"
        rows = await asyncio.to_thread(self._search_sync, query, limit, region)
        return finish(self._parse(rows), limit)

    def _search_sync(self, query: str, limit: int, region: str) -> list[Any]:
        engine = self._factory()
        try:
            rows = engine.text(query, region=region, max_results=limit, backend=self.backend)
        except ProviderError:
            raise
        except Exception as exc:
            if str(exc).strip().rstrip(".").lower() == _NO_RESULTS:
                return []
            kind = type(exc).__name__
            raise ProviderError(f"duckduckgo: search failed ({kind}): {exc}") from exc
        if rows is None:
            return []
        if not isinstance(rows, list):
            raise ProviderError(f"duckduckgo: ddgs returned {type(rows).__name__}, not a list")
        return rows

    def _parse(self, rows: list[Any]) -> list[SearchResult]:
        out: list[SearchResult] = []
        for row in rows:
            if not isinstance(row, dict):
                continue
            url = row.get("href") or row.get("url")
            if not isinstance(url, str) or not url.startswith(("http://", "https://")):
                continue
            out.append(
                SearchResult(
                    url=url,
                    title=clean_text(row.get("title")) or None,
                    snippet=snippet_text(row.get("body")),
                    published=None,
                    provider=self.name,
                )
            )
        return out

    async def aclose(self) -> None:
        """Nothing to close (ddgs clients live for one search)."""
