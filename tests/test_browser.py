"""The web page in a real headless browser, against ``veracity serve`` in its own process.

Debian's chromium (``/usr/bin/chromium``, or ``VERACITY_TEST_CHROMIUM``) is driven by
Playwright's Python package; no browser is downloaded. The language model is the scripted
OpenAI-compatible server on 127.0.0.1 and the only source is the example corpus, so nothing
leaves the machine — the test also asserts that the page requests nothing but its own server.

* the main test pastes the example profile (Chinese), follows the pending and settled lists as
  events arrive, reads the report (verdict colours, an evidence quote in a ``<details>``, a
  source link that opens in a new tab) and downloads the report; a full-page screenshot is saved
  to ``artifacts/browser-report.png`` (git-ignored, kept by CI) and the test's tmp folder;
* the other tests answer the page's API calls themselves (Playwright routes): hostile strings
  in events and reports stay text, a 401 asks for the token that later requests carry, a failed
  job shows its error, and the hand-written event-stream parser and link rule hold.
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from conftest import EXAMPLE_CORPUS, EXAMPLE_PROFILE, REPO
from server_kit import ServerProcess
from veracity.report import render
from veracity.testing.llm_server import ScriptedLLMServer
from veracity.testing.scripted_model import scripted_responder
from veracity.types import (
    ClaimReport,
    Evidence,
    Label,
    Report,
    Source,
    SourceKind,
    Stance,
    Verdict,
)

# a real browser against a server process: run by `pytest -m slow` (CI requires it to run)
pytestmark = pytest.mark.slow

sync_api = pytest.importorskip(
    "playwright.sync_api", reason="playwright is not installed (pip install 'veracity[dev]')"
)
CHROMIUM = Path(os.environ.get("VERACITY_TEST_CHROMIUM", "/usr/bin/chromium"))
if not CHROMIUM.exists():
    pytest.skip(f"no chromium at {CHROMIUM} (apt-get install chromium, or set "
                "VERACITY_TEST_CHROMIUM)", allow_module_level=True)

BROWSER_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]
ARTIFACTS = REPO / "artifacts"
CHECK_TIMEOUT_MS = 120_000
APP_CSS = (REPO / "src" / "veracity" / "server" / "static" / "app.css").read_text("utf-8")

# Records, from the page's first moment, what was added to the progress lists and the report,
# numbered by MutationObserver callback (one per task), so that the order of arrival is known
# however quickly the run goes.
OBSERVER = """
window.__seen = {pendingAdded: 0, settledAdded: 0, pendingMax: 0, firstPending: null,
                 firstSettled: null, firstReport: null, statuses: [], calls: 0};
document.addEventListener("DOMContentLoaded", () => {
  const seen = window.__seen;
  new MutationObserver((records) => {
    seen.calls += 1;
    for (const r of records) {
      const id = r.target.id;
      const added = r.addedNodes.length;
      if (id === "pending" && added) {
        seen.pendingAdded += added;
        if (seen.firstPending === null) seen.firstPending = seen.calls;
      } else if (id === "settled" && added) {
        seen.settledAdded += added;
        if (seen.firstSettled === null) seen.firstSettled = seen.calls;
      } else if (id === "report-claims" && added && seen.firstReport === null) {
        seen.firstReport = seen.calls;
      } else if (id === "status") {
        seen.statuses.push(r.target.dataset.state + ":" + r.target.textContent);
      }
    }
    const pending = document.getElementById("pending");
    seen.pendingMax = Math.max(seen.pendingMax, pending ? pending.childElementCount : 0);
  }).observe(document.body, {childList: true, subtree: true});
});
"""


def _palette() -> dict[str, tuple[int, int, int]]:
    """The light-theme verdict colours of app.css, as RGB."""
    out = {}
    for label in Label:
        match = re.search(rf"--{label.value}:\s*#([0-9a-f]{{6}})", APP_CSS)
        assert match, label
        hexa = match.group(1)
        out[label.value] = (int(hexa[0:2], 16), int(hexa[2:4], 16), int(hexa[4:6], 16))
    return out


def _rgb(css: str) -> tuple[int, int, int]:
    r, g, b = (int(x) for x in re.findall(r"\d+", css)[:3])
    return r, g, b


def _clean(text: str) -> str:
    return " ".join(text.split())


def _deciding(evidence: list[dict[str, Any]]) -> tuple[dict[str, Any] | None, list[dict[str, Any]]]:
    """A row's deciding quote (its first supporting or refuting one) and the others."""
    for i, ev in enumerate(evidence):
        if ev["stance"] in ("supports", "refutes"):
            return ev, evidence[:i] + evidence[i + 1:]
    return None, list(evidence)


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ServerProcess]:
    """The scripted model in this process, ``veracity serve`` in its own."""
    home = tmp_path_factory.mktemp("browser-server")
    with ScriptedLLMServer(latency=0.05, responder=scripted_responder) as llm:
        srv = ServerProcess(home, env={
            "VERACITY_LLM_BASE_URL": llm.base_url, "VERACITY_LLM_MODEL": "scripted",
            "VERACITY_LLM_RETRIES": "1", "VERACITY_LLM_TIMEOUT": "10",
        }, args=["--corpus", str(EXAMPLE_CORPUS)])
        try:
            yield srv
        finally:
            srv.stop()


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    with sync_api.sync_playwright() as pw:
        chromium = pw.chromium.launch(executable_path=str(CHROMIUM), headless=True,
                                      args=BROWSER_ARGS)
        try:
            yield chromium
        finally:
            chromium.close()


class PageWatch:
    """A browser page with everything that should not happen recorded: script errors, alert
    dialogs, console errors, and requests to anywhere but the server."""

    def __init__(self, browser: Any, base: str, *, locale: str = "zh-CN") -> None:
        self.base = base
        self.context = browser.new_context(locale=locale, accept_downloads=True,
                                           viewport={"width": 1280, "height": 900},
                                           color_scheme="light")
        self.page = self.context.new_page()
        self.page.set_default_timeout(20_000)
        self.errors: list[str] = []
        self.dialogs: list[str] = []
        self.outside: list[str] = []
        self.page.on("pageerror", lambda err: self.errors.append(str(err)))
        self.page.on("dialog", self._dialog)
        self.page.on("request", self._request)

    def _dialog(self, dialog: Any) -> None:
        self.dialogs.append(dialog.message)
        dialog.dismiss()

    def _request(self, request: Any) -> None:
        url = request.url
        if not (url.startswith(self.base + "/") or url.startswith(("blob:", "data:"))):
            self.outside.append(url)

    def assert_clean(self) -> None:
        assert self.errors == [], self.errors
        assert self.dialogs == [], self.dialogs
        assert self.outside == [], f"requests outside the server: {self.outside}"

    def close(self) -> None:
        self.context.close()


@pytest.fixture
def watch(browser: Any, server: ServerProcess) -> Iterator[PageWatch]:
    w = PageWatch(browser, server.base)
    try:
        yield w
    finally:
        w.close()


def test_check_from_the_page(watch: PageWatch, server: ServerProcess, tmp_path: Path) -> None:
    page = watch.page
    page.add_init_script(OBSERVER)
    page.goto(server.base + "/")
    assert page.get_attribute("html", "lang") == "zh"
    page.wait_for_selector("#source-corpus:checked")  # the server's corpus is offered, ticked
    assert page.is_visible("#progress") is False

    page.fill("#text", EXAMPLE_PROFILE.read_text("utf-8"))
    page.click("#start")
    page.wait_for_selector("#report .claim-row", timeout=CHECK_TIMEOUT_MS)
    page.wait_for_selector("#status[data-state=done]")

    job_id = re.sub(r"^#check=", "", page.evaluate("location.hash"))
    job = httpx.get(f"{server.base}/v1/checks/{job_id}", timeout=10).json()
    assert job["status"] == "done", job
    report = job["report"]
    claims = report["claims"]
    assert len(claims) >= 5

    # progress came first: every claim was pending, then settled, before the report appeared
    seen = page.evaluate("window.__seen")
    assert seen["pendingAdded"] == len(claims) and seen["pendingMax"] > 0, seen
    assert seen["settledAdded"] >= len(claims), seen
    assert seen["firstPending"] <= seen["firstSettled"] < seen["firstReport"], seen
    states = [s.split(":", 1)[0] for s in seen["statuses"]]
    assert "running" in states and states[-1] == "done", seen["statuses"]
    assert page.text_content("#pending-count") == "0"
    assert page.text_content("#settled-count") == str(len(claims))
    assert page.locator("#settled .badge").count() == len(claims)

    # one row per claim, its verdict in the label's own colour
    rows = page.locator("#report .claim-row")
    assert rows.count() == len(claims)
    palette = _palette()
    for i, claim in enumerate(claims):
        row = rows.nth(i)
        label = claim["verdict"]["label"]
        assert row.get_attribute("id") == f"claim-{claim['id']}"
        verdict = row.locator(".verdict")
        assert verdict.get_attribute("data-label") == label
        assert verdict.text_content() == Label(label).zh
        assert _rgb(verdict.evaluate("e => getComputedStyle(e).backgroundColor")) == palette[label]
        assert _clean(row.locator(".claim-text").text_content() or "") == _clean(claim["text"])
    assert page.text_content("#report-summary").startswith(f"本次核查共 {len(claims)} 项陈述")

    # the deciding quote (the first that supports or refutes) is in view; the other quotes sit
    # in a closed <details> and show when it is opened
    decided = [(c, _deciding(c["evidence"])) for c in claims]
    shown = [(c, ev) for c, (ev, _) in decided if ev is not None]
    assert shown, "no row has a supporting or refuting quote"
    claim, first = shown[0]
    row = page.locator(f"#claim-{claim['id']}")
    quote = row.locator(".deciding .quote")
    assert quote.is_visible()
    assert quote.text_content() == f"“{_clean(first['quote'])}”"
    link = row.locator(".deciding a.source-link").first
    assert re.match(r"^(https?|file):", link.get_attribute("href") or "")
    assert link.get_attribute("target") == "_blank"
    assert set((link.get_attribute("rel") or "").split()) >= {"noopener", "noreferrer"}
    assert link.text_content() == _clean(first["source"]["title"])
    date = row.locator(".deciding .date").first.text_content()
    assert date == (first["source"]["published"] or "未知日期")
    folded = [(c, rest) for c, (_, rest) in decided if rest]
    for claim, rest in folded[:2]:
        details = page.locator(f"#claim-{claim['id']} details.evidence")
        assert details.evaluate("d => d.open") is False
        other = details.locator(".quote").first
        assert not other.is_visible()
        details.locator("summary").click()
        assert details.evaluate("d => d.open") is True
        assert other.is_visible()
        assert other.text_content() == f"“{_clean(rest[0]['quote'])}”"

    # downloads: fetched with the page's headers, saved as veracity-<id>.<ext>
    with page.expect_download() as json_download:
        page.click("#download-json")
    download = json_download.value
    assert download.suggested_filename == f"veracity-{job_id}.json"
    saved = json.loads(Path(download.path()).read_text("utf-8"))
    assert saved["run_id"] == report["run_id"] and len(saved["claims"]) == len(claims)
    with page.expect_download() as md_download:
        page.click("#download-md")
    assert md_download.value.suggested_filename == f"veracity-{job_id}.md"
    markdown = Path(md_download.value.path()).read_text("utf-8")
    assert "事实核查报告" in markdown and report["run_id"] in markdown

    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    for target in (ARTIFACTS / "browser-report.png", tmp_path / "browser-report.png"):
        page.screenshot(path=str(target), full_page=True)
        assert target.stat().st_size > 10_000

    # a reload keeps following the job (#check=<id>): the events replay, the report returns
    page.reload()
    page.wait_for_selector("#status[data-state=done]", timeout=CHECK_TIMEOUT_MS)
    assert page.locator("#report .claim-row").count() == len(claims)
    assert page.text_content("#settled-count") == str(len(claims))
    watch.assert_clean()


# --- the page against API answers written here ----------------------------------------------

HOSTILE = '<img src=x onerror="window.__xss=1;alert(1)">'
SCRIPT = "<script>window.__xss=2;alert(2)</script>"


def _hostile_report() -> dict[str, Any]:
    linked = Source(url='https://example.org/a?b="c"&d=<e>', title=HOSTILE + " title",
                    published=SCRIPT, kind=SourceKind.NEWS)
    unsafe = Source(url="javascript:window.__xss=3;alert(3)", title=SCRIPT + " js-title",
                    kind=SourceKind.SOCIAL)
    row = ClaimReport(
        id="c1", text=HOSTILE + " claim", original=SCRIPT + " original",
        verdict=Verdict(label=Label.FALSE, confidence=0.9, rationale=HOSTILE + " rationale"),
        evidence=[Evidence(quote=HOSTILE + " quote", stance=Stance.REFUTES, source=linked),
                  Evidence(quote=SCRIPT + " quote", stance=Stance.SUPPORTS, source=unsafe)],
    )
    report = Report(run_id="run-1", language="en", judge=HOSTILE, input="javascript:alert(4)",
                    title=SCRIPT, claims=[row])
    data: dict[str, Any] = json.loads(render(report, "json"))
    return data


def _sse(events: list[tuple[str, dict[str, Any]]], *, crlf: bool = False) -> str:
    out = []
    for i, (kind, data) in enumerate(events, 1):
        out.append(f": ping\nid: {i}\nevent: {kind}\ndata: {json.dumps(data)}\n\n")
    text = "".join(out)
    return text.replace("\n", "\r\n") if crlf else text


def _json(route: Any, status: int, body: Any) -> None:
    route.fulfill(status=status, content_type="application/json", body=json.dumps(body))


def test_hostile_strings_stay_text(watch: PageWatch, server: ServerProcess) -> None:
    page = watch.page
    report = _hostile_report()
    events = _sse([
        ("run_started", {"type": "run_started", "message": HOSTILE}),
        ("claims_ready", {"type": "claims_ready", "claims": [{"id": "c1", "text": HOSTILE + " claim"}]}),
        ("query_sent", {"type": "query_sent", "provider": SCRIPT, "query": HOSTILE}),
        ("warning", {"type": "warning", "message": HOSTILE}),
        ("claim_settled", {"type": "claim_settled", "claim_id": "c1", "label": "<b>bold</b>"}),
        ("end", {"id": "evil", "status": "done", "error": None}),
    ], crlf=True)

    def answer(route: Any) -> None:
        path = route.request.url.removeprefix(server.base)
        if path == "/v1/sources":
            _json(route, 200, {"providers": [{"name": HOSTILE, "kind": SCRIPT, "configured": True}],
                               "corpus": [SCRIPT], "llm": True})
        elif path == "/v1/checks" and route.request.method == "POST":
            _json(route, 202, {"id": "evil", "status": "queued"})
        elif path == "/v1/checks/evil/events":
            route.fulfill(status=200, content_type="text/event-stream", body=events)
        elif path == "/v1/checks/evil":
            _json(route, 200, {"id": "evil", "status": "done", "report": report, "error": None})
        else:
            _json(route, 404, {"error": {"status": 404, "code": "not_found", "message": path}})

    page.route(re.compile(r"/v1/"), answer)
    page.goto(server.base + "/?lang=en")
    page.wait_for_selector("#source-corpus")
    page.fill("#text", "anything")
    page.click("#start")
    page.wait_for_selector("#report .claim-row")

    assert page.evaluate("window.__xss") is None
    assert page.evaluate("document.querySelectorAll('img, b, [onerror]').length") == 0
    assert page.evaluate("document.scripts.length") == 2  # app.js and the strings element
    assert HOSTILE in page.text_content("#source-list")
    assert SCRIPT in page.text_content("#source-list")
    assert page.text_content("#settled .claim-text") == HOSTILE + " claim"
    assert page.text_content("#settled .badge") == "<b>bold</b>"
    assert HOSTILE in page.text_content("#warnings")
    row = page.locator("#report .claim-row")
    assert row.locator(".claim-text").text_content() == HOSTILE + " claim"
    assert row.locator(".rationale").text_content() == HOSTILE + " rationale"
    assert SCRIPT in (row.locator(".original").text_content() or "")
    assert page.text_content("#report-title") == "Fact-check report: " + SCRIPT
    # the overview repeats the claim and the first sentence of its rationale, as text
    assert page.text_content("#report-problems .jump") == HOSTILE + " claim"
    assert page.text_content("#report-problems .reason") == " — " + HOSTILE + " rationale"
    row.locator("details.evidence summary").click()
    assert row.locator(".quote").nth(0).text_content() == f"“{HOSTILE} quote”"
    # the https source is a link (its title as text); the javascript: one is plain text
    links = row.locator("a.source-link")
    assert links.count() == 1
    assert links.first.text_content() == HOSTILE + " title"
    assert links.first.get_attribute("href") == "https://example.org/a?b=%22c%22&d=%3Ce%3E"
    assert row.locator("span.source-link").text_content() == SCRIPT + " js-title"
    assert row.locator(".date").nth(0).text_content() == SCRIPT
    assert row.locator(".date").nth(1).text_content() == "date unknown"
    hrefs = page.evaluate("[...document.querySelectorAll('#report a[href]')].map(a => a.href)")
    assert hrefs and all(re.match(r"^(https?|file):", h) for h in hrefs), hrefs
    assert page.locator("#report-meta a").count() == 0  # input javascript:… is not a link
    watch.assert_clean()


def test_token_is_asked_for_and_sent(watch: PageWatch, server: ServerProcess) -> None:
    page = watch.page
    seen: list[tuple[str, str | None, str | None]] = []
    bodies: list[Any] = []

    def answer(route: Any) -> None:
        request = route.request
        path = request.url.removeprefix(server.base)
        auth = request.headers.get("authorization")
        seen.append((path, auth, request.headers.get("last-event-id")))
        if auth != "Bearer s3cret":
            _json(route, 401, {"error": {"status": 401, "code": "unauthorized", "message": "token"}})
        elif path == "/v1/sources":
            _json(route, 200, {"providers": [], "corpus": ["corpus"], "llm": False})
        elif path == "/v1/checks":
            bodies.append(json.loads(request.post_data or "null"))
            _json(route, 202, {"id": "j1", "status": "queued"})
        elif path == "/v1/checks/j1/events":
            route.fulfill(status=200, content_type="text/event-stream", body=_sse([
                ("end", {"id": "j1", "status": "failed", "error": "boom <i>x</i>"})]))
        else:
            _json(route, 404, {"error": {"status": 404, "code": "not_found", "message": path}})

    page.route(re.compile(r"/v1/"), answer)
    page.goto(server.base + "/?lang=en")
    page.wait_for_selector("#auth[open]")
    page.fill("#token", "s3cret")
    page.click("#token-save")
    page.wait_for_selector("#source-corpus")
    assert page.is_visible("#llm-note")  # no model configured: the offline judge is announced
    assert page.evaluate("sessionStorage.getItem('veracity.token')") == "s3cret"

    page.click("#tab-claims")
    page.fill("#claims", "\n Jack Rae was born in 1960. \n\n")
    page.select_option("#lang", "zh")
    page.click("#start")
    page.wait_for_selector("#status[data-state=failed]")
    assert bodies == [{"claims": ["Jack Rae was born in 1960."], "lang": "zh",
                       "providers": [], "corpus": True}]
    assert page.text_content("#error") == "The check failed: boom <i>x</i>"
    assert page.is_visible("#error") and not page.is_visible("#report")
    assert [p for p, auth, _ in seen if auth is None] == ["/v1/sources"]
    assert ("/v1/checks/j1/events", "Bearer s3cret", None) in seen
    assert page.is_enabled("#start")
    watch.assert_clean()


def test_form_refuses_empty_input(watch: PageWatch, server: ServerProcess) -> None:
    page = watch.page
    page.goto(server.base + "/?lang=en")
    page.click("#start")
    assert page.text_content("#form-error") == "Paste some text first."
    page.click("#tab-url")
    assert page.is_visible("#url") and not page.is_visible("#text")
    page.fill("#url", "javascript:alert(1)")
    page.click("#start")
    assert page.text_content("#form-error") == "The address must start with http:// or https://."
    assert page.is_hidden("#progress")
    watch.assert_clean()


def test_event_parser_and_link_rule(watch: PageWatch, server: ServerProcess) -> None:
    page = watch.page
    page.goto(server.base + "/")
    stream = (": ping\r\nid: 1\r\nevent: claims_ready\r\ndata: {\"a\":\r\ndata: 1}\r\n\r\n"
              "id: 2\revent: end\rdata: x\r\r"
              "data: no type\n\n"
              "event: no-data\n\n"
              "id: 3\ndata:tight\nretry: 10\nunknown: field\n\n"
              "data: never finished")
    one_char = page.evaluate(
        "s => { const out = []; const p = new window.veracity.SSEParser(e => out.push(e));"
        " for (const ch of s) p.push(ch); return out; }", stream)
    whole = page.evaluate(
        "s => { const out = []; new window.veracity.SSEParser(e => out.push(e)).push(s);"
        " return out; }", stream)
    expected = [
        {"id": "1", "type": "claims_ready", "data": '{"a":\n1}'},
        {"id": "2", "type": "end", "data": "x"},
        {"id": "2", "type": "message", "data": "no type"},
        {"id": "3", "type": "message", "data": "tight"},
    ]
    assert one_char == expected
    assert whole == expected

    urls = ["https://a.example/x", "http://a.example", "file:///tmp/x.pdf",
            "javascript:alert(1)", " JavaScript:alert(1)", "java\tscript:alert(1)",
            "data:text/html,<b>x</b>", "/relative", "", "vbscript:x"]
    hrefs = page.evaluate("urls => urls.map(u => window.veracity.safeHref(u))", urls)
    assert hrefs[:3] == ["https://a.example/x", "http://a.example/", "file:///tmp/x.pdf"]
    assert hrefs[3:] == [None] * 7
    watch.assert_clean()


def test_uploaded_file_is_checked(watch: PageWatch, server: ServerProcess, tmp_path: Path) -> None:
    """A file goes up as multipart (the real API), and the English page shows its report."""
    page = watch.page
    upload = tmp_path / "note.md"
    upload.write_text("# Note\n\nJack Rae studied at the University of Bristol.\n", "utf-8")
    page.goto(server.base + "/?lang=en")
    page.wait_for_selector("#source-corpus:checked")
    page.click("#tab-file")
    page.set_input_files("#file", str(upload))
    page.select_option("#lang", "en")
    page.click("#start")
    page.wait_for_selector("#status[data-state=done]", timeout=CHECK_TIMEOUT_MS)
    rows = page.locator("#report .claim-row")
    assert rows.count() >= 1
    assert "Bristol" in (rows.first.locator(".claim-text").text_content() or "")
    assert page.text_content("#report-title") == "Fact-check report: Note"
    assert page.text_content("#status") == "Done"
    watch.assert_clean()
