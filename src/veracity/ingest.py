"""Ingest: a file, standard input or a claims list becomes one :class:`InputDocument`.

What the later stages get is ``InputDocument.text``: the text the checklist is split from.
Every span (``ClaimInput.span``, ``Claim.span``) is a character offset into *that* string, not
into the raw bytes of the input. For HTML and PDF it is the extracted main text; for Markdown it
is the file as written, minus a leading YAML front-matter block; line endings are normalised to
``\\n`` and a byte-order mark is removed.

Formats come from the file suffix (``.txt``, ``.md``/``.markdown``, ``.html``/``.htm``, ``.pdf``);
anything else, and standard input, is sniffed: ``%PDF-`` means PDF, something that starts like an
HTML page means HTML, the rest is plain text.

Every refusal is an :class:`~veracity.errors.InputError` subclass whose message is one line that
names the input.
"""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path
from typing import BinaryIO, Literal

import yaml

from veracity.errors import (
    BinaryInput,
    ClaimsFormatError,
    EmptyInput,
    InputError,
    InputNotFound,
    InputTooLarge,
    MalformedPDF,
    UndecodableInput,
)
from veracity.text import detect_language
from veracity.types import ClaimInput, Document, InputDocument, Language, Span

__all__ = ["decode_text", "parse_claims_list", "read_input", "sniff_format"]

Format = Literal["txt", "md", "html", "pdf"]

_SUFFIX_FORMATS: dict[str, Format] = {
    ".txt": "txt",
    ".text": "txt",
    ".md": "md",
    ".markdown": "md",
    ".html": "html",
    ".htm": "html",
    ".xhtml": "html",
    ".pdf": "pdf",
}

# Leading bytes of common binary formats, so that the error can say what the file is. They are
# consulted only once the bytes have failed as text (NUL bytes, not UTF-8), so a text file that
# happens to start with "MZ" or "BZh" is still read as text.
_BINARY_MAGIC: tuple[tuple[bytes, str], ...] = (
    (b"\x89PNG\r\n\x1a\n", "a PNG image"),
    (b"\xff\xd8\xff", "a JPEG image"),
    (b"GIF87a", "a GIF image"),
    (b"GIF89a", "a GIF image"),
    (b"PK\x03\x04", "a ZIP archive (or a Word/Excel/EPUB file)"),
    (b"PK\x05\x06", "an empty ZIP archive"),
    (b"\x7fELF", "an ELF executable"),
    (b"\x1f\x8b", "a gzip archive"),
    (b"BZh", "a bzip2 archive"),
    (b"\xfd7zXZ\x00", "an xz archive"),
    (b"7z\xbc\xaf\x27\x1c", "a 7-Zip archive"),
    (b"\x28\xb5\x2f\xfd", "a zstd archive"),
    (b"Rar!\x1a\x07", "a RAR archive"),
    (b"SQLite format 3\x00", "an SQLite database"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "an old Office document (.doc/.xls)"),
    (b"\xca\xfe\xba\xbe", "a Mach-O or Java class file"),
    (b"\xcf\xfa\xed\xfe", "a Mach-O executable"),
    (b"MZ", "a Windows executable"),
    (b"ID3", "an MP3 file"),
    (b"OggS", "an Ogg media file"),
    (b"fLaC", "a FLAC audio file"),
    (b"\x00asm", "a WebAssembly module"),
)

_UTF_BOMS: tuple[tuple[bytes, str], ...] = (
    (b"\xef\xbb\xbf", "utf-8-sig"),
    (b"\xff\xfe\x00\x00", "utf-32"),
    (b"\x00\x00\xfe\xff", "utf-32"),
    (b"\xff\xfe", "utf-16"),
    (b"\xfe\xff", "utf-16"),
)

_HTML_START = re.compile(
    r"^\s*(?:<\?xml[^>]*>\s*)?(?:<!--.*?-->\s*)*(?:<!doctype\s+html|<html[\s>]|<head[\s>]|<body[\s>])",
    re.IGNORECASE | re.DOTALL,
)
_HTML_TAGS = re.compile(r"<(?:html|head|body|title|meta|div|p|article)[\s>/]", re.IGNORECASE)
_FRONT_MATTER = re.compile(r"\A---[ \t]*\n(.*?\n)?---[ \t]*(?:\n|\Z)", re.DOTALL)
_ATX_H1 = re.compile(r"^#[ \t]+(.+?)[ \t#]*$", re.MULTILINE)
_SETEXT_H1 = re.compile(r"^([^\n]*\S[^\n]*)\n=+[ \t]*$", re.MULTILINE)
_LIST_MARKER = re.compile(r"^(?:[-*+•]\s+|\d+[.)、]\s*)")


def read_input(
    source: str | Path,
    *,
    claims: bool = False,
    max_bytes: int,
    lang: str = "auto",
    stdin: BinaryIO | None = None,
) -> InputDocument:
    """Read a file (or ``"-"`` for standard input) into an :class:`InputDocument`.

    ``claims=True`` reads a claims list (one claim per line, or JSONL ``{"id", "claim"}``)
    instead of a document. ``max_bytes`` caps the input size: a file is measured before it is
    read, standard input is read to at most ``max_bytes + 1`` bytes. ``lang`` is ``"auto"``
    (detect from the text) or one of ``zh``, ``en``, ``other``.

    Spans in the result are offsets into ``InputDocument.text``.
    """
    if lang not in ("auto", "zh", "en", "other"):
        raise InputError(f"unknown language {lang!r}; use auto, zh, en or other")
    if str(source) == "-":
        name = "standard input"
        origin = "-"
        data = _read_stdin(stdin, max_bytes)
        suffix = ""
    else:
        path = Path(source)
        name = str(source)
        origin = str(source)
        data = _read_file(path, max_bytes)
        suffix = path.suffix.lower()

    if not data:
        raise EmptyInput(f"{name}: the input is empty")
    if not data.strip():
        raise EmptyInput(f"{name}: contains only whitespace, no text")

    fmt = _SUFFIX_FORMATS.get(suffix)
    if data.startswith(b"%PDF-"):
        fmt = "pdf"
    if claims:
        if fmt in ("pdf", "html"):
            raise ClaimsFormatError(
                f"{name}: a claims list must be plain text or JSONL, not {fmt.upper()}"
            )
        text = _normalise_newlines(decode_text(data, name))
        _require_text(text, name)
        items = parse_claims_list(text, name)
        return InputDocument(
            text=text,
            language=_language(lang, text),
            origin=origin,
            kind="claims",
            format="claims",
            claims=items,
        )

    if fmt == "pdf":
        return _read_pdf(data, name, origin, lang)
    text = _normalise_newlines(decode_text(data, name))
    if fmt is None:
        fmt = sniff_format(text)
    if fmt == "html":
        # the reader decodes again from the bytes, honouring a declared <meta charset>
        return _read_html(data, name, origin, lang)

    title: str | None = None
    if fmt == "md":
        text, title = _strip_front_matter(text)
        if title is None:
            title = _markdown_title(text)
    _require_text(text, name)
    return InputDocument(
        text=text, language=_language(lang, text), origin=origin, format=fmt, title=title
    )


# --- reading ---------------------------------------------------------------------------------


def _read_stdin(stdin: BinaryIO | None, max_bytes: int) -> bytes:
    stream = stdin if stdin is not None else sys.stdin.buffer
    data = stream.read(max_bytes + 1)
    if len(data) > max_bytes:
        raise InputTooLarge(
            f"standard input: more than {max_bytes} bytes, over the input limit "
            f"(set VERACITY_MAX_INPUT_BYTES to raise it)"
        )
    return data


def _read_file(path: Path, max_bytes: int) -> bytes:
    name = str(path)
    try:
        st = path.stat()
    except FileNotFoundError:
        raise InputNotFound(f"{name}: no such file") from None
    except OSError as exc:
        raise InputNotFound(f"{name}: cannot be opened ({exc.strerror or exc})") from None
    if path.is_dir():
        raise InputNotFound(f"{name}: is a directory, not a file")
    if st.st_size > max_bytes:
        raise InputTooLarge(
            f"{name}: {st.st_size} bytes, over the {max_bytes}-byte input limit "
            f"(set VERACITY_MAX_INPUT_BYTES to raise it)"
        )
    try:
        with path.open("rb") as fh:
            data = fh.read(max_bytes + 1)  # a file that grew after stat() is still capped
    except OSError as exc:
        raise InputError(f"{name}: cannot be read ({exc.strerror or exc})") from None
    if len(data) > max_bytes:
        raise InputTooLarge(f"{name}: over the {max_bytes}-byte input limit")
    return data


def _check_binary_magic(data: bytes, name: str) -> None:
    for magic, what in _BINARY_MAGIC:
        if data.startswith(magic):
            raise BinaryInput(f"{name}: looks like {what}, not text")


def decode_text(data: bytes, name: str) -> str:
    """Decode input bytes: a UTF BOM wins, then strict UTF-8, then charset-normalizer's best
    coherent guess (GB18030/GBK, Big5, Shift-JIS, Windows-125x …). NUL bytes without a BOM mean
    the file is binary. Raises :class:`BinaryInput` or :class:`UndecodableInput`."""
    for bom, encoding in _UTF_BOMS:
        if data.startswith(bom):
            try:
                return data.decode(encoding).lstrip("\ufeff")
            except UnicodeDecodeError:
                raise UndecodableInput(
                    f"{name}: starts with a {encoding.upper()} byte-order mark but is not "
                    f"valid {encoding.upper()}"
                ) from None
    if b"\x00" in data:
        _check_binary_magic(data, name)
        raise BinaryInput(f"{name}: contains NUL bytes; it looks like a binary file, not text")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    _check_binary_magic(data, name)
    guessed = _guess_encoding(data)
    if guessed is None:
        raise UndecodableInput(
            f"{name}: not UTF-8 and no known text encoding fits (save it as UTF-8)"
        )
    return guessed


def _guess_encoding(data: bytes) -> str | None:
    from charset_normalizer import from_bytes

    results = from_bytes(data)
    best = results.best()
    if best is None:
        return None
    chosen = best
    # charset-normalizer ranks several single-byte Latin code pages alike; the Western one is by
    # far the most common in practice, so take it when it is nearly as clean as the winner.
    for match in results:
        if match.encoding == "cp1252" and match.chaos <= best.chaos + 0.1:
            chosen = match
            break
    return str(chosen)


def sniff_format(text: str) -> Format:
    """``html`` when the text starts like an HTML page (or is dense with page tags), ``md`` when
    it has Markdown headings, else ``txt``."""
    head = text[:4096]
    if _HTML_START.match(head) or len(_HTML_TAGS.findall(head)) >= 3:
        return "html"
    if re.search(r"^#{1,6}[ \t]+\S", head, re.MULTILINE):
        return "md"
    return "txt"


def _normalise_newlines(text: str) -> str:
    return text.replace("\r\n", "\n").replace("\r", "\n").lstrip("\ufeff")


def _require_text(text: str, name: str) -> None:
    if not text.strip():
        raise EmptyInput(f"{name}: contains only whitespace, no text")


def _language(lang: str, text: str) -> Language:
    if lang == "zh":
        return "zh"
    if lang == "en":
        return "en"
    if lang == "other":
        return "other"
    return detect_language(text)


# --- formats ---------------------------------------------------------------------------------


def _strip_front_matter(text: str) -> tuple[str, str | None]:
    """Drop a leading YAML front-matter block; return the rest and its ``title`` if any.

    A block that is not a YAML mapping is left in place (it may be a horizontal rule)."""
    m = _FRONT_MATTER.match(text)
    if not m:
        return text, None
    try:
        meta = yaml.safe_load(m.group(1) or "")
    except yaml.YAMLError:
        return text, None
    if not isinstance(meta, dict):
        return text, None
    title = meta.get("title")
    rest = text[m.end() :]
    return rest, (str(title).strip() or None) if title is not None else None


def _markdown_title(text: str) -> str | None:
    candidates = [m for m in (_ATX_H1.search(text), _SETEXT_H1.search(text)) if m]
    if not candidates:
        return None
    first = min(candidates, key=lambda m: m.start())
    return first.group(1).strip() or None


def _read_html(raw: bytes, name: str, origin: str, lang: str) -> InputDocument:
    from veracity.reader.html import parse_html

    doc = parse_html(raw, origin)
    return _from_document(doc, "html", origin, lang, EmptyInput(f"{name}: the HTML page has no readable main text"))


def _read_pdf(data: bytes, name: str, origin: str, lang: str) -> InputDocument:
    from veracity.reader.pdf import parse_pdf

    try:
        doc = parse_pdf(data, origin)
    except MalformedPDF as exc:
        msg = str(exc)
        raise MalformedPDF(msg if name in msg else f"{name}: {msg}") from None
    return _from_document(doc, "pdf", origin, lang, MalformedPDF(f"{name}: the PDF has no text layer (is it a scan?)"))


def _from_document(doc: Document, fmt: str, origin: str, lang: str, empty: InputError) -> InputDocument:
    """The input document of a parsed page or PDF; ``empty`` is raised when it has no text."""
    text = _normalise_newlines(doc.text)
    if not text.strip():
        raise empty
    return InputDocument(
        text=text,
        language=_language(lang, text),
        origin=origin,
        format=fmt,  # type: ignore[arg-type]
        title=doc.source.title,
    )


# --- claims lists ----------------------------------------------------------------------------


def parse_claims_list(text: str, name: str = "claims list") -> list[ClaimInput]:
    """Parse a claims list: one claim per non-empty line, or JSONL objects with ``id`` and
    ``claim`` (or ``text``). Lines starting with ``#`` are comments; a leading list marker
    (``-``, ``*``, ``1.``) is dropped. Plain lines get ids ``c1``, ``c2`` … by claim position.
    Spans point at the claim's words in ``text``."""
    items: list[ClaimInput] = []
    seen: dict[str, int] = {}
    offset = 0
    for lineno, line in enumerate(text.split("\n"), start=1):
        line_start = offset
        offset += len(line) + 1
        stripped = line.strip()
        if not stripped or stripped.startswith("#"):
            continue
        lead = len(line) - len(line.lstrip())
        if stripped.startswith("{"):
            claim_id, claim_text = _jsonl_claim(stripped, name, lineno)
            claim_id = claim_id or f"c{len(items) + 1}"
            # find the claim's JSON string after its key; escapes in it mean "whole line"
            key = max(line.find('"claim"'), line.find('"text"'))
            pos = line.find(json.dumps(claim_text, ensure_ascii=False), max(key, 0))
            if key >= 0 and pos >= 0:
                pos += 1  # past the opening quote
                span = Span(start=line_start + pos, end=line_start + pos + len(claim_text))
            else:  # escapes in the JSON: point at the whole line
                span = Span(start=line_start + lead, end=line_start + lead + len(stripped))
        else:
            marker = _LIST_MARKER.match(stripped)
            body = stripped[marker.end() :] if marker else stripped
            if not body.strip():
                continue
            start = line_start + lead + (marker.end() if marker else 0)
            claim_text = body.strip()
            start += len(body) - len(body.lstrip())
            span = Span(start=start, end=start + len(claim_text))
            claim_id = f"c{len(items) + 1}"
        if claim_id in seen:
            raise ClaimsFormatError(
                f"{name}: line {lineno}: duplicate claim id {claim_id!r} "
                f"(first used on line {seen[claim_id]})"
            )
        seen[claim_id] = lineno
        items.append(ClaimInput(id=claim_id, text=claim_text, span=span))
    if not items:
        raise EmptyInput(f"{name}: the claims list has no claims")
    return items


def _jsonl_claim(line: str, name: str, lineno: int) -> tuple[str | None, str]:
    try:
        obj = json.loads(line)
    except json.JSONDecodeError as exc:
        raise ClaimsFormatError(
            f"{name}: line {lineno}: starts with '{{' but is not valid JSON ({exc.msg})"
        ) from None
    if not isinstance(obj, dict):
        raise ClaimsFormatError(f"{name}: line {lineno}: expected a JSON object")
    value = obj.get("claim", obj.get("text"))
    if not isinstance(value, str) or not value.strip():
        raise ClaimsFormatError(
            f'{name}: line {lineno}: a JSON line needs a non-empty "claim" (or "text") string'
        )
    raw_id = obj.get("id")
    if raw_id is not None and (isinstance(raw_id, bool) or not isinstance(raw_id, str | int)):
        raise ClaimsFormatError(f'{name}: line {lineno}: "id" must be a string or a number')
    claim_id = str(raw_id).strip() if raw_id is not None else None
    if claim_id == "":
        raise ClaimsFormatError(f'{name}: line {lineno}: "id" is empty')
    return claim_id, value.strip()
