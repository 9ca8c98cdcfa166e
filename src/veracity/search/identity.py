"""Scholarly identity: the same paper under several titles.

The award list names "An empirical analysis of compute-optimal large language model training",
arXiv calls the paper "Training Compute-Optimal Large Language Models"; Semantic Scholar, OpenAlex
and DBLP know they are one work because the venue record carries the arXiv id or the DOI.

:func:`resolve_work` searches every source with a title and keeps the records whose title is
close to a known one or that share an id (DOI, arXiv, Semantic Scholar, OpenAlex, DBLP,
OpenReview) with a kept record; titles learned that way (``alt_titles`` too) are searched
again. The research stage uses it to search a claimed paper under its other titles.

**Close titles** (:func:`titles_close`), compared after :func:`normalize_title` (case and
accents folded, punctuation and hyphens as spaces): equal; or difflib ratio ≥
:data:`TITLE_RATIO` (0.95: a typo, ``modelling``/``modeling``); or word-set Jaccard ≥
:data:`TITLE_JACCARD` (0.9: the same words reordered) — never when one has a negation word the
other lacks ("… is not all you need"). Records accepted by title alone must be within one year
of ``year`` when it is given (an arXiv version often precedes the proceedings by a year).
"""

from __future__ import annotations

import asyncio
import difflib
import logging
import re
from collections.abc import Awaitable, Callable, Iterable, Sequence
from typing import Any, Protocol, runtime_checkable

from pydantic import BaseModel, ConfigDict, Field

from veracity.search.names import fold
from veracity.search.records import (
    WorkRecord,
    arxiv_id_from_doi,
    normalize_arxiv_id,
    normalize_doi,
)
from veracity.text import CJK_CHARS

log = logging.getLogger("veracity.search.identity")


TITLE_RATIO = 0.95
"""difflib ratio over normalised titles at or above which two titles are the same."""
TITLE_JACCARD = 0.9
"""Word-set Jaccard index at or above which two titles are the same."""
MAX_FOLLOW_UPS = 3
"""At most this many learned titles are searched again."""

_TOKEN = re.compile(rf"[{CJK_CHARS}]|[^\W_]+")
_NEGATIONS = frozenset({"not", "no", "non", "without", "never", "beyond", "against"})
_ARXIV_QUERY = re.compile(r"^\s*(?:arxiv:\s*)?(\d{4}\.\d{4,5}(?:v\d+)?)\s*$", re.IGNORECASE)
_WORK_ID_FIELDS = ("doi", "arxiv_id", "s2_id", "openalex_id", "dblp_key", "openreview_id")
_WORK_ID_NAMES = dict(
    zip(_WORK_ID_FIELDS, ("doi", "arxiv", "s2", "openalex", "dblp", "openreview"), strict=True)
)


# ---------------------------------------------------------------------------------------------
# protocols


@runtime_checkable
class WorkSource(Protocol):
    """Anything that finds works by a title or keywords (the scholarly providers)."""

    async def works(self, query: str, *, limit: int = 10) -> list[WorkRecord]: ...


def _source_name(source: object) -> str:
    name = getattr(source, "name", None)
    return name if isinstance(name, str) and name else type(source).__name__


# ---------------------------------------------------------------------------------------------
# titles


def _tokens(text: str) -> list[str]:
    return [fold(t) for t in _TOKEN.findall(text)]


def normalize_title(title: str) -> str:
    """``Training Compute-Optimal Large Language Models.`` → ``training compute optimal
    large language models`` (folded words joined by single spaces; Chinese characters one by
    one)."""
    return " ".join(_tokens(title))


def titles_close(a: str, b: str) -> bool:
    """Whether two titles name the same work by their wording alone (see the module docs)."""
    na, nb = normalize_title(a), normalize_title(b)
    if not na or not nb:
        return False
    if na == nb:
        return True
    sa, sb = set(na.split()), set(nb.split())
    if (sa ^ sb) & _NEGATIONS:
        return False
    if len(sa & sb) / len(sa | sb) >= TITLE_JACCARD:
        return True
    return difflib.SequenceMatcher(None, na, nb, autojunk=False).ratio() >= TITLE_RATIO


# ---------------------------------------------------------------------------------------------
# works


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid")


class WorkIdentity(_Model):
    """One work as every index consulted sees it."""

    query: str
    titles: list[str] = Field(default_factory=list, description="every known title, first best")
    ids: dict[str, list[str]] = Field(
        default_factory=dict, description="doi, arxiv, s2, openalex, dblp, openreview"
    )
    venues: list[str] = Field(default_factory=list)
    years: list[int] = Field(default_factory=list)
    urls: list[str] = Field(default_factory=list)
    records: list[WorkRecord] = Field(default_factory=list)
    sources: list[str] = Field(default_factory=list, description="providers with a record")
    errors: list[str] = Field(default_factory=list, description="providers that failed")


def _work_ids(record: WorkRecord) -> set[tuple[str, str]]:
    ids: set[tuple[str, str]] = set()
    for field in _WORK_ID_FIELDS:
        value = getattr(record, field)
        if not isinstance(value, str) or not value.strip():
            continue
        value = value.strip()
        if field == "doi":
            value = normalize_doi(value) or value.lower()
            arxiv = arxiv_id_from_doi(value)
            if arxiv:
                ids.add(("arxiv", arxiv))
        elif field == "arxiv_id":
            value = normalize_arxiv_id(value) or value
        ids.add((_WORK_ID_NAMES[field], value))
    return ids


def _query_ids(query: str) -> set[tuple[str, str]]:
    """Ids written as the query itself: an arXiv id or a DOI."""
    m = _ARXIV_QUERY.match(query)
    if m:
        arxiv = normalize_arxiv_id(m.group(1))
        return {("arxiv", arxiv)} if arxiv else set()
    doi = normalize_doi(query.strip())
    if doi and " " not in doi:
        ids = {("doi", doi)}
        arxiv = arxiv_id_from_doi(doi)
        if arxiv:
            ids.add(("arxiv", arxiv))
        return ids
    return set()


def _record_titles(record: WorkRecord) -> list[str]:
    return [t for t in [record.title, *record.alt_titles] if t and t.strip()]


class _Collector:
    """Records kept by a fixpoint: a record is accepted when it shares an id with an accepted
    one or ``matches`` says so; accepting one may make others acceptable, so it loops."""

    def __init__(
        self,
        ids_of: Callable[[WorkRecord], set[tuple[str, str]]],
        matches: Callable[[WorkRecord], bool],
        learn: Callable[[WorkRecord], None],
        ids: set[tuple[str, str]] | None = None,
    ) -> None:
        self.ids_of: Callable[[WorkRecord], set[tuple[str, str]]] = ids_of
        self.matches: Callable[[WorkRecord], bool] = matches
        self.learn: Callable[[WorkRecord], None] = learn
        self.ids: set[tuple[str, str]] = set(ids or ())
        self.accepted: list[WorkRecord] = []
        self.pending: list[WorkRecord] = []
        self.errors: list[str] = []

    def absorb(self, records: Iterable[WorkRecord]) -> None:
        for rec in records:
            if rec not in self.pending and rec not in self.accepted:
                self.pending.append(rec)
        changed = True
        while changed:
            changed = False
            for rec in list(self.pending):
                rec_ids = self.ids_of(rec)
                if (rec_ids & self.ids) or self.matches(rec):
                    self.pending.remove(rec)
                    self.accepted.append(rec)
                    self.ids.update(rec_ids)
                    self.learn(rec)
                    changed = True

    async def gather(self, calls: list[tuple[str, Awaitable[list[WorkRecord]]]]) -> None:
        """Await the sources together; a failure is noted in ``errors``, the rest absorbed."""
        results = await asyncio.gather(*(c for _, c in calls), return_exceptions=True)
        for (name, _), result in zip(calls, results, strict=True):
            if isinstance(result, asyncio.CancelledError):
                raise result
            if isinstance(result, BaseException):
                message = str(result) or type(result).__name__
                # kept in ``errors`` (the run names it once in its coverage); not on stderr
                log.debug("identity: %s failed: %s", name, message)
                self.errors.append(
                    message if message.startswith(f"{name}:") else f"{name}: {message}"
                )
            else:
                self.absorb(result)


def _group(ids: set[tuple[str, str]]) -> dict[str, list[str]]:
    grouped: dict[str, list[str]] = {}
    for kind, value in sorted(ids):
        grouped.setdefault(kind, []).append(value)
    return grouped


def _year_ok(record: WorkRecord, year: int | None) -> bool:
    return year is None or record.year is None or abs(record.year - year) <= 1


async def resolve_work(
    title: str,
    sources: Sequence[WorkSource],
    *,
    year: int | None = None,
    limit: int = 10,
    follow_ups: int = MAX_FOLLOW_UPS,
) -> WorkIdentity:
    """Gather the records of one work from ``sources`` (see the module docstring).

    ``title`` may be an arXiv id or a DOI too. Titles learned through ids are searched again (at
    most ``follow_ups``), so a proceedings record that one index links to the arXiv version is
    found in the others. A failing source goes to ``errors`` and does not stop the rest.
    """
    identity = WorkIdentity(query=title)
    query = " ".join(title.split())
    if not query:
        return identity
    seed_ids = _query_ids(query)
    titles: list[str] = [] if seed_ids else [query]
    searched: list[str] = []

    def matches(rec: WorkRecord) -> bool:
        return _year_ok(rec, year) and any(
            titles_close(t, known) for t in _record_titles(rec) for known in titles
        )

    def learn(rec: WorkRecord) -> None:
        for t in _record_titles(rec):
            if not any(normalize_title(t) == normalize_title(k) for k in titles):
                titles.append(t)

    found = _Collector(_work_ids, matches, learn, seed_ids)
    next_query: str | None = query
    for _ in range(max(0, follow_ups) + 1):
        if next_query is None:
            break
        searched.append(next_query)
        await found.gather([(_source_name(s), s.works(next_query, limit=limit)) for s in sources])
        fresh = [t for t in titles if not any(titles_close(t, q) for q in searched)]
        next_query = fresh[0] if fresh else None
    identity.errors = found.errors
    return _work_identity(identity, found.accepted, titles, found.ids)


def _work_identity(
    identity: WorkIdentity,
    records: list[WorkRecord],
    titles: list[str],
    ids: set[tuple[str, str]],
) -> WorkIdentity:
    if not records:
        return identity
    identity.records = records
    identity.titles = _unique(titles, key=normalize_title)
    grouped = _group(ids)
    identity.ids = {k: grouped[k] for k in _WORK_ID_NAMES.values() if k in grouped}
    identity.venues = _unique((r.venue for r in records if r.venue), key=fold)
    identity.years = sorted({r.year for r in records if r.year is not None})
    identity.urls = _unique(r.url for r in records)
    identity.sources = _unique(r.provider for r in records)
    return identity


def _unique(items: Iterable[str], key: Any = None) -> list[str]:
    out: dict[str, str] = {}
    for item in items:
        k = key(item) if key is not None else item
        if k and k not in out:
            out[k] = item
    return list(out.values())
