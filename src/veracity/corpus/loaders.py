"""Read one corpus file (html, htm, pdf, md, markdown, txt) into a :class:`Document`.

Text files are stored as written, so that a quote can be found again in the raw file:
Markdown keeps its markup, plain text keeps its ``Title:``/``URL:``/``Published:`` header lines;
only a YAML front matter block (``---`` … ``---`` at the very top, md or txt) is cut off. A file that cannot be read raises an :class:`~veracity.errors.InputError`
subclass with the path and the reason in the message.
"""

from __future__ import annotations

import codecs
import hashlib
import os
import re
import unicodedata
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import yaml

from veracity.dates import normalize_date
from veracity.errors import (
    BinaryInput,
    EmptyInput,
    InputError,
    InputNotFound,
    InputTooLarge,
    UndecodableInput,
)
from veracity.evidence.authority import classify
from veracity.ingest import atx_heading_text
from veracity.reader.html import parse_html
from veracity.reader.pdf import parse_pdf
from veracity.text import detect_language
from veracity.types import Document, Source, SourceKind

__all__ = [
    "SUPPORTED_SUFFIXES",
    "decode_text",
    "display_path",
    "file_url",
    "has_corpus_files",
    "iter_corpus_files",
    "load_file",
    "scan_corpus_files",
    "unsupported_reason",
]

SUPPORTED_SUFFIXES = frozenset({".html", ".htm", ".pdf", ".md", ".markdown", ".txt"})

_FRONT_MATTER = re.compile(r"\A---[ \t]*\n(.*?\n)?(?:---|\.\.\.)[ \t]*(?:\n|\Z)", re.S)
# The value is taken with ``(.*)`` and stripped in Python: ``(.*?)[ \t]*$`` backtracks
# quadratically over a long run of blanks inside the value.
_HEADER = re.compile(r"[ \t]*(title|url|source|published|date|kind)[ \t]*:(.*)", re.I)
_URL = re.compile(r"https?://[^\s\"'<>)]+")
# A title is looked for in the first lines only, each examined with string methods.
_TITLE_MAX_LINES = 200
_TITLE_MAX_CHARS = 64 * 1024


def display_path(path: Path | str) -> str:
    """The path as printable text (bytes that are not UTF-8 shown as ``\\xNN``)."""
    return str(path).encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")


def file_url(path: Path) -> str:
    """``file://`` + the resolved absolute path, unescaped (how the corpus names local files)."""
    return "file://" + str(path.resolve())


def iter_corpus_files(dirs: list[Path]) -> list[Path]:
    """Every supported file under ``dirs`` (recursive, sorted, no hidden files or folders,
    symlinked folders not followed, each file once)."""
    return scan_corpus_files(dirs)[0]


def scan_corpus_files(dirs: list[Path]) -> tuple[list[Path], list[Path]]:
    """The files under ``dirs`` as ``(supported, unsupported)``: both sorted, walked like
    :func:`iter_corpus_files` (hidden files and folders left out, each file once);
    ``unsupported`` holds the files whose type the corpus cannot read (``.docx``, images…)."""
    found: list[Path] = []
    other: list[Path] = []
    for path, supported in _walk(dirs):
        (found if supported else other).append(path)
    return sorted(found), sorted(other)


def has_corpus_files(root: Path) -> bool:
    """Whether ``root`` holds at least one file of a supported type (stops at the first)."""
    return any(supported for _, supported in _walk([root]))


def _walk(dirs: list[Path]) -> Iterator[tuple[Path, bool]]:
    """Each non-hidden file under ``dirs`` once, with whether its type is supported."""
    seen: set[Path] = set()
    for root in dirs:
        for dirpath, dirnames, filenames in os.walk(root):
            dirnames[:] = sorted(d for d in dirnames if not d.startswith("."))
            for name in filenames:
                if name.startswith("."):
                    continue
                path = Path(dirpath) / name
                key = path.resolve()
                if key not in seen and path.is_file():
                    seen.add(key)
                    yield path, Path(name).suffix.lower() in SUPPORTED_SUFFIXES


def unsupported_reason(path: Path) -> str:
    """Why the corpus skips a file of a type it cannot read: ``unsupported file type .docx``."""
    return f"unsupported file type {path.suffix.lower() or '(none)'}"


def decode_text(data: bytes, path: Path | str = "<bytes>") -> str:
    """Decode a text file: BOM, then UTF-8, then charset-normalizer. Line ends become ``\\n``.

    Raises :class:`BinaryInput` for NUL bytes or mostly unprintable content and
    :class:`UndecodableInput` when no encoding fits.
    """
    text: str | None = None
    for bom, codec in (
        (codecs.BOM_UTF8, "utf-8"),
        (codecs.BOM_UTF16_LE, "utf-16-le"),
        (codecs.BOM_UTF16_BE, "utf-16-be"),
    ):
        if data.startswith(bom):
            try:
                text = data[len(bom) :].decode(codec)
            except UnicodeDecodeError as err:
                raise UndecodableInput(f"{path}: not valid {codec} despite its BOM") from err
            break
    if text is None:
        if b"\x00" in data[:8192]:
            raise BinaryInput(f"{path}: binary file (NUL bytes), not text")
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError:
            from charset_normalizer import from_bytes

            best = from_bytes(data).best()
            if best is None:
                raise UndecodableInput(f"{path}: no text encoding fits this file") from None
            text = str(best)
    sample = text[:8192]
    bad = sum(
        1
        for ch in sample
        if ch == "\ufffd"
        or (unicodedata.category(ch) in ("Cc", "Co", "Cn") and ch not in "\t\n\r\f")
    )
    if sample and bad / len(sample) > 0.05:
        raise BinaryInput(f"{path}: mostly unprintable bytes, not text")
    return text.replace("\r\n", "\n").replace("\r", "\n")


def _read_bytes(path: Path, max_bytes: int) -> bytes:
    try:
        size = path.stat().st_size
        if size > max_bytes:
            raise InputTooLarge(f"{path}: {size} bytes is over the {max_bytes}-byte limit")
        with path.open("rb") as fh:
            data = fh.read(max_bytes + 1)
    except FileNotFoundError as err:
        raise InputNotFound(f"{path}: no such file") from err
    except IsADirectoryError as err:
        raise InputError(f"{path}: is a directory") from err
    except PermissionError as err:
        raise InputError(f"{path}: permission denied") from err
    except OSError as err:
        raise InputError(f"{path}: cannot read file ({err.strerror or err})") from err
    if len(data) > max_bytes:
        raise InputTooLarge(f"{path}: over the {max_bytes}-byte limit")
    return data


def _header_match(line: str) -> tuple[str, str] | None:
    """``(key, value)`` of a ``Title: …`` style header line, or ``None``."""
    m = _HEADER.fullmatch(line)
    if m is None:
        return None
    return m.group(1), m.group(2).strip(" \t")


def _lines(text: str, max_lines: int | None = None, max_chars: int | None = None) -> Iterator[str]:
    """The lines of ``text`` (split at ``\\n``) one by one, without splitting all of it; at
    most ``max_lines`` of them and only those that start within ``max_chars`` characters."""
    pos = 0
    n = 0
    while pos <= len(text):
        if (max_lines is not None and n >= max_lines) or (
            max_chars is not None and pos >= max_chars
        ):
            return
        end = text.find("\n", pos)
        if end < 0:
            end = len(text)
        yield text[pos:end]
        n += 1
        pos = end + 1


def _first_line_title(text: str) -> str | None:
    for line in _lines(text, _TITLE_MAX_LINES, _TITLE_MAX_CHARS):
        heading = atx_heading_text(line, max_level=6, max_indent=3)
        if heading is not None:
            return heading.strip()[:300]
    for line in _lines(text):
        if line.strip() and _header_match(line) is None:
            return line.strip().lstrip("#").strip()[:300] or None
    return None


def _kind(value: Any) -> SourceKind:
    try:
        return SourceKind(str(value).strip().lower())
    except ValueError:
        return SourceKind.UNKNOWN


def _header_fields(text: str) -> dict[str, str]:
    """``Title:`` / ``URL:`` / ``Published:`` … lines at the very top of a text file."""
    fields: dict[str, str] = {}
    for line in _lines(text.lstrip("\n")):
        m = _header_match(line)
        if m is None:
            break
        fields.setdefault(m[0].lower(), m[1])
    return fields


def _url_from(value: Any) -> str | None:
    if isinstance(value, str) and (m := _URL.search(value)):
        return m.group(0)
    return None


def _front_matter(raw: str) -> tuple[dict[str, Any], int] | None:
    """The YAML front matter as a dict (keys lower-cased) and where the body starts, or ``None``
    when the file does not open with a ``---`` block that parses to a mapping."""
    fm = _FRONT_MATTER.match(raw)
    if not fm:
        return None
    try:
        loaded = yaml.safe_load(fm.group(1) or "")
    except yaml.YAMLError:
        return None
    if not isinstance(loaded, dict):
        return None
    return {str(k).lower(): v for k, v in loaded.items()}, fm.end()


def _text_document(path: Path, data: bytes) -> Document:
    raw = decode_text(data, path)
    body = raw
    meta: dict[str, Any]
    origin = "header"
    if (found := _front_matter(raw)) is not None:
        meta, body_start = found
        body = raw[body_start:]
        origin = "front-matter"
    else:
        meta = dict(_header_fields(raw))
    if not body.strip():
        raise EmptyInput(f"{path}: no text")

    url = _url_from(meta.get("url")) or _url_from(meta.get("source")) or file_url(path)
    published = None
    for key in ("published", "date"):
        if (published := normalize_date(meta.get(key))) is not None:
            break
    title_value = meta.get("title")
    title = str(title_value).strip() if title_value not in (None, "") else None
    source = Source(
        url=url,
        title=title or _first_line_title(body),
        published=published,
        published_origin=origin if published else None,
        kind=_kind(meta["kind"]) if "kind" in meta else SourceKind.UNKNOWN,
        language=detect_language(body),
        content_hash=hashlib.sha256(data).hexdigest(),
    )
    return Document(source=source, text=body)


def load_file(path: Path, *, max_bytes: int) -> Document:
    """Load one corpus file; ``path`` is recorded on the document, ``provider`` is ``corpus``.

    Raises an :class:`InputError` subclass (not found, too large, binary, undecodable, empty,
    malformed PDF, permission denied) whose message starts with the path.
    """
    suffix = path.suffix.lower()
    if suffix not in SUPPORTED_SUFFIXES:
        raise InputError(f"{path}: {unsupported_reason(path)}")
    try:
        str(path).encode("utf-8")
    except UnicodeEncodeError:
        raise InputError(f"{display_path(path)}: file name is not valid UTF-8") from None
    data = _read_bytes(path, max_bytes)
    if not data.strip():
        raise EmptyInput(f"{path}: empty file")
    if suffix in (".html", ".htm"):
        if b"\x00" in data[:8192] and not data.startswith(
            (codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)
        ):
            raise BinaryInput(f"{path}: binary file (NUL bytes), not HTML")
        doc = parse_html(data, url=file_url(path))
        if not doc.text.strip():
            raise EmptyInput(f"{path}: no readable text in the page")
    elif suffix == ".pdf":
        try:
            doc = parse_pdf(data, url=file_url(path))
        except InputError as err:
            raise type(err)(f"{path}: {err}") from err
    else:
        doc = _text_document(path, data)
    doc.source.provider = "corpus"
    if doc.source.kind == SourceKind.UNKNOWN and not doc.source.url.startswith("file:"):
        # no `kind:` in the front matter: judge the publisher by its domain
        doc.source.kind = classify(doc.source.url, title=doc.source.title, pdf=suffix == ".pdf")
    doc.path = str(path.resolve())
    return doc
