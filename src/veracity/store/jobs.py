"""The store's job table: checks submitted to the HTTP API and documents of a batch.

A job is a request waiting to become a run (``queued``), a run in progress (``running``, with
its ``run_id`` once the run is recorded) or a finished one (``done`` / ``failed``). Jobs outlive
the process that queued them: a restarted server calls :meth:`JobTable.requeue_jobs` to put
``running`` jobs back in the queue, and a re-run batch skips ``done`` documents and retries the
``failed`` ones. Batch jobs are unique by ``(batch, key)`` — a batch's output folder and the
document's name in it — so queuing the same batch twice adds nothing.
"""

from __future__ import annotations

import json
import secrets
import sqlite3
from collections.abc import Sequence
from contextlib import AbstractContextManager
from datetime import UTC, datetime
from typing import Any, Literal

from pydantic import BaseModel, Field

from veracity.errors import JobNotFound
from veracity.types import Report

JobKind = Literal["api", "batch"]
JobStatus = Literal["queued", "running", "done", "failed"]
JOB_STATUSES: tuple[str, ...] = ("queued", "running", "done", "failed")

_COLUMNS = ("id", "kind", "batch", "key", "status", "request", "run_id", "result", "error",
            "attempts", "created", "started", "finished")


class Job(BaseModel):
    """One row of the job table."""

    id: str
    kind: JobKind
    batch: str | None = None
    key: str | None = None
    status: JobStatus = "queued"
    request: dict[str, Any] = Field(default_factory=dict)
    run_id: str | None = None
    result: dict[str, Any] | None = None  # a small summary the runner keeps (counts, cost…)
    error: str | None = None
    attempts: int = 0
    created: str
    started: str | None = None
    finished: str | None = None


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="milliseconds")


def new_job_id() -> str:
    """A short id that sorts by creation time: ``j-YYYYMMDD-HHMMSS-xxxxxxxx`` (UTC)."""
    return "j-" + datetime.now(UTC).strftime("%Y%m%d-%H%M%S") + "-" + secrets.token_hex(4)


def report_result(report: Report) -> dict[str, Any]:
    """The small summary a finished job keeps as its ``result``: claims, verdict counts (the
    labels given), the claims not checked (``complete`` is false when there are some: resume
    the run to finish them), LLM calls, tokens, cost and seconds of its run."""
    st = report.stats
    return {
        "claims": report.summary.total,
        "verdicts": {k: v for k, v in report.summary.counts.items() if v},
        "not_checked": report.summary.not_checked,
        "complete": report.complete,
        "llm_calls": st.llm_calls,
        "llm_cached": st.llm_cached,
        "prompt_tokens": st.prompt_tokens,
        "completion_tokens": st.completion_tokens,
        "cost_usd": st.cost_usd,
        "seconds": st.seconds,
    }


def _job(row: Sequence[Any]) -> Job:
    data = dict(zip(_COLUMNS, row, strict=True))
    data["request"] = json.loads(data["request"] or "{}")
    data["result"] = json.loads(data["result"]) if data["result"] else None
    return Job.model_validate(data)


_SELECT = "SELECT " + ", ".join(_COLUMNS) + " FROM jobs"


class JobTable:
    """Job methods of :class:`veracity.store.Store` (mixed in; they use its connection)."""

    def _use(self, what: str) -> AbstractContextManager[sqlite3.Connection]:  # pragma: no cover
        raise NotImplementedError

    def _tx(self, what: str) -> AbstractContextManager[sqlite3.Connection]:  # pragma: no cover
        raise NotImplementedError

    def add_job(
        self, kind: JobKind, request: dict[str, Any], *, batch: str | None = None,
        key: str | None = None, job_id: str | None = None,
    ) -> Job:
        """Queue a job and return it. A batch job whose ``(batch, key)`` is already in the
        table is not added again: the existing row is returned as it is."""
        if (batch is None) != (key is None):
            raise ValueError("a batch job needs both batch and key")
        jid = job_id or new_job_id()
        with self._tx("add job") as conn:
            if batch is not None:
                row = conn.execute(_SELECT + " WHERE batch = ? AND key = ?", (batch, key)).fetchone()
                if row is not None:
                    return _job(row)
            conn.execute(
                "INSERT INTO jobs (id, kind, batch, key, status, request, created)"
                " VALUES (?, ?, ?, ?, 'queued', ?, ?)",
                (jid, kind, batch, key, json.dumps(request, ensure_ascii=False, default=str), _now()),
            )
            row = conn.execute(_SELECT + " WHERE id = ?", (jid,)).fetchone()
        return _job(row)

    def get_job(self, job_id: str) -> Job:
        """The job; :class:`JobNotFound` when there is none with that id."""
        with self._use("read job") as conn:
            row = conn.execute(_SELECT + " WHERE id = ?", (job_id,)).fetchone()
        if row is None:
            raise JobNotFound(f"no job with id {job_id!r}")
        return _job(row)

    def list_jobs(
        self, *, kind: JobKind | None = None, batch: str | None = None,
        status: JobStatus | Sequence[JobStatus] | None = None, limit: int | None = None,
        newest_first: bool = False,
    ) -> list[Job]:
        """Jobs in the order they were queued (the newest first with ``newest_first``), filtered
        by kind, batch and status."""
        where, args = self._filters(kind=kind, batch=batch, status=status)
        sql = _SELECT + where + (" ORDER BY rowid DESC" if newest_first else " ORDER BY rowid")
        if limit is not None:
            sql += " LIMIT ?"
            args.append(limit)
        with self._use("list jobs") as conn:
            rows = conn.execute(sql, args).fetchall()
        return [_job(r) for r in rows]

    def job_counts(self, *, kind: JobKind | None = None, batch: str | None = None) -> dict[str, int]:
        """How many jobs are in each status (every status present, zeros included)."""
        where, args = self._filters(kind=kind, batch=batch, status=None)
        with self._use("count jobs") as conn:
            rows = conn.execute("SELECT status, COUNT(*) FROM jobs" + where + " GROUP BY status", args).fetchall()
        counts = dict.fromkeys(JOB_STATUSES, 0)
        counts.update({str(s): int(n) for s, n in rows})
        return counts

    @staticmethod
    def _filters(
        *, kind: str | None, batch: str | None, status: str | Sequence[str] | None,
    ) -> tuple[str, list[Any]]:
        clauses: list[str] = []
        args: list[Any] = []
        if kind is not None:
            clauses.append("kind = ?")
            args.append(kind)
        if batch is not None:
            clauses.append("batch = ?")
            args.append(batch)
        if status is not None:
            wanted = [status] if isinstance(status, str) else list(status)
            clauses.append("status IN (" + ", ".join("?" * len(wanted)) + ")")
            args.extend(wanted)
        return (" WHERE " + " AND ".join(clauses) if clauses else ""), args

    def start_job(self, job_id: str) -> Job:
        """Mark the job ``running`` (one more attempt; a retried job loses its old error)."""
        with self._tx("start job") as conn:
            n = conn.execute(
                "UPDATE jobs SET status = 'running', attempts = attempts + 1, started = ?,"
                " finished = NULL, error = NULL WHERE id = ?", (_now(), job_id),
            ).rowcount
        if not n:
            raise JobNotFound(f"no job with id {job_id!r}")
        return self.get_job(job_id)

    def set_job_run(self, job_id: str, run_id: str) -> None:
        """Link the job to the run that carries it out (known once the run is recorded)."""
        with self._tx("link job to run") as conn:
            conn.execute("UPDATE jobs SET run_id = ? WHERE id = ?", (run_id, job_id))

    def finish_job(
        self, job_id: str, status: Literal["done", "failed"], *, error: str | None = None,
        result: dict[str, Any] | None = None, run_id: str | None = None,
    ) -> None:
        """Close the job as ``done`` or ``failed`` with its error message or result summary."""
        if status not in ("done", "failed"):
            raise ValueError(f"a job finishes done or failed, not {status!r}")
        with self._tx("finish job") as conn:
            n = conn.execute(
                "UPDATE jobs SET status = ?, error = ?, result = ?, finished = ?,"
                " run_id = COALESCE(?, run_id) WHERE id = ?",
                (status, error, json.dumps(result, ensure_ascii=False, default=str) if result is not None else None,
                 _now(), run_id, job_id),
            ).rowcount
        if not n:
            raise JobNotFound(f"no job with id {job_id!r}")

    def requeue_jobs(
        self, *, kind: JobKind, batch: str | None = None,
        statuses: Sequence[JobStatus] = ("running",),
    ) -> list[Job]:
        """Put jobs in ``statuses`` back in the queue (a server restarting, a batch re-run
        retrying its failures) and return them; their ``run_id`` is kept, so the runner can
        resume the run instead of starting over."""
        where, args = self._filters(kind=kind, batch=batch, status=statuses)
        with self._tx("requeue jobs") as conn:
            ids = [r[0] for r in conn.execute("SELECT id FROM jobs" + where + " ORDER BY rowid", args).fetchall()]
            for jid in ids:
                conn.execute("UPDATE jobs SET status = 'queued', finished = NULL WHERE id = ?", (jid,))
        return [self.get_job(j) for j in ids]
