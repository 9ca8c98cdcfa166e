"""Wikipedia, any language edition, through the MediaWiki Action API.

Two requests per search: ``list=search`` finds the articles, then ``prop=extracts|info`` fetches
the plain-text lead section and the canonical URL of each hit. When the second request fails
the hits keep the search snippet (a warning is logged), so one flaky call does not lose the
search.

``published`` stays ``None``: the API's ``timestamp`` is the date of the last edit, not a
publication date.
"""

from __future__ import annotations

import logging
from typing import Any
from urllib.parse import quote

from veracity.errors import ProviderError
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

log = logging.getLogger("veracity.search")

MAX_LIMIT = 50
EXTRACT_CHARS = 1200


def mediawiki_error(data: dict[str, Any]) -> str | None:
    """The ``error`` of a MediaWiki reply (it comes with HTTP 200), as ``code: info``."""
    err = data.get("error")
    if not isinstance(err, dict):
        return None
    code = err.get("code") or "error"
    info = err.get("info") or ""
    return f"{code}: {info}".rstrip(": ")


def check_mediawiki(provider: HttpProvider, data: dict[str, Any]) -> None:
    """Raise the provider's :class:`ProviderError` when a MediaWiki reply carries an error."""
    problem = mediawiki_error(data)
    if problem:
        raise provider.error(f"API error {problem}")


def lead_text(extract: str, limit: int = EXTRACT_CHARS) -> str:
    """The lead section, cut at the last sentence end before ``limit`` characters."""
    text = extract.strip()
    if len(text) <= limit:
        return text
    cut = text[:limit]
    ends = [cut.rfind(p) for p in (". ", "。", "! ", "? ", "！", "？", ".\n")]
    end = max(ends)
    return cut[: end + 1].strip() if end > limit // 3 else cut.rstrip() + " …"


class WikipediaProvider(HttpProvider):
    """Encyclopedia search on ``{lang}.wikipedia.org`` (keyless)."""

    name = "wikipedia"
    kind = "reference"
    description = "Wikipedia, any language edition"
    default_rate = 5.0
    rank = 60
    url_setting = "wikipedia_url"

    def edition(self, lang: str | None) -> str:
        """The language edition for ``lang`` (``zh``, ``en`` …), else the configured default."""
        return lang_code(lang) or lang_code(self.settings.wikipedia_lang) or "en"

    def api_url(self, edition: str) -> str:
        return self.base_url.replace("{lang}", edition)

    def article_url(self, edition: str, title: str) -> str:
        path = quote(title.replace(" ", "_"), safe="()_,:'!")
        return f"https://{edition}.wikipedia.org/wiki/{path}"

    async def search(
        self, query: str, *, limit: int = 10, lang: str | None = None
    ) -> list[SearchResult]:
        if blank(query) or limit <= 0:
            return []
        edition = self.edition(lang)
        api = self.api_url(edition)
        data = await self.get_json(
            api,
            params={
                "action": "query",
                "list": "search",
                "srsearch": query,
                "srlimit": clamp_limit(limit, MAX_LIMIT),
                "srnamespace": 0,
                "srprop": "snippet|timestamp",
                "format": "json",
                "formatversion": 2,
            },
        )
        hits = self._parse_search(data)
        if not hits:
            return []
        try:
            pages = await self._pages(api, [h["pageid"] for h in hits])
        except ProviderError as exc:
            log.warning("wikipedia: extracts failed, keeping search snippets: %s", exc)
            pages = {}
        results: list[SearchResult] = []
        for hit in hits:
            page = pages.get(hit["pageid"], {})
            title = page.get("title") or hit["title"]
            extract = page.get("extract")
            snippet = lead_text(extract) if isinstance(extract, str) and extract.strip() else ""
            url = page.get("fullurl")
            results.append(
                SearchResult(
                    url=url if isinstance(url, str) else self.article_url(edition, title),
                    title=title,
                    snippet=snippet or hit["snippet"],
                    published=None,
                    provider=self.name,
                )
            )
        return finish(results, limit)

    def _parse_search(self, data: dict[str, Any]) -> list[dict[str, Any]]:
        check_mediawiki(self, data)
        query = data.get("query")
        if query is None:
            return []
        if not isinstance(query, dict) or not isinstance(query.get("search", []), list):
            raise self.malformed("'query.search' is not a list")
        hits: list[dict[str, Any]] = []
        for item in query.get("search", []):
            if not isinstance(item, dict) or not isinstance(item.get("title"), str):
                continue
            pageid = item.get("pageid")
            if not isinstance(pageid, int):
                continue
            hits.append(
                {
                    "pageid": pageid,
                    "title": item["title"],
                    "snippet": snippet_text(item.get("snippet")),
                }
            )
        return hits

    async def _pages(self, api: str, pageids: list[int]) -> dict[int, dict[str, Any]]:
        """Lead-section extracts and canonical URLs, keyed by page id."""
        data = await self.get_json(
            api,
            params={
                "action": "query",
                "prop": "extracts|info",
                "pageids": "|".join(str(p) for p in pageids),
                "exintro": 1,
                "explaintext": 1,
                "exlimit": "max",
                "inprop": "url",
                "format": "json",
                "formatversion": 2,
            },
        )
        return self.parse_pages(data)

    def parse_pages(self, data: dict[str, Any]) -> dict[int, dict[str, Any]]:
        """``query.pages`` of either format version (a list in 2, an object keyed by id in 1)."""
        check_mediawiki(self, data)
        query = data.get("query")
        if not isinstance(query, dict):
            return {}
        pages = query.get("pages")
        items: list[Any] = (
            list(pages.values())
            if isinstance(pages, dict)
            else pages
            if isinstance(pages, list)
            else []
        )
        out: dict[int, dict[str, Any]] = {}
        for page in items:
            if isinstance(page, dict) and isinstance(page.get("pageid"), int):
                if "missing" in page:
                    continue
                page = dict(page)
                if isinstance(page.get("title"), str):
                    page["title"] = clean_text(page["title"])
                out[page["pageid"]] = page
        return out
