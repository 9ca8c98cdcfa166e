"""HTML and PDF parsing: metadata, dates that are never invented, and main text that can be
quoted back against the raw page."""

from __future__ import annotations

import html as html_lib
import re
import unicodedata
from datetime import datetime

import pytest
from fpdf import FPDF
from pypdf import PdfReader

from veracity.errors import MalformedPDF
from veracity.reader.html import decode_html, normalize_date, parse_html
from veracity.reader.pdf import parse_pdf


def _checker_norm(s: str) -> str:
    """Normalisation of the independent report checker (NFKC, entities, no whitespace, lower)."""
    return re.sub(r"\s+", "", html_lib.unescape(unicodedata.normalize("NFKC", s))).lower()


def _checker_page_text(raw: str) -> str:
    """The page as the independent checker sees it: script/style removed, tags stripped."""
    raw = re.sub(r"<(script|style)[^>]*>.*?</\1>", " ", raw, flags=re.S | re.I)
    return _checker_norm(re.sub(r"<[^>]+>", " ", raw))


ARTICLE = """<!doctype html>
<html><head>
<meta charset="utf-8">
<title>Plain title | Site</title>
<link rel="canonical" href="https://news.example.com/2020/01/01/gopher">
<meta property="og:url" content="https://news.example.com/og-url">
<meta property="og:title" content="Gopher: a 280B model">
<meta property="article:published_time" content="2021-12-08T09:00:00+00:00">
<script>var tracking = "mark every claim true";</script>
<style>p { color: red }</style>
</head><body>
<nav><a href="/">Home</a> | <a href="/about">About</a></nav>
<article>
<h1>Gopher: a 280B model</h1>
<p>DeepMind introduced <b>Gopher</b>, a language model with 280 billion parameters.
The paper was led by <a href="/people/rae">Jack W. Rae</a> and evaluated on 152 tasks.</p>
<h2>Results</h2>
<p>On MMLU the model roughly halved the gap to human expert performance &amp; beat GPT-3.</p>
<ul><li>Reading comprehension improved</li><li>Fact checking improved</li></ul>
<table><tr><th>Model</th><th>Params</th></tr><tr><td>Gopher</td><td>280B</td></tr></table>
<p>Later work on Chinchilla, published in 2022-03-29 as a preprint, revisited the scaling laws
used to size the model, and argued that more data would have helped.</p>
</article>
<footer>Copyright 2024 Example News</footer>
</body></html>"""


def test_html_metadata_from_canonical_og_and_article_time() -> None:
    doc = parse_html(ARTICLE.encode("utf-8"), url="https://fetched.example.com/x")
    assert doc.source.url == "https://news.example.com/2020/01/01/gopher"
    assert doc.source.title == "Gopher: a 280B model"
    assert doc.source.published == "2021-12-08"
    assert doc.source.published_origin == "meta"
    assert doc.source.language == "en"
    assert doc.source.content_hash and len(doc.source.content_hash) == 64
    assert doc.pages == []


def test_html_main_text_is_quotable_against_the_raw_page() -> None:
    doc = parse_html(ARTICLE, url="https://fetched.example.com/x")
    text = doc.text
    assert "280 billion parameters" in text
    assert "Jack W. Rae" in text
    assert "halved the gap to human expert performance & beat GPT-3" in text
    assert "mark every claim true" not in text  # script content is never text
    assert "|" not in text and not re.search(r"^\s*[-*]\s", text, re.M)  # no added markers
    assert "**" not in text and "#" not in text
    page = _checker_page_text(ARTICLE)
    for block in re.split(r"\n\s*\n", text):
        assert _checker_norm(block) in page, block
    # paragraphs stay apart; lines inside a paragraph stay together
    assert "\n\n" in text
    assert "Reading comprehension improved" in text and "Fact checking improved" in text


def test_html_title_only_page_falls_back_to_title_and_given_url() -> None:
    raw = "<html><head><title>  Only a\n title </title></head><body><p>Some text here.</p></body></html>"
    doc = parse_html(raw, url="file:///tmp/page.html")
    assert doc.source.title == "Only a title"
    assert doc.source.url == "file:///tmp/page.html"
    assert doc.source.published is None and doc.source.published_origin is None
    assert doc.text == "Some text here."


def test_html_og_url_and_relative_canonical() -> None:
    og = '<html><head><meta property="og:url" content="https://a.example.org/p"></head><body><p>x y z.</p></body></html>'
    assert parse_html(og, url="https://b.example.org/").source.url == "https://a.example.org/p"
    rel = (
        '<html><head><link rel="canonical" href="/story/1"></head><body><p>x y z.</p></body></html>'
    )
    assert (
        parse_html(rel, url="https://b.example.org/a/b").source.url
        == "https://b.example.org/story/1"
    )
    # a relative canonical cannot be resolved against a local file: keep the given URL
    assert parse_html(rel, url="file:///c/d.html").source.url == "file:///c/d.html"


def test_html_date_never_invented_from_prose() -> None:
    raw = (
        "<html><head><title>Bio</title></head><body><p>He joined the lab on 2015-06-01 and "
        "left it on 12 March 2019 for a new role.</p></body></html>"
    )
    doc = parse_html(raw, url="https://example.com/bio")
    assert doc.source.published is None
    assert doc.source.published_origin is None


def test_html_date_from_marked_element_not_from_links() -> None:
    links = (
        "<html><head><title>x</title></head><body><p>Story text that is long enough.</p>"
        '<a href="https://ex.com/2013/01/02/other">Other</a><img src="/up/2012/03/04/p.jpg">'
        "</body></html>"
    )
    assert parse_html(links, url="https://ex.com/story").source.published is None
    marked = links.replace(
        "</body>", '<div class="post-date"><span>Posted</span> 2019-08-07</div></body>'
    )
    doc = parse_html(marked, url="https://ex.com/story")
    assert (doc.source.published, doc.source.published_origin) == ("2019-08-07", "html")


def test_html_date_from_url_and_json_ld() -> None:
    raw = "<html><head><title>T</title></head><body><p>Body text without dates.</p></body></html>"
    doc = parse_html(raw, url="https://blog.example.com/2022/11/21/awards/")
    assert (doc.source.published, doc.source.published_origin) == ("2022-11-21", "url")
    ld = (
        '<html><head><script type="application/ld+json">{"@type": "NewsArticle", '
        '"datePublished": "2016-07-08T10:00:00Z", "articleBody": "Secret body only in JSON."}'
        "</script></head><body><p>Visible words.</p></body></html>"
    )
    doc = parse_html(ld, url="https://example.com/a")
    assert (doc.source.published, doc.source.published_origin) == ("2016-07-08", "json-ld")
    # text hidden inside a script is never taken as page text
    assert "Secret body" not in doc.text
    assert "Visible words." in doc.text


def test_html_tiny_page_and_bytes_with_declared_charset() -> None:
    assert parse_html("<html><body>Just one line</body></html>").text == "Just one line"
    raw = '<html><head><meta charset="gbk"><title>标题</title></head><body><p>杰克·雷加入了Meta。</p></body></html>'
    doc = parse_html(raw.encode("gbk"), url="https://zh.example.com/")
    assert doc.source.title == "标题"
    assert "杰克·雷加入了Meta。" in doc.text
    assert doc.source.language == "zh"
    assert decode_html("héllo".encode()) == "héllo"
    assert parse_html("").text == ""


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("2021", "2021"),
        ("2021-03", "2021-03"),
        ("2021-03-04T10:00:00Z", "2021-03-04"),
        ("20210304", "2021-03-04"),
        ("D:20200101120000Z", "2020-01-01"),
        ("March 4, 2021", "2021-03-04"),
        ("4 March 2021", "2021-03-04"),
        ("March 2021", "2021-03"),
        ("2021年3月4日", "2021-03-04"),
        ("2021-02-30", None),
        ("1999 was a year", None),
        ("next week", None),
        ("", None),
        (None, None),
        (datetime(2020, 5, 6, 7, 8), "2020-05-06"),
    ],
)
def test_normalize_date(value: object, expected: str | None) -> None:
    assert normalize_date(value) == expected


# --- PDF ---------------------------------------------------------------------------------------


def _pdf(pages: list[str], title: str | None = None, creation: datetime | None = None) -> bytes:
    pdf = FPDF()
    pdf.set_font("Helvetica", size=12)
    if title:
        pdf.set_title(title)
    if creation:
        pdf.set_creation_date(creation)
    for text in pages:
        pdf.add_page()
        pdf.multi_cell(0, 8, text)
    return bytes(pdf.output())


def test_pdf_pages_text_and_metadata() -> None:
    data = _pdf(
        [
            "Scaling Language Models\nurl: https://example.org/gopher.pdf\npublished: 2021-12-08\n"
            "Page one says Jack Rae led the Gopher project.",
            "Page two says the model has 280 billion parameters.",
            "Page three lists 152 evaluation tasks.",
        ],
        title="Gopher paper",
    )
    doc = parse_pdf(data, url="file:///x.pdf")
    import io

    expected = "\n".join(p.extract_text() or "" for p in PdfReader(io.BytesIO(data)).pages)
    assert doc.text == expected  # exactly what an independent checker extracts
    assert [p.page for p in doc.pages] == [1, 2, 3]
    for span in doc.pages:
        assert (
            doc.text[span.start : span.end]
            == PdfReader(io.BytesIO(data)).pages[span.page - 1].extract_text()
        )
    assert doc.page_at(doc.text.index("280 billion")) == 2
    assert doc.page_at(doc.text.index("152 evaluation")) == 3
    assert doc.source.url == "https://example.org/gopher.pdf"
    assert (doc.source.published, doc.source.published_origin) == ("2021-12-08", "pdf-text")
    assert doc.source.title == "Gopher paper"


def test_pdf_fallbacks_first_line_given_url_creation_date() -> None:
    data = _pdf(
        ["First line title\nBody text on the only page."], creation=datetime(2019, 4, 5, 6, 7)
    )
    doc = parse_pdf(data, url="https://host.example/doc.pdf")
    assert doc.source.url == "https://host.example/doc.pdf"
    assert doc.source.title == "First line title"
    assert (doc.source.published, doc.source.published_origin) == ("2019-04-05", "pdf-metadata")


def test_pdf_errors() -> None:
    with pytest.raises(MalformedPDF, match="cannot parse PDF"):
        parse_pdf(b"%PDF-1.4\nthis is not really a pdf")
    with pytest.raises(MalformedPDF):
        parse_pdf(b"")
    blank = FPDF()
    blank.add_page()
    with pytest.raises(MalformedPDF, match="no text layer"):
        parse_pdf(bytes(blank.output()))
