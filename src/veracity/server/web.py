"""The server's web page: ``GET /`` (one HTML page) and the static files under ``/static``.

The page is rendered on the server in Chinese or English — ``?lang=zh|en`` when given, else the
best match of the browser's ``Accept-Language`` — and a few hundred lines of plain JavaScript
(``static/app.js``, no build step) talk to the JSON API: they start a check, read its event
stream with ``fetch()`` (so that an ``Authorization`` header can be sent), fill the pending and
settled lists as events arrive, and render the finished report from its JSON the way the HTML
report reads: the overview computed from the rows first (counts with the not-checked rows apart,
the problem rows with their reasons, what could not be verified, what confidence means), the
sources consulted, then the claims with a verdict filter and ``?order=problems`` for problem rows
first (:mod:`veracity.report.overview` holds the rules the script mirrors).

Nothing on the page is loaded from the network: no CDN, no web fonts. The page carries a
Content-Security-Policy that allows only its own scripts, styles and API. Every string the page
shows from a report or an event is inserted as text by the script, never as markup; the
server-side template only receives strings defined here, HTML-escaped.
"""

from __future__ import annotations

import json
from functools import lru_cache
from importlib import resources
from pathlib import Path
from string import Template
from typing import Any

from fastapi import FastAPI, Request
from fastapi.responses import HTMLResponse
from fastapi.staticfiles import StaticFiles

from veracity.report import labels as L
from veracity.report.html import esc
from veracity.types import LABEL_NAMES

PAGE_LANGS = ("zh", "en")

CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data: blob:; "
    "connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'none'; "
    "frame-ancestors 'none'"
)
"""The page's Content-Security-Policy: its own files and API only, no inline script."""

UI_STRINGS: dict[str, dict[str, str]] = {
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
    "st_queued_n": {"en": "Queued: {n} checks ahead", "zh": "排队中:前面还有 {n} 项核查"},
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
"""Every string of the page itself, in both page languages (the report's own come from labels)."""


def page_lang(query: str | None, accept_language: str | None) -> str:
    """The page language: ``query`` when it is ``zh`` or ``en``, else the first of those two in
    the browser's ``Accept-Language`` (by q-value, then order), else English."""
    if query in PAGE_LANGS:
        return query
    best: tuple[float, int, str] | None = None
    for pos, part in enumerate((accept_language or "").split(",")):
        tag, _, params = part.strip().partition(";")
        primary = tag.strip().lower().split("-")[0]
        if primary not in PAGE_LANGS:
            continue
        q = 1.0
        for param in params.split(";"):
            key, _, value = param.strip().partition("=")
            if key == "q":
                try:
                    q = float(value)
                except ValueError:
                    q = 0.0
        if q <= 0:
            continue
        if best is None or (-q, pos) < (-best[0], best[1]):
            best = (q, pos, primary)
    return best[2] if best else "en"


def _report_strings(lang: str) -> dict[str, Any]:
    """The report wording of :mod:`veracity.report.labels` in ``lang``, for the script."""
    return {
        "strings": {key: values[lang] for key, values in L.STRINGS.items()},
        "labels": {label.value: names[lang] for label, names in LABEL_NAMES.items()},
        "kinds": {kind.value: names[lang] for kind, names in L.SOURCE_KIND_NAMES.items()},
        "stances": {stance.value: names[lang] for stance, names in L.STANCE_NAMES.items()},
        "coverage_kinds": {kind: names[lang] for kind, names in L.COVERAGE_KIND_NAMES.items()},
        "coverage_statuses": {status: names[lang] for status, names in L.COVERAGE_STATUS_NAMES.items()},
    }


def script_strings(lang: str) -> dict[str, Any]:
    """What the script needs to print: the page strings in ``lang`` and the report wording in
    both languages (a report is shown in its own language, whatever the page's)."""
    return {
        "lang": lang,
        "ui": {key: values[lang] for key, values in UI_STRINGS.items()},
        "report": {lg: _report_strings(lg) for lg in L.UI_LANGS},
    }


def json_for_script(value: Any) -> str:
    """JSON that is safe inside a ``<script type="application/json">`` element (no ``<``, ``>``,
    ``&`` or line separators that could end the element or confuse a parser)."""
    text = json.dumps(value, ensure_ascii=False, separators=(",", ":"))
    for ch, repl in (("<", "\\u003c"), (">", "\\u003e"), ("&", "\\u0026"),
                     ("\u2028", "\\u2028"), ("\u2029", "\\u2029")):
        text = text.replace(ch, repl)
    return text


def _resource_dir(name: str) -> Path:
    return Path(str(resources.files("veracity.server").joinpath(name)))


@lru_cache(maxsize=1)
def _template() -> Template:
    return Template((_resource_dir("templates") / "index.html").read_text(encoding="utf-8"))


@lru_cache(maxsize=len(PAGE_LANGS))
def render_page(lang: str) -> str:
    """The page in ``lang`` (``zh`` or ``en``); every substituted value is escaped."""
    from veracity import __version__

    values = {f"t_{key}": esc(texts[lang]) for key, texts in UI_STRINGS.items()}
    values.update(
        lang=esc(lang),
        other_lang=esc("en" if lang == "zh" else "zh"),
        version=esc(str(__version__)),
        i18n=json_for_script(script_strings(lang)),
    )
    return _template().substitute(values)


def mount_web(app: FastAPI) -> None:
    """Register ``GET /`` (the page) and mount the static files at ``/static`` on ``app``."""

    def index(request: Request, lang: str | None = None) -> HTMLResponse:
        """The web page, in ``?lang=zh|en`` or the browser's language."""
        chosen = page_lang(lang, request.headers.get("accept-language"))
        return HTMLResponse(
            render_page(chosen),
            headers={
                "Content-Security-Policy": CSP,
                "X-Content-Type-Options": "nosniff",
                "Referrer-Policy": "no-referrer",
                "Cache-Control": "no-store",
                "Vary": "Accept-Language",
            },
        )

    app.add_api_route("/", index, methods=["GET"], response_class=HTMLResponse,
                      include_in_schema=False)
    app.mount("/static", StaticFiles(directory=_resource_dir("static")), name="static")


__all__ = ["CSP", "UI_STRINGS", "mount_web", "page_lang", "render_page", "script_strings"]
