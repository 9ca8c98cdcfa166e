"""The reader against a real HTTP server on 127.0.0.1 (allow-listed for these tests only)."""

from __future__ import annotations

import asyncio
import gzip
import hashlib
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import httpcore
import pytest
from fpdf import FPDF

from veracity.errors import BlockedURL, FetchError, MalformedPDF
from veracity.httputil import RetryPolicy
from veracity.reader import MemoryFetchCache, Reader
from veracity.testing.http import send
from veracity.types import Document, Source, SourceKind

ARTICLE = (
    "Jack Rae completed a doctorate in computer science at University College London. "
    "His thesis was about memory in neural networks and was deposited in the library. "
)


def _html(body: str, *, title: str = "A test page", head: str = "") -> str:
    return (
        f"<!doctype html><html><head>{head}<title>{title}</title></head><body><article>"
        f"<h1>{title}</h1><p>{body}</p><p>{body}</p></article></body></html>"
    )


def _pdf(text: str) -> bytes:
    pdf = FPDF()
    pdf.add_page()
    pdf.set_font("helvetica", size=12)
    pdf.multi_cell(0, 8, text)
    return bytes(pdf.output())


CP1252_TEXT = "The café served naïve “quotes” to every guest — twice a day, said Zoë. "
GBK_TEXT = "杰克·雷在伦敦大学学院获得计算机科学博士学位，论文存放在学校的机构知识库中。"


class _State:
    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.paths: list[str] = []
        self.hits: Counter[str] = Counter()
        self.in_flight = 0
        self.max_in_flight = 0


class _Handler(BaseHTTPRequestHandler):
    state: _State
    pdf_bytes: bytes
    pdf_with_url: bytes

    def log_message(self, format: str, *args: Any) -> None:  # keep test output clean
        pass

    def _send(
        self, status: int, body: bytes = b"", ctype: str = "text/html; charset=utf-8",
        headers: dict[str, str] | None = None,
    ) -> None:
        send(self, status, ctype, body, headers)

    def _redirect(self, location: str) -> None:
        self._send(302, b"", headers={"Location": location})

    def do_GET(self) -> None:
        st = self.state
        path = self.path
        held = path.startswith("/hold")  # only these count towards the concurrency test
        with st.lock:
            st.paths.append(path)
            st.hits[path] += 1
            hits = st.hits[path]
            st.in_flight += held
            st.max_in_flight = max(st.max_in_flight, st.in_flight)
        try:
            self._route(path, hits)
        finally:
            with st.lock:
                st.in_flight -= held

    def _route(self, path: str, hits: int) -> None:  # one branch per test page
        if path == "/page":
            self._send(200, _html(ARTICLE).encode())
        elif path == "/gzip":
            self._send(200, gzip.compress(_html("Compressed " + ARTICLE).encode()),
                       headers={"Content-Encoding": "gzip"})
        elif path.startswith("/redirect/"):
            n = int(path.rsplit("/", 1)[1])
            self._redirect("/page" if n == 0 else f"/redirect/{n - 1}")
        elif path == "/loop":
            self._redirect("/loop")
        elif path == "/pdf-as-html":
            self._send(200, self.pdf_bytes, ctype="text/html")
        elif path == "/pdf-url-in-text.pdf":
            self._send(200, self.pdf_with_url, ctype="application/pdf")
        elif path == "/big":
            filler = "<p>" + ("filler words for a long page. " * 30) + "</p>\n"
            body = _html("START-OF-PAGE " + ARTICLE) + filler * 400 + "<p>END-OF-PAGE</p>"
            self._send(200, body.encode())
        elif path == "/big.pdf":
            self._send(200, b"%PDF-1.4\n" + b"0" * 200_000, ctype="application/pdf")
        elif path == "/bomb":
            raw = b"<html><body><p>" + b"a " * 2_000_000 + b"</p></body></html>"
            self._send(200, gzip.compress(raw), headers={"Content-Encoding": "gzip"})
        elif path == "/slow":
            time.sleep(1.0)
            self._send(200, _html(ARTICLE).encode())
        elif path.startswith("/hold"):
            time.sleep(0.15)
            self._send(200, _html(ARTICLE).encode())
        elif path == "/cp1252":
            self._send(200, _html(CP1252_TEXT * 3).encode("cp1252"),
                       ctype="text/html; charset=windows-1252")
        elif path == "/cp1252-meta":
            body = _html(CP1252_TEXT * 3, head='<meta charset="windows-1252">')
            self._send(200, body.encode("cp1252"), ctype="text/html")
        elif path == "/gbk":
            self._send(200, _html(GBK_TEXT * 2, title="杰克·雷").encode("gbk"),
                       ctype="text/html; charset=GBK")
        elif path == "/gb2312-meta":
            head = '<meta http-equiv="Content-Type" content="text/html; charset=gb2312">'
            self._send(200, _html(GBK_TEXT * 2, title="杰克·雷", head=head).encode("gbk"),
                       ctype="text/html")
        elif path == "/bad.pdf":
            self._send(200, b"%PDF-1.4\nthis is not really a pdf\n%%EOF", ctype="application/pdf")
        elif path == "/missing":
            self._send(404, b"not here", ctype="text/plain")
        elif path.startswith("/flaky/"):  # /flaky/<token>/<failures>
            failures = int(path.rsplit("/", 1)[1])
            if hits <= failures:
                self._send(503, b"busy", ctype="text/plain")
            else:
                self._send(200, _html(ARTICLE).encode())
        elif path.startswith("/busy/"):  # /busy/<token>/<retry-after>
            if hits == 1:
                self._send(429, b"slow down", ctype="text/plain",
                           headers={"Retry-After": path.rsplit("/", 1)[1]})
            else:
                self._send(200, _html(ARTICLE).encode())
        elif path == "/always503":
            self._send(503, b"down", ctype="text/plain")
        elif path == "/to-private":
            self._redirect("http://10.0.0.1/secret")
        elif path == "/to-metadata":
            self._redirect("http://169.254.169.254/latest/meta-data/")
        elif path == "/to-file":
            self._redirect("file:///etc/passwd")
        elif path == "/image.png":
            self._send(200, b"\x89PNG\r\n\x1a\n" + b"\x00" * 64, ctype="image/png")
        elif path == "/octet":
            self._send(200, b"\x89PNG\r\n\x1a\n" + b"\x00" * 64, ctype="application/octet-stream")
        elif path == "/notes.txt":
            self._send(200, ("Plain notes. " + ARTICLE).encode(), ctype="text/plain; charset=utf-8")
        elif path == "/canonical-elsewhere":
            head = '<link rel="canonical" href="https://www.reuters.com/fake-story">'
            self._send(200, _html(ARTICLE, head=head).encode())
        elif path == "/canonical-same":
            head = '<link rel="canonical" href="/page">'
            self._send(200, _html(ARTICLE, head=head).encode())
        elif path == "/empty":
            self._send(200, b"")
        else:
            self._send(404, b"no route", ctype="text/plain")


@pytest.fixture(scope="module")
def server() -> Iterator[tuple[str, _State]]:
    state = _State()
    handler = type(
        "Handler",
        (_Handler,),
        {
            "state": state,
            "pdf_bytes": _pdf("Training Compute-Optimal Large Language Models. " + ARTICLE),
            "pdf_with_url": _pdf("A saved page.\nURL: https://example.org/elsewhere\n" + ARTICLE),
        },
    )
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    httpd.daemon_threads = True
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{httpd.server_address[1]}", state
    finally:
        httpd.shutdown()
        httpd.server_close()


def _fetch(
    url: str, *, attempts: int = 3, backoff: float = 0.0, max_wait: float = 30.0,
    waits: list[float] | None = None, **kw: Any,
) -> Document:
    """Fetch ``url`` with a reader whose retry waits are recorded in ``waits``, not slept."""
    kw.setdefault("allow", ["127.0.0.1"])
    asked = waits if waits is not None else []

    async def record(seconds: float) -> None:
        asked.append(seconds)

    kw.setdefault(
        "retry", RetryPolicy(attempts=attempts, backoff=backoff, max_wait=max_wait, sleep=record)
    )

    async def go() -> Document:
        async with Reader(**kw) as reader:
            return await reader.fetch(url)

    return asyncio.run(go())


def _raises(exc: type[Exception], url: str, **kw: Any) -> str:
    with pytest.raises(exc) as info:
        _fetch(url, **kw)
    return str(info.value)


# --- ordinary pages ---------------------------------------------------------------------------


def test_html_page_fields(server: tuple[str, _State]) -> None:
    base, _ = server
    doc = _fetch(f"{base}/page")
    assert "University College London" in doc.text
    assert doc.source.title == "A test page"
    assert doc.source.url == f"{base}/page"
    assert doc.source.provider == "web"
    assert doc.source.kind is SourceKind.UNKNOWN
    assert doc.source.language == "en"
    assert doc.source.content_hash == hashlib.sha256(_html(ARTICLE).encode()).hexdigest()


def test_gzip_body_is_decompressed(server: tuple[str, _State]) -> None:
    base, _ = server
    doc = _fetch(f"{base}/gzip")
    assert "Compressed Jack Rae completed a doctorate" in doc.text
    # the hash is of the decoded body, not of the compressed bytes on the wire
    assert doc.source.content_hash == hashlib.sha256(
        _html("Compressed " + ARTICLE).encode()
    ).hexdigest()


def test_plain_text(server: tuple[str, _State]) -> None:
    base, _ = server
    doc = _fetch(f"{base}/notes.txt")
    assert doc.text.startswith("Plain notes. Jack Rae")
    assert doc.source.language == "en"


def test_redirect_chain_is_followed_and_final_url_kept(server: tuple[str, _State]) -> None:
    base, st = server
    doc = _fetch(f"{base}/redirect/3", max_redirects=5)
    assert doc.source.url == f"{base}/page"
    assert [p for p in st.paths if p.startswith("/redirect/")][-4:] == [
        "/redirect/3", "/redirect/2", "/redirect/1", "/redirect/0",
    ]


def test_too_many_redirects(server: tuple[str, _State]) -> None:
    base, st = server
    before = st.hits["/loop"]
    msg = _raises(FetchError, f"{base}/loop", max_redirects=3)
    assert "too many redirects" in msg
    assert st.hits["/loop"] - before == 4  # the first request plus three redirects


def test_chain_longer_than_the_limit_is_refused(server: tuple[str, _State]) -> None:
    base, _ = server
    assert "too many redirects" in _raises(FetchError, f"{base}/redirect/3", max_redirects=2)


# --- PDFs -------------------------------------------------------------------------------------


def test_pdf_served_as_html_is_read_as_pdf(server: tuple[str, _State]) -> None:
    base, _ = server
    doc = _fetch(f"{base}/pdf-as-html")
    assert "Training Compute-Optimal" in doc.text
    assert doc.pages and doc.pages[0].page == 1
    assert doc.source.url == f"{base}/pdf-as-html"


def test_pdf_source_url_is_the_fetched_url(server: tuple[str, _State]) -> None:
    base, _ = server
    doc = _fetch(f"{base}/pdf-url-in-text.pdf")
    assert doc.source.url == f"{base}/pdf-url-in-text.pdf"


def test_malformed_pdf_is_a_fetch_error(server: tuple[str, _State]) -> None:
    base, _ = server
    with pytest.raises(FetchError) as info:
        _fetch(f"{base}/bad.pdf")
    assert not isinstance(info.value, MalformedPDF)
    assert str(info.value).startswith(f"GET {base}/bad.pdf:")
    assert "PDF" in str(info.value)


# --- size cap ---------------------------------------------------------------------------------


def test_html_over_the_cap_keeps_its_first_part(server: tuple[str, _State]) -> None:
    base, _ = server
    doc = _fetch(f"{base}/big", max_bytes=50_000)
    assert "START-OF-PAGE" in doc.text
    assert "END-OF-PAGE" not in doc.text


def test_pdf_over_the_cap_is_refused(server: tuple[str, _State]) -> None:
    base, _ = server
    assert "PDF larger than 50000 bytes" in _raises(
        FetchError, f"{base}/big.pdf", max_bytes=50_000
    )


def test_cap_counts_decompressed_bytes(server: tuple[str, _State]) -> None:
    base, _ = server
    doc = _fetch(f"{base}/bomb", max_bytes=100_000)
    # about 4 MB once inflated; only the first 100 kB were read
    assert 10_000 < len(doc.text) <= 100_000


# --- content types and charsets ---------------------------------------------------------------


def test_images_are_refused(server: tuple[str, _State]) -> None:
    base, _ = server
    assert "unsupported content type image/png" in _raises(FetchError, f"{base}/image.png")
    assert "PNG image" in _raises(FetchError, f"{base}/octet")


def test_empty_body(server: tuple[str, _State]) -> None:
    base, _ = server
    assert "empty response" in _raises(FetchError, f"{base}/empty")


@pytest.mark.parametrize("path", ["/cp1252", "/cp1252-meta"])
def test_windows_1252(server: tuple[str, _State], path: str) -> None:
    base, _ = server
    doc = _fetch(base + path)
    assert "The café served naïve “quotes” to every guest — twice a day, said Zoë." in doc.text


@pytest.mark.parametrize("path", ["/gbk", "/gb2312-meta"])
def test_gbk(server: tuple[str, _State], path: str) -> None:
    base, _ = server
    doc = _fetch(base + path)
    assert GBK_TEXT in doc.text
    assert doc.source.title == "杰克·雷"
    assert doc.source.language == "zh"


def test_canonical_url_of_another_owner_is_ignored(server: tuple[str, _State]) -> None:
    base, _ = server
    doc = _fetch(f"{base}/canonical-elsewhere")
    assert doc.source.url == f"{base}/canonical-elsewhere"
    assert doc.source.kind is SourceKind.UNKNOWN  # not "news" because of a claimed URL
    assert _fetch(f"{base}/canonical-same").source.url == f"{base}/page"


# --- errors and retries -----------------------------------------------------------------------


def test_404(server: tuple[str, _State]) -> None:
    base, _ = server
    assert _raises(FetchError, f"{base}/missing") == f"GET {base}/missing: HTTP 404"


def test_503_then_200_is_retried(server: tuple[str, _State]) -> None:
    base, st = server
    doc = _fetch(f"{base}/flaky/a/2", attempts=3)
    assert "University College London" in doc.text
    assert st.hits["/flaky/a/2"] == 3


def test_503_gives_up_after_the_last_try(server: tuple[str, _State]) -> None:
    base, st = server
    before = st.hits["/always503"]
    msg = _raises(FetchError, f"{base}/always503", attempts=2)
    assert msg == f"GET {base}/always503: HTTP 503 (after 2 tries)"
    assert st.hits["/always503"] - before == 2


def test_429_honours_retry_after(server: tuple[str, _State]) -> None:
    base, st = server
    waits: list[float] = []
    # the backoff alone would wait 30 s; Retry-After: 0 says go again now
    doc = _fetch(f"{base}/busy/a/0", backoff=30.0, waits=waits)
    assert waits == [0.0]
    assert doc.text and st.hits["/busy/a/0"] == 2


def test_backoff_doubles_between_tries(server: tuple[str, _State]) -> None:
    base, _ = server
    waits: list[float] = []
    _raises(FetchError, f"{base}/always503", attempts=4, backoff=1.5, waits=waits)
    assert waits == [1.5, 3.0, 6.0]


def test_attempts_count_the_tries_in_all() -> None:
    assert Reader(attempts=2).retry.attempts == 2
    assert Reader().retry == RetryPolicy(attempts=3, backoff=1.0, max_wait=30.0)
    with pytest.raises(ValueError, match="attempts"):
        Reader(attempts=0)


def test_long_retry_after_is_capped(server: tuple[str, _State]) -> None:
    base, st = server
    waits: list[float] = []
    _fetch(f"{base}/busy/b/3600", max_wait=0.05, waits=waits)
    assert waits == [0.05]
    assert st.hits["/busy/b/3600"] == 2


def test_slow_page_times_out(server: tuple[str, _State]) -> None:
    base, st = server
    before = st.hits["/slow"]
    msg = _raises(FetchError, f"{base}/slow", timeout=0.2, attempts=2)
    assert "timed out after 0.2 s (after 2 tries)" in msg  # never waited for the 1 s answer
    assert st.hits["/slow"] - before == 2


def test_per_host_limit(server: tuple[str, _State]) -> None:
    base, st = server

    async def go() -> list[Document]:
        async with Reader(allow=["127.0.0.1"], per_host=2) as reader:
            return await asyncio.gather(*(reader.fetch(f"{base}/hold?{i}") for i in range(6)))

    with st.lock:
        st.max_in_flight = 0
    docs = asyncio.run(go())
    assert len(docs) == 6
    assert st.max_in_flight == 2


def test_concurrent_fetches_of_one_url_share_a_download(server: tuple[str, _State]) -> None:
    base, st = server

    async def go() -> list[Document]:
        async with Reader(allow=["127.0.0.1"]) as reader:
            docs = await asyncio.gather(*(reader.fetch(f"{base}/hold?same") for _ in range(4)))
            assert reader.requests == 1
            return docs

    docs = asyncio.run(go())
    assert st.hits["/hold?same"] == 1
    assert len({id(d) for d in docs}) == 4  # each caller gets its own copy
    assert all(d.text == docs[0].text for d in docs)


# --- SSRF -------------------------------------------------------------------------------------


def test_loopback_not_allow_listed_is_blocked_without_a_request(
    server: tuple[str, _State],
) -> None:
    base, st = server
    before = len(st.paths)
    _raises(BlockedURL, f"{base}/page", allow=())
    # decimal spelling of 127.0.0.1 on the test server's port
    port = base.rsplit(":", 1)[1]
    assert "non-public" in _raises(BlockedURL, f"http://2130706433:{port}/page", allow=())
    assert len(st.paths) == before


@pytest.mark.parametrize(
    "url",
    [
        "http://169.254.169.254/latest/meta-data/",
        "file:///etc/passwd",
        "http://0177.0.0.1/",
        "http://[::ffff:127.0.0.1]/",
        "http://user:pw@example.com/",
    ],
)
def test_blocked_urls(url: str) -> None:
    with pytest.raises(BlockedURL):
        _fetch(url, allow=())


@pytest.fixture
def connect_log(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Every host the reader's own client opens a TCP connection to."""
    hosts: list[str] = []
    original = httpcore.AnyIOBackend.connect_tcp

    async def spy(self: httpcore.AnyIOBackend, host: str, port: int, **kw: Any) -> Any:
        hosts.append(host)
        return await original(self, host, port, **kw)

    monkeypatch.setattr(httpcore.AnyIOBackend, "connect_tcp", spy)
    return hosts


@pytest.mark.parametrize(
    ("path", "why"),
    [
        ("/to-private", "10.0.0.1 is a non-public address"),
        ("/to-metadata", "169.254.169.254 is a non-public address"),
        ("/to-file", "scheme not allowed: file"),
    ],
)
def test_redirect_to_a_private_address_is_blocked_before_connecting(
    server: tuple[str, _State], connect_log: list[str], path: str, why: str
) -> None:
    base, st = server
    assert why in _raises(BlockedURL, base + path)
    assert st.hits[path] >= 1  # the allowed server was asked …
    assert connect_log and set(connect_log) == {"127.0.0.1"}  # … and nothing else was


def test_caller_client_still_checks_every_hop(server: tuple[str, _State]) -> None:
    import httpx

    base, _ = server
    seen: list[str] = []

    async def go() -> None:
        async def log(request: httpx.Request) -> None:
            seen.append(str(request.url))

        async with (
            httpx.AsyncClient(event_hooks={"request": [log]}) as client,
            Reader(client=client, allow=["127.0.0.1"]) as reader,
        ):
            await reader.fetch(f"{base}/to-private")

    with pytest.raises(BlockedURL):
        asyncio.run(go())
    assert seen == [f"{base}/to-private"]


def test_dns_rebinding_is_caught_at_connect_time(
    server: tuple[str, _State], connect_log: list[str]
) -> None:
    base, st = server
    port = base.rsplit(":", 1)[1]
    answers = iter([["93.184.216.34"], ["127.0.0.1"]])  # public for the check, then loopback

    def resolver(host: str) -> list[str]:
        assert host == "rebind.test"
        return next(answers)

    before = len(st.paths)
    msg = _raises(BlockedURL, f"http://rebind.test:{port}/page", allow=(), resolver=resolver)
    assert "127.0.0.1" in msg
    assert connect_log == []
    assert len(st.paths) == before


def test_connection_goes_to_the_checked_address(
    server: tuple[str, _State], connect_log: list[str]
) -> None:
    base, _ = server
    port = base.rsplit(":", 1)[1]
    calls: list[str] = []

    def resolver(host: str) -> list[str]:
        calls.append(host)
        return ["127.0.0.1"]

    doc = _fetch(f"http://site.test:{port}/page", resolver=resolver)
    assert "University College London" in doc.text
    assert calls == ["site.test", "site.test"]  # the check, then the connection
    assert connect_log == ["127.0.0.1"]


# --- cache ------------------------------------------------------------------------------------


def test_cache_and_offline_mode(server: tuple[str, _State]) -> None:
    base, _ = server
    cache = MemoryFetchCache()

    async def go() -> tuple[int, int, Document, Document]:
        async with Reader(allow=["127.0.0.1"], cache=cache) as online:
            first = await online.fetch(f"{base}/redirect/0")
            sent = online.requests
            await online.fetch(f"{base}/redirect/0")  # warm cache: nothing is sent
            again = online.requests
        async with Reader(allow=["127.0.0.1"], cache=cache, offline=True) as offline:  # the guard runs before the cache
            by_final_url = await offline.fetch(f"{base}/page")
            assert offline.requests == 0
            return sent, again, first, by_final_url

    sent, again, first, cached = asyncio.run(go())
    assert sent == 2 and again == 2
    assert cached.text == first.text and cached.source.url == f"{base}/page"
    msg = _raises(FetchError, f"{base}/notes.txt", cache=cache, offline=True)
    assert msg == f"not in the offline cache: {base}/notes.txt"


def test_memory_cache_hands_out_copies() -> None:
    cache = MemoryFetchCache()
    doc = Document(source=Source(url="https://example.com/"), text="original")
    cache.put("https://example.com/", doc)
    doc.text = "changed by the caller"
    got = cache.get("https://example.com/")
    assert got is not None and got.text == "original"
    got.text = "changed again"
    again = cache.get("https://example.com/")
    assert again is not None and again.text == "original"
    assert cache.get("https://example.com/other") is None


def test_kind_of_fetched_pdf_on_arxiv_style_path() -> None:
    """A PDF fetched from a scholarly index is the paper itself: primary."""
    import httpx

    pdf = _pdf("Training Compute-Optimal Large Language Models. " + ARTICLE)

    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, content=pdf, headers={"Content-Type": "application/pdf"})

    async def go() -> Document:
        client = httpx.AsyncClient(transport=httpx.MockTransport(handler))
        resolver: Callable[[str], list[str]] = lambda host: ["151.101.3.42"]  # noqa: E731
        async with Reader(client=client, resolver=resolver) as reader:
            doc = await reader.fetch("https://arxiv.org/pdf/2203.15556")
        await client.aclose()
        return doc

    doc = asyncio.run(go())
    assert doc.source.kind is SourceKind.PRIMARY
    assert doc.source.url == "https://arxiv.org/pdf/2203.15556"
