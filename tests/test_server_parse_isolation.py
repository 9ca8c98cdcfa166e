"""Submissions are read in a process of their own, with a time limit.

* Against ``veracity serve`` in its own process (on 127.0.0.1; marked slow): while a 2 MB hostile HTML upload
  is being parsed, ``/healthz`` keeps answering; the parse passes the server's time limit
  (``VERACITY_PARSE_TIMEOUT``) and is refused with 422 ``parse_timeout``; the next submission is
  read as usual.
* :class:`SubmissionParser` on its own: a tiny time limit refuses the parse and kills its
  process, the parser keeps working afterwards, and what it returns is exactly what
  :func:`veracity.ingest.read_input` reads in this process (text, Markdown, HTML, claims lists,
  and the same refusals).

The heavy upload is 2 MB of short paragraphs (400,000 elements): reading it is linear but takes
the HTML extractor far longer than the 3 s limit (about 20 s on the reference machine), holding
the interpreter (the GIL) all that time, so without the separate process ``/healthz`` would not
answer. (2 MB of unclosed ``<script>`` tags once took minutes; that parse is linear now, see
tests/test_ingest_fuzz.py.)
"""

from __future__ import annotations

import asyncio
import io
import multiprocessing
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from server_kit import ServerProcess, config_for
from veracity.checklist.rules import split_claims
from veracity.ingest import read_input
from veracity.server.app import create_app
from veracity.server.parsing import ParseRefused, ParseTask, SubmissionParser, parse_submission

SERVER_PARSE_LIMIT = "3"  # seconds: the hostile upload always needs more, a small one far less
# Generous bounds, about time by nature: /healthz must answer while the upload is parsed (it
# answers in milliseconds; 5 s only rules out "blocked until the parse ends").
HEALTH_BOUND_S = 5.0

HOSTILE_HTML = ("<html><body><p>x</p>" + "<p>x " * (2 * 1024 * 1024 // 5)).encode()
DOC = "Jack Rae studied computer science at the University of Bristol. He later worked at DeepMind."


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ServerProcess]:
    srv = ServerProcess(tmp_path_factory.mktemp("parse-server"), env={"VERACITY_PARSE_TIMEOUT": SERVER_PARSE_LIMIT})
    try:
        yield srv
    finally:
        srv.stop()


@pytest.mark.slow  # a server process and a parse that runs into its 3 s limit
def test_healthz_answers_while_a_2mb_upload_is_parsed_and_the_parse_is_stopped(server: ServerProcess) -> None:
    answer: dict[str, Any] = {}

    def upload() -> None:
        files = {"file": ("page.html", HOSTILE_HTML, "text/html")}
        try:
            answer["resp"] = httpx.post(server.base + "/v1/checks", files=files, timeout=120)
        except httpx.HTTPError as err:  # seen by the assertions below
            answer["error"] = err

    sender = threading.Thread(target=upload)
    sender.start()
    health: list[int] = []
    with httpx.Client(base_url=server.base, timeout=HEALTH_BOUND_S) as client:
        while sender.is_alive():
            resp = client.get("/healthz")  # a timeout here fails the test: the server is held
            assert resp.status_code == 200 and resp.json()["status"] == "ok"
            health.append(resp.status_code)
            sender.join(0.1)  # the next health check once the upload is answered, or in 0.1 s
    sender.join()
    assert "error" not in answer, answer
    resp = answer["resp"]
    # /healthz was asked again and again while the upload was parsed (the limit is 3 s)
    assert len(health) >= 5, f"only {len(health)} health checks during the upload"
    assert resp.status_code == 422, resp.text
    error = resp.json()["error"]
    assert error["code"] == "parse_timeout" and error["status"] == 422
    assert "VERACITY_PARSE_TIMEOUT" in error["message"] and "3 s" in error["message"]
    assert "\n" not in error["message"]
    # nothing was queued, and the server reads the next submission as usual
    assert httpx.get(server.base + "/v1/checks", timeout=30).json()["checks"] == []
    ok = httpx.post(server.base + "/v1/checks", files={"file": ("note.md", f"# Note\n\n{DOC}".encode(), "text/markdown")},
                    timeout=60)
    assert ok.status_code == 202, ok.text
    listed = httpx.get(server.base + "/v1/checks", timeout=30).json()["checks"]
    assert [c["title"] for c in listed] == ["Note"]


def test_a_document_with_too_many_claims_is_refused_at_submission(tmp_path: Path, use_embedder: Any) -> None:
    """The same API in process (the submission is still read in a parse process)."""
    text = "Jack Rae worked at DeepMind. " * 30_000  # ~ 850 KB, far over 50 sentences per claim
    app = create_app(config_for(tmp_path, None, use_embedder))

    async def go() -> httpx.Response:
        async with app.router.lifespan_context(app):
            transport = httpx.ASGITransport(app=app)
            async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:
                resp = await client.post("/v1/checks", json={"text": text}, timeout=60)
                assert (await client.get("/v1/checks")).json()["checks"] == []  # nothing queued
                return resp

    resp = asyncio.run(go())
    assert resp.status_code == 400, resp.text
    error = resp.json()["error"]
    assert error["code"] == "bad_input" and "sentences" in error["message"]


# --- the parser on its own ----------------------------------------------------------------------


def _parse(parser: SubmissionParser, task: ParseTask) -> dict[str, Any]:
    async def go() -> dict[str, Any]:
        try:
            return await parser.parse(task)
        finally:
            parser.close()

    return asyncio.run(go())


def _task(data: bytes, filename: str | None = None, **kw: Any) -> ParseTask:
    values: dict[str, Any] = {"origin": filename or "submitted text", "shown": filename or "text",
                              "max_bytes": 50 * 1024 * 1024, "max_claims": 500}
    values.update(kw)
    return ParseTask(data=data, filename=filename, **values)


def _parse_processes() -> list[str]:
    return [p.name for p in multiprocessing.active_children() if p.name == "veracity-parse"]


def test_a_parse_past_a_tiny_time_limit_is_refused_and_killed_and_the_parser_goes_on() -> None:
    async def go() -> tuple[ParseRefused, dict[str, Any]]:
        parser = SubmissionParser(timeout=0.2, slots=1)
        try:
            with pytest.raises(ParseRefused) as caught:
                await parser.parse(_task(HOSTILE_HTML, "page.html"))
            parser.timeout = 60.0  # the same parser, a usable limit: a fresh process reads the next one
            doc = await parser.parse(_task(f"# Note\n\n{DOC}".encode(), "note.md"))
            return caught.value, doc
        finally:
            parser.close()

    refused, doc = asyncio.run(go())
    assert refused.status == 422 and refused.code == "parse_timeout"
    assert str(refused) == ("reading the submission took longer than this server allows (0.2 s, "
                            "VERACITY_PARSE_TIMEOUT) and was stopped")
    assert doc["title"] == "Note" and doc["origin"] == "note.md"
    assert _parse_processes() == []  # the stopped parse's process is gone, not left running


@pytest.mark.parametrize(("name", "data"), [
    ("profile.md", f"---\ntitle: Jack Rae\n---\n{DOC}\n".encode()),
    ("page.html", f"<html><head><title>Jack Rae</title></head><body><article><h1>Jack Rae</h1><p>{DOC}</p>"
                  "<p>He won a prize in 2019.</p></article></body></html>".encode()),
    ("notes.txt", "张伟毕业于清华大学。他在2010年加入了微软。".encode()),
    (None, f"# Heading\n\n{DOC}".encode()),
])
def test_the_parse_process_reads_exactly_what_read_input_reads(tmp_path: Path, name: str | None, data: bytes) -> None:
    parser = SubmissionParser(timeout=60.0)
    got = _parse(parser, _task(data, name, title=None))
    if name is None:
        expected = read_input("-", max_bytes=10**8, stdin=io.BytesIO(data))
        expected = expected.model_copy(update={"origin": "submitted text"})
    else:
        path = tmp_path / name
        path.write_bytes(data)
        expected = read_input(path, max_bytes=10**8).model_copy(update={"origin": name})
    assert got == expected.model_dump(mode="json")
    assert got == parse_submission(_task(data, name))  # in this process: the same function
    assert split_claims(expected, max_claims=500)  # the document has claims to check


def test_claims_lists_titles_and_refusals_come_back_as_the_cli_says_them() -> None:
    claims = b'{"claim": "Jack Rae worked at DeepMind."}\n{"id": "x", "claim": "Gopher has 280B parameters."}'
    doc = _parse(SubmissionParser(timeout=60.0), _task(claims, None, claims=True, origin="submitted claims",
                                                       shown="claims", title="My list"))
    assert doc["kind"] == "claims" and doc["title"] == "My list" and doc["origin"] == "submitted claims"
    assert [c["id"] for c in doc["claims"]] == ["c1", "x"]

    with pytest.raises(ParseRefused) as empty:
        _parse(SubmissionParser(timeout=60.0), _task(b"   \n", "blank.txt"))
    assert empty.value.status == 400 and empty.value.code == "bad_input"
    assert str(empty.value) == "blank.txt: contains only whitespace, no text"

    with pytest.raises(ParseRefused) as large:
        _parse(SubmissionParser(timeout=60.0), _task(b"x" * 2000, None, max_bytes=1000))
    assert large.value.status == 413 and large.value.code == "too_large"
    assert str(large.value).startswith("text: more than 1000 bytes")
