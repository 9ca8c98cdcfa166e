"""``/docs`` works without the network: the Swagger UI page names no other host, its script,
style and icon come from this server (the ``fastapi-offline`` package's copy) with the right
content types, and the page's Content-Security-Policy admits exactly those files and the
page's own start-up script (by hash). Over real HTTP (uvicorn on 127.0.0.1)."""

from __future__ import annotations

import base64
import hashlib
import re
from collections.abc import Iterator
from html.parser import HTMLParser
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import httpx
import pytest

from server_kit import LiveServer, config_for


class _Refs(HTMLParser):
    """Every URL a page refers to (src, href, action …) and its inline scripts."""

    def __init__(self) -> None:
        super().__init__()
        self.urls: list[str] = []
        self.inline: list[str] = []
        self._in_script = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.urls += [v for k, v in attrs if k in ("src", "href", "action", "data", "poster") and v]
        self._in_script = tag == "script" and not dict(attrs).get("src")

    def handle_endtag(self, tag: str) -> None:
        self._in_script = False

    def handle_data(self, data: str) -> None:
        if self._in_script:
            self.inline.append(data)


@pytest.fixture(scope="module")
def client(tmp_path_factory: pytest.TempPathFactory, use_embedder: Any) -> Iterator[httpx.Client]:
    config = config_for(tmp_path_factory.mktemp("docs"), None, use_embedder)
    with LiveServer(config) as live, httpx.Client(base_url=live.url, timeout=30) as c:
        yield c


def _page(client: httpx.Client) -> tuple[httpx.Response, _Refs]:
    resp = client.get("/docs")
    assert resp.status_code == 200, resp.text
    assert resp.headers["content-type"].startswith("text/html")
    refs = _Refs()
    refs.feed(resp.text)
    return resp, refs


def test_the_docs_page_refers_only_to_this_server(client: httpx.Client) -> None:
    resp, refs = _page(client)
    assert refs.urls, "the page refers to its script and style"
    for url in refs.urls:
        parts = urlsplit(url)
        assert not parts.scheme and not parts.netloc and url.startswith("/"), url
    # no host anywhere in the page, inline script included (the spec is read from here too)
    assert not re.search(r"(?i)\b(?:https?:)?//[a-z0-9.-]+\.[a-z]{2,}", resp.text), resp.text
    assert "url: '/openapi.json'" in resp.text
    assert '"validatorUrl": null' in resp.text  # no validator badge fetched from its site


@pytest.mark.parametrize(("suffix", "ctype", "marker"), [
    ("swagger-ui-bundle.js", "text/javascript", b"SwaggerUIBundle"),
    ("swagger-ui.css", "text/css", b".swagger-ui"),
    ("favicon.png", "image/png", b"\x89PNG"),
])
def test_the_docs_assets_are_served_here(client: httpx.Client, suffix: str, ctype: str, marker: bytes) -> None:
    _resp, refs = _page(client)
    url = next(u for u in refs.urls if u.endswith(suffix))
    got = client.get(url)
    assert got.status_code == 200
    assert got.headers["content-type"].split(";")[0] == ctype
    assert marker in got.content[:200_000]


def test_the_docs_policy_admits_the_page_and_nothing_else(client: httpx.Client) -> None:
    resp, refs = _page(client)
    csp = {d.split()[0]: d.split()[1:] for d in resp.headers["content-security-policy"].split(";") if d.strip()}
    assert csp["default-src"] == ["'self'"] and csp["connect-src"] == ["'self'"]
    assert csp["object-src"] == ["'none'"] and csp["frame-ancestors"] == ["'none'"]
    # scripts: this server's files and the one inline start-up script, by its hash
    assert len(refs.inline) == 1
    digest = base64.b64encode(hashlib.sha256(refs.inline[0].encode()).digest()).decode()
    assert csp["script-src"] == ["'self'", f"'sha256-{digest}'"]
    assert "'unsafe-eval'" not in resp.headers["content-security-policy"]
    # the page's files are all under the policy's 'self'
    assert all(u.startswith("/docs/assets/") for u in refs.urls)


def test_the_docs_spec_and_no_cdn_page_elsewhere(client: httpx.Client) -> None:
    spec = client.get("/openapi.json")
    assert spec.status_code == 200 and spec.json()["info"]["title"] == "veracity"
    assert spec.json()["openapi"].startswith("3.1")  # what Swagger UI 5 (the served copy) renders
    bundle = client.get("/docs/assets/swagger-ui-bundle.js").text
    assert re.search(r'"5\.\d+\.\d+"', bundle), "the served Swagger UI is version 5"
    # FastAPI's own /redoc page loads its script from a CDN: it is not served
    assert client.get("/redoc").status_code == 404


def test_the_assets_are_the_installed_package_files(client: httpx.Client) -> None:
    from importlib import resources

    static = Path(str(resources.files("fastapi_offline").joinpath("static")))
    assert client.get("/docs/assets/swagger-ui.css").content == (static / "swagger-ui.css").read_bytes()
    assert client.get("/docs/assets/nothing.js").status_code == 404
