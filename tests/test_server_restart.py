"""The server across restarts: jobs left running are resumed (not started over), queued jobs are
run, finished jobs still stream their results, and stopping never waits on open streams."""

from __future__ import annotations

import asyncio
import threading
from pathlib import Path
from typing import Any

import httpx

from conftest import settings_for
from server_kit import (
    DOC,
    LiveServer,
    config_for,
    parse_frames,
    read_events,
    wait_done,
    write_corpus,
)
from veracity.server.app import create_app
from veracity.server.jobs import CheckOptions, JobRequest
from veracity.store import Store
from veracity.testing.llm_server import ScriptedLLMServer
from veracity.testing.scripted_model import scripted_responder, stage_of
from veracity.types import InputDocument


def test_a_running_job_is_resumed_by_the_next_server(tmp_path: Path, use_embedder: Any) -> None:
    gate = threading.Event()

    def held_judge(request: dict[str, Any]) -> Any:
        if stage_of(request) == "judge":
            gate.wait(30)  # the first server stops while its judge calls hang here
        return scripted_responder(request)

    corpus = write_corpus(tmp_path / "corpus")
    # over HTTP: the judge calls must hang in another thread while the first server stops
    with ScriptedLLMServer() as llm:
        llm.responder = held_judge
        settings = settings_for(tmp_path, llm.base_url)
        first = LiveServer(config_for(tmp_path, corpus, use_embedder, settings=settings)).__enter__()
        watcher: dict[str, Any] = {}
        with httpx.Client(base_url=first.url, timeout=30) as c:
            job_id = c.post("/v1/checks", json={"text": DOC}).json()["id"]
            seen, _ = read_events(c, f"/v1/checks/{job_id}/events", until=lambda e: e["event"] == "claims_ready")
            run_id = seen[0]["data"]["run_id"]

            opened = threading.Event()

            def watch() -> None:  # a subscriber still attached when the server stops
                watcher["result"] = read_events(c, f"/v1/checks/{job_id}/events", opened=opened)

            t = threading.Thread(target=watch)
            t.start()
            assert opened.wait(30)  # subscribed before the server stops (no race on a busy machine)
            while not llm.requests or stage_of(llm.requests[-1]) != "judge":
                threading.Event().wait(0.02)
            first.stop()
            t.join(10)
            # the server stopped, and its open stream closed, while its judge calls still hang
            assert llm.in_flight >= 1 and not t.is_alive()
        events, closed = watcher["result"]
        assert closed and events and "end" not in [e["event"] for e in events]

        with Store(tmp_path / "db.sqlite") as store:
            job = store.get_job(job_id)
            assert job.status == "running" and job.run_id == run_id
            assert store.get_run(run_id)["status"] != "done"
        before = len(llm.requests)
        gate.set()

        last_seen = events[-1]["id"]  # what the attached subscriber had before the restart
        with LiveServer(config_for(tmp_path, corpus, use_embedder, settings=settings)) as second, \
                httpx.Client(base_url=second.url, timeout=30) as c:
            events, closed = read_events(c, f"/v1/checks/{job_id}/events")
            view = wait_done(c, job_id)
            # reconnecting with the old Last-Event-ID: the resumed attempt's events are numbered
            # above every earlier one, so nothing of it is skipped (regression: both attempts
            # counted from 1, and the old id hid the new attempt's first events)
            again, _ = read_events(c, f"/v1/checks/{job_id}/events", headers={"Last-Event-ID": str(last_seen)})
        assert [e["id"] for e in again] == [e["id"] for e in events]
        assert events[0]["id"] == 1_000_001 > last_seen
        stages = [stage_of(r) for r in llm.requests[before:]]

    assert view["status"] == "done", view["error"]
    assert view["run_id"] == run_id  # the same run, finished
    assert events[0]["event"] == "run_started" and events[0]["data"]["message"].startswith("resuming")
    assert closed and events[-1]["data"]["status"] == "done"
    assert "checklist" not in stages and "judge" in stages  # resumed, not started over
    assert len(view["report"]["claims"]) == 3
    with Store(tmp_path / "db.sqlite") as store:
        assert [r["id"] for r in store.list_runs()] == [run_id]
        assert store.get_job(job_id).attempts == 2


def _request(text: str) -> dict[str, Any]:
    doc = InputDocument(text=text, language="en", origin="queued earlier", format="txt")
    return JobRequest(source="text", input=doc.model_dump(mode="json"), options=CheckOptions()).model_dump(mode="json")


def test_queued_jobs_run_and_finished_ones_still_stream(tmp_path: Path, use_embedder: Any) -> None:
    """Without a model (the offline judge): a queued job and one left running before its run
    was recorded are both run by a new app; a third app streams the finished job from the store."""
    corpus = write_corpus(tmp_path / "corpus")
    with Store(tmp_path / "db.sqlite") as store:
        queued = store.add_job("api", _request(DOC))
        started = store.add_job("api", _request("Gopher is a language model with 280 billion parameters."))
        store.start_job(started.id)

    async def serve(check: Any) -> Any:
        app = create_app(config_for(tmp_path, corpus, use_embedder))
        transport = httpx.ASGITransport(app=app)
        async with app.router.lifespan_context(app), httpx.AsyncClient(transport=transport, base_url="http://t") as c:
            return await check(c)

    async def run_both(c: httpx.AsyncClient) -> list[dict[str, Any]]:
        views = []
        for jid in (queued.id, started.id):
            for _ in range(600):
                view = (await c.get(f"/v1/checks/{jid}")).json()
                if view["status"] in ("done", "failed"):
                    break
                await asyncio.sleep(0.05)
            views.append(view)
        return views

    views = asyncio.run(serve(run_both))
    assert [v["status"] for v in views] == ["done", "done"], views
    assert len(views[0]["report"]["claims"]) == 3 and views[0]["report"]["input"] == "queued earlier"

    async def stream(c: httpx.AsyncClient) -> tuple[str, str]:
        full = (await c.get(f"/v1/checks/{queued.id}/events")).text
        tail = (await c.get(f"/v1/checks/{queued.id}/events", headers={"Last-Event-ID": "3"})).text
        return full, tail

    full, tail = asyncio.run(serve(stream))
    events = parse_frames(full)
    assert [e["event"] for e in events] == ["claims_ready"] + ["claim_settled"] * 3 + ["end"]
    labels = {e["data"]["claim_id"]: e["data"]["label"] for e in events if e["event"] == "claim_settled"}
    assert labels == {c["id"]: c["verdict"]["label"] for c in views[0]["report"]["claims"]}
    assert events[-1]["data"] == {"id": queued.id, "status": "done", "error": None}
    assert parse_frames(tail) == events[3:]
