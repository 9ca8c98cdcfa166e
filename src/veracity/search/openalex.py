"""OpenAlex: works and authors (keyless; ``contact_email`` joins the polite pool).

``GET /works?search=…`` and ``GET /authors?search=…``. Abstracts come as an inverted index
(word → positions) and are rebuilt here. OpenAlex fills ``publication_date`` with January 1st
when it knows only the year; such a date is reported as the year alone, so no day is invented.
"""

from __future__ import annotations

from typing import Any

from veracity.dates import normalize_date
from veracity.search._http import (
    ScholarlyProvider,
    as_dict,
    as_float,
    as_int,
    blank,
    clamp_limit,
    clean_text,
    snippet_text,
)
from veracity.search.records import (
    AuthorRecord,
    WorkRecord,
    arxiv_id_from_doi,
    arxiv_id_from_url,
    normalize_doi,
)

MAX_PER_PAGE = 100
WORK_FIELDS = (
    "id,doi,title,display_name,publication_year,publication_date,ids,primary_location,"
    "locations,authorships,abstract_inverted_index,type,cited_by_count"
)


def short_id(value: Any) -> str | None:
    """``https://openalex.org/W123`` → ``W123``."""
    if not isinstance(value, str) or not value:
        return None
    return value.rstrip("/").rsplit("/", 1)[-1]


def rebuild_abstract(index: Any) -> str | None:
    """The abstract text from OpenAlex's ``abstract_inverted_index``."""
    if not isinstance(index, dict) or not index:
        return None
    slots: dict[int, str] = {}
    for word, positions in index.items():
        if not isinstance(positions, list):
            continue
        for pos in positions:
            if isinstance(pos, int) and pos >= 0:
                slots[pos] = word
    if not slots:
        return None
    return clean_text(" ".join(slots[i] for i in sorted(slots)))


def openalex_date(date_text: Any, year: int | None) -> str | None:
    """``publication_date``, or just the year when the date is the year's January 1st filler."""
    iso = normalize_date(date_text)
    if iso is None:
        return str(year) if year is not None else None
    if iso.endswith("-01-01"):
        return iso[:4]
    return iso


class OpenAlexProvider(ScholarlyProvider):
    """Scholarly search on OpenAlex: ``works`` and ``authors`` (keyless)."""

    name = "openalex"
    kind = "scholarly"
    description = "OpenAlex works and authors"
    default_rate = 1.0
    rank = 80
    url_setting = "openalex_url"
    polite = True

    def _params(self, query: str, limit: int) -> dict[str, Any]:
        params: dict[str, Any] = {"search": query, "per-page": clamp_limit(limit, MAX_PER_PAGE)}
        if self.settings.contact_email:
            params["mailto"] = self.settings.contact_email
        return params

    async def works(self, query: str, *, limit: int = 10) -> list[WorkRecord]:
        if blank(query) or limit <= 0:
            return []
        params = self._params(query, limit)
        params["select"] = WORK_FIELDS
        data = await self.get_json(f"{self.base_url}/works", params=params)
        return self.parse_works(data)[:limit]

    async def authors(self, name: str, *, limit: int = 5) -> list[AuthorRecord]:
        if blank(name) or limit <= 0:
            return []
        data = await self.get_json(f"{self.base_url}/authors", params=self._params(name, limit))
        return self.parse_authors(data)[:limit]

    # -- parsing --------------------------------------------------------------------------

    def _results(self, data: dict[str, Any]) -> list[dict[str, Any]]:
        return self.objects_at(data, "results")

    def parse_works(self, data: dict[str, Any]) -> list[WorkRecord]:
        """Work records from a ``/works`` list reply (a single work also parses)."""
        items = self._results(data) if "results" in data or "meta" in data else [data]
        works = [self.parse_work(item) for item in items]
        return [w for w in works if w is not None]

    def parse_work(self, item: dict[str, Any]) -> WorkRecord | None:
        title = snippet_text(item.get("display_name") or item.get("title"))
        if not title:
            return None
        ids = as_dict(item.get("ids"))
        doi = normalize_doi(item.get("doi") or ids.get("doi"))
        year = as_int(item.get("publication_year"))
        primary = as_dict(item.get("primary_location"))
        source = as_dict(primary.get("source"))
        venue = clean_text(source.get("display_name")) or None
        arxiv = arxiv_id_from_doi(doi)
        raw_locations = item.get("locations")
        locations: list[Any] = raw_locations if isinstance(raw_locations, list) else []
        for loc in [primary, *locations]:
            if arxiv:
                break
            if not isinstance(loc, dict):
                continue
            arxiv = arxiv_id_from_url(loc.get("landing_page_url")) or arxiv_id_from_url(
                loc.get("pdf_url")
            )
        authors = []
        for authorship in item.get("authorships") or []:
            author = authorship.get("author") if isinstance(authorship, dict) else None
            name = clean_text(author.get("display_name")) if isinstance(author, dict) else ""
            if name:
                authors.append(name)
        openalex_id = short_id(item.get("id"))
        landing = primary.get("landing_page_url")
        if isinstance(landing, str) and landing.startswith("http"):
            url = landing
        elif doi:
            url = f"https://doi.org/{doi}"
        else:
            url = f"https://openalex.org/{openalex_id}"
        raw_title = snippet_text(item.get("title"))
        return WorkRecord(
            title=title,
            authors=authors,
            year=year,
            venue=venue,
            doi=doi,
            arxiv_id=arxiv,
            openalex_id=openalex_id,
            url=url,
            alt_titles=[raw_title] if raw_title and raw_title != title else [],
            published=openalex_date(item.get("publication_date"), year),
            abstract=rebuild_abstract(item.get("abstract_inverted_index")),
            type=item.get("type") if isinstance(item.get("type"), str) else None,
            citation_count=as_int(item.get("cited_by_count")),
            provider=self.name,
            score=as_float(item.get("relevance_score")),
        )

    def parse_authors(self, data: dict[str, Any]) -> list[AuthorRecord]:
        out: list[AuthorRecord] = []
        for item in self._results(data):
            name = clean_text(item.get("display_name"))
            if not name:
                continue
            aliases = [
                clean_text(a)
                for a in item.get("display_name_alternatives") or []
                if isinstance(a, str) and clean_text(a) and clean_text(a) != name
            ]
            ids: dict[str, str] = {}
            openalex_id = short_id(item.get("id"))
            if openalex_id:
                ids["openalex"] = openalex_id
            raw_ids = as_dict(item.get("ids"))
            orcid = item.get("orcid") or raw_ids.get("orcid")
            if isinstance(orcid, str) and orcid:
                ids["orcid"] = short_id(orcid) or orcid
            for key in ("scopus", "twitter", "wikipedia"):
                if isinstance(raw_ids.get(key), str):
                    ids[key] = raw_ids[key]
            out.append(
                AuthorRecord(
                    name=name,
                    aliases=list(dict.fromkeys(aliases)),
                    ids=ids,
                    affiliations=self._affiliations(item),
                    url=item["id"] if isinstance(item.get("id"), str) else None,
                    works_count=as_int(item.get("works_count")),
                    provider=self.name,
                )
            )
        return out

    @staticmethod
    def _affiliations(item: dict[str, Any]) -> list[str]:
        """Last known institutions first, then past affiliations by their latest year."""
        names: list[str] = []
        last = item.get("last_known_institutions") or item.get("last_known_institution") or []
        for inst in last if isinstance(last, list) else [last]:
            if isinstance(inst, dict) and isinstance(inst.get("display_name"), str):
                names.append(clean_text(inst["display_name"]))
        past: list[tuple[int, str]] = []
        for aff in item.get("affiliations") or []:
            if not isinstance(aff, dict) or not isinstance(aff.get("institution"), dict):
                continue
            name = aff["institution"].get("display_name")
            years = [y for y in aff.get("years") or [] if isinstance(y, int)]
            if isinstance(name, str):
                past.append((max(years) if years else 0, clean_text(name)))
        for _, name in sorted(past, key=lambda p: -p[0]):
            names.append(name)
        return list(dict.fromkeys(n for n in names if n))
