"""The report's wording in Chinese and English, from the catalogue (:mod:`veracity.messages`).

A report is written in ``report.language`` (``other`` is written in English) unless the caller
asks for another language. The strings themselves live in the catalogue's ``report`` section
(verdict names in its ``label`` section, shared by the whole program); this module picks and
fills them, and words the offline judge's rationales in the report's language
(:func:`localized`).
"""

from __future__ import annotations

from veracity.messages import LANGS, MESSAGES, lang_of, message, section
from veracity.report.overview import NOT_CHECKED, coverage_sources, display_counts, source_error
from veracity.types import (
    ClaimReport,
    Coverage,
    Label,
    Report,
    SourceCoverage,
    SourceKind,
    Stance,
    Stats,
)

UI_LANGS = LANGS

STRINGS: dict[str, dict[str, str]] = section("report")
"""The report's strings by short key (``confidence``), from :mod:`veracity.messages`."""

SOURCE_KIND_NAMES: dict[SourceKind, dict[str, str]] = {
    kind: MESSAGES[f"source_kind.{kind.value}"] for kind in SourceKind
}

COVERAGE_KIND_NAMES: dict[str, dict[str, str]] = section("coverage_kind")
"""The kinds of search source (:class:`~veracity.types.SourceCoverage` ``kind``)."""

COVERAGE_STATUS_NAMES: dict[str, dict[str, str]] = section("coverage_status")

STANCE_NAMES: dict[Stance, dict[str, str]] = {stance: MESSAGES[f"stance.{stance.value}"] for stance in Stance}


def ui_lang(lang: str | None) -> str:
    """Map any language code to one the report can be written in (``zh`` or ``en``)."""
    return lang_of(lang)


def report_lang(report: Report, lang: str | None = None) -> str:
    """The language a report is written in: ``lang`` when given, else the report's own."""
    return ui_lang(lang if lang else report.language)


def t(key: str, lang: str, **values: object) -> str:
    """The string ``key`` in ``lang`` with ``{placeholders}`` filled from ``values``."""
    return message(f"report.{key}", lang, **values)


def tn(key: str, n: int, lang: str, **values: object) -> str:
    """The string ``key`` for the count ``n``: ``key_one`` when ``n`` is 1 and there is one
    (English singular; Chinese has no plural, its two forms read the same), ``n`` filled in."""
    one = f"{key}_one"
    return t(one if n == 1 and f"report.{one}" in MESSAGES else key, lang, n=n, **values)


def label_name(label: Label, lang: str) -> str:
    return label.name_in(ui_lang(lang))


def key_name(key: str, lang: str) -> str:
    """The name of a row key: a verdict label's, or "not checked" (never "unverifiable")."""
    if key == NOT_CHECKED:
        return t("not_checked", lang)
    return label_name(Label(key), lang)


def row_label_name(row: ClaimReport, lang: str) -> str:
    """What a row's verdict column says: its label, or "not checked" for a row without one."""
    if row.status == "not_checked":
        return t("not_checked", lang)
    return label_name(row.verdict.label, lang)


def row_reason_text(row: ClaimReport, reason: str, lang: str) -> str:
    """A reason from :func:`veracity.report.overview.reason` worded in ``lang``: the error of a
    not-checked row is introduced in the report's language."""
    if row.status == "not_checked":
        return t("not_checked_reason", lang, error=reason or t("no_verdict", lang))
    return reason


def source_kind_name(kind: SourceKind, lang: str) -> str:
    return SOURCE_KIND_NAMES[kind][ui_lang(lang)]


def stance_name(stance: Stance, lang: str) -> str:
    return STANCE_NAMES[stance][ui_lang(lang)]


def coverage_kind_name(kind: str, lang: str) -> str:
    names = COVERAGE_KIND_NAMES.get(kind)
    return names[ui_lang(lang)] if names else kind


def coverage_status_name(status: str, lang: str) -> str:
    names = COVERAGE_STATUS_NAMES.get(status)
    return names[ui_lang(lang)] if names else status


def page_text(page: int, lang: str) -> str:
    return t("page", lang, n=page)


def date_text(published: str | None, lang: str) -> str:
    """The publication date as stored, or "date unknown" — a date is never guessed here."""
    return published if published else t("date_unknown", lang)


def confidence_text(confidence: float, lang: str) -> str:
    return t("confidence", lang, pct=round(confidence * 100))


def confidence_note(report: Report, lang: str) -> str:
    """The line that says what a confidence is: a calibrated probability for the offline judge,
    the model's own estimate for the LLM judge."""
    return t("confidence_llm" if report.uses_llm else "confidence_offline", lang)


def confidence_title(confidence: float, uses_llm: bool, lang: str) -> str:
    """A row's confidence with its meaning, for a hover title."""
    key = "confidence_title_llm" if uses_llm else "confidence_title_offline"
    return t(key, lang, pct=round(confidence * 100))


def evidence_count_text(n: int, lang: str) -> str:
    return tn("evidence_count", n, lang)


def summary_sentence(report: Report, lang: str) -> str:
    """One sentence computed from the rows: the verdict counts (labels with a zero count left
    out), then the rows not checked, counted apart from the verdicts."""
    summary = report.summary
    if summary.total == 0:
        return t("summary_none", lang)
    counts = display_counts(report)
    verdicts = [(key, n) for key, n in counts if key != NOT_CHECKED]
    checked = summary.total - summary.not_checked
    if summary.not_checked:
        head = tn("summary_head_partial", summary.total, lang, k=checked)
    else:
        head = tn("summary_head", summary.total, lang)
    items = t("summary_sep", lang).join(
        t("summary_item", lang, n=n, label=key_name(key, lang)) for key, n in verdicts)
    groups = [items] if items else []
    if summary.not_checked:
        groups.append(t("summary_not_checked", lang, n=summary.not_checked))
    return head + t("colon", lang) + t("summary_group_sep", lang).join(groups) + t("summary_end", lang)


def resume_command(report: Report) -> str:
    return f"veracity resume {report.run_id}"


def judge_notice(report: Report, lang: str) -> str | None:
    """The notice that no language model was used, or None when one was."""
    if report.uses_llm:
        return None
    return t("judge_notice", lang, judge=report.judge)


def coverage_line(source: SourceCoverage, lang: str) -> list[str]:
    """A source's line: name, kind, status, counts and error (plain text, not yet escaped)."""
    counts = [tn("coverage_queries", source.queries, lang), tn("coverage_results", source.results, lang)]
    if source.errors:
        counts.append(tn("coverage_errors", source.errors, lang))
    parts = [source.name, coverage_kind_name(source.kind, lang), coverage_status_name(source.status, lang),
             t("summary_sep", lang).join(counts)]
    error = source_error(source)
    if error:
        parts.append(error)
    return parts


def coverage_totals(coverage: Coverage, lang: str) -> str:
    """Pages read, pages that could not be read and corpus documents used, on one line."""
    parts = [tn("coverage_pages", coverage.pages_read, lang)]
    if coverage.pages_failed:
        parts.append(tn("coverage_pages_failed", coverage.pages_failed, lang))
    if coverage.corpus_documents_used:
        parts.append(tn("coverage_corpus", coverage.corpus_documents_used, lang))
    return t("summary_sep", lang).join(parts) + t("summary_end", lang)


def failed_sources_text(coverage: Coverage | None, lang: str) -> str | None:
    """"Sources that failed: name (error), …" for the failed and degraded sources, or None."""
    if coverage is None:
        return None
    bad = [s for s in coverage_sources(coverage) if s.status != "ok"]
    if not bad:
        return None
    space = "" if ui_lang(lang) == "zh" else " "
    named = [s.name + (space + t("paren", lang, text=error) if (error := source_error(s)) else "")
             for s in bad]
    return t("sources_failed", lang, sources=t("list_sep", lang).join(named))


def stats_parts(stats: Stats, lang: str) -> list[str]:
    """The pieces of the line printed under the table (plain text, not yet escaped)."""
    parts = [
        t("stats_seconds", lang, s=f"{stats.seconds:.1f}"),
        tn("stats_searches", stats.searches, lang),
        tn("stats_documents", stats.documents, lang),
    ]
    if stats.llm_calls:
        tokens = stats.prompt_tokens + stats.completion_tokens
        parts.append(t("stats_llm", lang, calls=tn("stats_llm_calls", stats.llm_calls, lang),
                       tokens=tn("stats_tokens", tokens, lang), cost=f"{stats.cost_usd:.4f}"))
    if stats.llm_cached:
        parts.append(tn("stats_cached", stats.llm_cached, lang))
    if stats.rounds:
        parts.append(tn("stats_rounds", stats.rounds, lang))
    if stats.quotes_dropped:
        parts.append(tn("stats_dropped", stats.quotes_dropped, lang))
    if stats.untrusted_sources:
        parts.append(tn("stats_untrusted", len(stats.untrusted_sources), lang))
    if stats.skipped_files:
        parts.append(t("stats_skipped", lang,
                       files=t("list_sep", lang).join(stats.skipped_files)))
    return parts


def localized(report: Report, lang: str | None) -> Report:
    """``report`` with every rationale worded in ``lang`` (default: the report's own language)
    where the verdict keeps its parts (:meth:`~veracity.types.Verdict.rationale_in`); the report
    itself is left as it is."""
    lg = report_lang(report, lang)
    if not any(row.verdict.rationale_parts for row in report.claims):
        return report
    out = report.model_copy(deep=True)
    for row in out.claims:
        row.verdict.rationale = row.verdict.rationale_in(lg)
    return out


def title_text(report: Report, lang: str) -> str:
    head = t("report_title", lang)
    if report.title:
        return head + t("colon", lang) + report.title
    return head
