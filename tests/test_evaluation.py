"""`veracity eval`: adapters, metrics and the CLI on small labelled sets."""

from __future__ import annotations

import json
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest
from click.testing import CliRunner

from veracity.cli import main
from veracity.evaluation import (
    FACTCHECK_CLASSES,
    WICE_CLASSES,
    WICE_FOLD,
    Item,
    Prediction,
    load_factcheck_bench,
    load_wice,
    markdown_table,
    metrics,
    run_eval,
)
from veracity.types import Label

SHARED = Path(__file__).resolve().parents[2] / "shared"
SCALE = [label.value for label in Label]


def _pred(
    gold: str,
    predicted: str,
    quotes: list[str] | None = None,
    gold_s: list[str] | None = None,
    *,
    label: Label = Label.TRUE,
    confidence: float = 0.5,
    judge_seconds: float = 0.01,
) -> Prediction:
    item = Item(id="x", claim="c", gold=gold, pages=["p"], gold_sentences=gold_s or [])
    return Prediction(item=item, label=label, predicted=predicted, quotes=quotes or [], seconds=0.1,
                      confidence=confidence, judge_seconds=judge_seconds)


def _wice(gold: str, label: Label, confidence: float = 0.5) -> Prediction:
    """A WiCE prediction: ``label`` on our scale, folded as the evaluator folds it."""
    return _pred(gold, WICE_FOLD[label], label=label, confidence=confidence)


def test_metrics_count_the_confusion_matrix() -> None:
    preds = [
        _pred("supported", "supported", ["The sky is blue."], ["The sky is blue."]),
        _pred("supported", "not_supported", ["Grass."], ["The sky is blue."]),
        _pred("not_supported", "not_supported"),
        _pred("partially_supported", "supported"),
    ]
    m = metrics(preds, WICE_CLASSES)
    assert m["n"] == 4
    assert m["accuracy"] == 0.5
    assert m["confusion"]["supported"]["not_supported"] == 1
    assert m["per_class"]["supported"]["precision"] == 0.5
    assert m["per_class"]["not_supported"]["recall"] == 1.0
    assert m["evidence_recall"] == 0.5  # one of the two items with gold sentences was quoted
    assert 0 < m["macro_f1"] < 1


def test_false_confirmation_and_false_alarm_rates_count_unfolded_labels() -> None:
    preds = [
        # gold not_supported (WiCE's false class): true and mostly_true confirm it, the rest not
        _wice("not_supported", Label.TRUE),
        _wice("not_supported", Label.MOSTLY_TRUE),
        _wice("not_supported", Label.PARTLY_TRUE),
        _wice("not_supported", Label.FALSE),
        # gold supported: false and misattributed are alarms; unverifiable folds to
        # not_supported but is no alarm
        _wice("supported", Label.FALSE),
        _wice("supported", Label.MISATTRIBUTED),
        _wice("supported", Label.UNVERIFIABLE),
        _wice("supported", Label.TRUE),
        _wice("supported", Label.MOSTLY_TRUE),
        # neither class
        _wice("partially_supported", Label.TRUE),
        _wice("partially_supported", Label.FALSE),
    ]
    m = metrics(preds, WICE_CLASSES)
    assert (m["false_confirmations"], m["false_gold"], m["false_confirmation_rate"]) == (2, 4, 0.5)
    assert (m["false_alarms"], m["true_gold"], m["false_alarm_rate"]) == (2, 5, 0.4)


def test_rates_use_each_datasets_false_and_true_classes() -> None:
    fc = metrics([_pred("false", "true", label=Label.MOSTLY_TRUE), _pred("false", "false", label=Label.PARTLY_TRUE),
                  _pred("true", "false", label=Label.MISATTRIBUTED),
                  _pred("not_enough_evidence", "true", label=Label.TRUE)], FACTCHECK_CLASSES)
    assert (fc["false_confirmations"], fc["false_gold"], fc["false_alarms"], fc["true_gold"]) == (1, 2, 1, 1)
    # generic JSONL on our own scale: false and misattributed are the false class, true the true one
    scale = metrics([_pred(g, label.value, label=label) for g, label in [
        ("false", Label.TRUE), ("misattributed", Label.MOSTLY_TRUE), ("misattributed", Label.UNVERIFIABLE),
        ("partly_true", Label.TRUE), ("mostly_true", Label.FALSE), ("true", Label.FALSE), ("true", Label.TRUE),
    ]], SCALE)
    assert (scale["false_confirmations"], scale["false_gold"], scale["false_confirmation_rate"]) == (2, 3, 0.6667)
    assert (scale["false_alarms"], scale["true_gold"], scale["false_alarm_rate"]) == (1, 2, 0.5)
    # no item of a class: the rate is undefined, not zero
    none = metrics([_pred("partially_supported", "supported")], WICE_CLASSES)
    assert none["false_confirmation_rate"] is None and none["false_gold"] == 0
    assert none["false_alarm_rate"] is None and none["true_gold"] == 0


def test_expected_calibration_error_by_hand() -> None:
    """Four predictions in three bins; correct means the folded label equals the gold.

    bin 0.9–1.0: confidences 0.95 (right) and 0.9 (wrong): mean 0.925, accuracy 0.5, gap 0.425
    bin 0.2–0.3: 0.25 (right): gap 0.75;  bin 0.0–0.1: 0.05 (wrong): gap 0.05
    ECE = 2/4 · 0.425 + 1/4 · 0.75 + 1/4 · 0.05 = 0.2125 + 0.1875 + 0.0125 = 0.4125
    """
    preds = [
        _pred("supported", "supported", label=Label.TRUE, confidence=0.95),
        _pred("supported", "not_supported", label=Label.FALSE, confidence=0.9),
        _pred("not_supported", "not_supported", label=Label.UNVERIFIABLE, confidence=0.25),
        _pred("not_supported", "supported", label=Label.TRUE, confidence=0.05),
    ]
    m = metrics(preds, WICE_CLASSES)
    assert m["ece"] == pytest.approx(0.4125)
    assert m["mean_confidence"] == pytest.approx(0.5375)
    bins = m["reliability"]
    assert len(bins) == 10
    assert [b["range"] for b in bins[:2]] == [[0.0, 0.1], [0.1, 0.2]] and bins[-1]["range"] == [0.9, 1.0]
    assert [b["n"] for b in bins] == [1, 0, 1, 0, 0, 0, 0, 0, 0, 2]
    assert bins[9] == {"range": [0.9, 1.0], "n": 2, "mean_confidence": 0.925, "accuracy": 0.5}
    assert bins[2]["mean_confidence"] == 0.25 and bins[2]["accuracy"] == 1.0
    assert bins[0]["mean_confidence"] == 0.05 and bins[0]["accuracy"] == 0.0
    assert bins[1] == {"range": [0.1, 0.2], "n": 0, "mean_confidence": None, "accuracy": None}


def test_calibration_bins_are_left_closed_and_a_perfect_judge_has_zero_ece() -> None:
    edges = [_pred("true", "true", confidence=c) for c in (0.0, 0.1, 0.3, 0.7, 1.0)]
    m = metrics(edges, SCALE)
    assert [b["n"] for b in m["reliability"]] == [1, 1, 0, 1, 0, 0, 0, 1, 0, 1]  # 1.0 is in the last bin
    assert metrics([_pred("true", "true", confidence=1.0)] * 3, SCALE)["ece"] == 0.0
    assert metrics([], SCALE)["ece"] is None


def test_judge_time_is_reported_apart_from_the_whole_item() -> None:
    preds = [_pred("true", "true", judge_seconds=k / 100) for k in range(1, 21)]  # 10 … 200 ms
    m = metrics(preds, SCALE)
    assert m["judge_ms_per_claim"] == pytest.approx(105.0)
    assert m["judge_ms_p95"] == pytest.approx(190.0)  # nearest rank: the 19th of 20
    assert m["seconds_per_claim"] == pytest.approx(0.1)


def test_markdown_table_prints_rates_calibration_and_judge_time() -> None:
    preds = [
        _wice("not_supported", Label.TRUE, 0.8),
        _wice("not_supported", Label.FALSE, 0.6),
        _wice("supported", Label.MISATTRIBUTED, 0.9),
        _wice("supported", Label.TRUE, 0.7),
    ]
    m = metrics(preds, WICE_CLASSES)
    lines = markdown_table(m, WICE_CLASSES).splitlines()
    assert "accuracy" in lines[0] and "macro-F1" in lines[0]  # the summary stays one line
    assert "false-confirmation rate 0.500 (1/2)" in lines[1] and "false-alarm rate 0.500 (1/2)" in lines[1]
    assert "ECE" in lines[1] and "judge 10 ms/claim" in lines[1]
    assert "| 0.6–0.7 | 1 | 0.600 | 1.000 |" in lines
    assert "| 0.8–0.9 | 1 | 0.800 | 0.000 |" in lines
    assert not any(line.startswith("| 0.0–0.1") for line in lines)  # empty bins are not printed


class _Clock:
    """A clock that only moves when told to."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


class _FakeJudge:
    """A judge that answers one label with one confidence and remembers the claims it saw;
    each call takes 20 ms on ``clock``."""

    def __init__(self, name: str, label: Label, confidence: float, clock: _Clock) -> None:
        self.name, self.label, self.confidence, self.clock = name, label, confidence, clock
        self.seen: list[str] = []

    async def judge(self, claim: object, ranked: object, lang: str) -> SimpleNamespace:
        self.clock.now += 0.020
        self.seen.append(claim.text)  # type: ignore[attr-defined]
        return SimpleNamespace(verdict=SimpleNamespace(label=self.label, confidence=self.confidence), evidence=[])


def test_judge_for_chooses_each_items_judge(use_embedder: Any) -> None:
    """With ``judge_for``, each item goes to the judge it names (as for out-of-fold evaluation),
    and its confidence and the time of the call alone reach the figures."""
    items = [Item(id=str(i), claim=f"Claim number {i} is about Gopher.", gold=g, pages=[GOPHER], group=f"g{i % 2}")
             for i, g in enumerate(["true", "false", "true", "false"])]
    clock = _Clock()
    judges = {"g0": _FakeJudge("fold-a", Label.TRUE, 0.9, clock), "g1": _FakeJudge("fold-b", Label.FALSE, 0.7, clock)}
    result = run_eval(items, SCALE, judge_for=lambda item: judges[item.group], embedder=use_embedder, clock=clock)
    assert judges["g0"].seen == [items[0].claim, items[2].claim]
    assert judges["g1"].seen == [items[1].claim, items[3].claim]
    assert result["accuracy"] == 1.0 and result["judge"] == "fold-a,fold-b"
    assert result["labels"] == {"true": 2, "false": 2}
    assert result["mean_confidence"] == pytest.approx(0.8)
    assert (result["false_confirmations"], result["false_gold"]) == (0, 2)
    assert (result["false_alarms"], result["true_gold"]) == (0, 2)
    # the clock moved only in the judge calls: 20 ms each, and each item took just that
    assert result["judge_ms_per_claim"] == pytest.approx(20)
    assert result["seconds_per_claim"] == pytest.approx(0.020)


def test_factcheck_bench_items_keep_the_claim_as_their_group(tmp_path: Path) -> None:
    rows3 = [{"claim": "A", "evidence": "A is so.", "stance": "support"},
             {"claim": "A", "evidence": "Cats.", "stance": "irrelevant"}]
    rows4 = [{"claim": "A", "label": "true"}, {"claim": "B", "label": "false"}]
    for name, rows in (("subtask3_claim_evidence_stance", rows3), ("subtask4_claim_factuality", rows4)):
        (tmp_path / f"{name}.jsonl").write_text("\n".join(json.dumps(r) for r in rows), encoding="utf-8")
    items = list(load_factcheck_bench(tmp_path))
    assert [(i.id, i.group) for i in items] == [("0", "A"), ("1", "B")]
    assert items[0].gold_sentences == ["A is so."] and items[1].pages == []
    assert Item(id="x", claim="c", gold="true", pages=[]).group == ""


GOPHER = "Gopher is a language model with 280 billion parameters, trained by DeepMind."


def write_set(path: Path, *rows: tuple[str, str, str, str]) -> Path:
    """A JSONL claim set of (id, claim, label, evidence) rows."""
    path.write_text("\n".join(json.dumps(dict(zip(("id", "claim", "label", "evidence"), r, strict=True)))
                              for r in rows), encoding="utf-8")
    return path


def test_jsonl_eval_through_the_cli(tmp_path: Path, one_encoder: Any) -> None:
    data = write_set(
        tmp_path / "set.jsonl",
        ("a", "Gopher is a language model with 280 billion parameters.", "true", GOPHER),
        ("b", "Marie Curie won the Nobel Prize in Physics in 1903.", "unverifiable",
         "A bakery opened near the station last week."),
    )
    out = tmp_path / "r.json"
    res = CliRunner().invoke(main, ["eval", "jsonl", "--data", str(data), "-o", str(out), "-q"])
    assert res.exit_code == 0, res.output
    result = json.loads(out.read_text(encoding="utf-8"))
    assert result["n"] == 2
    assert {"accuracy", "macro_f1", "confusion", "per_class"} <= set(result)
    assert {"false_confirmation_rate", "false_alarm_rate", "ece", "reliability", "mean_confidence",
            "judge_ms_per_claim", "judge_ms_p95"} <= set(result)
    assert (result["true_gold"], result["false_gold"]) == (1, 0)
    first = next(line for line in res.output.splitlines() if "accuracy" in line)
    assert first.startswith("n = 2 · accuracy")
    assert "false-confirmation rate – (0/0)" in res.output and "reliability" in res.output


@pytest.mark.skipif(not (SHARED / "benchmarks" / "wice").is_dir(), reason="../shared absent")
def test_wice_loader_reads_claims_and_gold_sentences() -> None:
    items = list(load_wice(SHARED / "benchmarks" / "wice" / "claim" / "dev.jsonl"))
    assert len(items) == 349
    assert {i.gold for i in items} == set(WICE_CLASSES)
    assert any(i.gold_sentences for i in items)
