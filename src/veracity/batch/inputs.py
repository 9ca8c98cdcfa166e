"""A batch's documents: the files of a folder, or the lines of a JSONL file.

* A **folder**: every ``.txt`` / ``.md`` / ``.html`` / ``.pdf`` file under it (``.text``,
  ``.markdown``, ``.htm`` and ``.xhtml`` too), recursively, in sorted order; hidden files and
  folders are left out. A document's key is its path relative to the folder (``a/b.md``).
* A **JSONL file**: one document per line, ``{"id": ..., "text": ...}`` with optionally
  ``"lang"`` (``zh`` / ``en`` / ``other``; detected when absent), ``"title"``, ``"url"`` (the
  report's input) or ``"claims"``: a list of claims (strings, or objects with ``"text"`` or
  ``"claim"`` and an optional ``"id"``) checked as they stand instead of a text. The key is
  ``id``, or the line number when there is none. Blank lines are skipped.

A line that cannot be used (bad JSON, no text, an id seen before) becomes an item with its
``error`` set: the batch reports it as a failed document and goes on. A file is read only
when its document is checked (:func:`load_document`), so an unreadable file fails alone too.

Output files are named by :func:`output_names`: the key with ``/`` turned into ``__`` and any
character unsafe in a file name into ``_``; keys that would clash get a short hash.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from veracity.errors import InputError, InputNotFound
from veracity.ingest import read_input
from veracity.text import detect_language
from veracity.types import ClaimInput, InputDocument, Span

DOCUMENT_SUFFIXES = (".txt", ".text", ".md", ".markdown", ".html", ".htm", ".xhtml", ".pdf")
_UNSAFE = re.compile(r"[^\w.\-]+")
_RESERVED = {"summary"}  # summary.json and summary.csv are the batch's own files
_RESERVED_SUFFIXES = (".claimreview",)  # "x.claimreview" + ".json" is document x's ClaimReview file


@dataclass
class BatchItem:
    """One document of a batch, not read yet (a file) or already parsed (a JSONL line)."""

    key: str
    origin: str
    """Where it comes from, for messages: the file's path, or ``FILE.jsonl:LINE``."""
    path: Path | None = None
    document: InputDocument | None = None
    error: str | None = None
    """Why the line cannot be checked (the document fails with this message)."""
    line: int | None = None

    def request(self) -> dict[str, Any]:
        """What the job table records as the job's request."""
        return {"origin": self.origin, "path": str(self.path) if self.path else None, "line": self.line}


def discover(source: Path) -> list[BatchItem]:
    """The documents of ``source`` (a folder or a ``.jsonl`` file), in order.

    :class:`InputError` (exit 2) when ``source`` is missing, is neither a folder nor a
    JSONL file, cannot be read, or holds no document at all."""
    if not source.exists():
        raise InputNotFound(f"{source}: no such file or folder")
    if source.is_dir():
        items = _folder_items(source)
        if not items:
            kinds = ", ".join(s for s in DOCUMENT_SUFFIXES)
            raise InputError(f"{source}: no documents in this folder (looked for {kinds})")
        return items
    if source.suffix.lower() not in (".jsonl", ".ndjson"):
        raise InputError(f"{source}: a batch reads a folder of documents or a .jsonl file, not {source.name}")
    return _jsonl_items(source)


def _folder_items(root: Path) -> list[BatchItem]:
    items = []
    for path in sorted(root.rglob("*")):
        rel = path.relative_to(root)
        if any(part.startswith(".") for part in rel.parts):
            continue
        if path.suffix.lower() in DOCUMENT_SUFFIXES and path.is_file():
            items.append(BatchItem(key=rel.as_posix(), origin=str(path), path=path))
    return items


def _jsonl_items(source: Path) -> list[BatchItem]:
    try:
        data = source.read_bytes()
    except OSError as err:
        raise InputError(f"{source}: cannot read: {err.strerror or err}") from err
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as err:
        raise InputError(f"{source}: a JSONL batch must be UTF-8 ({err.reason} at byte {err.start})") from err
    items: list[BatchItem] = []
    first_line: dict[str, int] = {}
    for lineno, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        origin = f"{source}:{lineno}"
        key, doc, error = _parse_line(line, origin)
        if key in first_line:
            error = f"line {lineno}: duplicate id {key!r} (first used on line {first_line[key]})"
            key = f"{key}~line{lineno}"
            doc = None
        first_line.setdefault(key, lineno)
        items.append(BatchItem(key=key if key else str(lineno), origin=origin, document=doc, error=error,
                               line=lineno))
    if not items:
        raise InputError(f"{source}: no documents (every line is blank)")
    return items


def _parse_line(line: str, origin: str) -> tuple[str, InputDocument | None, str | None]:
    """(key, document, error) of one JSONL line; the key is the line number without an id."""
    lineno = origin.rsplit(":", 1)[1]
    try:
        obj = json.loads(line)
    except json.JSONDecodeError as err:
        return lineno, None, f"line {lineno}: not valid JSON ({err.msg} at column {err.colno})"
    if not isinstance(obj, dict):
        return lineno, None, f"line {lineno}: expected a JSON object"
    raw_id = obj.get("id")
    if raw_id is None:
        key = lineno
    elif isinstance(raw_id, bool) or not isinstance(raw_id, str | int):
        return lineno, None, f'line {lineno}: "id" must be a string or a number'
    else:
        key = str(raw_id).strip()
        if not key:
            return lineno, None, f'line {lineno}: "id" is empty'
    try:
        return key, _document(obj, origin, f"line {lineno}"), None
    except InputError as err:
        return key, None, str(err)


def _document(obj: dict[str, Any], origin: str, where: str) -> InputDocument:
    lang = obj.get("lang", "auto")
    if lang not in ("auto", "zh", "en", "other"):
        raise InputError(f'{where}: "lang" must be zh, en, other or auto, not {lang!r}')
    title, url = obj.get("title"), obj.get("url")
    for field, value in (("title", title), ("url", url)):
        if value is not None and not isinstance(value, str):
            raise InputError(f'{where}: "{field}" must be a string')
    origin = url or origin
    if obj.get("claims") is not None:
        claims = _claims(obj["claims"], where)
        text = "\n".join(c.text for c in claims)
        language = detect_language(text) if lang == "auto" else lang
        return InputDocument(text=text, language=language, origin=origin, kind="claims", format="claims",
                             title=title, claims=claims)
    body = obj.get("text")
    if not isinstance(body, str) or not body.strip():
        raise InputError(f'{where}: needs a non-empty "text" string (or a "claims" list)')
    language = detect_language(body) if lang == "auto" else lang
    return InputDocument(text=body, language=language, origin=origin, format="txt", title=title)


def _claims(value: Any, where: str) -> list[ClaimInput]:
    """A JSONL line's ``claims``: strings or ``{"id"?, "text" | "claim"}``, ids unique."""
    if not isinstance(value, list) or not value:
        raise InputError(f'{where}: "claims" must be a non-empty list')
    out: list[ClaimInput] = []
    offset = 0
    for i, entry in enumerate(value, start=1):
        claim_id: str = f"c{i}"
        text: Any
        if isinstance(entry, str):
            text = entry
        elif isinstance(entry, dict):
            text = entry.get("text", entry.get("claim"))
            if entry.get("id") is not None:
                claim_id = str(entry["id"]).strip()
        else:
            raise InputError(f"{where}: claim {i} must be a string or an object with a text")
        if not isinstance(text, str) or not text.strip():
            raise InputError(f"{where}: claim {i} has no text")
        text = " ".join(text.split())
        if not claim_id or any(c.id == claim_id for c in out):
            raise InputError(f"{where}: claim {i} has an empty or repeated id {claim_id!r}")
        out.append(ClaimInput(id=claim_id, text=text, span=Span(start=offset, end=offset + len(text))))
        offset += len(text) + 1
    return out


def load_document(item: BatchItem, *, max_bytes: int) -> InputDocument:
    """The item's document: parsed already (a JSONL line) or read from its file now.
    Raises :class:`InputError` for a bad line or an unreadable, empty or oversized file."""
    if item.error is not None:
        raise InputError(item.error)
    if item.document is not None:
        return item.document
    if item.path is None:  # pragma: no cover - discover() sets one of the three
        raise InputError(f"{item.key}: nothing to read")
    return read_input(item.path, max_bytes=max_bytes)


def safe_name(key: str) -> str:
    """A file name (without extension) for a document key: ``/`` → ``__``, unsafe characters
    → ``_``, no leading dot; long names are cut and end with a hash of the key."""
    name = key.replace("\\", "/").replace("/", "__")
    name = _UNSAFE.sub("_", name).strip(". _") or "_"
    if len(name.encode("utf-8")) > 150:
        name = name[:80].rstrip(". _") + "-" + _digest(key)
    return name


def _digest(key: str) -> str:
    return hashlib.sha1(key.encode("utf-8")).hexdigest()[:10]


def output_names(keys: Iterable[str]) -> dict[str, str]:
    """Each key's output name (:func:`safe_name`), made unique: keys whose names clash (case
    ignored, as some file systems do), name the batch's own files or end like another
    document's output file (``.claimreview``) get a hash of the key."""
    keys = list(keys)
    names = {k: safe_name(k) for k in keys}
    groups: dict[str, list[str]] = {}
    for k, n in names.items():
        groups.setdefault(n.casefold(), []).append(k)
    for folded, members in groups.items():
        if len(members) > 1 or folded in _RESERVED or folded.endswith(_RESERVED_SUFFIXES):
            for k in members:
                names[k] = f"{names[k]}-{_digest(k)}"
    return names
