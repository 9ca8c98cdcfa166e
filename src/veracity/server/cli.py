"""``veracity serve``: run the HTTP API (and the web page) with uvicorn.

Binds 127.0.0.1 by default. Off loopback (anything but ``127.0.0.0/8``, ``::1`` and the exact
name ``localhost``: ``x.localhost`` binds wherever the resolver says) a token is required
(``--token`` or ``VERACITY_SERVER_TOKEN``); without one the command refuses to start (exit 2). The socket is
bound before the app starts, so a port in use is one error line, not a traceback.
"""

from __future__ import annotations

import contextlib
import socket
from pathlib import Path
from typing import Any

import click

from veracity.cli import fail
from veracity.errors import VeracityError


def make_server(app: Any, *, host: str, port: int, log_level: str = "info", graceful: float = 5.0) -> Any:
    """A uvicorn server for ``app`` whose shutdown first closes the open event streams (they
    would otherwise hold the shutdown up until their clients leave)."""
    import uvicorn

    class ApiServer(uvicorn.Server):
        async def shutdown(self, sockets: list[socket.socket] | None = None) -> None:
            state = getattr(app.state, "veracity", None)
            if state is not None:
                state.hub.abandon_all()
            await super().shutdown(sockets=sockets)

    config = uvicorn.Config(app, host=host, port=port, log_level=log_level, lifespan="on",
                            timeout_graceful_shutdown=int(graceful) or 1, proxy_headers=False)
    return ApiServer(config)


def bind_socket(host: str, port: int) -> socket.socket:
    """A listening-ready socket on ``host:port`` (IPv6 when the host is an IPv6 address)."""
    family = socket.AF_INET6 if ":" in host.strip("[]") else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind((host.strip("[]"), port))
    except OSError:
        sock.close()
        raise
    sock.set_inheritable(True)
    return sock


def url_of(host: str, port: int) -> str:
    shown = f"[{host}]" if ":" in host and not host.startswith("[") else host
    return f"http://{shown}:{port}/"


@click.command("serve")
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option("--port", type=click.IntRange(0, 65535), default=8000, show_default=True,
              help="Port to listen on (0: any free port).")
@click.option("--db", type=click.Path(path_type=Path, dir_okay=False),
              help="SQLite store (default: user data dir; env VERACITY_DB_PATH).")
@click.option("--corpus", "corpus", multiple=True, type=click.Path(path_type=Path),
              help="Folder of html/md/txt/pdf files every check may search (repeatable).")
@click.option("--token", envvar="VERACITY_SERVER_TOKEN", metavar="TOKEN",
              help="Bearer token required on /v1/* (env VERACITY_SERVER_TOKEN); needed off loopback.")
@click.option("--workers", type=click.IntRange(1, 64), default=8, show_default=True,
              help="Checks run at once.")
@click.option("--provider", "providers", multiple=True, metavar="NAME",
              help="Search provider a check may use (repeatable; default: every configured one).")
@click.option("--rate", "rates", multiple=True, metavar="NAME=N/s",
              help="Request rate for a provider, shared by every check, over the defaults "
                   "(wikipedia=5/s, arxiv=1/3s, 60/min; 'off': none).")
def serve(host: str, port: int, db: Path | None, corpus: tuple[Path, ...], token: str | None,
          workers: int, providers: tuple[str, ...], rates: tuple[str, ...]) -> None:
    """Serve the HTTP API and the web page (OpenAPI docs at /docs).

    Checks run in this process, a few at a time; they are kept in the store, so checks that a
    stopped server left unfinished are resumed when it starts again. Submitted documents are
    read in processes of their own, each within VERACITY_PARSE_TIMEOUT seconds. Search providers are
    built once and shared by every check, each behind one rate limit (see --rate). The language model is the
    one VERACITY_LLM_BASE_URL describes; without one the offline evidence-match judge decides.
    """
    from pydantic import SecretStr

    from veracity.server.app import ServerConfig, create_app, is_loopback

    token = (token or "").strip() or None
    if not is_loopback(host) and not token:
        fail(f"refusing to serve on {host} without a token: pass --token or set VERACITY_SERVER_TOKEN", 2)
    try:
        from veracity.config import Settings
        from veracity.search.ratelimit import parse_rate_options
        from veracity.store import Store

        config = ServerConfig(settings=Settings(), db=db, corpus=list(corpus), host=host,
                              port=port, workers=workers, providers=list(providers) or None,
                              token=SecretStr(token) if token else None, rates=parse_rate_options(rates))
        Store(config.resolved_settings().db_path).close()  # a store that cannot open fails here
        app = create_app(config)
    except VeracityError as err:
        fail(str(err), err.exit_code)
    try:
        sock = bind_socket(host, port)
    except OSError as err:
        fail(f"cannot listen on {host}:{port}: {err.strerror or err}", 2)
    bound = sock.getsockname()[1]
    click.echo(f"veracity: serving on {url_of(host, bound)} (API docs at {url_of(host, bound)}docs)")
    server = make_server(app, host=host, port=bound)
    with contextlib.suppress(KeyboardInterrupt):  # uvicorn re-raises the Ctrl-C it handled
        server.run(sockets=[sock])
    click.echo("veracity: server stopped", err=True)
