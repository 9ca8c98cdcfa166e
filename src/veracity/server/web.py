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
server-side template only receives strings of the message catalogue, HTML-escaped.
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

from veracity.messages import LANGS, section
from veracity.report import labels as L
from veracity.report.html import esc
from veracity.types import LABEL_NAMES

PAGE_LANGS = LANGS

CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data: blob:; "
    "connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'none'; "
    "frame-ancestors 'none'"
)
"""The page's Content-Security-Policy: its own files and API only, no inline script."""

UI_STRINGS: dict[str, dict[str, str]] = section("web")
"""Every string of the page itself, in both page languages: the catalogue's ``web`` section
(:mod:`veracity.messages`; the report's own come from its ``report`` section)."""


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
