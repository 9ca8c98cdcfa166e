"""Brave Search API (web results).

``GET https://api.search.brave.com/res/v1/web/search?q=…&count=…`` with the key in the
``X-Subscription-Token`` header. Hits are under ``web.results``; ``page_age`` is the page's
own date when Brave found one (the human ``age`` such as "2 days ago" is not used).
"""

from __future__ import annotations

from typing import Any

from veracity.dates import normalize_date
from veracity.search._http import (
    HttpProvider,
    blank,
    clamp_limit,
    finish,
    lang_code,
    snippet_text,
)
from veracity.types import SearchResult

MAX_COUNT = 20
_SEARCH_LANG = {"zh": "zh-hans", "ja": "jp", "pt": "pt-br"}


class BraveProvider(HttpProvider):
    """Web search through the Brave Search API (needs ``VERACITY_BRAVE_API_KEY``)."""

    name = "brave"
    kind = "web"
    description = "Brave Search API"
    default_rate = 1.0
    rank = 20
    url_setting = "brave_url"
    key_setting = "brave_api_key"

    async def search(
        self, query: str, *, limit: int = 10, lang: str | None = None
    ) -> list[SearchResult]:
        if blank(query) or limit <= 0:
            return []
        params: dict[str, Any] = {"q": query, "count": clamp_limit(limit, MAX_COUNT)}
        code = lang_code(lang)
        if code:
            params["search_lang"] = _SEARCH_LANG.get(code, code)
        data = await self.get_json(
            self.base_url,
            params=params,
            headers={"Accept": "application/json", "X-Subscription-Token": self._key},
        )
        return finish(self._parse(data), limit)

    def _parse(self, data: dict[str, Any]) -> list[SearchResult]:
        web = data.get("web")
        if web is None:
            return []
        if not isinstance(web, dict):
            raise self.malformed("'web' is not an object")
        items = web.get("results") or []
        if not isinstance(items, list):
            raise self.malformed("'web.results' is not a list")
        out: list[SearchResult] = []
        for item in items:
            if not isinstance(item, dict) or not isinstance(item.get("url"), str):
                continue
            parts = [snippet_text(item.get("description"))]
            extra = item.get("extra_snippets")
            if isinstance(extra, list):
                parts.extend(snippet_text(x) for x in extra if isinstance(x, str))
            out.append(
                SearchResult(
                    url=item["url"],
                    title=snippet_text(item.get("title")) or None,
                    snippet="\n".join(p for p in parts if p),
                    published=normalize_date(item.get("page_age")),
                    provider=self.name,
                )
            )
        return out
