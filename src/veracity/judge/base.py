"""The judge protocol: ranked evidence for one claim in, a verdict and its quotes out."""

from __future__ import annotations

from typing import Protocol

from pydantic import BaseModel, Field

from veracity.types import Claim, Evidence, RankedPassage, Verdict


class Judgement(BaseModel):
    verdict: Verdict
    evidence: list[Evidence] = Field(default_factory=list)
    settled: bool = Field(default=True, description="False: the evidence is not enough yet; research more")
    missing: str | None = Field(default=None, description="what is still missing, for the next round's plan")
    refs: dict[str, str] = Field(
        default_factory=dict,
        description="passage labels the rationale cites ([P1]) → passage ids, to number them as the evidence",
    )
    dropped_quotes: int = Field(default=0, description="citations the judge dropped (unknown passage, empty quote)")


class Judge(Protocol):
    """``name`` goes into the report; ``uses_llm`` tells the report whether a model decided."""

    name: str
    uses_llm: bool

    async def judge(self, claim: Claim, passages: list[RankedPassage], lang: str) -> Judgement: ...
