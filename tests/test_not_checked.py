"""An outage is a failure, not a verdict: a claim whose verdict could not be obtained is
reported *not checked*, the run ends *incomplete* (exit 5 with a resume hint), and resuming
re-judges exactly those claims."""

from __future__ import annotations

import asyncio
import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from veracity.config import Settings
from veracity.judge.match import EvidenceMatchJudge
from veracity.pipeline import acheck
from veracity.report import render_json, report_from_json
from veracity.resume import aresume
from veracity.run.tools import Shared
from veracity.store import Store
from veracity.testing.llm_server import ScriptedLLMServer
from veracity.testing.scripted_model import scripted_responder, stage_of
from veracity.types import Claim, InputDocument, Label, RankedPassage

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared"

PAGES = {
    "rae.md": (
        "# Jack Rae\n\nurl: https://example.org/rae\n\nJack Rae studied computer science at the "
        "University of Bristol. He later worked at DeepMind on large language models.\n"
    ),
    "gopher.md": (
        "# Gopher\n\nurl: https://example.org/gopher\n\nGopher is a language model with 280 "
        "billion parameters, described by DeepMind in 2021.\n"
    ),
}
DOC = (
    "Jack Rae studied computer science at the University of Bristol. "
    "Gopher is a language model with 280 billion parameters. "
    "Jack Rae won the Turing Award in 2019."
)


@pytest.fixture
def corpus_dir(tmp_path: Path) -> Path:
    folder = tmp_path / "corpus"
    folder.mkdir()
    for name, text in PAGES.items():
        (folder / name).write_text(text, encoding="utf-8")
    return folder


class FlakyJudge(EvidenceMatchJudge):
    """The offline judge, except that it fails for claims mentioning ``broken``."""

    def __init__(self, broken: str | None, **kw: Any) -> None:
        super().__init__(**kw)
        self.broken = broken
        self.judged: list[str] = []

    async def judge(self, claim: Claim, passages: list[RankedPassage], lang: str):  # type: ignore[no-untyped-def]
        self.judged.append(claim.text)
        if self.broken and self.broken in claim.text:
            raise ConnectionError("HTTP 500 from the verdict service")
        return await super().judge(claim, passages, lang)


def test_a_failing_judge_leaves_claims_not_checked_and_resume_checks_only_them(
    tmp_path: Path, corpus_dir: Path, use_embedder: Any,
) -> None:
    settings = Settings(db_path=tmp_path / "db.sqlite", cache_dir=tmp_path / "cache", llm_base_url=None)
    doc = InputDocument(text=DOC, language="en", origin="test", format="txt")
    flaky = FlakyJudge("Turing")
    report = asyncio.run(acheck(
        doc, corpus=[corpus_dir], settings=settings, tools=Shared(judge=flaky, embedder=use_embedder),
    ))

    failed = [c for c in report.claims if c.status == "not_checked"]
    assert [c.text for c in failed] == [t for t in flaky.judged if "Turing" in t]
    (row,) = failed
    assert row.error is not None and "HTTP 500" in row.error
    assert row.verdict.label == Label.UNVERIFIABLE and row.verdict.confidence == 0.0
    assert "Not checked" in row.verdict.rationale and not row.evidence
    assert not report.complete and report.summary.not_checked == 1
    # the counts stay those of the labels on the rows (the external checker's invariant)
    assert sum(report.summary.counts.values()) == report.summary.total == 3
    assert report_from_json(render_json(report)).summary == report.summary

    with Store(settings.db_path) as store:
        (info,) = store.list_runs()
        assert info["status"] == "incomplete" and "1 of 3 claims not checked" in info["error"]
        stored = store.load_report(report.run_id)
        assert [(c.status, c.error) for c in stored.claims] == [(c.status, c.error) for c in report.claims]
        assert set(store.settled_claims(report.run_id)) == {c.id for c in report.claims if c.status == "checked"}

    healed = FlakyJudge(None)
    resumed = asyncio.run(aresume(report.run_id, settings=settings, tools=Shared(judge=healed, embedder=use_embedder)))
    assert healed.judged == [row.text]  # exactly the claim that was not checked
    assert resumed.complete and resumed.summary.not_checked == 0
    assert [c.verdict for c in resumed.claims if c.id != row.id] == [
        c.verdict for c in report.claims if c.id != row.id
    ]
    with Store(settings.db_path) as store:
        assert store.get_run(report.run_id)["status"] == "done"
        assert store.get_run(report.run_id)["error"] is None


def test_a_report_written_before_not_checked_existed_still_reads() -> None:
    old = {
        "schema": "veracity.report/1", "run_id": "r", "language": "en", "judge": "evidence-match",
        "claims": [{"id": "c1", "text": "x", "verdict": {"label": "true", "confidence": 0.9, "rationale": "y"}}],
        "summary": {"total": 1, "counts": {lab.value: int(lab == Label.TRUE) for lab in Label}},
    }
    report = report_from_json(old)
    assert report.complete and report.claims[0].status == "checked"


def _cli(*args: str, env: dict[str, str], cwd: Path) -> subprocess.CompletedProcess[str]:
    script = Path(sys.executable).with_name("veracity")
    cmd = [str(script)] if script.exists() else [sys.executable, "-m", "veracity.cli"]
    return subprocess.run([*cmd, *args], env=env, capture_output=True, text=True, timeout=300, cwd=cwd)


@pytest.mark.slow  # the real command in a subprocess, end to end
def test_cli_model_outage_exits_5_with_a_resume_hint_and_resume_finishes(
    tmp_path: Path, corpus_dir: Path,
) -> None:
    """Every verdict request answers HTTP 500 (the checklist and plans still work): the report
    lists every claim as not checked, the CLI exits 5 naming ``veracity resume RUN``; resuming
    with the model back judges each claim once and exits 0."""
    doc = tmp_path / "doc.txt"
    doc.write_text(DOC, encoding="utf-8")

    def verdicts_down(request: dict[str, Any]) -> str:
        if stage_of(request) == "judge":
            raise RuntimeError("verdict service down")
        return scripted_responder(request)

    with ScriptedLLMServer(responder=verdicts_down) as srv:
        env = {**os.environ, "VERACITY_LLM_BASE_URL": srv.base_url, "VERACITY_LLM_MODEL": "scripted",
               "VERACITY_LLM_RETRIES": "0", "VERACITY_DB_PATH": str(tmp_path / "db.sqlite"),
               "VERACITY_CACHE_DIR": str(tmp_path / "cache")}
        out = tmp_path / "report.json"
        proc = _cli("check", str(doc), "--corpus", str(corpus_dir), "--format", "json", "-o", str(out), "-q",
                    env=env, cwd=tmp_path)
        assert proc.returncode == 5, proc.stderr
        report = json.loads(out.read_text(encoding="utf-8"))
        run_id = report["run_id"]
        assert f"veracity resume {run_id}" in proc.stderr and "not checked" in proc.stderr
        assert all(c["status"] == "not_checked" and "500" in c["error"] for c in report["claims"])
        assert report["summary"]["not_checked"] == report["summary"]["total"] == len(report["claims"])
        checker = SHARED / "tools" / "report_check.py"
        if checker.exists():
            res = subprocess.run([sys.executable, str(checker), str(out), str(corpus_dir)],
                                 capture_output=True, text=True, timeout=120)
            assert res.returncode == 0, res.stdout

        srv.responder = scripted_responder  # the model is back
        before = len(srv.requests)
        proc = _cli("resume", run_id, "--format", "json", "-o", str(out), "-q", env=env, cwd=tmp_path)
        assert proc.returncode == 0, proc.stderr
        judged = [r for r in srv.requests[before:] if stage_of(r) == "judge"]
    resumed = json.loads(out.read_text(encoding="utf-8"))
    assert resumed["summary"]["not_checked"] == 0
    assert all(c["status"] == "checked" for c in resumed["claims"])
    assert len(judged) >= len(resumed["claims"])
