"""`veracity eval`: adapters, metrics and the CLI on small labelled sets."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from veracity.cli import main
from veracity.evaluation import WICE_CLASSES, Item, Prediction, load_wice, metrics
from veracity.types import Label

SHARED = Path(__file__).resolve().parents[2] / "shared"


def _pred(gold: str, predicted: str, quotes: list[str] | None = None, gold_s: list[str] | None = None) -> Prediction:
    item = Item(id="x", claim="c", gold=gold, pages=["p"], gold_sentences=gold_s or [])
    return Prediction(item=item, label=Label.TRUE, predicted=predicted, quotes=quotes or [], seconds=0.1)


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


GOPHER = "Gopher is a language model with 280 billion parameters, trained by DeepMind."


def write_set(path: Path, *rows: tuple[str, str, str, str]) -> Path:
    """A JSONL claim set of (id, claim, label, evidence) rows."""
    path.write_text("\n".join(json.dumps(dict(zip(("id", "claim", "label", "evidence"), r, strict=True)))
                              for r in rows), encoding="utf-8")
    return path


def test_jsonl_eval_through_the_cli(tmp_path: Path) -> None:
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
    assert "accuracy" in res.output


def test_llm_judge_eval_through_the_cli(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """``veracity eval --judge llm`` against the scripted model over real HTTP: the judge's
    calls, tokens and cost per claim are reported; without an endpoint it is one error line."""
    from veracity.testing.llm_server import ScriptedLLMServer
    from veracity.testing.scripted_model import scripted_responder

    data = write_set(
        tmp_path / "set.jsonl",
        ("a", "Gopher is a language model with 280 billion parameters.", "true", GOPHER),
        ("b", "Gopher is a language model with 175 billion parameters.", "false", GOPHER),
    )
    monkeypatch.delenv("VERACITY_LLM_BASE_URL", raising=False)
    res = CliRunner().invoke(main, ["eval", "jsonl", "--data", str(data), "--judge", "llm", "-q"])
    assert res.exit_code == 2 and "VERACITY_LLM_BASE_URL" in res.output
    out = tmp_path / "r.json"
    with ScriptedLLMServer(responder=scripted_responder) as srv:
        monkeypatch.setenv("VERACITY_LLM_BASE_URL", srv.base_url)
        monkeypatch.setenv("VERACITY_LLM_PRICES", '{"gpt-4o-mini": [1.0, 2.0]}')
        res = CliRunner().invoke(main, ["eval", "jsonl", "--data", str(data), "--judge", "llm", "-o", str(out), "-q"])
        assert res.exit_code == 0, res.output
        assert len(srv.requests) == 2
    result = json.loads(out.read_text(encoding="utf-8"))
    assert result["judge"] == "llm" and result["accuracy"] == 1.0
    assert result["llm_calls_per_claim"] == 1.0 and result["tokens_per_claim"] > 100
    assert result["cost_per_claim"] > 0


@pytest.mark.skipif(not (SHARED / "benchmarks" / "wice").is_dir(), reason="../shared absent")
def test_wice_loader_reads_claims_and_gold_sentences() -> None:
    items = list(load_wice(SHARED / "benchmarks" / "wice" / "claim" / "dev.jsonl"))
    assert len(items) == 349
    assert {i.gold for i in items} == set(WICE_CLASSES)
    assert any(i.gold_sentences for i in items)
