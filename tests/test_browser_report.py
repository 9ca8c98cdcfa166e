"""The report as an editor reads it, in Debian's chromium (Playwright, as tests/test_browser.py):
the self-contained HTML report opened from a file, and the server's web page showing a report
the test answers itself (Playwright routes; a bare app serves the page and its static files).

At 390 px and 1400 px wide: nothing overflows sideways (``scrollWidth <= innerWidth``), under
700 px the report is one column, the overview comes first with the problem rows and the
not-checked row apart from the verdicts, the verdict filter hides the other rows (CSS only in
the HTML report, whose Content-Security-Policy allows no script), problems-first order on
request, and the print stylesheet prints every row. Screenshots are saved under ``artifacts/``
(git-ignored; CI keeps them) and the test's tmp folder.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi import FastAPI

from conftest import REPO
from server_kit import LiveServer
from test_browser import BROWSER_ARGS, CHROMIUM, sync_api
from veracity.report import render_html, render_json
from veracity.server import web
from veracity.types import (
    ClaimReport,
    Coverage,
    Evidence,
    Label,
    Report,
    Source,
    SourceCoverage,
    SourceKind,
    Stance,
    Stats,
    Verdict,
)

# a real browser: run by `pytest -m slow` (CI requires it to run)
pytestmark = pytest.mark.slow

ARTIFACTS = REPO / "artifacts"
WIDTHS = (390, 1400)
LONG_URL = "https://example.org/" + "a-very-long-path-segment-without-breaks" * 4 + "?q=" + "x" * 80


def editor_report(language: str = "en") -> Report:
    """Every kind of row an editor meets: problems, a not-checked row, a long URL, a reworded
    claim, several quotes, and a source that failed."""
    news = Source(url=LONG_URL, title="A long-titled news story about the awards " * 3,
                  published="2022-11-21", kind=SourceKind.NEWS)
    primary = Source(url="https://blog.neurips.cc/2022/11/21/awards/", title="NeurIPS 2022 awards",
                     published="2022-11-21", kind=SourceKind.PRIMARY)
    arxiv = Source(url="https://arxiv.org/abs/2203.15556", title="Training Compute-Optimal LLMs",
                   published="2022-03-29", kind=SourceKind.SCHOLARLY)

    def row(i: int, label: Label, text: str, rationale: str, evidence: list[Evidence],
            original: str | None = None) -> ClaimReport:
        return ClaimReport(id=f"c{i}", text=text, original=original or text,
                           verdict=Verdict(label=label, confidence=0.62 + i / 100, rationale=rationale),
                           evidence=evidence)

    rows = [
        row(1, Label.TRUE, "Jack Rae did a PhD at UCL.",
            "The arXiv listing names his UCL affiliation. Nothing contradicts it.",
            [Evidence(quote="Jack W. Rae, UCL", stance=Stance.SUPPORTS, source=arxiv)],
            original="Jack Rae did a PhD at UCL"),
        row(2, Label.FALSE, "Chinchilla won a NeurIPS 2022 best paper award.",
            "The awards list names other papers. Chinchilla is not among them.",
            [Evidence(quote="Outstanding Papers: Is Out-of-distribution Detection Learnable?",
                      stance=Stance.MENTIONS, source=news),
             Evidence(quote="Outstanding Main Track Papers: Is Out-of-distribution Detection Learnable?",
                      stance=Stance.REFUTES, source=primary),
             Evidence(quote="Chinchilla was presented at NeurIPS 2022.", stance=Stance.MENTIONS, source=arxiv)]),
        row(3, Label.MISATTRIBUTED, "Rae proposed that compression is intelligence.",
            "Solomonoff proposed it in 1964. Rae popularised it in talks.",
            [Evidence(quote="introduced by Solomonoff (1964)", stance=Stance.REFUTES, source=arxiv)],
            original="He proposed that compression is intelligence"),
        row(4, Label.UNVERIFIABLE, "Rae was personally recruited by Zuckerberg.",
            "No source read mentions how he was recruited.", []),
        row(5, Label.PARTLY_TRUE, "Rae led pre-training for Gemini and GPT-4.",
            "He led Gemini pre-training. He was not on the GPT-4 team.",
            [Evidence(quote="pre-training lead", stance=Stance.SUPPORTS, source=primary)]),
    ]
    missing = ClaimReport(id="c6", text="Gopher has 280 billion parameters.",
                          verdict=Verdict(label=Label.UNVERIFIABLE, confidence=0.0,
                                          rationale="Not checked: no verdict could be obtained (HTTP 500)."),
                          status="not_checked", error="judge: the model answered HTTP 500")
    coverage = Coverage(sources=[
        SourceCoverage(name="corpus", kind="corpus", queries=6, results=24),
        SourceCoverage(name="brave", kind="web", queries=3, results=0, errors=3, status="failed",
                       error="brave: HTTP 401 unauthorized " + "x" * 90),
    ], pages_read=4, pages_failed=1, corpus_documents_used=3)
    return Report(run_id="20261121-231500-ab12cd", language=language,  # type: ignore[arg-type]
                  judge="evidence-match", uses_llm=False, created="2026-11-21T23:15:00+00:00",
                  input="profile.md", title="Jack Rae profile", claims=[*rows, missing],
                  stats=Stats(seconds=3.2, searches=1, documents=4), coverage=coverage)


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    with sync_api.sync_playwright() as pw:
        chromium = pw.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=BROWSER_ARGS)
        try:
            yield chromium
        finally:
            chromium.close()


def new_page(browser: Any, width: int) -> tuple[Any, Any, list[str]]:
    """A page ``width`` px wide; the list collects script errors and console errors (a CSP
    violation is one)."""
    context = browser.new_context(viewport={"width": width, "height": 900}, color_scheme="light",
                                  locale="en-US")
    page = context.new_page()
    page.set_default_timeout(20_000)
    problems: list[str] = []
    page.on("pageerror", lambda err: problems.append(str(err)))
    page.on("console", lambda msg: problems.append(msg.text) if msg.type == "error" else None)
    return context, page, problems


def no_sideways_overflow(page: Any) -> None:
    widths = page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
    assert widths[0] <= widths[1], f"the page is {widths[0]} px wide in a {widths[1]} px window"


def screenshot(page: Any, name: str, tmp_path: Path) -> Path:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    target = ARTIFACTS / name
    for path in (target, tmp_path / name):
        page.screenshot(path=str(path), full_page=True)
        assert path.stat().st_size > 10_000
    return target


def visible_rows(page: Any, selector: str) -> list[str]:
    return page.evaluate(
        "sel => [...document.querySelectorAll(sel)].filter(e => e.offsetParent !== null).map(e => e.id)",
        selector)


ALL_ROWS = ["claim-c1", "claim-c2", "claim-c3", "claim-c4", "claim-c5", "claim-c6"]
PROBLEM_ROWS = ["claim-c2", "claim-c3", "claim-c5", "claim-c6"]


@pytest.mark.parametrize("width", WIDTHS)
def test_html_report_reads_at_both_widths(browser: Any, width: int, tmp_path: Path) -> None:
    report_file = tmp_path / "report.html"
    report_file.write_text(render_html(editor_report()), "utf-8")
    context, page, problems = new_page(browser, width)
    try:
        page.goto(report_file.as_uri())
        no_sideways_overflow(page)
        # the overview opens the report: counts with the not-checked row apart, the problems
        overview = page.locator(".overview")
        first_section = page.evaluate("document.querySelector('h1 ~ section').className")
        assert first_section == "overview"
        assert overview.locator(".summary").text_content() == (
            "6 claims, 5 checked: 1 true, 1 partly true, 1 false, 1 misattributed, 1 unverifiable; "
            "1 not checked (no verdict could be obtained).")
        assert "veracity resume 20261121-231500-ab12cd" in (overview.locator(".resume").text_content() or "")
        items = overview.locator("ul.problems li")
        assert items.count() == 4
        assert [items.nth(i).locator(".label").text_content() for i in range(4)] == [
            "false", "misattributed", "partly true", "not checked"]
        assert items.nth(0).locator(".reason").text_content() == " — The awards list names other papers."
        assert "the model answered HTTP 500" in (items.nth(3).text_content() or "")
        assert "brave" in (overview.locator(".failed-sources").text_content() or "")
        # the not-checked row is not shown as a verdict
        assert page.locator("#claim-c6 .label").text_content() == "not checked"
        assert page.locator("#claim-c6 .confidence").count() == 0
        # confidence: one line for the report, its meaning on each row
        assert "calibrated out-of-fold" in (page.text_content(".confidence-note") or "")
        title = page.get_attribute("#claim-c2 .confidence", "title") or ""
        assert title.startswith("64%") and "calibrated" in title
        # the deciding quote in view, the others folded away
        deciding = page.locator("#claim-c2 .deciding blockquote")
        assert deciding.is_visible() and "Outstanding Main Track" in (deciding.text_content() or "")
        assert not page.locator("#claim-c2 details.more blockquote").first.is_visible()
        # the original wording only where its words differ
        assert page.locator("#claim-c1 .original").count() == 0
        assert page.locator("#claim-c3 .original").count() == 1
        # sources consulted: the failure first
        assert page.locator(".coverage li").first.get_attribute("class") == "cov-failed"

        if width < 700:  # one column: each cell spans its row
            cells = page.evaluate("[...document.querySelectorAll('#claim-c2 td')]"
                                  ".map(td => Math.round(td.getBoundingClientRect().width))")
            row_width = page.evaluate("document.querySelector('#claim-c2').clientWidth")
            assert all(abs(w - row_width) <= 2 for w in cells), (cells, row_width)
        else:
            lefts = page.evaluate("[...document.querySelectorAll('#claim-c2 td')]"
                                  ".map(td => td.getBoundingClientRect().left)")
            assert lefts == sorted(lefts) and len(set(lefts)) == 3

        shot = screenshot(page, f"report-html-{width}.png", tmp_path)
        print(f"screenshot: {shot}")

        # the filter: CSS only, under the report's CSP
        assert visible_rows(page, "tbody tr") == ALL_ROWS
        page.click("label[for=show-false]")
        assert visible_rows(page, "tbody tr") == ["claim-c2"]
        page.click("label[for=show-problems]")
        assert visible_rows(page, "tbody tr") == PROBLEM_ROWS
        page.click("label[for=show-not_checked]")
        assert visible_rows(page, "tbody tr") == ["claim-c6"]
        no_sideways_overflow(page)
        # printing prints every row, without the filter
        page.emulate_media(media="print")
        assert visible_rows(page, "tbody tr") == ALL_ROWS
        assert not page.is_visible(".filters")
        page.emulate_media(media="screen")
        page.click("label[for=show-all]")
        assert visible_rows(page, "tbody tr") == ALL_ROWS
        assert problems == [], problems
    finally:
        context.close()


def test_html_report_problems_first_order(browser: Any, tmp_path: Path) -> None:
    report_file = tmp_path / "report.html"
    report_file.write_text(render_html(editor_report(), "zh", order="problems"), "utf-8")
    context, page, problems = new_page(browser, 1400)
    try:
        page.goto(report_file.as_uri())
        order = page.evaluate("[...document.querySelectorAll('tbody tr')].map(tr => tr.id)")
        assert order == ["claim-c2", "claim-c3", "claim-c5", "claim-c6", "claim-c4", "claim-c1"]
        assert page.locator("#claim-c6 .label").text_content() == "未核查"
        assert page.get_attribute("html", "lang") == "zh"
        assert problems == [], problems
    finally:
        context.close()


@pytest.fixture(scope="module")
def bare() -> Iterator[LiveServer]:
    """The web page alone (``GET /`` and ``/static``); the test answers the API itself."""
    app = FastAPI()
    web.mount_web(app)
    with LiveServer(app=app, graceful=1) as srv:
        yield srv


def answer_job(page: Any, base: str, report: Report) -> None:
    data = json.loads(render_json(report))
    events = 'id: 1\nevent: end\ndata: {"id": "j1", "status": "done", "error": null}\n\n'

    def answer(route: Any) -> None:
        path = route.request.url.removeprefix(base)
        if path == "/v1/sources":
            body: Any = {"providers": [], "corpus": ["corpus"], "llm": False}
        elif path == "/v1/checks/j1/events":
            route.fulfill(status=200, content_type="text/event-stream", body=events)
            return
        elif path == "/v1/checks/j1":
            body = {"id": "j1", "status": "done", "report": data, "error": None}
        else:
            route.fulfill(status=404, content_type="application/json", body="{}")
            return
        route.fulfill(status=200, content_type="application/json", body=json.dumps(body))

    page.route(re.compile(r"/v1/"), answer)


@pytest.mark.parametrize("width", WIDTHS)
def test_web_page_report_reads_at_both_widths(browser: Any, bare: LiveServer, width: int,
                                              tmp_path: Path) -> None:
    context, page, problems = new_page(browser, width)
    try:
        answer_job(page, bare.url, editor_report())
        page.goto(bare.url + "/?lang=en#check=j1")
        page.wait_for_selector("#status[data-state=done]")
        no_sideways_overflow(page)
        assert page.text_content("#report-summary") == (
            "6 claims, 5 checked: 1 true, 1 partly true, 1 false, 1 misattributed, 1 unverifiable; "
            "1 not checked (no verdict could be obtained).")
        assert page.text_content("#report-resume") == (
            "Resume the run to check them: veracity resume 20261121-231500-ab12cd")
        problems_list = page.locator("#report-problems li")
        assert problems_list.count() == 4
        assert problems_list.nth(3).locator(".badge").text_content() == "not checked"
        assert "The awards list names other papers." in (problems_list.nth(0).text_content() or "")
        assert "Chinchilla is not among them" not in (problems_list.nth(0).text_content() or "")
        assert page.locator("#report-unverified li").count() == 2  # c4, and the failed source
        assert "calibrated out-of-fold" in (page.text_content("#report-confidence") or "")
        assert page.locator("#report-coverage li").first.get_attribute("class") == "cov-failed"
        assert page.text_content("#report-stats") == "3.2 s · 1 search · 4 documents read"
        row = page.locator("#claim-c6")
        assert row.locator(".verdict").text_content() == "not checked"
        assert row.locator(".confidence").count() == 0
        assert "calibrated" in (page.get_attribute("#claim-c2 .confidence", "title") or "")
        assert page.locator("#claim-c2 .deciding .quote").is_visible()
        assert not page.locator("#claim-c2 details.evidence .quote").first.is_visible()
        assert page.locator("#claim-c1 .original").count() == 0
        assert page.locator("#claim-c3 .original").count() == 1

        shot = screenshot(page, f"web-report-{width}.png", tmp_path)
        print(f"screenshot: {shot}")

        # the filter
        assert visible_rows(page, "#report-claims .claim-row") == ALL_ROWS
        page.click("#report-filter button[data-filter=problems]")
        assert visible_rows(page, "#report-claims .claim-row") == PROBLEM_ROWS
        assert page.get_attribute("#report-filter button[data-filter=problems]", "aria-pressed") == "true"
        page.click("#report-filter button[data-filter=unverifiable]")
        assert visible_rows(page, "#report-claims .claim-row") == ["claim-c4"]
        # a problem line jumps to its row, showing every row again if the filter hid it
        problems_list.nth(0).locator(".jump").click()
        assert "claim-c2" in visible_rows(page, "#report-claims .claim-row")
        # problems first, and the choice kept in the address
        page.select_option("#report-order", "problems")
        order = page.evaluate("[...document.querySelectorAll('#report-claims .claim-row')].map(e => e.id)")
        assert order == ["claim-c2", "claim-c3", "claim-c5", "claim-c6", "claim-c4", "claim-c1"]
        assert "order=problems" in page.evaluate("location.search")
        assert page.evaluate("location.hash") == "#check=j1"
        no_sideways_overflow(page)
        assert problems == [], problems
    finally:
        context.close()


def test_web_page_order_from_the_address_and_chinese(browser: Any, bare: LiveServer) -> None:
    context, page, problems = new_page(browser, 390)
    try:
        answer_job(page, bare.url, editor_report("zh"))
        page.goto(bare.url + "/?lang=en&order=problems#check=j1")
        page.wait_for_selector("#status[data-state=done]")
        order = page.evaluate("[...document.querySelectorAll('#report-claims .claim-row')].map(e => e.id)")
        assert order[:4] == PROBLEM_ROWS
        assert page.input_value("#report-order") == "problems"
        # a Chinese report is Chinese throughout, whatever the page's language
        assert page.text_content("#report-summary") == (
            "本次核查共 6 项陈述，已核查 5 项：属实 1 项，部分属实 1 项，不属实 1 项，归因不当 1 项，"
            "无法核实 1 项；未核查 1 项（未能得到结论）。")
        assert page.text_content("#claim-c6 .verdict") == "未核查"
        assert page.text_content("#report-stats") == "耗时 3.2 秒 · 搜索 1 次 · 阅读文档 4 篇"
        coverage = page.text_content("#report-coverage") or ""
        assert "网页搜索" in coverage and "失败" in coverage and "检索 3 次" in coverage
        assert re.search(r"\b(web search|failed|queries)\b", coverage) is None
        no_sideways_overflow(page)
        assert problems == [], problems
    finally:
        context.close()
