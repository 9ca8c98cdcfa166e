"""Per-job event logs and the server-sent-event streams read from them.

Every job the server runs gets an :class:`EventLog`: the progress events of its run
(:class:`veracity.events.Event`), numbered from 1 (a job that a restarted server resumes:
from 1,000,001 for its second attempt, and so on), kept in memory so that a subscriber who
comes late gets every earlier event first (replay) and then the live ones. When the job ends
the log records its final status and each stream closes with an ``end`` event.

Memory stays bounded: a log keeps at most ``max_events`` events of the chatty kinds (LLM calls,
queries, pages read, rounds; the events that carry results are always kept), and the
:class:`EventHub` forgets the logs of finished jobs after ``ttl`` seconds or once more than
``keep_finished`` of them are held. A job with no log in memory — it finished before the server
restarted, or long ago — gets a stream made from the store: ``claims_ready`` from the stored
checklist, one ``claim_settled`` per judged claim, then ``end``.

The wire format (``text/event-stream``)::

    id: 7
    event: claim_settled
    data: {"type": "claim_settled", "run_id": "...", "claim_id": "c2", "label": "true", ...}

A comment line ``: ping`` is sent when nothing happened for ``keepalive`` seconds.
"""

from __future__ import annotations

import asyncio
import bisect
import json
import threading
import time
from collections import OrderedDict
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass
from typing import Any

from veracity.errors import VeracityError
from veracity.events import Event, checklist_events
from veracity.store import Store
from veracity.store.jobs import Job

# Events a subscriber needs to follow a run; never dropped when a log is full.
ESSENTIAL = frozenset({"run_started", "claims_ready", "corpus_ready", "claim_settled", "run_finished"})
FINISHED = ("done", "failed")


@dataclass(frozen=True)
class LoggedEvent:
    """One event as streamed: its number in the job's log, its type and its JSON text."""

    seq: int
    type: str
    data: str

    def frame(self) -> str:
        """The event as one ``text/event-stream`` frame."""
        return f"id: {self.seq}\nevent: {self.type}\ndata: {self.data}\n\n"


def end_frame(seq: int, job_id: str, status: str, error: str | None) -> str:
    """The last frame of a job's stream."""
    data = json.dumps({"id": job_id, "status": status, "error": error}, ensure_ascii=False)
    return f"id: {seq}\nevent: end\ndata: {data}\n\n"


PING = ": ping\n\n"

ATTEMPT_SPAN = 1_000_000
"""Event numbers each attempt of a job has to itself (see :meth:`EventHub.open`)."""


class EventLog:
    """The events of one job, in order, and the job's final status once it ended.

    Made and used on the server's event loop; :meth:`publish` may be called from any thread
    (the call is handed to the loop)."""

    def __init__(
        self, job_id: str, *, max_events: int = 2000, base: int = 0,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        """``base``: the number before the first event's (0: events count from 1); ``clock``
        dates the end (tests pass a fake one)."""
        self.job_id = job_id
        self._clock = clock
        self.max_events = max_events
        self.events: list[LoggedEvent] = []
        self.seqs: list[int] = []
        self.last_seq = base
        self.dropped = 0
        self.status: str | None = None  # "done" / "failed" once the job ended
        self.error: str | None = None
        self.abandoned = False  # the server is stopping; the job did not end
        self.ended_at: float | None = None
        self._wake = asyncio.Event()
        self._loop = asyncio.get_running_loop()
        self._thread = threading.get_ident()

    @property
    def ended(self) -> bool:
        return self.status is not None

    def publish(self, event: Event) -> None:
        """Add a progress event (from any thread)."""
        if threading.get_ident() != self._thread:
            self._loop.call_soon_threadsafe(self._append, event)
        else:
            self._append(event)

    def _append(self, event: Event) -> None:
        if self.ended:
            return
        self.last_seq += 1
        if len(self.events) >= self.max_events and event.type not in ESSENTIAL:
            self.dropped += 1
            return
        item = LoggedEvent(self.last_seq, event.type, event.model_dump_json())
        self.events.append(item)
        self.seqs.append(item.seq)
        self._notify()

    def end(self, status: str, error: str | None = None) -> None:
        """Record how the job ended; every stream sends ``end`` and closes."""
        self.status, self.error = status, error
        self.ended_at = self._clock()
        self._notify()

    def abandon(self) -> None:
        """The server is stopping with the job unfinished: streams close without ``end``."""
        self.abandoned = True
        self._notify()

    def _notify(self) -> None:
        self._wake.set()
        self._wake = asyncio.Event()

    def after(self, seq: int) -> list[LoggedEvent]:
        """The kept events numbered above ``seq``."""
        return self.events[bisect.bisect_right(self.seqs, seq):]

    async def wait(self, timeout: float) -> bool:
        """Wait for the next change (an event, the end); False when ``timeout`` passed first."""
        wake = self._wake
        try:
            await asyncio.wait_for(wake.wait(), timeout)
        except TimeoutError:
            return False
        return True


class EventHub:
    """The event logs of the server's jobs, with the bounds described in the module docstring.
    ``clock`` (seconds, monotonic) dates the ends and the pruning; tests pass a fake one."""

    def __init__(
        self, *, keep_finished: int = 200, ttl: float = 3600.0, max_events: int = 2000,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.keep_finished = keep_finished
        self.clock = clock
        self.ttl = ttl
        self.max_events = max_events
        self._logs: OrderedDict[str, EventLog] = OrderedDict()
        self.stopping = False

    def open(self, job_id: str, *, attempt: int = 0) -> EventLog:
        """A fresh log for a job about to run (replacing an older one). ``attempt``: how many
        times the job was started before (by this or an earlier server process); its events
        are numbered from ``attempt * ATTEMPT_SPAN + 1``, so that a client reconnecting with a
        ``Last-Event-ID`` from an earlier attempt is sent the whole of the new one."""
        self.prune()
        log = EventLog(job_id, max_events=self.max_events, base=attempt * ATTEMPT_SPAN, clock=self.clock)
        self._logs.pop(job_id, None)
        self._logs[job_id] = log
        return log

    def get(self, job_id: str) -> EventLog | None:
        return self._logs.get(job_id)

    def __len__(self) -> int:
        return len(self._logs)

    def prune(self) -> None:
        """Forget finished logs older than ``ttl`` and all but the newest ``keep_finished``."""
        now = self.clock()
        finished = [(log.ended_at or 0.0, jid) for jid, log in self._logs.items() if log.ended]
        finished.sort()
        excess = max(0, len(finished) - self.keep_finished)
        for i, (ended_at, jid) in enumerate(finished):
            if i < excess or now - ended_at > self.ttl:
                del self._logs[jid]

    def abandon_all(self) -> None:
        """The server is stopping: close every open stream."""
        self.stopping = True
        for log in self._logs.values():
            if not log.ended:
                log.abandon()


def stored_events(store: Store, job: Job) -> list[LoggedEvent]:
    """The events a finished job's stream replays when its log is not in memory: the checklist
    and one ``claim_settled`` per judged claim, from the store."""
    if not job.run_id:
        return []
    try:
        claims = store.load_claims(job.run_id)
        settled = store.settled_claims(job.run_id)
    except VeracityError:
        return []
    events = checklist_events(job.run_id, claims, settled) if claims else []
    return [LoggedEvent(i, e.type, e.model_dump_json()) for i, e in enumerate(events, start=1)]


async def event_stream(
    job_id: str, *, hub: EventHub, store: Store, last_id: int = 0, keepalive: float = 15.0,
    poll: float = 1.0,
) -> AsyncIterator[str]:
    """The frames of a job's stream: events after ``last_id`` (replayed, then live), then ``end``.

    The job must exist (the caller checked). Without a log in memory the store is polled until
    the job has finished, and the stream is made from the store."""
    log = hub.get(job_id)
    if log is None:
        async for frame in _stored_stream(job_id, hub=hub, store=store, last_id=last_id,
                                          keepalive=keepalive, poll=poll):
            yield frame
        return
    cursor = last_id
    while True:
        for item in log.after(cursor):
            cursor = item.seq
            yield item.frame()
        if log.ended:
            yield end_frame(max(cursor, log.last_seq) + 1, job_id, log.status or "failed", log.error)
            return
        if log.abandoned:
            return
        if not await log.wait(keepalive):
            yield PING


async def _stored_stream(
    job_id: str, *, hub: EventHub, store: Store, last_id: int, keepalive: float, poll: float,
) -> AsyncIterator[str]:
    """A stream for a job with no log here: wait (polling the store) until it finished, then
    send what the store holds."""
    quiet = 0.0
    while True:
        job = store.get_job(job_id)
        if job.status in FINISHED:
            break
        log = hub.get(job_id)
        if log is not None:  # the job was (re)started meanwhile
            async for frame in event_stream(job_id, hub=hub, store=store, last_id=last_id,
                                            keepalive=keepalive, poll=poll):
                yield frame
            return
        if hub.stopping:
            return
        await asyncio.sleep(poll)
        quiet += poll
        if quiet >= keepalive:
            quiet = 0.0
            yield PING
    events = stored_events(store, job)
    for item in events:
        if item.seq > last_id:
            yield item.frame()
    yield end_frame(len(events) + 1, job_id, job.status, job.error)


def parse_last_event_id(value: Any) -> int:
    """The ``Last-Event-ID`` header as a number (0 when absent or not a number)."""
    try:
        return max(0, int(str(value).strip()))
    except (TypeError, ValueError):
        return 0
