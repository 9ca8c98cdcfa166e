"""The store's job table (migration 6): queue, start, finish, requeue, batch uniqueness."""

from __future__ import annotations

from pathlib import Path

import pytest

from veracity.errors import JobNotFound
from veracity.store import Store


def test_job_lifecycle(tmp_path: Path) -> None:
    with Store(tmp_path / "db.sqlite") as store:
        job = store.add_job("api", {"text": "Jack Rae studied at UCL."})
        assert job.status == "queued" and job.attempts == 0 and job.request["text"].startswith("Jack")
        running = store.start_job(job.id)
        assert running.status == "running" and running.attempts == 1 and running.started
        store.set_job_run(job.id, "run-1")
        store.finish_job(job.id, "done", result={"claims": 1})
        done = store.get_job(job.id)
        assert (done.status, done.run_id, done.result, done.error) == ("done", "run-1", {"claims": 1}, None)
        assert store.job_counts(kind="api") == {"queued": 0, "running": 0, "done": 1, "failed": 0}


def test_unknown_job_and_bad_status(tmp_path: Path) -> None:
    with Store(tmp_path / "db.sqlite") as store:
        with pytest.raises(JobNotFound) as err:
            store.get_job("nope")
        assert err.value.exit_code == 2
        with pytest.raises(JobNotFound):
            store.start_job("nope")
        job = store.add_job("api", {})
        with pytest.raises(ValueError):
            store.finish_job(job.id, "running")  # type: ignore[arg-type]


def test_batch_jobs_are_unique_by_key_and_requeued(tmp_path: Path) -> None:
    db = tmp_path / "db.sqlite"
    with Store(db) as store:
        a = store.add_job("batch", {"path": "a.md"}, batch="/out", key="a.md")
        again = store.add_job("batch", {"path": "changed"}, batch="/out", key="a.md")
        assert again.id == a.id and again.request == {"path": "a.md"}
        b = store.add_job("batch", {"path": "b.md"}, batch="/out", key="b.md")
        other = store.add_job("batch", {"path": "a.md"}, batch="/elsewhere", key="a.md")
        assert other.id != a.id
        store.start_job(a.id)
        store.start_job(b.id)
        store.finish_job(b.id, "failed", error="boom")
    with Store(db) as store:  # a new process: the running job and the failed one go back
        back = store.requeue_jobs(kind="batch", batch="/out", statuses=("running", "failed"))
        assert sorted(j.id for j in back) == sorted([a.id, b.id])
        assert {j.status for j in store.list_jobs(batch="/out")} == {"queued"}
        assert store.get_job(b.id).attempts == 1  # attempts are kept
        assert [j.id for j in store.list_jobs(kind="batch", status="queued")] == [a.id, b.id, other.id]
        with pytest.raises(ValueError):
            store.add_job("batch", {}, batch="/out")


def test_jobs_keep_the_order_they_were_queued_in(tmp_path: Path) -> None:
    """Regression: jobs queued in the same millisecond were ordered by their random id suffix."""
    with Store(tmp_path / "db.sqlite") as store:
        ids = [store.add_job("api", {"n": i}).id for i in range(30)]
        assert [j.id for j in store.list_jobs(kind="api")] == ids
        assert [j.id for j in store.list_jobs(kind="api", newest_first=True, limit=5)] == ids[::-1][:5]
        for jid in ids:
            store.start_job(jid)
        assert [j.id for j in store.requeue_jobs(kind="api")] == ids
