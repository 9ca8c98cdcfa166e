"""Typed records from the scholarly providers, for the identity resolver.

A :class:`WorkRecord` is one paper as one index sees it; an :class:`AuthorRecord` is one person
(profile) as one index sees it. The same paper or person usually appears in several indexes under
different titles or name variants; the ids kept here (DOI, arXiv id, OpenAlex id, Semantic
Scholar id, DBLP key, OpenReview id, ORCID) are what lets a later stage link them.

Scholarly providers derive their :class:`~veracity.types.SearchResult` hits from work records
with :func:`work_to_result`, so the search results and the records never disagree.
"""

from __future__ import annotations

import re

from pydantic import BaseModel, ConfigDict, Field

from veracity.types import SearchResult

_DOI_PREFIX = re.compile(r"^(?:https?://(?:dx\.)?doi\.org/|doi:)", re.IGNORECASE)
_ARXIV_DOI = re.compile(r"^10\.48550/arxiv\.(.+)$", re.IGNORECASE)
_ARXIV_VERSION = re.compile(r"v\d+$")
_ARXIV_URL = re.compile(r"arxiv\.org/(?:abs|pdf)/([^?#\s]+?)(?:\.pdf)?(?:[?#]|$)", re.IGNORECASE)

ABSTRACT_CHARS = 500
"""How much of an abstract goes into a search-result snippet."""

MAX_SNIPPET_AUTHORS = 8


class _Record(BaseModel):
    model_config = ConfigDict(extra="forbid")


class WorkRecord(_Record):
    """One scholarly work as one index describes it. Missing facts stay ``None``/empty."""

    title: str
    authors: list[str] = Field(default_factory=list, description="display names, in order")
    year: int | None = None
    venue: str | None = None
    doi: str | None = Field(default=None, description="bare DOI, lower case: 10.1234/abc")
    arxiv_id: str | None = Field(default=None, description="without version: 2112.11446")
    openalex_id: str | None = Field(default=None, description="W123…")
    s2_id: str | None = Field(default=None, description="Semantic Scholar paperId")
    dblp_key: str | None = Field(default=None, description="conf/iclr/RaePJHL20")
    openreview_id: str | None = Field(default=None, description="OpenReview forum id")
    url: str = Field(description="the page the index links for this work")
    alt_titles: list[str] = Field(default_factory=list, description="other titles seen")
    published: str | None = Field(
        default=None, description="ISO date (YYYY, YYYY-MM or YYYY-MM-DD) as the index gives it"
    )
    abstract: str | None = None
    type: str | None = Field(default=None, description="the index's own type word")
    citation_count: int | None = None
    provider: str = Field(description="which index this record came from")
    score: float | None = Field(default=None, description="the index's relevance score")


class AuthorRecord(_Record):
    """One person (author profile) as one index describes them."""

    name: str
    aliases: list[str] = Field(default_factory=list, description="other names and spellings")
    ids: dict[str, str] = Field(
        default_factory=dict, description="e.g. {'orcid': …, 'openalex': …, 'dblp': …}"
    )
    affiliations: list[str] = Field(default_factory=list, description="most recent first")
    url: str | None = None
    works_count: int | None = None
    provider: str


def normalize_doi(value: str | None) -> str | None:
    """``https://doi.org/10.1/ABC`` → ``10.1/abc``; ``None`` for anything that is not a DOI."""
    if not value:
        return None
    doi = _DOI_PREFIX.sub("", value.strip()).strip().lower()
    return doi if doi.startswith("10.") and "/" in doi else None


def normalize_arxiv_id(value: str | None) -> str | None:
    """``arXiv:2112.11446v2`` / ``http://arxiv.org/abs/2112.11446v2`` → ``2112.11446``."""
    if not value:
        return None
    text = value.strip()
    m = _ARXIV_URL.search(text)
    if m:
        text = m.group(1)
    text = re.sub(r"^arxiv:", "", text, flags=re.IGNORECASE)
    text = _ARXIV_VERSION.sub("", text)
    return text or None


def arxiv_id_from_doi(doi: str | None) -> str | None:
    """The arXiv id inside a DataCite arXiv DOI (``10.48550/arXiv.2112.11446``)."""
    if not doi:
        return None
    m = _ARXIV_DOI.match(doi)
    return normalize_arxiv_id(m.group(1)) if m else None


def arxiv_id_from_url(url: str | None) -> str | None:
    if not url:
        return None
    m = _ARXIV_URL.search(url)
    return normalize_arxiv_id(m.group(1)) if m else None


def _shorten(text: str, limit: int) -> str:
    if len(text) <= limit:
        return text
    cut = text[:limit]
    space = cut.rfind(" ")
    if space > limit * 0.6:
        cut = cut[:space]
    return cut.rstrip(" ,;:") + " …"


def work_snippet(work: WorkRecord) -> str:
    """The snippet of a work: its bibliographic facts on one line, then the abstract's start.

    Example: ``Authors: Jack W. Rae, Anna Potapenko; Venue: ICLR; Year: 2020; arXiv: 1911.05507``.
    """
    parts: list[str] = []
    if work.authors:
        names = work.authors[:MAX_SNIPPET_AUTHORS]
        more = len(work.authors) - len(names)
        parts.append("Authors: " + ", ".join(names) + (f" (+{more} more)" if more > 0 else ""))
    if work.venue:
        parts.append(f"Venue: {work.venue}")
    if work.year is not None:
        parts.append(f"Year: {work.year}")
    if work.arxiv_id:
        parts.append(f"arXiv: {work.arxiv_id}")
    if work.doi:
        parts.append(f"DOI: {work.doi}")
    line = "; ".join(parts)
    if work.abstract:
        abstract = _shorten(work.abstract, ABSTRACT_CHARS)
        return f"{line}\n{abstract}" if line else abstract
    return line


def work_to_result(work: WorkRecord, rank: int) -> SearchResult:
    """The search hit for a work record (``rank`` is 1-based)."""
    published = work.published or (str(work.year) if work.year is not None else None)
    return SearchResult(
        url=work.url,
        title=work.title,
        snippet=work_snippet(work),
        published=published,
        provider=work.provider,
        rank=rank,
        score=work.score,
    )


def works_to_results(works: list[WorkRecord]) -> list[SearchResult]:
    return [work_to_result(w, i) for i, w in enumerate(works, start=1)]
