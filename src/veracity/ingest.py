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
import unicodedata
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

__all__ = ["atx_heading_text", "decode_text", "parse_claims_list", "read_input", "sniff_format"]

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

# What an HTML page starts with, after whitespace, an XML declaration and comments. The prefix
# is found with plain string operations (a regex with ``(?:<!--.*?-->\s*)*`` backtracks
# exponentially over a run of comments).
_BLANKS = re.compile(r"\s*")
_HTML_OPENING = re.compile(r"<!doctype\s+html|<html[\s>]|<head[\s>]|<body[\s>]", re.IGNORECASE)
_HTML_TAGS = re.compile(r"<(?:html|head|body|title|meta|div|p|article)[\s>/]", re.IGNORECASE)
_FRONT_MATTER = re.compile(r"\A---[ \t]*\n(.*?\n)?---[ \t]*(?:\n|\Z)", re.DOTALL)
_MD_HEADING = re.compile(r"^#{1,6}[ \t]+\S", re.MULTILINE)
# The Markdown title is looked for in the first lines only; each line is examined with string
# methods, never with a regex that could backtrack over the whole line.
_TITLE_MAX_LINES = 200
_TITLE_MAX_CHARS = 64 * 1024
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
    the file is binary. A decoding that does not look like text (UTF-16 read with the wrong byte
    order, control or unassigned characters, UTF-8 with broken bytes read as a code page) is
    refused. Raises :class:`BinaryInput` or :class:`UndecodableInput`."""
    for bom, encoding in _UTF_BOMS:
        if data.startswith(bom):
            try:
                text = data.decode(encoding).lstrip("\ufeff")
            except UnicodeDecodeError:
                raise UndecodableInput(
                    f"{name}: starts with a {encoding.upper()} byte-order mark but is not "
                    f"valid {encoding.upper()}"
                ) from None
            _check_plausible(text, name, f"{encoding.upper()} (by its byte-order mark)")
            return text
    if b"\x00" in data:
        _check_binary_magic(data, name)
        raise BinaryInput(f"{name}: contains NUL bytes; it looks like a binary file, not text")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    else:
        _check_plausible(text, name, "UTF-8")
        return text
    _check_binary_magic(data, name)
    if _broken_utf8(data):
        raise UndecodableInput(
            f"{name}: mostly UTF-8 but with invalid bytes; it cannot be decoded reliably "
            f"(repair it or save it as UTF-8)"
        )
    guessed = _guess_encoding(data)
    if guessed is None:
        raise UndecodableInput(
            f"{name}: not UTF-8 and no known text encoding fits (save it as UTF-8)"
        )
    _check_plausible(guessed, name, "any known text encoding")
    _check_latin_runs(guessed, name)
    return guessed


# Decoded text is judged on a prefix: enough for a verdict, bounded in time.
_PLAUSIBLE_SAMPLE = 64 * 1024
_ALLOWED_CONTROLS = frozenset("\t\n\r\f\v")


def _check_plausible(text: str, name: str, how: str) -> None:
    """Refuse a decoding that yields mostly characters real text does not have: control
    characters (C0 beyond tab/newline, C1), unassigned or private-use code points, surrogates,
    replacement characters, or (UTF-16 read with the wrong byte order) letters whose code point
    is ``0xXX00`` — ASCII bytes paired with NULs."""
    sample = text[:_PLAUSIBLE_SAMPLE]
    visible = 0
    bad = 0
    swapped = 0
    for ch in sample:
        if ch.isspace():
            continue
        visible += 1
        code = ord(ch)
        if code >= 0x100 and code & 0xFF == 0:
            swapped += 1
        if ch == "\ufffd" or (
            ch not in _ALLOWED_CONTROLS and unicodedata.category(ch) in ("Cc", "Cn", "Co", "Cs")
        ):
            bad += 1
    if not visible:
        return
    if bad / visible > 0.05 or (swapped >= 2 and swapped / visible > 0.25):
        raise UndecodableInput(
            f"{name}: decoding it as {how} gives implausible characters; "
            f"it is not text in a known encoding (save it as UTF-8)"
        )


def _broken_utf8(data: bytes) -> bool:
    """UTF-8 with a few invalid bytes: most non-ASCII sequences are valid UTF-8. Any code page
    would turn the valid ones into mojibake (``Ã©`` for ``é``)."""
    sample = data[: 4 * _PLAUSIBLE_SAMPLE].decode("utf-8", "replace")
    invalid = sample.count("\ufffd")
    valid = sum(1 for ch in sample if ord(ch) >= 0x80) - invalid
    return valid >= 2 and valid >= 2 * invalid


def _check_latin_runs(text: str, name: str) -> None:
    """A code-page decoding into Latin script where the non-ASCII characters mostly come in runs
    of three or more (``ÿþú“``) is noise, not accented words (``café``, ``Zürich``)."""
    sample = text[:_PLAUSIBLE_SAMPLE]
    total = 0
    in_runs = 0
    run = 0
    for ch in sample + " ":
        if ord(ch) >= 0x80 and not ch.isspace():
            if ch.isalpha() and not unicodedata.name(ch, "").startswith("LATIN"):
                return  # Cyrillic, Greek, CJK …: runs of non-ASCII letters are normal
            total += 1
            run += 1
            continue
        if run >= 3:
            in_runs += run
        run = 0
    if total >= 3 and in_runs / total > 0.5:
        raise UndecodableInput(
            f"{name}: not UTF-8, and read in any known text encoding it gives gibberish "
            f"(save it as UTF-8)"
        )


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
    else:
        # on a short text it may not even be ranked ("café résumé" came out as cp1006)
        western = _as_western_words(data)
        if western is not None:
            return western
    return str(chosen)


def _as_western_words(data: bytes) -> str | None:
    """``data`` as Windows-1252 when that gives accented Latin letters inside ASCII words
    (``café``, ``Zürich``): every non-ASCII character a Latin letter next to an ASCII one."""
    try:
        text = data[: 4 * _PLAUSIBLE_SAMPLE].decode("cp1252")
    except UnicodeDecodeError:
        return None
    for i, ch in enumerate(text):
        if ord(ch) < 0x80:
            continue
        if not (ch.isalpha() and unicodedata.name(ch, "").startswith("LATIN")):
            return None
        before = text[i - 1] if i else ""
        after = text[i + 1] if i + 1 < len(text) else ""
        if not ((before.isascii() and before.isalpha()) or (after.isascii() and after.isalpha())):
            return None
    return data.decode("cp1252")


def sniff_format(text: str) -> Format:
    """``html`` when the text starts like an HTML page (or is dense with page tags), ``md`` when
    it has Markdown headings, else ``txt``."""
    head = text[:4096]
    if _starts_like_html(head) or len(_HTML_TAGS.findall(head)) >= 3:
        return "html"
    if _MD_HEADING.search(head):
        return "md"
    return "txt"


def _starts_like_html(head: str) -> bool:
    """Whether ``head`` opens (after whitespace, an ``<?xml …>`` declaration and comments) with
    a doctype or an ``<html>``, ``<head>`` or ``<body>`` tag.

    Same answers as ``^\\s*(?:<\\?xml[^>]*>\\s*)?(?:<!--.*?-->\\s*)*(?:OPENING)`` with
    DOTALL, in linear time: the comments may end at any later ``-->`` (the regex's ``.*?`` can
    run past a ``-->``), so every ``-->`` after the first ``<!--`` is a place the tag may follow.
    """
    pos = _skip_blanks(head, 0)
    if head.startswith("<?xml", pos):
        end = head.find(">", pos)
        if end < 0:
            return False
        pos = _skip_blanks(head, end + 1)
    if not head.startswith("<!--", pos):
        return _HTML_OPENING.match(head, pos) is not None
    end = head.find("-->", pos + 4)
    while end >= 0:
        if _HTML_OPENING.match(head, _skip_blanks(head, end + 3)) is not None:
            return True
        end = head.find("-->", end + 1)
    return False


def _skip_blanks(text: str, pos: int) -> int:
    m = _BLANKS.match(text, pos)
    return m.end() if m else pos


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


def _head_lines(text: str, max_lines: int, max_chars: int) -> tuple[list[str], int]:
    """The first lines of ``text`` (split at ``\\n``): those that start within the first
    ``max_chars`` characters, at most ``max_lines``; their count comes second. The line after
    them, if any, is in the list too (a setext underline is looked up there)."""
    lines: list[str] = []
    count = 0
    pos = 0
    while pos <= len(text) and len(lines) <= count:
        end = text.find("\n", pos)
        if end < 0:
            end = len(text)
        lines.append(text[pos:end])
        if pos < max_chars and count < max_lines:
            count += 1
        pos = end + 1
    return lines, count


def atx_heading_text(line: str, max_level: int, max_indent: int) -> str | None:
    """The raw text of an ATX heading line (``#`` … ``######``, then a blank, then text;
    closing ``#``s and blanks dropped), or ``None``. Equivalent to the regex
    ``^[ \\t]{0,max_indent}#{1,max_level}[ \\t]+(.+?)[ \\t#]*$`` in linear time."""
    indent = len(line) - len(line.lstrip(" \t"))
    if indent > max_indent or not line.startswith("#", indent):
        return None
    after_hashes = line.lstrip(" \t").lstrip("#")
    level = len(line) - indent - len(after_hashes)
    if level > max_level or not after_hashes.startswith((" ", "\t")):
        return None
    rest = after_hashes.lstrip(" \t")
    if not rest:
        # all blanks after the hashes: the regex's ``.+?`` takes the last blank, if two or more
        return after_hashes[-1] if len(after_hashes) >= 2 else None
    return rest[: max(1, len(rest.rstrip(" \t#")))]


def _is_setext_underline(line: str) -> bool:
    marks = line.rstrip(" \t")
    return bool(marks) and not marks.strip("=")


def _markdown_title(text: str) -> str | None:
    """The first level-1 heading (``# Title`` or ``Title`` over a ``===`` line) within the first
    lines of ``text``, stripped; ``None`` when there is none (or it is blank)."""
    lines, count = _head_lines(text, _TITLE_MAX_LINES, _TITLE_MAX_CHARS)
    for i, line in enumerate(lines[:count]):
        heading = atx_heading_text(line, max_level=1, max_indent=0)
        setext = i + 1 < len(lines) and _is_setext_underline(lines[i + 1])
        if heading is None and setext and line.strip():
            heading = line
        if heading is not None:
            return heading.strip() or None
    return None


def _read_html(raw: bytes, name: str, origin: str, lang: str) -> InputDocument:
    from veracity.reader.html import parse_html

    doc = parse_html(raw, origin)
    return _from_document(
        doc, "html", origin, lang, EmptyInput(f"{name}: the HTML page has no readable main text")
    )


def _read_pdf(data: bytes, name: str, origin: str, lang: str) -> InputDocument:
    from veracity.reader.pdf import parse_pdf

    try:
        doc = parse_pdf(data, origin)
    except MalformedPDF as exc:
        msg = str(exc)
        raise MalformedPDF(msg if name in msg else f"{name}: {msg}") from None
    return _from_document(
        doc, "pdf", origin, lang, MalformedPDF(f"{name}: the PDF has no text layer (is it a scan?)")
    )


def _from_document(
    doc: Document, fmt: str, origin: str, lang: str, empty: InputError
) -> InputDocument:
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
