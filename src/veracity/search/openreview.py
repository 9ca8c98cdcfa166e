"""OpenReview: papers (notes) and researcher profiles, through API v2 (keyless, public data).

``GET /notes/search?term=…&type=terms&content=all&source=forum`` finds submissions;
``GET /profiles/search?fullname=…`` finds profiles (the route the official client uses).
In API v2 every content field is wrapped as ``{"value": …}``; API v1 notes (plain values) parse
too. Dates are milliseconds since the epoch; ``pdate`` (publication) or ``odate`` (made
public) gives ``published`` — the creation date of a submission is not a publication date.
"""

from __future__ import annotations

import re
from typing import Any

from veracity.dates import epoch_ms_date
from veracity.search._http import (
    ScholarlyProvider,
    blank,
    clamp_limit,
    clean_text,
)
from veracity.search.records import AuthorRecord, WorkRecord

MAX_LIMIT = 100
SITE_URL = "https://openreview.net"
_YEAR = re.compile(r"\b(19|20)\d{2}\b")


def content_value(content: Any, key: str) -> Any:
    """``content[key]`` unwrapped from API v2's ``{"value": …}`` (v1 values pass through)."""
    if not isinstance(content, dict):
        return None
    value = content.get(key)
    if isinstance(value, dict) and "value" in value:
        return value["value"]
    return value


class OpenReviewProvider(ScholarlyProvider):
    """Scholarly search on OpenReview: ``works`` and ``authors`` (profiles)."""

    name = "openreview"
    kind = "scholarly"
    description = "OpenReview papers and profiles"
    default_rate = 1.0
    rank = 130
    url_setting = "openreview_url"

    async def works(self, query: str, *, limit: int = 10) -> list[WorkRecord]:
        if blank(query) or limit <= 0:
            return []
        data = await self.get_json(
            f"{self.base_url}/notes/search",
            params={
                "term": query,
                "type": "terms",
                "content": "all",
                "source": "forum",
                "limit": clamp_limit(limit, MAX_LIMIT),
            },
        )
        works = [self.parse_note(n) for n in self.objects_at(data, "notes")]
        return [w for w in works if w is not None][:limit]

    async def authors(self, name: str, *, limit: int = 5) -> list[AuthorRecord]:
        if blank(name) or limit <= 0:
            return []
        data = await self.get_json(f"{self.base_url}/profiles/search", params={"fullname": name})
        authors = [self.parse_profile(p) for p in self.objects_at(data, "profiles")]
        return [a for a in authors if a is not None][:limit]

    # -- parsing --------------------------------------------------------------------------

    def parse_note(self, note: dict[str, Any]) -> WorkRecord | None:
        note_id = note.get("id")
        forum = note.get("forum") or note_id
        if not isinstance(note_id, str) or not isinstance(forum, str) or forum != note_id:
            return None  # a reply (review, comment), not a paper
        content = note.get("content")
        title = clean_text(content_value(content, "title"))
        if not title:
            return None
        raw_authors = content_value(content, "authors")
        authors = [
            clean_text(a)
            for a in (raw_authors if isinstance(raw_authors, list) else [])
            if isinstance(a, str) and clean_text(a)
        ]
        venue = clean_text(content_value(content, "venue")) or None
        published = epoch_ms_date(note.get("pdate")) or epoch_ms_date(note.get("odate"))
        year: int | None = int(published[:4]) if published else None
        if year is None and venue:
            m = _YEAR.search(venue)
            year = int(m.group(0)) if m else None
        abstract = content_value(content, "abstract")
        abstract_text = clean_text(abstract) if isinstance(abstract, str) else ""
        return WorkRecord(
            title=title,
            authors=authors,
            year=year,
            venue=venue,
            openreview_id=forum,
            url=f"{SITE_URL}/forum?id={forum}",
            published=published,
            abstract=abstract_text or None,
            type="openreview note",
            provider=self.name,
        )

    def parse_profile(self, profile: dict[str, Any]) -> AuthorRecord | None:
        profile_id = profile.get("id")
        content = profile.get("content")
        if not isinstance(profile_id, str) or not isinstance(content, dict):
            return None
        names: list[str] = []
        preferred: str | None = None
        for entry in content.get("names") or []:
            if not isinstance(entry, dict):
                continue
            full = clean_text(entry.get("fullname")) or clean_text(
                " ".join(
                    p
                    for p in (entry.get("first"), entry.get("middle"), entry.get("last"))
                    if isinstance(p, str) and p
                )
            )
            if not full:
                continue
            names.append(full)
            if entry.get("preferred") and preferred is None:
                preferred = full
        name = preferred or (names[0] if names else None)
        if not name:
            return None
        ids: dict[str, str] = {"openreview": profile_id}
        for key in ("dblp", "orcid", "gscholar", "semanticScholar", "homepage"):
            value = content.get(key)
            if isinstance(value, str) and value.strip():
                ids[key.lower()] = value.strip()
        return AuthorRecord(
            name=name,
            aliases=list(dict.fromkeys(n for n in names if n != name)),
            ids=ids,
            affiliations=self._affiliations(content.get("history")),
            url=f"{SITE_URL}/profile?id={profile_id}",
            provider=self.name,
        )

    @staticmethod
    def _affiliations(history: Any) -> list[str]:
        """Institutions from the career history, current positions first, then by end year."""
        entries: list[tuple[int, str]] = []
        for item in history if isinstance(history, list) else []:
            if not isinstance(item, dict) or not isinstance(item.get("institution"), dict):
                continue
            inst = clean_text(item["institution"].get("name"))
            if not inst:
                continue
            end = item.get("end")
            order = 10_000 if end in (None, "") else end if isinstance(end, int) else 0
            entries.append((order, inst))
        entries.sort(key=lambda e: -e[0])
        return list(dict.fromkeys(text for _, text in entries))
