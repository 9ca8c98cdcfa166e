"""A scripted OpenAI-compatible chat server on 127.0.0.1, for tests, the bench and demos.

It speaks real HTTP, so a client under test runs its whole stack (SDK, timeouts, retries)::

    with ScriptedLLMServer(latency=0.0) as srv:
        srv.enqueue({"verdict": "supported"})                  # 200, content = that JSON
        srv.enqueue(status=429, headers={"Retry-After": "0.2"})  # an OpenAI-style error
        srv.enqueue("late", delay=2.0)                           # answers after 2 s
        client = OpenAIChat(srv.base_url, None, timeout=1.0)     # http://127.0.0.1:PORT/v1

Scripted steps answer ``POST /v1/chat/completions`` in arrival order; with none left,
``srv.responder(request_json)`` answers (by default an HTTP 500 "nothing scripted"). Flags make
the server behave like servers that lack a response format: ``reject_json_schema`` answers 500
as llama.cpp's server does, ``reject_json_object`` answers 400; a rejected request uses no
step. ``srv.requests`` holds the parsed request bodies, ``srv.in_flight`` the requests being
handled now and ``srv.max_in_flight`` the peak number handled at once. Responses carry ``usage``
estimated like :mod:`veracity.llm.base`.
"""

from __future__ import annotations

import json
import threading
import time
import uuid
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import TracebackType
from typing import Any, cast
from urllib.parse import urlsplit

from veracity.llm.base import estimate_tokens
from veracity.testing.http import send

Content = str | dict[str, Any] | list[Any]
Responder = Callable[[dict[str, Any]], Content]

DEFAULT_MODEL = "scripted-model"


@dataclass
class Step:
    """One scripted answer."""

    content: Content | None = None
    status: int = 200
    delay: float | None = None
    headers: dict[str, str] | None = None
    body: Content | None = None


def _text(value: Any) -> str:
    return value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)


def _prompt_tokens(messages: Any) -> int:
    if not isinstance(messages, list):
        return 0
    total = 0
    for m in messages:
        content = m.get("content", "") if isinstance(m, dict) else m
        total += estimate_tokens(_text(content or "")) + 4
    return total


def error_payload(status: int, message: str, *, kind: str | None = None) -> dict[str, Any]:
    """An OpenAI-style error body."""
    kind = kind or ("server_error" if status >= 500 else "invalid_request_error")
    return {"error": {"message": message, "type": kind, "param": None, "code": status}}


class _HTTPServer(ThreadingHTTPServer):
    daemon_threads = True
    block_on_close = False
    request_queue_size = 128
    allow_reuse_address = True
    scripted: ScriptedLLMServer


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.0"  # one request per connection: nothing lingers after stop()
    server_version = "ScriptedLLM/1.0"

    def log_message(self, format: str, *args: Any) -> None:
        pass

    @property
    def scripted(self) -> ScriptedLLMServer:
        return cast(_HTTPServer, self.server).scripted

    def _send(self, status: int, payload: Content, headers: dict[str, str] | None = None) -> None:
        if isinstance(payload, str):
            data, ctype = payload.encode("utf-8"), "text/plain; charset=utf-8"
        else:
            data, ctype = json.dumps(payload, ensure_ascii=False).encode("utf-8"), "application/json"
        send(self, status, ctype, data, headers)

    def do_GET(self) -> None:
        path = urlsplit(self.path).path.rstrip("/")
        if path in ("/v1/models", "/models"):
            self._send(200, self.scripted.models_payload())
        elif path == "/v1/scripted/stats":  # for a process that runs the server elsewhere
            count = len(self.scripted.requests)
            self._send(200, {"requests": count, "max_in_flight": self.scripted.max_in_flight})
        else:
            self._send(404, error_payload(404, f"no route for GET {path}"))

    def do_POST(self) -> None:
        path = urlsplit(self.path).path.rstrip("/")
        length = int(self.headers.get("Content-Length") or 0)
        raw = self.rfile.read(length) if length > 0 else b""
        if path not in ("/v1/chat/completions", "/chat/completions"):
            self._send(404, error_payload(404, f"no route for POST {path}"))
            return
        try:
            body = json.loads(raw or b"null")
        except ValueError:
            body = None
        if not isinstance(body, dict):
            self._send(400, error_payload(400, "the request body is not a JSON object"))
            return
        srv = self.scripted
        srv._arrive(body)
        try:
            status, payload, headers, delay = srv._answer(body, self.headers.get("Authorization"))
            if delay > 0:
                time.sleep(delay)
            self._send(status, payload, headers)
        finally:
            srv._leave()


class ScriptedLLMServer:
    """See the module docstring. ``api_key``: when set, requests without ``Bearer <api_key>``
    get HTTP 401. ``port`` 0 picks a free port."""

    def __init__(
        self, *, latency: float = 0.0, responder: Responder | None = None,
        reject_json_schema: bool = False, reject_json_object: bool = False,
        api_key: str | None = None, host: str = "127.0.0.1", port: int = 0,
    ) -> None:
        self.latency = latency
        self.responder = responder
        self.reject_json_schema = reject_json_schema
        self.reject_json_object = reject_json_object
        self.api_key = api_key
        self.host = host
        self.port = port
        self._lock = threading.Lock()
        self._steps: deque[Step] = deque()
        self._requests: list[dict[str, Any]] = []
        self._arrivals: list[float] = []
        self._in_flight = 0
        self._max_in_flight = 0
        self._httpd: _HTTPServer | None = None
        self._thread: threading.Thread | None = None

    # ------------------------------------------------------------------ lifecycle

    def start(self) -> ScriptedLLMServer:
        if self._httpd is not None:
            return self
        httpd = _HTTPServer((self.host, self.port), _Handler)
        httpd.scripted = self
        self.port = int(httpd.server_address[1])
        self._httpd = httpd
        self._thread = threading.Thread(
            target=httpd.serve_forever, kwargs={"poll_interval": 0.05},
            name=f"scripted-llm-{self.port}", daemon=True,
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        httpd, self._httpd = self._httpd, None
        if httpd is None:
            return
        httpd.shutdown()
        httpd.server_close()
        if self._thread is not None:
            self._thread.join(timeout=5)
            self._thread = None

    def __enter__(self) -> ScriptedLLMServer:
        return self.start()

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()

    @property
    def base_url(self) -> str:
        """``http://127.0.0.1:PORT/v1``, what an OpenAI client takes as its base URL."""
        if self._httpd is None:
            raise RuntimeError("the scripted LLM server is not running; call start() first")
        return f"http://{self.host}:{self.port}/v1"

    # ------------------------------------------------------------------ scripting

    def enqueue(
        self, content: Content | None = None, *, status: int = 200, delay: float | None = None,
        headers: dict[str, str] | None = None, body: Content | None = None,
    ) -> ScriptedLLMServer:
        """Queue one answer: ``content`` (str, or dict/list sent as JSON) as the assistant
        message; a non-200 ``status`` sends an OpenAI-style error, or ``body`` when given (which
        also replaces a 200 response whole). ``delay`` seconds are added to ``latency``;
        ``headers`` are sent as they are. A 200 step without content asks the responder."""
        with self._lock:
            self._steps.append(Step(content, status, delay, headers, body))
        return self

    @property
    def requests(self) -> list[dict[str, Any]]:
        """The parsed bodies of the chat requests received so far (a copy)."""
        with self._lock:
            return list(self._requests)

    @property
    def arrivals(self) -> list[float]:
        """``time.monotonic()`` at each chat request's arrival."""
        with self._lock:
            return list(self._arrivals)

    @property
    def max_in_flight(self) -> int:
        """The most chat requests that were being handled at the same moment."""
        with self._lock:
            return self._max_in_flight

    @property
    def in_flight(self) -> int:
        """The chat requests being handled right now (arrived, not yet answered)."""
        with self._lock:
            return self._in_flight

    @property
    def pending(self) -> int:
        """Scripted steps not used yet."""
        with self._lock:
            return len(self._steps)

    def models_payload(self) -> dict[str, Any]:
        with self._lock:
            seen = {str(r.get("model")) for r in self._requests if r.get("model")}
        ids = sorted(seen | {DEFAULT_MODEL})
        return {"object": "list", "data": [{"id": i, "object": "model", "owned_by": "scripted"} for i in ids]}

    # ------------------------------------------------------------------ request handling

    def _arrive(self, body: dict[str, Any]) -> None:
        with self._lock:
            self._requests.append(body)
            self._arrivals.append(time.monotonic())
            self._in_flight += 1
            self._max_in_flight = max(self._max_in_flight, self._in_flight)

    def _leave(self) -> None:
        with self._lock:
            self._in_flight -= 1

    def _answer(
        self, body: dict[str, Any], authorization: str | None,
    ) -> tuple[int, Content, dict[str, str] | None, float]:
        """(status, payload, headers, delay) for one chat request."""
        if self.api_key is not None and authorization != f"Bearer {self.api_key}":
            return 401, error_payload(401, "invalid or missing API key", kind="authentication_error"), None, self.latency
        fmt = body.get("response_format")
        fmt_type = fmt.get("type") if isinstance(fmt, dict) else None
        if self.reject_json_schema and fmt_type == "json_schema":
            message = "unsupported response_format type 'json_schema'; this server accepts 'text' or 'json_object'"
            return 500, error_payload(500, message), None, self.latency
        if self.reject_json_object and fmt_type == "json_object":
            return 400, error_payload(400, "response_format 'json_object' is not supported"), None, self.latency
        with self._lock:
            step = self._steps.popleft() if self._steps else None
        delay = self.latency + ((step.delay or 0.0) if step is not None else 0.0)
        if step is not None and step.body is not None:
            return step.status, step.body, step.headers, delay
        if step is not None and step.status != 200:
            return step.status, error_payload(step.status, f"scripted error {step.status}"), step.headers, delay
        headers = step.headers if step is not None else None
        content = step.content if step is not None else None
        if content is None:
            if self.responder is None:
                return 500, error_payload(500, "nothing scripted for this request"), headers, delay
            try:
                content = self.responder(body)
            except Exception as err:  # report it to the client, keep serving
                return 500, error_payload(500, f"responder failed: {type(err).__name__}: {err}"), headers, delay
        return 200, self.completion(body, _text(content)), headers, delay

    @staticmethod
    def completion(request: dict[str, Any], text: str) -> dict[str, Any]:
        """A ``chat.completion`` body answering ``request`` with ``text``."""
        prompt_tokens = _prompt_tokens(request.get("messages"))
        completion_tokens = estimate_tokens(text)
        return {
            "id": f"chatcmpl-{uuid.uuid4().hex[:24]}",
            "object": "chat.completion",
            "created": int(time.time()),
            "model": str(request.get("model") or DEFAULT_MODEL),
            "choices": [{
                "index": 0,
                "message": {"role": "assistant", "content": text},
                "finish_reason": "stop",
                "logprobs": None,
            }],
            "usage": {
                "prompt_tokens": prompt_tokens,
                "completion_tokens": completion_tokens,
                "total_tokens": prompt_tokens + completion_tokens,
            },
        }


def main(argv: list[str] | None = None) -> None:
    """``python -m veracity.testing.llm_server [--port N] [--latency S]``: serve the scripted
    model (:mod:`veracity.testing.scripted_model`) until interrupted, for demos and benches.
    Prints the base URL to use as ``VERACITY_LLM_BASE_URL`` on its first line."""
    import argparse
    import sys

    from veracity.testing.scripted_model import scripted_responder

    ap = argparse.ArgumentParser(prog="python -m veracity.testing.llm_server", description=main.__doc__)
    ap.add_argument("--port", type=int, default=0, help="port on 127.0.0.1 (0: any free port)")
    ap.add_argument("--latency", type=float, default=0.0, help="seconds added to every answer")
    args = ap.parse_args(argv)
    server = ScriptedLLMServer(latency=args.latency, responder=scripted_responder, port=args.port)
    server.start()
    print(server.base_url, flush=True)
    try:
        while True:
            time.sleep(3600)
    except KeyboardInterrupt:
        pass
    finally:
        server.stop()
        sys.stdout.flush()


if __name__ == "__main__":
    main()
