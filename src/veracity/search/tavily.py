"""Tavily search API.

``POST https://api.tavily.com/search`` with a JSON body and the key as a Bearer token. Hits
are under ``results`` with ``title``, ``url``, ``content`` and ``score``; ``published_date``
appears only for news searches.
"""

from __future__ import annotations

from typing import Any

import httpx

from veracity.errors import ConfigError
from veracity.search._http import (
    HttpProvider,
    RetryPolicy,
    as_float,
    blank,
    clamp_limit,
    clean_text,
    finish,
    human_date,
    snippet_text,
)
from veracity.search.settings import SearchSettings
from veracity.types import SearchResult

MAX_RESULTS = 20


class TavilyProvider(HttpProvider):
    """Web search through Tavily (needs ``VERACITY_TAVILY_API_KEY``)."""

    name = "tavily"

    def __init__(
        self,
        settings: SearchSettings | None = None,
        *,
        client: httpx.AsyncClient | None = None,
        retry: RetryPolicy | None = None,
        base_url: str | None = None,
    ) -> None:
        super().__init__(settings, client=client, retry=retry)
        key = self.settings.tavily_api_key
        if key is None or not key.get_secret_value():
            raise ConfigError("tavily needs an API key: set VERACITY_TAVILY_API_KEY")
        self._key = key.get_secret_value()
        self.base_url = base_url or self.settings.tavily_url

    async def search(
        self, query: str, *, limit: int = 10, lang: str | None = None
    ) -> list[SearchResult]:
        # Tavily has no language parameter; the query's own language steers it.
        if blank(query) or limit <= 0:
            return []
        body = {
            "query": query,
            "max_results": clamp_limit(limit, MAX_RESULTS),
            "search_depth": "basic",
            "include_answer": False,
            "include_raw_content": False,
            "include_images": False,
        }
        data = await self.post_json(
            self.base_url, body, headers={"Authorization": f"Bearer {self._key}"}
        )
        return finish(self._parse(data), limit)

    def _parse(self, data: dict[str, Any]) -> list[SearchResult]:
        items = data.get("results")
        if items is None:
            return []
        if not isinstance(items, list):
            raise self.malformed("'results' is not a list")
        out: list[SearchResult] = []
        for item in items:
            if not isinstance(item, dict) or not isinstance(item.get("url"), str):
                continue
            out.append(
                SearchResult(
                    url=item["url"],
                    title=clean_text(item.get("title")) or None,
                    snippet=snippet_text(item.get("content")),
                    published=human_date(item.get("published_date")),
                    provider=self.name,
                    score=as_float(item.get("score")),
                )
            )
        return out
