"""SQLite store: migrations, runs, documents and the report round trip."""

from __future__ import annotations

import hashlib
import re
import sqlite3
import threading
from pathlib import Path

import pytest

from veracity.errors import RunNotFound, StoreError
from veracity.store import MIGRATIONS, Store
from veracity.store.migrations import statements
from veracity.types import (
    Claim,
    ClaimReport,
    Document,
    Evidence,
    Label,
    PageSpan,
    Report,
    Source,
    SourceKind,
    Span,
    Stance,
    Stats,
    Verdict,
)

ARXIV_TEXT = "Authors: Jordan Hoffmann, Sebastian Borgeaud, ... Jack W. Rae, Oriol Vinyals."
AWARDS_TEXT = "Outstanding Papers: Is Out-of-distribution Detection Learnable? ..."
PDF_TEXT = "Page one text. Gopher is a 280 billion parameter model. Page two text."


def _sha(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


def _docs() -> list[Document]:
    return [
        Document(source=Source(url="https://arxiv.org/abs/2203.15556", title="Chinchilla",
                               published="2022-03-29", published_origin="api",
                               kind=SourceKind.SCHOLARLY, language="en",
                               content_hash=_sha(ARXIV_TEXT), provider="arxiv"),
                 text=ARXIV_TEXT),
        Document(source=Source(url="https://blog.neurips.cc/awards/", title="NeurIPS awards",
                               kind=SourceKind.PRIMARY, content_hash=_sha(AWARDS_TEXT)),
                 text=AWARDS_TEXT),
        Document(source=Source(url="file:///corpus/gopher.pdf", title="Gopher",
                               published="2021-12", published_origin="pdf",
                               kind=SourceKind.SCHOLARLY, content_hash=_sha(PDF_TEXT),
                               provider="corpus"),
                 text=PDF_TEXT, pages=[PageSpan(page=1, start=0, end=14),
                                       PageSpan(page=2, start=14, end=len(PDF_TEXT))],
                 path="/corpus/gopher.pdf"),
    ]


def _claims() -> list[Claim]:
    texts = ["Jack Rae co-authored Chinchilla", "Rae led Gemini pretraining",
             "Rae was a GPT-4 core developer", "Chinchilla won a NeurIPS 2022 best paper",
             "Rae proposed compression is intelligence", "Rae was recruited by Zuckerberg"]
    return [Claim(id=f"c{i}", text=t, original=t + " (orig)", span=Span(start=i, end=i + 3),
                  language="en", type="role", context="Career") for i, t in enumerate(texts, 1)]


def _report(run_id: str) -> Report:
    arxiv, awards, pdf = (d.source for d in _docs())
    labels = [Label.TRUE, Label.MOSTLY_TRUE, Label.PARTLY_TRUE, Label.FALSE,
              Label.MISATTRIBUTED, Label.UNVERIFIABLE]
    evidence: dict[str, list[Evidence]] = {
        "c1": [Evidence(quote="Jack W. Rae", stance=Stance.SUPPORTS, source=arxiv,
                        passage_id="p1"),
               Evidence(quote="Gopher is a 280 billion parameter model", source=pdf, page=2)],
        "c4": [Evidence(quote="Outstanding Papers", stance=Stance.REFUTES, source=awards)],
        "c5": [Evidence(quote="some snippet", stance=Stance.MENTIONS,
                        source=Source(url="https://example.org/x", title="No document"))],
    }
    rows = [ClaimReport(id=c.id, text=c.text, original=c.original, span=c.span, type=c.type,
                        verdict=Verdict(label=label, confidence=0.1 * i, rationale=f"r{i}"),
                        evidence=evidence.get(c.id, []))
            for i, (c, label) in enumerate(zip(_claims(), labels, strict=True), 1)]
    return Report(run_id=run_id, language="en", judge="evidence-match", uses_llm=False,
                  created="2026-11-21T23:15:00+00:00", input="profile.md", title="Profile",
                  claims=rows, stats=Stats(seconds=3.5, searches=4, documents=3,
                                           skipped_files=["bad.pdf"]))


def _save_run(store: Store, report: Report) -> None:
    store.start_run(report.run_id, input=report.input, title=report.title,
                    language=report.language, judge=report.judge, uses_llm=report.uses_llm,
                    options={"rounds": 3}, created=report.created)
    store.save_claims(report.run_id, _claims())
    for doc in _docs():
        store.save_document(doc)
    for row in reversed(report.claims):  # results arrive in any order
        store.save_result(report.run_id, row)
    store.finish_run(report.run_id, report.stats)


def _count(path: Path, table: str) -> int:
    conn = sqlite3.connect(path)
    try:
        return int(conn.execute(f"SELECT COUNT(*) FROM {table}").fetchone()[0])
    finally:
        conn.close()


def test_migrations_set_user_version_and_are_idempotent(tmp_path: Path) -> None:
    path = tmp_path / "nested" / "dir" / "v.sqlite"
    with Store(path):
        pass
    with Store(path) as store:  # opening again applies nothing
        store.start_run("r1", input=None, title=None, language="en", judge="j",
                        uses_llm=False, options={})
    conn = sqlite3.connect(path)
    assert conn.execute("PRAGMA user_version").fetchone()[0] == len(MIGRATIONS)
    assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")}
    assert {"runs", "claims", "documents", "verdicts", "evidence", "searches"} <= tables
    conn.close()
    assert _count(path, "runs") == 1


def test_migration_scripts_split_into_statements() -> None:
    for step in MIGRATIONS:
        stmts = statements(step)
        assert stmts and all(sqlite3.complete_statement(s) for s in stmts)
    assert statements("CREATE TABLE a (x);\n-- trailing note\n") == ["CREATE TABLE a (x);"]
    with pytest.raises(ValueError):
        statements("CREATE TABLE a (x")


def test_newer_schema_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "v.sqlite"
    Store(path).close()
    conn = sqlite3.connect(path)
    conn.execute(f"PRAGMA user_version = {len(MIGRATIONS) + 5}")
    conn.close()
    with pytest.raises(StoreError, match="newer"):
        Store(path)


def test_save_and_load_report_round_trip(tmp_path: Path) -> None:
    with Store(tmp_path / "v.sqlite") as store:
        run_id = store.new_run_id()
        report = _report(run_id)
        _save_run(store, report)
        loaded = store.load_report(run_id)
    assert loaded == report
    assert [c.id for c in loaded.claims] == ["c1", "c2", "c3", "c4", "c5", "c6"]
    assert loaded.claims[0].evidence[1].source.content_hash == _sha(PDF_TEXT)
    assert loaded.summary.counts == {label.value: 1 for label in Label}


def test_load_report_rebuilds_sources_from_documents(tmp_path: Path) -> None:
    path = tmp_path / "v.sqlite"
    with Store(path) as store:
        report = _report("r1")
        _save_run(store, report)
    conn = sqlite3.connect(path)
    conn.execute("UPDATE documents SET title = 'Renamed' WHERE content_hash = ?",
                 (_sha(AWARDS_TEXT),))
    conn.commit()
    # evidence whose source matched its document keeps no copy of the source
    n_copies = conn.execute("SELECT COUNT(*) FROM evidence WHERE source_json IS NOT NULL")
    assert n_copies.fetchone()[0] == 1  # only the one citing no stored document
    conn.close()
    with Store(path) as store:
        loaded = store.load_report("r1")
    assert loaded.claims[3].evidence[0].source.title == "Renamed"


def test_evidence_citing_unsaved_document_is_refused(tmp_path: Path) -> None:
    with Store(tmp_path / "v.sqlite") as store:
        store.start_run("r1", input=None, title=None, language="en", judge="j",
                        uses_llm=False, options={})
        row = _report("r1").claims[0]
        with pytest.raises(StoreError, match="not in the store"):
            store.save_result("r1", row)
        # the failed write left nothing behind
        assert store.load_report("r1").claims == []


def test_pending_claims_are_reported_not_dropped(tmp_path: Path) -> None:
    with Store(tmp_path / "v.sqlite") as store:
        store.start_run("r1", input=None, title=None, language="zh", judge="j",
                        uses_llm=False, options={})
        store.save_claims("r1", _claims())
        report = store.load_report("r1")
    assert len(report.claims) == 6
    assert all(c.verdict.label is Label.UNVERIFIABLE for c in report.claims)
    assert "尚未完成" in report.claims[0].verdict.rationale


def test_save_result_replaces_earlier_result(tmp_path: Path) -> None:
    with Store(tmp_path / "v.sqlite") as store:
        report = _report("r1")
        _save_run(store, report)
        row = report.claims[0].model_copy(deep=True)
        row.verdict = Verdict(label=Label.FALSE, confidence=0.9, rationale="changed")
        row.evidence = row.evidence[:1]
        store.save_result("r1", row)
        loaded = store.load_report("r1")
    assert loaded.claims[0] == row
    assert len(loaded.claims) == 6


def test_unknown_run_raises_run_not_found(tmp_path: Path) -> None:
    with Store(tmp_path / "v.sqlite") as store:
        with pytest.raises(RunNotFound):
            store.load_report("nope")
        with pytest.raises(RunNotFound):
            store.get_run("nope")
        with pytest.raises(RunNotFound):
            store.record_search("nope", "brave", "q", 3)
        with pytest.raises(RunNotFound):
            store.finish_run("nope", Stats())


def test_document_saved_twice_is_one_row(tmp_path: Path) -> None:
    path = tmp_path / "v.sqlite"
    text = "Some page text."
    bare = Document(source=Source(url="https://a.example/p"), text=text)
    richer = Document(source=Source(url="https://a.example/p", title="A page",
                                    published="2020-01-02", kind=SourceKind.NEWS), text=text)
    with Store(path) as store:
        h1 = store.save_document(bare)
        h2 = store.save_document(richer)
        assert h1 == h2 == _sha(text)
        assert store.get_document_text(h1) == text
        assert store.get_document_text("missing") is None
        doc = store.get_document(h1)
        assert doc is not None
        assert doc.source.title == "A page" and doc.source.kind is SourceKind.NEWS
    assert _count(path, "documents") == 1


def test_document_pages_and_path_survive(tmp_path: Path) -> None:
    pdf = _docs()[2]
    with Store(tmp_path / "v.sqlite") as store:
        key = store.save_document(pdf)
        assert store.get_document(key) == pdf


def test_runs_searches_and_claims(tmp_path: Path) -> None:
    with Store(tmp_path / "v.sqlite") as store:
        ids = []
        for _ in range(3):
            run_id = store.new_run_id()
            assert re.fullmatch(r"\d{8}-\d{6}-[0-9a-f]{6}", run_id)
            store.start_run(run_id, input="x.md", title=None, language="en", judge="j",
                            uses_llm=False, options={"path": Path("/tmp")})
            ids.append(run_id)
        with pytest.raises(StoreError, match="already exists"):
            store.start_run(ids[0], input=None, title=None, language="en", judge="j",
                            uses_llm=False, options={})
        store.record_search(ids[0], "brave", "Jack Rae DeepMind", 10)
        store.record_search(ids[0], "arxiv", "Chinchilla", 2)
        assert [s["provider"] for s in store.searches(ids[0])] == ["brave", "arxiv"]
        store.save_claims(ids[0], _claims()[:2])
        store.save_claims(ids[0], _claims())  # re-saving keeps one row per id, in order
        assert store.load_claims(ids[0]) == _claims()
        store.finish_run(ids[0], Stats(seconds=1.0), status="failed", error="boom")
        run = store.get_run(ids[0])
        assert run["status"] == "failed" and run["error"] == "boom"
        assert run["options"] == {"path": "/tmp"} and run["stats"]["seconds"] == 1.0
        runs = store.list_runs(limit=2)
        assert len(runs) == 2
        assert runs[0]["created"] >= runs[1]["created"]
        listed = {r["id"]: r for r in store.list_runs()}
        assert listed[ids[0]]["n_claims"] == 6 and listed[ids[0]]["status"] == "failed"
        with pytest.raises(ValueError):
            store.finish_run(ids[1], Stats(), status="weird")


def test_threads_share_one_store(tmp_path: Path) -> None:
    with Store(tmp_path / "v.sqlite") as store:
        store.start_run("r1", input=None, title=None, language="en", judge="j",
                        uses_llm=False, options={})

        def work(n: int) -> None:
            for i in range(20):
                store.record_search("r1", f"p{n}", f"q{i}", i)

        threads = [threading.Thread(target=work, args=(n,)) for n in range(4)]
        for th in threads:
            th.start()
        for th in threads:
            th.join()
        assert len(store.searches("r1")) == 80


def test_open_errors_are_store_errors(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("x")
    with pytest.raises(StoreError, match="cannot open store at"):
        Store(blocker / "v.sqlite")
    junk = tmp_path / "junk.sqlite"
    junk.write_bytes(b"this is not a database" * 100)
    with pytest.raises(StoreError, match="cannot open store at"):
        Store(junk)
    store = Store(tmp_path / "v.sqlite")
    store.close()
    with pytest.raises(StoreError, match="closed"):
        store.list_runs()
