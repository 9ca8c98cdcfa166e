"""The offline judge's learned part: the fitting routines, the shipped weights, and training
that is deterministic end to end (``python -m veracity.judge.train`` on a tiny
Factcheck-Bench-shaped folder)."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from importlib import resources
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from veracity.judge import binding, decide, model, train
from veracity.types import Label

# --- fitting -----------------------------------------------------------------------------------


def _three_clusters() -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(0)
    centres = np.array([[-4.0, 0.0], [4.0, 0.0], [0.0, 5.0]])
    pts, ys = [], []
    for c, centre in enumerate(centres):
        pts.append(centre + rng.normal(scale=0.5, size=(20, 2)))
        ys += [c] * 20
    x = np.c_[np.ones(60), np.vstack(pts)]  # a bias column first, as the judge's features
    return x, np.array(ys)


def test_fit_logreg_separates_three_classes() -> None:
    x, y = _three_clusters()
    w = train.fit_logreg(x, y, 3, np.ones(len(y)))
    assert w.shape == (3, 3)
    p = model.softmax(x @ w)
    assert np.allclose(p.sum(axis=1), 1.0)
    assert float((p.argmax(axis=1) == y).mean()) == 1.0


def test_fit_logreg_is_deterministic() -> None:
    x, y = _three_clusters()
    sw = np.linspace(0.5, 1.5, len(y))
    a = train.fit_logreg(x, y, 3, sw)
    b = train.fit_logreg(x.copy(), y.copy(), 3, sw.copy())
    assert np.array_equal(a, b)


def test_fit_logreg_sample_weights_matter() -> None:
    # one ambiguous point, labelled 0 and 1: the heavier label wins it
    x = np.array([[1.0, 0.0], [1.0, 0.0]])
    y = np.array([0, 1])
    w = train.fit_logreg(x, y, 2, np.array([3.0, 1.0]))
    assert model.softmax(x[:1] @ w)[0].argmax() == 0
    w = train.fit_logreg(x, y, 2, np.array([1.0, 3.0]))
    assert model.softmax(x[:1] @ w)[0].argmax() == 1


def test_logit_fit_rises_with_the_score() -> None:
    s = np.linspace(0.0, 1.0, 41)
    ok = (s > 0.5).astype(float)
    ok[[5, 35]] = 1.0 - ok[[5, 35]]  # a little noise: not separable
    a, b = train._logit_fit(s, ok)
    assert a > 0

    def sig(v: float) -> float:
        return 1.0 / (1.0 + np.exp(-(a * v + b)))

    probs = [sig(v) for v in (0.1, 0.4, 0.6, 0.9)]
    assert probs == sorted(probs) and probs[0] < 0.5 < probs[-1]
    assert train._logit_fit(s, ok) == (a, b)  # deterministic


# --- the shipped weights -----------------------------------------------------------------------


def _weights_text() -> str:
    return resources.files("veracity.judge").joinpath("weights.json").read_text(encoding="utf-8")


def test_shipped_weights_load_and_match_the_code() -> None:
    m = model.load_default()
    raw = json.loads(_weights_text())
    assert raw["features"] == binding.FEATURES
    assert raw["claim_features"] == decide.CLAIM_FEATURES
    assert m.pair.features == binding.FEATURES
    assert m.claim.features == decide.CLAIM_FEATURES
    assert raw["classes"] == model.STANCES and raw["claim_classes"] == model.LEVELS
    assert m.pair.weights.shape == (len(binding.FEATURES), len(model.STANCES))
    assert m.claim.weights.shape == (len(decide.CLAIM_FEATURES), len(model.LEVELS))
    assert np.isfinite(m.pair.weights).all() and np.isfinite(m.claim.weights).all()
    assert m.fold_count >= 2 and len(m.folds) == m.fold_count
    for pair, claim in m.folds:
        assert pair.weights.shape == m.pair.weights.shape
        assert claim.weights.shape == m.claim.weights.shape
    assert set(m.thresholds) == {"ref", "support", "part"}
    assert all(0.0 < v < 1.0 for v in m.thresholds.values())
    assert set(m.calibration) <= {lab.value for lab in Label} | {"rule"}  # "rule": the hard rules


def test_shipped_weights_say_what_they_were_trained_on() -> None:
    m = model.load_default()
    assert m.meta["command"].startswith("python -m veracity.judge.train")
    trained_on = m.meta["trained_on"]
    assert "Factcheck-Bench" in trained_on
    assert re.search(r"WiCE\b.*\bnot used", trained_on)
    size = len(_weights_text().encode("utf-8"))
    assert 0 < size < 2 * 1024 * 1024


def test_for_fold_returns_the_fold_model() -> None:
    m = model.load_default()
    assert m.for_fold(None) is m
    for k in range(m.fold_count):
        f = m.for_fold(k)
        assert f.pair is m.folds[k][0] and f.claim is m.folds[k][1]
        assert f.folds == [] and f.for_fold(0) is f  # a fold model has no folds of its own
        assert f.thresholds == m.thresholds and f.calibration == m.calibration
    # the folds are fitted without part of the data: not the full model
    assert not np.array_equal(m.folds[0][0].weights, m.pair.weights)


def test_confidence_is_a_probability() -> None:
    m = model.load_default()
    for lab in Label:
        for score in (-5.0, 0.0, 0.5, 1.0, 50.0):
            assert 0.01 <= m.confidence(lab.value, score) <= 0.99
    assert m.confidence("no such label", 0.3) == 0.5


def test_fold_of_is_stable() -> None:
    assert model.fold_of("A claim.", 5) == model.fold_of("  A claim.\n", 5)
    assert {model.fold_of(f"claim {i}", 3) for i in range(30)} == {0, 1, 2}


# --- training, end to end ----------------------------------------------------------------------

# (claim, Factcheck-Bench label, [(evidence, stance)])
_DATA: list[tuple[str, str, list[tuple[str, str]]]] = [
    (
        "Marie Curie won the Nobel Prize in Physics in 1903.",
        "true",
        [
            (
                "Marie Curie won the Nobel Prize in Physics in 1903, shared with Pierre Curie.",
                "completely-support",
            ),
            (
                "Marie Curie was a Polish and naturalised-French physicist and chemist.",
                "partially-support",
            ),
            ("The weather in Lisbon was mild for most of the spring season.", "irrelevant"),
        ],
    ),
    (
        "Marie Curie won the Nobel Prize in Chemistry in 1911.",
        "true",
        [
            ("In 1911 Marie Curie received the Nobel Prize in Chemistry.", "completely-support"),
            ("Marie Curie won a Nobel Prize.", "partially-support"),
            ("A new bakery opened near the central station last week.", "irrelevant"),
        ],
    ),
    (
        "Marie Curie died in 1944.",
        "false",
        [
            ("Marie Curie died on 4 July 1934 in Passy.", "refute"),
            ("Marie Curie was born in Warsaw in 1867.", "irrelevant"),
            ("The museum is open every day except Monday.", "irrelevant"),
        ],
    ),
    (
        "Marie Curie was born in Warsaw in 1867.",
        "true",
        [
            ("Marie Curie was born in Warsaw on 7 November 1867.", "completely-support"),
            ("Marie Curie grew up in Warsaw.", "partially-support"),
            ("Trains to the airport leave every twenty minutes.", "irrelevant"),
        ],
    ),
    (
        "Alexander Fleming discovered penicillin in 1928.",
        "true",
        [
            (
                "Alexander Fleming discovered penicillin in 1928 at St Mary's Hospital.",
                "completely-support",
            ),
            ("Alexander Fleming was a Scottish physician and microbiologist.", "partially-support"),
            ("The recipe calls for two cups of flour.", "irrelevant"),
        ],
    ),
    (
        "Alexander Fleming discovered penicillin in 1945.",
        "false",
        [
            ("Alexander Fleming discovered penicillin in 1928.", "refute"),
            ("Fleming shared the 1945 Nobel Prize in Physiology or Medicine.", "partially-support"),
            ("The river flooded the lower town in the spring.", "irrelevant"),
        ],
    ),
    (
        "Gopher is a language model with 280 billion parameters.",
        "true",
        [
            (
                "Gopher is a language model with 280 billion parameters trained by DeepMind.",
                "completely-support",
            ),
            ("Gopher was trained by DeepMind.", "partially-support"),
            ("The festival drew large crowds on Saturday.", "irrelevant"),
        ],
    ),
    (
        "GPT-3 has 540 billion parameters.",
        "false",
        [
            ("GPT-3 has 175 billion parameters.", "refute"),
            ("GPT-3 is a language model released by OpenAI in 2020.", "irrelevant"),
            ("The bridge was repainted last summer.", "irrelevant"),
        ],
    ),
    (
        "The Eiffel Tower is located in Berlin.",
        "false",
        [
            ("The Eiffel Tower is located in Paris, on the Champ de Mars.", "refute"),
            ("The Eiffel Tower is a wrought-iron lattice tower.", "irrelevant"),
            ("Berlin is the capital of Germany.", "irrelevant"),
        ],
    ),
    (
        "The Eiffel Tower was completed in 1889.",
        "true",
        [
            ("The Eiffel Tower was completed in 1889 for the World's Fair.", "completely-support"),
            ("Construction of the Eiffel Tower began in 1887.", "partially-support"),
            ("The library extended its opening hours.", "irrelevant"),
        ],
    ),
    (
        "Ada Lovelace wrote the first computer program in 1843.",
        "not_enough_evidence",
        [
            ("Ada Lovelace was an English mathematician.", "partially-support"),
            ("The harbour is busiest in August.", "irrelevant"),
            ("The school choir performed at the town hall.", "irrelevant"),
        ],
    ),
    (
        "Albert Einstein won the Nobel Prize in Physics in 1921.",
        "true",
        [
            ("Albert Einstein received the 1921 Nobel Prize in Physics.", "completely-support"),
            ("Albert Einstein won the Nobel Prize in Chemistry in 1921.", "refute"),
            ("Albert Einstein was a theoretical physicist.", "partially-support"),
            ("The market sells fresh fish every morning.", "irrelevant"),
        ],
    ),
]


def _write_fcb(folder: Path) -> Path:
    sub = folder / "subtasks"
    sub.mkdir(parents=True)
    pairs = [{"claim": c, "evidence": ev, "stance": st} for c, _, evs in _DATA for ev, st in evs]
    labels = [{"claim": c, "label": lab, "revised_claim": c} for c, lab, _ in _DATA]
    (sub / "subtask3_claim_evidence_stance.jsonl").write_text(
        "".join(json.dumps(p) + "\n" for p in pairs), encoding="utf-8"
    )
    (sub / "subtask4_claim_factuality.jsonl").write_text(
        "".join(json.dumps(r) + "\n" for r in labels), encoding="utf-8"
    )
    return folder


def test_synthetic_data_covers_every_stance_and_label() -> None:
    stances = {st for _, _, evs in _DATA for _, st in evs}
    assert stances == set(train.STANCE_OF)
    assert {lab for _, lab, _ in _DATA} == {"true", "false", "not_enough_evidence"}
    assert len(_DATA) == 12 and sum(len(e) for _, _, e in _DATA) >= 36


def test_training_is_deterministic(tmp_path: Path, one_encoder: Any) -> None:
    data = _write_fcb(tmp_path / "fcb")
    w1, w2 = tmp_path / "w1.json", tmp_path / "w2.json"
    assert train.main(["--data", str(data), "--out", str(w1), "--folds", "3"]) == 0
    assert train.main(["--data", str(data), "--out", str(w2), "--folds", "3"]) == 0
    assert w1.read_bytes() == w2.read_bytes()

    d = json.loads(w1.read_text(encoding="utf-8"))
    m = model.from_dict(d)
    assert d["fold_count"] == 3 and len(m.folds) == 3
    assert m.pair.features == binding.FEATURES and m.claim.features == decide.CLAIM_FEATURES
    assert m.pair.weights.shape == (len(binding.FEATURES), len(model.STANCES))
    assert m.claim.weights.shape == (len(decide.CLAIM_FEATURES), len(model.LEVELS))
    assert set(m.thresholds) == {"ref", "support", "part"}
    assert d["data"]["pairs"] == sum(len(e) for _, _, e in _DATA)
    assert d["cv"]["claims"] == len(_DATA)
    assert set(d["data"]["stances"]) == set(model.STANCES)
    assert "Factcheck-Bench" in d["trained_on"] and "WiCE" in d["trained_on"]
    for k in range(3):
        assert m.for_fold(k).pair is m.folds[k][0]

    # the same in a fresh interpreter with another string-hash seed (set and dict order)
    w3 = tmp_path / "w3.json"
    env = {**os.environ, "PYTHONHASHSEED": "12345"}
    cmd = [
        sys.executable,
        "-m",
        "veracity.judge.train",
        "--data",
        str(data),
        "--out",
        str(w3),
        "--folds",
        "3",
    ]
    subprocess.run(cmd, env=env, check=True, capture_output=True, timeout=300)
    assert w3.read_bytes() == w1.read_bytes()


@pytest.mark.parametrize(
    "missing", ["subtask3_claim_evidence_stance.jsonl", "subtask4_claim_factuality.jsonl"]
)
def test_training_needs_both_files(tmp_path: Path, missing: str) -> None:
    data = _write_fcb(tmp_path / "fcb")
    (data / "subtasks" / missing).unlink()
    with pytest.raises(FileNotFoundError):
        train.main(["--data", str(data), "--out", str(tmp_path / "w.json"), "--folds", "3"])
