"""arXiv: the export API (Atom XML), parsed with the standard library.

``GET https://export.arxiv.org/api/query?search_query=…`` for keyword searches, ``id_list=…``
when the query names arXiv identifiers. Keyword queries become ``all:term AND all:term …``
(common English words dropped), which keeps multi-word queries precise.

``published`` is the date of the first version (``<published>``). An invalid request comes
back as HTTP 400 with an Atom "error" entry; its message is reported.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from typing import Any

from veracity.dates import normalize_date
from veracity.search._http import (
    ScholarlyProvider,
    blank,
    clamp_limit,
    clean_text,
)
from veracity.search.records import WorkRecord, normalize_arxiv_id, normalize_doi

MAX_RESULTS = 100
MAX_TERMS = 10
NS = {
    "atom": "http://www.w3.org/2005/Atom",
    "arxiv": "http://arxiv.org/schemas/atom",
    "opensearch": "http://a9.com/-/spec/opensearch/1.1/",
}
_NEW_ID = re.compile(r"(?<![\w./])(\d{4}\.\d{4,5})(v\d+)?(?!\w|\.\d)")
_OLD_ID = re.compile(r"(?<![\w./])([a-z][a-z\-]+(?:\.[A-Z]{2})?/\d{7})(v\d+)?(?!\w|\.\d)")
_TERM = re.compile(r"\w+", re.UNICODE)
_STOP = frozenset(
    [
        "a",
        "an",
        "and",
        "are",
        "as",
        "at",
        "be",
        "by",
        "for",
        "from",
        "has",
        "have",
        "in",
        "is",
        "it",
        "its",
        "of",
        "on",
        "or",
        "that",
        "the",
        "this",
        "to",
        "was",
        "were",
        "will",
        "with",
    ]
)


def arxiv_ids_in(query: str) -> list[str]:
    """arXiv identifiers written in a query (new ``2112.11446`` and old ``hep-th/9901001``)."""
    found = [m.group(0) for m in _NEW_ID.finditer(query)]
    found += [m.group(0) for m in _OLD_ID.finditer(query)]
    return list(dict.fromkeys(found))


def build_search_query(query: str) -> str | None:
    """``all:t1 AND all:t2 …`` from the query's words, without common English words."""
    terms = [t for t in _TERM.findall(query) if t.lower() not in _STOP]
    if not terms:
        terms = _TERM.findall(query)
    terms = list(dict.fromkeys(terms))[:MAX_TERMS]
    return " AND ".join(f"all:{t}" for t in terms) or None


def _text(element: ET.Element | None) -> str:
    return clean_text(element.text) if element is not None and element.text else ""


class ArxivProvider(ScholarlyProvider):
    """Scholarly search on arXiv (keyless). No author search: arXiv has no author profiles."""

    name = "arxiv"
    kind = "scholarly"
    description = "arXiv preprints"
    default_rate = 1 / 3
    rank = 90
    url_setting = "arxiv_url"
    interval_setting = "arxiv_min_interval"

    async def works(self, query: str, *, limit: int = 10) -> list[WorkRecord]:
        if blank(query) or limit <= 0:
            return []
        params: dict[str, Any] = {"start": 0, "max_results": clamp_limit(limit, MAX_RESULTS)}
        ids = arxiv_ids_in(query)
        if ids:
            params["id_list"] = ",".join(ids)
        else:
            search_query = build_search_query(query)
            if search_query is None:
                return []
            params.update(search_query=search_query, sortBy="relevance", sortOrder="descending")
        response = await self.get_text(self.base_url, params=params, ok_statuses=(400,))
        works = self.parse_feed(response.text)
        if response.status_code == 400:  # an error feed without an error entry
            raise self.error("HTTP 400 from the arXiv API")
        return works[:limit]

    def parse_feed(self, xml_text: str) -> list[WorkRecord]:
        """Work records from an Atom feed; :class:`ProviderError` for an error feed."""
        try:
            root = ET.fromstring(xml_text)
        except ET.ParseError as exc:
            raise self.malformed(f"not an Atom feed ({exc})") from exc
        if root.tag != f"{{{NS['atom']}}}feed":
            raise self.malformed(f"root element is {root.tag!r}, not an Atom feed")
        works: list[WorkRecord] = []
        for entry in root.findall("atom:entry", NS):
            entry_id = _text(entry.find("atom:id", NS))
            if "/api/errors" in entry_id:
                message = _text(entry.find("atom:summary", NS)) or "unknown error"
                raise self.error(f"API error: {message}")
            work = self.parse_entry(entry)
            if work is not None:
                works.append(work)
        return works

    def parse_entry(self, entry: ET.Element) -> WorkRecord | None:
        arxiv_id = normalize_arxiv_id(_text(entry.find("atom:id", NS)))
        title = _text(entry.find("atom:title", NS))
        if not arxiv_id or not title:
            return None
        authors = [
            _text(a.find("atom:name", NS))
            for a in entry.findall("atom:author", NS)
            if _text(a.find("atom:name", NS))
        ]
        published = normalize_date(_text(entry.find("atom:published", NS)))
        journal_ref = _text(entry.find("arxiv:journal_ref", NS))
        category = entry.find("arxiv:primary_category", NS)
        primary = category.get("term") if category is not None else None
        return WorkRecord(
            title=title,
            authors=authors,
            year=int(published[:4]) if published else None,
            venue=journal_ref or "arXiv",
            doi=normalize_doi(_text(entry.find("arxiv:doi", NS))),
            arxiv_id=arxiv_id,
            url=f"https://arxiv.org/abs/{arxiv_id}",
            published=published,
            abstract=_text(entry.find("atom:summary", NS)) or None,
            type=f"preprint ({primary})" if primary else "preprint",
            provider=self.name,
        )
