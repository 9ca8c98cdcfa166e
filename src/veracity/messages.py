"""Every user-facing string in Chinese and English: one catalogue, one lookup.

A key names its section and its message (``report.confidence``, ``web.start``,
``judge.missing``); each message is a template in both languages with the same ``{named}``
fields, filled by :func:`message`. The sections:

* ``report``: what the Markdown, HTML and ClaimReview reports print (``report.labels``);
* ``web``: the web page and its script (``server.web``);
* ``label``, ``source_kind``, ``coverage_kind``, ``coverage_status``, ``stance``: the names of
  verdicts, source kinds, search-source kinds and statuses, and evidence stances;
* ``judge``: the offline judge's rationales, stored as parts (a key and its values) so that a
  stored verdict can be worded again in the other language (:func:`rationale_text`);
* ``agent``: why the research agent stopped on a claim;
* ``verdict``: the placeholder rationales of a row without a verdict;
* ``cli``: what ``veracity check`` and ``resume`` print on stderr (the live view, the lines after a run).

Chinese is written as ``zh``; every other language reads the English text. This module imports
nothing from the rest of the package, so that any module may use it.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from string import Formatter

LANGS = ("zh", "en")

RationaleValue = str | int | list[str]
"""What fills a field of a rationale part: text, a count, or a list (see :data:`LIST_FIELDS`)."""

_REPORT: dict[str, dict[str, str]] = {
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
"""What the reports print (:mod:`veracity.report.labels`); the web page's script prints them too."""

_WEB: dict[str, dict[str, str]] = {
    "page_title": {"en": "veracity · fact-check a document", "zh": "veracity · 文档事实核查"},
    "tagline": {"en": "Evidence-grounded fact-checking", "zh": "基于证据的事实核查"},
    "lang_toggle": {"en": "中文", "zh": "English"},
    "input_heading": {"en": "What to check", "zh": "核查内容"},
    "mode_text": {"en": "Paste text", "zh": "粘贴文本"},
    "mode_file": {"en": "Upload a file", "zh": "上传文件"},
    "mode_url": {"en": "Web address", "zh": "网址"},
    "mode_claims": {"en": "Claims list", "zh": "陈述清单"},
    "text_placeholder": {
        "en": "Paste a profile, an article or any text with factual claims…",
        "zh": "粘贴人物简介、文章或任何包含事实陈述的文本……",
    },
    "file_hint": {"en": "txt, md, html or pdf", "zh": "支持 txt、md、html 或 pdf"},
    "url_placeholder": {"en": "https://example.org/article", "zh": "https://example.org/article"},
    "claims_placeholder": {
        "en": "One claim per line",
        "zh": "每行一条陈述",
    },
    "sources_heading": {"en": "Sources", "zh": "检索来源"},
    "sources_loading": {"en": "Loading the available sources…", "zh": "正在读取可用来源……"},
    "sources_none": {
        "en": "No source is configured on this server.",
        "zh": "服务器未配置任何检索来源。",
    },
    "sources_failed": {"en": "Could not load the sources: {error}", "zh": "无法读取检索来源：{error}"},
    "source_corpus": {"en": "Server corpus ({names})", "zh": "服务器语料库（{names}）"},
    "no_llm": {
        "en": "No language model is configured: verdicts will come from the offline "
              "evidence-match judge.",
        "zh": "服务器未配置语言模型：将使用离线证据匹配判定器。",
    },
    "report_lang": {"en": "Report language", "zh": "报告语言"},
    "lang_auto": {"en": "Same as the input", "zh": "与输入相同"},
    "lang_zh": {"en": "Chinese", "zh": "中文"},
    "lang_en": {"en": "English", "zh": "英文"},
    "start": {"en": "Start checking", "zh": "开始核查"},
    "progress_heading": {"en": "Progress", "zh": "核查进度"},
    "pending_heading": {"en": "Pending", "zh": "待补充核查清单"},
    "settled_heading": {"en": "Settled", "zh": "已核查结论清单"},
    "report_heading": {"en": "Report", "zh": "核查报告"},
    "download": {"en": "Download", "zh": "下载"},
    "token_heading": {"en": "Access token", "zh": "访问令牌"},
    "token_hint": {
        "en": "This server asks for a token. It is kept in this tab only.",
        "zh": "此服务器需要访问令牌，令牌只保存在当前标签页中。",
    },
    "token_save": {"en": "Continue", "zh": "继续"},
    "footer": {
        "en": "Verdicts are graded from the quoted evidence; check the sources before relying "
              "on them.",
        "zh": "结论依据所引证据评定；引用前请查阅原始来源。",
    },
    # used by the script only
    "st_idle": {"en": "Ready.", "zh": "就绪。"},
    "st_submitting": {"en": "Submitting…", "zh": "正在提交……"},
    "st_queued": {"en": "Queued", "zh": "排队中"},
    "st_queued_n": {"en": "Queued: {n} checks ahead", "zh": "排队中：前面还有 {n} 项核查"},
    "st_running": {"en": "Running", "zh": "核查中"},
    "st_round": {"en": "Round {n}", "zh": "第 {n} 轮"},
    "st_finishing": {"en": "Writing the report…", "zh": "正在生成报告……"},
    "st_loading_report": {"en": "Loading the report…", "zh": "正在读取报告……"},
    "st_done": {"en": "Done", "zh": "已完成"},
    "st_failed": {"en": "Failed", "zh": "失败"},
    "st_reconnecting": {"en": "Connection lost, reconnecting…", "zh": "连接中断，正在重连……"},
    "act_query": {"en": "Searching {provider}: {query}", "zh": "检索 {provider}：{query}"},
    "act_document": {"en": "Reading {url}", "zh": "阅读 {url}"},
    "act_corpus": {"en": "Corpus ready: {message}", "zh": "语料库就绪：{message}"},
    "act_llm": {"en": "Model call: {stage}", "zh": "调用模型：{stage}"},
    "warning": {"en": "Warning: {message}", "zh": "警告：{message}"},
    "err_empty_text": {"en": "Paste some text first.", "zh": "请先粘贴文本。"},
    "err_empty_file": {"en": "Choose a file first.", "zh": "请先选择文件。"},
    "err_empty_url": {"en": "Enter a web address first.", "zh": "请先输入网址。"},
    "err_bad_url": {
        "en": "The address must start with http:// or https://.",
        "zh": "网址必须以 http:// 或 https:// 开头。",
    },
    "err_empty_claims": {"en": "Enter at least one claim.", "zh": "请至少输入一条陈述。"},
    "err_network": {"en": "Could not reach the server: {error}", "zh": "无法连接服务器：{error}"},
    "err_http": {"en": "The server answered {status}: {message}", "zh": "服务器返回 {status}：{message}"},
    "err_job": {"en": "The check failed: {error}", "zh": "核查失败：{error}"},
    "err_unknown": {"en": "unknown error", "zh": "未知错误"},
    "seconds": {"en": "{s} s", "zh": "{s} 秒"},
}
"""The web page and its script (:mod:`veracity.server.web`); the report's own come from ``report``."""

_SOURCE_KIND: dict[str, dict[str, str]] = {
    "primary": {"en": "primary source", "zh": "一手来源"},
    "scholarly": {"en": "scholarly index", "zh": "学术索引"},
    "encyclopedia": {"en": "encyclopedia", "zh": "百科"},
    "news": {"en": "news", "zh": "新闻"},
    "social": {"en": "social / user-generated", "zh": "社交媒体/用户生成"},
    "unknown": {"en": "unknown kind", "zh": "类型未知"},
}
"""The kinds of publisher (:class:`veracity.types.SourceKind` values)."""

_COVERAGE_KIND: dict[str, dict[str, str]] = {
    "corpus": {"en": "local corpus", "zh": "本地语料库"},
    "web": {"en": "web search", "zh": "网页搜索"},
    "scholarly": {"en": "scholarly index", "zh": "学术索引"},
    "reference": {"en": "reference work", "zh": "参考资料"},
}
"""The kinds of search source (:class:`veracity.types.SourceCoverage` ``kind``)."""

_COVERAGE_STATUS: dict[str, dict[str, str]] = {
    "ok": {"en": "ok", "zh": "正常"},
    "degraded": {"en": "degraded", "zh": "部分失败"},
    "failed": {"en": "failed", "zh": "失败"},
}
"""How a search source fared."""

_STANCE: dict[str, dict[str, str]] = {
    "supports": {"en": "supports", "zh": "支持"},
    "refutes": {"en": "refutes", "zh": "反驳"},
    "mentions": {"en": "context", "zh": "相关背景"},
}
"""Evidence stances (:class:`veracity.types.Stance` values)."""

_JUDGE: dict[str, dict[str, str]] = {
    # searches for the claim that failed (added to an unverifiable verdict by the research loop)
    "search_failed": {"en": "Searches that failed: {failures}", "zh": "检索失败：{failures}"},
    # nothing to judge from
    "nothing_about": {
        "en": "None of the retrieved passages is about this claim, so it cannot be checked.",
        "zh": "检索到的资料中没有与该声明相关的内容，无法核实。",
    },
    "nothing_found": {
        "en": "No source was retrieved for this claim, so it cannot be checked.",
        "zh": "没有检索到任何资料，无法核实。",
    },
    "no_evidence": {  # the LLM judge, before it asks the model
        "en": "No evidence about this claim was found, so it cannot be checked.",
        "zh": "没有检索到与该声明相关的资料，无法核实。",
    },
    # the rule that decided, as the rationale's first sentence
    "lead_support_one": {
        "en": "One passage states every point of the claim about its subject",
        "zh": "同一处证据将声明的各项要点与主体对应起来",
    },
    "lead_support_bound": {
        "en": "The evidence supports the claim; some points are stated in other passages",
        "zh": "证据支持该声明，但部分要点只在其他段落中找到",
    },
    "lead_support_across": {
        "en": "Every point of the claim is confirmed, across several passages",
        "zh": "声明的要点分别在不同证据中得到印证",
    },
    "lead_partial": {"en": "The evidence confirms only part of the claim", "zh": "证据只印证了声明的一部分"},
    "lead_refute": {"en": "The most relevant evidence contradicts the claim", "zh": "最相关的证据与声明相矛盾"},
    "lead_negated": {"en": "The evidence says the opposite about the subject", "zh": "证据对主体的陈述与声明相反"},
    "lead_weak": {
        "en": "The evidence does not state the claim's points, so it cannot be confirmed",
        "zh": "证据未能确认声明的要点，无法核实",
    },
    "lead_hearsay": {
        "en": "The only evidence is hearsay or a rumour (\u201cI heard\u201d, \u201creportedly\u201d), so it cannot be confirmed",
        "zh": "唯一的证据是传闻或道听途说（\u201c听说\u201d\u201c据传\u201d），无法核实",
    },
    "lead_planned": {
        "en": "The evidence says this is planned or expected, not that it happened",
        "zh": "证据只说这是计划或预期之事，并未说它已发生",
    },
    "lead_stated": {
        "en": "One sentence of the evidence states every name, number and date of the claim, with its relation",
        "zh": "同一句证据陈述了声明的全部具体信息及其关系",
    },
    "lead_bound_all": {
        "en": "One passage states every name, number and date of the claim about its subject; "
              "the rest of its wording is not confirmed word for word",
        "zh": "同一处证据将声明的各项具体信息与主体对应起来，但其余措辞未能逐一核实",
    },
    "lead_conflict_partly": {
        "en": "One part of the claim is confirmed, another is contradicted",
        "zh": "声明的一部分得到印证，另一部分与证据不符",
    },
    # someone else credited
    "credited": {"en": "The evidence credits this to {name}, not to {claimed}", "zh": "证据将此归于{name}，而非{claimed}"},
    "credited_agents": {"en": "The evidence credits this to {name}, not to {agents}", "zh": "证据将此归于{name}，而非{agents}"},
    "credited_subject": {
        "en": "The evidence credits this to {name}, not to the claim’s subject",
        "zh": "证据将此归于{name}，而非声明中的主体",
    },
    # where the claim's values were found
    "contradicted": {"en": "Contradicted by the evidence: {conflicts}", "zh": "与证据不符：{conflicts}"},
    "bound": {"en": "Stated about the subject: {items}", "zh": "与主体对应找到：{items}"},
    "unbound": {"en": "Present but not stated about the subject: {items}", "zh": "出现但未与主体对应：{items}"},
    "missing": {"en": "Not found: {items}", "zh": "未找到：{items}"},
    "key_words": {
        "en": "The closest passage covers {pct}% of the claim's key words",
        "zh": "最相关的证据覆盖了声明 {pct}% 的关键词",
    },
    # after the verdict
    "same_work_indexed": {
        "en": "“{name}” and “{alias}” are the same work, per the scholarly indexes.",
        "zh": "经学术索引确认「{name}」与「{alias}」为同一作品。",
    },
    "same_work_stated": {
        "en": "The evidence states that “{name}” and “{alias}” are the same work.",
        "zh": "证据表明「{name}」与「{alias}」为同一作品。",
    },
    "independent": {"en": "Independent supporting sources: {n}.", "zh": "支持的独立信源：{n} 个。"},
    "social_only": {
        "en": "Only social-media posts support it, so it is rated mostly true.",
        "zh": "仅有社交媒体信源支持，降为基本属实。",
    },
    # how a list fills a field (LIST_FIELDS)
    "quoted_item": {"en": "“{item}”", "zh": "「{item}」"},
    "quoted_sep": {"en": ", ", "zh": "、"},
    "and_sep": {"en": " and ", "zh": "、"},
    "conflict_sep": {"en": "; ", "zh": "；"},
}
"""The offline judge's rationales (:mod:`veracity.judge.match`, :mod:`veracity.judge.llm`)."""

_AGENT: dict[str, dict[str, str]] = {
    "no_rounds": {"en": "no rounds left", "zh": "没有剩余的核查轮次"},
    "no_progress": {"en": "no new evidence turned up in round {n}", "zh": "第 {n} 轮没有找到新的证据"},
    "insufficient": {"en": "the evidence was still insufficient after {n} rounds", "zh": "{n} 轮核查后证据仍不充分"},
    "no_queries": {"en": "the planner found no new query to try in round {n}", "zh": "第 {n} 轮没有可尝试的新检索词"},
    "budget": {"en": "{detail}", "zh": "核查预算已用尽（{detail}）"},
    "exhausted": {
        "en": "Research stopped before the claim could be checked: {reason}.",
        "zh": "核查未能完成，无法核实：{reason}。",
    },
    "last_assessment": {"en": "Last assessment: {before}", "zh": "此前的判断：{before}"},
}
"""Why the research agent stopped on a claim (:mod:`veracity.agent.loop`)."""

_VERDICT: dict[str, dict[str, str]] = {
    "not_checked": {
        "en": "Not checked: no verdict could be obtained ({error}). Resume the run to check it.",
        "zh": "未核查：未能得到结论（{error}）。续跑本次核查即可补查。",
    },
    "pending": {
        "en": "Not judged: research on this claim had not finished (run status: {status}).",
        "zh": "未判定：该陈述的核查尚未完成（运行状态：{status}）。",
    },
}
"""The rationale of a row without a verdict: not checked, or read back before it was judged."""

_CLI: dict[str, dict[str, str]] = {
    "no_sources": {
        "en": "veracity: note: no --corpus given and no search provider configured; every claim will be unverifiable.",
        "zh": "veracity：提示：未指定 --corpus，也未配置搜索服务；所有陈述都将无法核实。",
    },
    "checked": {"en": "checked", "zh": "核查完成"},
    "resumed": {"en": "resumed", "zh": "续跑完成"},
    "done": {
        "en": "veracity: run {run} {what}: {n} claims, {counts} in {seconds}s{llm}{written}",
        "zh": "veracity：运行 {run} {what}：共 {n} 项陈述，{counts}，用时 {seconds} 秒{llm}{written}",
    },
    "done_one": {
        "en": "veracity: run {run} {what}: 1 claim, {counts} in {seconds}s{llm}{written}",
        "zh": "veracity：运行 {run} {what}：共 1 项陈述，{counts}，用时 {seconds} 秒{llm}{written}",
    },
    "count": {"en": "{name}={n}", "zh": "{name} {n} 项"},
    "count_sep": {"en": ", ", "zh": "，"},
    "llm": {
        "en": "; {calls} LLM calls{cached}, {tokens} tokens, ${cost}, {rounds} rounds",
        "zh": "；模型调用 {calls} 次{cached}，{tokens} 个 token，{cost} 美元，{rounds} 轮",
    },
    "llm_cached": {"en": " ({n} cached)", "zh": "（其中缓存 {n} 次）"},
    "written": {"en": "; report written to {path}", "zh": "；报告已写入 {path}"},
    "incomplete": {
        "en": "veracity: run {run} incomplete: {n} of {total} claims not checked ({first}); "
              "finish it with: veracity resume {run}",
        "zh": "veracity：运行 {run} 未完成：{total} 项陈述中 {n} 项未核查（{first}）；"
              "可用 veracity resume {run} 续跑",
    },
    "skipped": {
        "en": "veracity: note: {n} corpus files skipped: {items}{more}",
        "zh": "veracity：提示：语料库跳过 {n} 个文件：{items}{more}",
    },
    "skipped_one": {
        "en": "veracity: note: 1 corpus file skipped: {items}{more}",
        "zh": "veracity：提示：语料库跳过 1 个文件：{items}{more}",
    },
    "skipped_sep": {"en": ", ", "zh": "，"},
    "skipped_more": {"en": ", and {n} more (listed in the report)", "zh": "，另有 {n} 个（见报告）"},
    # the live view on stderr (veracity.progress)
    "starting": {"en": "starting", "zh": "启动中"},
    "checklist": {"en": "{n} claims on the checklist", "zh": "核查清单共 {n} 项陈述"},
    "checklist_one": {"en": "1 claim on the checklist", "zh": "核查清单共 1 项陈述"},
    "corpus_ready": {"en": "corpus ready: {detail}", "zh": "语料库就绪：{detail}"},
    "round": {
        "en": "round {round}: {pending} pending, {settled} settled",
        "zh": "第 {round} 轮：待核查 {pending} 项，已核查 {settled} 项",
    },
    "settled": {"en": "settled {id} [{label}] ({k}/{n}): {text}", "zh": "已核查 {id}【{label}】（{k}/{n}）：{text}"},
    "note": {"en": "note: {text}", "zh": "提示：{text}"},
    "footer": {
        "en": "{status} · {settled}/{n} settled · {searches} searches",
        "zh": "{status} · 已核查 {settled}/{n} · 检索 {searches} 次",
    },
    "footer_llm": {"en": " · {calls} LLM calls", "zh": " · 模型调用 {calls} 次"},
    "footer_cached": {"en": " ({n} cached)", "zh": "（缓存 {n} 次）"},
}
"""What ``veracity check`` and ``veracity resume`` say on stderr: the live view (:mod:`veracity.progress`)
and the lines after a run (:mod:`veracity.cli`), in the report's language."""

_LABEL: dict[str, dict[str, str]] = {
    "true": {"en": "true", "zh": "属实"},
    "mostly_true": {"en": "mostly true", "zh": "基本属实"},
    "partly_true": {"en": "partly true", "zh": "部分属实"},
    "false": {"en": "false", "zh": "不属实"},
    "misattributed": {"en": "misattributed", "zh": "归因不当"},
    "unverifiable": {"en": "unverifiable", "zh": "无法核实"},
}
"""The verdict labels' names (:class:`veracity.types.Label` values)."""


def _section(name: str, table: dict[str, dict[str, str]]) -> dict[str, dict[str, str]]:
    return {f"{name}.{key}": texts for key, texts in table.items()}


MESSAGES: dict[str, dict[str, str]] = {
    **_section("report", _REPORT),
    **_section("web", _WEB),
    **_section("label", _LABEL),
    **_section("source_kind", _SOURCE_KIND),
    **_section("coverage_kind", _COVERAGE_KIND),
    **_section("coverage_status", _COVERAGE_STATUS),
    **_section("stance", _STANCE),
    **_section("judge", _JUDGE),
    **_section("agent", _AGENT),
    **_section("verdict", _VERDICT),
    **_section("cli", _CLI),
}
"""The catalogue: ``section.name`` → ``{"zh": template, "en": template}``."""

LIST_FIELDS: dict[str, tuple[str, str | None]] = {
    "items": ("judge.quoted_sep", "judge.quoted_item"),
    "agents": ("judge.and_sep", None),
    "conflicts": ("judge.conflict_sep", None),
}
"""How a list value fills a rationale field, by the field's name: the separator's key and the
key each item is wrapped in. ``items`` are quoted, without repeats or empty ones."""


def lang_of(lang: str | None) -> str:
    """The catalogue language for any language code: ``zh``, else ``en``."""
    return "zh" if lang == "zh" else "en"


def message(key: str, lang: str | None, **values: object) -> str:
    """The message ``key`` in ``lang`` (``zh``, else English) with its fields filled from
    ``values``; without values the template is returned as it stands."""
    text = MESSAGES[key][lang_of(lang)]
    return text.format(**values) if values else text


def section(name: str) -> dict[str, dict[str, str]]:
    """The messages of one section by their short keys (``report.confidence`` → ``confidence``),
    for tables handed on whole (the web page's script)."""
    head = f"{name}."
    return {key.removeprefix(head): texts for key, texts in MESSAGES.items() if key.startswith(head)}


def fields(template: str) -> set[str]:
    """The names of a template's ``{fields}``."""
    return {name for _, name, _, _ in Formatter().parse(template) if name is not None}


MESSAGE_FIELDS = frozenset({"reason"})
"""Fields whose value is the key of another message, worded with the same part's values
(``{"reason": "agent.no_progress", "n": 2}``): a rationale part can say why in either language."""


def _fill(field: str, value: RationaleValue, lang: str, values: Mapping[str, RationaleValue]) -> str | int:
    if field in MESSAGE_FIELDS and isinstance(value, str) and value in MESSAGES:
        others = {f: _fill(f, v, lang, values) for f, v in values.items() if f not in MESSAGE_FIELDS}
        return message(value, lang, **others)
    if not isinstance(value, list):
        return value
    sep_key, item_key = LIST_FIELDS[field]
    items = list(dict.fromkeys(i for i in value if i)) if item_key else value
    shown = [message(item_key, lang, item=i) for i in items] if item_key else items
    return message(sep_key, lang).join(shown)


def _sentence(text: str, lang: str) -> str:
    """``text`` ended as a sentence: ``。`` in Chinese, a full stop in English unless it has one."""
    text = text.strip()
    if not text:
        return text
    if lang == "zh":
        return text.rstrip(".。;；") + "。"
    return text if text.endswith((".", "!", "?", "。", "！", "？")) else text + "."  # a quoted Chinese sentence ends itself


def rationale_text(parts: Sequence[tuple[str, Mapping[str, RationaleValue]]], lang: str | None) -> str:
    """A rationale from its parts (a message key and its values each), in ``lang``: each part a
    sentence, joined without spaces in Chinese and with one in English."""
    lg = lang_of(lang)
    sentences = [
        _sentence(message(key, lg, **{f: _fill(f, v, lg, values) for f, v in values.items()}), lg)
        for key, values in parts
    ]
    return ("" if lg == "zh" else " ").join(sentences).strip()


__all__ = ["LANGS", "LIST_FIELDS", "MESSAGES", "MESSAGE_FIELDS", "RationaleValue", "fields", "lang_of", "message",
           "rationale_text", "section"]
