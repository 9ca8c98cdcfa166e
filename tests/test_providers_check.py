"""``veracity providers``: the listing says "configured", never "ready", for a provider it has not
tried; ``--check`` sends each one live query and reports ok / failed / not configured, the time,
the results and the error. Against a SearXNG stand-in and a dead port on 127.0.0.1."""

from __future__ import annotations

import asyncio
import json
import socket
from collections.abc import Iterator
from typing import Any

import pytest
from click.testing import CliRunner

from search_kit import SearxStandIn
from veracity.cli import main
from veracity.errors import ConfigError
from veracity.search.registry import CHECK_QUERY, check_providers, provider_status
from veracity.search.settings import SearchSettings


@pytest.fixture
def searx() -> Iterator[tuple[str, list[str]]]:
    """A SearXNG stand-in: two results for any query; the queries asked are kept."""
    with SearxStandIn(lambda query: ["https://example.org/a", "https://example.org/b"]) as web:
        yield web.url, web.queries


def dead_url() -> str:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    return f"http://127.0.0.1:{port}/w/api.php"


def test_check_reports_ok_failed_and_not_configured(searx: tuple[str, list[str]]) -> None:
    url, queries = searx
    settings = SearchSettings(_env_file=None, searxng_url=url, wikipedia_url=dead_url())  # type: ignore[call-arg]
    rows = asyncio.run(check_providers(["searxng", "wikipedia", "brave"], settings, timeout=5))
    by_name = {r.name: r for r in rows}
    assert [r.name for r in rows] == ["searxng", "wikipedia", "brave"]

    ok = by_name["searxng"]
    assert (ok.kind, ok.status, ok.results, ok.error) == ("web", "ok", 2, None)
    assert ok.ms is not None and ok.ms >= 0
    assert queries == [CHECK_QUERY]  # one query, once

    down = by_name["wikipedia"]
    assert (down.kind, down.status, down.results) == ("reference", "failed", None)
    assert down.ms is not None
    assert down.error is not None and down.error.startswith("could not connect (ConnectError")
    assert "after 1 attempt(s)" in down.error  # the check does not retry

    missing = by_name["brave"]
    assert (missing.status, missing.ms, missing.results) == ("not configured", None, None)
    assert missing.error == "needs VERACITY_BRAVE_API_KEY"


def test_check_and_listing_refuse_an_unknown_name() -> None:
    with pytest.raises(ConfigError, match="unknown search provider"):
        asyncio.run(check_providers(["wikipedio"], SearchSettings(_env_file=None)))  # type: ignore[call-arg]
    with pytest.raises(ConfigError, match="unknown search provider"):
        provider_status(SearchSettings(_env_file=None), names=["wikipedio"])  # type: ignore[call-arg]


@pytest.fixture
def env(monkeypatch: pytest.MonkeyPatch, searx: tuple[str, list[str]], tmp_path: Any) -> str:
    monkeypatch.chdir(tmp_path)  # no .env file from the checkout
    for key in ("VERACITY_BRAVE_API_KEY", "VERACITY_TAVILY_API_KEY", "VERACITY_SERPER_API_KEY", "VERACITY_LLM_BASE_URL"):
        monkeypatch.delenv(key, raising=False)
    monkeypatch.setenv("VERACITY_SEARXNG_URL", searx[0])
    dead = dead_url()
    monkeypatch.setenv("VERACITY_WIKIPEDIA_URL", dead)
    return dead


def test_cli_listing_never_says_ready(env: str) -> None:
    result = CliRunner().invoke(main, ["providers"])
    assert result.exit_code == 0, result.output
    assert "ready" not in result.output
    lines = {line.split()[0]: line for line in result.stdout.splitlines() if line.strip()}
    assert lines["wikipedia"].split()[1:] == ["reference", "configured"]  # the dead port: not tried
    assert lines["searxng"].split()[1:] == ["web", "configured"]
    assert "needs VERACITY_BRAVE_API_KEY" in lines["brave"]
    assert "--check" in result.stderr


def test_cli_check_prints_a_table(env: str, searx: tuple[str, list[str]]) -> None:
    result = CliRunner().invoke(main, ["providers", "--check", "--timeout", "5", "searxng", "wikipedia", "brave"])
    assert result.exit_code == 0, result.output
    lines = [line for line in result.stdout.splitlines() if line.strip()]
    assert lines[0].split() == ["name", "kind", "status", "ms", "results", "error"]
    rows = {line.split()[0]: line for line in lines[1:]}
    assert list(rows) == ["searxng", "wikipedia", "brave"]
    _, kind, status, ms, results = rows["searxng"].split()
    assert (kind, status, results) == ("web", "ok", "2") and ms.isdigit()
    assert rows["wikipedia"].split()[1:3] == ["reference", "failed"] and "could not connect" in rows["wikipedia"]
    assert "not configured" in rows["brave"] and "needs VERACITY_BRAVE_API_KEY" in rows["brave"]
    assert searx[1] == [CHECK_QUERY]


def test_cli_check_json_and_a_query_of_ones_own(env: str, searx: tuple[str, list[str]]) -> None:
    result = CliRunner().invoke(main, ["providers", "--check", "--json", "--query", "Grace Hopper", "searxng", "wikipedia"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert [(d["name"], d["status"], d["results"]) for d in data] == [("searxng", "ok", 2), ("wikipedia", "failed", None)]
    assert searx[1] == ["Grace Hopper"]


def test_cli_unknown_provider_is_one_line_exit_2(env: str) -> None:
    result = CliRunner().invoke(main, ["providers", "--check", "nosuch"])
    assert result.exit_code == 2
    assert result.output.strip().startswith("veracity: error: unknown search provider(s): nosuch")
    assert "Traceback" not in result.output
