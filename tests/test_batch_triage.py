"""Batch triage: one row per document in summary.json and summary.csv — status done /
incomplete / failed, verdict counts, worst verdict, report file — and the stderr table with the
documents that need a look first.

The batch bookkeeping (jobs, store, outputs, summaries, the CLI) is the real one; only the
checking of a document is replaced, by a stand-in that reads the verdicts off the document's
words, so the test needs no corpus, encoder or model and runs in well under a second per batch.
"""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

import veracity.batch.runner as runner
from conftest import write_tree
from veracity.batch.cli import batch as batch_cmd
from veracity.batch.triage import (
    CSV_COLUMNS,
    DocumentRow,
    document_row,
    rows_csv,
    triaged,
    worst_verdict,
)
from veracity.store.jobs import Job
from veracity.types import ClaimReport, InputDocument, Label, Report, Verdict, not_checked_verdict

DOCS = {
    "ok.txt": "true true",
    "bad.txt": "true false misattributed false",
    "partly.txt": "mostly_true partly_true",
    "unsure.txt": "unverifiable unverifiable",
    "mostly.txt": "mostly_true true",
    "down.txt": "false down down",      # two claims the "model" could not check
    "boom.txt": "true boom",            # the check raises: the document fails
    "empty.txt": "",                     # cannot be read: fails before any check
}
TRIAGE_ORDER = ["boom.txt", "empty.txt", "down.txt", "bad.txt", "partly.txt", "unsure.txt", "mostly.txt", "ok.txt"]


def fake_check(*, down_fails: bool = True) -> Any:
    """A stand-in for :func:`veracity.batch.runner.check_document`: one claim per word of the
    document, its verdict the word; ``down``: a not-checked claim (while ``down_fails``)."""
    n = {"runs": 0}

    async def check(doc: InputDocument, res: Any, options: Any, **_: Any) -> Report:
        n["runs"] += 1
        rows = []
        for i, word in enumerate(doc.text.split(), 1):
            if word == "boom":
                raise RuntimeError("the judge exploded on claim 2")
            if word == "down" and down_fails:
                rows.append(ClaimReport(id=f"c{i}", text=word, status="not_checked", error="model timed out",
                                        verdict=not_checked_verdict("model timed out", "en")))
                continue
            label = Label.TRUE if word == "down" else Label(word)
            rows.append(ClaimReport(id=f"c{i}", text=word,
                                    verdict=Verdict(label=label, confidence=0.9, rationale="stand-in")))
        return Report(run_id=f"r{n['runs']}", language="en", judge="stand-in", claims=rows)

    check.calls = n  # type: ignore[attr-defined]
    return check


@pytest.fixture
def env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> dict[str, Path]:
    for name in ("VERACITY_LLM_BASE_URL", "VERACITY_DB_PATH"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("VERACITY_CACHE_DIR", str(tmp_path / "cache"))
    return {"docs": write_tree(tmp_path / "docs", DOCS), "out": tmp_path / "out", "db": tmp_path / "db.sqlite"}


def invoke(env: dict[str, Path], *extra: str) -> Any:
    return CliRunner().invoke(batch_cmd, [str(env["docs"]), "-o", str(env["out"]), "--db", str(env["db"]),
                                          "--format", "md,claimreview", *extra])


def read_csv(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def test_summary_rows_csv_and_table_put_problems_first(env: dict[str, Path], monkeypatch: pytest.MonkeyPatch) -> None:
    check = fake_check()
    monkeypatch.setattr(runner, "check_document", check)
    result = invoke(env)
    assert result.exit_code == 4, result.output  # two documents failed
    summary = json.loads((env["out"] / "summary.json").read_text(encoding="utf-8"))
    rows = summary["documents"]
    assert [r["name"] for r in rows] == TRIAGE_ORDER
    assert (summary["documents_total"], summary["done"], summary["failed"], summary["incomplete"]) == (8, 6, 2, 1)
    by = {r["name"]: r for r in rows}

    # statuses and errors
    assert {n: r["status"] for n, r in by.items()} == {
        "boom.txt": "failed", "empty.txt": "failed", "down.txt": "incomplete", "bad.txt": "done",
        "partly.txt": "done", "unsure.txt": "done", "mostly.txt": "done", "ok.txt": "done"}
    assert "the judge exploded" in by["boom.txt"]["error"] and by["empty.txt"]["error"]
    assert by["down.txt"]["error"] == "2 of 3 claims not checked"  # no run in the store: the counts say it
    assert by["ok.txt"]["error"] is None

    # counts: checked claims per label, not-checked apart; they add up to the claims
    assert by["bad.txt"]["verdicts"] == {"true": 1, "mostly_true": 0, "partly_true": 0, "false": 2,
                                         "misattributed": 1, "unverifiable": 0}
    assert (by["down.txt"]["claims"], by["down.txt"]["not_checked"], by["down.txt"]["verdicts"]["unverifiable"]) == (3, 2, 0)
    for r in rows:
        assert sum(r["verdicts"].values()) + r["not_checked"] == r["claims"]
    # the summary's totals still count a not-checked claim's placeholder label, as reports do
    assert summary["verdicts"]["unverifiable"] == 2 + 2

    # worst verdict: false before misattributed; unverifiable only when nothing else
    assert {n: r["worst"] for n, r in by.items()} == {
        "boom.txt": None, "empty.txt": None, "down.txt": "false", "bad.txt": "false", "partly.txt": "partly_true",
        "unsure.txt": "unverifiable", "mostly.txt": "mostly_true", "ok.txt": "true"}

    # report: the first requested format's file, which exists; none for a failed document
    assert by["ok.txt"]["report"] == "ok.txt.md" and (env["out"] / "ok.txt.md").exists()
    assert (env["out"] / "ok.txt.claimreview.json").exists()
    assert by["boom.txt"]["report"] is None
    assert json.loads((env["out"] / "bad.txt.claimreview.json").read_text(encoding="utf-8"))[1]["reviewRating"]["ratingValue"] == 1

    # summary.csv: the same rows, same order, one column per label
    table = read_csv(env["out"] / "summary.csv")
    assert tuple(table[0]) == CSV_COLUMNS
    assert [r["name"] for r in table] == TRIAGE_ORDER
    for line, row in zip(table, rows, strict=True):
        assert line["status"] == row["status"] and int(line["claims"]) == row["claims"]
        assert {label.value: int(line[label.value]) for label in Label} == row["verdicts"]
        assert int(line["not_checked"]) == row["not_checked"] and line["worst"] == (row["worst"] or "")
        assert line["report"] == (row["report"] or "") and line["error"] == (row["error"] or "")

    # stderr: the documents table, problems first
    out = result.output[result.output.index("documents, problems first"):]
    positions = [out.index(name) for name in TRIAGE_ORDER]
    assert positions == sorted(positions), out
    assert "incomplete" in out and "summary.csv" in out


def test_a_rerun_retries_failed_and_incomplete_documents_only(
    env: dict[str, Path], monkeypatch: pytest.MonkeyPatch,
) -> None:
    first = fake_check()
    monkeypatch.setattr(runner, "check_document", first)
    assert invoke(env, "-q").exit_code == 4
    assert first.calls["runs"] == 7  # every readable document

    second = fake_check(down_fails=False)  # the model is back
    monkeypatch.setattr(runner, "check_document", second)
    again = invoke(env, "-q")
    assert again.exit_code == 4 and again.output == ""
    assert second.calls["runs"] == 2  # down.txt (incomplete) and boom.txt (failed); the rest skipped
    summary = json.loads((env["out"] / "summary.json").read_text(encoding="utf-8"))
    assert summary["checked"] == 1 and summary["skipped"] == 5 and summary["incomplete"] == 0
    down = next(r for r in summary["documents"] if r["name"] == "down.txt")
    assert (down["status"], down["not_checked"], down["error"], down["worst"]) == ("done", 0, None, "false")
    assert [r["name"] for r in summary["documents"]][:3] == ["boom.txt", "empty.txt", "bad.txt"]


# --- the rules, one by one ------------------------------------------------------------------------


def _job(status: str, result: dict[str, Any] | None = None, error: str | None = None) -> Job:
    return Job(id="j", kind="batch", status=status, result=result, error=error, created="2026-01-01", run_id="r1")  # type: ignore[arg-type]


def test_worst_verdict_ranks_the_truth_scale_and_keeps_unverifiable_apart() -> None:
    assert worst_verdict({"true": 3, "misattributed": 1}) is Label.MISATTRIBUTED
    assert worst_verdict({"misattributed": 1, "false": 1}) is Label.FALSE
    assert worst_verdict({"true": 1, "unverifiable": 5}) is Label.TRUE
    assert worst_verdict({"unverifiable": 2}) is Label.UNVERIFIABLE
    assert worst_verdict({}) is None


def test_document_row_from_job_results_old_and_new() -> None:
    old = document_row("a", _job("done", {"claims": 2, "verdicts": {"true": 1, "unverifiable": 1}}))
    assert (old.status, old.not_checked, old.verdicts["unverifiable"], old.worst) == ("done", 0, 1, Label.TRUE)
    incomplete = document_row("b", _job("done", {"claims": 2, "verdicts": {"unverifiable": 2}, "not_checked": 1,
                                                 "complete": False}), run_error="1 of 2 claims not checked: down")
    assert (incomplete.status, incomplete.error, incomplete.verdicts["unverifiable"]) == (
        "incomplete", "1 of 2 claims not checked: down", 1)
    stuck = document_row("c", _job("running"))
    assert (stuck.status, stuck.error, stuck.claims) == ("failed", "not finished (running)", 0)


def test_triage_order_within_a_rank_puts_more_problem_claims_first() -> None:
    def row(name: str, **verdicts: int) -> DocumentRow:
        counts = {label.value: verdicts.get(label.value, 0) for label in Label}
        return DocumentRow(name=name, status="done", claims=sum(counts.values()), verdicts=counts,
                           worst=worst_verdict(counts))

    rows = [row("a", true=1), row("b", false=1), row("c", misattributed=2), row("d"), row("e", partly_true=1)]
    assert [r.name for r in triaged(rows)] == ["c", "b", "e", "a", "d"]
    assert [r.problem for r in triaged(rows)] == [True, True, True, False, False]


def test_csv_text_cells_cannot_run_as_spreadsheet_formulas() -> None:
    rows = [DocumentRow(name="=HYPERLINK(\"http://x\")", status="failed", error="-1 bad, \"quoted\"\nnext line"),
            DocumentRow(name="plain, with comma", status="done", report="plain.md")]
    parsed = list(csv.DictReader(io.StringIO(rows_csv(rows))))
    assert parsed[0]["name"] == "'=HYPERLINK(\"http://x\")"
    assert parsed[0]["error"] == "'-1 bad, \"quoted\"\nnext line"
    assert parsed[1]["name"] == "plain, with comma" and parsed[1]["report"] == "plain.md"
    assert parsed[1]["worst"] == "" and parsed[1]["true"] == "0"


def test_a_document_named_like_another_ones_claimreview_file_gets_its_own_name() -> None:
    from veracity.batch.inputs import output_names

    names = output_names(["a", "a.claimreview", "summary"])
    assert names["a"] == "a"
    # "a.claimreview" + ".json" would be a's ClaimReview file; "summary" the batch's own files
    assert names["a.claimreview"].startswith("a.claimreview-") and names["summary"].startswith("summary-")
