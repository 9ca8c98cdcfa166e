"""Evaluation of the judge on labelled claim sets (``veracity eval``).

Each dataset item is a claim, its gold label mapped onto a small class set, and the text of the
evidence page(s) it should be checked against (a one-document corpus). The item runs through the
same stages as a real run — passages, hybrid ranking, judge, quote verification — and the figures
are computed over the predictions:

* accuracy, per-class precision / recall / F1, macro-F1, the confusion matrix;
* evidence recall: for items with gold evidence sentences, the share where at least one shown
  quote overlaps a gold sentence;
* false-confirmation rate: of the items whose gold is the dataset's false class, the share the
  judge called ``true`` or ``mostly_true`` (on our six-label scale, before folding); and the
  false-alarm rate: of the items whose gold is the true class, the share called ``false`` or
  ``misattributed`` — each with its numerator and denominator;
* calibration: the judge's confidence read as the probability that its (folded) label is right;
  expected calibration error over ten equal-width bins and the reliability table behind it;
* seconds per claim (the whole item: passages, embedding, ranking, judge) and, apart, the time
  of the judge call alone (mean and 95th percentile).

Datasets are read from their published files (see ../shared/benchmarks); nothing is copied.
"""

from __future__ import annotations

import json
import math
import random
import time
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from veracity.types import Claim, Label

if TYPE_CHECKING:
    from veracity.evidence.embed import Embedder

# WiCE's three labels, and how our six-label scale folds onto them.
WICE_CLASSES = ["supported", "partially_supported", "not_supported"]
WICE_FOLD = {
    Label.TRUE: "supported",
    Label.MOSTLY_TRUE: "supported",
    Label.PARTLY_TRUE: "partially_supported",
    Label.FALSE: "not_supported",
    Label.MISATTRIBUTED: "not_supported",
    Label.UNVERIFIABLE: "not_supported",
}


# Factcheck-Bench's claim labels, and the fold of our scale onto them. A claim that is partly
# wrong is "false" there (its annotators revise any false part).
FACTCHECK_CLASSES = ["true", "false", "not_enough_evidence"]
FACTCHECK_FOLD = {
    Label.TRUE: "true",
    Label.MOSTLY_TRUE: "true",
    Label.PARTLY_TRUE: "false",
    Label.FALSE: "false",
    Label.MISATTRIBUTED: "false",
    Label.UNVERIFIABLE: "not_enough_evidence",
}

DATASETS = {"wice": (WICE_CLASSES, WICE_FOLD), "factcheck-bench": (FACTCHECK_CLASSES, FACTCHECK_FOLD)}

# Gold classes that mean "the claim is false" and "the claim is true", per class set; any other
# class set is taken to be our own six-label scale (generic JSONL).
_POLARITY: dict[tuple[str, ...], tuple[frozenset[str], frozenset[str]]] = {
    tuple(WICE_CLASSES): (frozenset({"not_supported"}), frozenset({"supported"})),
    tuple(FACTCHECK_CLASSES): (frozenset({"false"}), frozenset({"true"})),
}
_SCALE_POLARITY = (frozenset({Label.FALSE.value, Label.MISATTRIBUTED.value}), frozenset({Label.TRUE.value}))
CONFIRMING = frozenset({Label.TRUE, Label.MOSTLY_TRUE})  # a prediction that confirms the claim
REFUTING = frozenset({Label.FALSE, Label.MISATTRIBUTED})  # a prediction that refutes it
ECE_BINS = 10


def gold_polarity(classes: list[str]) -> tuple[frozenset[str], frozenset[str]]:
    """The gold classes counted as false and as true for the false-confirmation and
    false-alarm rates of a dataset with these classes."""
    return _POLARITY.get(tuple(classes), _SCALE_POLARITY)


@dataclass
class Item:
    id: str
    claim: str
    gold: str
    pages: list[str]  # evidence documents, as text
    gold_sentences: list[str] = field(default_factory=list)
    language: str = "en"
    group: str = ""  # items of one group belong in one fold (Factcheck-Bench: the claim text)


@dataclass
class Prediction:
    item: Item
    label: Label
    predicted: str
    quotes: list[str]
    seconds: float  # the whole item: passages, embedding, ranking, judge
    confidence: float  # the judge's: the probability that ``predicted`` is right
    judge_seconds: float  # the judge call alone


def load_wice(path: Path) -> Iterator[Item]:
    """WiCE claim file (``claim/dev.jsonl``): claim, label, evidence sentences, supporting ids."""
    with path.open(encoding="utf-8") as fh:
        for n, line in enumerate(fh):
            if not line.strip():
                continue
            rec = json.loads(line)
            sentences: list[str] = rec["evidence"]
            gold_ids = sorted({i for group in rec.get("supporting_sentences", []) for i in group})
            yield Item(
                id=str(rec.get("meta", {}).get("id", n)),
                claim=rec["claim"],
                gold=rec["label"],
                pages=["\n".join(sentences)],
                gold_sentences=[sentences[i] for i in gold_ids if 0 <= i < len(sentences)],
            )


def load_factcheck_bench(folder: Path) -> Iterator[Item]:
    """Factcheck-Bench: claim labels (subtask 4) with the claim's web passages (subtask 3) as a
    corpus; passages annotated as supporting or refuting are the gold evidence."""
    root = folder / "subtasks" if (folder / "subtasks").is_dir() else folder
    passages: dict[str, list[tuple[str, str]]] = {}
    with (root / "subtask3_claim_evidence_stance.jsonl").open(encoding="utf-8") as fh:
        for line in fh:
            if line.strip():
                rec = json.loads(line)
                passages.setdefault(rec["claim"], []).append((rec["evidence"], rec["stance"]))
    with (root / "subtask4_claim_factuality.jsonl").open(encoding="utf-8") as fh:
        for n, line in enumerate(fh):
            if not line.strip():
                continue
            rec = json.loads(line)
            ev = passages.get(rec["claim"], [])
            yield Item(
                id=str(n),
                claim=rec["claim"],
                gold=rec["label"],
                pages=[text for text, _ in ev],
                gold_sentences=[text for text, stance in ev if stance != "irrelevant"],
                group=rec["claim"],
            )


def load_jsonl(path: Path) -> Iterator[Item]:
    """Generic: ``{"id", "claim", "label", "evidence"?: str | [str]}`` with labels on our scale."""
    with path.open(encoding="utf-8") as fh:
        for n, line in enumerate(fh, 1):
            if not line.strip():
                continue
            rec = json.loads(line)
            ev = rec.get("evidence") or rec.get("corpus") or []
            pages = [ev] if isinstance(ev, str) else list(ev)
            yield Item(id=str(rec.get("id", n)), claim=rec["claim"], gold=rec["label"], pages=pages)


def _overlaps(quote: str, sentence: str) -> bool:
    from veracity.text import normalize_for_match

    q, s = normalize_for_match(quote), normalize_for_match(sentence)
    return bool(q and s) and (q in s or s in q)


class Evaluator:
    """Runs items through passages → ranking → judge with shared, preloaded components.

    ``judge_for``, when given, chooses the judge of each item (e.g. the model of the fold that
    did not train on it, for out-of-fold evaluation); otherwise every item goes to ``judge``
    (default: the evidence-match judge)."""

    def __init__(
        self,
        *,
        top_k: int = 8,
        judge: object | None = None,
        fold: dict[Label, str] | None = None,
        judge_for: Callable[[Item], object] | None = None,
        embedder: Embedder | None = None,
        clock: Callable[[], float] = time.perf_counter,
    ) -> None:
        from veracity.evidence.embed import UseEmbedder

        self.embedder = embedder if embedder is not None else UseEmbedder(threads=2)
        self.clock = clock
        if judge is None and judge_for is None:
            from veracity.judge.match import EvidenceMatchJudge

            judge = EvidenceMatchJudge()
        self.judge = judge
        self.judge_for = judge_for
        self.judges_used: Counter[str] = Counter()  # judge name → items it judged
        self.top_k = top_k
        self.fold = fold or {label: label.value for label in Label}

    def predict(self, item: Item) -> Prediction:
        import asyncio

        from veracity.corpus.passages import split_passages
        from veracity.evidence.ranking import rank
        from veracity.text import detect_language, quote_in_text
        from veracity.types import Document, RankedPassage, Source

        t = self.clock()
        passages, sources, texts = [], [], []
        for i, page in enumerate(item.pages):
            src = Source(url=f"eval://{item.id}/{i}", title=None, content_hash=f"{item.id}-{i}")
            doc = Document(source=src, text=page)
            for p in split_passages(doc):
                passages.append(p)
                sources.append(src)
            texts.append(page)
        hits = rank(item.claim, passages, self.embedder, self.top_k)
        ranked = [
            RankedPassage(
                passage=passages[h.index], source=sources[h.index], score=h.score,
                lexical=h.lexical, semantic=h.semantic,
            )
            for h in hits
        ]
        lang = detect_language(item.claim)
        claim = Claim(id=item.id, text=item.claim, original=item.claim, language=lang)
        judge = self.judge_for(item) if self.judge_for is not None else self.judge
        self.judges_used[getattr(judge, "name", "?")] += 1

        async def timed() -> tuple[Any, float]:  # the judge call alone, not the event loop
            t0 = self.clock()
            j = await judge.judge(claim, ranked, lang)  # type: ignore[attr-defined]
            return j, self.clock() - t0

        judgement, judge_seconds = asyncio.run(timed())
        quotes = [
            e.quote for e in judgement.evidence if any(quote_in_text(e.quote, t) for t in texts)
        ]
        label = judgement.verdict.label
        return Prediction(
            item=item,
            label=label,
            predicted=self.fold[label],
            quotes=quotes,
            seconds=self.clock() - t,
            confidence=float(judgement.verdict.confidence),
            judge_seconds=judge_seconds,
        )


def _rate(hits: int, total: int) -> float | None:
    return round(hits / total, 4) if total else None


def _p95(values: list[float]) -> float:
    """95th percentile by nearest rank (the smallest value with ≥ 95 % of values at or below)."""
    ordered = sorted(values)
    return ordered[max(0, math.ceil(0.95 * len(ordered)) - 1)] if ordered else 0.0


def calibration(preds: list[Prediction], bins: int = ECE_BINS) -> tuple[float | None, list[dict]]:
    """Expected calibration error and reliability table over ``bins`` equal-width confidence
    bins ``[k/bins, (k+1)/bins)`` (the last one closed at 1). A prediction is correct when its
    folded label equals the gold; ECE = Σ_bins (n_bin / n) · |accuracy_bin − mean confidence_bin|.
    Empty bins are listed with ``None`` figures."""
    filled: list[list[Prediction]] = [[] for _ in range(bins)]
    for p in preds:
        c = min(max(p.confidence, 0.0), 1.0)
        filled[min(int(c * bins), bins - 1)].append(p)
    ece, table = 0.0, []
    for k, members in enumerate(filled):
        row: dict = {"range": [round(k / bins, 4), round((k + 1) / bins, 4)], "n": len(members),
                     "mean_confidence": None, "accuracy": None}
        if members:
            conf = sum(p.confidence for p in members) / len(members)
            acc = sum(1 for p in members if p.predicted == p.item.gold) / len(members)
            ece += len(members) / len(preds) * abs(acc - conf)
            row.update(mean_confidence=round(conf, 4), accuracy=round(acc, 4))
        table.append(row)
    return (round(ece, 4) if preds else None), table


def metrics(
    preds: list[Prediction],
    classes: list[str],
    *,
    polarity: tuple[frozenset[str], frozenset[str]] | None = None,
) -> dict:
    """Accuracy, per-class P/R/F1, macro-F1, confusion matrix, evidence recall, false-confirmation
    and false-alarm rates, calibration, time. ``polarity`` — the gold classes that mean false and
    true — defaults to :func:`gold_polarity` of ``classes``."""
    n = len(preds)
    confusion = {g: {p: 0 for p in classes} for g in classes}
    for p in preds:
        confusion[p.item.gold][p.predicted] += 1
    per: dict[str, dict[str, float]] = {}
    for c in classes:
        tp = confusion[c][c]
        fp = sum(confusion[g][c] for g in classes if g != c)
        fn = sum(confusion[c][q] for q in classes if q != c)
        prec = tp / (tp + fp) if tp + fp else 0.0
        rec = tp / (tp + fn) if tp + fn else 0.0
        f1 = 2 * prec * rec / (prec + rec) if prec + rec else 0.0
        per[c] = {"precision": round(prec, 4), "recall": round(rec, 4), "f1": round(f1, 4),
                  "support": sum(confusion[c].values())}
    with_gold = [p for p in preds if p.item.gold_sentences]
    hit = sum(1 for p in with_gold if any(_overlaps(q, s) for q in p.quotes for s in p.item.gold_sentences))
    false_gold, true_gold = polarity or gold_polarity(classes)
    on_false = [p for p in preds if p.item.gold in false_gold]
    on_true = [p for p in preds if p.item.gold in true_gold]
    confirmed = sum(1 for p in on_false if p.label in CONFIRMING)
    alarmed = sum(1 for p in on_true if p.label in REFUTING)
    ece, reliability = calibration(preds)
    judge_ms = [p.judge_seconds * 1000 for p in preds]
    return {
        "n": n,
        "accuracy": round(sum(1 for p in preds if p.predicted == p.item.gold) / n, 4) if n else 0.0,
        "macro_f1": round(sum(v["f1"] for v in per.values()) / len(classes), 4) if classes else 0.0,
        "per_class": per,
        "confusion": confusion,
        "false_f1": per.get("false", per.get("not_supported", {})).get("f1"),
        "labels": dict(Counter(p.label.value for p in preds)),
        "evidence_recall": round(hit / len(with_gold), 4) if with_gold else None,
        "seconds_per_claim": round(sum(p.seconds for p in preds) / n, 4) if n else 0.0,
        "judge_ms_per_claim": round(sum(judge_ms) / n, 2) if n else 0.0,
        "judge_ms_p95": round(_p95(judge_ms), 2),
        "false_confirmation_rate": _rate(confirmed, len(on_false)),
        "false_confirmations": confirmed,
        "false_gold": len(on_false),
        "false_alarm_rate": _rate(alarmed, len(on_true)),
        "false_alarms": alarmed,
        "true_gold": len(on_true),
        "ece": ece,
        "mean_confidence": round(sum(p.confidence for p in preds) / n, 4) if n else None,
        "reliability": reliability,
        # the offline judge calls no model; run_eval fills these for the LLM judge
        "llm_calls_per_claim": 0.0,
        "tokens_per_claim": 0.0,
        "cost_per_claim": 0.0,
    }


def run_eval(
    items: list[Item],
    classes: list[str],
    *,
    limit: int | None = None,
    seed: int = 0,
    progress: Callable[[int, int], None] | None = None,
    fold: dict[Label, str] | None = None,
    judge: object | None = None,
    usage: Callable[[], tuple[int, int, float]] | None = None,
    judge_for: Callable[[Item], object] | None = None,
    embedder: Embedder | None = None,
    clock: Callable[[], float] = time.perf_counter,
) -> dict:
    """Evaluate ``judge`` (default: the evidence-match judge) on ``items``, or, with
    ``judge_for``, each item with the judge it chooses for that item. ``usage`` reports the LLM
    calls, tokens and cost spent so far (for a judge that calls a model); the figures per claim
    go into the result. ``embedder`` (default: a new sentence encoder) ranks the passages;
    ``clock`` times the items and judge calls (tests pass a fake one)."""
    if limit is not None and limit < len(items):
        rnd = random.Random(seed)
        items = rnd.sample(items, limit)
    ev = Evaluator(fold=fold, judge=judge, judge_for=judge_for, embedder=embedder, clock=clock)
    preds = []
    for i, item in enumerate(items, 1):
        preds.append(ev.predict(item))
        if progress:
            progress(i, len(items))
    out = metrics(preds, classes)
    used = sorted(ev.judges_used) or [getattr(ev.judge, "name", "?")]
    out["judge"] = ",".join(used)  # several names only when judge_for chose different judges
    if usage is not None and preds:
        calls, tokens, cost = usage()
        out["llm_calls_per_claim"] = round(calls / len(preds), 3)
        out["tokens_per_claim"] = round(tokens / len(preds), 1)
        out["cost_per_claim"] = round(cost / len(preds), 6)
    return out


def out_of_fold_judges() -> Callable[[Item], object]:
    """For Factcheck-Bench, the set the offline judge's model was trained on: each claim is
    judged by the model fitted without the fold that claim belongs to (the training script's
    folds, a hash of the claim text), so no figure is measured on data its model saw."""
    from veracity.judge.match import EvidenceMatchJudge
    from veracity.judge.model import fold_of, load_default

    model = load_default()
    judges = [EvidenceMatchJudge(model=model.for_fold(f)) for f in range(model.fold_count)]

    def choose(item: Item) -> object:
        return judges[fold_of(item.group or item.claim, model.fold_count)]

    return choose


def llm_judge_for_eval(settings: object) -> tuple[object, Callable[[], tuple[int, int, float]]]:
    """The LLM judge on the model the settings describe, and a function that reports the
    calls, tokens and cost it has spent. Raises :class:`ConfigError` without an endpoint."""
    from veracity.config import Settings
    from veracity.errors import ConfigError
    from veracity.judge.llm import LLMJudge
    from veracity.llm import build_llm
    from veracity.llm.base import LLMCall

    assert isinstance(settings, Settings)
    client = build_llm(settings)
    if client is None:
        raise ConfigError("--judge llm needs an endpoint: set VERACITY_LLM_BASE_URL (and VERACITY_LLM_MODEL)")
    spent = [0, 0, 0.0]

    def record(call: LLMCall) -> None:
        if not call.cached:
            spent[0] += 1
            spent[1] += call.prompt_tokens + call.completion_tokens
            spent[2] += call.cost_usd

    judge = LLMJudge(client.bind(recorder=record))
    return judge, lambda: (int(spent[0]), int(spent[1]), float(spent[2]))


def markdown_table(result: dict, classes: list[str]) -> str:
    lines = [
        *([f"({result['note']})", ""] if result.get("note") else []),
        f"n = {result['n']} · accuracy **{result['accuracy']:.3f}** · macro-F1 **{result['macro_f1']:.3f}**"
        + (f" · evidence recall {result['evidence_recall']:.3f}" if result.get("evidence_recall") is not None else "")
        + f" · {result['seconds_per_claim'] * 1000:.0f} ms/claim",
        *_error_and_calibration_line(result),
        "",
        "| class | precision | recall | F1 | support |",
        "|---|---|---|---|---|",
    ]
    for c in classes:
        v = result["per_class"][c]
        lines.append(f"| {c} | {v['precision']:.3f} | {v['recall']:.3f} | {v['f1']:.3f} | {v['support']} |")
    lines += ["", "confusion (rows gold, columns predicted):", "",
              "| gold \\ pred | " + " | ".join(classes) + " |", "|---" * (len(classes) + 1) + "|"]
    for g in classes:
        lines.append(f"| {g} | " + " | ".join(str(result["confusion"][g][p]) for p in classes) + " |")
    filled = [b for b in result.get("reliability") or [] if b["n"]]
    if filled:
        lines += ["", "reliability (confidence bins; correct = folded label equals gold):", "",
                  "| confidence | n | mean confidence | accuracy |", "|---|---|---|---|"]
        for b in filled:
            lo, hi = b["range"]
            lines.append(f"| {lo:.1f}–{hi:.1f} | {b['n']} | {b['mean_confidence']:.3f} | {b['accuracy']:.3f} |")
    return "\n".join(lines)


def _error_and_calibration_line(result: dict) -> list[str]:
    """The line under the summary: false-confirmation and false-alarm rates (x/y), ECE and the
    judge's own time; nothing for a result without them."""
    if "false_confirmation_rate" not in result:
        return []

    def rate(name: str, hits: str, total: str) -> str:
        r = result[f"{name}_rate"]
        shown = "–" if r is None else f"{r:.3f}"
        return f"{shown} ({result[hits]}/{result[total]})"

    ece = result.get("ece")
    return [
        "false-confirmation rate " + rate("false_confirmation", "false_confirmations", "false_gold")
        + " · false-alarm rate " + rate("false_alarm", "false_alarms", "true_gold")
        + (f" · ECE {ece:.3f} (mean confidence {result['mean_confidence']:.3f})" if ece is not None else "")
        + f" · judge {result['judge_ms_per_claim']:.0f} ms/claim (p95 {result['judge_ms_p95']:.0f} ms)"
    ]
