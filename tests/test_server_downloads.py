"""Report downloads (``GET /v1/checks/{id}/report.{fmt}?download=true``) are named after the run
and the report's title: ``veracity-<run id>-<title slug>.<fmt>`` in ASCII, plus ``filename*``
in UTF-8 (RFC 5987) when the title has other characters (a Chinese title). Over real HTTP
against finished checks (the offline judge, a small corpus), and the naming rules alone."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any
from urllib.parse import unquote

import httpx
import pytest

from server_kit import DOC, LiveServer, config_for, wait_done, write_corpus
from veracity.server.http import attachment_disposition, title_slug


@pytest.fixture(scope="module")
def client(tmp_path_factory: pytest.TempPathFactory, use_embedder: Any) -> Iterator[httpx.Client]:
    workdir = tmp_path_factory.mktemp("downloads")
    corpus = write_corpus(workdir / "corpus")
    with LiveServer(config_for(workdir, corpus, use_embedder)) as live, \
            httpx.Client(base_url=live.url, timeout=60) as c:
        yield c


def _finished(client: httpx.Client, body: dict[str, Any]) -> dict[str, Any]:
    resp = client.post("/v1/checks", json={"providers": [], **body})
    assert resp.status_code == 202, resp.text
    view = wait_done(client, resp.json()["id"], timeout=120)
    assert view["status"] == "done", view
    return view


def _disposition(value: str) -> dict[str, str]:
    kind, *params = [p.strip() for p in value.split(";")]
    assert kind == "attachment"
    out = {}
    for param in params:
        key, _, val = param.partition("=")
        out[key] = val
    return out


def test_a_chinese_title_names_the_file_in_utf8_with_an_ascii_fallback(client: httpx.Client) -> None:
    view = _finished(client, {"text": DOC, "title": "张伟 (Zhang Wei) 的简历：2019"})
    run = view["run_id"]
    resp = client.get(f"/v1/checks/{view['id']}/report.md", params={"download": "true"})
    assert resp.status_code == 200
    params = _disposition(resp.headers["content-disposition"])
    assert params["filename"] == f'"veracity-{run}-zhang-wei-2019.md"'
    assert params["filename*"].startswith("UTF-8''")
    assert unquote(params["filename*"].removeprefix("UTF-8''")) == f"veracity-{run}-张伟-zhang-wei-的简历-2019.md"
    resp.headers["content-disposition"].encode("ascii")  # a header value any client can read
    assert resp.text.startswith("#")  # the report itself, unchanged


def test_an_ascii_title_and_no_title(client: httpx.Client) -> None:
    titled = _finished(client, {"text": DOC, "title": "Jack Rae: a profile / 2024!"})
    resp = client.get(f"/v1/checks/{titled['id']}/report.html", params={"download": "1"})
    assert resp.headers["content-disposition"] == (
        f'attachment; filename="veracity-{titled["run_id"]}-jack-rae-a-profile-2024.html"'
    )
    untitled = _finished(client, {"text": DOC})
    resp = client.get(f"/v1/checks/{untitled['id']}/report.json", params={"download": "true"})
    assert resp.headers["content-disposition"] == f'attachment; filename="veracity-{untitled["run_id"]}.json"'
    # without download=… the report is shown, not downloaded
    assert "content-disposition" not in client.get(f"/v1/checks/{untitled['id']}/report.json").headers


def test_slugs() -> None:
    assert title_slug("Café — Zürich, 2024", ascii_only=True) == "cafe-zurich-2024"
    assert title_slug("Café — Zürich, 2024", ascii_only=False) == "café-zürich-2024"
    assert title_slug("核查报告", ascii_only=True) == ""
    assert title_slug("核查报告", ascii_only=False) == "核查报告"
    assert title_slug('"; filename="evil.exe', ascii_only=True) == "filename-evil-exe"
    assert title_slug(None, ascii_only=True) == ""
    assert title_slug("a" * 200, ascii_only=True) == "a" * 60
    assert title_slug("ab " * 40, ascii_only=True).endswith("ab")  # never a trailing dash


def test_disposition_values() -> None:
    assert attachment_disposition("r1", None, "md") == 'attachment; filename="veracity-r1.md"'
    assert attachment_disposition("r1", "核查", "claimreview.json") == (
        "attachment; filename=\"veracity-r1.claimreview.json\"; "
        "filename*=UTF-8''veracity-r1-%E6%A0%B8%E6%9F%A5.claimreview.json"
    )
    assert attachment_disposition("r1", 'x"\r\nSet-Cookie: a', "md") == (
        'attachment; filename="veracity-r1-x-set-cookie-a.md"'
    )
