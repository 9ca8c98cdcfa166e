"""Render a :class:`~veracity.types.Report` as one self-contained HTML page.

The page carries its own CSS (``templates/report.html``), loads nothing from the network and
needs no JavaScript: each claim's evidence sits in an open ``<details>`` element. Every string
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
from veracity.text import clean_whitespace, normalize_for_match
from veracity.types import ClaimReport, Evidence, Report, Source

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
    if row.original and normalize_for_match(row.original) != normalize_for_match(row.text):
        text = L.t("original", lang, text=clean_whitespace(row.original))
        cell += f'<div class="original">{esc(text)}</div>'
    return cell


def _verdict_cell(row: ClaimReport, lang: str) -> str:
    v = row.verdict
    out = (f'<span class="label v-{v.label.value}">{esc(L.label_name(v.label, lang))}</span>'
           f'<span class="confidence">{esc(L.confidence_text(v.confidence, lang))}</span>')
    if v.rationale.strip():
        out += f'<p class="rationale">{esc(v.rationale.strip())}</p>'
    if row.research is not None and row.research.queries:
        summary = L.t("research", lang, n=row.research.rounds)
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
    if not row.evidence:
        return f'<span class="none">{esc(L.t("no_evidence", lang))}</span>'
    items = "".join(evidence_item(ev, lang) for ev in row.evidence)
    summary = esc(L.evidence_count_text(len(row.evidence), lang))
    return (f"<details open><summary>{summary}</summary>"
            f'<ol class="evidence">{items}</ol></details>')


def _row(row: ClaimReport, lang: str) -> str:
    return (f'<tr class="row-{row.verdict.label.value}" id="claim-{esc(row.id)}">'
            f"<td>{_claim_cell(row, lang)}</td><td>{_verdict_cell(row, lang)}</td>"
            f"<td>{_evidence_cell(row, lang)}</td></tr>")


def _chips(report: Report, lang: str) -> str:
    items = "".join(
        f'<li class="v-{label.value}">{esc(L.label_name(label, lang))} {n}</li>'
        for label, n in L.summary_items(report.summary)
    )
    return f'<ul class="chips">{items}</ul>' if items else ""


def render_html(report: Report, lang: str | None = None) -> str:
    """The report as a self-contained HTML document, in ``lang`` or the report's language."""
    lg = L.report_lang(report, lang)
    colon = esc(L.t("colon", lg))
    meta = [f"{esc(L.t('run', lg))}{colon}<code>{esc(report.run_id)}</code>",
            f"{esc(L.t('created', lg))}{colon}{esc(report.created)}",
            f"{esc(L.t('judge', lg))}{colon}{esc(report.judge)}"]
    if report.input:
        meta.append(f"{esc(L.t('input', lg))}{colon}{link(report.input)}")
    notice = L.judge_notice(report, lg)
    return _template().substitute(
        csp=esc(REPORT_CSP),
        lang=esc(lg),
        title=esc(L.title_text(report, lg)),
        meta=" · ".join(meta),
        summary=esc(L.summary_sentence(report.summary, lg)),
        chips=_chips(report, lg),
        notice=f'<p class="notice">{esc(notice)}</p>' if notice else "",
        col_claim=esc(L.t("col_claim", lg)),
        col_verdict=esc(L.t("col_verdict", lg)),
        col_evidence=esc(L.t("col_evidence", lg)),
        rows="\n".join(_row(row, lg) for row in report.claims),
        stats=esc(L.t("stats_sep", lg).join(L.stats_parts(report.stats, lg))),
    )
