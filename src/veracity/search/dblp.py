"""DBLP: computer-science publications and author profiles (keyless).

``GET /search/publ/api?q=…&format=json`` and ``GET /search/author/api?q=…&format=json``.
DBLP's JSON mirrors its XML: a single author is an object and several are a list, ``venue`` may
be a string or a list, titles end with a period and may hold HTML entities, and homonymous
authors carry a 4-digit suffix ("Jia Yu 0001"). All of that is smoothed out here; the suffix is
kept in the author's DBLP id.
"""

from __future__ import annotations

import html
import re
from typing import Any

from veracity.search._http import (
    ScholarlyProvider,
    as_float,
    as_int,
    as_list,
    blank,
    clamp_limit,
    clean_text,
)
from veracity.search.records import (
    AuthorRecord,
    WorkRecord,
    arxiv_id_from_doi,
    arxiv_id_from_url,
    normalize_doi,
)

MAX_HITS = 1000
_HOMONYM = re.compile(r"\s+\d{4}$")


def dblp_name(value: Any) -> str | None:
    """An author entry (``{"@pid": …, "text": …}`` or a plain string) as a display name."""
    text = value.get("text") if isinstance(value, dict) else value
    if not isinstance(text, str):
        return None
    return _HOMONYM.sub("", clean_text(html.unescape(text))) or None


def dblp_title(value: Any) -> str:
    if not isinstance(value, str):
        return ""
    text = clean_text(html.unescape(value))
    return text[:-1] if text.endswith(".") and not text.endswith("..") else text


class DblpProvider(ScholarlyProvider):
    """Scholarly search on DBLP: ``works`` and ``authors``."""

    name = "dblp"
    kind = "scholarly"
    description = "DBLP computer-science bibliography"
    default_rate = 1.0
    rank = 120
    url_setting = "dblp_url"

    async def works(self, query: str, *, limit: int = 10) -> list[WorkRecord]:
        if blank(query) or limit <= 0:
            return []
        data = await self.get_json(
            f"{self.base_url}/search/publ/api",
            params={"q": query, "format": "json", "h": clamp_limit(limit, MAX_HITS), "c": 0},
        )
        works = [self.parse_publication(h) for h in self.hits(data)]
        return [w for w in works if w is not None][:limit]

    async def authors(self, name: str, *, limit: int = 5) -> list[AuthorRecord]:
        if blank(name) or limit <= 0:
            return []
        data = await self.get_json(
            f"{self.base_url}/search/author/api",
            params={"q": name, "format": "json", "h": clamp_limit(limit, MAX_HITS), "c": 0},
        )
        authors = [self.parse_author(h) for h in self.hits(data)]
        return [a for a in authors if a is not None][:limit]

    # -- parsing --------------------------------------------------------------------------

    def hits(self, data: dict[str, Any]) -> list[dict[str, Any]]:
        """``result.hits.hit`` as a list (absent when nothing matched)."""
        result = data.get("result")
        if not isinstance(result, dict):
            raise self.malformed("'result' is missing")
        status = result.get("status")
        code = status.get("@code") if isinstance(status, dict) else None
        if code not in (None, "200"):
            text = status.get("text", "") if isinstance(status, dict) else ""
            raise self.error(f"API status {code} {text}".rstrip())
        hits = result.get("hits")
        if not isinstance(hits, dict):
            return []
        return [h for h in as_list(hits.get("hit")) if isinstance(h, dict)]

    def parse_publication(self, hit: dict[str, Any]) -> WorkRecord | None:
        info = hit.get("info")
        if not isinstance(info, dict):
            return None
        title = dblp_title(info.get("title"))
        key = info.get("key") if isinstance(info.get("key"), str) else None
        if not title or not key:
            return None
        authors_field = info.get("authors")
        raw_authors = authors_field.get("author") if isinstance(authors_field, dict) else None
        authors = [n for n in (dblp_name(a) for a in as_list(raw_authors)) if n]
        venues = [clean_text(v) for v in as_list(info.get("venue")) if isinstance(v, str)]
        year = as_int(info.get("year"))
        doi = normalize_doi(info.get("doi")) if isinstance(info.get("doi"), str) else None
        electronic = [e for e in as_list(info.get("ee")) if isinstance(e, str)]
        arxiv = arxiv_id_from_doi(doi)
        for link in electronic:
            arxiv = arxiv or arxiv_id_from_url(link)
        url = info.get("url") if isinstance(info.get("url"), str) else None
        return WorkRecord(
            title=title,
            authors=authors,
            year=year,
            venue=" / ".join(venues) or None,
            doi=doi,
            arxiv_id=arxiv,
            dblp_key=key,
            url=url or f"https://dblp.org/rec/{key}",
            published=str(year) if year else None,
            type=info.get("type") if isinstance(info.get("type"), str) else None,
            provider=self.name,
            score=as_float(hit.get("@score")),
        )

    def parse_author(self, hit: dict[str, Any]) -> AuthorRecord | None:
        info = hit.get("info")
        if not isinstance(info, dict):
            return None
        raw_name = info.get("author")
        name = dblp_name(raw_name)
        if not name:
            return None
        url = info.get("url") if isinstance(info.get("url"), str) else None
        ids: dict[str, str] = {}
        if url and "/pid/" in url:
            ids["dblp"] = url.split("/pid/", 1)[1].removesuffix(".html")
        aliases_field = info.get("aliases")
        raw_aliases = aliases_field.get("alias") if isinstance(aliases_field, dict) else None
        aliases = [n for n in (dblp_name(a) for a in as_list(raw_aliases)) if n and n != name]
        notes_field = info.get("notes")
        notes = notes_field.get("note") if isinstance(notes_field, dict) else None
        affiliations = [
            clean_text(html.unescape(n["text"]))
            for n in as_list(notes)
            if isinstance(n, dict)
            and n.get("@type") == "affiliation"
            and isinstance(n.get("text"), str)
        ]
        return AuthorRecord(
            name=name,
            aliases=list(dict.fromkeys(aliases)),
            ids=ids,
            affiliations=affiliations,
            url=url,
            provider=self.name,
        )
