"""HTML → :class:`~veracity.types.Document`: metadata, publication date and main text.

The main text comes from trafilatura, the date from the page's own metadata (then htmldate),
and nothing here touches the network: trees are parsed locally and handed to both libraries,
so neither can be tempted to download a URL.

Quotes are later checked against the page with every tag stripped and all whitespace removed,
so the text built here only ever *removes* things from the page: blocks are separated by blank
lines, list items and table rows get no markers, and every block is verified to occur in the
tag-stripped page before it is kept. Where the extractor skipped page text between two blocks,
they are separated by two blank lines, which passage splitting treats as a hard break.
"""

from __future__ import annotations

import codecs
import hashlib
import json
import re
from copy import deepcopy
from typing import Any
from urllib.parse import urljoin, urlsplit

from lxml import etree
from lxml import html as lxml_html

from veracity.dates import date_from_parts, normalize_date
from veracity.text import detect_language, normalize_for_match
from veracity.types import Document, Source

__all__ = ["decode_html", "normalize_date", "parse_html", "visible_text"]

# --- decoding ---------------------------------------------------------------------------------

_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_.:\-]+)""", re.I)
# What browsers actually use for these labels.
_CHARSET_ALIASES = {
    "iso-8859-1": "cp1252",
    "latin1": "cp1252",
    "latin-1": "cp1252",
    "us-ascii": "cp1252",
    "ascii": "cp1252",
    "gb2312": "gb18030",
    "gbk": "gb18030",
    "x-gbk": "gb18030",
}


def decode_html(raw: bytes) -> str:
    """Decode HTML bytes: BOM first, then the declared ``<meta charset>``, then UTF-8, then
    charset-normalizer's best guess; undecodable bytes become U+FFFD as a last resort."""
    for bom, codec in (
        (codecs.BOM_UTF8, "utf-8"),
        (codecs.BOM_UTF16_LE, "utf-16-le"),
        (codecs.BOM_UTF16_BE, "utf-16-be"),
    ):
        if raw.startswith(bom):
            return raw[len(bom) :].decode(codec, errors="replace")
    m = _META_CHARSET.search(raw[:4096])
    if m:
        label = m.group(1).decode("ascii", "ignore").lower()
        try:
            return raw.decode(_CHARSET_ALIASES.get(label, label))
        except (LookupError, UnicodeDecodeError):
            pass
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        pass
    from charset_normalizer import from_bytes

    best = from_bytes(raw).best()
    if best is not None:
        return str(best)
    return raw.decode("utf-8", errors="replace")


# --- tree helpers -----------------------------------------------------------------------------

_XML_DECL = re.compile(r"^\s*<\?xml[^>]*\?>", re.I)


def _parse_tree(text: str) -> lxml_html.HtmlElement | None:
    text = _XML_DECL.sub("", text, count=1).replace("\x00", "")
    if not text.strip():
        return None
    try:
        return lxml_html.document_fromstring(text)
    except (etree.ParserError, ValueError):
        return None


def _tag(el: Any) -> str:
    tag = el.tag
    if not isinstance(tag, str):  # comments, processing instructions, entities
        return ""
    return tag.rsplit("}", 1)[-1].lower()


_SKIP = {"script", "style", "noscript", "template", "svg", "math", "button", "select", "iframe"}
_BREAK = {"br", "lb"}
_ROW = {"row", "tr"}
_CELL = {"cell", "td", "th"}
# Block-level tags of HTML and of trafilatura's output tree.
_BLOCK = (
    frozenset(
        [
            "p",
            "div",
            "section",
            "article",
            "main",
            "body",
            "doc",
            "header",
            "footer",
            "nav",
            "aside",
            "h1",
            "h2",
            "h3",
            "h4",
            "h5",
            "h6",
            "head",
            "ul",
            "ol",
            "li",
            "list",
            "item",
            "dl",
            "dt",
            "dd",
            "table",
            "thead",
            "tbody",
            "tfoot",
            "caption",
            "blockquote",
            "quote",
            "pre",
            "figure",
            "figcaption",
            "address",
            "hr",
            "form",
            "fieldset",
            "details",
            "summary",
            "center",
            "hgroup",
            "menu",
            "graphic",
        ]
    )
    | _ROW
    | _CELL
)
_SPACES = re.compile(r"[^\S\n]+")


def _tidy(text: str) -> str:
    lines = (_SPACES.sub(" ", line).strip() for line in text.split("\n"))
    return "\n".join(line for line in lines if line)


def _has_block(el: Any) -> bool:
    return any(_tag(d) in _BLOCK for d in el.iterdescendants())


def _inline_text(el: Any) -> str:
    parts: list[str] = [el.text or ""]
    for child in el:
        tag = _tag(child)
        if tag in _BREAK:
            parts.append("\n")
        elif tag and tag not in _SKIP:
            inner = _inline_text(child)
            parts.append(f"\n{inner}\n" if tag in _BLOCK else inner)
        parts.append(child.tail or "")
    return "".join(parts)


def _row_text(row: Any) -> str:
    cells = [_SPACES.sub(" ", _inline_text(c).replace("\n", " ")).strip() for c in row]
    return "\t".join(c for c in cells if c)


def _blocks(el: Any, out: list[str]) -> None:
    """Append the text blocks under ``el`` to ``out`` in document order."""
    buf: list[str] = [el.text or ""]

    def flush() -> None:
        block = _tidy("".join(buf))
        buf.clear()
        if block:
            out.append(block)

    for child in el:
        tag = _tag(child)
        if tag in _BREAK:
            buf.append("\n")
        elif tag in _SKIP or not tag:
            pass
        elif tag in _ROW and not any(_has_block(c) for c in child):
            flush()
            if row := _row_text(child):
                out.append(row)
        elif tag in _BLOCK:
            flush()
            _blocks(child, out)
        else:
            buf.append(_inline_text(child))
        buf.append(child.tail or "")
    flush()


# The page as the independent quote checker sees it: script/style dropped, tags stripped.
_SCRIPT_STYLE_OPEN = re.compile(r"<(script|style)\b[^>]*>", re.I)
_TAG = re.compile(r"<[^<>]*>")  # "[^<>]": an unclosed "<" fails at the next "<", not at the end


def _drop_script_style(html_text: str) -> str:
    """``html_text`` with every script and style element replaced by a space, in linear time:
    each opening tag is matched with the first closing tag after it by one ``find`` (an
    element never closed runs to the end of the page, as a browser reads it) — a regex with
    a lazy ``.*?`` would rescan the rest of the page from every unclosed opening tag."""
    low = html_text.lower()
    out: list[str] = []
    pos = 0
    while True:
        m = _SCRIPT_STYLE_OPEN.search(html_text, pos)
        if m is None:
            out.append(html_text[pos:])
            break
        out.append(html_text[pos : m.start()])
        out.append(" ")
        close = low.find(f"</{m.group(1).lower()}", m.end())
        if close < 0:
            break
        end = low.find(">", close)
        pos = len(html_text) if end < 0 else end + 1
    return "".join(out)


def visible_text(html_text: str) -> str:
    """The page text with script/style blocks removed and every tag replaced by a space."""
    return _TAG.sub(" ", _drop_script_style(html_text))


class _Aligner:
    """Places extracted text in the page, left to right, to keep only text that is there and
    to know where two kept pieces touch. ``page_key`` is the page in match form."""

    def __init__(self, page_key: str) -> None:
        self.page_key = page_key
        self.cursor = 0

    def place(self, piece: str) -> bool | None:
        """``True`` when ``piece`` continues exactly where the last piece ended, ``False`` when
        it is in the page elsewhere, ``None`` when it is not in the page at all."""
        key = normalize_for_match(piece)
        if not key:
            return None
        if self.page_key.startswith(key, self.cursor):
            self.cursor += len(key)
            return True
        at = self.page_key.find(key, self.cursor)
        if at < 0:
            at = self.page_key.find(key)
        if at < 0:
            return None
        self.cursor = at + len(key)
        return False


def _assemble(blocks: list[str], page_key: str) -> str:
    """Join the blocks that occur in the page; drop any line that does not.

    Separators say how the pieces sit in the page: ``\n`` between lines of one block and
    ``\n\n`` between blocks when they follow each other directly, ``\n\n\n`` (a hard break for
    passage splitting) where the extractor left page text out in between. So any run of text
    without a hard break occurs in the page as one piece."""
    aligner = _Aligner(page_key)
    parts: list[str] = []

    def add(piece: str, touching: bool, same_block: bool) -> None:
        if parts:
            parts.append(("\n" if same_block else "\n\n") if touching else "\n\n\n")
        parts.append(piece)

    for block in blocks:
        placed = aligner.place(block)
        if placed is not None:
            add(block, placed, same_block=False)
            continue
        first = True
        for line in block.split("\n"):
            placed = aligner.place(line)
            if placed is None:
                first = False  # a dropped line leaves a gap
                continue
            add(line, placed, same_block=not first)
            first = False
    return "".join(parts)


def _main_text(tree: lxml_html.HtmlElement, url: str | None, page_key: str) -> str:
    import trafilatura

    blocks: list[str] = []
    try:
        result = trafilatura.bare_extraction(
            deepcopy(tree),
            url=url,
            include_comments=False,
            include_tables=True,
            include_images=False,
            include_links=False,
            include_formatting=False,
        )
    except Exception:  # trafilatura fails on some odd trees; the fallback below copes
        result = None
    body = getattr(result, "body", None)
    if body is not None:
        _blocks(body, blocks)
    text = _assemble(blocks, page_key)
    if not text:
        body_el = tree.find("body")
        blocks = []
        _blocks(body_el if body_el is not None else tree, blocks)
        text = _assemble(blocks, page_key)
    return text


# --- metadata ---------------------------------------------------------------------------------

_DATE_META = [
    "article:published_time",
    "og:article:published_time",
    "og:published_time",
    "datepublished",
    "citation_publication_date",
    "citation_date",
    "citation_online_date",
    "dc.date.issued",
    "dcterms.issued",
    "dc.date",
    "dcterms.date",
    "dc.date.created",
    "dcterms.created",
    "pubdate",
    "publishdate",
    "publish-date",
    "publish_date",
    "publication_date",
    "parsely-pub-date",
    "sailthru.date",
    "date",
    "article.published",
    "published_time",
    "datecreated",
]


def _meta_map(tree: lxml_html.HtmlElement) -> dict[str, str]:
    out: dict[str, str] = {}
    for meta in tree.iter("meta"):
        content = meta.get("content")
        if content is None:
            continue
        for attr in ("property", "name", "itemprop", "http-equiv"):
            key = (meta.get(attr) or "").strip().lower()
            if key and key not in out:
                out[key] = content.strip()
    return out


def _absolute(href: str | None, base: str | None) -> str | None:
    if not href or not href.strip():
        return None
    href = href.strip()
    if base and urlsplit(base).scheme in ("http", "https"):
        href = urljoin(base, href)
    return href if urlsplit(href).scheme in ("http", "https") else None


def _canonical_url(tree: lxml_html.HtmlElement, meta: dict[str, str], url: str | None) -> str:
    for link in tree.iter("link"):
        rels = (link.get("rel") or "").lower().split()
        if "canonical" in rels and (found := _absolute(link.get("href"), url)):
            return found
    if found := _absolute(meta.get("og:url"), url):
        return found
    return url or ""


def _title(tree: lxml_html.HtmlElement, meta: dict[str, str]) -> str | None:
    candidates = [meta.get("og:title")]
    title_el = tree.find(".//title")
    if title_el is not None:
        candidates.append(title_el.text_content())
    h1 = tree.find(".//h1")
    if h1 is not None:
        candidates.append(h1.text_content())
    for c in candidates:
        if c and (t := _SPACES.sub(" ", c.replace("\n", " ")).strip()):
            return t[:300]
    return None


def _json_ld_date(tree: lxml_html.HtmlElement) -> str | None:
    for script in tree.iter("script"):
        if (script.get("type") or "").lower() != "application/ld+json" or not script.text:
            continue
        try:
            data = json.loads(script.text)
        except ValueError:
            continue
        stack: list[Any] = [data]
        while stack:
            item = stack.pop()
            if isinstance(item, list):
                stack.extend(item)
            elif isinstance(item, dict):
                for key in ("datePublished", "dateCreated"):
                    if (found := normalize_date(item.get(key))) is not None:
                        return found
                stack.extend(v for v in item.values() if isinstance(v, (dict, list)))
    return None


_URL_DATE = re.compile(r"(?<!\d)(\d{4})[/_-](\d{1,2})[/_-](\d{1,2})(?!\d)")


_DATE_HINT = re.compile(r"date|time|publish|posted|byline", re.I)


def _keeps_text(el: Any) -> bool:
    tag = _tag(el)
    if tag in ("time", "abbr"):
        return True
    if tag == "script":
        return (el.get("type") or "").lower() == "application/ld+json"
    hints = " ".join(el.get(a) or "" for a in ("class", "id", "itemprop"))
    return bool(hints) and _DATE_HINT.search(hints) is not None


def _markup_only(tree: lxml_html.HtmlElement) -> lxml_html.HtmlElement:
    """A copy of the tree that keeps attributes, JSON-LD, and the text of <time>/<abbr> elements
    and of elements marked as dates (class/id/itemprop such as "date" or "byline"), but drops
    all other text, so htmldate cannot mistake a date mentioned in the prose for the page's."""
    copy = deepcopy(tree)
    kept: set[Any] = set()
    for el in copy.iter():
        if el in kept or (_tag(el) and _keeps_text(el)):
            kept.update(el.iter())
    for el in copy.iter():
        if el not in kept and _tag(el):
            el.text = None
        parent = el.getparent()
        if parent is None or parent not in kept:
            el.tail = None
    return copy


def _published(
    tree: lxml_html.HtmlElement, meta: dict[str, str], url: str | None
) -> tuple[str | None, str | None]:
    for key in _DATE_META:
        if (found := normalize_date(meta.get(key))) is not None:
            return found, "meta"
    if (found := _json_ld_date(tree)) is not None:
        return found, "json-ld"
    try:
        import htmldate

        guess = htmldate.find_date(
            _markup_only(tree), url=url, original_date=True, extensive_search=False
        )
    except Exception:  # htmldate is a best-effort fallback
        guess = None
    found = normalize_date(guess) if isinstance(guess, str) else None
    if found is None:
        return None, None
    m = _URL_DATE.search(url or "")
    if m and date_from_parts(int(m.group(1)), int(m.group(2)), int(m.group(3))) == found:
        return found, "url"
    return found, "html"


# --- entry point ------------------------------------------------------------------------------


def parse_html(raw: bytes | str, url: str | None = None) -> Document:
    """Parse an HTML page into a :class:`Document` without any network access.

    ``source.url`` is the canonical URL (``<link rel=canonical>``, then ``og:url``, then
    ``url``); ``published`` is ``None`` when the page does not carry a date. ``text`` holds
    the main text, one block per paragraph separated by blank lines.
    """
    if isinstance(raw, bytes):
        content_hash = hashlib.sha256(raw).hexdigest()
        text = decode_html(raw)
    else:
        content_hash = hashlib.sha256(raw.encode("utf-8", "surrogatepass")).hexdigest()
        text = raw
    page_key = normalize_for_match(visible_text(text))
    tree = _parse_tree(text)
    if tree is None:
        main, title, published, origin, canonical = "", None, None, None, url or ""
    else:
        meta = _meta_map(tree)
        canonical = _canonical_url(tree, meta, url)
        title = _title(tree, meta)
        published, origin = _published(tree, meta, canonical or url)
        main = _main_text(tree, url, page_key)
    source = Source(
        url=canonical,
        title=title,
        published=published,
        published_origin=origin,
        language=detect_language(main or title or ""),
        content_hash=content_hash,
    )
    return Document(source=source, text=main)
