"""HTTP plumbing of the API: the error body every failure uses, the bearer-token guard and the
request-size guard.

Errors are ``{"error": {"status": <int>, "code": "<snake_case>", "message": "<one line>"}}``.

:class:`BearerAuth` is a plain ASGI middleware: with a token set, every request under ``/v1/``
must carry ``Authorization: Bearer <token>`` (compared in constant time) or is answered 401 —
before routing, so unknown ``/v1/`` paths and malformed parameters say 401 too.

:class:`BodyLimit` is a plain ASGI middleware: a request whose ``Content-Length`` is over the
limit is answered 413 before any of its body is read; a body without one (chunked) is counted
as it arrives, and the moment it passes the limit reading stops and the answer is 413, whatever
the app was about to say.
"""

from __future__ import annotations

import hmac
import json
from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any

from starlette.responses import JSONResponse

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]

_CODES = {
    400: "bad_request",
    401: "unauthorized",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    409: "not_ready",
    413: "too_large",
    415: "unsupported_media_type",
    422: "invalid_request",
    500: "internal_error",
    503: "not_started",
}


def status_code_name(status: int) -> str:
    """The error code used for an HTTP status without a more precise one."""
    return _CODES.get(status, "error" if status < 500 else "internal_error")


class ApiError(Exception):
    """An error answered with the API's error body."""

    def __init__(self, status: int, code: str, message: str, *, headers: dict[str, str] | None = None) -> None:
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = " ".join(message.split())
        self.headers = headers


def error_body(status: int, code: str, message: str) -> dict[str, Any]:
    return {"error": {"status": status, "code": code, "message": " ".join(str(message).split())}}


def error_response(status: int, code: str, message: str, *, headers: dict[str, str] | None = None) -> JSONResponse:
    """The JSON response of an error."""
    return JSONResponse(error_body(status, code, message), status_code=status, headers=headers)


class BodyTooLarge(Exception):
    """Raised into the app when the body it is reading passes the limit."""


class BodyLimit:
    """Refuse request bodies over ``max_bytes`` with 413 (see the module docstring); also
    marks every response ``X-Content-Type-Options: nosniff``."""

    def __init__(self, app: ASGIApp, max_bytes: int) -> None:
        self.app = app
        self.max_bytes = max_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        declared = _header(scope, b"content-length")
        if declared is not None:
            try:
                size = int(declared)
            except ValueError:
                await self._refuse(send, 400, "bad_request", "Content-Length is not a number")
                return
            if size > self.max_bytes:
                await self._refuse_large(send)
                return
        received = 0
        over = False
        started = False

        async def counted() -> Message:
            nonlocal received, over
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > self.max_bytes:
                    over = True
                    raise BodyTooLarge
            return message

        async def guarded(message: Message) -> None:
            nonlocal started
            if over and not started:
                return  # the app's answer to a body cut short; 413 is sent instead
            if message["type"] == "http.response.start":
                started = True
                headers = list(message.get("headers", []))
                headers.append((b"x-content-type-options", b"nosniff"))
                message["headers"] = headers
            await send(message)

        try:
            await self.app(scope, counted, guarded)
        except BodyTooLarge:
            pass
        except Exception:
            if not over:
                raise
        if over and not started:
            await self._refuse_large(send)

    async def _refuse_large(self, send: Send) -> None:
        await self._refuse(send, 413, "too_large",
                           f"the request body is larger than this server accepts ({self.max_bytes} bytes)")

    @staticmethod
    async def _refuse(send: Send, status: int, code: str, message: str) -> None:
        await send_error(send, status, code, message, headers=[(b"connection", b"close")])


async def send_error(
    send: Send, status: int, code: str, message: str, *, headers: list[tuple[bytes, bytes]] | None = None,
) -> None:
    """Answer with the API's error body straight over ASGI (for the middlewares, which answer
    before the app runs)."""
    body = json.dumps(error_body(status, code, message)).encode("utf-8")
    await send({
        "type": "http.response.start", "status": status,
        "headers": [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode()),
                    *(headers or []), (b"x-content-type-options", b"nosniff")],
    })
    await send({"type": "http.response.body", "body": body})


def _header(scope: Scope, name: bytes) -> bytes | None:
    for key, value in scope.get("headers", []):
        if key == name:
            return bytes(value)
    return None


class BearerAuth:
    """Answer 401 to ``/v1/*`` requests without the right bearer token (no token: no check)."""

    def __init__(self, app: ASGIApp, token: str | None, prefix: str = "/v1/") -> None:
        self.app = app
        self.token = token.encode("utf-8") if token else None
        self.prefix = prefix

    def allowed(self, scope: Scope) -> bool:
        """Whether the request may pass: no token set, a path outside the prefix, or the token."""
        if self.token is None:
            return True
        path = str(scope.get("path", ""))
        if not (path.startswith(self.prefix) or path == self.prefix.rstrip("/")):
            return True
        scheme, _, value = (_header(scope, b"authorization") or b"").partition(b" ")
        return scheme.lower() == b"bearer" and hmac.compare_digest(value.strip(), self.token)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or self.allowed(scope):
            await self.app(scope, receive, send)
            return
        await send_error(send, 401, "unauthorized",
                         "a valid bearer token is required (Authorization: Bearer <token>)",
                         headers=[(b"www-authenticate", b"Bearer")])
