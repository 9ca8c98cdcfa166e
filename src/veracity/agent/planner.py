"""The planner: new search queries for a claim the judge could not settle yet (stage ``plan``).

The prompt shows the claim (as delimited data), what the judge said is missing and every query
already tried, and asks for new angles — official pages, scholarly records, the names in another
language. The answer is cleaned: stripped, blank and repeated queries dropped (compared with
:func:`~veracity.text.normalize_for_match`), none equal to a tried one, at most ``n``.
"""

from __future__ import annotations

from typing import Protocol

from pydantic import BaseModel, Field

from veracity.llm.base import Message, StructuredLLM, language_name
from veracity.llm.render import neutralize_tags, render_prompt
from veracity.text import normalize_for_match
from veracity.types import Claim

__all__ = ["LLMPlanner", "PlanOutput", "Planner", "RulePlanner", "plan_queries", "render_plan_prompt"]


class PlanOutput(BaseModel):
    queries: list[str] = Field(default_factory=list, description="new web search queries, best first")


def _claim_language(claim: Claim, lang: str) -> str:
    code = claim.language if claim.language != "other" else lang
    return language_name(code) if code in ("zh", "en") else "a language other than English"


def render_plan_prompt(
    claim: Claim, *, lang: str, missing: str | None, tried: list[str], n: int
) -> list[Message]:
    """The planner's messages for ``claim``."""
    tried_lines = "\n".join(f"- {neutralize_tags(' '.join(q.split()))}" for q in tried if q.strip())
    return render_prompt(
        "plan",
        language=_claim_language(claim, lang),
        claim=neutralize_tags(claim.text),
        missing=neutralize_tags(" ".join((missing or "").split())) or "not stated; any direct evidence",
        tried=tried_lines or "- (none)",
        n=str(n),
    )


async def plan_queries(
    claim: Claim, llm: StructuredLLM, *, lang: str, missing: str | None, tried: list[str], n: int = 3
) -> list[str]:
    """At most ``n`` new queries for ``claim``: none blank, repeated or already in ``tried``."""
    if n <= 0:
        return []
    messages = render_plan_prompt(claim, lang=lang, missing=missing, tried=tried, n=n)
    out = await llm.structured("plan", messages, PlanOutput)
    seen = {normalize_for_match(q) for q in tried}
    queries: list[str] = []
    for q in out.queries:
        q = " ".join(q.split())
        key = normalize_for_match(q)
        if not key or key in seen:
            continue
        seen.add(key)
        queries.append(q)
        if len(queries) >= n:
            break
    return queries


class Planner(Protocol):
    """What the research loop asks for the queries of a round after the first (the first
    round searches the claim, its checklist queries and its work's other titles)."""

    async def plan(self, claim: Claim, *, lang: str, missing: str | None, tried: list[str], n: int) -> list[str]: ...


class LLMPlanner:
    """The research agent's planner: new angles from the model (:func:`plan_queries`)."""

    def __init__(self, llm: StructuredLLM) -> None:
        self.llm = llm

    async def plan(self, claim: Claim, *, lang: str, missing: str | None, tried: list[str], n: int) -> list[str]:
        return await plan_queries(claim, self.llm, lang=lang, missing=missing, tried=tried, n=n)


class RulePlanner:
    """The offline pass's planner: nothing beyond the first round's queries."""

    async def plan(self, claim: Claim, *, lang: str, missing: str | None, tried: list[str], n: int) -> list[str]:
        return []
