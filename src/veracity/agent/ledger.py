"""The agent's books: which claims are settled, which are still pending, and what is left to spend.

Every claim on the checklist has exactly one entry. An entry starts ``pending`` and ends either
``settled`` (a verdict backed by verified quotes) or ``exhausted`` (rounds or budget ran out: the
claim is reported ``unverifiable`` with the reason). Nothing leaves the ledger, so no claim can
be dropped between the checklist and the report, and the report's summary is counted from the
same rows the table shows.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable
from enum import StrEnum

from pydantic import BaseModel, Field

from veracity.config import Settings
from veracity.errors import BudgetExhausted
from veracity.llm.base import LLMCall
from veracity.text import normalize_for_match


class ClaimState(StrEnum):
    PENDING = "pending"
    SETTLED = "settled"
    EXHAUSTED = "exhausted"


class LedgerEntry(BaseModel):
    claim_id: str
    state: ClaimState = ClaimState.PENDING
    rounds: int = 0
    label: str | None = None
    queries: list[str] = Field(default_factory=list, description="queries planned for this claim")
    missing: str | None = Field(default=None, description="what the judge said is still missing")
    reason: str | None = Field(default=None, description="why research stopped (exhausted)")


class Ledger:
    """The settled and pending lists of one run, in checklist order."""

    def __init__(self, claim_ids: Iterable[str]) -> None:
        self.entries: dict[str, LedgerEntry] = {cid: LedgerEntry(claim_id=cid) for cid in claim_ids}

    def pending(self) -> list[str]:
        return [cid for cid, e in self.entries.items() if e.state is ClaimState.PENDING]

    def settle(self, claim_id: str, label: str) -> None:
        entry = self._open(claim_id)
        entry.state, entry.label = ClaimState.SETTLED, label

    def exhaust(self, claim_id: str, reason: str) -> None:
        entry = self._open(claim_id)
        entry.state, entry.reason, entry.label = ClaimState.EXHAUSTED, reason, "unverifiable"

    def note_queries(self, claim_id: str, queries: Iterable[str]) -> None:
        entry = self.entries[claim_id]
        seen = {normalize_for_match(q) for q in entry.queries}
        for q in queries:
            if normalize_for_match(q) not in seen:
                seen.add(normalize_for_match(q))
                entry.queries.append(q)

    def _open(self, claim_id: str) -> LedgerEntry:
        entry = self.entries[claim_id]
        if entry.state is not ClaimState.PENDING:
            raise ValueError(f"claim {claim_id} is already {entry.state.value}")
        return entry

    def counts(self) -> dict[str, int]:
        out = {s.value: 0 for s in ClaimState}
        for e in self.entries.values():
            out[e.state.value] += 1
        return out


class Budget:
    """Limits of one run: rounds, LLM calls, tokens, searches, seconds (see :class:`Settings`).

    ``guard_llm`` is handed to the LLM client and runs before every real request: it counts the
    request, or raises :class:`BudgetExhausted` once a limit is reached. Cached answers cost
    nothing.
    """

    def __init__(self, settings: Settings, *, clock: Callable[[], float] = time.monotonic) -> None:
        self.max_rounds = settings.max_rounds
        self.max_calls = settings.max_llm_calls
        self.max_tokens = settings.max_llm_tokens
        self.max_searches = settings.max_searches
        self.max_seconds = settings.max_seconds
        self.clock = clock
        self.started = clock()
        self.calls = 0
        self.tokens = 0
        self.searches = 0  # queries to search services granted (the local corpus is free)

    def one_round(self) -> Budget:
        """This budget with a single round (the offline pass)."""
        self.max_rounds = 1
        return self

    def charge(self, call: LLMCall) -> None:
        """Count a finished call's tokens (the call itself was counted by its guard)."""
        if not call.cached:
            self.tokens += call.prompt_tokens + call.completion_tokens

    def elapsed(self) -> float:
        return self.clock() - self.started

    def time_left(self) -> bool:
        return self.elapsed() < self.max_seconds

    def guard_llm(self, stage: str, prompt_tokens: int) -> None:
        if self.calls >= self.max_calls:
            raise BudgetExhausted(f"the LLM call budget is spent ({self.calls} of {self.max_calls} calls)")
        if self.tokens + prompt_tokens > self.max_tokens:
            raise BudgetExhausted(
                f"the token budget is spent ({self.tokens} of {self.max_tokens} tokens used;"
                f" this {stage} call needs about {prompt_tokens} more)"
            )
        self.guard_time()
        self.calls += 1  # counted when let through, so concurrent calls cannot overshoot

    def guard_time(self) -> None:
        if not self.time_left():
            raise BudgetExhausted(f"the time budget is spent ({self.elapsed():.0f} s of {self.max_seconds:.0f} s)")

    def take_searches(self, wanted: int) -> int:
        """Grant up to ``wanted`` queries to search services from what is left, counted when
        granted (so that claims searching at once cannot overshoot); returns how many."""
        granted = max(0, min(wanted, self.max_searches - self.searches))
        self.searches += granted
        return granted
