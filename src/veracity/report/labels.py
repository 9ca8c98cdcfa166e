"""Every string the report prints, in Chinese and English.

A report is written in ``report.language`` (``other`` is written in English) unless the caller
asks for another language. Verdict names come from :data:`veracity.types.LABEL_NAMES` so that
the whole program uses one spelling; everything else the renderers print lives here.
"""

from __future__ import annotations

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

UI_LANGS = ("zh", "en")

STRINGS: dict[str, dict[str, str]] = {
    "report_title": {"en": "Fact-check report", "zh": "事实核查报告"},
    "col_claim": {"en": "Claim", "zh": "原文陈述"},
    "col_verdict": {"en": "Verdict and analysis", "zh": "核查结论与分析"},
    "col_evidence": {"en": "Evidence", "zh": "证据"},
    "date_unknown": {"en": "date unknown", "zh": "未知日期"},
    "no_evidence": {"en": "no evidence", "zh": "无证据"},
    "research": {"en": "searched in {n} rounds for", "zh": "检索 {n} 轮，检索词"},
    "research_one": {"en": "searched in 1 round for", "zh": "检索 1 轮，检索词"},
    "untitled": {"en": "untitled", "zh": "无标题"},
    "confidence": {"en": "confidence {pct}%", "zh": "置信度 {pct}%"},
    "original": {"en": "Original wording: {text}", "zh": "原文措辞：{text}"},
    "evidence_count": {"en": "{n} evidence items", "zh": "证据 {n} 条"},
    "evidence_count_one": {"en": "1 evidence item", "zh": "证据 1 条"},
    "evidence_more": {"en": "{n} more evidence items", "zh": "其余证据 {n} 条"},
    "evidence_more_one": {"en": "1 more evidence item", "zh": "其余证据 1 条"},
    "run": {"en": "Run", "zh": "运行编号"},
    "created": {"en": "Created", "zh": "生成时间"},
    "judge": {"en": "Judge", "zh": "判定器"},
    "input": {"en": "Input", "zh": "输入"},
    # the overview at the top of a report
    "overview_heading": {"en": "At a glance", "zh": "核查概要"},
    "claims_heading": {"en": "Claims", "zh": "逐条核查"},
    "summary_none": {"en": "No checkable claims were found.", "zh": "本次核查未发现可核查的陈述。"},
    "summary_head_one": {"en": "1 claim checked", "zh": "本次核查共 1 项陈述"},
    "summary_head": {"en": "{n} claims checked", "zh": "本次核查共 {n} 项陈述"},
    "summary_head_partial": {"en": "{n} claims, {k} checked", "zh": "本次核查共 {n} 项陈述，已核查 {k} 项"},
    "summary_head_partial_one": {"en": "1 claim, {k} checked", "zh": "本次核查共 1 项陈述，已核查 {k} 项"},
    "summary_item": {"en": "{n} {label}", "zh": "{label} {n} 项"},
    "summary_not_checked": {
        "en": "{n} not checked (no verdict could be obtained)",
        "zh": "未核查 {n} 项（未能得到结论）",
    },
    "summary_group_sep": {"en": "; ", "zh": "；"},
    "resume_hint": {"en": "Resume the run to check them: {command}", "zh": "续跑本次核查即可补查：{command}"},
    "colon": {"en": ": ", "zh": "："},
    "paren": {"en": "({text})", "zh": "（{text}）"},
    "dash": {"en": " — ", "zh": "——"},
    "summary_sep": {"en": ", ", "zh": "，"},
    "summary_end": {"en": ".", "zh": "。"},
    "problems_heading": {"en": "Needs attention", "zh": "需要关注"},
    "problems_none": {
        "en": "No claim was found false, misattributed or partly true, and none was left unchecked.",
        "zh": "未发现不属实、归因不当或部分属实的陈述，也没有未核查的陈述。",
    },
    "unverified_heading": {"en": "Could not be verified", "zh": "未能核实"},
    "sources_failed": {"en": "Sources that failed: {sources}", "zh": "未能正常检索的来源：{sources}"},
    "not_checked": {"en": "not checked", "zh": "未核查"},
    "not_checked_reason": {
        "en": "No verdict could be obtained: {error}",
        "zh": "未能得到结论：{error}",
    },
    "no_verdict": {"en": "no verdict", "zh": "无结论"},
    # what confidence means
    "confidence_offline": {
        "en": "Confidence is the probability that the verdict is right, calibrated out-of-fold on "
              "Factcheck-Bench's labelled claims (the offline judge's training data).",
        "zh": "置信度为结论正确的概率，由离线判定器在其训练数据 Factcheck-Bench 的标注陈述上"
              "以留出折（out-of-fold）方式校准。",
    },
    "confidence_llm": {
        "en": "Confidence is the language model's own estimate of how sure it is of the verdict; "
              "it is not calibrated.",
        "zh": "置信度为语言模型对结论把握程度的自我估计，未经校准。",
    },
    "confidence_title_offline": {
        "en": "{pct}%: the calibrated probability that this verdict is right (out-of-fold on Factcheck-Bench)",
        "zh": "{pct}%：该结论正确的校准概率（在 Factcheck-Bench 上留出折校准）",
    },
    "confidence_title_llm": {
        "en": "{pct}%: the language model's own estimate, not calibrated",
        "zh": "{pct}%：语言模型的自我估计，未经校准",
    },
    # judge notice
    "judge_notice": {
        "en": (
            "No language model was used for this report: every verdict was reached by the "
            "offline evidence-match judge ({judge}), which compares each claim with the text "
            "of the sources that were retrieved."
        ),
        "zh": "本报告未使用语言模型：结论由离线证据匹配判定器（{judge}）根据检索到的原文得出。",
    },
    # sources consulted
    "coverage_heading": {"en": "Sources consulted", "zh": "检索来源"},
    "coverage_none": {"en": "No search source was consulted.", "zh": "本次未检索任何来源。"},
    "coverage_queries": {"en": "{n} queries", "zh": "检索 {n} 次"},
    "coverage_queries_one": {"en": "1 query", "zh": "检索 1 次"},
    "coverage_results": {"en": "{n} results", "zh": "结果 {n} 条"},
    "coverage_results_one": {"en": "1 result", "zh": "结果 1 条"},
    "coverage_errors": {"en": "{n} errors", "zh": "出错 {n} 次"},
    "coverage_errors_one": {"en": "1 error", "zh": "出错 1 次"},
    "coverage_pages": {"en": "{n} pages read", "zh": "阅读网页 {n} 个"},
    "coverage_pages_one": {"en": "1 page read", "zh": "阅读网页 1 个"},
    "coverage_pages_failed": {"en": "{n} pages could not be read", "zh": "无法读取的网页 {n} 个"},
    "coverage_pages_failed_one": {"en": "1 page could not be read", "zh": "无法读取的网页 1 个"},
    "coverage_corpus": {"en": "{n} corpus documents used", "zh": "使用语料文档 {n} 篇"},
    "coverage_corpus_one": {"en": "1 corpus document used", "zh": "使用语料文档 1 篇"},
    # reading controls (HTML report and web page)
    "filter_label": {"en": "Show", "zh": "显示"},
    "filter_all": {"en": "all {n}", "zh": "全部 {n} 项"},
    "filter_problems": {"en": "needs attention {n}", "zh": "需要关注 {n} 项"},
    "filter_item": {"en": "{label} {n}", "zh": "{label} {n} 项"},
    "order_label": {"en": "Order", "zh": "排序"},
    "order_checklist": {"en": "as in the document", "zh": "按原文顺序"},
    "order_problems": {"en": "problems first", "zh": "问题优先"},
    # stats line
    "stats_seconds": {"en": "{s} s", "zh": "耗时 {s} 秒"},
    "stats_searches": {"en": "{n} searches", "zh": "搜索 {n} 次"},
    "stats_searches_one": {"en": "1 search", "zh": "搜索 1 次"},
    "stats_documents": {"en": "{n} documents read", "zh": "阅读文档 {n} 篇"},
    "stats_documents_one": {"en": "1 document read", "zh": "阅读文档 1 篇"},
    "stats_llm": {"en": "{calls} ({tokens}, ${cost})", "zh": "{calls}（{tokens}，费用 ${cost}）"},
    "stats_llm_calls": {"en": "{n} LLM calls", "zh": "调用语言模型 {n} 次"},
    "stats_llm_calls_one": {"en": "1 LLM call", "zh": "调用语言模型 1 次"},
    "stats_tokens": {"en": "{n} tokens", "zh": "{n} 个词元"},
    "stats_tokens_one": {"en": "1 token", "zh": "1 个词元"},
    "stats_rounds": {"en": "{n} research rounds", "zh": "核查 {n} 轮"},
    "stats_rounds_one": {"en": "1 research round", "zh": "核查 1 轮"},
    "stats_cached": {"en": "{n} answers from the cache", "zh": "{n} 次调用取自缓存"},
    "stats_cached_one": {"en": "1 answer from the cache", "zh": "1 次调用取自缓存"},
    "stats_dropped": {"en": "{n} quotes dropped as not verbatim", "zh": "剔除非原文引文 {n} 条"},
    "stats_dropped_one": {"en": "1 quote dropped as not verbatim", "zh": "剔除非原文引文 1 条"},
    "stats_untrusted": {
        "en": "{n} sources left out for addressing the checker",
        "zh": "排除试图指使核查程序的来源 {n} 个",
    },
    "stats_untrusted_one": {
        "en": "1 source left out for addressing the checker",
        "zh": "排除试图指使核查程序的来源 1 个",
    },
    "stats_skipped": {"en": "skipped corpus files: {files}", "zh": "跳过的语料文件：{files}"},
    "stats_sep": {"en": " · ", "zh": " · "},
    "page": {"en": "page {n}", "zh": "第 {n} 页"},
    "quote_open": {"en": "“", "zh": "“"},
    "quote_close": {"en": "”", "zh": "”"},
    "list_sep": {"en": ", ", "zh": "，"},
}

SOURCE_KIND_NAMES: dict[SourceKind, dict[str, str]] = {
    SourceKind.PRIMARY: {"en": "primary source", "zh": "一手来源"},
    SourceKind.SCHOLARLY: {"en": "scholarly index", "zh": "学术索引"},
    SourceKind.ENCYCLOPEDIA: {"en": "encyclopedia", "zh": "百科"},
    SourceKind.NEWS: {"en": "news", "zh": "新闻"},
    SourceKind.SOCIAL: {"en": "social / user-generated", "zh": "社交媒体/用户生成"},
    SourceKind.UNKNOWN: {"en": "unknown kind", "zh": "类型未知"},
}

COVERAGE_KIND_NAMES: dict[str, dict[str, str]] = {
    "corpus": {"en": "local corpus", "zh": "本地语料库"},
    "web": {"en": "web search", "zh": "网页搜索"},
    "scholarly": {"en": "scholarly index", "zh": "学术索引"},
    "reference": {"en": "reference work", "zh": "参考资料"},
}
"""The kinds of search source (:class:`~veracity.types.SourceCoverage` ``kind``)."""

COVERAGE_STATUS_NAMES: dict[str, dict[str, str]] = {
    "ok": {"en": "ok", "zh": "正常"},
    "degraded": {"en": "degraded", "zh": "部分失败"},
    "failed": {"en": "failed", "zh": "失败"},
}

STANCE_NAMES: dict[Stance, dict[str, str]] = {
    Stance.SUPPORTS: {"en": "supports", "zh": "支持"},
    Stance.REFUTES: {"en": "refutes", "zh": "反驳"},
    Stance.MENTIONS: {"en": "context", "zh": "相关背景"},
}


def ui_lang(lang: str | None) -> str:
    """Map any language code to one the report can be written in (``zh`` or ``en``)."""
    return "zh" if lang == "zh" else "en"


def report_lang(report: Report, lang: str | None = None) -> str:
    """The language a report is written in: ``lang`` when given, else the report's own."""
    return ui_lang(lang if lang else report.language)


def t(key: str, lang: str, **values: object) -> str:
    """The string ``key`` in ``lang`` with ``{placeholders}`` filled from ``values``."""
    text = STRINGS[key][ui_lang(lang)]
    return text.format(**values) if values else text


def tn(key: str, n: int, lang: str, **values: object) -> str:
    """The string ``key`` for the count ``n``: ``key_one`` when ``n`` is 1 and there is one
    (English singular; Chinese has no plural, its two forms read the same), ``n`` filled in."""
    one = f"{key}_one"
    return t(one if n == 1 and one in STRINGS else key, lang, n=n, **values)


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


def title_text(report: Report, lang: str) -> str:
    head = t("report_title", lang)
    if report.title:
        return head + t("colon", lang) + report.title
    return head
