"""Crossref REST API: works registered with a DOI (keyless; ``contact_email`` for the polite pool).

``GET /works?query=…&rows=…``. Dates come as ``date-parts`` (``[[2022, 7, 26]]``, or only a
year); ``issued`` (the earliest of print and online publication) is preferred. Abstracts are
JATS XML and are reduced to text. Crossref has no author search.
"""

from __future__ import annotations

from typing import Any

from veracity.dates import date_from_parts
from veracity.search._http import (
    ScholarlyProvider,
    as_dict,
    as_float,
    as_int,
    blank,
    clamp_limit,
    clean_text,
    first_str,
    snippet_text,
)
from veracity.search.records import WorkRecord, arxiv_id_from_doi, normalize_doi

MAX_ROWS = 100
SELECT = (
    "DOI,title,subtitle,original-title,short-title,author,container-title,issued,"
    "published-print,published-online,URL,type,abstract,score,is-referenced-by-count,event"
)
_DATE_FIELDS = ("issued", "published", "published-online", "published-print", "created")


def crossref_date(item: dict[str, Any]) -> str | None:
    """The first usable ``date-parts`` among the publication dates, as an ISO date."""
    for key in _DATE_FIELDS[:-1]:  # 'created' is the deposit date, not a publication date
        value = item.get(key)
        parts = value.get("date-parts") if isinstance(value, dict) else None
        if not isinstance(parts, list) or not parts or not isinstance(parts[0], list):
            continue
        nums = [p if isinstance(p, int) and not isinstance(p, bool) else None for p in parts[0]]
        nums += [None, None, None]
        iso = date_from_parts(nums[0], nums[1], nums[2])
        if iso:
            return iso
    return None


def crossref_author(author: Any) -> str | None:
    if not isinstance(author, dict):
        return None
    given = clean_text(author.get("given"))
    family = clean_text(author.get("family"))
    name = " ".join(p for p in (given, family) if p) or clean_text(author.get("name"))
    return name or None


class CrossrefProvider(ScholarlyProvider):
    """Scholarly search on Crossref (keyless)."""

    name = "crossref"
    kind = "scholarly"
    description = "Crossref DOI metadata"
    default_rate = 1.0
    rank = 100
    url_setting = "crossref_url"
    polite = True

    async def works(self, query: str, *, limit: int = 10) -> list[WorkRecord]:
        if blank(query) or limit <= 0:
            return []
        params: dict[str, Any] = {
            "query": query,
            "rows": clamp_limit(limit, MAX_ROWS),
            "select": SELECT,
        }
        if self.settings.contact_email:
            params["mailto"] = self.settings.contact_email
        data = await self.get_json(f"{self.base_url}/works", params=params)
        return self.parse_works(data)[:limit]

    def parse_works(self, data: dict[str, Any]) -> list[WorkRecord]:
        """Work records from a ``work-list`` reply (a single ``work`` reply also parses)."""
        if data.get("status") not in (None, "ok"):
            raise self.error(f"API status {data.get('status')!r}")
        message = data.get("message")
        if not isinstance(message, dict):
            raise self.malformed("'message' is not an object")
        if data.get("message-type") == "work":
            items: Any = [message]
        else:
            items = message.get("items", [])
        if not isinstance(items, list):
            raise self.malformed("'message.items' is not a list")
        works = [self.parse_item(i) for i in items if isinstance(i, dict)]
        return [w for w in works if w is not None]

    def parse_item(self, item: dict[str, Any]) -> WorkRecord | None:
        title = first_str(item.get("title"))
        if not title:
            return None
        doi = normalize_doi(item.get("DOI"))
        subtitle = first_str(item.get("subtitle"))
        alternatives = [
            t
            for t in [
                f"{title}: {subtitle}" if subtitle else None,
                first_str(item.get("original-title")),
                first_str(item.get("short-title")),
            ]
            if t and t != title
        ]
        published = crossref_date(item)
        url = item.get("URL") if isinstance(item.get("URL"), str) else None
        if not url:
            if not doi:
                return None
            url = f"https://doi.org/{doi}"
        abstract = snippet_text(item.get("abstract")) or None
        return WorkRecord(
            title=title,
            authors=[n for n in (crossref_author(a) for a in item.get("author") or []) if n],
            year=int(published[:4]) if published else None,
            venue=first_str(item.get("container-title"))
            or first_str(as_dict(item.get("event")).get("name")),
            doi=doi,
            arxiv_id=arxiv_id_from_doi(doi),
            url=url,
            alt_titles=list(dict.fromkeys(alternatives)),
            published=published,
            abstract=abstract,
            type=item.get("type") if isinstance(item.get("type"), str) else None,
            citation_count=as_int(item.get("is-referenced-by-count")),
            provider=self.name,
            score=as_float(item.get("score")),
        )
