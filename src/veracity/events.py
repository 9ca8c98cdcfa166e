"""Progress events: what a run reports while it works (CLI live view, server-sent events)."""

from __future__ import annotations

import contextlib
from collections.abc import Callable
from typing import Literal

from pydantic import BaseModel, Field

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
    "warning",  # message
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
