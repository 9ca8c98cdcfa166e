"""What a report shows before its table, computed from the rows (no model writes any of it).

* :func:`row_key` — a row's verdict label, or ``not_checked`` for a row that got no verdict (its
  placeholder ``unverifiable`` is never shown as a verdict);
* :func:`display_counts` — rows per verdict shown apart from the not-checked rows, so that the
  ``unverifiable`` count a reader sees excludes the placeholders (``Report.summary`` keeps them);
* :func:`problems` — the rows an editor must look at first: ``false``, ``misattributed``,
  ``partly_true`` and not-checked rows, most severe first, each with a one-sentence reason;
* :func:`unverified` — the rows that were checked but could not be verified, with their reason;
* :func:`ordered_rows` — the rows in checklist order, or problems first;
* :func:`coverage_sources` — the report's sources, failures first;
* :func:`deciding_evidence` — the quote that decided a row and the rest;
* :func:`original_differs` — whether the input's wording differs from the claim in its words.

The renderers (Markdown, HTML, and the web page's script, which mirrors these rules) print them.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from veracity.text import clean_whitespace, split_sentences
from veracity.types import ClaimReport, Coverage, Evidence, Label, Report, SourceCoverage, Stance

NOT_CHECKED = "not_checked"
"""The key of a row with no verdict (``status == "not_checked"``)."""

ORDERS = ("checklist", "problems")
"""Row orders: the checklist's (the default) or problems first."""

PROBLEM_KEYS = (Label.FALSE.value, Label.MISATTRIBUTED.value, Label.PARTLY_TRUE.value, NOT_CHECKED)
"""The keys of the rows listed first, most severe first."""

ROW_KEYS = (*PROBLEM_KEYS, Label.UNVERIFIABLE.value, Label.MOSTLY_TRUE.value, Label.TRUE.value)
"""Every row key, in the problems-first order."""

DISPLAY_KEYS = (*(label.value for label in Label), NOT_CHECKED)
"""Every row key, in the order counts are printed (the verdict scale, then not checked)."""

REASON_MAX = 300
"""The longest reason printed in the overview (characters); longer ones are cut with "…"."""

_WORD = re.compile(r"[^\W_]+")


def row_key(row: ClaimReport) -> str:
    """``not_checked`` for a row without a verdict, else its verdict label's value."""
    return NOT_CHECKED if row.status == "not_checked" else row.verdict.label.value


def is_problem(row: ClaimReport) -> bool:
    return row_key(row) in PROBLEM_KEYS


def display_counts(report: Report) -> list[tuple[str, int]]:
    """The non-zero counts a report prints, verdicts first and not-checked rows apart:
    ``summary.counts["unverifiable"]`` includes the not-checked rows, the count shown does not."""
    summary = report.summary
    counts = dict(summary.counts)
    counts[Label.UNVERIFIABLE.value] = counts.get(Label.UNVERIFIABLE.value, 0) - summary.not_checked
    counts[NOT_CHECKED] = summary.not_checked
    return [(key, counts.get(key, 0)) for key in DISPLAY_KEYS if counts.get(key, 0) > 0]


def shorten(text: str, limit: int = REASON_MAX) -> str:
    text = clean_whitespace(text)
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def first_sentence(text: str) -> str:
    """The first sentence of ``text`` on one line (at most :data:`REASON_MAX` characters)."""
    sentences = split_sentences(text.strip())
    return shorten(sentences[0]) if sentences else ""


@dataclass(frozen=True)
class Line:
    """One line of the overview: a row, its key and its reason (a sentence, or the error)."""

    row: ClaimReport
    key: str
    reason: str


def reason(row: ClaimReport) -> str:
    """Why a row stands as it does in one sentence: the first sentence of its rationale, or for a
    not-checked row its error (the renderers word the error in the report's language)."""
    if row.status == "not_checked":
        return shorten(row.error or "")
    return first_sentence(row.verdict.rationale)


def problems(report: Report) -> list[Line]:
    """The false, misattributed, partly true and not-checked rows, most severe first."""
    rank = {key: i for i, key in enumerate(PROBLEM_KEYS)}
    rows = [r for r in report.claims if is_problem(r)]
    rows.sort(key=lambda r: rank[row_key(r)])  # stable: checklist order within a key
    return [Line(r, row_key(r), reason(r)) for r in rows]


def unverified(report: Report) -> list[Line]:
    """The checked rows whose verdict is ``unverifiable``, in checklist order."""
    return [Line(r, row_key(r), reason(r)) for r in report.claims
            if row_key(r) == Label.UNVERIFIABLE.value]


def ordered_rows(report: Report, order: str = "checklist") -> list[ClaimReport]:
    """The rows in checklist order, or with ``order="problems"`` most severe first (then
    unverifiable, mostly true, true; checklist order within each)."""
    if order not in ORDERS:
        raise ValueError(f"unknown row order {order!r}; choose one of {', '.join(ORDERS)}")
    if order == "checklist":
        return list(report.claims)
    rank = {key: i for i, key in enumerate(ROW_KEYS)}
    return sorted(report.claims, key=lambda r: rank[row_key(r)])


_STATUS_RANK = {"failed": 0, "degraded": 1, "ok": 2}


def coverage_sources(coverage: Coverage) -> list[SourceCoverage]:
    """The sources of a run, failed first, then degraded, then the rest (run order kept)."""
    return sorted(coverage.sources, key=lambda s: _STATUS_RANK.get(s.status, 2))


def source_error(source: SourceCoverage) -> str | None:
    """A source's first error without the ``name:`` prefix its provider put there (the name is
    printed beside it)."""
    error = source.error
    if error and error.startswith(f"{source.name}:"):
        error = error[len(source.name) + 1:].strip()
    return error or None


def deciding_evidence(row: ClaimReport) -> tuple[Evidence | None, list[Evidence]]:
    """The quote that decided the row — its first supporting or refuting quote — and the rest,
    in their order. A row whose quotes are all context has no deciding quote."""
    for i, ev in enumerate(row.evidence):
        if ev.stance in (Stance.SUPPORTS, Stance.REFUTES):
            return ev, row.evidence[:i] + row.evidence[i + 1:]
    return None, list(row.evidence)


def letters(text: str) -> str:
    """``text`` for comparison: NFKC, lower case, only its letters and digits (no punctuation or
    spacing, which Chinese text does not put between words anyway)."""
    return "".join(_WORD.findall(unicodedata.normalize("NFKC", text).casefold()))


def original_differs(original: str | None, text: str) -> bool:
    """Whether the input's wording is worth showing beside the claim: its words differ from the
    claim's once case, spacing and punctuation are set aside, and they are not simply part of
    the claim (a claim that only names the subject before the input's words, "Jack Rae
    本科毕业于…" for "本科毕业于…", adds nothing worth a second line)."""
    if not original:
        return False
    said, claim = letters(original), letters(text)
    return said != claim and said not in claim


__all__ = [
    "DISPLAY_KEYS",
    "NOT_CHECKED",
    "ORDERS",
    "PROBLEM_KEYS",
    "ROW_KEYS",
    "Line",
    "coverage_sources",
    "deciding_evidence",
    "display_counts",
    "first_sentence",
    "is_problem",
    "letters",
    "ordered_rows",
    "original_differs",
    "problems",
    "reason",
    "row_key",
    "shorten",
    "source_error",
    "unverified",
]
