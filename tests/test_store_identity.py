"""The store checks what it opens before changing anything: a newer schema or a foreign SQLite
file is refused as it is, and a store the user cannot write is still listed and shown."""

from __future__ import annotations

import os
import sqlite3
from pathlib import Path

import pytest
from click.testing import CliRunner

from veracity.cli import main
from veracity.errors import StoreError
from veracity.store import Store
from veracity.store.migrations import APPLICATION_ID, SCHEMA_VERSION


def _journal_mode(path: Path) -> str:
    with sqlite3.connect(path) as conn:
        return str(conn.execute("PRAGMA journal_mode").fetchone()[0])


def test_new_store_is_marked_as_veracity(tmp_path: Path) -> None:
    path = tmp_path / "s.sqlite"
    Store(path).close()
    with sqlite3.connect(path) as conn:
        assert conn.execute("PRAGMA application_id").fetchone()[0] == APPLICATION_ID
        assert conn.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION


def test_newer_store_is_refused_before_wal(tmp_path: Path) -> None:
    path = tmp_path / "newer.sqlite"
    with sqlite3.connect(path) as conn:
        conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 5}")
        conn.execute("CREATE TABLE runs (id TEXT)")
    before = path.read_bytes()
    with pytest.raises(StoreError, match="newer"):
        Store(path)
    assert _journal_mode(path) == "delete"  # not switched to WAL
    assert path.read_bytes() == before


def test_foreign_sqlite_file_gets_no_tables(tmp_path: Path) -> None:
    path = tmp_path / "other.sqlite"
    with sqlite3.connect(path) as conn:
        conn.execute("CREATE TABLE invoices (id INTEGER PRIMARY KEY, total REAL)")
    with pytest.raises(StoreError, match="not a veracity store"):
        Store(path)
    with sqlite3.connect(path) as conn:
        tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")}
    assert tables == {"invoices"}
    result = CliRunner().invoke(main, ["runs", "--db", str(path)])
    assert result.exit_code == 3 and "not a veracity store" in result.output


def test_other_application_id_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "app.sqlite"
    with sqlite3.connect(path) as conn:
        conn.execute("PRAGMA application_id = 1234")
    with pytest.raises(StoreError, match="not a veracity store"):
        Store(path)


def test_store_written_before_marking_is_accepted(tmp_path: Path) -> None:
    path = tmp_path / "old.sqlite"
    Store(path).close()
    with sqlite3.connect(path) as conn:
        conn.execute("PRAGMA application_id = 0")
    Store(path).close()
    with sqlite3.connect(path) as conn:
        assert conn.execute("PRAGMA application_id").fetchone()[0] == APPLICATION_ID


@pytest.mark.skipif(os.geteuid() == 0, reason="root can write any file")
def test_read_only_store_can_be_listed(tmp_path: Path) -> None:  # pragma: no cover - root in CI
    _read_only_listing(tmp_path)


def test_read_only_store_opens_read_only(tmp_path: Path) -> None:
    path = tmp_path / "ro.sqlite"
    run_id = "20260101-000000-abcdef"
    with Store(path) as store:
        store.start_run(run_id, input="Jack Rae studied at UCL.", title=None, language="en",
                        judge="evidence-match", uses_llm=False, options={})
    before = path.read_bytes()
    with Store(path, readonly=True) as store:
        assert store.readonly
        assert [r["id"] for r in store.list_runs()] == [run_id]
        with pytest.raises(StoreError):
            store.start_run("other", input="x", title=None, language="en", judge="evidence-match",
                            uses_llm=False, options={})
    assert path.read_bytes() == before


def _read_only_listing(tmp_path: Path) -> None:
    path = tmp_path / "ro.sqlite"
    Store(path).close()
    path.chmod(0o444)
    tmp_path.chmod(0o555)
    try:
        result = CliRunner().invoke(main, ["runs", "--db", str(path)])
        assert result.exit_code == 0, result.output
    finally:
        tmp_path.chmod(0o755)
        path.chmod(0o644)
