"""One row per document of a batch, for triage: ``summary.json``'s ``documents`` and
``summary.csv``, ordered with the documents that need a look first.

A row's ``status`` is ``failed`` (no report), ``incomplete`` (a report with claims that could
not be checked: ``not report.complete``) or ``done``. Its verdict counts are those of the
*checked* claims: a not-checked claim is counted in ``not_checked`` only (the report's own
summary counts its placeholder label under ``unverifiable``), so the label columns and
``not_checked`` add up to ``claims``.

``worst`` is the worst verdict on the truth scale among the checked claims: ``false`` and
``misattributed`` rank alike as the worst (the column says ``false`` when both occur), then
``partly_true``, ``mostly_true``, ``true``. ``unverifiable`` is not on that scale: it is the
worst verdict only of a document none of whose checked claims could be confirmed or refuted;
a document without checked claims has none.

Triage order (:func:`triage_key`): failed, incomplete, then by worst verdict — false /
misattributed, partly true, unverifiable only, mostly true, true, no claims — the documents
with more claims of their worst kind first, then by name.
"""

from __future__ import annotations

import csv
import io
from typing import Any, Literal

from pydantic import BaseModel, Field

from veracity.store.jobs import Job
from veracity.types import Label

DocStatus = Literal["done", "incomplete", "failed"]

TRUTH_SCALE_WORST_FIRST: tuple[Label, ...] = (
    Label.FALSE, Label.MISATTRIBUTED, Label.PARTLY_TRUE, Label.MOSTLY_TRUE, Label.TRUE,
)
"""The verdicts on the truth scale, worst first (``unverifiable`` is apart)."""

_WORST_RANK: dict[str | None, int] = {
    Label.FALSE.value: 0, Label.MISATTRIBUTED.value: 0, Label.PARTLY_TRUE.value: 1,
    Label.UNVERIFIABLE.value: 2, Label.MOSTLY_TRUE.value: 3, Label.TRUE.value: 4, None: 5,
}
_STATUS_RANK: dict[str, int] = {"failed": 0, "incomplete": 1, "done": 2}

CSV_COLUMNS: tuple[str, ...] = (
    "name", "status", "error", "claims", *(label.value for label in Label), "not_checked", "worst",
    "report", "run_id",
)
"""The columns of ``summary.csv``: one per verdict label between ``claims`` and ``not_checked``."""

_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


class DocumentRow(BaseModel):
    """One document of the batch, as it stands after this run."""

    name: str = Field(description="the document's key: its path in the input folder, or its JSONL id")
    status: DocStatus
    error: str | None = Field(default=None, description="why it failed, or what was not checked")
    claims: int = 0
    verdicts: dict[str, int] = Field(
        default_factory=lambda: {label.value: 0 for label in Label},
        description="checked claims per verdict label (not-checked claims are in not_checked only)",
    )
    not_checked: int = 0
    worst: Label | None = Field(default=None, description="worst verdict (see the module docstring)")
    report: str | None = Field(default=None, description="the report file, relative to the output folder")
    run_id: str | None = None

    @property
    def problem(self) -> bool:
        """Whether the row needs a look: failed, incomplete, or a verdict worse than mostly true."""
        return self.status != "done" or _WORST_RANK[self.worst.value if self.worst else None] <= 2


def worst_verdict(verdicts: dict[str, int]) -> Label | None:
    """The worst verdict of these counts of checked claims (see the module docstring)."""
    for label in TRUTH_SCALE_WORST_FIRST:
        if verdicts.get(label.value, 0) > 0:
            return label
    return Label.UNVERIFIABLE if verdicts.get(Label.UNVERIFIABLE.value, 0) > 0 else None


def document_row(
    name: str, job: Job, *, report: str | None = None, run_error: str | None = None,
) -> DocumentRow:
    """The row of one document from its job (``result`` as :func:`veracity.store.jobs.report_result`
    writes it). ``report``: its report file; ``run_error``: the stored run's error, which says
    what an incomplete run did not check."""
    if job.status != "done":
        return DocumentRow(name=name, status="failed", error=job.error or f"not finished ({job.status})",
                           run_id=job.run_id)
    result: dict[str, Any] = job.result or {}
    claims = int(result.get("claims") or 0)
    not_checked = int(result.get("not_checked") or 0)
    verdicts = {label.value: int((result.get("verdicts") or {}).get(label.value) or 0) for label in Label}
    unverifiable = Label.UNVERIFIABLE.value
    verdicts[unverifiable] = max(0, verdicts[unverifiable] - not_checked)  # placeholders out
    incomplete = not_checked > 0 or result.get("complete") is False
    error = None
    if incomplete:
        error = run_error or f"{not_checked} of {claims} claims not checked"
    return DocumentRow(
        name=name, status="incomplete" if incomplete else "done", error=error, claims=claims,
        verdicts=verdicts, not_checked=not_checked, worst=worst_verdict(verdicts), report=report,
        run_id=job.run_id,
    )


def triage_key(row: DocumentRow) -> tuple[int, int, int, str]:
    """Sort key putting the documents that need a look first (see the module docstring)."""
    worst = row.worst.value if row.worst else None
    rank = _WORST_RANK[worst]
    if rank == 0:
        n = row.verdicts[Label.FALSE.value] + row.verdicts[Label.MISATTRIBUTED.value]
    else:
        n = row.verdicts.get(worst, 0) if worst else 0
    return _STATUS_RANK[row.status], rank, -n, row.name


def triaged(rows: list[DocumentRow]) -> list[DocumentRow]:
    """The rows in triage order."""
    return sorted(rows, key=triage_key)


def _cell(value: str | None) -> str:
    """A text cell; one that a spreadsheet would run as a formula gets a leading ``'``."""
    if not value:
        return ""
    return "'" + value if value.startswith(_FORMULA_START) else value


def rows_csv(rows: list[DocumentRow]) -> str:
    """``summary.csv``: a header of :data:`CSV_COLUMNS`, then the rows (UTF-8 text, ``\\r\\n``
    line ends as the csv module writes them). Text cells that start like a spreadsheet formula
    (``= + - @``) get a leading ``'``."""
    buf = io.StringIO()
    writer = csv.DictWriter(buf, fieldnames=CSV_COLUMNS)
    writer.writeheader()
    for row in rows:
        writer.writerow({
            "name": _cell(row.name), "status": row.status, "error": _cell(row.error), "claims": row.claims,
            **row.verdicts, "not_checked": row.not_checked, "worst": row.worst.value if row.worst else "",
            "report": _cell(row.report), "run_id": row.run_id or "",
        })
    return buf.getvalue()
