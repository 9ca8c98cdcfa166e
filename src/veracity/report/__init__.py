"""Report stage: render a :class:`~veracity.types.Report` as Markdown, HTML, JSON or schema.org
ClaimReview JSON-LD.

    render(report, "md" | "html" | "json" | "claimreview", lang=None) -> str

The summary line is computed from the verdicts (``Report.summary``); nothing here writes a
conclusion of its own. The report language is ``report.language`` (``other`` → English)
unless ``lang`` asks for ``zh`` or ``en``.
"""

from __future__ import annotations

import json
from typing import Any

from veracity.report.claimreview import render_claimreview
from veracity.report.html import render_html
from veracity.report.markdown import render_markdown
from veracity.types import Report

FORMATS: tuple[str, ...] = ("md", "html", "json", "claimreview")


def render_json(report: Report) -> str:
    """The report as pretty JSON (schema ``veracity.report/1``), non-ASCII kept as is."""
    return json.dumps(report.to_json_dict(), ensure_ascii=False, indent=2)


def report_from_json(data: str | bytes | dict[str, Any]) -> Report:
    """Read a report written by :func:`render_json` (or ``Report.to_json_dict``).

    The ``summary`` key is derived data: it is checked against the rows and then dropped, since
    the summary is always recomputed. A summary that disagrees with the rows is a ValueError.
    """
    obj = json.loads(data) if isinstance(data, str | bytes) else dict(data)
    if not isinstance(obj, dict):
        raise ValueError("a report must be a JSON object")
    written = obj.pop("summary", None)
    report = Report.model_validate(obj)
    if isinstance(written, dict) and "not_checked" not in written:  # written before not_checked existed
        written = {**written, "not_checked": 0}
    if written is not None and written != report.summary.model_dump(mode="json"):
        raise ValueError("the report's summary does not match its claims")
    return report


def render(report: Report, fmt: str, lang: str | None = None, *, org_name: str | None = None,
           order: str = "checklist") -> str:
    """Render ``report`` in ``fmt`` (one of :data:`FORMATS`); ``lang`` does not apply to JSON.
    ``org_name``: the reviewing organisation of ``claimreview`` (default: the
    ``VERACITY_ORG_NAME`` setting). ``order``: the rows of ``md`` and ``html`` in checklist order
    (the default) or ``problems`` first."""
    if fmt == "md":
        return render_markdown(report, lang, order=order)
    if fmt == "html":
        return render_html(report, lang, order=order)
    if fmt == "json":
        return render_json(report)
    if fmt == "claimreview":
        return render_claimreview(report, lang, org_name=org_name)
    raise ValueError(f"unknown report format {fmt!r}; choose one of {', '.join(FORMATS)}")


__all__ = [
    "FORMATS",
    "render",
    "render_claimreview",
    "render_html",
    "render_json",
    "render_markdown",
    "report_from_json",
]
