"""Render a :class:`~veracity.types.Report` as a Markdown document with one table row per claim.

Layout: a title and a line of run metadata; the overview (:mod:`veracity.report.overview`,
computed from the rows): the summary sentence with the not-checked rows counted apart, the
resume command when some are, one line per problem row (false, misattributed, partly true, not
checked) with its reason, the rows that could not be verified and the sources that failed, what
confidence means and the notice that no language model was used (offline judge only); the
sources consulted (when the report records them, failures first); the table
``claim | verdict and analysis | evidence`` (checklist order, or problems first) and a line of
run statistics. The overview and the sources are lists, never tables: the claims table is the
only one.

Text that comes from the input or from sources is untrusted: inside table cells ``|`` is
escaped, line breaks become ``<br>``, ``<``/``>`` are written as entities so that a Markdown
viewer that passes HTML through cannot be made to run a page's markup, and the characters of
link, image and code syntax (``\\ [ ]``, the backtick, ``!`` before ``[`` and ``(`` after
``]``) are backslash-escaped, so that a title such as ``![x](http://…)`` cannot become a live
image (a tracking pixel) or a link. The only links written are a source's own URL, and only
when it is http(s) or a local corpus file's ``file:`` URL
(:func:`veracity.report.html.source_href`); any other URL (``javascript:``, ``data:`` …) is
plain escaped text.
"""

from __future__ import annotations

import re
from urllib.parse import quote

from veracity.report import labels as L
from veracity.report import overview as O
from veracity.report.html import source_href
from veracity.text import clean_whitespace
from veracity.types import ClaimReport, Coverage, Evidence, Report

# backslash, backtick and brackets always; ``!`` before ``[`` and ``(`` after ``]``, the
# characters of ``![alt](url)`` and ``[text](url)`` (``alert(1)`` is left as it is)
_MD_SPECIAL = re.compile(r"([\\`\[\]]|!(?=\[)|(?<=\])\()")
# what may stand unencoded in a link destination written as <…>
_URL_SAFE = "!#$%&'()*+,/:;=?@[]~-._"


def escape_inline(text: str) -> str:
    """Escape text for a Markdown table cell or heading: entities for ``<``/``>``, ``\\|`` for
    pipes, backslashes before link, image and code syntax (``\\ ` [ ]``, ``!`` before ``[``,
    ``(`` after ``]``) and ``<br>`` for line breaks (the only HTML this module writes itself)."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    text = _MD_SPECIAL.sub(r"\\\1", text)
    text = text.replace("<", "&lt;").replace(">", "&gt;").replace("|", "\\|")
    return text.strip().replace("\n", "<br>")


def md_link(url: str, text: str) -> str:
    """``[text](<url>)``: ``text`` escaped, the URL (already judged safe by the caller)
    percent-encoded wherever it could end the destination or a table cell."""
    return f"[{_flat(text)}](<{quote(url.strip(), safe=_URL_SAFE)}>)"


def _flat(text: str) -> str:
    """Untrusted single-line text (quote, title, URL): whitespace collapsed, then escaped."""
    return escape_inline(clean_whitespace(text))


def _claim_cell(row: ClaimReport, lang: str) -> str:
    cell = escape_inline(row.text)
    if row.original and O.original_differs(row.original, row.text):
        cell += "<br>" + escape_inline(L.t("original", lang, text=clean_whitespace(row.original)))
    return cell


def _verdict_cell(row: ClaimReport, lang: str) -> str:
    v = row.verdict
    parts = [f"**{L.row_label_name(row, lang)}**"]
    if row.status == "not_checked":
        parts.append(escape_inline(L.row_reason_text(row, O.reason(row), lang)))
        return " ".join(parts)
    if v.rationale.strip():
        parts.append(escape_inline(v.rationale))
    parts.append(L.t("paren", lang, text=L.confidence_text(v.confidence, lang)))
    return " ".join(parts)


def evidence_line(n: int, ev: Evidence, lang: str) -> str:
    """``n. “quote” — title · URL · date · kind · page · stance`` (already escaped)."""
    src = ev.source
    href = source_href(src)
    if href is not None and ev.page is not None and "#" not in href:
        href = f"{href}#page={ev.page}"
    meta = [
        _flat(src.title) if src.title else L.t("untitled", lang),
        md_link(href, src.url) if href is not None else _flat(src.url),
        _flat(L.date_text(src.published, lang)),
        L.source_kind_name(src.kind, lang),
    ]
    if ev.page is not None:
        meta.append(L.page_text(ev.page, lang))
    meta.append(L.stance_name(ev.stance, lang))
    quote = L.t("quote_open", lang) + _flat(ev.quote) + L.t("quote_close", lang)
    return f"{n}. {quote} — " + " · ".join(meta)


def _evidence_cell(row: ClaimReport, lang: str) -> str:
    if not row.evidence:
        return L.t("no_evidence", lang)
    return "<br>".join(evidence_line(i, ev, lang) for i, ev in enumerate(row.evidence, 1))


def _overview_line(line: O.Line, lang: str) -> str:
    text = f"- **{L.key_name(line.key, lang)}**{L.t('colon', lang)}{_flat(line.row.text)}"
    why = L.row_reason_text(line.row, line.reason, lang)
    return text + (L.t("dash", lang) + _flat(why) if why else "")


def overview(report: Report, lang: str) -> list[str]:
    """The lines of the section that opens the report (Markdown, escaped)."""
    out = [f"## {L.t('overview_heading', lang)}", "", _flat(L.summary_sentence(report, lang)), ""]
    if not report.complete:
        prefix = L.t("resume_hint", lang, command="")
        space = " " if prefix.endswith(" ") else ""
        out += [f"{_flat(prefix)}{space}`{L.resume_command(report)}`", ""]
    problems = O.problems(report)
    if report.claims:
        out += [f"**{L.t('problems_heading', lang)}**", ""]
        out += [_overview_line(p, lang) for p in problems] or [_flat(L.t("problems_none", lang))]
        out.append("")
    unverified = O.unverified(report)
    failed = L.failed_sources_text(report.coverage, lang)
    if unverified or failed:
        out += [f"**{L.t('unverified_heading', lang)}**", ""]
        out += [_overview_line(u, lang) for u in unverified]
        if failed:
            out.append(f"- {_flat(failed)}")
        out.append("")
    out += [_flat(L.confidence_note(report, lang)), ""]
    notice = L.judge_notice(report, lang)
    if notice:
        out += [f"> {_flat(notice)}", ""]
    return out


def coverage_section(coverage: Coverage, lang: str) -> list[str]:
    """The "sources consulted" section: one item per source, failures first, then the totals."""
    out = [f"## {L.t('coverage_heading', lang)}", ""]
    sources = O.coverage_sources(coverage)
    for src in sources:
        name, *rest = L.coverage_line(src, lang)
        out.append(f"- **{_flat(name)}** · " + " · ".join(_flat(p) for p in rest))
    if not sources:
        out.append(_flat(L.t("coverage_none", lang)))
    return [*out, "", _flat(L.coverage_totals(coverage, lang)), ""]


def render_markdown(report: Report, lang: str | None = None, *, order: str = "checklist") -> str:
    """The report as Markdown, in ``lang`` or else the report's own language; ``order``:
    ``checklist`` (the default) or ``problems`` (problem rows first)."""
    lg = L.report_lang(report, lang)
    report = L.localized(report, lg)
    rows = O.ordered_rows(report, order)
    out: list[str] = [f"# {_flat(L.title_text(report, lg))}", ""]
    colon = L.t("colon", lg)
    meta = [f"{L.t('run', lg)}{colon}`{report.run_id}`",
            f"{L.t('created', lg)}{colon}{_flat(report.created)}",
            f"{L.t('judge', lg)}{colon}{_flat(report.judge)}"]
    if report.input:
        meta.append(f"{L.t('input', lg)}{colon}{_flat(report.input)}")
    out += [" · ".join(meta), ""]
    out += overview(report, lg)
    if report.coverage is not None:
        out += coverage_section(report.coverage, lg)
    out += [f"## {L.t('claims_heading', lg)}", ""]
    out.append(f"| {L.t('col_claim', lg)} | {L.t('col_verdict', lg)} | {L.t('col_evidence', lg)} |")
    out.append("| --- | --- | --- |")
    for row in rows:
        out.append(
            f"| {_claim_cell(row, lg)} | {_verdict_cell(row, lg)} | {_evidence_cell(row, lg)} |"
        )
    out += ["", _flat(L.t("stats_sep", lg).join(L.stats_parts(report.stats, lg))), ""]
    return "\n".join(out)
