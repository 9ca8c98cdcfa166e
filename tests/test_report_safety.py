"""Hostile text and URLs in a report: nothing a source or the input wrote becomes a live link,
image, script or markup in the Markdown or HTML report, and the HTML report carries the same
Content-Security-Policy the server sends with it."""

from __future__ import annotations

import re

import pytest

from veracity.report import render_html, render_markdown
from veracity.report.html import REPORT_CSP
from veracity.report.markdown import escape_inline
from veracity.types import (
    ClaimReport,
    Evidence,
    Label,
    Report,
    Source,
    SourceKind,
    Span,
    Stance,
    Stats,
    Verdict,
)

PIXEL = "![x](http://127.0.0.1:1/t.png)"
JS_LINK = "[x](javascript:alert(1))"
REF = "[y]: http://127.0.0.1:1/ref.png"
CODE = "`rm -rf` <img src=http://127.0.0.1:1/h.png> | pipe"
HOSTILE = f"{PIXEL} {JS_LINK} {REF} {CODE}"

SAFE = Source(url="https://example.org/a_(b)?q=1|2 3", title=PIXEL, kind=SourceKind.NEWS,
              provider="web", content_hash="h1")
JS = Source(url="javascript:alert(document.cookie)", title=JS_LINK, kind=SourceKind.SOCIAL,
            provider="web", content_hash="h2")
DATA = Source(url="data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==", title=HOSTILE,
              provider="web", content_hash="h3")
WEB_FILE = Source(url="file:///etc/passwd", title="a web page claiming a file: URL",
                  provider="web", content_hash="h4")
SEARCH_FILE = Source(url="file:///home/user/.ssh/id_rsa", title="search hit", provider="searxng",
                     content_hash="h5")
CORPUS = Source(url="file:///corpus/notes.pdf", title="Local notes", provider="corpus",
                kind=SourceKind.SCHOLARLY, content_hash="h6")
VBSCRIPT = Source(url=" JavaScript:alert(1)", title="x", provider="web", content_hash="h7")


def _row(i: int, text: str, evidence: list[Evidence], rationale: str = HOSTILE) -> ClaimReport:
    return ClaimReport(id=f"c{i}", text=text, original=text, span=Span(start=0, end=1),
                       type="statement",
                       verdict=Verdict(label=Label.FALSE, confidence=0.7, rationale=rationale),
                       evidence=evidence)


def make_report(language: str = "en") -> Report:
    ev = [
        Evidence(quote=f"quote {PIXEL}", stance=Stance.SUPPORTS, source=SAFE),
        Evidence(quote=f"quote {JS_LINK}", stance=Stance.REFUTES, source=JS),
        Evidence(quote=CODE, stance=Stance.MENTIONS, source=DATA),
        Evidence(quote="passwd", stance=Stance.MENTIONS, source=WEB_FILE),
        Evidence(quote="key", stance=Stance.MENTIONS, source=SEARCH_FILE),
        Evidence(quote="local", stance=Stance.SUPPORTS, source=CORPUS, page=2),
        Evidence(quote="mixed case", stance=Stance.MENTIONS, source=VBSCRIPT),
    ]
    return Report(run_id="20261203-000000-abcdef", language=language,  # type: ignore[arg-type]
                  judge=f"evidence-match {PIXEL}", uses_llm=False,
                  created="2026-12-03T00:00:00+00:00", input=f"javascript:alert(2) {PIXEL}",
                  title=f"Report {PIXEL} {JS_LINK}",
                  claims=[_row(1, f"claim {HOSTILE}", ev[:4]), _row(2, PIXEL, ev[4:], rationale=JS_LINK)],
                  stats=Stats(seconds=1.0, searches=1, documents=1, skipped_files=[PIXEL]))


# --- Markdown ---------------------------------------------------------------------------------


def _links(md: str) -> list[str]:
    """Destinations of the inline links and images a CommonMark reader would see: ``](`` not
    preceded by a backslash."""
    return [d.removeprefix("<").removesuffix(">")
            for d in re.findall(r"(?<!\\)\]\((<[^>]*>|[^)\s]*)", md)]


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_markdown_has_no_live_image_or_foreign_link(lang: str) -> None:
    md = render_markdown(make_report(lang))
    # no image at all, and no unescaped link or image syntax from the text
    assert "![" not in md
    assert re.search(r"(?<!\\)!\\?\[", md.replace("\\!\\[", "")) is None
    assert "](http://127.0.0.1" not in md and "](javascript" not in md
    # the only links are the two allowed sources: an https page and a local corpus file
    links = _links(md)
    assert links == [
        "https://example.org/a_(b)?q=1%7C2%203",
        "file:///corpus/notes.pdf#page=2",
    ], links
    for bad in ("javascript:", "data:", "file:///etc/passwd", "file:///home/user/.ssh/id_rsa"):
        assert not any(link.lower().lstrip().startswith(bad) for link in links)
    # the hostile text is still there to read, escaped
    assert "\\!\\[x\\]\\(http://127.0.0.1:1/t.png)" in md
    assert "\\[x\\]\\(javascript:alert(1))" in md
    assert "\\[y\\]: http://127.0.0.1:1/ref.png" in md
    assert "\\`rm -rf\\` &lt;img src=http://127.0.0.1:1/h.png&gt; \\| pipe" in md
    assert "javascript:alert(document.cookie)" in md  # shown as text
    assert "file:///etc/passwd" in md  # shown as text, not linked
    assert "<img" not in md and "<script" not in md


def test_markdown_table_keeps_its_columns() -> None:
    md = render_markdown(make_report())
    rows = [ln for ln in md.splitlines() if ln.startswith("| ") and "---" not in ln][1:]
    assert len(rows) == 2
    for row in rows:
        assert len(re.findall(r"(?<!\\)\|", row)) == 4, row


def test_escape_inline_neutralises_link_and_image_syntax() -> None:
    assert escape_inline(PIXEL) == "\\!\\[x\\]\\(http://127.0.0.1:1/t.png)"
    assert escape_inline(JS_LINK) == "\\[x\\]\\(javascript:alert(1))"
    assert escape_inline("<http://a> `c` \\ x|y") == "&lt;http://a&gt; \\`c\\` \\\\ x\\|y"
    assert escape_inline("alert(1)! done") == "alert(1)! done"  # nothing to escape
    # a backslash in the text cannot undo the escape of the next character
    assert escape_inline("\\[x](y)") == "\\\\\\[x\\]\\(y)"


# --- HTML -------------------------------------------------------------------------------------


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_html_has_csp_and_only_safe_links(lang: str) -> None:
    page = render_html(make_report(lang))
    head = page.split("</head>", 1)[0]
    meta = re.search(r'<meta http-equiv="Content-Security-Policy" content="([^"]*)">', head)
    assert meta is not None
    assert meta.group(1).replace("&#x27;", "'") == REPORT_CSP
    assert "default-src 'none'" in REPORT_CSP and "script-src" not in REPORT_CSP
    # it comes before anything that could load or run
    assert head.index("Content-Security-Policy") < head.index("<title>")

    hrefs = [h for h in re.findall(r'href="([^"]*)"', page) if not h.startswith("#claim-")]
    assert hrefs == [
        "https://example.org/a_(b)?q=1|2 3", "https://example.org/a_(b)?q=1|2 3",
        "file:///corpus/notes.pdf#page=2", "file:///corpus/notes.pdf#page=2",
    ], hrefs
    assert "<img" not in page and "<script" not in page.lower()
    assert re.search(r"<[^>]* src=", page) is None  # src= only as escaped text
    assert "&lt;img src=http://127.0.0.1:1/h.png&gt;" in page
    for text in ("javascript:alert(document.cookie)", "file:///etc/passwd",
                 "file:///home/user/.ssh/id_rsa", "data:text/html;base64,"):
        assert text in page  # shown, not linked
    anchors = [a for a in re.findall(r"<a [^>]*>", page) if 'href="#claim-' not in a]
    assert anchors and all('rel="noopener noreferrer"' in a for a in anchors)


def test_html_input_link_is_never_javascript_or_file() -> None:
    report = make_report()
    page = render_html(report)
    assert 'href="javascript' not in page.lower()
    report.input = "file:///etc/shadow"
    assert 'href="file:///etc/shadow"' not in render_html(report)
    report.input = "https://example.org/input"
    assert 'href="https://example.org/input"' in render_html(report)


def test_server_and_cli_send_the_same_policy() -> None:
    from veracity.server import app

    assert app.REPORT_CSP == REPORT_CSP


def test_markdown_read_by_a_commonmark_renderer() -> None:
    """What a viewer makes of the Markdown: no image, no script, no raw HTML tag from the text,
    and links only to the https source (a strict renderer drops ``file:`` links itself)."""
    markdown_it = pytest.importorskip("markdown_it")
    md = render_markdown(make_report())
    out = markdown_it.MarkdownIt("commonmark", {"html": True}).enable("table").render(md)
    tags = re.findall(r"<(?:a|img|script|iframe)\b[^>]*>", out, flags=re.IGNORECASE)
    assert tags == ['<a href="https://example.org/a_(b)?q=1%7C2%203">'], tags
    assert out.count("<tr>") == 3  # the header and one row per claim: no cell broke out
