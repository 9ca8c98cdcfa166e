"""Scholarly identity: the same paper under several titles, the same person under several names.

The award list names "An empirical analysis of compute-optimal large language model training",
arXiv calls the paper "Training Compute-Optimal Large Language Models"; Semantic Scholar, OpenAlex
and DBLP know they are one work because the venue record carries the arXiv id or the DOI.

* :func:`resolve_work` searches every source with a title and keeps the records whose title is
  close to a known one or that share an id (DOI, arXiv, Semantic Scholar, OpenAlex, DBLP,
  OpenReview) with a kept record; titles learned that way (``alt_titles`` too) are searched
  again. :func:`resolve_person` does the same for people with
  :func:`~veracity.search.names.same_person` and shared profile ids, learning aliases in any
  script (``杰克·雷``). :func:`work_in_list` / :func:`person_in_authors` check an award list or
  an author list under every known title or name. :class:`IdentityTool` is the agent's wrapper.

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
from collections import Counter
from collections.abc import Awaitable, Callable, Iterable, Sequence
from typing import Any, ClassVar, Generic, Protocol, TypeVar, runtime_checkable
from urllib.parse import parse_qs, urlsplit

from pydantic import BaseModel, ConfigDict, Field

from veracity.search.names import fold, has_cjk, informative, name_keys, same_person
from veracity.search.records import (
    AuthorRecord,
    WorkRecord,
    arxiv_id_from_doi,
    normalize_arxiv_id,
    normalize_doi,
)
from veracity.text import CJK_CHARS

log = logging.getLogger("veracity.search.identity")
R = TypeVar("R", WorkRecord, AuthorRecord)


TITLE_RATIO = 0.95
"""difflib ratio over normalised titles at or above which two titles are the same."""
TITLE_JACCARD = 0.9
"""Word-set Jaccard index at or above which two titles are the same."""
LIST_RATIO = 0.92
"""Near-verbatim threshold for finding a title in page text (:func:`locate_title`)."""
MAX_FOLLOW_UPS = 3
"""At most this many learned titles (or names) are searched again."""

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


@runtime_checkable
class AuthorSource(Protocol):
    """Anything that finds author profiles by name (OpenAlex, Semantic Scholar, DBLP,
    OpenReview, :class:`WikidataPeople`)."""

    async def authors(self, name: str, *, limit: int = 5) -> list[AuthorRecord]: ...


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


def titles_match(title_a: str, title_b: str, identity: WorkIdentity | None = None) -> bool:
    """Whether two titles name the same work: close wording, or both are titles of
    ``identity`` (``Training Compute-Optimal Large Language Models`` and ``An empirical
    analysis of compute-optimal large language model training`` once the identity links them).
    """
    if titles_close(title_a, title_b):
        return True
    if identity is None:
        return False
    return any(titles_close(title_a, t) for t in identity.titles) and any(
        titles_close(title_b, t) for t in identity.titles
    )


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
    authors: list[str] = Field(default_factory=list, description="union, name variants merged")
    venues: list[str] = Field(default_factory=list)
    years: list[int] = Field(default_factory=list)
    urls: list[str] = Field(default_factory=list)
    records: list[WorkRecord] = Field(default_factory=list)
    sources: list[str] = Field(default_factory=list, description="providers with a record")
    errors: list[str] = Field(default_factory=list, description="providers that failed")

    @property
    def found(self) -> bool:
        return bool(self.records)


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


class _Collector(Generic[R]):
    """Records kept by a fixpoint: a record is accepted when it shares an id with an accepted
    one or ``matches`` says so; accepting one may make others acceptable, so it loops."""

    def __init__(
        self,
        ids_of: Callable[[R], set[tuple[str, str]]],
        matches: Callable[[R], bool],
        learn: Callable[[R], None],
        ids: set[tuple[str, str]] | None = None,
    ) -> None:
        self.ids_of: Callable[[R], set[tuple[str, str]]] = ids_of
        self.matches: Callable[[R], bool] = matches
        self.learn: Callable[[R], None] = learn
        self.ids: set[tuple[str, str]] = set(ids or ())
        self.accepted: list[R] = []
        self.pending: list[R] = []
        self.errors: list[str] = []

    def absorb(self, records: Iterable[R]) -> None:
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

    async def gather(self, calls: list[tuple[str, Awaitable[list[R]]]]) -> None:
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
    identity.authors = merge_names(a for r in records for a in r.authors)
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


def merge_names(names: Iterable[str]) -> list[str]:
    """Names in first-seen order with variants of one person merged into the fullest form
    (``J. Rae``, ``Jack W. Rae`` → ``Jack W. Rae``). Candidates are found by
    :func:`~veracity.search.names.name_keys`, so long author lists stay fast."""
    kept: list[str] = []
    by_key: dict[str, list[int]] = {}
    for name in names:
        name = " ".join(name.split())
        if not name:
            continue
        keys = name_keys(name)
        candidates = sorted({i for k in keys for i in by_key.get(k, [])})
        match = next((i for i in candidates if same_person(kept[i], name)), None)
        if match is None:
            kept.append(name)
            match = len(kept) - 1
        elif len(name) > len(kept[match]) and informative(name):
            kept[match] = name
        for k in keys:
            by_key.setdefault(k, []).append(match)
    return kept


# ---------------------------------------------------------------------------------------------
# finding a work in a list


def _spans(text: str) -> list[tuple[str, int, int]]:
    return [(fold(m.group(0)), m.start(), m.end()) for m in _TOKEN.finditer(text)]


def locate_title(text: str, title: str, *, fuzzy: bool = True) -> tuple[int, int] | None:
    """Where ``title`` stands in ``text`` as ``(start, end)`` character offsets, or ``None``.

    Words are compared folded, so case, punctuation, hyphens and line breaks between words do
    not matter (``Compute-\\noptimal`` matches ``compute-optimal``). With ``fuzzy``, a
    near-verbatim passage (difflib ratio ≥ :data:`LIST_RATIO`, one word more or fewer) counts
    too, for titles of four words or more. ``text[start:end]`` is a verbatim quote.
    """
    return _locate(_spans(text), title, fuzzy=fuzzy)


def _locate(
    spans: list[tuple[str, int, int]], title: str, *, fuzzy: bool
) -> tuple[int, int] | None:
    want = _tokens(title)
    if not want:
        return None
    words = [w for w, _, _ in spans]
    m = len(want)
    for i, w in enumerate(words):
        if w == want[0] and words[i : i + m] == want:
            return spans[i][1], spans[i + m - 1][2]
    if not fuzzy or m < 4:
        return None
    target, wanted = " ".join(want), set(want)
    need = max(0.6 * len(wanted), len(wanted) - 2)  # a near-verbatim title shares most words
    if len(wanted & set(words)) < need:
        return None
    anchors = set(want[:2])
    best: tuple[float, int, int] | None = None
    seen: dict[str, float] = {}
    for i, w in enumerate(words):
        if w not in anchors:
            continue
        for size in (m - 1, m, m + 1):
            window = words[i : i + size]
            if len(window) < size or len(wanted.intersection(window)) < need:
                continue
            joined = " ".join(window)
            if joined not in seen:
                matcher = difflib.SequenceMatcher(None, joined, target, autojunk=False)
                seen[joined] = matcher.ratio()
            ratio = seen[joined]
            if ratio >= LIST_RATIO and (best is None or ratio > best[0]):
                best = (ratio, i, i + size - 1)
    if best is None:
        return None
    return spans[best[1]][1], spans[best[2]][2]


def work_in_list(identity: WorkIdentity, text: str, *, fuzzy: bool = True) -> str | None:
    """The title of ``identity`` (any of them) that appears in ``text`` — an award list, a
    programme, a page — or ``None``. Exact word matches are tried for every title before any
    near-verbatim one."""
    spans = _spans(text)
    titles = identity.titles or [identity.query]
    for mode in (False, True) if fuzzy else (False,):
        for title in titles:
            if _locate(spans, title, fuzzy=mode) is not None:
                return title
    return None


# ---------------------------------------------------------------------------------------------
# people


class PersonIdentity(_Model):
    """One person as every index consulted sees them."""

    query: str
    name: str | None = Field(default=None, description="the name most records use")
    names: list[str] = Field(default_factory=list, description="names and aliases, any script")
    ids: dict[str, list[str]] = Field(default_factory=dict)
    affiliations: list[str] = Field(default_factory=list)
    urls: list[str] = Field(default_factory=list)
    records: list[AuthorRecord] = Field(default_factory=list)
    sources: list[str] = Field(default_factory=list)
    ambiguous: bool = Field(default=False, description="a source had several matching profiles")
    errors: list[str] = Field(default_factory=list)

    @property
    def found(self) -> bool:
        return bool(self.records)


_ID_KINDS = {
    k: k for k in ("s2", "orcid", "dblp", "openalex", "openreview", "wikidata", "gscholar")
}
_ID_KINDS.update(semanticscholar="s2", semantic_scholar="s2", google_scholar="gscholar")


def _person_id(kind: str, value: str) -> tuple[str, str] | None:
    """A comparable ``(kind, value)``: profile URLs reduced to the id they carry."""
    known = _ID_KINDS.get(kind.lower())
    value = value.strip()
    if known is None or not value:
        return None
    kind = known
    if value.startswith(("http://", "https://")):
        parts = urlsplit(value)
        path = parts.path.rstrip("/")
        if kind == "dblp" and "/pid/" in path:
            value = path.split("/pid/", 1)[1].removesuffix(".html")
        elif kind == "gscholar":
            user = parse_qs(parts.query).get("user")
            if not user:
                return None
            value = user[0]
        elif kind == "openreview":
            value = parse_qs(parts.query).get("id", [path.rsplit("/", 1)[-1]])[0]
        else:
            value = path.rsplit("/", 1)[-1]
    if kind == "dblp":
        value = value.removesuffix(".html")
    if kind in ("orcid", "openalex", "wikidata"):
        value = value.upper()
    return (kind, value) if value else None


def _person_ids(record: AuthorRecord) -> set[tuple[str, str]]:
    out: set[tuple[str, str]] = set()
    for kind, value in record.ids.items():
        if isinstance(value, str):
            pid = _person_id(kind, value)
            if pid is not None:
                out.add(pid)
    return out


def _person_matches(record: AuthorRecord, query: str, known: list[str]) -> bool:
    """The record's name matches the query (directly or through the known aliases), or one of
    its informative aliases does — initials-only aliases never accept a record."""
    if same_person(query, record.name, aliases=known):
        return True
    return any(
        informative(alias) and same_person(query, alias, aliases=known) for alias in record.aliases
    )


async def resolve_person(
    name: str,
    sources: Sequence[AuthorSource],
    *,
    aliases: Iterable[str] = (),
    limit: int = 5,
    follow_ups: int = 1,
) -> PersonIdentity:
    """Gather one person's profiles from ``sources``; merge names, ids and affiliations.

    A profile is kept when its name or an informative alias is ``name`` by
    :func:`~veracity.search.names.same_person` (the names learned so far serving as aliases), or
    when it shares a profile id (ORCID, DBLP pid, OpenAlex, S2, OpenReview, Wikidata) with a kept
    one. A name in a non-Latin script is searched again under the Latin name learned for it.
    Names cannot tell homonyms apart: ``ambiguous`` is set when one source has several matches.
    """
    identity = PersonIdentity(query=name)
    query = " ".join(name.split())
    if not query:
        return identity
    known: list[str] = [query, *(a for a in aliases if a.strip())]

    def learn(rec: AuthorRecord) -> None:
        known.extend(n for n in [rec.name, *rec.aliases] if n.strip() and n not in known)

    found = _Collector(_person_ids, lambda rec: _person_matches(rec, query, known), learn)
    searched = [query]
    await found.gather([(_source_name(s), s.authors(query, limit=limit)) for s in sources])
    for _ in range(max(0, follow_ups) if not query.isascii() else 0):
        latin = [
            n
            for n in known
            if n.isascii() and informative(n) and not any(same_person(n, q) for q in searched)
        ]
        if not latin:
            break
        searched.append(latin[0])
        await found.gather([(_source_name(s), s.authors(latin[0], limit=limit)) for s in sources])
    identity.errors = found.errors
    return _person_identity(identity, found.accepted, known, found.ids)


def _person_identity(
    identity: PersonIdentity,
    records: list[AuthorRecord],
    known: list[str],
    ids: set[tuple[str, str]],
) -> PersonIdentity:
    if not records:
        return identity
    identity.records = records
    counts = Counter(r.name for r in records)
    latin = [n for n, _ in counts.most_common() if not has_cjk(n)]
    identity.name = latin[0] if latin else counts.most_common(1)[0][0]
    identity.names = _unique(known, key=lambda n: " ".join(fold(n).split()))
    identity.ids = _group(ids)
    identity.affiliations = _unique((a for r in records for a in r.affiliations), key=fold)
    identity.urls = _unique(r.url for r in records if r.url)
    identity.sources = _unique(r.provider for r in records)
    per_source = Counter(r.provider for r in records)
    identity.ambiguous = any(count > 1 for count in per_source.values())
    return identity


def person_in_authors(identity: PersonIdentity, authors: Iterable[str]) -> str | None:
    """The first of ``authors`` that is this person under any known name, or ``None``."""
    main = identity.name or identity.query
    names = [main, *identity.names]
    return next((a for a in authors if a.strip() and same_person(a, main, aliases=names)), None)


# ---------------------------------------------------------------------------------------------
# Wikidata as an author source


_HUMAN = "Q5"
_WIKIDATA_PERSON_IDS = dict(
    P496="orcid", P2456="dblp", P4012="s2", P10283="openalex", P1960="gscholar"
)
WIKIDATA_LANGS = ("en", "zh", "zh-hans", "zh-hant", "zh-cn", "zh-tw", "zh-hk")


class WikidataPeople:
    """People on Wikidata as :class:`AuthorRecord`, so :func:`resolve_person` learns names in
    every script (labels and aliases in English and Chinese) and profile ids (ORCID P496, DBLP
    P2456, Semantic Scholar P4012, OpenAlex P10283, Google Scholar P1960).

    Wraps a :class:`~veracity.search.wikidata.WikidataProvider` (its HTTP client, retries and
    error handling): ``wbsearchentities`` in the name's language, then ``wbgetentities`` in
    :data:`WIKIDATA_LANGS`. Items that are not humans (P31 ≠ Q5) are dropped.
    """

    name = "wikidata"

    def __init__(self, provider: Any, langs: Sequence[str] = WIKIDATA_LANGS) -> None:
        self.provider = provider
        self.langs = list(langs)

    async def authors(self, name: str, *, limit: int = 5) -> list[AuthorRecord]:
        if not name.strip() or limit <= 0:
            return []
        lang = "zh" if has_cjk(name) else "en"
        params = {"action": "wbsearchentities", "search": name, "language": lang}
        params.update(uselang=lang, type="item", limit=str(min(limit * 2, 50)), format="json")
        data = await self.provider.get_json(self.provider.base_url, params=params)
        hits = data.get("search") if isinstance(data, dict) else None
        qids = [h["id"] for h in hits or [] if isinstance(h, dict) and isinstance(h.get("id"), str)]
        if not qids:
            return []
        entities = await self.provider.entities(qids, self.langs)
        out = [self.parse_entity(entities[q]) for q in qids if q in entities]
        return [r for r in out if r is not None][:limit]

    def parse_entity(self, entity: dict[str, Any]) -> AuthorRecord | None:
        qid = entity.get("id")
        if not isinstance(qid, str):
            return None
        raw_claims = entity.get("claims")
        claims: dict[str, Any] = raw_claims if isinstance(raw_claims, dict) else {}
        kinds = _claim_values(claims, "P31")
        if kinds and _HUMAN not in kinds:
            return None
        entries: list[Any] = []
        for group in ("labels", "aliases"):
            raw = entity.get(group)
            values: dict[str, Any] = raw if isinstance(raw, dict) else {}
            for lang in self.langs:
                found = values.get(lang)
                entries.extend(found if isinstance(found, list) else [found])
        texts = (
            " ".join(e["value"].split())
            for e in entries
            if isinstance(e, dict) and isinstance(e.get("value"), str)
        )
        names = list(dict.fromkeys(t for t in texts if t))
        if not names:
            return None
        latin = [n for n in names if not has_cjk(n)]
        main = latin[0] if latin else names[0]
        ids = {"wikidata": qid}
        for prop, kind in _WIKIDATA_PERSON_IDS.items():
            ids.update((kind, v) for v in _claim_values(claims, prop)[:1])
        return AuthorRecord(
            name=main,
            aliases=[n for n in names if n != main],
            ids=ids,
            url=f"https://www.wikidata.org/wiki/{qid}",
            provider=self.name,
        )


def _claim_values(claims: dict[str, Any], prop: str) -> list[str]:
    """String or item-id values of a Wikidata property."""
    out: list[str] = []
    for claim in claims.get(prop) or []:
        try:
            value = claim["mainsnak"]["datavalue"]["value"]
        except (KeyError, TypeError):
            continue
        if isinstance(value, str):
            out.append(value)
        elif isinstance(value, dict) and isinstance(value.get("id"), str):
            out.append(value["id"])
    return out


# ---------------------------------------------------------------------------------------------
# the agent's tool


class IdentityTool:
    """``resolve_identity``: the research agent's way to ask "what else is this paper or person
    called?". Call it with ``kind`` ("work" or "person") and ``query`` (a title, an arXiv id,
    a DOI, or a name in any script); it answers a compact JSON-able dict. Answers are cached
    per ``(kind, query)``, so asking twice sends no second search.
    """

    name = "resolve_identity"
    description = (
        "Find every known title and id of a scholarly work (arXiv and proceedings versions), "
        "or every known name, alias (any script) and profile id of a researcher, from "
        "scholarly indexes. Use it before checking a paper against an award list or a "
        "person against an author list."
    )
    parameters: ClassVar[dict[str, Any]] = {
        "type": "object",
        "properties": {
            "kind": {
                "type": "string",
                "enum": ["work", "person"],
                "description": "paper or researcher",
            },
            "query": {"type": "string", "description": "a title, arXiv id or DOI; or a name"},
        },
        "required": ["kind", "query"],
        "additionalProperties": False,
    }

    def __init__(
        self,
        work_sources: Sequence[WorkSource] = (),
        author_sources: Sequence[AuthorSource] = (),
        *,
        max_items: int = 10,
    ) -> None:
        self.work_sources = list(work_sources)
        self.author_sources = list(author_sources)
        self.max_items = max_items
        self._cache: dict[tuple[str, str], asyncio.Future[dict[str, Any]]] = {}

    @classmethod
    def from_providers(cls, providers: Iterable[object], **kwargs: Any) -> IdentityTool:
        """Sort providers by what they can do; a Wikidata provider becomes
        :class:`WikidataPeople`. Web providers (no ``works``/``authors``) are ignored."""
        works: list[WorkSource] = []
        people: list[AuthorSource] = []
        for p in providers:
            if _source_name(p) == "wikidata" and not isinstance(p, AuthorSource):
                people.append(WikidataPeople(p))
                continue
            if isinstance(p, WorkSource):
                works.append(p)
            if isinstance(p, AuthorSource):
                people.append(p)
        return cls(works, people, **kwargs)

    def spec(self) -> dict[str, Any]:
        """The tool in the OpenAI ``tools`` format."""
        function = {
            "name": self.name,
            "description": self.description,
            "parameters": self.parameters,
        }
        return {"type": "function", "function": function}

    async def __call__(self, kind: str, query: str) -> dict[str, Any]:
        kind = (kind or "").strip().lower()
        query = " ".join((query or "").split())
        if kind not in ("work", "person"):
            return {"error": f"kind must be 'work' or 'person', not {kind!r}"}
        if not query:
            return {"error": "query is empty"}
        key = (kind, fold(query))
        if key not in self._cache:  # a task, so concurrent askers share one resolution
            self._cache[key] = asyncio.ensure_future(self._answer(kind, query))
        try:
            return await asyncio.shield(self._cache[key])
        except Exception:
            self._cache.pop(key, None)
            raise

    async def _answer(self, kind: str, query: str) -> dict[str, Any]:
        if kind == "work":
            return self.work_summary(await resolve_work(query, self.work_sources))
        return self.person_summary(await resolve_person(query, self.author_sources))

    def work_summary(self, work: WorkIdentity) -> dict[str, Any]:
        out = self._trim(work.model_dump(mode="json", exclude={"records"}))
        return {"kind": "work", "found": work.found, "authors_total": len(work.authors), **out}

    def person_summary(self, person: PersonIdentity) -> dict[str, Any]:
        out = self._trim(person.model_dump(mode="json", exclude={"records"}))
        return {"kind": "person", "found": person.found, **out}

    def _trim(self, data: dict[str, Any]) -> dict[str, Any]:
        """Long lists cut to ``max_items`` so the answer stays small in a prompt."""
        return {k: v[: self.max_items] if isinstance(v, list) else v for k, v in data.items()}
