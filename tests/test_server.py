"""The HTTP API over real HTTP (uvicorn on 127.0.0.1 in a thread) and, for the error paths,
in process (httpx's ASGI transport). Checks run the research agent against the scripted model,
in process (``server_kit.scripted_config``: no LLM server), and a two-page corpus."""

from __future__ import annotations

import asyncio
import json
import re
import threading
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from click.testing import CliRunner

from conftest import settings_for
from search_kit import SearxStandIn
from server_kit import (
    DOC,
    HOSTILE,
    HeldChat,
    LiveServer,
    config_for,
    parse_frames,
    read_events,
    scripted_config,
    wait_done,
    write_corpus,
)
from veracity.errors import ConfigError
from veracity.events import Event
from veracity.server.app import ServerConfig, create_app, is_loopback
from veracity.server.cli import serve
from veracity.server.sse import PING, EventHub, event_stream
from veracity.store import Store
from veracity.testing.scripted_model import scripted_chat, scripted_llm

JSON = {"content-type": "application/json"}


@pytest.fixture(scope="module")
def workdir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("server")


@pytest.fixture(scope="module")
def live(workdir: Path, use_embedder: Any) -> Iterator[LiveServer]:
    corpus = write_corpus(workdir / "corpus")
    config = scripted_config(workdir, corpus, use_embedder, max_body_bytes=64 * 1024, keepalive=0.5)
    with LiveServer(config) as server:
        yield server


@pytest.fixture
def client(live: LiveServer) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=live.url, timeout=30) as c:
        yield c


def submit(client: httpx.Client, body: dict[str, Any]) -> str:
    resp = client.post("/v1/checks", json=body)
    assert resp.status_code == 202, resp.text
    data = resp.json()
    assert data["status"] == "queued" and resp.headers["location"] == f"/v1/checks/{data['id']}"
    return str(data["id"])


def assert_error(resp: httpx.Response, status: int, code: str) -> dict[str, Any]:
    assert resp.status_code == status, resp.text
    body = resp.json()
    assert set(body) == {"error"} and set(body["error"]) == {"status", "code", "message"}
    assert body["error"]["status"] == status and body["error"]["code"] == code
    assert body["error"]["message"] and "\n" not in body["error"]["message"]
    return dict(body["error"])


# --- a check end to end ---------------------------------------------------------------------------


def test_text_check_streams_progress_and_ends_with_a_full_report(client: httpx.Client, live: LiveServer) -> None:
    job_id = submit(client, {"text": DOC, "lang": "en"})
    events, closed = read_events(client, f"/v1/checks/{job_id}/events")
    assert closed
    kinds = [e["event"] for e in events]
    assert [e["id"] for e in events] == list(range(1, len(events) + 1))
    assert kinds[0] == "run_started" and kinds[-1] == "end" and kinds.count("end") == 1
    ready = next(e["data"] for e in events if e["event"] == "claims_ready")
    claim_ids = [c["id"] for c in ready["claims"]]
    assert len(claim_ids) == 3
    settled = {e["data"]["claim_id"]: e["data"]["label"] for e in events if e["event"] == "claim_settled"}
    assert set(settled) == set(claim_ids)
    assert "llm_call" in kinds  # the research agent ran
    assert events[-1]["data"] == {"id": job_id, "status": "done", "error": None}

    view = client.get(f"/v1/checks/{job_id}").json()
    assert view["status"] == "done" and view["error"] is None and view["finished"]
    assert view["run_id"] == events[0]["data"]["run_id"]
    report = view["report"]
    assert [c["id"] for c in report["claims"]] == claim_ids
    assert all(c["verdict"]["label"] and c["verdict"]["rationale"] for c in report["claims"])
    table = Counter(c["verdict"]["label"] for c in report["claims"])
    assert report["summary"]["total"] == 3
    assert {k: v for k, v in report["summary"]["counts"].items() if v} == dict(table)
    assert {c["id"]: c["verdict"]["label"] for c in report["claims"]} == settled
    assert report["uses_llm"] and report["input"] == "submitted text"

    listed = client.get("/v1/checks", params={"limit": 5}).json()["checks"]
    mine = next(c for c in listed if c["id"] == job_id)
    assert mine["status"] == "done" and mine["source"] == "text" and mine["result"]["claims"] == 3


def test_late_subscriber_gets_the_same_events_and_last_event_id_skips(client: httpx.Client) -> None:
    job_id = submit(client, {"text": DOC})
    first, _ = read_events(client, f"/v1/checks/{job_id}/events")
    assert wait_done(client, job_id)["status"] == "done"
    replay, closed = read_events(client, f"/v1/checks/{job_id}/events")
    assert closed and replay == first
    later, _ = read_events(client, f"/v1/checks/{job_id}/events", headers={"Last-Event-ID": "2"})
    assert later == first[2:]


def test_reports_in_every_format_and_hostile_source_text_is_escaped(client: httpx.Client) -> None:
    job_id = submit(client, {"text": DOC, "title": "<script>alert(2)</script> profile"})
    view = wait_done(client, job_id)
    assert view["status"] == "done" and view["report"]["title"].startswith("<script>")
    titles = [e["source"]["title"] or "" for c in view["report"]["claims"] for e in c["evidence"]]
    assert any(HOSTILE in t for t in titles), "the hostile page must be cited for the test to mean something"
    html = client.get(f"/v1/checks/{job_id}/report.html")
    assert html.status_code == 200 and html.headers["content-type"].startswith("text/html")
    assert "<img src=x" not in html.text and "&lt;img src=x" in html.text
    assert "<script>alert(2)" not in html.text and "&lt;script&gt;alert(2)" in html.text
    assert "default-src 'none'" in html.headers["content-security-policy"]
    md = client.get(f"/v1/checks/{job_id}/report.md", params={"download": 1})
    assert md.status_code == 200 and md.headers["content-type"].startswith("text/markdown")
    assert md.headers["content-disposition"] == (  # named after the run and the title's slug
        f'attachment; filename="veracity-{view["run_id"]}-script-alert-2-script-profile.md"'
    )
    js = client.get(f"/v1/checks/{job_id}/report.json")
    assert js.status_code == 200 and js.json() == view["report"]
    assert "content-disposition" not in js.headers
    assert_error(client.get(f"/v1/checks/{job_id}/report.pdf"), 404, "not_found")


def test_uploaded_markdown_file_is_ingested_like_the_cli(client: httpx.Client) -> None:
    text = "---\nauthor: someone\n---\n# Profile of Jack Rae\n\n" + DOC + "\n"
    resp = client.post(
        "/v1/checks", files={"file": ("../../etc/rae profile.md", text.encode(), "text/markdown")},
        data={"lang": "zh", "corpus": "true", "providers": ""},
    )
    assert resp.status_code == 202, resp.text
    view = wait_done(client, resp.json()["id"])
    assert view["status"] == "done", view["error"]
    report = view["report"]
    assert report["input"] == "rae profile.md" and report["title"] == "Profile of Jack Rae"
    assert report["language"] == "zh" and len(report["claims"]) == 3
    # the options may also come as one JSON field
    resp = client.post("/v1/checks", files={"file": ("a.txt", DOC.encode(), "text/plain")},
                       data={"options": json.dumps({"lang": "en", "title": "From a form"})})
    view = wait_done(client, resp.json()["id"])
    assert view["status"] == "done" and view["report"]["title"] == "From a form"


def test_claims_list_keeps_given_ids(client: httpx.Client) -> None:
    job_id = submit(client, {"claims": ["Gopher is a language model with 280 billion parameters.",
                                        {"id": "bristol", "claim": "Jack Rae studied at the University of Bristol."}]})
    view = wait_done(client, job_id)
    assert view["status"] == "done", view["error"]
    assert [c["id"] for c in view["report"]["claims"]] == ["c1", "bristol"]
    assert view["report"]["input"] == "submitted claims"


def test_a_failing_job_fails_alone_with_one_line(client: httpx.Client) -> None:
    job_id = submit(client, {"url": "http://127.0.0.1:9/page"})  # refused by the SSRF guard
    events, closed = read_events(client, f"/v1/checks/{job_id}/events")
    view = wait_done(client, job_id)
    assert view["status"] == "failed" and view["error"] and "\n" not in view["error"]
    assert view["report"] is None
    assert closed and events[-1]["event"] == "end" and events[-1]["data"]["status"] == "failed"
    err = assert_error(client.get(f"/v1/checks/{job_id}/report.html"), 409, "not_ready")
    assert "failed" in err["message"]
    assert client.get("/healthz").json()["status"] == "ok"


def test_job_in_the_queue_is_not_ready_and_its_stream_waits_for_the_store(
    client: httpx.Client, live: LiveServer, workdir: Path,
) -> None:
    """A job this server did not schedule (written by another connection) has no log here: its
    stream polls the store and, once the job finished, ends from what the store holds."""
    with Store(workdir / "db.sqlite") as store:
        job = store.add_job("api", {"source": "text", "input": None})
        assert_error(client.get(f"/v1/checks/{job.id}/report.md"), 409, "not_ready")
        assert client.get(f"/v1/checks/{job.id}").json()["status"] == "queued"

        raw = ""
        with client.stream("GET", f"/v1/checks/{job.id}/events") as resp:
            for chunk in resp.iter_text():  # ends once the stream closed
                if ": ping" not in raw and ": ping" in raw + chunk:
                    # keep-alive while nothing happened; now another connection finishes it
                    store.finish_job(job.id, "failed", error="stopped by the test")
                raw += chunk
    assert ": ping\n\n" in raw  # keep-alive while nothing happened (every 0.5 s here)
    events = parse_frames(raw)
    assert [e["event"] for e in events] == ["end"]
    assert events[0]["data"] == {"id": job.id, "status": "failed", "error": "stopped by the test"}


# --- errors ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("body", [
    {"text": 5},
    {"text": "a", "url": "https://example.org/"},
    {},
    {"text": "   "},
    {"url": "file:///etc/passwd"},
    {"text": "x", "lang": "fr"},
    {"text": "x", "surprise": 1},
    {"claims": []},
    {"text": "x", "max_rounds": 0},
])
def test_bad_json_bodies_are_422_with_the_stable_shape(client: httpx.Client, body: dict[str, Any]) -> None:
    assert_error(client.post("/v1/checks", json=body), 422, "invalid_request")


def test_other_error_paths(client: httpx.Client) -> None:
    assert_error(client.post("/v1/checks", content=b"{not json", headers=JSON), 422, "invalid_request")
    assert_error(client.post("/v1/checks", content=b"[1]", headers=JSON), 422, "invalid_request")
    assert_error(client.post("/v1/checks", content=b"text=1", headers={"content-type": "text/plain"}),
                 415, "unsupported_media_type")
    assert_error(client.get("/v1/checks", params={"limit": "many"}), 422, "invalid_request")
    for path in ("/v1/checks/j-nope", "/v1/checks/j-nope/events", "/v1/checks/j-nope/report.json", "/v1/nothing"):
        assert_error(client.get(path), 404, "not_found")
    assert_error(client.delete("/v1/checks"), 405, "method_not_allowed")
    err = assert_error(client.post("/v1/checks", json={"text": DOC, "providers": ["wikipedia"]}), 400, "unknown_provider")
    assert "wikipedia" in err["message"]
    png = b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 4
    err = assert_error(client.post("/v1/checks", files={"file": ("photo.png", png, "image/png")}), 400, "bad_input")
    assert "photo.png" in err["message"] and "/tmp" not in err["message"]
    assert_error(client.post("/v1/checks", files={"file": ("empty.txt", b"  \n", "text/plain")}), 400, "bad_input")
    assert_error(client.post("/v1/checks", files={"file": ("a.txt", b"x", "text/plain")}, data={"corpus": "maybe"}),
                 422, "invalid_request")
    assert_error(client.post("/v1/checks", data={"lang": "en"}, files={"other": ("a.txt", b"x", "text/plain")}),
                 422, "invalid_request")


def test_oversized_bodies_are_413_whether_declared_or_streamed(client: httpx.Client) -> None:
    big = json.dumps({"text": "word " * 20_000}).encode()  # ~100 KB, the limit is 64 KB
    assert_error(client.post("/v1/checks", content=big, headers=JSON), 413, "too_large")

    def chunks() -> Iterator[bytes]:  # no Content-Length: counted as it arrives
        for i in range(0, len(big), 4096):
            yield big[i:i + 4096]

    assert_error(client.post("/v1/checks", content=chunks(), headers=JSON), 413, "too_large")
    upload = b"Jack Rae studied at Bristol.\n" * 4000
    assert_error(client.post("/v1/checks", files={"file": ("big.txt", upload, "text/plain")}), 413, "too_large")
    assert client.get("/healthz").status_code == 200


def test_sources_and_docs(client: httpx.Client) -> None:
    sources = client.get("/v1/sources").json()
    assert sources["corpus"] == ["corpus"] and sources["llm"] is True
    assert {p["name"] for p in sources["providers"]} >= {"wikipedia", "searxng"}
    assert not any(p["configured"] for p in sources["providers"])  # this server offers none
    assert client.get("/docs").status_code == 200
    spec = client.get("/openapi.json").json()
    body = spec["paths"]["/v1/checks"]["post"]["requestBody"]["content"]
    assert set(body) == {"application/json", "multipart/form-data"}
    assert "CheckBody" in spec["components"]["schemas"]


# --- auth, host, CLI ------------------------------------------------------------------------------


def test_token_is_required_on_the_api_but_not_on_health_and_docs(tmp_path: Path, use_embedder: Any) -> None:
    config = config_for(tmp_path, None, use_embedder, token="s3cret-token")
    app = create_app(config)

    async def go() -> None:
        async with app.router.lifespan_context(app):
            transport = httpx.ASGITransport(app=app)
            async with httpx.AsyncClient(transport=transport, base_url="http://test") as c:
                resp = await c.get("/v1/checks")
                assert_error(resp, 401, "unauthorized")
                assert resp.headers["www-authenticate"] == "Bearer"
                for header in ("Bearer wrong-token", "Basic s3cret-token", "Bearer", "s3cret-token"):
                    assert_error(await c.get("/v1/checks", headers={"Authorization": header}), 401, "unauthorized")
                assert_error(await c.post("/v1/checks", json={"text": DOC}), 401, "unauthorized")
                for path in ("/v1/nothing", "/v1/checks?limit=many", "/v1/checks/j-x/events", "/v1"):
                    assert_error(await c.get(path), 401, "unauthorized")  # before routing and validation
                ok = await c.get("/v1/checks", headers={"Authorization": "Bearer s3cret-token"})
                assert ok.status_code == 200 and ok.json() == {"checks": []}
                for open_path in ("/healthz", "/docs", "/openapi.json", "/"):
                    assert (await c.get(open_path)).status_code == 200
                spec = (await c.get("/openapi.json")).json()
                assert spec["components"]["securitySchemes"]["bearer"]["scheme"] == "bearer"
                assert spec["paths"]["/v1/checks"]["post"]["security"] == [{"bearer": []}]
                assert (await c.get("/v1/sources", headers={"Authorization": "bearer s3cret-token"})).status_code == 200

    asyncio.run(go())


def test_non_loopback_host_needs_a_token(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("VERACITY_SERVER_TOKEN", raising=False)
    result = CliRunner().invoke(serve, ["--host", "0.0.0.0", "--db", str(tmp_path / "x.sqlite")])
    assert result.exit_code == 2
    lines = result.output.strip().splitlines()
    assert len(lines) == 1 and "token" in lines[0] and lines[0].startswith("veracity: error:")
    assert not (tmp_path / "x.sqlite").exists()  # refused before anything was opened
    with pytest.raises(ConfigError, match="token"):
        create_app(ServerConfig(host="10.0.0.5", db=tmp_path / "y.sqlite"))
    assert is_loopback("127.0.0.1") and is_loopback("::1") and is_loopback("localhost")
    assert not is_loopback("0.0.0.0") and not is_loopback("example.org") and not is_loopback("192.168.1.2")


def test_serve_reports_a_missing_corpus_and_a_busy_port_in_one_line(tmp_path: Path, live: LiveServer) -> None:
    result = CliRunner().invoke(serve, ["--db", str(tmp_path / "x.sqlite"), "--corpus", str(tmp_path / "nope")])
    assert result.exit_code == 2 and "corpus folder not found" in result.output
    assert len(result.output.strip().splitlines()) == 1
    result = CliRunner().invoke(serve, ["--db", str(tmp_path / "x.sqlite"), "--port", str(live.port)])
    assert result.exit_code == 2 and re.search(r"cannot listen on 127\.0\.0\.1:\d+", result.output)


# --- event logs -----------------------------------------------------------------------------------


def test_event_logs_stay_bounded() -> None:
    now = [100.0]  # the hub's clock, in seconds

    async def go() -> None:
        hub = EventHub(keep_finished=2, ttl=3600, max_events=5, clock=lambda: now[0])
        logs = [hub.open(f"j{i}") for i in range(4)]
        for _ in range(20):
            logs[0].publish(Event(type="llm_call", stage="judge"))
        logs[0].publish(Event(type="claim_settled", claim_id="c1", label="true"))
        assert len(logs[0].events) == 6 and logs[0].dropped == 15 and logs[0].last_seq == 21
        assert logs[0].events[-1].seq == 21 and logs[0].events[-1].type == "claim_settled"
        for log in logs[:3]:
            log.end("done")
        hub.prune()
        assert hub.get("j0") is None and hub.get("j1") is not None and hub.get("j3") is not None
        now[0] += 3600
        hub.prune()
        assert len(hub) == 3  # exactly ttl old: still kept
        now[0] += 0.5
        hub.prune()
        assert len(hub) == 1 and hub.get("j3") is not None  # the unfinished one stays

    asyncio.run(go())


def test_a_quiet_live_stream_pings_then_ends_after_the_job() -> None:
    async def go() -> list[str]:
        hub = EventHub()
        log = hub.open("j1")
        frames: list[str] = []
        two_pings = asyncio.Event()

        async def read() -> None:
            async for frame in event_stream("j1", hub=hub, store=None, keepalive=0.05):  # type: ignore[arg-type]
                frames.append(frame)
                if frames.count(PING) == 2:
                    two_pings.set()

        task = asyncio.create_task(read())
        await asyncio.wait_for(two_pings.wait(), 10)  # nothing happens: the stream pings
        log.publish(Event(type="run_started", run_id="r1"))
        log.end("done")
        await asyncio.wait_for(task, 10)
        return frames

    frames = asyncio.run(go())
    assert frames[:2] == [PING, PING]
    assert frames[-2].startswith("id: 1\nevent: run_started\ndata: {")
    assert frames[-1] == 'id: 2\nevent: end\ndata: {"id": "j1", "status": "done", "error": null}\n\n'


def test_checks_share_one_rate_limit_per_provider(tmp_path: Path, use_embedder: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    """The server builds its providers once; every check searches through them, behind one
    token bucket per provider (here SearXNG at 5/s), whatever the number of checks at once. The
    bucket's clock stands still and its sleeps are recorded: one shared bucket hands out waits
    of 1/rate, 2/rate … for the six queries; a bucket per check would repeat 1/rate."""
    from veracity.search import ratelimit

    waits: list[float] = []

    async def record(seconds: float) -> None:
        waits.append(seconds)

    class StillBucket(ratelimit.TokenBucketLimiter):
        def __init__(self, rates: Any, **kw: Any) -> None:
            super().__init__(rates, clock=lambda: 0.0, sleep=record, **kw)

    monkeypatch.setattr(ratelimit, "TokenBucketLimiter", StillBucket)
    rate = 5.0
    docs = ["Ada Quill studied at Bristol. Ada Quill won a prize in 2019.",
            "Bo Lindqvist studied at Leeds. Bo Lindqvist wrote a book in 2020.",
            "Cy Moreau studied at Lyon. Cy Moreau moved to Porto in 2021."]
    with SearxStandIn() as searx:
        monkeypatch.setenv("VERACITY_SEARXNG_URL", searx.url)
        config = config_for(tmp_path, None, use_embedder, rates={"searxng": rate}).model_copy(
            update={"providers": ["searxng"]})
        with LiveServer(config) as live, httpx.Client(base_url=live.url, timeout=30) as client:
            ids = [submit(client, {"text": d, "providers": ["searxng"], "corpus": False}) for d in docs]
            views = [wait_done(client, i) for i in ids]
    assert [v["status"] for v in views] == ["done"] * 3
    assert len(searx.queries) == 6  # one query per claim, from three checks
    assert sorted(waits) == pytest.approx([k / rate for k in range(1, 6)])


def test_a_check_waiting_for_a_worker_says_so_with_its_place_in_line(tmp_path: Path, use_embedder: Any) -> None:
    """With every worker busy, a new check's first event is ``queued`` with the number of
    checks ahead of it; then it runs like any other. The model holds its answers until all three
    checks are in, so the one worker is busy while the others arrive."""
    corpus = write_corpus(tmp_path / "corpus")
    release = threading.Event()
    settings = settings_for(tmp_path)
    llm = scripted_llm(settings, HeldChat(scripted_chat(), release))
    config = config_for(tmp_path, corpus, use_embedder, llm=llm, settings=settings, workers=1)
    try:
        with LiveServer(config) as live, httpx.Client(base_url=live.url, timeout=30) as client:
            ids = [submit(client, {"text": f"Jack Rae studied computer science at the University of Bristol in {y}."})
                   for y in (2001, 2002, 2003)]
            release.set()
            streams = [read_events(client, f"/v1/checks/{i}/events")[0] for i in ids]
            views = [wait_done(client, i) for i in ids]
    finally:
        release.set()
    assert [v["status"] for v in views] == ["done"] * 3
    first = [s[0] for s in streams]
    assert first[0]["event"] == "run_started"  # a free worker: no queue
    assert [(f["event"], f["data"]["position"]) for f in first[1:]] == [("queued", 0), ("queued", 1)]
    assert all(s[1]["event"] == "run_started" and s[-1]["event"] == "end" for s in streams[1:])
