"""The server against other web sites and hostile bodies: a token-less local server refuses a
foreign ``Host`` (DNS rebinding) and cross-origin API requests (a foreign ``Origin``,
``Sec-Fetch-Site: cross-site``) with 403 ``forbidden`` while its own page keeps working; JSON
nested too deeply is 400, never a 500; only literal loopback addresses and ``localhost`` are
loopback for ``--host``. Over real HTTP (uvicorn on 127.0.0.1) and, for the token cases, in
process."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from click.testing import CliRunner

from server_kit import DOC, LiveServer, config_for
from veracity.server.app import create_app, is_loopback
from veracity.server.cli import serve
from veracity.server.http import LocalGuard, split_host

JSON = {"content-type": "application/json"}
EVIL = "http://evil.example"


@pytest.fixture(scope="module")
def live(tmp_path_factory: pytest.TempPathFactory, use_embedder: Any) -> Iterator[LiveServer]:
    workdir = tmp_path_factory.mktemp("hardening")
    config = config_for(workdir, None, use_embedder, max_body_bytes=1024 * 1024)
    with LiveServer(config) as server:
        yield server


@pytest.fixture
def client(live: LiveServer) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=live.url, timeout=30) as c:
        yield c


def assert_error(resp: httpx.Response, status: int, code: str) -> dict[str, Any]:
    assert resp.status_code == status, resp.text
    assert resp.headers["content-type"].startswith("application/json")
    body = resp.json()
    assert set(body) == {"error"} and set(body["error"]) == {"status", "code", "message"}
    assert body["error"]["status"] == status and body["error"]["code"] == code
    assert body["error"]["message"] and "\n" not in body["error"]["message"]
    return dict(body["error"])


def count_checks(client: httpx.Client) -> int:
    resp = client.get("/v1/checks", params={"limit": 500})
    assert resp.status_code == 200, resp.text
    return len(resp.json()["checks"])


# --- cross-origin requests --------------------------------------------------------------------


def test_a_cross_site_multipart_form_is_refused_and_queues_nothing(client: httpx.Client) -> None:
    before = count_checks(client)
    files = {"file": ("x.md", b"# Note\n\n" + DOC.encode(), "text/markdown")}
    error = assert_error(client.post("/v1/checks", files=files, headers={"Origin": EVIL}), 403, "forbidden")
    assert "evil.example" in error["message"]
    assert_error(client.post("/v1/checks", json={"text": DOC}, headers={"Origin": EVIL}), 403, "forbidden")
    assert count_checks(client) == before


@pytest.mark.parametrize("origin", [
    "null",                                  # sandboxed frames, file: pages
    "http://127.0.0.1:1",                    # another local server (another port)
    "http://localhost",                      # another port again (80)
    "https://evil.example:443",
    "not a url",
])
def test_every_foreign_origin_is_refused(client: httpx.Client, origin: str) -> None:
    assert_error(client.get("/v1/checks", headers={"Origin": origin}), 403, "forbidden")


def test_sec_fetch_site_cross_site_is_refused_even_without_origin(client: httpx.Client) -> None:
    assert_error(client.get("/v1/checks", headers={"Sec-Fetch-Site": "cross-site"}), 403, "forbidden")
    assert_error(client.get("/v1/sources", headers={"Sec-Fetch-Site": "cross-site"}), 403, "forbidden")
    assert_error(client.get("/v1", headers={"Sec-Fetch-Site": "cross-site"}), 403, "forbidden")
    for site in ("same-origin", "same-site", "none"):
        assert client.get("/v1/checks", headers={"Sec-Fetch-Site": site}).status_code == 200


def test_same_origin_and_origin_less_requests_pass(client: httpx.Client, live: LiveServer) -> None:
    ok = client.post("/v1/checks", json={"text": DOC, "corpus": False},
                     headers={"Origin": live.url, "Sec-Fetch-Site": "same-origin"})
    assert ok.status_code == 202, ok.text
    plain = client.post("/v1/checks", json={"text": DOC, "corpus": False})  # curl: no Origin
    assert plain.status_code == 202, plain.text
    assert client.get("/v1/checks").status_code == 200
    # the page opened as http://localhost:P talks to the API as localhost:P
    local = f"localhost:{live.port}"
    resp = client.get("/v1/checks", headers={"Host": local, "Origin": f"http://{local}"})
    assert resp.status_code == 200, resp.text


def test_links_from_other_sites_still_open_the_page(client: httpx.Client) -> None:
    """The origin check guards the API: a link to the page from another site still works."""
    resp = client.get("/", headers={"Sec-Fetch-Site": "cross-site", "Sec-Fetch-Mode": "navigate"})
    assert resp.status_code == 200 and resp.headers["content-type"].startswith("text/html")


# --- Host (DNS rebinding) ---------------------------------------------------------------------


@pytest.mark.parametrize("path", ["/v1/checks", "/", "/healthz", "/openapi.json"])
def test_a_foreign_host_is_refused(client: httpx.Client, path: str) -> None:
    error = assert_error(client.get(path, headers={"Host": "rebind.attacker.example"}), 403, "forbidden")
    assert "rebind.attacker.example" in error["message"]
    assert_error(client.get(path, headers={"Host": "rebind.attacker.example:80"}), 403, "forbidden")


def test_a_foreign_host_cannot_submit(client: httpx.Client, live: LiveServer) -> None:
    host = f"rebind.attacker.example:{live.port}"
    resp = client.post("/v1/checks", json={"text": DOC}, headers={"Host": host, "Origin": f"http://{host}"})
    assert_error(resp, 403, "forbidden")


@pytest.mark.parametrize("host", ["localhost", "localhost:9", "127.0.0.1", "127.0.0.1:1234", "[::1]", "[::1]:8000",
                                  "LOCALHOST"])
def test_local_names_on_any_port_are_served(client: httpx.Client, host: str) -> None:
    assert client.get("/v1/checks", headers={"Host": host}).status_code == 200


@pytest.mark.parametrize("host", ["localhost.", "x.localhost", "127.0.0.1.nip.io", "[::1", "127.0.0.1:port", "::1"])
def test_look_alike_hosts_are_refused(client: httpx.Client, host: str) -> None:
    assert_error(client.get("/healthz", headers={"Host": host}), 403, "forbidden")


def test_the_bound_address_is_served() -> None:
    """Bound to another loopback address (127.0.0.2), that exact host:port is served."""
    guard = LocalGuard(None, check_host=True, check_origin=True, bound=("127.0.0.2", 8123))  # type: ignore[arg-type]

    def scope(host: str, server: tuple[str, int] = ("127.0.0.2", 8123)) -> dict[str, Any]:
        return {"type": "http", "scheme": "http", "path": "/v1/checks", "server": server,
                "headers": [(b"host", host.encode())]}

    assert guard.host_allowed(scope("127.0.0.2:8123"))
    assert guard.host_allowed(scope("127.0.0.2:8124", server=("127.0.0.2", 8124)))  # the connection's address
    assert not guard.host_allowed(scope("127.0.0.2:9999"))
    assert not guard.host_allowed(scope("evil.example:8123"))
    assert split_host("[::1]:80") == ("::1", 80) and split_host("Example.ORG") == ("example.org", None)
    assert split_host("a:b:c") is None and split_host("") is None and split_host("h:99999") is None


# --- the page ---------------------------------------------------------------------------------


def test_the_page_loads_and_its_own_api_calls_work(client: httpx.Client, live: LiveServer) -> None:
    page = client.get("/")
    assert page.status_code == 200 and "connect-src 'self'" in page.headers["content-security-policy"]
    script = page.text.split('src="', 1)[1].split('"', 1)[0] if 'src="' in page.text else "/static/app.js"
    assert client.get(script).status_code == 200
    # what the page's fetch() sends: GETs with Sec-Fetch-Site only, POSTs with its Origin too
    same = {"Sec-Fetch-Site": "same-origin", "Sec-Fetch-Mode": "cors"}
    assert client.get("/v1/sources", headers=same).status_code == 200
    resp = client.post("/v1/checks", json={"text": DOC, "corpus": False}, headers={**same, "Origin": live.url})
    assert resp.status_code == 202, resp.text
    view = client.get(resp.headers["location"], headers=same)
    assert view.status_code == 200 and view.json()["id"] == resp.json()["id"]


# --- JSON bodies ------------------------------------------------------------------------------


def test_deeply_nested_json_is_400_not_500(client: httpx.Client, caplog: pytest.LogCaptureFixture) -> None:
    error = assert_error(client.post("/v1/checks", content=b"[" * 200_000, headers=JSON), 400, "bad_request")
    assert "nested" in error["message"]
    assert_error(client.post("/v1/checks", content=b"{\"a\":" * 50_000, headers=JSON), 400, "bad_request")
    nested: Any = "x"
    for _ in range(70):  # valid JSON, under the parser's recursion limit, over ours
        nested = [nested]
    body = json.dumps({"text": DOC, "title": nested}).encode()
    assert_error(client.post("/v1/checks", content=body, headers=JSON), 400, "bad_request")
    huge_number = b'{"text": "x", "max_rounds": ' + b"9" * 5000 + b"}"
    assert_error(client.post("/v1/checks", content=huge_number, headers=JSON), 400, "bad_request")
    assert_error(client.post("/v1/checks", content=b"{not json", headers=JSON), 422, "invalid_request")
    assert "RecursionError" not in caplog.text
    assert client.get("/healthz").status_code == 200


def test_deeply_nested_options_field_is_400(client: httpx.Client) -> None:
    files = {"file": ("x.md", DOC.encode(), "text/markdown")}
    resp = client.post("/v1/checks", files=files, data={"options": "[" * 200_000})
    assert_error(resp, 400, "bad_request")


# --- token mode, in process -------------------------------------------------------------------


def test_with_a_token_the_host_is_still_checked_on_loopback(tmp_path: Path, use_embedder: Any) -> None:
    token = {"Authorization": "Bearer s3cret-token"}
    loop = create_app(config_for(tmp_path / "a", None, use_embedder, token="s3cret-token"))
    wide = create_app(config_for(tmp_path / "b", None, use_embedder, token="s3cret-token",
                                 host="0.0.0.0", port=8000))

    async def go() -> None:
        async with loop.router.lifespan_context(loop):
            transport = httpx.ASGITransport(app=loop)
            async with httpx.AsyncClient(transport=transport, base_url="http://127.0.0.1:8000") as c:
                assert (await c.get("/v1/checks", headers=token)).status_code == 200
                assert_error(await c.get("/v1/checks", headers={**token, "Host": "rebind.example"}),
                             403, "forbidden")
                assert_error(await c.get("/v1/checks", headers={"Origin": EVIL}), 401, "unauthorized")
                # with a token the bearer check stands for the origin check (a site cannot send it)
                ok = await c.get("/v1/checks", headers={**token, "Origin": "http://localhost:3000"})
                assert ok.status_code == 200
        async with wide.router.lifespan_context(wide):
            transport = httpx.ASGITransport(app=wide)
            async with httpx.AsyncClient(transport=transport, base_url="http://checks.example.lan") as c:
                # off loopback clients use names the server cannot know: the token guards the API
                assert (await c.get("/v1/checks", headers=token)).status_code == 200
                assert (await c.get("/v1/checks", headers={**token, "Host": "other.example"})).status_code == 200
                assert_error(await c.get("/v1/checks"), 401, "unauthorized")

    asyncio.run(go())


# --- what --host counts as loopback -----------------------------------------------------------


@pytest.mark.parametrize(("host", "loopback"), [
    ("127.0.0.1", True), ("127.1.2.3", True), ("::1", True), ("[::1]", True), ("localhost", True),
    ("LOCALHOST", True),
    ("x.localhost", False), ("localhost.", False), ("0.0.0.0", False), ("::", False),
    ("example.org", False), ("192.168.1.2", False), ("127.0.0.1.nip.io", False), ("", False),
])
def test_only_literal_loopback_and_localhost_are_loopback(host: str, loopback: bool) -> None:
    assert is_loopback(host) is loopback


def test_serve_on_a_localhost_subdomain_needs_a_token(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("VERACITY_SERVER_TOKEN", raising=False)
    result = CliRunner().invoke(serve, ["--host", "x.localhost", "--db", str(tmp_path / "x.sqlite")])
    assert result.exit_code == 2 and "token" in result.output
    assert not (tmp_path / "x.sqlite").exists()
