"""The LLM judge: a language model reads the ranked passages and gives the verdict.

Each passage goes to the model as ``<passage id="P1" title="…" url="…" date="…">`` … ``</passage>``
(text neutralised so it cannot close its block, attributes escaped); the model answers a
:class:`JudgeOutput` with a label, a rationale that cites ``[P1]``, and verbatim quotes. This
module maps the answer onto :class:`~veracity.judge.base.Judgement`:

* citations keep the model's order, up to ``max_evidence``; one naming a passage that was not
  shown (or with an empty quote) is dropped and counted in ``dropped_quotes``;
* quotes are passed through as written: the pipeline checks them against the stored text;
* ``settled`` is ``sufficient`` or any label but ``unverifiable``; ``missing`` feeds the planner.

Without passages the model is not asked: the claim is ``unverifiable`` and left unsettled.
"""

from __future__ import annotations

import re
from typing import Literal

from pydantic import BaseModel, Field, field_validator

from veracity.judge.base import Judgement
from veracity.llm.base import StructuredLLM, language_name
from veracity.llm.render import data_block, neutralize_tags, render_prompt
from veracity.messages import message
from veracity.text import normalize_for_match
from veracity.types import Claim, Evidence, Label, RankedPassage, RationalePart, Stance, Verdict

__all__ = ["Citation", "JudgeOutput", "LLMJudge", "passage_ids", "render_judge_prompt"]

LabelValue = Literal["true", "mostly_true", "partly_true", "false", "misattributed", "unverifiable"]
StanceValue = Literal["supports", "refutes", "mentions"]

_STANCE_WORDS = {"support": "supports", "supported": "supports", "refute": "refutes",
                 "refuted": "refutes", "contradicts": "refutes", "mention": "mentions",
                 "neutral": "mentions", "context": "mentions"}
_PASSAGE_REF = re.compile(r"^\[?\s*(?:passage\s*)?p?\s*(\d+)\s*\]?$", re.IGNORECASE)


class Citation(BaseModel):
    """One quote the verdict rests on."""

    passage: str = Field(description='id of the cited passage, e.g. "P1"')
    stance: StanceValue = Field(default="mentions", description="how the quote bears on the claim")
    quote: str = Field(description="one or two sentences copied verbatim from that passage")

    @field_validator("stance", mode="before")
    @classmethod
    def _stance(cls, value: object) -> object:
        if isinstance(value, str):
            v = value.strip().lower()
            v = _STANCE_WORDS.get(v, v)
            return v if v in ("supports", "refutes", "mentions") else "mentions"
        return value


class JudgeOutput(BaseModel):
    """The model's verdict on one claim."""

    label: LabelValue
    confidence: float = Field(ge=0.0, le=1.0, description="0..1, how sure the label is")
    rationale: str = Field(description="1-3 sentences in the report language, citing passages as [P1]")
    sufficient: bool = Field(description="the evidence is enough to decide; false: keep researching")
    missing: str = Field(default="", description="what to search for next when not sufficient")
    citations: list[Citation] = Field(default_factory=list)

    @field_validator("label", mode="before")
    @classmethod
    def _label(cls, value: object) -> object:
        """Accept "Mostly true", "mostly-true" for ``mostly_true``."""
        if isinstance(value, str):
            return re.sub(r"[\s\-]+", "_", value.strip().lower())
        return value

    @field_validator("confidence", mode="before")
    @classmethod
    def _clamp(cls, value: object) -> object:
        if isinstance(value, int | float) and not isinstance(value, bool):
            return min(1.0, max(0.0, float(value)))
        return value


def passage_ids(passages: list[RankedPassage]) -> dict[str, RankedPassage]:
    """The ids the prompt shows (``P1``…``Pn`` in rank order) and the passages they name."""
    return {f"P{i}": rp for i, rp in enumerate(passages, 1)}


def render_judge_prompt(
    claim: Claim, passages: list[RankedPassage], lang: str, subject: str | None = None
) -> list[dict[str, str]]:
    """The judge's messages for ``claim`` and ``passages``."""
    blocks = [
        data_block(
            "passage",
            rp.passage.text,
            id=pid,
            title=rp.source.title or rp.passage.context or "",
            url=rp.source.url or rp.passage.doc_url,
            date=rp.source.published or "unknown",
        )
        for pid, rp in passage_ids(passages).items()
    ]
    return render_prompt(
        "judge",
        language=language_name(lang),
        subject=neutralize_tags(subject or ""),
        claim=neutralize_tags(claim.text),
        passages="\n\n".join(blocks),
    )


def _no_evidence(lang: str) -> Verdict:
    """The verdict when there is nothing to ask the model about (worded from the catalogue)."""
    return Verdict(label=Label.UNVERIFIABLE, confidence=0.0, rationale=message("judge.no_evidence", lang),
                   rationale_parts=[RationalePart(key="judge.no_evidence")])


class LLMJudge:
    """Verdicts from a language model (stage ``judge``), one call per claim and round."""

    name = "llm"
    uses_llm = True

    def __init__(self, llm: StructuredLLM, *, max_evidence: int = 3, subject: str | None = None) -> None:
        self.llm = llm
        self.max_evidence = max_evidence
        self.subject = subject

    async def judge(self, claim: Claim, passages: list[RankedPassage], lang: str) -> Judgement:
        lang = "zh" if lang == "zh" else "en"
        if not passages:
            return Judgement(
                verdict=_no_evidence(lang),
                settled=False,
                missing="any source that mentions the claim: official pages, scholarly records, news",
            )
        messages = render_judge_prompt(claim, passages, lang, self.subject)
        out = await self.llm.structured("judge", messages, JudgeOutput)
        evidence, dropped = self._evidence(out.citations, passages)
        label = Label(out.label)
        rationale = out.rationale.strip() or label.name_in(lang)
        return Judgement(
            verdict=Verdict(label=label, confidence=round(out.confidence, 2), rationale=rationale),
            evidence=evidence,
            settled=out.sufficient or label != Label.UNVERIFIABLE,
            missing=out.missing.strip() or None,
            dropped_quotes=dropped,
            refs={label: rp.passage.id for label, rp in passage_ids(passages).items()},
        )

    def _evidence(self, citations: list[Citation], passages: list[RankedPassage]) -> tuple[list[Evidence], int]:
        """The citations as evidence (model order, at most ``max_evidence``) and how many were
        dropped for naming no shown passage or quoting nothing."""
        shown = passage_ids(passages)
        by_own_id = {rp.passage.id: rp for rp in passages}
        evidence: list[Evidence] = []
        seen: set[tuple[str, str]] = set()
        dropped = 0
        for c in citations:
            rp = _resolve(c.passage, shown, by_own_id)
            quote = c.quote.strip()
            if rp is not None and "‹" in quote and "‹" not in rp.passage.text:
                quote = quote.replace("‹", "<")  # the model saw the passage with its tags defanged
            if rp is None or not quote:
                dropped += 1
                continue
            key = (rp.passage.id, normalize_for_match(quote))
            if key in seen or len(evidence) >= self.max_evidence:
                continue
            seen.add(key)
            evidence.append(
                Evidence(
                    quote=quote,
                    stance=Stance(c.stance),
                    source=rp.source,
                    page=rp.passage.page,
                    passage_id=rp.passage.id,
                )
            )
        return evidence, dropped


def _resolve(
    ref: str, shown: dict[str, RankedPassage], by_own_id: dict[str, RankedPassage]
) -> RankedPassage | None:
    """The passage a citation names: ``P2``, ``p2``, ``[P2]``, ``2`` or the passage's own id."""
    ref = ref.strip()
    m = _PASSAGE_REF.match(ref)
    if m:
        return shown.get(f"P{int(m.group(1))}")
    return by_own_id.get(ref)


_REF_GROUP = re.compile(r"\s?\[\s*(P\d+(?:\s*[,，、;；]\s*P\d+)*)\s*\]")


def number_citations(rationale: str, refs: dict[str, str], evidence: list[Evidence]) -> str:
    """Rewrite the model's passage labels in a rationale (``[P3]``, ``[P1, P2]``) as the numbers
    of the evidence items the report shows (``[1]``); a label whose passage is not among the
    shown evidence is removed, so the text never points at something the reader cannot see."""
    number: dict[str, int] = {}
    for i, ev in enumerate(evidence, start=1):
        if ev.passage_id is not None:
            number.setdefault(ev.passage_id, i)

    def sub(m: re.Match[str]) -> str:
        labels = re.findall(r"P\d+", m.group(1))
        shown = sorted({number[refs[lb]] for lb in labels if lb in refs and refs[lb] in number})
        if not shown:
            return ""
        lead = m.group(0)[0] if m.group(0)[0].isspace() else ""
        return f"{lead}[{', '.join(map(str, shown))}]"

    return _REF_GROUP.sub(sub, rationale).strip()
