"""Render a :class:`~veracity.types.Report` as one self-contained HTML page.

The page carries its own CSS (``templates/report.html``), loads nothing from the network and
needs no JavaScript. It opens with the overview computed from the rows
(:mod:`veracity.report.overview`: counts with the not-checked rows apart, the problem rows with
their reasons, what could not be verified, what confidence means), then the sources consulted,
then the claims. Each row shows its deciding quote; the other quotes sit in a closed
``<details>``. The verdict filter works without a script (the CSP allows none): hidden radio
buttons before the table, their labels as the chips, and ``:checked ~ table`` rules that hide
the other rows. Under 700 px the table becomes one column, and a print stylesheet prints every
row. Every string
that comes from the input, a source or the judge is HTML-escaped; a URL becomes a link only when
its scheme is http or https, or ``file`` for a local corpus file (never for a web source), and
links carry ``rel="noopener noreferrer"``. The page carries :data:`REPORT_CSP` in a
``<meta http-equiv="Content-Security-Policy">``: no script, no remote image, style, font or
frame, even if some markup slipped through.
"""

from __future__ import annotations

import html
from functools import lru_cache
from importlib import resources
from string import Template
from urllib.parse import urlsplit

from veracity.report import labels as L
from veracity.report import overview as O
from veracity.text import clean_whitespace
from veracity.types import ClaimReport, Coverage, Evidence, Report, Source

REPORT_CSP = (
    "default-src 'none'; style-src 'unsafe-inline'; img-src data:; base-uri 'none'; "
    "form-action 'none'"
)
"""The Content-Security-Policy of a rendered report: its inline CSS, nothing else."""

LINK_SCHEMES = frozenset({"http", "https"})
"""URL schemes that become links; ``file`` too, but only for local corpus files."""
LOCAL_PROVIDERS = frozenset({"corpus"})
"""Providers whose ``file:`` URLs name local corpus files (see :func:`is_local_file`)."""


def esc(text: str) -> str:
    """HTML-escape text for element content and attribute values."""
    return html.escape(text, quote=True)


@lru_cache(maxsize=1)
def _template() -> Template:
    src = resources.files("veracity.report").joinpath("templates/report.html")
    return Template(src.read_text(encoding="utf-8"))


def _scheme(url: str) -> str | None:
    try:
        return urlsplit(url).scheme.lower()
    except ValueError:
        return None


def is_local_file(source: Source) -> bool:
    """True for a local corpus file: a ``file:`` URL from the corpus. The pipeline names the
    provider of every source (``web`` or a search backend for web pages), so a source with no
    provider is one built by hand, not a web page."""
    provider = source.provider
    return _scheme(source.url.strip()) == "file" and (
        provider is None or provider in LOCAL_PROVIDERS
    )


def safe_href(url: str, *, local: bool = False) -> str | None:
    """The URL when it may be used as a link target, else None (javascript:, data: …):
    http(s) URLs, and ``file:`` URLs when ``local`` (a local corpus file's)."""
    url = url.strip()
    if any(ord(c) < 0x20 or ord(c) == 0x7F for c in url):
        return None
    scheme = _scheme(url)
    if scheme in LINK_SCHEMES or (local and scheme == "file"):
        return url
    return None


def source_href(source: Source) -> str | None:
    """Where a source may link to: :func:`safe_href` of its URL, ``file:`` only when it is
    a local corpus file."""
    return safe_href(source.url, local=is_local_file(source))


def link(url: str, text: str | None = None, *, local: bool = False) -> str:
    """An ``<a>`` for an allowed URL, escaped plain text otherwise."""
    shown = esc(text if text is not None else url)
    href = safe_href(url, local=local)
    if href is None:
        return shown
    return f'<a href="{esc(href)}" rel="noopener noreferrer" target="_blank">{shown}</a>'


def _claim_cell(row: ClaimReport, lang: str) -> str:
    cell = f'<div class="claim">{esc(row.text)}</div>'
    if row.original and O.original_differs(row.original, row.text):
        text = L.t("original", lang, text=clean_whitespace(row.original))
        cell += f'<div class="original">{esc(text)}</div>'
    return cell


def _verdict_cell(row: ClaimReport, lang: str, uses_llm: bool) -> str:
    v = row.verdict
    key = O.row_key(row)
    out = f'<span class="label v-{key}">{esc(L.row_label_name(row, lang))}</span>'
    if row.status == "not_checked":
        reason = L.row_reason_text(row, O.reason(row), lang)
        return out + f'<p class="rationale not-checked">{esc(reason)}</p>'
    title = L.confidence_title(v.confidence, uses_llm, lang)
    out += (f'<span class="confidence" title="{esc(title)}">'
            f"{esc(L.confidence_text(v.confidence, lang))}</span>")
    if v.rationale.strip():
        out += f'<p class="rationale">{esc(v.rationale.strip())}</p>'
    if row.research is not None and row.research.queries:
        summary = L.tn("research", row.research.rounds, lang)
        queries = "".join(f"<li>{esc(q)}</li>" for q in row.research.queries)
        out += f'<details class="research"><summary>{esc(summary)}</summary><ul>{queries}</ul></details>'
    return out


def evidence_item(ev: Evidence, lang: str) -> str:
    """One ``<li>``: the quote, then title (linked), URL, date, kind, page and stance."""
    src = ev.source
    quote = L.t("quote_open", lang) + clean_whitespace(ev.quote) + L.t("quote_close", lang)
    target = src.url
    local = is_local_file(src)
    if ev.page is not None and source_href(src) and "#" not in target:
        target = f"{target}#page={ev.page}"
    title = clean_whitespace(src.title) if src.title else L.t("untitled", lang)
    meta = [
        f'<span class="title">{link(target, title, local=local)}</span>',
        f'<span class="url">{link(target, src.url, local=local)}</span>',
        f'<span class="date">{esc(L.date_text(src.published, lang))}</span>',
        f'<span class="kind">{esc(L.source_kind_name(src.kind, lang))}</span>',
    ]
    if ev.page is not None:
        meta.append(f'<span class="page">{esc(L.page_text(ev.page, lang))}</span>')
    meta.append(f'<span class="stance stance-{ev.stance.value}">'
                f"{esc(L.stance_name(ev.stance, lang))}</span>")
    return (f"<li><blockquote>{esc(quote)}</blockquote>"
            f'<div class="src">{" · ".join(meta)}</div></li>')


def _evidence_cell(row: ClaimReport, lang: str) -> str:
    """The deciding quote in view, the others in a closed ``<details>``."""
    if not row.evidence:
        return f'<span class="none">{esc(L.t("no_evidence", lang))}</span>'
    deciding, rest = O.deciding_evidence(row)
    out = ""
    if deciding is not None:
        out += f'<ol class="evidence deciding">{evidence_item(deciding, lang)}</ol>'
    if rest:
        key = "evidence_more" if deciding is not None else "evidence_count"
        summary = esc(L.tn(key, len(rest), lang))
        items = "".join(evidence_item(ev, lang) for ev in rest)
        start = ' start="2"' if deciding is not None else ""
        out += (f'<details class="more"><summary>{summary}</summary>'
                f'<ol class="evidence"{start}>{items}</ol></details>')
    return out


def _row(row: ClaimReport, lang: str, uses_llm: bool) -> str:
    classes = f"row-{O.row_key(row)}" + (" problem" if O.is_problem(row) else "")
    return (f'<tr class="{classes}" id="claim-{esc(row.id)}">'
            f"<td>{_claim_cell(row, lang)}</td><td>{_verdict_cell(row, lang, uses_llm)}</td>"
            f"<td>{_evidence_cell(row, lang)}</td></tr>")


def _overview_item(line: O.Line, lang: str) -> str:
    why = L.row_reason_text(line.row, line.reason, lang)
    reason = f'<span class="reason">{esc(L.t("dash", lang) + why)}</span>' if why else ""
    return (f'<li><span class="label v-{line.key}">{esc(L.key_name(line.key, lang))}</span> '
            f'<a class="jump" href="#claim-{esc(line.row.id)}">{esc(line.row.text)}</a>{reason}</li>')


def _overview(report: Report, lang: str) -> str:
    """The section that opens the report, computed from the rows."""
    out = [f'<h2>{esc(L.t("overview_heading", lang))}</h2>',
           f'<p class="summary">{esc(L.summary_sentence(report, lang))}</p>']
    if not report.complete:
        hint = esc(L.t("resume_hint", lang, command="\0")).replace(
            "\0", f"<code>{esc(L.resume_command(report))}</code>")
        out.append(f'<p class="resume">{hint}</p>')
    if report.claims:
        problems = O.problems(report)
        out.append(f'<h3>{esc(L.t("problems_heading", lang))}</h3>')
        if problems:
            out.append('<ul class="problems">' + "".join(_overview_item(p, lang) for p in problems) + "</ul>")
        else:
            out.append(f'<p class="all-clear">{esc(L.t("problems_none", lang))}</p>')
    unverified = O.unverified(report)
    failed = L.failed_sources_text(report.coverage, lang)
    if unverified or failed:
        items = [_overview_item(u, lang) for u in unverified]
        if failed:
            items.append(f'<li class="failed-sources">{esc(failed)}</li>')
        out.append(f'<h3>{esc(L.t("unverified_heading", lang))}</h3>'
                   f'<ul class="unverified">{"".join(items)}</ul>')
    out.append(f'<p class="confidence-note">{esc(L.confidence_note(report, lang))}</p>')
    notice = L.judge_notice(report, lang)
    if notice:
        out.append(f'<p class="notice">{esc(notice)}</p>')
    return "\n".join(out)


def _coverage(coverage: Coverage | None, lang: str) -> str:
    """The "sources consulted" section (failures first), or nothing for an old report."""
    if coverage is None:
        return ""
    items = []
    for src in O.coverage_sources(coverage):
        name, kind, status, counts, *error = L.coverage_line(src, lang)
        parts = [f"<strong>{esc(name)}</strong>", esc(kind),
                 f'<span class="cov-status cov-status-{esc(src.status)}">{esc(status)}</span>', esc(counts)]
        parts += [f'<span class="cov-error">{esc(e)}</span>' for e in error]
        items.append(f'<li class="cov-{esc(src.status)}">{" · ".join(parts)}</li>')
    body = (f'<ul class="sources">{"".join(items)}</ul>' if items
            else f'<p>{esc(L.t("coverage_none", lang))}</p>')
    return (f'<section class="coverage"><h2>{esc(L.t("coverage_heading", lang))}</h2>{body}'
            f'<p class="totals">{esc(L.coverage_totals(coverage, lang))}</p></section>')


def _filters(report: Report, lang: str) -> str:
    """The verdict filter: one hidden radio button per choice (before the table, so that
    ``:checked ~ table`` rules can hide rows) and their labels as chips."""
    counts = O.display_counts(report)
    choices = [("all", L.t("filter_all", lang, n=len(report.claims)), "")]
    problems = sum(1 for r in report.claims if O.is_problem(r))
    if problems:
        choices.append(("problems", L.t("filter_problems", lang, n=problems), ""))
    choices += [(key, L.t("filter_item", lang, label=L.key_name(key, lang), n=n), f" v-{key}")
                for key, n in counts]
    radios = "".join(
        f'<input type="radio" name="show" class="show" id="show-{key}"{" checked" if i == 0 else ""}>'
        for i, (key, _, _) in enumerate(choices))
    chips = "".join(f'<label for="show-{key}" class="chip{cls}">{esc(text)}</label>'
                    for key, text, cls in choices)
    return (f"{radios}<div class=\"filters\"><span class=\"filter-label\">"
            f"{esc(L.t('filter_label', lang))}</span>{chips}</div>")


def _filter_css() -> str:
    """The rules that make the filter work: the checked choice hides the other rows and marks
    its chip."""
    rules = ["#show-problems:checked ~ table tbody tr:not(.problem) { display: none; }"]
    for key in O.DISPLAY_KEYS:
        rules.append(f"#show-{key}:checked ~ table tbody tr:not(.row-{key}) {{ display: none; }}")
    keys = ("all", "problems", *O.DISPLAY_KEYS)
    rules.append(", ".join(f"#show-{k}:checked ~ .filters label[for=show-{k}]" for k in keys)
                 + " { outline: 2px solid var(--fg); outline-offset: 1px; }")
    rules.append(", ".join(f"#show-{k}:focus-visible ~ .filters label[for=show-{k}]" for k in keys)
                 + " { box-shadow: 0 0 0 4px var(--focus); }")
    return "\n".join(rules)


def render_html(report: Report, lang: str | None = None, *, order: str = "checklist") -> str:
    """The report as a self-contained HTML document, in ``lang`` or the report's language;
    ``order``: ``checklist`` (the default) or ``problems`` (problem rows first)."""
    lg = L.report_lang(report, lang)
    report = L.localized(report, lg)
    rows = O.ordered_rows(report, order)
    colon = esc(L.t("colon", lg))
    meta = [f"{esc(L.t('run', lg))}{colon}<code>{esc(report.run_id)}</code>",
            f"{esc(L.t('created', lg))}{colon}{esc(report.created)}",
            f"{esc(L.t('judge', lg))}{colon}{esc(report.judge)}"]
    if report.input:
        meta.append(f"{esc(L.t('input', lg))}{colon}{link(report.input)}")
    return _template().substitute(
        csp=esc(REPORT_CSP),
        lang=esc(lg),
        title=esc(L.title_text(report, lg)),
        filter_css=_filter_css(),
        meta=" · ".join(meta),
        overview=_overview(report, lg),
        coverage=_coverage(report.coverage, lg),
        claims_heading=esc(L.t("claims_heading", lg)),
        filters=_filters(report, lg) if report.claims else "",
        col_claim=esc(L.t("col_claim", lg)),
        col_verdict=esc(L.t("col_verdict", lg)),
        col_evidence=esc(L.t("col_evidence", lg)),
        rows="\n".join(_row(row, lg, report.uses_llm) for row in rows),
        stats=esc(L.t("stats_sep", lg).join(L.stats_parts(report.stats, lg))),
    )
