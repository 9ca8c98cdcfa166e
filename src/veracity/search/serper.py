"""Serper (Google results as JSON).

``POST https://google.serper.dev/search`` with ``{"q": …, "num": …, "hl": …}`` and the key in
``X-API-KEY``. Hits are under ``organic``; ``date`` is printed for people ("Mar 4, 2024" or
"3 days ago") and is kept only when it is an absolute date.
"""

from __future__ import annotations

from typing import Any

from veracity.dates import normalize_date
from veracity.search._http import (
    HttpProvider,
    blank,
    clamp_limit,
    clean_text,
    finish,
    lang_code,
    snippet_text,
)
from veracity.types import SearchResult

MAX_NUM = 100
_HL = {"zh": "zh-cn"}


def _position(item: dict[str, Any]) -> int:
    """Serper's 1-based ``position``; hits without one keep their order at the end."""
    position = item.get("position")
    return position if isinstance(position, int) else 10**6


class SerperProvider(HttpProvider):
    """Web search through Serper (needs ``VERACITY_SERPER_API_KEY``)."""

    name = "serper"
    kind = "web"
    description = "Google results via Serper"
    default_rate = 5.0
    rank = 40
    url_setting = "serper_url"
    key_setting = "serper_api_key"

    async def search(
        self, query: str, *, limit: int = 10, lang: str | None = None
    ) -> list[SearchResult]:
        if blank(query) or limit <= 0:
            return []
        body: dict[str, Any] = {"q": query, "num": clamp_limit(limit, MAX_NUM)}
        code = lang_code(lang)
        if code:
            body["hl"] = _HL.get(code, code)
        data = await self.post_json(
            self.base_url,
            body,
            headers={"X-API-KEY": self._key, "Content-Type": "application/json"},
        )
        return finish(self._parse(data), limit)

    def _parse(self, data: dict[str, Any]) -> list[SearchResult]:
        ordered = sorted(self.objects_at(data, "organic"), key=_position)
        out: list[SearchResult] = []
        for item in ordered:
            if not isinstance(item.get("link"), str):
                continue
            out.append(
                SearchResult(
                    url=item["link"],
                    title=clean_text(item.get("title")) or None,
                    snippet=snippet_text(item.get("snippet")),
                    published=normalize_date(item.get("date")),
                    provider=self.name,
                )
            )
        return out
