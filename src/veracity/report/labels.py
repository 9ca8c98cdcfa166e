"""Every string the report prints, in Chinese and English.

A report is written in ``report.language`` (``other`` is written in English) unless the caller
asks for another language. Verdict names come from :data:`veracity.types.LABEL_NAMES` so that
the whole program uses one spelling; everything else the renderers print lives here.
"""

from __future__ import annotations

from veracity.types import Label, Report, SourceKind, Stance, Stats, Summary

UI_LANGS = ("zh", "en")

STRINGS: dict[str, dict[str, str]] = {
    "report_title": {"en": "Fact-check report", "zh": "事实核查报告"},
    "col_claim": {"en": "Claim", "zh": "原文陈述"},
    "col_verdict": {"en": "Verdict and analysis", "zh": "核查结论与分析"},
    "col_evidence": {"en": "Evidence", "zh": "证据"},
    "date_unknown": {"en": "date unknown", "zh": "未知日期"},
    "no_evidence": {"en": "no evidence", "zh": "无证据"},
    "research": {"en": "searched in {n} round(s) for", "zh": "检索 {n} 轮,检索词"},
    "untitled": {"en": "untitled", "zh": "无标题"},
    "confidence": {"en": "confidence {pct}%", "zh": "置信度 {pct}%"},
    "original": {"en": "Original wording: {text}", "zh": "原文措辞：{text}"},
    "evidence_count": {"en": "{n} evidence items", "zh": "证据 {n} 条"},
    "evidence_count_one": {"en": "1 evidence item", "zh": "证据 1 条"},
    "run": {"en": "Run", "zh": "运行编号"},
    "created": {"en": "Created", "zh": "生成时间"},
    "judge": {"en": "Judge", "zh": "判定器"},
    "input": {"en": "Input", "zh": "输入"},
    # summary sentence
    "summary_none": {"en": "No checkable claims were found.", "zh": "本次核查未发现可核查的陈述。"},
    "summary_head_one": {"en": "1 claim checked", "zh": "本次核查共 1 项陈述"},
    "summary_head": {"en": "{n} claims checked", "zh": "本次核查共 {n} 项陈述"},
    "summary_item": {"en": "{n} {label}", "zh": "{label} {n} 项"},
    "colon": {"en": ": ", "zh": "："},
    "paren": {"en": "({text})", "zh": "（{text}）"},
    "summary_sep": {"en": ", ", "zh": "，"},
    "summary_end": {"en": ".", "zh": "。"},
    # judge notice
    "judge_notice": {
        "en": (
            "No language model was used for this report: every verdict was reached by the "
            "offline evidence-match judge ({judge}), which compares each claim with the text "
            "of the sources that were retrieved. Its confidence is the estimated probability "
            "that the verdict is right, measured on held-out labelled claims."
        ),
        "zh": "本报告未使用语言模型：结论由离线证据匹配判定器（{judge}）根据检索到的原文得出。"
              "置信度为该结论正确的估计概率，依据留出的标注数据校准。",
    },
    # stats line
    "stats_seconds": {"en": "{s} s", "zh": "耗时 {s} 秒"},
    "stats_searches": {"en": "{n} searches", "zh": "搜索 {n} 次"},
    "stats_documents": {"en": "{n} documents read", "zh": "阅读文档 {n} 篇"},
    "stats_llm": {
        "en": "{n} LLM calls ({tokens} tokens, ${cost})",
        "zh": "调用语言模型 {n} 次（{tokens} 个词元,费用 ${cost}）",
    },
    "stats_rounds": {"en": "{n} research rounds", "zh": "核查 {n} 轮"},
    "stats_cached": {"en": "{n} answers from the cache", "zh": "{n} 次调用取自缓存"},
    "stats_dropped": {
        "en": "{n} quotes dropped as not verbatim",
        "zh": "剔除非原文引文 {n} 条",
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


def label_name(label: Label, lang: str) -> str:
    return label.name_in(ui_lang(lang))


def source_kind_name(kind: SourceKind, lang: str) -> str:
    return SOURCE_KIND_NAMES[kind][ui_lang(lang)]


def stance_name(stance: Stance, lang: str) -> str:
    return STANCE_NAMES[stance][ui_lang(lang)]


def page_text(page: int, lang: str) -> str:
    return t("page", lang, n=page)


def date_text(published: str | None, lang: str) -> str:
    """The publication date as stored, or "date unknown" — a date is never guessed here."""
    return published if published else t("date_unknown", lang)


def confidence_text(confidence: float, lang: str) -> str:
    return t("confidence", lang, pct=round(confidence * 100))


def evidence_count_text(n: int, lang: str) -> str:
    return t("evidence_count_one", lang) if n == 1 else t("evidence_count", lang, n=n)


def summary_items(summary: Summary) -> list[tuple[Label, int]]:
    """The non-zero counts of a summary, in the order of the verdict scale."""
    return [(label, summary.counts.get(label.value, 0)) for label in Label
            if summary.counts.get(label.value, 0)]


def summary_sentence(summary: Summary, lang: str) -> str:
    """One sentence built from the computed summary; labels with a zero count are left out."""
    if summary.total == 0:
        return t("summary_none", lang)
    head = (t("summary_head_one", lang) if summary.total == 1
            else t("summary_head", lang, n=summary.total))
    items = [t("summary_item", lang, n=n, label=label_name(label, lang))
             for label, n in summary_items(summary)]
    return head + t("colon", lang) + t("summary_sep", lang).join(items) + t(
        "summary_end", lang
    )


def judge_notice(report: Report, lang: str) -> str | None:
    """The notice that no language model was used, or None when one was."""
    if report.uses_llm:
        return None
    return t("judge_notice", lang, judge=report.judge)


def stats_parts(stats: Stats, lang: str) -> list[str]:
    """The pieces of the line printed under the table (plain text, not yet escaped)."""
    parts = [
        t("stats_seconds", lang, s=f"{stats.seconds:.1f}"),
        t("stats_searches", lang, n=stats.searches),
        t("stats_documents", lang, n=stats.documents),
    ]
    if stats.llm_calls:
        parts.append(t("stats_llm", lang, n=stats.llm_calls,
                       tokens=stats.prompt_tokens + stats.completion_tokens, cost=f"{stats.cost_usd:.4f}"))
    if stats.llm_cached:
        parts.append(t("stats_cached", lang, n=stats.llm_cached))
    if stats.rounds:
        parts.append(t("stats_rounds", lang, n=stats.rounds))
    if stats.quotes_dropped:
        parts.append(t("stats_dropped", lang, n=stats.quotes_dropped))
    if stats.skipped_files:
        parts.append(t("stats_skipped", lang,
                       files=t("list_sep", lang).join(stats.skipped_files)))
    return parts


def title_text(report: Report, lang: str) -> str:
    head = t("report_title", lang)
    if report.title:
        return head + t("colon", lang) + report.title
    return head
