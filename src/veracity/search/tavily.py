"""Tavily search API.

``POST https://api.tavily.com/search`` with a JSON body and the key as a Bearer token. Hits
are under ``results`` with ``title``, ``url``, ``content`` and ``score``; ``published_date``
appears only for news searches.
"""

from __future__ import annotations

from typing import Any

from veracity.dates import normalize_date
from veracity.search._http import (
    HttpProvider,
    as_float,
    blank,
    clamp_limit,
    clean_text,
    finish,
    snippet_text,
)
from veracity.types import SearchResult

MAX_RESULTS = 20


class TavilyProvider(HttpProvider):
    """Web search through Tavily (needs ``VERACITY_TAVILY_API_KEY``)."""

    name = "tavily"
    kind = "web"
    description = "Tavily search API"
    default_rate = 5.0
    rank = 30
    url_setting = "tavily_url"
    key_setting = "tavily_api_key"

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
        out: list[SearchResult] = []
        for item in self.objects_at(data, "results"):
            if not isinstance(item.get("url"), str):
                continue
            out.append(
                SearchResult(
                    url=item["url"],
                    title=clean_text(item.get("title")) or None,
                    snippet=snippet_text(item.get("content")),
                    published=normalize_date(item.get("published_date")),
                    provider=self.name,
                    score=as_float(item.get("score")),
                )
            )
        return out
