"""Rationales kept as parts: the offline judge returns its rationale as catalogue messages, the
store keeps them with the verdict, and ``veracity show RUN --lang en|zh`` words a run's
rationales in the asked language — falling back to the stored text for a model's rationale, an
old row without parts, or a rationale something was appended to after the judge."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from click.testing import CliRunner

from veracity.cli import main
from veracity.judge.match import EvidenceMatchJudge
from veracity.report import render
from veracity.store import Store
from veracity.store.migrations import MIGRATIONS
from veracity.types import (
    Claim,
    ClaimReport,
    Label,
    Passage,
    RankedPassage,
    RationalePart,
    Source,
    SourceKind,
    Stats,
    Verdict,
)

RUN = "20260101-120000-abcdef"
CLAIM = "玛丽·居里于1905年获得诺贝尔物理学奖。"
PAGE = "1903年，玛丽·居里与皮埃尔·居里共同获得诺贝尔物理学奖。"
LLM_TEXT = "模型写的理由：第一条证据与声明不符。"
OLD_TEXT = "旧版本写下的理由，没有分段。"


def _rp(text: str, i: int = 0) -> RankedPassage:
    url = f"https://example.org/{i}"
    return RankedPassage(passage=Passage(id=f"d{i}:0", doc_url=url, text=text, start=0, end=len(text)),
                         source=Source(url=url, kind=SourceKind.PRIMARY), score=1.0, semantic=0.5)


def _judged(lang: str) -> Verdict:
    claim = Claim(id="c1", text=CLAIM, original=CLAIM, language="zh")
    return EvidenceMatchJudge().judge_sync(claim, [_rp(PAGE)], lang).verdict


def test_the_judge_returns_its_rationale_as_parts() -> None:
    zh, en = _judged("zh"), _judged("en")
    assert zh.label == en.label == Label.FALSE and zh.confidence == en.confidence
    assert zh.rationale == "与证据不符：1905年 ≠ 1903年。"
    assert zh.rationale_parts == en.rationale_parts
    assert zh.rationale_parts == [RationalePart(key="judge.contradicted",
                                                values={"conflicts": ["1905年 ≠ 1903年"]})]
    # the parts word the same rationale in either language
    assert zh.rationale_in("en") == en.rationale == "Contradicted by the evidence: 1905年 ≠ 1903年."
    assert en.rationale_in("zh") == zh.rationale
    nothing = EvidenceMatchJudge().judge_sync(Claim(id="c2", text=CLAIM, original=CLAIM), [], "zh").verdict
    assert nothing.rationale == "没有检索到任何资料，无法核实。"
    assert nothing.rationale_in("en") == "No source was retrieved for this claim, so it cannot be checked."


def test_text_the_parts_do_not_say_is_shown_as_stored() -> None:
    v = _judged("zh")
    appended = v.model_copy(update={"rationale": v.rationale + " (search: wikipedia timed out)"})
    assert appended.rationale_in("en") == appended.rationale
    assert Verdict(label=Label.FALSE, confidence=0.5, rationale=LLM_TEXT).rationale_in("en") == LLM_TEXT


@pytest.fixture
def db(tmp_path: Path) -> Path:
    """A finished Chinese run: a verdict of the offline judge (with parts), one a language
    model wrote (no parts), and one stored before verdicts kept parts (NULL in the store)."""
    path = tmp_path / "runs.sqlite"
    claims = [Claim(id=f"c{i}", text=f"{CLAIM}（{i}）", original=CLAIM) for i in range(1, 4)]
    verdicts = [
        _judged("zh"),
        Verdict(label=Label.FALSE, confidence=0.6, rationale=LLM_TEXT),
        Verdict(label=Label.UNVERIFIABLE, confidence=0.2, rationale=OLD_TEXT),
    ]
    with Store(path) as store:
        store.start_run(RUN, input="简介.md", title="居里", language="zh", judge="evidence-match",
                        uses_llm=False, options={})
        store.save_claims(RUN, claims)
        for claim, verdict in zip(claims, verdicts, strict=True):
            store.save_result(RUN, ClaimReport(id=claim.id, text=claim.text, verdict=verdict))
        store.finish_run(RUN, Stats())
    return path


def _show(db: Path, *args: str) -> str:
    result = CliRunner().invoke(main, ["show", RUN, "--db", str(db), *args])
    assert result.exit_code == 0, result.output
    return result.stdout


def test_the_store_keeps_the_parts(db: Path) -> None:
    with Store(db) as store:
        rows = store.load_report(RUN).claims
    assert rows[0].verdict == _judged("zh")
    assert rows[1].verdict.rationale_parts is None and rows[2].verdict.rationale_parts is None


def test_show_words_a_chinese_runs_rationales_in_english(db: Path) -> None:
    md = _show(db, "--lang", "en")
    assert "Contradicted by the evidence: 1905年 ≠ 1903年." in md
    assert "与证据不符" not in md
    assert LLM_TEXT in md and OLD_TEXT in md  # a model's words and an old row: as written
    html = _show(db, "--lang", "en", "--format", "html")
    assert "Contradicted by the evidence: 1905年 ≠ 1903年." in html and "与证据不符" not in html
    review = _show(db, "--lang", "en", "--format", "claimreview")
    assert "Contradicted by the evidence: 1905年 ≠ 1903年." in review
    # in its own language, and by default, the run reads as it was written
    for args in ((), ("--lang", "zh")):
        own = _show(db, *args)
        assert "与证据不符：1905年 ≠ 1903年。" in own and "Contradicted" not in own


def test_show_words_an_english_runs_rationales_in_chinese(tmp_path: Path) -> None:
    path = tmp_path / "en.sqlite"
    with Store(path) as store:
        store.start_run(RUN, input=None, title=None, language="en", judge="evidence-match",
                        uses_llm=False, options={})
        store.save_claims(RUN, [Claim(id="c1", text=CLAIM, original=CLAIM)])
        store.save_result(RUN, ClaimReport(id="c1", text=CLAIM, verdict=_judged("en")))
        store.finish_run(RUN, Stats())
    assert "与证据不符：1905年 ≠ 1903年。" in _show(path, "--lang", "zh")
    assert "Contradicted by the evidence: 1905年 ≠ 1903年." in _show(path)


def test_a_store_from_before_parts_is_upgraded_and_shows_its_text(tmp_path: Path) -> None:
    path = tmp_path / "old.sqlite"
    conn = sqlite3.connect(path, isolation_level=None)
    for script in MIGRATIONS[:8]:
        conn.executescript(script)
    conn.execute("PRAGMA user_version = 8")
    conn.execute("INSERT INTO runs (id, created, status, language, judge) VALUES (?, ?, 'done', 'zh',"
                 " 'evidence-match')", (RUN, "2025-01-01T00:00:00+00:00"))
    conn.execute("INSERT INTO claims (run_id, idx, id, text) VALUES (?, 0, 'c1', ?)", (RUN, CLAIM))
    conn.execute("INSERT INTO verdicts (run_id, claim_id, label, confidence, rationale) VALUES"
                 " (?, 'c1', 'false', 0.7, ?)", (RUN, OLD_TEXT))
    conn.close()
    assert OLD_TEXT in _show(path, "--lang", "en")
    with Store(path) as store:
        report = store.load_report(RUN)
    assert report.claims[0].verdict.rationale_parts is None
    assert OLD_TEXT in render(report, "md", "en")


def test_failed_searches_noted_as_a_part_are_worded_in_either_language() -> None:
    """The research loop adds the searches that failed to an unverifiable verdict: as one more
    part, so a Chinese run shown in English says it in English too."""
    from veracity.agent.loop import note_failures
    from veracity.messages import rationale_text

    parts = [RationalePart(key="judge.nothing_about", values={})]
    text = rationale_text([(p.key, p.values) for p in parts], "zh")
    verdict = Verdict(label=Label.UNVERIFIABLE, confidence=0.3, rationale=text, rationale_parts=parts)
    note_failures(verdict, ["searxng: HTTP 500", "brave: timed out"], "zh")
    assert verdict.rationale.startswith(text.rstrip("。"))
    assert "检索失败：searxng: HTTP 500; brave: timed out" in verdict.rationale
    english = verdict.rationale_in("en")
    assert "Searches that failed: searxng: HTTP 500; brave: timed out." in english
    assert not any("\u4e00" <= ch <= "\u9fff" for ch in english)


def test_failed_searches_are_appended_as_text_to_a_rationale_without_parts() -> None:
    from veracity.agent.loop import note_failures

    verdict = Verdict(label=Label.UNVERIFIABLE, confidence=0.0, rationale=LLM_TEXT)
    note_failures(verdict, ["searxng: HTTP 500"], "zh")
    assert verdict.rationale == LLM_TEXT + " (searxng: HTTP 500)"
    assert verdict.rationale_in("en") == verdict.rationale


def test_a_stopped_claims_rationale_is_worded_in_either_language() -> None:
    """The research agent's "research stopped" rationale is kept as parts: why (a message of
    its own), the searches that failed and the last assessment (a model's words, as written)."""
    from veracity.agent.loop import stopped_verdict

    verdict = stopped_verdict("zh", "no_progress", {"n": 2}, ["searxng: HTTP 500"], "模型此前认为证据不足。")
    assert verdict.label == Label.UNVERIFIABLE
    assert verdict.rationale == (
        "核查未能完成，无法核实：第 2 轮没有找到新的证据。检索失败：searxng: HTTP 500。此前的判断：模型此前认为证据不足。"
    )
    assert verdict.rationale_in("en") == (
        "Research stopped before the claim could be checked: no new evidence turned up in round 2."
        " Searches that failed: searxng: HTTP 500. Last assessment: 模型此前认为证据不足。"
    )
    budget = stopped_verdict("en", "budget", {"detail": "time budget of 60 s used up"}, [], None)
    assert budget.rationale_in("zh") == "核查未能完成，无法核实：核查预算已用尽（time budget of 60 s used up）。"
