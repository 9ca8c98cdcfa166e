"""PDF → :class:`~veracity.types.Document` with page numbers, using pypdf.

The text is exactly ``"\\n".join(page.extract_text() for page in pages)``: the same call an
independent checker makes, so quotes taken from it can be found again.
"""

from __future__ import annotations

import contextlib
import hashlib
import io
import logging
import re
from collections.abc import Iterator

from veracity.errors import MalformedPDF
from veracity.reader.html import normalize_date
from veracity.text import detect_language
from veracity.types import Document, PageSpan, Source

__all__ = ["parse_pdf"]

_HEAD_CHARS = 2000
_URL_LINE = re.compile(r"^[ \t]*(?:url|source)[ \t]*:[ \t]*(https?://[^\s\"'<>)]+)", re.I | re.M)
_DATE_LINE = re.compile(r"^[ \t]*(?:published|date)[ \t]*:[ \t]*(.+?)[ \t]*$", re.I | re.M)
_JUNK_TITLES = {"untitled", "no title", "title", "document", "microsoft word"}


@contextlib.contextmanager
def _quiet_pypdf() -> Iterator[None]:
    """pypdf logs a warning for every quirk of a damaged file; the caller gets one clear
    :class:`MalformedPDF` instead, so keep those off the user's terminal while parsing."""
    logger = logging.getLogger("pypdf")
    previous = logger.level
    logger.setLevel(logging.ERROR)
    try:
        yield
    finally:
        logger.setLevel(previous)


def _first_line(text: str) -> str | None:
    for line in text.splitlines():
        if line.strip():
            return line.strip()[:300]
    return None


def parse_pdf(data: bytes, url: str | None = None) -> Document:
    """Extract a PDF's text page by page.

    Raises :class:`MalformedPDF` when pypdf cannot read the file, when it is encrypted with a
    password, or when it has no text layer.
    """
    from pypdf import PdfReader

    with _quiet_pypdf():
        return _parse(PdfReader, data, url)


def _parse(reader_cls: type, data: bytes, url: str | None) -> Document:
    try:
        reader = reader_cls(io.BytesIO(data))
        if reader.is_encrypted and not reader.decrypt(""):
            raise MalformedPDF("PDF is encrypted with a password")
        page_texts = [page.extract_text() or "" for page in reader.pages]
    except MalformedPDF:
        raise
    except Exception as err:  # pypdf raises many kinds of error on broken files
        raise MalformedPDF(f"cannot parse PDF: {err or type(err).__name__}") from err
    if not page_texts:
        raise MalformedPDF("PDF has no pages")

    pages: list[PageSpan] = []
    offset = 0
    for number, page_text in enumerate(page_texts, start=1):
        pages.append(PageSpan(page=number, start=offset, end=offset + len(page_text)))
        offset += len(page_text) + 1
    text = "\n".join(page_texts)
    if not text.strip():
        raise MalformedPDF("PDF has no text layer (scanned?)")

    head = text[:_HEAD_CHARS]
    m = _URL_LINE.search(head)
    source_url = m.group(1) if m else (url or "")

    published: str | None = None
    origin: str | None = None
    for dm in _DATE_LINE.finditer(head):
        if (published := normalize_date(dm.group(1))) is not None:
            origin = "pdf-text"
            break
    title: str | None = None
    try:
        meta = reader.metadata
        if meta is not None:
            raw_title = meta.title
            if isinstance(raw_title, str) and raw_title.strip().lower() not in _JUNK_TITLES:
                title = " ".join(raw_title.split())[:300] or None
            if published is None:
                published = normalize_date(meta.creation_date)
                origin = "pdf-metadata" if published else None
    except Exception:  # a malformed info dictionary only costs us the metadata
        pass
    if title is None:
        title = _first_line(text)

    source = Source(
        url=source_url,
        title=title,
        published=published,
        published_origin=origin,
        language=detect_language(text),
        content_hash=hashlib.sha256(data).hexdigest(),
    )
    return Document(source=source, text=text, pages=pages)
