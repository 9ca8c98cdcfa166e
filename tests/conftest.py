"""Fixtures shared by the end-to-end tests: paths, a network guard, one sentence encoder.

* ``REPO``, ``EXAMPLE``, ``EXAMPLE_PROFILE``, ``EXAMPLE_CORPUS``: the checkout and its example.
* ``shared_dir``: ``../shared`` beside the checkout (skips the test when it is absent).
* :func:`settings_for`: the settings of one test (store and cache under its folder, no model
  endpoint unless given); the one place tests build :class:`~veracity.config.Settings` from.
* ``use_embedder``: one :class:`UseEmbedder` for the whole session (its model loads once); the
  only encoder the tests build. ``one_encoder`` makes the encoders that in-process CLI runs
  build that same one.
* ``example_cache_dir``: a session cache folder, so the example corpus is indexed once.
* ``no_network`` / :func:`block_network`: any TCP/UDP connect or DNS lookup is recorded and
  refused; Unix-domain sockets (the event loop's self-pipe, for one) still work.
"""

from __future__ import annotations

import os
import socket
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

if TYPE_CHECKING:
    from veracity.config import Settings

REPO = Path(__file__).resolve().parents[1]
EXAMPLE = REPO / "examples" / "jack-rae"
EXAMPLE_PROFILE = EXAMPLE / "profile.md"
EXAMPLE_CORPUS = EXAMPLE / "corpus"
SHARED = Path(__file__).resolve().parents[2] / "shared"


def write_tree(root: Path, files: dict[str, str]) -> Path:
    """Write ``files`` (relative path → text, folders made as needed) under ``root``; returns it."""
    root.mkdir(parents=True, exist_ok=True)
    for name, text in files.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(text, encoding="utf-8")
    return root


def settings_for(tmp: Path, llm_url: str | None = None, **overrides: Any) -> Settings:
    """Settings for one test: the store (``db.sqlite``) and caches under ``tmp``; the model
    ``scripted`` at ``llm_url`` (a base URL such as ``ScriptedLLMServer.base_url``; None: no
    endpoint, whatever the environment says), one retry, a 10 s timeout; ``overrides`` replace
    any field."""
    from veracity.config import Settings

    values: dict[str, Any] = {
        "db_path": tmp / "db.sqlite", "cache_dir": tmp / "cache", "llm_base_url": llm_url,
        "llm_model": "scripted", "llm_retries": 1, "llm_timeout": 10.0,
    }
    values.update(overrides)
    return Settings(**values)


class NetworkBlocked(OSError):
    """Raised by the guard of :func:`block_network` instead of touching the network."""


@contextmanager
def block_network() -> Iterator[list[str]]:
    """Refuse every network connect and name lookup while active; yields the list of attempts
    (one readable line each), so a test can assert that nothing even tried."""
    attempts: list[str] = []
    real_connect = socket.socket.connect
    real_connect_ex = socket.socket.connect_ex
    real_create_connection = socket.create_connection
    real_getaddrinfo = socket.getaddrinfo

    def _local(sock: socket.socket) -> bool:
        return getattr(socket, "AF_UNIX", None) is not None and sock.family == socket.AF_UNIX

    def connect(self: socket.socket, address: Any) -> None:
        if _local(self):
            return real_connect(self, address)
        attempts.append(f"connect {address!r}")
        raise NetworkBlocked(f"network disabled in this test: connect {address!r}")

    def connect_ex(self: socket.socket, address: Any) -> int:
        if _local(self):
            return real_connect_ex(self, address)
        attempts.append(f"connect_ex {address!r}")
        raise NetworkBlocked(f"network disabled in this test: connect_ex {address!r}")

    def create_connection(address: Any, *args: Any, **kwargs: Any) -> socket.socket:
        attempts.append(f"create_connection {address!r}")
        raise NetworkBlocked(f"network disabled in this test: create_connection {address!r}")

    def getaddrinfo(host: Any, *args: Any, **kwargs: Any) -> Any:
        attempts.append(f"getaddrinfo {host!r}")
        raise NetworkBlocked(f"network disabled in this test: getaddrinfo {host!r}")

    socket.socket.connect = connect  # type: ignore[method-assign,assignment]
    socket.socket.connect_ex = connect_ex  # type: ignore[method-assign,assignment]
    socket.create_connection = create_connection
    socket.getaddrinfo = getaddrinfo
    try:
        yield attempts
    finally:
        socket.socket.connect = real_connect  # type: ignore[method-assign]
        socket.socket.connect_ex = real_connect_ex  # type: ignore[method-assign]
        socket.create_connection = real_create_connection
        socket.getaddrinfo = real_getaddrinfo


@pytest.fixture
def no_network() -> Iterator[list[str]]:
    """The test runs with the network refused; the fixture value lists what tried to use it."""
    with block_network() as attempts:
        yield attempts


@pytest.fixture(scope="session")
def shared_dir() -> Path:
    """``../shared`` beside the checkout (tools, seeds, benchmarks); skip when absent."""
    if not SHARED.is_dir():
        pytest.skip(f"shared folder not found at {SHARED}")
    return SHARED


@pytest.fixture(scope="session")
def use_embedder() -> Any:
    """One multilingual sentence encoder for the session (2 threads, loaded on first use)."""
    from veracity.evidence.embed import UseEmbedder

    return UseEmbedder(threads=2)


@pytest.fixture
def one_encoder(use_embedder: Any, monkeypatch: pytest.MonkeyPatch) -> Any:
    """For in-process runs that build their own encoder (the CLI through ``CliRunner``): every
    :class:`UseEmbedder` made during the test is the session's ``use_embedder``."""
    import sys

    from veracity.evidence.embed import UseEmbedder

    def shared(threads: int = 2) -> Any:
        return use_embedder

    for name, module in list(sys.modules.items()):
        if name.startswith("veracity") and vars(module).get("UseEmbedder") is UseEmbedder:
            monkeypatch.setattr(module, "UseEmbedder", shared)
    return use_embedder


@pytest.fixture(scope="session")
def example_cache_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A cache folder shared by the session, so the example corpus is indexed only once."""
    return tmp_path_factory.mktemp("veracity-cache")


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> Iterator[None]:
    """Under ``VERACITY_MUST_RUN=test_browser,test_batch_ray`` (CI sets it), a test in one of
    the named files that skips (no chromium, no ray…) fails instead: a missing install step
    must not pass as a green run."""
    outcome = yield
    report = outcome.get_result()  # type: ignore[attr-defined]
    wanted = [w.strip() for w in os.environ.get("VERACITY_MUST_RUN", "").split(",") if w.strip()]
    if report.skipped and wanted and any(Path(str(item.fspath)).stem == w for w in wanted):
        report.outcome = "failed"
        report.longrepr = f"skipped, but VERACITY_MUST_RUN requires it to run: {report.longrepr}"
