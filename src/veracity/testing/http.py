"""Small pieces shared by the local HTTP servers of the tests and the scripted LLM server."""

from __future__ import annotations

from contextlib import suppress
from http.server import BaseHTTPRequestHandler


def send(
    h: BaseHTTPRequestHandler,
    status: int,
    ctype: str,
    body: bytes,
    headers: dict[str, str] | None = None,
) -> None:
    """Write one complete response; a client that already gave up (timeouts) is ignored."""
    with suppress(BrokenPipeError, ConnectionResetError):
        h.send_response(status)
        h.send_header("Content-Type", ctype)
        h.send_header("Content-Length", str(len(body)))
        for k, v in (headers or {}).items():
            h.send_header(k, v)
        h.end_headers()
        h.wfile.write(body)
