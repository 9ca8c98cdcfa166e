"""Render a :class:`~veracity.types.Report` as schema.org ``ClaimReview`` JSON-LD.

    render_claimreview(report, lang=None, org_name=None) -> str

The output is a top-level JSON **array** with one self-contained ``ClaimReview`` object per
checked claim (each carries its own ``"@context": "https://schema.org"``, so any one of them
can be embedded alone in a page's ``<script type="application/ld+json">``). Per claim:

* ``claimReviewed``: the claim's self-contained wording;
* ``reviewRating``: a ``Rating`` whose ``alternateName`` is the verdict's name in the report's
  language (:meth:`~veracity.types.Label.name_in`), ``ratingExplanation`` the rationale, and —
  for verdicts on the truth scale — ``ratingValue`` on :data:`RATING_SCALE` with
  ``bestRating`` 6 and ``worstRating`` 1;
* ``itemReviewed``: a ``Claim``; its ``appearance`` is a ``CreativeWork`` with the input's URL
  when the report's input is an http(s) URL. veracity records no author for what it checks, so
  the ``Claim`` never carries an ``author``;
* ``author``: an ``Organization`` named by the ``VERACITY_ORG_NAME`` setting
  (:attr:`veracity.config.Settings.org_name`, default ``veracity``);
* ``datePublished``: the date (``YYYY-MM-DD``) the report was created; ``inLanguage``: the
  language the verdict names are written in (``zh`` or ``en``);
* ``citation``: one ``CreativeWork`` per evidence source (schema.org ``citation``: "a citation
  or reference to another creative work"), with its ``url`` when that is an http(s) URL, its
  title as ``name`` and its publication date when known. A local corpus file is cited by name
  only, so no local path is published.

No ``url`` is given: a report has no canonical address of its own.

Two kinds of rows get no number, because a number on a truth scale would read as a finding:

* ``unverifiable``: the ``Rating`` has its ``alternateName`` and explanation but no
  ``ratingValue`` / ``bestRating`` / ``worstRating`` (schema.org allows a rating without a
  value);
* ``not_checked`` rows (no verdict could be obtained) are left out entirely: a ClaimReview
  states a review that took place. A report whose rows are all not checked renders ``[]``.
"""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any
from urllib.parse import unquote, urlsplit

from veracity.report import labels as L
from veracity.types import ClaimReport, Label, Report, Source

SCHEMA_CONTEXT = "https://schema.org"

BEST_RATING = 6
WORST_RATING = 1
RATING_SCALE: dict[Label, int] = {
    Label.TRUE: 6,
    Label.MOSTLY_TRUE: 5,
    Label.PARTLY_TRUE: 4,
    # 3 is not used: it marks the gap between claims partly supported and claims refuted
    Label.MISATTRIBUTED: 2,
    Label.FALSE: 1,
}
"""``ratingValue`` of each verdict on the 1–6 scale (6 best). ``unverifiable`` has none."""

MEDIA_TYPE = "application/ld+json"


def _date(created: str) -> str:
    """``YYYY-MM-DD`` of an ISO timestamp (the first ten characters when it does not parse)."""
    try:
        return datetime.fromisoformat(created).date().isoformat()
    except ValueError:
        return created[:10]


def _is_web(url: str) -> bool:
    return urlsplit(url).scheme.lower() in ("http", "https")


def _cited_work(source: Source) -> dict[str, Any] | None:
    """The ``CreativeWork`` citing one evidence source, or None when it has nothing to show."""
    work: dict[str, Any] = {"@type": "CreativeWork"}
    name = source.title
    if _is_web(source.url):
        work["url"] = source.url
    elif not name and urlsplit(source.url).scheme.lower() == "file":
        name = unquote(urlsplit(source.url).path.rsplit("/", 1)[-1]) or None
    if name:
        work["name"] = name
    if len(work) == 1:
        return None
    if source.published:
        work["datePublished"] = source.published
    return work


def _citations(row: ClaimReport) -> list[dict[str, Any]]:
    """The evidence sources of a row, each once, in the order of the evidence."""
    seen: set[str] = set()
    works = []
    for ev in row.evidence:
        if ev.source.url in seen:
            continue
        seen.add(ev.source.url)
        work = _cited_work(ev.source)
        if work is not None:
            works.append(work)
    return works


def _claim_item(report: Report) -> dict[str, Any]:
    """The reviewed ``Claim``: where it appeared when the input is a web page; no author (none
    is recorded)."""
    item: dict[str, Any] = {"@type": "Claim"}
    if report.input and _is_web(report.input):
        appearance: dict[str, Any] = {"@type": "CreativeWork", "url": report.input}
        if report.title:
            appearance["name"] = report.title
        item["appearance"] = appearance
    return item


def rating(row: ClaimReport, lang: str) -> dict[str, Any]:
    """The ``Rating`` of a checked row (see the module docstring for ``unverifiable``)."""
    label = row.verdict.label
    out: dict[str, Any] = {"@type": "Rating", "alternateName": L.label_name(label, lang)}
    value = RATING_SCALE.get(label)
    if value is not None:
        out.update(ratingValue=value, bestRating=BEST_RATING, worstRating=WORST_RATING)
    out["ratingExplanation"] = row.verdict.rationale
    return out


def claim_reviews(report: Report, lang: str | None = None, *, org_name: str = "veracity") -> list[dict[str, Any]]:
    """One ``ClaimReview`` object per checked row of ``report``, as plain dicts."""
    lg = L.report_lang(report, lang)
    report = L.localized(report, lg)
    reviews = []
    for row in report.claims:
        if row.status != "checked":
            continue
        review: dict[str, Any] = {
            "@context": SCHEMA_CONTEXT,
            "@type": "ClaimReview",
            "claimReviewed": row.text,
            "reviewRating": rating(row, lg),
            "itemReviewed": _claim_item(report),
            "author": {"@type": "Organization", "name": org_name},
            "datePublished": _date(report.created),
            "inLanguage": lg,
        }
        cited = _citations(row)
        if cited:
            review["citation"] = cited
        reviews.append(review)
    return reviews


def render_claimreview(report: Report, lang: str | None = None, *, org_name: str | None = None) -> str:
    """The report as a JSON array of schema.org ``ClaimReview`` objects (pretty, non-ASCII kept).
    ``org_name`` (the reviewing organisation): default the ``VERACITY_ORG_NAME`` setting."""
    if org_name is None:
        from veracity.config import Settings, settings_error

        try:
            org_name = Settings().org_name
        except Exception as err:
            config_err = settings_error(err)
            if config_err is None:
                raise
            raise config_err from err
    return json.dumps(claim_reviews(report, lang, org_name=org_name), ensure_ascii=False, indent=2)
