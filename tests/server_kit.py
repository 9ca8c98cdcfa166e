"""Helpers for the HTTP tests: a real uvicorn server in a thread, ``veracity serve`` in a
process of its own, an SSE reader, the small corpus and scripted model the checks run against
(in process: :func:`scripted_config`), and :class:`LocalWeb`, the one page server the run tests
read web pages from."""

from __future__ import annotations

import asyncio
import json
import os
import re
import subprocess
import sys
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import httpx
import pytest

from conftest import REPO, settings_for, write_tree
from veracity.config import Settings
from veracity.llm.base import ChatResult, Message, StructuredLLM
from veracity.llm.client import ChatBackend
from veracity.server.app import ServerConfig, create_app
from veracity.server.cli import bind_socket, make_server
from veracity.testing.http import send, serve_http
from veracity.testing.scripted_model import scripted_llm

HOSTILE = "<img src=x onerror=alert(1)>"
PAGES = {
    "bristol.md": (
        "# Jack Rae\n\nurl: https://example.org/rae\n\nJack Rae studied computer science at the "
        "University of Bristol. He later worked at DeepMind on large language models.\n"
    ),
    "gopher.md": (
        f"# Gopher {HOSTILE}\n\nurl: https://example.org/gopher\n\nGopher is a language model with 280 "
        "billion parameters, described by DeepMind in 2021.\n"
    ),
}
DOC = (
    "Jack Rae studied computer science at the University of Bristol. "
    "Gopher is a language model with 280 billion parameters. "
    "Jack Rae won the Turing Award in 2019."
)


def write_corpus(root: Path) -> Path:
    return write_tree(root, PAGES)


def config_for(
    tmp: Path, corpus: Path | None, embedder: Any, *, llm: StructuredLLM | None = None,
    settings: Settings | None = None, **kw: Any,
) -> ServerConfig:
    """A server over ``corpus`` with no web providers; ``llm``: the model its checks use (None:
    the offline judge, unless ``settings`` name an endpoint); ``settings`` default to
    :func:`conftest.settings_for` ``(tmp)``."""
    return ServerConfig(settings=settings or settings_for(tmp), corpus=[corpus] if corpus else [],
                        embedder=embedder, providers=[], llm=llm, **kw)


def scripted_config(tmp: Path, corpus: Path | None, embedder: Any, **kw: Any) -> ServerConfig:
    """:func:`config_for` with the scripted model answering in process (no LLM server)."""
    settings = kw.pop("settings", None) or settings_for(tmp)
    return config_for(tmp, corpus, embedder, llm=scripted_llm(settings), settings=settings, **kw)


# --- a local web of pages ------------------------------------------------------------------------

Route = Callable[[BaseHTTPRequestHandler], None]


def html_page(title: str, body: str) -> bytes:
    """A small article page; ``title`` and ``body`` are inserted as given (already markup)."""
    return (
        '<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">'
        f'<title>{title}</title></head><body><nav><a href="/">Home</a></nav>'
        f"<article><h1>{title}</h1>{body}</article><footer>Local test site.</footer>"
        "</body></html>"
    ).encode()


class LocalWeb:
    """An HTTP server on 127.0.0.1 whose paths are Python callables (``routes``); counts the
    requests by path and keeps their headers. ``/search`` may be routed to a SearXNG-shaped
    answer (``search_kit.searx_json``). :meth:`hang` is a route that answers only once the
    server stops, for timeouts without sleeping."""

    def __init__(self) -> None:
        self.base = ""
        self.routes: dict[str, Route] = {}
        self.requests: Counter[str] = Counter()
        self.headers_seen: list[dict[str, str]] = []
        self.lock = threading.Lock()
        self.released = threading.Event()

    def url(self, path: str) -> str:
        return f"{self.base}{path}"

    def hang(self, h: BaseHTTPRequestHandler) -> None:
        """Answer nothing until the server stops (the client times out first)."""
        self.released.wait(60)
        send(h, 503, "text/plain", b"too late")

    def handler(self) -> type[BaseHTTPRequestHandler]:
        web = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.0"  # one request a connection: with keep-alive a 20-page run took ~0.5 s longer

            def log_message(self, format: str, *args: Any) -> None:
                pass

            def do_GET(self) -> None:
                path = urlsplit(self.path).path
                with web.lock:
                    web.requests[path] += 1
                    web.headers_seen.append({k.lower(): v for k, v in self.headers.items()})
                route = web.routes.get(path)
                if route is None:
                    send(self, 404, "text/plain", b"not found")
                else:
                    route(self)

            do_POST = do_GET

        return Handler


@contextmanager
def serve_local_web() -> Iterator[LocalWeb]:
    """A :class:`LocalWeb` served from a thread for the duration of the block."""
    state = LocalWeb()
    with serve_http(state.handler()) as base:
        state.base = base
        try:
            yield state
        finally:
            state.released.set()  # hanging requests end before the server shuts down


# --- the model, held ------------------------------------------------------------------------------


class HeldChat:
    """A chat backend that holds every request until ``release`` is set (from any thread), then
    answers like ``inner``. The wait runs in a worker thread, so the server's event loop stays
    free; set ``release`` before the server stops (a ``finally`` does)."""

    def __init__(self, inner: ChatBackend, release: threading.Event) -> None:
        self.inner = inner
        self.release = release

    async def chat(self, messages: list[Message], **kw: Any) -> ChatResult:
        await asyncio.to_thread(self.release.wait, 60)
        return await self.inner.chat(messages, **kw)

    async def aclose(self) -> None:
        await self.inner.aclose()


class LiveServer:
    """The app of ``config`` (or any ``app``: the web page alone) served by uvicorn on
    127.0.0.1 (a free port) in a thread."""

    def __init__(self, config: ServerConfig | None = None, *, app: Any = None, graceful: int = 2) -> None:
        if (config is None) == (app is None):
            raise ValueError("give a server config or an app")
        self.app = app if app is not None else create_app(config)  # type: ignore[arg-type]
        sock = bind_socket("127.0.0.1", 0)
        self.port = int(sock.getsockname()[1])
        self.server = make_server(self.app, host="127.0.0.1", port=self.port, log_level="warning",
                                  graceful=graceful)
        self._thread = threading.Thread(target=self.server.run, kwargs={"sockets": [sock]}, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def __enter__(self) -> LiveServer:
        self._thread.start()
        deadline = time.monotonic() + 60
        while not self.server.started:
            if not self._thread.is_alive() or time.monotonic() > deadline:
                raise RuntimeError("the test server did not start")
            time.sleep(0.02)
        return self

    def stop(self) -> None:
        """Stop the server (and fail if it has not stopped within 30 s)."""
        self.server.should_exit = True
        self._thread.join(timeout=30)
        assert not self._thread.is_alive(), "the test server did not stop"

    def __exit__(self, *exc: object) -> None:
        if self._thread.is_alive():
            self.stop()


def parse_frames(text: str) -> list[dict[str, Any]]:
    """``text/event-stream`` text → [{"id", "event", "data"}] (comments dropped)."""
    out = []
    for block in text.split("\n\n"):
        fields: dict[str, Any] = {}
        for line in block.split("\n"):
            if not line or line.startswith(":"):
                continue
            key, _, value = line.partition(": ")
            fields[key] = value
        if "event" in fields:
            out.append({"id": int(fields["id"]), "event": fields["event"], "data": json.loads(fields["data"])})
    return out


def read_events(
    client: httpx.Client, path: str, *, headers: dict[str, str] | None = None,
    until: Callable[[dict[str, Any]], bool] | None = None, timeout: float = 30,
    opened: threading.Event | None = None,
) -> tuple[list[dict[str, Any]], bool]:
    """Read a job's event stream until it closes (or ``until`` says stop); return the events and
    whether the stream closed by itself. ``opened`` is set once the stream is open."""
    frames: list[dict[str, Any]] = []
    buf = ""
    with client.stream("GET", path, headers=headers, timeout=timeout) as resp:
        assert resp.status_code == 200, resp.read()
        assert resp.headers["content-type"].startswith("text/event-stream")
        if opened is not None:
            opened.set()
        for chunk in resp.iter_text():
            buf += chunk
            while "\n\n" in buf:
                block, buf = buf.split("\n\n", 1)
                frames.extend(parse_frames(block + "\n\n"))
                if until is not None and frames and until(frames[-1]):
                    return frames, False
    return frames, True


def wait_done(client: httpx.Client, job_id: str, *, headers: dict[str, str] | None = None,
              timeout: float = 60) -> dict[str, Any]:
    """Poll a job until it is done or failed; return its view."""
    deadline = time.monotonic() + timeout
    while True:
        view = client.get(f"/v1/checks/{job_id}", headers=headers).json()
        if view["status"] in ("done", "failed") or time.monotonic() > deadline:
            return dict(view)
        time.sleep(0.05)


_SCRIPT = Path(sys.executable).with_name("veracity")
VERACITY: list[str] = [str(_SCRIPT)] if _SCRIPT.exists() else [sys.executable, "-m", "veracity.cli"]
START_TIMEOUT = 120.0


class ServerProcess:
    """``veracity serve --port 0`` in a subprocess; the port is read from its first line."""

    def __init__(self, home: Path, *, env: dict[str, str] | None = None, args: Sequence[str] = ()) -> None:
        """``env``: ``VERACITY_*`` settings over a clean environment (the caller's own
        ``VERACITY_*`` variables are dropped); ``args``: more ``serve`` options."""
        full = {k: v for k, v in os.environ.items() if not k.startswith("VERACITY_")}
        full.update({
            "VERACITY_CACHE_DIR": str(home / "cache"),
            "VERACITY_DB_PATH": str(home / "default.sqlite"),
            "PYTHONIOENCODING": "utf-8",
            **(env or {}),
        })
        self.log = home / "server.log"
        self._log_file = self.log.open("wb")
        self.proc = subprocess.Popen(
            [*VERACITY, "serve", "--port", "0", "--db", str(home / "db.sqlite"), *args],
            cwd=REPO, env=full, stdout=subprocess.PIPE, stderr=self._log_file, text=True,
        )
        self.lines: list[str] = []
        threading.Thread(target=self._read, daemon=True).start()
        self.base = self._wait_ready()

    def _read(self) -> None:
        assert self.proc.stdout is not None
        for line in self.proc.stdout:
            self.lines.append(line)

    def _fail(self, why: str) -> None:
        self.stop()
        log = self.log.read_text("utf-8", errors="replace")[-4000:]
        pytest.fail(f"veracity serve {why}\nstdout: {''.join(self.lines)}\nlog:\n{log}")

    def _wait_ready(self) -> str:
        deadline = time.monotonic() + START_TIMEOUT
        base = None
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                self._fail(f"exited with code {self.proc.returncode}")
            if base is None:
                found = re.search(r"serving on (http://127\.0\.0\.1:\d+)/", "".join(self.lines))
                base = found.group(1) if found else None
            if base is not None:
                try:
                    if httpx.get(base + "/healthz", timeout=2.0).status_code == 200:
                        return base
                except httpx.HTTPError:
                    pass
            time.sleep(0.2)
        self._fail(f"did not answer /healthz within {START_TIMEOUT:.0f} s")
        raise AssertionError("unreachable")

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(timeout=5)
        self._log_file.close()
