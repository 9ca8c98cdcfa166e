"""The store's schema, as an append-only list of migration steps.

``MIGRATIONS[i]`` takes a database from schema version ``i`` to ``i + 1``; the version lives in
``PRAGMA user_version``. A step that has shipped is never edited: to change the schema, append
a new step (``ALTER TABLE … ADD COLUMN``, a new table, a new index). Each step is one SQL script
of ``;``-terminated statements and runs in a single transaction together with the version bump.
"""

from __future__ import annotations

import sqlite3

MIGRATIONS: list[str] = [
    # 1: runs, their claims, verdicts and evidence; fetched documents; searches sent.
    """
    CREATE TABLE runs (
        id TEXT PRIMARY KEY,
        created TEXT NOT NULL,
        finished TEXT,
        status TEXT NOT NULL DEFAULT 'running'
            CHECK (status IN ('running', 'done', 'failed')),
        input TEXT,
        title TEXT,
        language TEXT NOT NULL,
        judge TEXT NOT NULL,
        uses_llm INTEGER NOT NULL DEFAULT 0,
        options TEXT NOT NULL DEFAULT '{}',
        stats TEXT,
        error TEXT
    );
    CREATE INDEX runs_created ON runs (created);

    CREATE TABLE claims (
        run_id TEXT NOT NULL REFERENCES runs (id) ON DELETE CASCADE,
        idx INTEGER NOT NULL,
        id TEXT NOT NULL,
        text TEXT NOT NULL,
        original TEXT,
        span_start INTEGER,
        span_end INTEGER,
        type TEXT NOT NULL DEFAULT 'statement',
        language TEXT,
        context TEXT,
        PRIMARY KEY (run_id, id),
        UNIQUE (run_id, idx)
    );

    CREATE TABLE documents (
        content_hash TEXT PRIMARY KEY,
        url TEXT NOT NULL,
        title TEXT,
        published TEXT,
        published_origin TEXT,
        kind TEXT NOT NULL DEFAULT 'unknown',
        language TEXT,
        provider TEXT,
        text TEXT NOT NULL,
        pages TEXT NOT NULL DEFAULT '[]',
        path TEXT,
        fetched_at TEXT NOT NULL
    );
    CREATE INDEX documents_url ON documents (url);

    CREATE TABLE verdicts (
        run_id TEXT NOT NULL,
        claim_id TEXT NOT NULL,
        label TEXT NOT NULL,
        confidence REAL NOT NULL,
        rationale TEXT NOT NULL,
        PRIMARY KEY (run_id, claim_id),
        FOREIGN KEY (run_id, claim_id) REFERENCES claims (run_id, id) ON DELETE CASCADE
    );

    CREATE TABLE evidence (
        run_id TEXT NOT NULL,
        claim_id TEXT NOT NULL,
        idx INTEGER NOT NULL,
        quote TEXT NOT NULL,
        stance TEXT NOT NULL,
        content_hash TEXT REFERENCES documents (content_hash),
        url TEXT NOT NULL,
        page INTEGER,
        passage_id TEXT,
        source_json TEXT,
        PRIMARY KEY (run_id, claim_id, idx),
        FOREIGN KEY (run_id, claim_id) REFERENCES claims (run_id, id) ON DELETE CASCADE
    );
    CREATE INDEX evidence_document ON evidence (content_hash);

    CREATE TABLE searches (
        run_id TEXT NOT NULL REFERENCES runs (id) ON DELETE CASCADE,
        provider TEXT NOT NULL,
        query TEXT NOT NULL,
        n_results INTEGER NOT NULL,
        created TEXT NOT NULL
    );
    CREATE INDEX searches_run ON searches (run_id);
    """,
    # 2: the reader's cache: which document a requested URL gave (for warm and --offline runs).
    """
    CREATE TABLE fetches (
        url TEXT PRIMARY KEY,
        content_hash TEXT NOT NULL REFERENCES documents (content_hash),
        fetched_at TEXT NOT NULL
    );
    """,
    # 3: the search cache — what a provider answered to a query, by provider, normalised query
    # and language, shared by every run (warm re-runs and resumed runs send nothing again) — and
    # in each run's search log, whether a search was answered from that cache.
    """
    CREATE TABLE search_cache (
        provider TEXT NOT NULL,
        query TEXT NOT NULL,
        lang TEXT NOT NULL DEFAULT '',
        max_results INTEGER,
        results TEXT NOT NULL,
        created TEXT NOT NULL,
        PRIMARY KEY (provider, query, lang)
    );
    ALTER TABLE searches ADD COLUMN cached INTEGER NOT NULL DEFAULT 0;
    """,
    # 4: the agent — every language-model call of a run (stage, model, prompt, answer, tokens,
    # latency, cost; cached answers too), and the LLM checklist's extra fields on claims.
    """
    CREATE TABLE llm_calls (
        run_id TEXT REFERENCES runs (id) ON DELETE CASCADE,
        stage TEXT NOT NULL,
        model TEXT NOT NULL,
        mode TEXT NOT NULL,
        messages TEXT NOT NULL,
        response TEXT,
        prompt_tokens INTEGER NOT NULL DEFAULT 0,
        completion_tokens INTEGER NOT NULL DEFAULT 0,
        latency_ms REAL NOT NULL DEFAULT 0,
        cost_usd REAL NOT NULL DEFAULT 0,
        cached INTEGER NOT NULL DEFAULT 0,
        repair INTEGER NOT NULL DEFAULT 0,
        error TEXT,
        created TEXT NOT NULL
    );
    CREATE INDEX llm_calls_run ON llm_calls (run_id);
    ALTER TABLE claims ADD COLUMN checkworthy REAL;
    ALTER TABLE claims ADD COLUMN queries TEXT;
    """,
    # 5: how the research agent reached each verdict (rounds, queries, why it stopped), as JSON.
    """
    ALTER TABLE verdicts ADD COLUMN research TEXT;
    """,
    # 6: jobs — checks submitted to the HTTP API (kind 'api') and documents of a batch (kind
    # 'batch', one row per document, unique by batch and key), each with its request and status,
    # so that a restarted server or a re-run batch picks up what is unfinished.
    """
    CREATE TABLE jobs (
        id TEXT PRIMARY KEY,
        kind TEXT NOT NULL CHECK (kind IN ('api', 'batch')),
        batch TEXT,
        key TEXT,
        status TEXT NOT NULL DEFAULT 'queued'
            CHECK (status IN ('queued', 'running', 'done', 'failed')),
        request TEXT NOT NULL DEFAULT '{}',
        run_id TEXT,
        result TEXT,
        error TEXT,
        attempts INTEGER NOT NULL DEFAULT 0,
        created TEXT NOT NULL,
        started TEXT,
        finished TEXT
    );
    CREATE INDEX jobs_kind_status ON jobs (kind, status);
    CREATE UNIQUE INDEX jobs_batch_key ON jobs (batch, key) WHERE batch IS NOT NULL;
    """,
    # 7: a claim whose verdict could not be obtained (the model or the research failed) keeps
    # the error here and has no verdict row, so that resuming the run checks it again.
    """
    ALTER TABLE claims ADD COLUMN error TEXT;
    """,
    # 8: what the run consulted (its Coverage, as JSON): each search source's queries, results,
    # errors and status, the pages read and the corpus documents used.
    """
    ALTER TABLE runs ADD COLUMN coverage TEXT;
    """,
    # 9: a verdict's rationale as catalogue messages (JSON: [{"key", "values"}]), so that a run
    # can be shown in the other language; NULL for a model's rationale and for older rows.
    """
    ALTER TABLE verdicts ADD COLUMN rationale_parts TEXT;
    """,
]
"""Append only. ``len(MIGRATIONS)`` is the schema version this code writes."""

SCHEMA_VERSION = len(MIGRATIONS)


def statements(script: str) -> list[str]:
    """Split a migration script into complete SQL statements (trigger bodies stay whole)."""
    out: list[str] = []
    buf = ""
    for line in script.splitlines(keepends=True):
        buf += line
        if sqlite3.complete_statement(buf):
            out.append(buf.strip())
            buf = ""
    rest = "\n".join(ln for ln in buf.splitlines() if not ln.strip().startswith("--"))
    if rest.strip():
        raise ValueError(f"migration ends with an incomplete statement: {buf.strip()[:80]!r}")
    return out


def schema_version(conn: sqlite3.Connection) -> int:
    return int(conn.execute("PRAGMA user_version").fetchone()[0])


APPLICATION_ID = 0x76657261  # "vera": PRAGMA application_id of every veracity store
_OWN_TABLES = {"runs", "claims"}


def check_identity(conn: sqlite3.Connection) -> None:
    """Refuse, without changing anything, a database veracity must not touch: one from a newer
    veracity, one another application marked as its own, or an unmarked SQLite file that
    already holds tables of its own (a store written before stores were marked, at schema
    version 1 or more with veracity's tables, is accepted and marked by :func:`migrate`'s caller)."""
    version = schema_version(conn)
    app = int(conn.execute("PRAGMA application_id").fetchone()[0])
    if version > SCHEMA_VERSION:
        raise RuntimeError(
            f"schema version {version} is newer than this veracity supports ({SCHEMA_VERSION}); upgrade veracity"
        )
    if app == APPLICATION_ID:
        return
    if app != 0:
        raise RuntimeError(f"not a veracity store (application id {app:#x})")
    tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    if tables and not (version >= 1 and tables >= _OWN_TABLES):
        raise RuntimeError("not a veracity store (an SQLite file with other tables); give another --db path")


def migrate(conn: sqlite3.Connection) -> int:
    """Apply the pending steps in order on a connection in autocommit mode
    (``isolation_level=None``); returns the schema version reached.

    Each step runs inside ``BEGIN IMMEDIATE`` with the version bump, so two processes opening
    the same new store cannot both apply it, and a failed step leaves the old version intact.
    Raises RuntimeError when the database was written by a newer veracity.
    """
    while True:
        conn.execute("BEGIN IMMEDIATE")
        try:
            version = schema_version(conn)
            if version > SCHEMA_VERSION:
                raise RuntimeError(
                    f"schema version {version} is newer than this veracity supports "
                    f"({SCHEMA_VERSION}); upgrade veracity"
                )
            if version == SCHEMA_VERSION:
                conn.execute("COMMIT")
                return version
            for stmt in statements(MIGRATIONS[version]):
                conn.execute(stmt)
            conn.execute(f"PRAGMA user_version = {version + 1}")
            conn.execute("COMMIT")
        except BaseException:
            conn.execute("ROLLBACK")
            raise
