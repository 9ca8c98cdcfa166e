"""The SQLite store: every run, its claims, searches, documents, verdicts and evidence.

One :class:`Store` wraps one connection (WAL mode, foreign keys on). The connection may be used
from several threads; a lock serialises access. Writes that belong together run in one
``BEGIN IMMEDIATE`` transaction, so a crash leaves whole steps, never half of one.

A report is rebuilt from the tables (:meth:`Store.load_report`), not from a saved JSON blob:
claims in checklist order, their verdicts, and each evidence item with its source taken from the
``documents`` row it cites. Documents are keyed by content hash and stored once however many
runs cite them.
"""

from __future__ import annotations

import hashlib
import json
import os
import secrets
import sqlite3
import threading
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from types import TracebackType
from typing import Any, cast

from pydantic import TypeAdapter

from veracity.errors import RunNotFound, StoreError
from veracity.llm.base import LLMCall
from veracity.messages import message
from veracity.store.jobs import JobTable
from veracity.store.migrations import (
    APPLICATION_ID,
    SCHEMA_VERSION,
    check_identity,
    migrate,
    schema_version,
)
from veracity.text import normalize_for_match
from veracity.types import (
    Claim,
    ClaimReport,
    Coverage,
    Document,
    Evidence,
    Label,
    Language,
    PageSpan,
    RationalePart,
    Report,
    Research,
    SearchResult,
    Source,
    SourceKind,
    Span,
    Stance,
    Stats,
    Verdict,
    not_checked_verdict,
)

RUN_STATUSES = ("running", "done", "incomplete", "failed")
"""``incomplete``: the run ended but some claims could not be checked (``veracity resume``
finishes them). It is stored as ``done`` with the error that says how many, and read back as
``incomplete``."""


def _run_status(stored: str, error: str | None) -> str:
    return "incomplete" if stored == "done" and error else stored


_PARTS = TypeAdapter(list[RationalePart])


def _parts_json(parts: list[RationalePart] | None) -> str | None:
    """A verdict's rationale parts as stored (JSON), NULL without them."""
    return None if parts is None else _PARTS.dump_json(parts).decode()


def _parts(stored: str | None) -> list[RationalePart] | None:
    return None if stored is None else _PARTS.validate_json(stored)


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def content_hash(text: str) -> str:
    """The key a document is stored under when its source carries none: sha256 of the text."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


class Store(JobTable):
    """A veracity store in one SQLite file. Use as a context manager or call :meth:`close`."""

    def __init__(self, path: Path | str, *, readonly: bool = False) -> None:
        """Open (or create) the store at ``path``. The file is checked before anything is
        changed: a database from a newer veracity or any other SQLite file is refused as it is.
        ``readonly``: open without writing anything (``runs``/``show``/``calls`` on a store the
        user cannot write); the store must then exist at the current schema version."""
        self.path = Path(path)
        self._lock = threading.RLock()
        memory = str(path) == ":memory:"
        try:
            if readonly:
                uri = self.path.resolve().as_uri() + "?mode=ro" + ("" if os.access(self.path.parent, os.W_OK) else "&immutable=1")
                conn = sqlite3.connect(uri, uri=True, check_same_thread=False, isolation_level=None, timeout=30.0)
            else:
                if not memory:
                    self.path.parent.mkdir(parents=True, exist_ok=True)
                conn = sqlite3.connect(
                    ":memory:" if memory else str(self.path),
                    check_same_thread=False, isolation_level=None, timeout=30.0,
                )
        except (OSError, sqlite3.Error) as e:
            raise StoreError(f"cannot open store at {self.path}: {e}") from e
        try:
            check_identity(conn)  # before any PRAGMA that writes (journal mode, migrations)
            if readonly:
                if schema_version(conn) != SCHEMA_VERSION:
                    raise RuntimeError(
                        f"schema version {schema_version(conn)} needs upgrading; open it once with write access"
                    )
                conn.execute("PRAGMA query_only = ON")
            else:
                conn.execute("PRAGMA foreign_keys = ON")
                conn.execute("PRAGMA journal_mode = WAL")
                # WAL with NORMAL sync: a commit survives a crash of the process (what resume
                # needs) without an fsync per write; only a power cut can lose the last commits
                conn.execute("PRAGMA synchronous = NORMAL")
                migrate(conn)
                conn.execute(f"PRAGMA application_id = {APPLICATION_ID}")
        except (sqlite3.Error, RuntimeError) as e:
            conn.close()
            raise StoreError(f"cannot open store at {self.path}: {e}") from e
        self._conn: sqlite3.Connection | None = conn
        self.readonly = readonly

    @classmethod
    def for_reading(cls, path: Path | str) -> Store:
        """The store at ``path`` for commands that only read it: read-only when the user cannot
        write the file, so a shared or archived store can still be listed and shown."""
        p = Path(path)
        if str(path) != ":memory:" and p.exists() and not os.access(p, os.W_OK):
            return cls(p, readonly=True)
        return cls(p)

    # --- plumbing -------------------------------------------------------------------------

    def close(self) -> None:
        with self._lock:
            if self._conn is not None:
                self._conn.close()
                self._conn = None

    def __enter__(self) -> Store:
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    @contextmanager
    def _use(self, what: str) -> Iterator[sqlite3.Connection]:
        """The connection, under the lock, with sqlite3 errors turned into StoreError."""
        with self._lock:
            if self._conn is None:
                raise StoreError(f"store at {self.path} is closed")
            try:
                yield self._conn
            except sqlite3.Error as e:
                raise StoreError(f"store at {self.path}: {what} failed: {e}") from e

    @contextmanager
    def _tx(self, what: str) -> Iterator[sqlite3.Connection]:
        """Like :meth:`_use`, inside one write transaction (rolled back on any error)."""
        with self._use(what) as conn:
            conn.execute("BEGIN IMMEDIATE")
            try:
                yield conn
            except BaseException:
                conn.execute("ROLLBACK")
                raise
            conn.execute("COMMIT")

    @staticmethod
    def _require_run(conn: sqlite3.Connection, run_id: str) -> tuple[str, str]:
        """The run's (language, status); RunNotFound when there is no such run."""
        row = conn.execute("SELECT language, status FROM runs WHERE id = ?", (run_id,)).fetchone()
        if row is None:
            raise RunNotFound(f"no run with id {run_id!r}")
        return str(row[0]), str(row[1])

    # --- runs -----------------------------------------------------------------------------

    @staticmethod
    def new_run_id() -> str:
        """A short id that sorts by creation time: ``YYYYMMDD-HHMMSS-xxxxxx`` (UTC)."""
        return datetime.now(UTC).strftime("%Y%m%d-%H%M%S") + "-" + secrets.token_hex(3)

    def start_run(
        self, run_id: str, *, input: str | None, title: str | None, language: str, judge: str,
        uses_llm: bool, options: dict[str, Any], created: str | None = None,
    ) -> None:
        """Record a new run with status ``running``. An id already in the store is an error."""
        with self._tx("start run") as conn:
            if conn.execute("SELECT 1 FROM runs WHERE id = ?", (run_id,)).fetchone():
                raise StoreError(f"store at {self.path}: run {run_id!r} already exists")
            conn.execute(
                "INSERT INTO runs (id, created, status, input, title, language, judge, uses_llm,"
                " options) VALUES (?, ?, 'running', ?, ?, ?, ?, ?, ?)",
                (run_id, created or _now(), input, title, language, judge, int(uses_llm),
                 json.dumps(options, ensure_ascii=False, default=str, sort_keys=True)),
            )

    def finish_run(
        self, run_id: str, stats: Stats, status: str = "done", error: str | None = None,
    ) -> None:
        """Close a run: its status (``done``, ``incomplete`` or ``failed``), statistics and error
        message. An ``incomplete`` run needs the error that says what was not checked."""
        if status not in RUN_STATUSES or status == "running":
            raise ValueError(f"status must be one of done, incomplete, failed, not {status!r}")
        if status == "incomplete":
            if not error:
                raise ValueError("an incomplete run needs an error saying what was not checked")
            status = "done"
        elif status == "done":
            error = None
        with self._tx("finish run") as conn:
            self._require_run(conn, run_id)
            conn.execute(
                "UPDATE runs SET status = ?, stats = ?, error = ?, finished = ? WHERE id = ?",
                (status, stats.model_dump_json(), error, _now(), run_id),
            )

    def save_coverage(self, run_id: str, coverage: Coverage) -> None:
        """Keep what the run consulted (its report's ``coverage``), replacing what was kept."""
        with self._tx("save coverage") as conn:
            self._require_run(conn, run_id)
            conn.execute("UPDATE runs SET coverage = ? WHERE id = ?", (coverage.model_dump_json(), run_id))

    def load_coverage(self, run_id: str) -> Coverage | None:
        """The coverage kept for the run; None when it has none (it never got that far)."""
        with self._use("read coverage") as conn:
            row = conn.execute("SELECT coverage FROM runs WHERE id = ?", (run_id,)).fetchone()
        if row is None:
            raise RunNotFound(f"no run with id {run_id!r}")
        return Coverage.model_validate_json(row[0]) if row[0] else None

    def get_run(self, run_id: str) -> dict[str, Any]:
        """The run's row as a dict (options and stats decoded); RunNotFound when unknown."""
        with self._use("read run") as conn:
            row = conn.execute(
                "SELECT id, created, finished, status, input, title, language, judge, uses_llm,"
                " options, stats, error FROM runs WHERE id = ?", (run_id,),
            ).fetchone()
        if row is None:
            raise RunNotFound(f"no run with id {run_id!r}")
        keys = ("id", "created", "finished", "status", "input", "title", "language", "judge",
                "uses_llm", "options", "stats", "error")
        run = dict(zip(keys, row, strict=True))
        run["uses_llm"] = bool(run["uses_llm"])
        run["status"] = _run_status(run["status"], run["error"])
        run["options"] = json.loads(run["options"] or "{}")
        run["stats"] = json.loads(run["stats"]) if run["stats"] else None
        return run

    def list_runs(self, limit: int = 20) -> list[dict[str, Any]]:
        """The newest runs first, each with its claim and verdict counts."""
        with self._use("list runs") as conn:
            rows = conn.execute(
                "SELECT r.id, r.created, r.finished, r.status, r.input, r.title, r.language,"
                " r.judge, r.uses_llm, r.error,"
                " (SELECT COUNT(*) FROM claims c WHERE c.run_id = r.id),"
                " (SELECT COUNT(*) FROM verdicts v WHERE v.run_id = r.id)"
                " FROM runs r ORDER BY r.created DESC, r.id DESC LIMIT ?", (limit,),
            ).fetchall()
        keys = ("id", "created", "finished", "status", "input", "title", "language", "judge",
                "uses_llm", "error", "n_claims", "n_verdicts")
        out = [dict(zip(keys, row, strict=True)) for row in rows]
        for run in out:
            run["uses_llm"] = bool(run["uses_llm"])
            run["status"] = _run_status(run["status"], run["error"])
        return out

    def resolve_run_id(self, ref: str) -> str:
        """The id of the run ``ref`` names: an exact id, ``latest`` (the newest run), or a
        prefix of exactly one id. :class:`RunNotFound` (exit 2) when no run matches, and when a
        prefix matches several (the message lists them)."""
        with self._use("find run") as conn:
            if ref and conn.execute("SELECT 1 FROM runs WHERE id = ?", (ref,)).fetchone():
                return ref
            if ref == "latest":
                row = conn.execute("SELECT id FROM runs ORDER BY created DESC, id DESC LIMIT 1").fetchone()
                if row is None:
                    raise RunNotFound(f"no runs yet in the store at {self.path}, so no latest run")
                return str(row[0])
            rows = conn.execute(
                "SELECT id FROM runs WHERE length(?) > 0 AND substr(id, 1, length(?)) = ?"
                " ORDER BY created DESC, id DESC LIMIT 6", (ref, ref, ref),
            ).fetchall() if ref else []
        if not rows:
            raise RunNotFound(f"no run with id {ref!r}")
        if len(rows) > 1:
            shown = ", ".join(str(r[0]) for r in rows[:5]) + (", …" if len(rows) > 5 else "")
            raise RunNotFound(f"run id prefix {ref!r} is ambiguous: it matches {shown}; give more of the id")
        return str(rows[0][0])

    def verdict_counts(self, run_ids: Sequence[str]) -> dict[str, dict[str, int]]:
        """Per run: how many of its claims have each verdict label, plus ``not_checked``
        (research failed; ``veracity resume`` checks them) and ``not_judged`` (no verdict yet:
        the run is still running, or stopped first). Runs without claims map to ``{}``."""
        out: dict[str, dict[str, int]] = {rid: {} for rid in run_ids}
        if not run_ids:
            return out
        marks = ",".join("?" * len(run_ids))
        with self._use("count verdicts") as conn:
            rows = conn.execute(
                "SELECT c.run_id, COALESCE(v.label, CASE WHEN c.error IS NOT NULL THEN 'not_checked'"
                " ELSE 'not_judged' END), COUNT(*) FROM claims c LEFT JOIN verdicts v"
                " ON v.run_id = c.run_id AND v.claim_id = c.id"
                f" WHERE c.run_id IN ({marks}) GROUP BY 1, 2", tuple(run_ids),
            ).fetchall()
        for rid, label, n in rows:
            out.setdefault(str(rid), {})[str(label)] = int(n)
        return out

    # --- claims ---------------------------------------------------------------------------

    def save_claims(self, run_id: str, claims: list[Claim]) -> None:
        """Add the checklist to a run, in order. A claim id already stored is updated in place;
        new ids go after the claims already there."""
        with self._tx("save claims") as conn:
            self._require_run(conn, run_id)
            for claim in claims:
                self._upsert_claim(
                    conn, run_id, claim.id, text=claim.text, original=claim.original,
                    span=claim.span, type_=claim.type, language=claim.language,
                    context=claim.context,
                )
                conn.execute(
                    "UPDATE claims SET checkworthy = ?, queries = ? WHERE run_id = ? AND id = ?",
                    (claim.checkworthy, json.dumps(claim.queries, ensure_ascii=False) if claim.queries else None,
                     run_id, claim.id),
                )

    @staticmethod
    def _upsert_claim(
        conn: sqlite3.Connection, run_id: str, claim_id: str, *, text: str,
        original: str | None, span: Span | None, type_: str, language: str | None,
        context: str | None,
    ) -> None:
        start, end = (span.start, span.end) if span else (None, None)
        if conn.execute("SELECT 1 FROM claims WHERE run_id = ? AND id = ?",
                        (run_id, claim_id)).fetchone():
            conn.execute(
                "UPDATE claims SET text = ?, original = ?, span_start = ?, span_end = ?, type = ?,"
                " language = COALESCE(?, language), context = COALESCE(?, context)"
                " WHERE run_id = ? AND id = ?",
                (text, original, start, end, type_, language, context, run_id, claim_id),
            )
            return
        idx = conn.execute("SELECT COALESCE(MAX(idx) + 1, 0) FROM claims WHERE run_id = ?",
                           (run_id,)).fetchone()[0]
        conn.execute(
            "INSERT INTO claims (run_id, idx, id, text, original, span_start, span_end, type,"
            " language, context) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (run_id, idx, claim_id, text, original, start, end, type_, language, context),
        )

    def load_claims(self, run_id: str) -> list[Claim]:
        """The run's checklist in order (for resuming a run)."""
        with self._use("load claims") as conn:
            lang, _ = self._require_run(conn, run_id)
            rows = conn.execute(
                "SELECT id, text, original, span_start, span_end, type, language, context,"
                " checkworthy, queries FROM claims WHERE run_id = ? ORDER BY idx", (run_id,),
            ).fetchall()
        return [
            Claim(id=r[0], text=r[1], original=r[2] if r[2] is not None else r[1],
                  span=Span(start=r[3], end=r[4]) if r[3] is not None else None, type=r[5],
                  language=cast(Language, r[6] or lang), context=r[7], checkworthy=r[8],
                  queries=json.loads(r[9]) if r[9] else [])
            for r in rows
        ]

    # --- language-model calls -------------------------------------------------------------

    def record_llm_call(self, run_id: str | None, call: LLMCall) -> None:
        """Append one model call (or cached answer) to the run's call log."""
        with self._tx("record llm call") as conn:
            conn.execute(
                "INSERT INTO llm_calls (run_id, stage, model, mode, messages, response,"
                " prompt_tokens, completion_tokens, latency_ms, cost_usd, cached, repair, error,"
                " created) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (run_id, call.stage, call.model, call.mode,
                 json.dumps(call.messages, ensure_ascii=False), call.response,
                 call.prompt_tokens, call.completion_tokens, call.latency_ms, call.cost_usd,
                 int(call.cached), int(call.repair), call.error, _now()),
            )

    def llm_calls(self, run_id: str) -> list[LLMCall]:
        """The run's model calls in the order they were made."""
        with self._use("read llm calls") as conn:
            self._require_run(conn, run_id)
            rows = conn.execute(
                "SELECT stage, model, mode, messages, response, prompt_tokens, completion_tokens,"
                " latency_ms, cost_usd, cached, repair, error FROM llm_calls WHERE run_id = ?"
                " ORDER BY rowid", (run_id,),
            ).fetchall()
        return [
            LLMCall(stage=r[0], model=r[1], mode=r[2], messages=json.loads(r[3]), response=r[4],
                    prompt_tokens=r[5], completion_tokens=r[6], latency_ms=r[7], cost_usd=r[8],
                    cached=bool(r[9]), repair=bool(r[10]), error=r[11])
            for r in rows
        ]

    # --- documents and searches -----------------------------------------------------------

    def save_document(self, doc: Document) -> str:
        """Store a read document under its content hash (sha256 of the text when the source has
        none) and return the hash. Saving the same content again adds no row; metadata missing
        from the stored row is filled in from the new one."""
        src = doc.source
        key = src.content_hash or content_hash(doc.text)
        pages = json.dumps([p.model_dump() for p in doc.pages])
        with self._tx("save document") as conn:
            conn.execute(
                "INSERT INTO documents (content_hash, url, title, published, published_origin,"
                " kind, language, provider, text, pages, path, fetched_at)"
                " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
                " ON CONFLICT (content_hash) DO UPDATE SET"
                " title = COALESCE(documents.title, excluded.title),"
                " published = COALESCE(documents.published, excluded.published),"
                " published_origin = COALESCE(documents.published_origin,"
                "   excluded.published_origin),"
                " kind = CASE documents.kind WHEN 'unknown' THEN excluded.kind"
                "   ELSE documents.kind END,"
                " language = COALESCE(documents.language, excluded.language),"
                " provider = COALESCE(documents.provider, excluded.provider),"
                " pages = CASE documents.pages WHEN '[]' THEN excluded.pages"
                "   ELSE documents.pages END,"
                " path = COALESCE(documents.path, excluded.path)",
                (key, src.url, src.title, src.published, src.published_origin, src.kind.value,
                 src.language, src.provider, doc.text, pages, doc.path, _now()),
            )
        return key

    def _document_source(self, row: tuple[Any, ...], url: str | None = None) -> Source:
        # row: content_hash, url, title, published, published_origin, kind, language, provider
        return Source(
            url=url if url is not None else row[1], title=row[2], published=row[3],
            published_origin=row[4], kind=SourceKind(row[5]), language=row[6],
            content_hash=row[0], provider=row[7],
        )

    def get_document(self, content_hash: str) -> Document | None:
        """The stored document with that hash, text and pages included, or None."""
        with self._use("read document") as conn:
            row = conn.execute(
                "SELECT content_hash, url, title, published, published_origin, kind, language,"
                " provider, text, pages, path FROM documents WHERE content_hash = ?",
                (content_hash,),
            ).fetchone()
        if row is None:
            return None
        pages = [PageSpan.model_validate(p) for p in json.loads(row[9] or "[]")]
        return Document(source=self._document_source(tuple(row[:8])), text=row[8], pages=pages,
                        path=row[10])

    def record_fetch(self, url: str, doc: Document) -> None:
        """Remember that fetching ``url`` gave ``doc`` (saved first)."""
        key = self.save_document(doc)
        with self._tx("record fetch") as conn:
            conn.execute(
                "INSERT INTO fetches (url, content_hash, fetched_at) VALUES (?, ?, ?)"
                " ON CONFLICT (url) DO UPDATE SET content_hash = excluded.content_hash,"
                " fetched_at = excluded.fetched_at",
                (url, key, _now()),
            )

    def cached_fetch(self, url: str) -> Document | None:
        """The document an earlier fetch of ``url`` gave, or None."""
        with self._use("read fetch cache") as conn:
            row = conn.execute("SELECT content_hash FROM fetches WHERE url = ?", (url,)).fetchone()
        return None if row is None else self.get_document(str(row[0]))

    def get_document_text(self, content_hash: str) -> str | None:
        """The stored text of a document (what its quotes are checked against), or None."""
        with self._use("read document") as conn:
            row = conn.execute("SELECT text FROM documents WHERE content_hash = ?",
                               (content_hash,)).fetchone()
        return None if row is None else str(row[0])

    def record_search(
        self, run_id: str, provider: str, query: str, n_results: int, *, cached: bool = False,
    ) -> None:
        """Note that the run searched ``provider`` for ``query`` and how many results came back;
        ``cached`` when the answer came from the search cache instead of a request."""
        with self._tx("record search") as conn:
            self._require_run(conn, run_id)
            conn.execute(
                "INSERT INTO searches (run_id, provider, query, n_results, created, cached)"
                " VALUES (?, ?, ?, ?, ?, ?)",
                (run_id, provider, query, n_results, _now(), int(cached)),
            )

    def searches(self, run_id: str) -> list[dict[str, Any]]:
        """The searches of a run in the order they were recorded (``cached``: answered from
        the search cache, no request sent)."""
        with self._use("read searches") as conn:
            self._require_run(conn, run_id)
            rows = conn.execute(
                "SELECT provider, query, n_results, created, cached FROM searches"
                " WHERE run_id = ? ORDER BY rowid", (run_id,),
            ).fetchall()
        keys = ("provider", "query", "n_results", "created", "cached")
        out = [dict(zip(keys, r, strict=True)) for r in rows]
        for row in out:
            row["cached"] = bool(row["cached"])
        return out

    # --- the search cache -----------------------------------------------------------------
    #
    # One row per (provider, normalised query, language): the JSON a provider answered. Rows
    # are shared by all runs and never expire on their own; ``max_results`` is the limit the
    # request was sent with (NULL: none), so a later request for more results is not served
    # a shorter list.

    def cache_get(
        self, provider: str, query: str, *, lang: str | None = None, limit: int | None = None,
    ) -> Any | None:
        """The decoded JSON cached for ``provider`` and ``query``, or None when there is none
        (or it was fetched with a smaller limit than ``limit`` and may be cut short)."""
        with self._use("read search cache") as conn:
            row = conn.execute(
                "SELECT results, max_results FROM search_cache"
                " WHERE provider = ? AND query = ? AND lang = ?",
                (provider, normalize_for_match(query), lang or ""),
            ).fetchone()
        if row is None:
            return None
        data = json.loads(row[0])
        stored_limit = row[1]
        complete = stored_limit is None or (isinstance(data, list) and len(data) < stored_limit)
        if limit is not None and not complete and stored_limit < limit:
            return None
        return data

    def cache_put(
        self, provider: str, query: str, data: Any, *, lang: str | None = None,
        limit: int | None = None,
    ) -> None:
        """Cache ``data`` (JSON-able) as ``provider``'s answer to ``query``, replacing any
        earlier answer."""
        with self._tx("write search cache") as conn:
            conn.execute(
                "INSERT INTO search_cache (provider, query, lang, max_results, results, created)"
                " VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (provider, query, lang) DO UPDATE SET"
                " max_results = excluded.max_results, results = excluded.results,"
                " created = excluded.created",
                (provider, normalize_for_match(query), lang or "", limit,
                 json.dumps(data, ensure_ascii=False), _now()),
            )

    def cached_search(
        self, provider: str, query: str, *, lang: str | None = None, limit: int | None = None,
    ) -> list[SearchResult] | None:
        """The results ``provider`` gave for ``query`` (at most ``limit``), or None."""
        data = self.cache_get(provider, query, lang=lang, limit=limit)
        if not isinstance(data, list):
            return None
        results = [SearchResult.model_validate(r) for r in data]
        return results if limit is None else results[:limit]

    def cache_search(
        self, provider: str, query: str, results: Sequence[SearchResult], *,
        lang: str | None = None, limit: int | None = None,
    ) -> None:
        """Remember ``results`` as ``provider``'s answer to ``query``."""
        self.cache_put(provider, query, [r.model_dump(mode="json") for r in results],
                       lang=lang, limit=limit)

    # --- results --------------------------------------------------------------------------

    def settled_claims(self, run_id: str) -> dict[str, Label]:
        """The claims of the run that already have a verdict: id → label."""
        with self._use("read verdicts") as conn:
            self._require_run(conn, run_id)
            rows = conn.execute(
                "SELECT claim_id, label FROM verdicts WHERE run_id = ?", (run_id,),
            ).fetchall()
        return {str(r[0]): Label(r[1]) for r in rows}

    def reopen_run(self, run_id: str) -> None:
        """Mark a run ``running`` again (to resume it): finish time and error are cleared."""
        with self._tx("reopen run") as conn:
            self._require_run(conn, run_id)
            conn.execute(
                "UPDATE runs SET status = 'running', error = NULL, finished = NULL WHERE id = ?",
                (run_id,),
            )

    def save_result(self, run_id: str, claim_report: ClaimReport) -> None:
        """Store a claim's verdict and evidence, replacing any earlier result for that claim.

        Each evidence item points at its document by ``source.content_hash``; that document
        must have been saved first. When the cited source differs from the stored document's
        metadata (another URL aside), the source is kept beside the evidence row so the report
        reads back exactly as it was written. Evidence without a content hash keeps its source
        there too.
        """
        cr = claim_report
        with self._tx("save result") as conn:
            run_lang, _ = self._require_run(conn, run_id)
            self._upsert_claim(
                conn, run_id, cr.id, text=cr.text, original=cr.original, span=cr.span,
                type_=cr.type, language=None, context=None,
            )
            conn.execute("UPDATE claims SET language = COALESCE(language, ?)"
                         " WHERE run_id = ? AND id = ?", (run_lang, run_id, cr.id))
            conn.execute("DELETE FROM evidence WHERE run_id = ? AND claim_id = ?", (run_id, cr.id))
            conn.execute("DELETE FROM verdicts WHERE run_id = ? AND claim_id = ?", (run_id, cr.id))
            conn.execute("UPDATE claims SET error = ? WHERE run_id = ? AND id = ?",
                         (cr.error or "not checked" if cr.status == "not_checked" else None, run_id, cr.id))
            if cr.status == "not_checked":  # no verdict row: resuming the run checks it again
                return
            conn.execute(
                "INSERT INTO verdicts (run_id, claim_id, label, confidence, rationale, research,"
                " rationale_parts) VALUES (?, ?, ?, ?, ?, ?, ?)",
                (run_id, cr.id, cr.verdict.label.value, cr.verdict.confidence,
                 cr.verdict.rationale, cr.research.model_dump_json() if cr.research else None,
                 _parts_json(cr.verdict.rationale_parts)),
            )
            for idx, ev in enumerate(cr.evidence):
                override = self._source_override(conn, run_id, cr.id, ev)
                conn.execute(
                    "INSERT INTO evidence (run_id, claim_id, idx, quote, stance, content_hash,"
                    " url, page, passage_id, source_json) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    (run_id, cr.id, idx, ev.quote, ev.stance.value, ev.source.content_hash,
                     ev.source.url, ev.page, ev.passage_id, override),
                )

    def _source_override(
        self, conn: sqlite3.Connection, run_id: str, claim_id: str, ev: Evidence,
    ) -> str | None:
        """JSON of the cited source when the documents row cannot rebuild it, else None."""
        key = ev.source.content_hash
        if key is None:
            return ev.source.model_dump_json()
        row = conn.execute(
            "SELECT content_hash, url, title, published, published_origin, kind, language,"
            " provider FROM documents WHERE content_hash = ?", (key,),
        ).fetchone()
        if row is None:
            raise StoreError(
                f"store at {self.path}: evidence for claim {claim_id!r} of run {run_id!r} cites "
                f"document {key} ({ev.source.url}), which is not in the store; save it first"
            )
        rebuilt = self._document_source(tuple(row), url=ev.source.url)
        return None if rebuilt == ev.source else ev.source.model_dump_json()

    def load_report(self, run_id: str) -> Report:
        """Rebuild a run's report from the tables. A claim without a verdict (the run stopped
        before it was judged) is reported ``unverifiable`` with a rationale that says so."""
        with self._use("load report") as conn:
            run = conn.execute(
                "SELECT id, created, status, input, title, language, judge, uses_llm, stats,"
                " coverage FROM runs WHERE id = ?", (run_id,),
            ).fetchone()
            if run is None:
                raise RunNotFound(f"no run with id {run_id!r}")
            claims = conn.execute(
                "SELECT id, text, original, span_start, span_end, type, error FROM claims"
                " WHERE run_id = ? ORDER BY idx", (run_id,),
            ).fetchall()
            verdicts = {
                r[0]: Verdict(label=Label(r[1]), confidence=r[2], rationale=r[3],
                              rationale_parts=_parts(r[4]))
                for r in conn.execute(
                    "SELECT claim_id, label, confidence, rationale, rationale_parts FROM verdicts"
                    " WHERE run_id = ?", (run_id,),
                )
            }
            research = {
                r[0]: Research.model_validate_json(r[1])
                for r in conn.execute(
                    "SELECT claim_id, research FROM verdicts WHERE run_id = ? AND research IS NOT NULL",
                    (run_id,),
                )
            }
            ev_rows = conn.execute(
                "SELECT e.claim_id, e.quote, e.stance, e.url, e.page, e.passage_id,"
                " e.source_json, d.content_hash, d.url, d.title, d.published,"
                " d.published_origin, d.kind, d.language, d.provider"
                " FROM evidence e LEFT JOIN documents d ON d.content_hash = e.content_hash"
                " WHERE e.run_id = ? ORDER BY e.claim_id, e.idx", (run_id,),
            ).fetchall()
        evidence: dict[str, list[Evidence]] = {}
        for r in ev_rows:
            if r[6] is not None:
                source = Source.model_validate_json(r[6])
            else:
                source = self._document_source(tuple(r[7:15]), url=r[3])
            evidence.setdefault(r[0], []).append(
                Evidence(quote=r[1], stance=Stance(r[2]), source=source, page=r[4],
                         passage_id=r[5])
            )
        (rid, created, status, input_, title, language, judge, uses_llm, stats, coverage) = run
        lang = "zh" if language == "zh" else "en"
        rows = []
        for c in claims:
            error = None if c[0] in verdicts else c[6]
            if error is not None:
                verdict = not_checked_verdict(error, lang)
            else:
                verdict = verdicts.get(c[0]) or Verdict(
                    label=Label.UNVERIFIABLE, confidence=0.0,
                    rationale=message("verdict.pending", lang, status=status),
                )
            rows.append(ClaimReport(
                id=c[0], text=c[1], original=c[2],
                span=Span(start=c[3], end=c[4]) if c[3] is not None else None, type=c[5],
                verdict=verdict, evidence=evidence.get(c[0], []), research=research.get(c[0]),
                status="not_checked" if error is not None else "checked", error=error,
            ))
        return Report(
            run_id=rid, language=language, judge=judge, uses_llm=bool(uses_llm),
            created=created, input=input_, title=title, claims=rows,
            stats=Stats.model_validate_json(stats) if stats else Stats(),
            coverage=Coverage.model_validate_json(coverage) if coverage else None,
        )
