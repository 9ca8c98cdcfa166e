"""Evaluation of the judge on labelled claim sets (``veracity eval``).

Each dataset item is a claim, its gold label mapped onto a small class set, and the text of the
evidence page(s) it should be checked against (a one-document corpus). The item runs through the
same stages as a real run — passages, hybrid ranking, judge, quote verification — and the figures
are computed over the predictions:

* accuracy, per-class precision / recall / F1, macro-F1, the confusion matrix;
* evidence recall: for items with gold evidence sentences, the share where at least one shown
  quote overlaps a gold sentence;
* seconds per claim.

Datasets are read from their published files (see ../shared/benchmarks); nothing is copied.
"""

from __future__ import annotations

import json
import random
import time
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from veracity.types import Claim, Label

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


@dataclass
class Item:
    id: str
    claim: str
    gold: str
    pages: list[str]  # evidence documents, as text
    gold_sentences: list[str] = field(default_factory=list)
    language: str = "en"


@dataclass
class Prediction:
    item: Item
    label: Label
    predicted: str
    quotes: list[str]
    seconds: float


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
    """Runs items through passages → ranking → judge with shared, preloaded components."""

    def __init__(
        self, *, top_k: int = 8, judge: object | None = None, fold: dict[Label, str] | None = None
    ) -> None:
        from veracity.evidence.embed import UseEmbedder
        from veracity.judge.match import EvidenceMatchJudge

        self.embedder = UseEmbedder(threads=2)
        self.judge = judge or EvidenceMatchJudge()
        self.top_k = top_k
        self.fold = fold or {label: label.value for label in Label}

    def predict(self, item: Item) -> Prediction:
        import asyncio

        from veracity.corpus.passages import split_passages
        from veracity.evidence.ranking import rank
        from veracity.text import detect_language, quote_in_text
        from veracity.types import Document, RankedPassage, Source

        t = time.perf_counter()
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
        judgement = asyncio.run(self.judge.judge(claim, ranked, lang))  # type: ignore[attr-defined]
        quotes = [
            e.quote for e in judgement.evidence if any(quote_in_text(e.quote, t) for t in texts)
        ]
        label = judgement.verdict.label
        return Prediction(
            item=item,
            label=label,
            predicted=self.fold[label],
            quotes=quotes,
            seconds=time.perf_counter() - t,
        )


def metrics(preds: list[Prediction], classes: list[str]) -> dict:
    """Accuracy, per-class P/R/F1, macro-F1, confusion matrix, evidence recall, time."""
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
) -> dict:
    """Evaluate ``judge`` (default: the evidence-match judge) on ``items``. ``usage`` reports
    the LLM calls, tokens and cost spent so far (for a judge that calls a model); the figures
    per claim go into the result."""
    if limit is not None and limit < len(items):
        rnd = random.Random(seed)
        items = rnd.sample(items, limit)
    ev = Evaluator(fold=fold, judge=judge)
    preds = []
    for i, item in enumerate(items, 1):
        preds.append(ev.predict(item))
        if progress:
            progress(i, len(items))
    out = metrics(preds, classes)
    out["judge"] = getattr(ev.judge, "name", "?")
    if usage is not None and preds:
        calls, tokens, cost = usage()
        out["llm_calls_per_claim"] = round(calls / len(preds), 3)
        out["tokens_per_claim"] = round(tokens / len(preds), 1)
        out["cost_per_claim"] = round(cost / len(preds), 6)
    return out


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
        f"n = {result['n']} · accuracy **{result['accuracy']:.3f}** · macro-F1 **{result['macro_f1']:.3f}**"
        + (f" · evidence recall {result['evidence_recall']:.3f}" if result.get("evidence_recall") is not None else "")
        + f" · {result['seconds_per_claim'] * 1000:.0f} ms/claim",
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
    return "\n".join(lines)
