"""The learned part of the offline judge: small, shipped as JSON, read with numpy.

``weights.json`` (made by ``python -m veracity.judge.train``, see that module) holds

* ``pair``: a multinomial logistic regression from a passage's alignment features
  (:data:`veracity.judge.binding.FEATURES`) to its stance towards the claim —
  ``support`` (states the whole claim), ``partial``, ``refute``, ``irrelevant``;
* ``claim``: a multinomial logistic regression from the claim-level features
  (:data:`veracity.judge.decide.CLAIM_FEATURES`) to how much of the claim the passages
  support together — ``support`` (all of it), ``partial``, ``none``;
* ``folds``: the same models fitted without each fold of the training claims, so that
  ``veracity eval`` can give out-of-fold figures on the training set itself;
* ``thresholds``: where the claim-level scores turn into labels;
* ``calibration``: per label, a logistic map from the deciding score to the probability that
  the label is right (fitted on held-out folds), which is the confidence a report shows;
* ``data`` and ``command``: what it was trained on and how to make it again.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from typing import Any

import numpy as np

STANCES = ["support", "partial", "refute", "irrelevant"]
LEVELS = ["support", "partial", "none"]


def softmax(z: np.ndarray) -> np.ndarray:
    z = z - z.max(axis=-1, keepdims=True)
    e = np.exp(z)
    return e / e.sum(axis=-1, keepdims=True)


@dataclass
class StanceModel:
    features: list[str]
    weights: np.ndarray  # (n_features, n_classes)

    def proba(self, x: list[list[float]] | np.ndarray) -> np.ndarray:
        arr = np.asarray(x, dtype=np.float64)
        if arr.ndim == 1:
            arr = arr[None, :]
        return softmax(arr @ self.weights)


@dataclass
class JudgeModel:
    pair: StanceModel
    claim: StanceModel
    folds: list[tuple[StanceModel, StanceModel]]
    fold_count: int
    thresholds: dict[str, float]
    calibration: dict[str, tuple[float, float]]
    meta: dict[str, Any]

    def for_fold(self, fold: int | None) -> JudgeModel:
        """The model fitted without ``fold`` (for out-of-fold evaluation on training data)."""
        if fold is None or not self.folds:
            return self
        pair, claim = self.folds[fold]
        return JudgeModel(pair, claim, [], 0, self.thresholds, self.calibration, self.meta)

    def confidence(self, label: str, score: float, rule: str | None = None) -> float:
        """P(the label is right): the label's calibration at ``score``, or the hard rules' shared
        estimate when one of them decided (``rule``)."""
        from veracity.judge.decide import HARD_RULES

        key = "rule" if rule in HARD_RULES and "rule" in self.calibration else label
        a, b = self.calibration.get(key, (0.0, 0.0))
        p = 1.0 / (1.0 + math.exp(-(a * score + b)))
        return round(min(0.99, max(0.01, p)), 2)


def from_dict(d: dict[str, Any]) -> JudgeModel:
    feats, cfeats = list(d["features"]), list(d["claim_features"])

    def stance(w: list[list[float]], names: list[str]) -> StanceModel:
        return StanceModel(names, np.asarray(w, dtype=np.float64))

    return JudgeModel(
        pair=stance(d["pair"], feats),
        claim=stance(d["claim"], cfeats),
        folds=[(stance(f["pair"], feats), stance(f["claim"], cfeats)) for f in d.get("folds", [])],
        fold_count=int(d.get("fold_count", len(d.get("folds", [])))),
        thresholds={k: float(v) for k, v in d["thresholds"].items()},
        calibration={k: (float(v[0]), float(v[1])) for k, v in d.get("calibration", {}).items()},
        meta={k: d[k] for k in ("data", "command", "version", "trained_on", "cv") if k in d},
    )


@lru_cache(maxsize=1)
def load_default() -> JudgeModel:
    """The weights shipped in the package."""
    text = resources.files("veracity.judge").joinpath("weights.json").read_text(encoding="utf-8")
    return from_dict(json.loads(text))


def fold_of(key: str, folds: int) -> int:
    """The fold a training claim belongs to: a stable hash of its text."""
    import hashlib

    return int(hashlib.sha1(key.strip().encode("utf-8")).hexdigest()[:8], 16) % folds
