"""The server's web page without a browser: served in both languages, nothing loaded from the
network, no reflected input, and a script that only ever inserts text.

The page's behaviour in a real browser (progress, report, escaping of hostile report data,
downloads) is tested in tests/test_browser.py.
"""

from __future__ import annotations

import json
import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from veracity.report import labels as L
from veracity.server import web
from veracity.types import Label

STATIC = Path(web.__file__).with_name("static")
TEMPLATES = Path(web.__file__).with_name("templates")
APP_JS = (STATIC / "app.js").read_text(encoding="utf-8")
APP_CSS = (STATIC / "app.css").read_text(encoding="utf-8")

IDS_USED_BY_TESTS = {
    "text", "file", "url", "claims", "lang", "sources", "start", "status", "activity", "error",
    "pending", "settled", "pending-count", "settled-count", "report", "report-claims",
    "download-md", "download-html", "download-json", "auth", "token", "token-save",
}


class _Tags(HTMLParser):
    """Every start tag with its attributes, and the text of the i18n script element."""

    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self._in_i18n = False
        self.i18n = ""

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))
        self._in_i18n = tag == "script" and dict(attrs).get("id") == "veracity-i18n"

    def handle_endtag(self, tag: str) -> None:
        self._in_i18n = False

    def handle_data(self, data: str) -> None:
        if self._in_i18n:
            self.i18n += data


def parse(page: str) -> _Tags:
    parser = _Tags()
    parser.feed(page)
    return parser


@pytest.fixture(scope="module")
def client() -> TestClient:
    """A bare FastAPI app with only the page mounted (the API is not needed here)."""
    app = FastAPI()
    web.mount_web(app)
    return TestClient(app)


@pytest.mark.parametrize(("accept", "query", "lang", "settled", "pending"), [
    ("zh-CN,zh;q=0.9,en;q=0.8", None, "zh", "已核查结论清单", "待补充核查清单"),
    ("en-US,en;q=0.9", None, "en", "Settled", "Pending"),
    ("zh-CN,zh;q=0.9", "en", "en", "Settled", "Pending"),
    ("en", "zh", "zh", "已核查结论清单", "待补充核查清单"),
    (None, None, "en", "Settled", "Pending"),
])
def test_page_is_served_in_the_browser_language(client: TestClient, accept: str | None,
                                                query: str | None, lang: str, settled: str,
                                                pending: str) -> None:
    headers = {"Accept-Language": accept} if accept else {}
    resp = client.get("/", params={"lang": query} if query else None, headers=headers)
    assert resp.status_code == 200
    assert resp.headers["content-type"].startswith("text/html")
    assert f'<html lang="{lang}">' in resp.text
    assert settled in resp.text and pending in resp.text
    strings = json.loads(parse(resp.text).i18n)
    assert strings["lang"] == lang
    assert strings["ui"]["settled_heading"] == settled
    # the report's own wording travels in both languages, from report/labels.py
    assert strings["report"]["zh"]["labels"]["mostly_true"] == Label.MOSTLY_TRUE.zh
    assert strings["report"]["en"]["strings"]["date_unknown"] == "date unknown"
    assert strings["report"]["zh"]["strings"]["date_unknown"] == "未知日期"
    # the toggle leads to the other language
    other = "en" if lang == "zh" else "zh"
    assert f'href="?lang={other}"' in resp.text


@pytest.mark.parametrize(("header", "expected"), [
    ("en-US,en;q=0.9,zh;q=0.8", "en"),
    ("fr-FR, zh;q=0.5, en;q=0.4", "zh"),
    ("zh;q=0, en;q=0.1", "en"),
    ("zh-TW", "zh"),
    ("de, fr", "en"),
    ("en;q=0.5, zh;q=0.9", "zh"),
    ("zh;q=abc, en", "en"),
    ("", "en"),
])
def test_page_lang_follows_accept_language(header: str, expected: str) -> None:
    assert web.page_lang(None, header) == expected
    assert web.page_lang("zh", header) == "zh"
    assert web.page_lang("xx", header) == expected


def test_page_has_the_elements_the_script_and_tests_use(client: TestClient) -> None:
    tags = parse(client.get("/").text).tags
    ids = {attrs["id"] for _, attrs in tags if attrs.get("id")}
    assert ids >= IDS_USED_BY_TESTS, IDS_USED_BY_TESTS - ids
    # every element the script looks up by a literal id exists in the template
    looked_up = set(re.findall(r'\$\("([\w-]+)"\)', APP_JS))
    created = {"source-corpus"}  # made by the script itself
    assert looked_up - created <= ids, (looked_up - created) - ids


def test_nothing_is_loaded_from_the_network(client: TestClient) -> None:
    resp = client.get("/")
    for tag, attrs in parse(resp.text).tags:
        for name in ("src", "href", "action", "srcset", "poster", "data", "formaction"):
            value = attrs.get(name)
            if value is None:
                continue
            if tag == "a" and name == "href":
                assert value.startswith("?"), value  # only the language toggle
                continue
            assert value.startswith(("/static/", "data:")) and not value.startswith("//"), value
    csp = resp.headers["content-security-policy"]
    assert "default-src 'self'" in csp and "script-src 'self'" in csp
    assert "'unsafe-inline'" not in csp and "'unsafe-eval'" not in csp
    assert "<style" not in resp.text and " style=" not in resp.text  # CSP allows no inline style
    # neither the stylesheet nor the script name an outside address
    assert "@import" not in APP_CSS
    assert all(u.startswith("data:") for u in re.findall(r"url\(\s*['\"]?([^)'\"]*)", APP_CSS))
    assert "://" not in APP_JS
    fetched = re.findall(r'(?:api|getJSON|fetch)\(\s*"([^"]*)"', APP_JS)
    assert fetched and all(path.startswith("/v1/") for path in fetched), fetched


def test_static_files_are_served_and_confined(client: TestClient) -> None:
    js = client.get("/static/app.js")
    assert js.status_code == 200 and "javascript" in js.headers["content-type"]
    assert js.text == APP_JS
    css = client.get("/static/app.css")
    assert css.status_code == 200 and css.headers["content-type"].startswith("text/css")
    assert client.get("/static/../web.py").status_code == 404
    assert client.get("/static/%2e%2e/web.py").status_code == 404
    assert client.get("/static/missing.js").status_code == 404


def test_query_values_are_not_reflected(client: TestClient) -> None:
    evil = '"><script>alert(1)</script>'
    resp = client.get("/", params={"lang": evil}, headers={"Accept-Language": evil})
    assert resp.status_code == 200
    assert "alert(1)" not in resp.text
    assert '<html lang="en">' in resp.text


def test_script_json_cannot_close_its_element() -> None:
    value = {"x": "</script><script>alert(1)</script><!-- & \u2028\u2029"}
    text = web.json_for_script(value)
    assert "<" not in text and ">" not in text and "&" not in text
    assert "\u2028" not in text and "\u2029" not in text
    assert json.loads(text) == value
    # the page's own JSON element holds nothing that could end it early
    for lang in web.PAGE_LANGS:
        page = web.render_page(lang)
        start = page.index('id="veracity-i18n">') + len('id="veracity-i18n">')
        body = page[start:page.index("</script>", start)]
        assert json.loads(body) == web.script_strings(lang)


def test_template_values_are_escaped(monkeypatch: pytest.MonkeyPatch) -> None:
    hostile = '<img src=x onerror=alert(1)> & "quotes"'
    monkeypatch.setitem(web.UI_STRINGS, "start", {"en": hostile, "zh": hostile})
    web.render_page.cache_clear()
    try:
        page = web.render_page("en")
    finally:
        web.render_page.cache_clear()
    assert "<img" not in page
    assert "&lt;img src=x onerror=alert(1)&gt; &amp; &quot;quotes&quot;" in page


def test_script_never_inserts_markup() -> None:
    """The rule that keeps hostile report text inert: no HTML parsing sinks in the script."""
    code = re.sub(r"/\*.*?\*/", "", APP_JS, flags=re.S)
    for sink in ("innerHTML", "outerHTML", "insertAdjacentHTML", "document.write", "eval(",
                 "new Function", "createContextualFragment", "srcdoc", "DOMParser"):
        assert sink not in code, sink
    assert "textContent" in code and "createElement" in code


def test_every_string_the_script_uses_exists() -> None:
    ui_keys = set(re.findall(r'\bui\("(\w+)"', APP_JS))
    assert ui_keys and ui_keys <= set(web.UI_STRINGS), ui_keys - set(web.UI_STRINGS)
    report_keys = set(re.findall(r'\bt\("(\w+)"', APP_JS))
    assert report_keys and report_keys <= set(L.STRINGS), report_keys - set(L.STRINGS)
    for texts in web.UI_STRINGS.values():
        assert set(texts) == set(web.PAGE_LANGS) and all(texts.values())
    template = (TEMPLATES / "index.html").read_text(encoding="utf-8")
    used = set(re.findall(r"\$t_(\w+)", template))
    assert used <= set(web.UI_STRINGS), used - set(web.UI_STRINGS)


def test_every_verdict_label_has_a_colour() -> None:
    colours = {}
    for label in Label:
        match = re.search(rf"--{label.value}:\s*(#[0-9a-f]{{6}})", APP_CSS)
        assert match, label
        colours[label] = match.group(1)
        assert f".v-{label.value} {{ background: var(--{label.value}); }}" in APP_CSS
        assert f".row-{label.value} {{ border-left-color: var(--{label.value}); }}" in APP_CSS
        assert f'"{label.value}"' in APP_JS  # the script knows the label's order
    assert len(set(colours.values())) == len(Label)
    # the same colours as the self-contained HTML report
    report_css = Path(L.__file__).with_name("templates").joinpath("report.html").read_text("utf-8")
    for label, colour in colours.items():
        assert f"--{label.value}: {colour}" in report_css
