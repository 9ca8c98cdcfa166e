"""LLM checklist: a language model splits the document into atomic, self-contained claims.

The model reads the document (in chunks of about :data:`CHUNK_CHARS` characters, cut at
paragraph breaks) and answers a :class:`ChecklistOutput`. Its answer is then held to the same
contract as the rule-based splitter's:

* every claim's ``span`` is where its ``original`` words sit in the input — found exactly, or
  ignoring whitespace and punctuation (then ``original`` becomes the exact text of that span);
  a quote that cannot be found keeps ``span=None``;
* nothing is silently lost: every claim of :func:`veracity.checklist.rules.split_claims` whose
  span no model claim overlaps is added back;
* claims with the same normalised text are merged, the list is sorted by position (claims
  without a span last) and numbered ``c1``…``cN``;
* more than ``max_claims`` claims raise :class:`~veracity.errors.InputError`, as the rules do.

A list of claims (``--claims``) is not rewritten: its ids and wording are the user's.
"""

from __future__ import annotations

import asyncio
import re
import unicodedata
from dataclasses import dataclass, field
from typing import Literal, get_args

from pydantic import BaseModel, Field, field_validator

from veracity.checklist import rules
from veracity.errors import InputError
from veracity.llm.base import StructuredLLM, language_name
from veracity.llm.render import neutralize_tags, render_prompt
from veracity.text import normalize_for_match
from veracity.types import Claim, InputDocument, Span

__all__ = [
    "CHUNK_CHARS",
    "CLAIM_TYPES",
    "ChecklistItem",
    "ChecklistOutput",
    "chunk_text",
    "llm_checklist",
    "locate",
]

CHUNK_CHARS = 12_000
"""Documents longer than this go to the model in several parts."""

ClaimType = Literal[
    "education", "employment", "role", "authorship", "award", "quantity", "date",
    "attribution", "biography", "event", "summary", "other",
]
CLAIM_TYPES: tuple[str, ...] = get_args(ClaimType)


class ChecklistItem(BaseModel):
    """One claim as the model writes it."""

    text: str = Field(description="atomic, self-contained claim: subject named, pronouns resolved, in the input language")
    original: str = Field(description="the words of the input this claim comes from, copied verbatim")
    type: ClaimType = "other"
    checkworthy: float = Field(default=0.5, ge=0.0, le=1.0, description="how much checking this claim matters")
    queries: list[str] = Field(default_factory=list, description="1-3 web search queries; one in English when the claim is not")

    @field_validator("type", mode="before")
    @classmethod
    def _known_type(cls, value: object) -> object:
        """An unknown or oddly cased type becomes ``other`` rather than a failed answer."""
        if isinstance(value, str):
            v = value.strip().lower()
            return v if v in CLAIM_TYPES else "other"
        return value

    @field_validator("checkworthy", mode="before")
    @classmethod
    def _clamp(cls, value: object) -> object:
        if isinstance(value, int | float) and not isinstance(value, bool):
            return min(1.0, max(0.0, float(value)))
        return value


class ChecklistOutput(BaseModel):
    claims: list[ChecklistItem] = Field(default_factory=list)


# --- chunks ----------------------------------------------------------------------------------

_CUTS = (re.compile(r"\n[ \t]*\n"), re.compile(r"\n"), re.compile(r"[。！？!?]|\.(?=\s)"))


def chunk_text(text: str, limit: int = CHUNK_CHARS) -> list[tuple[int, str]]:
    """``text`` cut into pieces of at most ``limit`` characters, as ``(offset, piece)`` pairs in
    order. Cuts fall after a blank line where possible, else after a line break, else after a
    sentence end, else at the limit. Blank pieces are left out."""
    pieces: list[tuple[int, str]] = []
    start = 0
    while len(text) - start > limit:
        cut = _cut_point(text, start, start + limit)
        pieces.append((start, text[start:cut]))
        start = cut
    pieces.append((start, text[start:]))
    return [(off, piece) for off, piece in pieces if piece.strip()]


def _cut_point(text: str, start: int, end: int) -> int:
    floor = start + (end - start) // 4  # never cut off a sliver
    for pattern in _CUTS:
        last = None
        for m in pattern.finditer(text, start, end):
            last = m
        if last is not None and last.end() > floor:
            return last.end()
    return end


# --- spans -----------------------------------------------------------------------------------

_ELLIPSIS = re.compile(r"…+|\.{3,}|⋯+")


def _kept(ch: str) -> bool:
    """Characters the tolerant search compares: no whitespace, punctuation or markup symbols."""
    return not ch.isspace() and unicodedata.category(ch)[0] not in "PZC" and ch not in "|`~^"


@dataclass
class _Folded:
    """A text with whitespace and punctuation removed, and where each kept character came from."""

    text: str
    chars: str = ""
    origin: list[int] = field(default_factory=list)

    def __post_init__(self) -> None:
        out: list[str] = []
        for i, ch in enumerate(self.text):
            for c in unicodedata.normalize("NFKC", ch).lower():
                if _kept(c):
                    out.append(c)
                    self.origin.append(i)
        self.chars = "".join(out)

    def index_of(self, offset: int) -> int:
        """The first folded position at or after text offset ``offset``."""
        lo, hi = 0, len(self.origin)
        while lo < hi:
            mid = (lo + hi) // 2
            if self.origin[mid] < offset:
                lo = mid + 1
            else:
                hi = mid
        return lo


def _fold(s: str) -> str:
    return "".join(c for c in unicodedata.normalize("NFKC", s).lower() if _kept(c))


def _windows(cursor: int, lo: int, hi: int, size: int) -> list[tuple[int, int]]:
    """Where to look, in order: from the cursor to the chunk's end, the chunk, everywhere."""
    return [(cursor, hi), (lo, hi), (0, size)]


def locate(
    text: str, original: str, *, lo: int = 0, hi: int | None = None, cursor: int | None = None,
    folded: _Folded | None = None,
) -> Span | None:
    """Where ``original`` sits in ``text``: exactly, else ignoring whitespace, punctuation, case
    and full-/half-width differences, else (for a quote with an ellipsis) from its first part to
    its last. Looks from ``cursor`` to ``hi`` first, then in ``[lo, hi)``, then anywhere."""
    hi = len(text) if hi is None else hi
    cursor = lo if cursor is None else cursor
    quote = original.strip()
    if not _fold(quote):
        return None  # only whitespace or punctuation: nothing to place
    for a, b in _windows(cursor, lo, hi, len(text)):
        i = text.find(quote, a, b)
        if i >= 0:
            return Span(start=i, end=i + len(quote))
    folded = folded or _Folded(text)
    span = _locate_folded(folded, quote, cursor, lo, hi)
    if span is not None:
        return span
    parts = [p.strip() for p in _ELLIPSIS.split(quote) if len(_fold(p)) >= 2]
    if len(parts) >= 2:
        first = locate(text, parts[0], lo=lo, hi=hi, cursor=cursor, folded=folded)
        if first is not None:
            last = locate(text, parts[-1], lo=first.end, hi=hi, cursor=first.end, folded=folded)
            if last is not None and last.start >= first.end and last.end - first.start <= 3 * len(quote) + 80:
                return Span(start=first.start, end=last.end)
    return None


def _locate_folded(folded: _Folded, quote: str, cursor: int, lo: int, hi: int) -> Span | None:
    key = _fold(quote)
    if len(key) < 4:
        return None  # too short to place without its punctuation
    for a, b in _windows(cursor, lo, hi, len(folded.text)):
        fa, fb = folded.index_of(a), folded.index_of(b)
        k = folded.chars.find(key, fa, fb)
        if k >= 0:
            return Span(start=folded.origin[k], end=folded.origin[k + len(key) - 1] + 1)
    return None


# --- the stage -------------------------------------------------------------------------------


def _output_language(lang: str) -> str:
    return language_name(lang) if lang in ("zh", "en") else "the language of the document"


def _clean(s: str) -> str:
    return " ".join(s.split())


def _queries(items: list[str]) -> list[str]:
    out: list[str] = []
    seen: set[str] = set()
    for q in items:
        q = _clean(q)
        key = normalize_for_match(q)
        if q and key not in seen:
            seen.add(key)
            out.append(q)
    return out[:3]


def _overlaps(a: Span, b: Span) -> bool:
    return a.start < b.end and b.start < a.end


def _overlap(a: Span, b: Span) -> int:
    return max(0, min(a.end, b.end) - max(a.start, b.start))


def _in_order(claims: list[Claim]) -> list[Claim]:
    """By span start; claims without a span last, in their given order (the sort is stable)."""
    return sorted(claims, key=lambda c: (c.span is None, c.span.start if c.span else 0))


def _dedupe(claims: list[Claim], seen: set[str]) -> list[Claim]:
    out: list[Claim] = []
    for claim in claims:
        key = normalize_for_match(claim.text).rstrip("。.!！")
        if key not in seen:
            seen.add(key)
            out.append(claim)
    return out


async def llm_checklist(
    doc: InputDocument, llm: StructuredLLM, *, max_claims: int = 500, rule_claims: list[Claim] | None = None,
) -> list[Claim]:
    """The checklist of ``doc`` as a language model writes it (stage ``checklist``), held to
    the rule-based splitter's guarantees (see the module docstring). ``rule_claims``: the
    rule-based checklist of ``doc`` when the caller already made it (it is not made again)."""
    if doc.kind == "claims":
        return rules.split_claims(doc, max_claims=max_claims)
    text = doc.text
    chunks = chunk_text(text)
    subject = rules.main_subject(doc) or ""
    language = _output_language(doc.language)
    prompts = [
        render_prompt(
            "checklist",
            language=language,
            subject=subject,
            part=f"part {i} of {len(chunks)}",
            document=neutralize_tags(piece),
        )
        for i, (_, piece) in enumerate(chunks, 1)
    ]
    answers = await asyncio.gather(*(llm.structured("checklist", m, ChecklistOutput) for m in prompts))

    folded = _Folded(text)
    found: list[Claim] = []
    for (offset, piece), answer in zip(chunks, answers, strict=True):
        cursor = offset
        for item in answer.claims:
            claim_text = _clean(item.text)
            if not claim_text:
                continue
            original = item.original.strip() or claim_text
            span = locate(text, original, lo=offset, hi=offset + len(piece), cursor=cursor, folded=folded)
            if span is not None:
                original = text[span.start : span.end]
                cursor = span.start
            found.append(
                Claim(
                    id="c0",
                    text=claim_text,
                    original=original,
                    span=span,
                    language=doc.language,
                    type=item.type,
                    checkworthy=item.checkworthy,
                    queries=_queries(item.queries),
                )
            )

    backstop = rule_claims if rule_claims is not None else rules.split_claims(doc)
    for claim in found:  # the heading a claim sits under, from the rule claim it overlaps most
        if claim.span is not None:
            span = claim.span
            best = max(
                (r for r in backstop if r.span is not None and _overlaps(r.span, span)),
                key=lambda r: _overlap(r.span, span) if r.span else 0,
                default=None,
            )
            if best is not None:
                claim.context = best.context
    covered = [c.span for c in found if c.span is not None]
    missed = [
        r for r in backstop
        if r.span is not None and not any(_overlaps(r.span, s) for s in covered)
    ]

    # same text twice: the model's claim wins over a rule claim, the earlier one over the later
    seen: set[str] = set()
    kept = _dedupe(_in_order(found), seen) + _dedupe(_in_order(missed), seen)
    out = [c.model_copy(update={"id": f"c{i}"}) for i, c in enumerate(_in_order(kept), 1)]
    if len(out) > max_claims:
        raise InputError(
            f"document yields {len(out)} claims; the limit is {max_claims} "
            f"(set VERACITY_MAX_CLAIMS or --max-claims)"
        )
    return out
