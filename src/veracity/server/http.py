"""HTTP plumbing of the API: the error body every failure uses, the bearer-token guard, the
local-origin guard and the request-size guard.

Errors are ``{"error": {"status": <int>, "code": "<snake_case>", "message": "<one line>"}}``.

:class:`BearerAuth` is a plain ASGI middleware: with a token set, every request under ``/v1/``
must carry ``Authorization: Bearer <token>`` (compared in constant time) or is answered 401 —
before routing, so unknown ``/v1/`` paths and malformed parameters say 401 too.

:class:`LocalGuard` is a plain ASGI middleware against other web sites (403 ``forbidden``): it
refuses a request whose ``Host`` is not this server's (DNS rebinding: a hostile name resolved to
127.0.0.1) and, on ``/v1/``, a cross-origin request (an ``Origin`` that is not the server's own,
or ``Sec-Fetch-Site: cross-site``) — a browser sends a cross-site multipart form without asking.

:class:`BodyLimit` is a plain ASGI middleware: a request whose ``Content-Length`` is over the
limit is answered 413 before any of its body is read; a body without one (chunked) is counted
as it arrives, and the moment it passes the limit reading stops and the answer is 413, whatever
the app was about to say.
"""

from __future__ import annotations

import hmac
import json
import unicodedata
from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any
from urllib.parse import quote, urlsplit

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


def title_slug(title: str | None, *, ascii_only: bool, max_chars: int = 60) -> str:
    """``title`` as a file-name part: lower-case letters and digits, every other run of
    characters one ``-``, at most ``max_chars`` long. ``ascii_only``: accents dropped and
    other scripts left out (a Chinese title gives ``""``)."""
    text = unicodedata.normalize("NFKC", title or "")
    if ascii_only:
        text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    out: list[str] = []
    for ch in text.lower():
        if ch.isalnum() and (ch.isascii() or not ascii_only):
            out.append(ch)
        elif out and out[-1] != "-":
            out.append("-")
    return "".join(out)[:max_chars].strip("-")


def attachment_disposition(run_id: str, title: str | None, ext: str) -> str:
    """A ``Content-Disposition`` for a report download named ``veracity-<run id>-<title>.<ext>``:
    ``filename`` in ASCII (the title's ASCII slug, or only the run id) and, when the title has
    other characters (a Chinese title), also ``filename*`` in UTF-8 (RFC 5987, RFC 6266)."""
    base = f"veracity-{title_slug(run_id, ascii_only=True, max_chars=100)}"
    plain = title_slug(title, ascii_only=True)
    value = f'attachment; filename="{base}-{plain}.{ext}"' if plain else f'attachment; filename="{base}.{ext}"'
    full = title_slug(title, ascii_only=False)
    if full and full != plain:
        value += "; filename*=UTF-8''" + quote(f"{base}-{full}.{ext}", safe="")
    return value


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


LOCAL_NAMES = frozenset({"localhost", "127.0.0.1", "::1"})
"""Host names a local server answers to on any port."""


def split_host(value: str) -> tuple[str, int | None] | None:
    """A ``Host`` value (``name``, ``name:port``, ``[v6]:port``) → (lower-case host without
    brackets, port or None); None when it is malformed."""
    v = value.strip().lower()
    if v.startswith("["):
        end = v.find("]")
        if end < 0:
            return None
        host, rest = v[1:end], v[end + 1:]
        if not rest:
            return (host, None) if host else None
        if not rest.startswith(":"):
            return None
        port_text = rest[1:]
    else:
        host, sep, port_text = v.partition(":")
        if not sep:
            return (host, None) if host else None
        if ":" in port_text:  # an IPv6 address without brackets
            return None
    if not host or not port_text.isdigit() or int(port_text) > 65535:
        return None
    return host, int(port_text)


def _with_port(hostport: tuple[str, int | None], scheme: str) -> tuple[str, int]:
    host, port = hostport
    return host, port if port is not None else (443 if scheme in ("https", "wss") else 80)


def _shown(host: str, port: int | None) -> str:
    shown = f"[{host}]" if ":" in host else host
    return shown if port is None else f"{shown}:{port}"


class LocalGuard:
    """Refuse (403 ``forbidden``) requests from other web sites (see the module docstring).

    ``check_host``: only a ``Host`` that is a local name (:data:`LOCAL_NAMES`, any port), the
    address the connection reached (the ASGI ``server``) or exactly ``bound`` (host, port) is
    served. ``check_origin``: under ``prefix``, an ``Origin`` other than the request's own
    (its scheme and ``Host``), or ``Sec-Fetch-Site: cross-site``, is refused. A request without
    ``Origin`` or ``Sec-Fetch-Site`` (curl, scripts) passes."""

    def __init__(self, app: ASGIApp, *, check_host: bool, check_origin: bool,
                 bound: tuple[str, int] | None = None, prefix: str = "/v1/") -> None:
        self.app = app
        self.check_host = check_host
        self.check_origin = check_origin
        self.bound = split_host(_shown(bound[0].strip("[]"), bound[1])) if bound is not None else None
        self.prefix = prefix

    def host_allowed(self, scope: Scope) -> bool:
        raw = _header(scope, b"host")
        if raw is None:
            return True  # HTTP/1.0 without Host: no browser sends that
        parsed = split_host(raw.decode("latin-1"))
        if parsed is None:
            return False
        if parsed[0] in LOCAL_NAMES:
            return True
        scheme = str(scope.get("scheme", "http"))
        wanted = _with_port(parsed, scheme)
        server = scope.get("server")
        if server and server[0] is not None:
            here = split_host(_shown(str(server[0]), server[1] if len(server) > 1 else None))
            if here is not None and _with_port(here, scheme) == wanted:
                return True
        return self.bound is not None and self.bound[1] != 0 and _with_port(self.bound, scheme) == wanted

    def origin_refusal(self, scope: Scope) -> str | None:
        """Why the request is cross-origin, or None."""
        path = str(scope.get("path", ""))
        if not (path.startswith(self.prefix) or path == self.prefix.rstrip("/")):
            return None
        site = (_header(scope, b"sec-fetch-site") or b"").decode("latin-1").strip().lower()
        if site == "cross-site":
            return "cross-site requests to the API are refused (Sec-Fetch-Site: cross-site)"
        raw_origin = _header(scope, b"origin")
        if raw_origin is None:
            return None
        origin = raw_origin.decode("latin-1").strip()
        own = self.own_origin(scope)
        try:
            parts = urlsplit(origin.lower())
            theirs = split_host(parts.netloc) if parts.scheme in ("http", "https") and not parts.path else None
        except ValueError:
            theirs = None
        if own is not None and theirs is not None and (parts.scheme, *_with_port(theirs, parts.scheme)) == own:
            return None
        return f"cross-origin requests to the API are refused (Origin: {origin[:200]!r} is not this server)"

    @staticmethod
    def own_origin(scope: Scope) -> tuple[str, str, int] | None:
        """The request's own origin as (scheme, host, port): its scheme and ``Host``."""
        scheme = str(scope.get("scheme", "http"))
        raw = _header(scope, b"host")
        if raw is not None:
            parsed = split_host(raw.decode("latin-1"))
        else:
            server = scope.get("server")
            parsed = split_host(_shown(str(server[0]), server[1])) if server and server[0] is not None else None
        return (scheme, *_with_port(parsed, scheme)) if parsed is not None else None

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        if self.check_host and not self.host_allowed(scope):
            host = (_header(scope, b"host") or b"").decode("latin-1")
            await send_error(send, 403, "forbidden",
                             f"this server does not answer to Host {host[:200]!r} (a DNS-rebinding "
                             "guard): use localhost, 127.0.0.1 or the address it is bound to")
            return
        if self.check_origin:
            why = self.origin_refusal(scope)
            if why is not None:
                await send_error(send, 403, "forbidden", why)
                return
        await self.app(scope, receive, send)
