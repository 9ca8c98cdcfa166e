"""``veracity runs``, ``calls`` and ``show`` for people: header rows, titles and verdict
counts in the listing, and a run named by ``latest`` or by a unique prefix of its id."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result

from veracity.cli import main, run_title, skipped_files_line, text_table, verdict_summary
from veracity.errors import RunNotFound
from veracity.llm.base import LLMCall
from veracity.store import Store
from veracity.types import Claim, ClaimReport, Label, Stats, Verdict

RUNS: dict[str, tuple[str, str, str | None, list[Label | str | None]]] = {
    # id: (created, input, title, labels; None = research failed, "" = no verdict yet)
    "20250301-090000-aaaaaa": ("2025-03-01T09:00:00+00:00", "docs/profile.md", "Jack Rae — a profile",
                               [Label.TRUE, Label.TRUE, Label.FALSE, Label.UNVERIFIABLE, None]),
    "20250302-100000-abcdef": ("2025-03-02T10:00:00+00:00", "submitted text", "Notes on otters",
                               [Label.MOSTLY_TRUE]),
    "20250303-110000-abc123": ("2025-03-03T11:00:00+00:00", "/tmp/in/claims.txt", None,
                               [Label.PARTLY_TRUE, ""]),
}
NEWEST = "20250303-110000-abc123"


def _claim_report(claim: Claim, label: Label | None) -> ClaimReport:
    if label is None:
        return ClaimReport(id=claim.id, text=claim.text, status="not_checked", error="model unavailable",
                           verdict=Verdict(label=Label.UNVERIFIABLE, confidence=0.0, rationale="not checked"))
    return ClaimReport(id=claim.id, text=claim.text,
                       verdict=Verdict(label=label, confidence=0.8, rationale=f"judged {label.value}"))


@pytest.fixture
def db(tmp_path: Path) -> Path:
    path = tmp_path / "runs.sqlite"
    with Store(path) as store:
        for run_id, (created, source, title, labels) in RUNS.items():
            store.start_run(run_id, input=source, title=title, language="en", judge="evidence-match",
                            uses_llm=run_id == NEWEST, options={}, created=created)
            claims = [Claim(id=f"c{i}", text=f"Claim {i} of {run_id}.", original=f"Claim {i}.") for i in range(1, len(labels) + 1)]
            store.save_claims(run_id, claims)
            for claim, label in zip(claims, labels, strict=True):
                if label != "":
                    store.save_result(run_id, _claim_report(claim, Label(label) if label else None))
            if run_id != NEWEST:  # the newest is still running
                failed = any(label is None for label in labels)
                store.finish_run(run_id, Stats(), status="incomplete" if failed else "done",
                                 error="1 of 5 claims not checked: model unavailable" if failed else None)
        for stage, tokens in (("checklist", 1200), ("judge", 800)):
            store.record_llm_call(NEWEST, LLMCall(
                stage=stage, model="scripted-model-with-a-long-name", mode="json_schema",
                messages=[{"role": "system", "content": "You check facts."}], response="{}",
                prompt_tokens=tokens, completion_tokens=40, latency_ms=210.4, cost_usd=0.00123,
                cached=stage == "judge", error="bad\nanswer" if stage == "judge" else None))
    return path


def _invoke(*args: str) -> Result:
    return CliRunner().invoke(main, list(args))


def test_runs_lists_a_header_titles_and_verdict_counts(db: Path) -> None:
    result = _invoke("runs", "--db", str(db))
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert lines[0].split() == ["ID", "STATUS", "CREATED", "(UTC)", "LANG", "CLAIMS", "TITLE", "VERDICTS"]
    assert [line.split()[0] for line in lines[1:]] == [NEWEST, "20250302-100000-abcdef", "20250301-090000-aaaaaa"]
    newest, otters, profile = lines[1:]
    # the input's file name when there is no title; "not judged" for a claim without a verdict yet
    assert "running" in newest and "2025-03-03 11:00" in newest and "claims.txt" in newest
    assert "/tmp/in" not in newest and newest.endswith("1 partly true, 1 not judged")
    # the title, never the "submitted text" origin
    assert "Notes on otters" in otters and "submitted text" not in otters and otters.endswith("1 mostly true")
    assert "incomplete" in profile and "Jack Rae — a profile" in profile
    assert profile.endswith("2 true, 1 false, 1 unverifiable, 1 not checked")
    # columns line up under the header
    for header_word in ("STATUS", "CLAIMS", "TITLE", "VERDICTS"):
        col = lines[0].index(header_word)
        assert all(line[col - 2 : col] == "  " for line in lines[1:]), header_word
    assert [line[lines[0].index("CLAIMS") :].split()[0] for line in lines[1:]] == ["2", "1", "5"]
    assert result.stderr == ""


def test_runs_json_is_one_object_per_run(db: Path) -> None:
    result = _invoke("runs", "--db", str(db), "--json", "-n", "2")
    assert result.exit_code == 0, result.output
    rows = [json.loads(line) for line in result.stdout.splitlines()]
    assert [r["id"] for r in rows] == [NEWEST, "20250302-100000-abcdef"]
    assert rows[0]["verdicts"] == {"partly_true": 1, "not_judged": 1} and rows[0]["status"] == "running"
    assert rows[1]["title"] == "Notes on otters" and rows[1]["input"] == "submitted text"


def test_runs_on_an_empty_store_says_so_without_a_header(tmp_path: Path) -> None:
    result = _invoke("runs", "--db", str(tmp_path / "new.sqlite"))
    assert result.exit_code == 0 and result.stdout == "" and result.stderr == "no runs yet\n"


def test_show_latest_and_a_unique_prefix(db: Path) -> None:
    latest = _invoke("show", "latest", "--db", str(db), "--format", "json")
    assert latest.exit_code == 0, latest.output
    assert json.loads(latest.stdout)["run_id"] == NEWEST
    prefix = _invoke("show", "20250301", "--db", str(db), "--format", "json")
    assert prefix.exit_code == 0, prefix.output
    assert json.loads(prefix.stdout)["run_id"] == "20250301-090000-aaaaaa"
    exact = _invoke("show", "20250302-100000-abcdef", "--db", str(db), "--format", "json")
    assert json.loads(exact.stdout)["title"] == "Notes on otters"
    # resume takes a prefix too (a finished run is printed as it is)
    resumed = _invoke("resume", "20250302", "--db", str(db), "--format", "json", "-q")
    assert resumed.exit_code == 0, resumed.output
    assert json.loads(resumed.stdout)["run_id"] == "20250302-100000-abcdef"


def test_an_ambiguous_prefix_is_one_line_listing_the_candidates(db: Path) -> None:
    for command in (["show"], ["calls"], ["resume", "-q"]):
        result = _invoke(*command, "2025030", "--db", str(db))
        assert result.exit_code == 2, (command, result.output)
        assert result.stdout == ""
        assert result.stderr == (
            "veracity: error: run id prefix '2025030' is ambiguous: it matches 20250303-110000-abc123, "
            "20250302-100000-abcdef, 20250301-090000-aaaaaa; give more of the id\n"
        )
    narrower = _invoke("show", "2025030", "--db", str(db))
    assert narrower.exit_code == 2  # still ambiguous: nothing was changed by the attempts


def test_an_unknown_id_is_the_one_line_error(db: Path, tmp_path: Path) -> None:
    for command in (["show"], ["calls"], ["resume", "-q"]):
        result = _invoke(*command, "nope", "--db", str(db))
        assert result.exit_code == 2 and result.stderr == "veracity: error: no run with id 'nope'\n", command
    empty = _invoke("show", "latest", "--db", str(tmp_path / "empty.sqlite"))
    assert empty.exit_code == 2 and empty.stderr.startswith("veracity: error: no runs yet in the store")
    assert len(empty.stderr.splitlines()) == 1


def test_resolve_run_id_in_the_store(db: Path) -> None:
    with Store(db) as store:
        assert store.resolve_run_id("latest") == NEWEST
        assert store.resolve_run_id("20250302") == "20250302-100000-abcdef"
        assert store.resolve_run_id("20250303-110000-abc123") == NEWEST
        for bad in ("", "%", "2025030_", "20250303-110000-abc1234"):
            with pytest.raises(RunNotFound, match="no run with id"):
                store.resolve_run_id(bad)
        assert store.verdict_counts(["20250301-090000-aaaaaa", "unknown"]) == {
            "20250301-090000-aaaaaa": {"true": 2, "false": 1, "unverifiable": 1, "not_checked": 1},
            "unknown": {},
        }


def test_calls_has_a_header_and_takes_latest(db: Path) -> None:
    result = _invoke("calls", "latest", "--db", str(db))
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert lines[0].split() == ["#", "STAGE", "MODEL", "MODE", "TOKENS", "IN+OUT", "LATENCY", "COST", "NOTES"]
    assert len(lines) == 3
    assert lines[1].split()[:6] == ["1", "checklist", "scripted-model-with-a-long-name", "json_schema",
                                    "1200+40", "210"]
    assert lines[2].split()[1] == "judge" and lines[2].endswith("cached error: bad answer")
    assert lines[1].index("json_schema") == lines[0].index("MODE ") == lines[2].index("json_schema")
    as_json = _invoke("calls", "20250303", "--db", str(db), "--json")
    rows = [json.loads(line) for line in as_json.stdout.splitlines()]
    assert [r["stage"] for r in rows] == ["checklist", "judge"]  # no header among the JSON lines
    none = _invoke("calls", "20250301", "--db", str(db))
    assert none.exit_code == 0 and none.stdout == ""
    assert none.stderr == "run 20250301-090000-aaaaaa made no language-model calls\n"


def test_listing_helpers() -> None:
    assert verdict_summary({"not_judged": 1, "false": 2, "true": 3, "weird": 1}) == "3 true, 2 false, 1 not judged, 1 weird"
    assert verdict_summary({}) == ""
    assert run_title({"title": "  A\ntitle ", "input": "x/y.md"}) == "A title"
    assert run_title({"title": None, "input": "x/y.md"}) == "y.md"
    assert run_title({"title": "", "input": "https://example.org/a/b"}) == "https://example.org/a/b"
    assert run_title({"title": None, "input": "-"}) == "stdin"
    line = skipped_files_line(["/c/a.docx: unsupported file type .docx", "/c/b.pdf: malformed PDF: bad xref"])
    assert line == ("veracity: note: 2 corpus files skipped: a.docx (unsupported file type .docx), "
                    "b.pdf (malformed PDF: bad xref)")
    assert skipped_files_line(["/c/only.xlsx: unsupported file type .xlsx"]).startswith(
        "veracity: note: 1 corpus file skipped: only.xlsx")


def test_text_table_lines_up_chinese_titles() -> None:
    lines = text_table(["N", "TITLE", "VERDICTS"], [["1", "杰克雷简介", "1 true"], ["12", "A profile", "2 false"]],
                       right=(0,))
    assert lines == [
        " N  TITLE       VERDICTS",
        " 1  杰克雷简介  1 true",  # ten terminal cells wide
        "12  A profile   2 false",
    ]


def test_check_says_its_closing_line_in_the_reports_language(
    tmp_path: Path, one_encoder: Any, example_cache_dir: Path, monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A Chinese document's run ends with the Chinese closing line; ``--lang en`` keeps it English."""
    monkeypatch.setenv("VERACITY_CACHE_DIR", str(example_cache_dir))
    monkeypatch.delenv("VERACITY_LLM_BASE_URL", raising=False)
    doc = tmp_path / "doc.md"
    doc.write_text("赵敏于2012年加入国际货币基金组织。", encoding="utf-8")
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "imf.md").write_text("# 赵敏\n\n赵敏于2012年加入国际货币基金组织担任高级经济学家。\n", encoding="utf-8")
    base = ["check", str(doc), "--corpus", str(corpus), "--db", str(tmp_path / "db.sqlite"), "--format", "json"]
    zh = CliRunner().invoke(main, base)
    assert zh.exit_code == 0, zh.output
    line = zh.stderr.strip().splitlines()[-1]
    assert re.fullmatch(r"veracity：运行 \S+ 核查完成：共 1 项陈述，属实 1 项，用时 [\d.]+ 秒", line), line
    en = CliRunner().invoke(main, [*base, "--lang", "en"])
    assert re.fullmatch(r"veracity: run \S+ checked: 1 claim, true=1 in [\d.]+s", en.stderr.strip().splitlines()[-1])


def test_skipped_files_line_in_chinese() -> None:
    line = skipped_files_line(["/c/a.docx: unsupported file type .docx"] * 4, lang="zh")
    assert line.startswith("veracity：提示：语料库跳过 4 个文件：a.docx (unsupported file type .docx)，")
    assert line.endswith("，另有 1 个（见报告）")
