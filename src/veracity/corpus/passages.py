"""Cut a document into passages of a few consecutive sentences: the unit the corpus retrieves.

A passage never spans two paragraphs (blank-line separated blocks) or two PDF pages, except
that a heading-like block (a Markdown ``#`` line, or one short line without closing
punctuation) is carried into the passage that follows it, so "Awards" stays with the award.
Two or more blank lines are a hard break that nothing is carried across (the HTML reader puts
them where it left page text out, so that a passage is always a contiguous piece of the page).
Offsets always point into ``doc.text``: ``doc.text[p.start:p.end] == p.text``.
"""

from __future__ import annotations

import bisect
import hashlib
import re
from dataclasses import dataclass

from veracity.text import sentence_spans
from veracity.types import Document, Passage

__all__ = ["split_passages"]

_BLANK = re.compile(r"\n[ \t]*\n\s*")
_HARD = re.compile(r"\n[ \t]*\n[ \t]*\n")
_SENTENCE_END = tuple('.!?。！？…:;：；"”’)）」』')
_SOFT_BREAKS = "，、；,;：:"
_HEADING_MAX = 120


@dataclass
class _Unit:
    start: int
    end: int
    block: int
    page: int | None
    section: int
    heading: bool


def _blocks(text: str) -> list[tuple[int, int, int]]:
    """``(start, end, section)`` of each paragraph; ``section`` grows at every hard break."""
    out: list[tuple[int, int, int]] = []
    pos = 0
    section = 0
    for m in _BLANK.finditer(text):
        out.append((pos, m.start(), section))
        if _HARD.search(m.group(0)):
            section += 1
        pos = m.end()
    out.append((pos, len(text), section))
    return [(a, b, s) for a, b, s in out if text[a:b].strip()]


def _is_heading(block: str) -> bool:
    block = block.strip()
    if block.startswith("#"):
        return "\n" not in block
    return "\n" not in block and len(block) <= _HEADING_MAX and not block.endswith(_SENTENCE_END)


def _cut(text: str, start: int, end: int, max_chars: int) -> list[tuple[int, int]]:
    """Split an over-long sentence at word or clause boundaries into pieces ≤ max_chars."""
    pieces: list[tuple[int, int]] = []
    while end - start > max_chars:
        window = text[start : start + max_chars]
        floor = max_chars // 2
        cut = -1
        for i in range(len(window) - 1, floor - 1, -1):
            if window[i].isspace():
                cut = i
                break
        if cut < 0:
            for i in range(len(window) - 1, floor - 1, -1):
                if window[i] in _SOFT_BREAKS:
                    cut = i + 1
                    break
        if cut <= 0:
            cut = max_chars
        a, b = start, start + cut
        while b > a and text[b - 1].isspace():
            b -= 1
        if b > a:
            pieces.append((a, b))
        start += cut
        while start < end and text[start].isspace():
            start += 1
    if end > start:
        pieces.append((start, end))
    return pieces


def _units(doc: Document, max_chars: int) -> list[_Unit]:
    text = doc.text
    page_starts = [p.start for p in doc.pages]

    def page_of(offset: int) -> int | None:
        if not doc.pages:
            return None
        found = doc.page_at(offset)
        if found is not None:
            return found
        i = bisect.bisect_right(page_starts, offset) - 1
        return doc.pages[max(i, 0)].page

    units: list[_Unit] = []
    for n, (a, b, section) in enumerate(_blocks(text)):
        heading = _is_heading(text[a:b])
        for s, e in sentence_spans(text, a, b):
            for ps, pe in _cut(text, s, e, max_chars):
                units.append(_Unit(ps, pe, n, page_of(ps), section, heading))
    return units


def split_passages(doc: Document, *, sentences: int = 3, max_chars: int = 600) -> list[Passage]:
    """Group up to ``sentences`` consecutive sentences (at most ``max_chars`` characters) into
    passages with ids ``f"{content_hash[:12]}:{n}"``."""
    if sentences < 1 or max_chars < 20:
        raise ValueError("sentences must be >= 1 and max_chars >= 20")
    text = doc.text
    key = (
        doc.source.content_hash or hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()
    )
    units = _units(doc, max_chars)

    groups: list[list[_Unit]] = []
    current: list[_Unit] = []
    for unit in units:
        if current:
            last = current[-1]
            only_headings = all(u.heading for u in current)
            same_block = unit.block == last.block and unit.page == last.page
            # carried headings do not use up the passage's sentence budget
            counted = sum(1 for u in current if not (u.heading and u.block != unit.block))
            fits = counted < sentences and unit.end - current[0].start <= max_chars
            carry = (
                only_headings
                and unit.section == last.section
                and len(current) < 2 * sentences
                and unit.end - current[0].start <= max_chars
            )
            if not ((same_block and fits) or (not same_block and carry)):
                groups.append(current)
                current = []
        current.append(unit)
    if current:
        groups.append(current)

    passages: list[Passage] = []
    for n, group in enumerate(groups):
        start, end = group[0].start, group[-1].end
        passages.append(
            Passage(
                id=f"{key[:12]}:{n}",
                doc_url=doc.source.url,
                text=text[start:end],
                start=start,
                end=end,
                page=group[0].page,
                context=doc.source.title,
            )
        )
    return passages
