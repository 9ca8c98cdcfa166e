"""Semantic Scholar Graph API: paper search and author search.

``GET /graph/v1/paper/search?query=…&fields=…`` and ``GET /graph/v1/author/search``. A key
(``VERACITY_SEMANTIC_SCHOLAR_API_KEY``, sent as ``x-api-key``) is optional; without one the
shared rate limit answers 429 often, which the retry policy absorbs. An empty search comes back
as ``{"total": 0, "offset": 0}`` without ``data``.
"""

from __future__ import annotations

from typing import Any

from veracity.dates import normalize_date
from veracity.search._http import (
    ScholarlyProvider,
    as_dict,
    as_int,
    blank,
    clamp_limit,
    clean_text,
)
from veracity.search.records import AuthorRecord, WorkRecord, normalize_arxiv_id, normalize_doi

MAX_LIMIT = 100
PAPER_FIELDS = (
    "paperId,title,abstract,authors,venue,year,publicationDate,externalIds,url,journal,"
    "citationCount,publicationTypes"
)
AUTHOR_FIELDS = "authorId,name,affiliations,externalIds,url,paperCount,homepage"
PAPER_URL = "https://www.semanticscholar.org/paper/{id}"
AUTHOR_URL = "https://www.semanticscholar.org/author/{id}"


class SemanticScholarProvider(ScholarlyProvider):
    """Scholarly search on Semantic Scholar: ``works`` and ``authors``."""

    name = "semanticscholar"
    kind = "scholarly"
    description = "Semantic Scholar papers and authors (key optional)"
    key_setting = "semantic_scholar_api_key"
    key_optional = True
    default_rate = 1.0
    rank = 110
    url_setting = "semantic_scholar_url"
    interval_setting = "semantic_scholar_min_interval"

    def _headers(self) -> dict[str, str]:
        return {"x-api-key": self._key} if self._key else {}

    async def works(self, query: str, *, limit: int = 10) -> list[WorkRecord]:
        if blank(query) or limit <= 0:
            return []
        # the search endpoint matches no hyphenated terms, so hyphens become spaces
        data = await self.get_json(
            f"{self.base_url}/paper/search",
            params={
                "query": query.replace("-", " "),
                "limit": clamp_limit(limit, MAX_LIMIT),
                "fields": PAPER_FIELDS,
            },
            headers=self._headers(),
        )
        return [w for w in (self.parse_paper(p) for p in self._data(data)) if w][:limit]

    async def authors(self, name: str, *, limit: int = 5) -> list[AuthorRecord]:
        if blank(name) or limit <= 0:
            return []
        data = await self.get_json(
            f"{self.base_url}/author/search",
            params={
                "query": name.replace("-", " "),
                "limit": clamp_limit(limit, MAX_LIMIT),
                "fields": AUTHOR_FIELDS,
            },
            headers=self._headers(),
        )
        return [a for a in (self.parse_author(x) for x in self._data(data)) if a][:limit]

    # -- parsing --------------------------------------------------------------------------

    def _data(self, data: dict[str, Any]) -> list[dict[str, Any]]:
        return self.objects_at(data, "data")

    def parse_paper(self, paper: dict[str, Any]) -> WorkRecord | None:
        paper_id = paper.get("paperId")
        title = clean_text(paper.get("title"))
        if not isinstance(paper_id, str) or not paper_id or not title:
            return None
        ext = as_dict(paper.get("externalIds"))
        year = as_int(paper.get("year"))
        journal = as_dict(paper.get("journal"))
        venue = clean_text(paper.get("venue")) or clean_text(journal.get("name")) or None
        url = paper.get("url") if isinstance(paper.get("url"), str) else None
        authors = [
            clean_text(a.get("name"))
            for a in paper.get("authors") or []
            if isinstance(a, dict) and clean_text(a.get("name"))
        ]
        types = paper.get("publicationTypes")
        kind = ", ".join(t for t in types if isinstance(t, str)) if isinstance(types, list) else ""
        dblp = ext.get("DBLP")
        doi = ext.get("DOI")
        arxiv = ext.get("ArXiv")
        return WorkRecord(
            title=title,
            authors=authors,
            year=year,
            venue=venue,
            doi=normalize_doi(doi) if isinstance(doi, str) else None,
            arxiv_id=normalize_arxiv_id(arxiv) if isinstance(arxiv, str) else None,
            s2_id=paper_id,
            dblp_key=dblp if isinstance(dblp, str) else None,
            url=url or PAPER_URL.format(id=paper_id),
            published=normalize_date(paper.get("publicationDate")) or (str(year) if year else None),
            abstract=clean_text(paper.get("abstract")) or None,
            type=kind or None,
            citation_count=as_int(paper.get("citationCount")),
            provider=self.name,
        )

    def parse_author(self, item: dict[str, Any]) -> AuthorRecord | None:
        author_id = item.get("authorId")
        name = clean_text(item.get("name"))
        if not isinstance(author_id, str) or not name:
            return None
        ids: dict[str, str] = {"s2": author_id}
        aliases: list[str] = []
        ext = as_dict(item.get("externalIds"))
        for key, value in ext.items():
            values = value if isinstance(value, list) else [value]
            strings = [clean_text(str(v)) for v in values if isinstance(v, str | int)]
            if not strings:
                continue
            if key == "DBLP":  # DBLP names are name variants, not ids
                aliases.extend(s for s in strings if s != name)
            else:
                ids[key.lower()] = strings[0]
        for alias in item.get("aliases") or []:
            if isinstance(alias, str) and clean_text(alias) != name:
                aliases.append(clean_text(alias))
        url = item.get("url") if isinstance(item.get("url"), str) else None
        return AuthorRecord(
            name=name,
            aliases=list(dict.fromkeys(aliases)),
            ids=ids,
            affiliations=[
                clean_text(a) for a in item.get("affiliations") or [] if isinstance(a, str)
            ],
            url=url or AUTHOR_URL.format(id=author_id),
            works_count=as_int(item.get("paperCount")),
            provider=self.name,
        )
