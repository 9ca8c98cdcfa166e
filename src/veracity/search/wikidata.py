"""Wikidata: entity search plus labels, descriptions and aliases in the query language and English.

Two requests per search: ``wbsearchentities`` finds items, ``wbgetentities`` fetches their
labels, descriptions, aliases, sitelinks and claims in ``{lang}|en``. The snippet lists both
languages' names, so a hit for "杰克·雷" also carries "Jack Rae".
``published`` is set only for items with a publication date (P577), at the precision
Wikidata records.
"""

from __future__ import annotations

import logging
from typing import Any

from veracity.dates import date_from_parts
from veracity.errors import ProviderError
from veracity.search._http import (
    HttpProvider,
    as_dict,
    blank,
    clamp_limit,
    clean_text,
    finish,
    lang_code,
)
from veracity.search.wikipedia import check_mediawiki
from veracity.types import SearchResult

log = logging.getLogger("veracity.search")

MAX_LIMIT = 50
MAX_ALIASES = 8
ENTITY_URL = "https://www.wikidata.org/wiki/{id}"


def wikidata_time(claims: Any, prop: str = "P577") -> str | None:
    """The first dated value of ``prop`` as ISO, cut to the recorded precision (9 year,
    10 month, 11 day). ``+1957-10-00T00:00:00Z`` with precision 10 → ``1957-10``."""
    if not isinstance(claims, dict):
        return None
    for claim in claims.get(prop) or []:
        try:
            value = claim["mainsnak"]["datavalue"]["value"]
            text: str = value["time"]
            precision = int(value.get("precision", 11))
        except (KeyError, TypeError, ValueError):
            continue
        if not text.startswith("+"):
            continue  # BCE dates are out of scope for web sources
        try:
            year, month, day = (int(x) for x in text[1:11].split("-"))
        except ValueError:
            continue
        if precision <= 9:
            return date_from_parts(year)
        if precision == 10:
            return date_from_parts(year, month or None)
        return date_from_parts(year, month or None, day or None)
    return None


def _values(entry: Any, langs: list[str]) -> list[str]:
    """Label/description values for the languages asked, in that order."""
    out: list[str] = []
    if not isinstance(entry, dict):
        return out
    for lang in langs:
        item = entry.get(lang)
        if isinstance(item, dict) and isinstance(item.get("value"), str):
            value = clean_text(item["value"])
            if value and value not in out:
                out.append(value)
    return out


class WikidataProvider(HttpProvider):
    """Reference search on Wikidata (keyless)."""

    name = "wikidata"
    kind = "reference"
    description = "Wikidata entities (labels in zh/en)"
    default_rate = 5.0
    rank = 70
    url_setting = "wikidata_url"

    async def search(
        self, query: str, *, limit: int = 10, lang: str | None = None
    ) -> list[SearchResult]:
        if blank(query) or limit <= 0:
            return []
        code = lang_code(lang) or "en"
        data = await self.get_json(
            self.base_url,
            params={
                "action": "wbsearchentities",
                "search": query,
                "language": code,
                "uselang": code,
                "type": "item",
                "limit": clamp_limit(limit, MAX_LIMIT),
                "format": "json",
            },
        )
        hits = self._parse_search(data)
        if not hits:
            return []
        langs = [code] if code == "en" else [code, "en"]
        try:
            entities = await self.entities([h["id"] for h in hits], langs)
        except ProviderError as exc:
            log.warning("wikidata: wbgetentities failed, keeping search labels: %s", exc)
            entities = {}
        results = [self._result(hit, entities.get(hit["id"]), langs) for hit in hits]
        return finish(results, limit)

    def _parse_search(self, data: dict[str, Any]) -> list[dict[str, Any]]:
        check_mediawiki(self, data)
        return [i for i in self.objects_at(data, "search") if isinstance(i.get("id"), str)]

    async def entities(self, ids: list[str], langs: list[str]) -> dict[str, dict[str, Any]]:
        """``wbgetentities`` for ``ids`` (at most 50), keyed by id; missing items left out."""
        data = await self.get_json(
            self.base_url,
            params={
                "action": "wbgetentities",
                "ids": "|".join(ids[:MAX_LIMIT]),
                "props": "labels|descriptions|aliases|sitelinks|claims",
                "languages": "|".join(langs),
                "format": "json",
            },
        )
        return self.parse_entities(data)

    def parse_entities(self, data: dict[str, Any]) -> dict[str, dict[str, Any]]:
        check_mediawiki(self, data)
        entities = data.get("entities")
        if not isinstance(entities, dict):
            raise self.malformed("'entities' is missing")
        return {
            key: value
            for key, value in entities.items()
            if isinstance(value, dict) and "missing" not in value
        }

    def _result(
        self, hit: dict[str, Any], entity: dict[str, Any] | None, langs: list[str]
    ) -> SearchResult:
        qid: str = hit["id"]
        if entity is not None:
            labels = _values(entity.get("labels"), langs)
            descriptions = _values(entity.get("descriptions"), langs)
            aliases: list[str] = []
            raw_aliases = entity.get("aliases")
            for lang in langs:
                group = raw_aliases.get(lang, []) if isinstance(raw_aliases, dict) else []
                for alias in group if isinstance(group, list) else []:
                    value = alias.get("value") if isinstance(alias, dict) else None
                    if isinstance(value, str) and value not in aliases and value not in labels:
                        aliases.append(clean_text(value))
            published = wikidata_time(entity.get("claims"))
            sitelinks = as_dict(entity.get("sitelinks"))
            wiki = [
                f"{lang}: {sitelinks[f'{lang}wiki']['title']}"
                for lang in langs
                if isinstance(sitelinks.get(f"{lang}wiki"), dict)
                and isinstance(sitelinks[f"{lang}wiki"].get("title"), str)
            ]
        else:
            labels = [clean_text(hit["label"])] if isinstance(hit.get("label"), str) else []
            descriptions = (
                [clean_text(hit["description"])] if isinstance(hit.get("description"), str) else []
            )
            aliases = [clean_text(a) for a in hit.get("aliases", []) if isinstance(a, str)]
            published, wiki = None, []
        parts = [" / ".join(labels) or qid]
        if descriptions:
            parts.append(" / ".join(descriptions))
        if aliases:
            parts.append("Also known as: " + ", ".join(aliases[:MAX_ALIASES]))
        if wiki:
            parts.append("Wikipedia: " + "; ".join(wiki))
        return SearchResult(
            url=ENTITY_URL.format(id=qid),
            title=labels[0] if labels else qid,
            snippet=" — ".join(parts[:2]) + "".join(f". {p}" for p in parts[2:]),
            published=published,
            provider=self.name,
        )
