"""Progress events: what a run reports while it works (CLI live view, server-sent events)."""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Mapping, Sequence
from typing import Literal

from pydantic import BaseModel, Field

from veracity.types import Claim, Label

EventType = Literal[
    "queued",  # position: checks ahead of this one (the server, when every worker is busy)
    "run_started",  # run_id, message = input
    "claims_ready",  # claims: [{id, text}]
    "corpus_ready",  # message: documents / passages / skipped
    "query_sent",  # claim_id, provider, query
    "document_read",  # url
    "claim_settled",  # claim_id, label
    "round_started",  # round, message: pending / settled counts (the research agent)
    "llm_call",  # stage, message: tokens and cost of one model call (cached ones too)
    "run_finished",  # message: summary line
    "warning",  # message (provider: set when that provider was given up for the run)
]


class Event(BaseModel):
    type: EventType
    run_id: str | None = None
    claim_id: str | None = None
    provider: str | None = None
    query: str | None = None
    url: str | None = None
    label: str | None = None
    message: str | None = None
    claims: list[dict[str, str]] = Field(default_factory=list)
    round: int | None = None
    stage: str | None = None
    position: int | None = None


ProgressCallback = Callable[[Event], None]


def emit(callback: ProgressCallback | None, event: Event) -> None:
    """Call the progress callback; a failing callback never breaks a run."""
    if callback is None:
        return
    with contextlib.suppress(Exception):  # the callback is the caller's code
        callback(event)


def checklist_events(run_id: str, claims: Sequence[Claim], settled: Mapping[str, Label]) -> list[Event]:
    """A run's state as events: ``claims_ready`` with its checklist, then one ``claim_settled``
    per claim already judged (a resumed run says so first; a stream rebuilt from the store is
    made of them)."""
    events = [Event(type="claims_ready", run_id=run_id, claims=[{"id": c.id, "text": c.text} for c in claims])]
    events += [Event(type="claim_settled", run_id=run_id, claim_id=c.id, label=settled[c.id].value)
               for c in claims if c.id in settled]
    return events
