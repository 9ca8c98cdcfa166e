"""SearXNG: a self-hosted metasearch engine, queried through its JSON API.

``GET {searxng_url}/search?q=…&format=json[&language=zh]``. The instance must list ``json``
under ``search.formats`` in its ``settings.yml``; otherwise it answers 403, and the error
says so.
"""

from __future__ import annotations

from typing import Any

import httpx

from veracity.dates import normalize_date
from veracity.search._http import (
    HttpProvider,
    as_float,
    blank,
    clean_text,
    finish,
    lang_code,
    snippet_text,
)
from veracity.types import SearchResult


class SearxngProvider(HttpProvider):
    """Web search through a SearXNG instance (no key; the instance URL is required)."""

    name = "searxng"
    kind = "web"
    description = "SearXNG metasearch (self-hosted)"
    url_required = True
    default_rate = None
    rank = 10
    url_setting = "searxng_url"

    async def search(
        self, query: str, *, limit: int = 10, lang: str | None = None
    ) -> list[SearchResult]:
        if blank(query) or limit <= 0:
            return []
        params: dict[str, Any] = {"q": query, "format": "json", "pageno": 1}
        code = lang_code(lang)
        if code:
            params["language"] = code
        response = await self.request(
            "GET", f"{self.base_url}/search", params=params, headers={"Accept": "application/json"}
        )
        data = self.expect_object(self.parse_json(response), response)
        return finish(self._parse(data), limit)

    def error_detail(self, response: httpx.Response) -> str:
        if response.status_code == 403:
            return (
                "forbidden — is 'json' listed under search.formats in the instance's settings.yml?"
            )
        return super().error_detail(response)

    def _parse(self, data: dict[str, Any]) -> list[SearchResult]:
        out: list[SearchResult] = []
        for item in self.objects_at(data, "results"):
            url = item.get("url")
            if not isinstance(url, str) or not url.startswith(("http://", "https://")):
                continue
            out.append(
                SearchResult(
                    url=url,
                    title=clean_text(item.get("title")) or None,
                    snippet=snippet_text(item.get("content")),
                    published=normalize_date(item.get("publishedDate")),
                    provider=self.name,
                    score=as_float(item.get("score")),
                )
            )
        return out
