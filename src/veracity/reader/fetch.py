"""URL → :class:`~veracity.types.Document`: the reader's network side.

:class:`Reader` fetches one URL at a time with httpx and hands the body to the pure parsers
(:func:`veracity.reader.html.parse_html`, :func:`veracity.reader.pdf.parse_pdf`). What it
adds around them:

* **SSRF guard.** Redirects are followed by hand, and every hop goes through
  :meth:`URLPolicy.check <veracity.reader.safety.URLPolicy.check>` *before* a request is sent.
  The reader's own client also checks at connect time and connects to the very address it
  checked, so a name cannot resolve to a public address for the check and to a private one
  for the connection (DNS rebinding). A caller-supplied client gets the per-hop check only.
* **Size cap.** The body is streamed (and decompressed: gzip/deflate via httpx) and reading
  stops at ``max_bytes``. An HTML or plain-text page over the cap keeps its first
  ``max_bytes`` bytes, cut at a line end, and is parsed from that prefix (the content hash is
  then the hash of the prefix). A PDF over the cap is refused: a cut PDF cannot be read.
* **Content sniffing.** ``%PDF-`` in the first KiB makes a PDF whatever the Content-Type
  says; images, audio, video, fonts, archives and other binaries are refused; HTML is told
  from plain text by type and markup. The charset comes from the Content-Type header, then
  the BOM / ``<meta charset>`` / charset-normalizer (in :func:`decode_html`).
* **Retries.** 408, 429, 500, 502, 503, 504, timeouts and dropped connections are tried
  again under the reader's :class:`~veracity.httputil.RetryPolicy` (exponential backoff,
  ``Retry-After`` honoured up to its ``max_wait``); ``attempts`` is the number of tries in all.
* **Politeness.** At most ``per_host`` requests run at once against one host.
* **Cache.** A :class:`FetchCache` is consulted first; ``offline=True`` serves from it alone.
  The SSRF guard runs *before* the cache is looked at (:meth:`Reader.guard`): a page cached
  while its host was allow-listed is refused, with the error an uncached fetch would give,
  once the host no longer is.

Every failure is a :class:`~veracity.errors.FetchError` whose message starts with
``GET <url>:`` (or a :class:`~veracity.errors.BlockedURL` from the guard).
"""

from __future__ import annotations

import asyncio
import codecs
import hashlib
import logging
import os
import ssl
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from types import TracebackType
from typing import Any, Literal, Protocol, Self, runtime_checkable
from urllib.parse import urljoin, urlsplit

import httpcore
import httpx

from veracity.errors import BlockedURL, FetchError, MalformedPDF, VeracityError
from veracity.evidence.authority import classify, owner
from veracity.httputil import RetryPolicy, parse_retry_after
from veracity.reader.html import decode_html, parse_html
from veracity.reader.pdf import parse_pdf
from veracity.reader.safety import Resolver, URLPolicy
from veracity.text import detect_language
from veracity.types import Document, Source

__all__ = ["DEFAULT_USER_AGENT", "FetchCache", "MemoryFetchCache", "Reader", "guard_url"]

log = logging.getLogger(__name__)

DEFAULT_USER_AGENT = "veracity/0.1 (fact-checking reader; +https://pypi.org/project/veracity/)"
_ACCEPT = "text/html,application/xhtml+xml,application/pdf;q=0.9,text/plain;q=0.8,*/*;q=0.1"

_REDIRECTS = {301, 302, 303, 307, 308}
_TRANSIENT = {408, 429, 500, 502, 503, 504}
_SNIFF_BYTES = 1024

ContentKind = Literal["pdf", "html", "text"]

_PDF_TYPES = {"application/pdf", "application/x-pdf", "application/acrobat"}
_HTML_TYPES = {"text/html", "application/xhtml+xml"}
_BINARY_PREFIXES = ("image/", "audio/", "video/", "font/", "model/")
_BINARY_TYPES = {
    "application/zip", "application/gzip", "application/x-gzip", "application/x-tar",
    "application/x-7z-compressed", "application/vnd.rar", "application/x-rar-compressed",
    "application/msword", "application/vnd.ms-excel", "application/vnd.ms-powerpoint",
    "application/x-msdownload", "application/x-executable", "application/wasm",
    "application/java-archive", "application/x-shockwave-flash", "application/ogg",
}
_MAGIC: tuple[tuple[bytes, str], ...] = (
    (b"\x89PNG", "PNG image"), (b"\xff\xd8\xff", "JPEG image"), (b"GIF8", "GIF image"),
    (b"RIFF", "RIFF media"), (b"PK\x03\x04", "ZIP archive / office file"),
    (b"\x1f\x8b", "gzip archive"), (b"7z\xbc\xaf", "7z archive"), (b"Rar!", "RAR archive"),
    (b"\x7fELF", "executable"), (b"OggS", "Ogg media"),
    (b"ID3", "MP3 audio"), (b"fLaC", "FLAC audio"), (b"\x1a\x45\xdf\xa3", "Matroska video"),
    (b"wOFF", "web font"), (b"wOF2", "web font"), (b"%!PS", "PostScript"),
    (b"\xd0\xcf\x11\xe0", "old office file"),
)
_HTML_MARKERS = (b"<!doctype html", b"<html", b"<head", b"<body", b"<meta", b"<title")
_BOMS = (codecs.BOM_UTF8, codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)
# What browsers do with these Content-Type labels.
_CHARSET_ALIASES = {
    "iso-8859-1": "cp1252", "latin1": "cp1252", "latin-1": "cp1252", "us-ascii": "cp1252",
    "ascii": "cp1252", "gb2312": "gb18030", "gbk": "gb18030", "x-gbk": "gb18030",
}


# --- the cache --------------------------------------------------------------------------------


@runtime_checkable
class FetchCache(Protocol):
    """Where fetched documents are kept, by URL (the requested one and the final one)."""

    def get(self, url: str) -> Document | None: ...

    def put(self, url: str, doc: Document) -> None: ...


class MemoryFetchCache:
    """A :class:`FetchCache` in a dict; hands out copies so callers cannot change entries."""

    def __init__(self, docs: dict[str, Document] | None = None) -> None:
        self._docs: dict[str, Document] = dict(docs or {})

    def get(self, url: str) -> Document | None:
        doc = self._docs.get(url)
        return doc.model_copy(deep=True) if doc is not None else None

    def put(self, url: str, doc: Document) -> None:
        self._docs[url] = doc.model_copy(deep=True)

    def __contains__(self, url: object) -> bool:
        return url in self._docs

    def __len__(self) -> int:
        return len(self._docs)


# --- the guarded connection -------------------------------------------------------------------


class _GuardedBackend(httpcore.AsyncNetworkBackend):
    """Resolves and checks the host itself, then connects to an address it has checked."""

    def __init__(self, policy: URLPolicy) -> None:
        self._policy = policy
        self._inner = httpcore.AnyIOBackend()

    async def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: Iterable[Any] | None = None,
    ) -> httpcore.AsyncNetworkStream:
        addresses = await self._policy.addresses(host, port)
        error: Exception | None = None
        for address in addresses:
            try:
                return await self._inner.connect_tcp(
                    address, port, timeout=timeout, local_address=local_address,
                    socket_options=socket_options,
                )
            except (httpcore.ConnectError, httpcore.ConnectTimeout) as err:
                error = err
        raise error or httpcore.ConnectError(f"no address to connect to for {host}")

    async def connect_unix_socket(
        self, path: str, timeout: float | None = None, socket_options: Iterable[Any] | None = None
    ) -> httpcore.AsyncNetworkStream:
        raise BlockedURL("unix sockets are not allowed")

    async def sleep(self, seconds: float) -> None:
        await self._inner.sleep(seconds)


def reader_ssl_context() -> ssl.SSLContext:
    """The TLS context pages are read with: the CA bundle named by ``VERACITY_CA_BUNDLE`` when
    set, else the system's, honouring ``SSL_CERT_FILE`` / ``SSL_CERT_DIR`` as the search clients
    do (behind a company CA or a TLS-inspecting proxy, reads and searches trust the same CAs)."""
    bundle = os.environ.get("VERACITY_CA_BUNDLE")
    if bundle:
        return ssl.create_default_context(cafile=bundle)
    return httpx.create_ssl_context(trust_env=True)


def _guarded_transport(policy: URLPolicy) -> httpx.AsyncHTTPTransport:
    """An httpx transport whose connections pass through :class:`_GuardedBackend`.

    httpx has no public hook for the network backend, so the transport's connection pool is
    replaced by one built with the same defaults. Environment proxies are not used: a proxy
    would resolve names itself and defeat the check."""
    transport = httpx.AsyncHTTPTransport(trust_env=False)
    limits = httpx.Limits(max_connections=100, max_keepalive_connections=20)
    transport._pool = httpcore.AsyncConnectionPool(
        ssl_context=reader_ssl_context(),
        max_connections=limits.max_connections,
        max_keepalive_connections=limits.max_keepalive_connections,
        keepalive_expiry=limits.keepalive_expiry,
        http1=True,
        http2=False,
        network_backend=_GuardedBackend(policy),
    )
    return transport


# --- helpers ----------------------------------------------------------------------------------


class _Transient(Exception):
    """A failure worth another try."""

    def __init__(self, reason: str, retry_after: float | None = None) -> None:
        super().__init__(reason)
        self.reason = reason
        self.retry_after = retry_after


@dataclass
class _Redirect:
    location: str


@dataclass
class _Body:
    data: bytes
    kind: ContentKind
    charset: str | None
    truncated: bool


def _content_type(headers: httpx.Headers) -> tuple[str, str | None]:
    """The MIME type (lower case, no parameters) and the declared charset, if any."""
    raw = headers.get("content-type", "")
    mime, *params = (p.strip() for p in raw.split(";"))
    charset = None
    for p in params:
        key, _, val = p.partition("=")
        if key.strip().lower() == "charset" and val.strip().strip("\"'"):
            charset = val.strip().strip("\"'").lower()
    return mime.lower(), charset


def _sniff(mime: str, head: bytes, url: str) -> ContentKind:
    """Decide how to read a body from its first bytes and its Content-Type; raise
    :class:`FetchError` for images, media and other binaries."""
    if b"%PDF-" in head[:_SNIFF_BYTES]:
        return "pdf"
    for magic, what in _MAGIC:
        if head.startswith(magic):
            raise FetchError(f"GET {url}: not a text document ({what})")
    if mime in _PDF_TYPES:
        return "pdf"  # no PDF header: parse_pdf will say it is malformed
    if mime.startswith(_BINARY_PREFIXES) or mime in _BINARY_TYPES:
        raise FetchError(f"GET {url}: unsupported content type {mime}")
    if mime in _HTML_TYPES:
        return "html"
    lowered = head.lstrip()[:512].lower()
    if lowered.startswith(codecs.BOM_UTF8):
        lowered = lowered[len(codecs.BOM_UTF8) :].lstrip()
    if mime in ("", "application/octet-stream", "text/plain") and lowered.startswith(
        (b"<!doctype html", b"<html")
    ):
        return "html"
    if mime in ("", "application/octet-stream") and any(m in lowered for m in _HTML_MARKERS):
        return "html"
    if b"\x00" in head and not head.startswith(_BOMS[1:]):
        raise FetchError(f"GET {url}: not a text document (binary data)")
    return "text"


def _cut_at_line_end(data: bytes) -> bytes:
    """Drop a partial last line (and with it any half multi-byte character) from a prefix."""
    for sep in (b"\n", b">"):
        cut = data.rfind(sep)
        if cut > len(data) // 2:
            return data[: cut + 1]
    return data


def _decode_declared(data: bytes, charset: str | None) -> str | None:
    """Decode with the Content-Type charset; None when it is absent, unknown or wrong."""
    if not charset or data.startswith(_BOMS):
        return None
    label = _CHARSET_ALIASES.get(charset, charset)
    try:
        return data.decode(label)
    except (LookupError, UnicodeDecodeError):
        return None


def _with_url(err: FetchError, url: str) -> FetchError:
    """The same kind of error with its message prefixed by ``GET <url>:``."""
    return type(err)(f"GET {url}: {err}")


async def guard_url(policy: URLPolicy, url: str) -> None:
    """The SSRF guard's verdict on ``url`` before a cached copy of it is used.

    Raises :class:`BlockedURL` (``GET <url>: …``, the message an uncached fetch of ``url``
    gives) for a URL the guard refuses: a non-http(s) scheme, credentials, or a host that is,
    or resolves to, a non-public address not on ``policy``'s allow-list. A host that cannot be
    resolved is not refused here: no non-public address was found, and the page was fetched
    through the guard when it was cached (an offline replay may have no DNS at all); a fetch
    that goes to the network reports the resolution failure itself."""
    try:
        await policy.check(url)
    except BlockedURL as err:
        raise _with_url(err, url) from err
    except FetchError:
        return


def _trusted_url(claimed: str | None, fetched: str) -> str:
    """The page's canonical URL when it belongs to the owner of the URL actually fetched; the
    fetched URL otherwise, so a page cannot pass itself off as another site's."""
    if not claimed or claimed == fetched:
        return fetched
    if urlsplit(claimed).scheme in ("http", "https") and owner(claimed) == owner(fetched):
        return claimed
    return fetched


# --- the reader -------------------------------------------------------------------------------


class Reader:
    """Fetches URLs into :class:`Document` objects; use as ``async with Reader() as r``.

    ``attempts`` is the number of tries in all (1 = no retry), with a 1 s backoff that doubles
    up to 30 s; ``retry`` replaces that whole policy (and its ``sleep``, for tests).
    ``allow`` is the SSRF
    allow-list (see :mod:`veracity.reader.safety`); ``resolver`` replaces DNS for tests.
    ``requests`` counts the HTTP requests sent (redirect hops and retries included).
    Concurrent fetches of one URL share a single download. A reader belongs to the event
    loop it is first used in.
    """

    def __init__(
        self,
        *,
        client: httpx.AsyncClient | None = None,
        timeout: float = 20,
        max_bytes: int = 15_000_000,
        max_redirects: int = 5,
        per_host: int = 2,
        attempts: int = 3,
        retry: RetryPolicy | None = None,
        allow: Sequence[str] = (),
        cache: FetchCache | None = None,
        offline: bool = False,
        resolver: Resolver | None = None,
        user_agent: str = DEFAULT_USER_AGENT,
    ) -> None:
        if max_bytes < 1 or per_host < 1 or attempts < 1 or max_redirects < 0 or timeout <= 0:
            raise ValueError("max_bytes, per_host, attempts and timeout must be positive")
        self.timeout = timeout
        self.max_bytes = max_bytes
        self.max_redirects = max_redirects
        self.per_host = per_host
        self.retry = retry if retry is not None else RetryPolicy(attempts=attempts)
        self.cache = cache
        self.offline = offline
        self.policy = URLPolicy(allow, resolver=resolver)
        self.requests = 0
        self._headers = {"User-Agent": user_agent, "Accept": _ACCEPT}
        self._own_client = client is None
        self._client = client
        self._semaphores: dict[str, asyncio.Semaphore] = {}
        self._inflight: dict[str, asyncio.Future[Document]] = {}

    # -- lifecycle ----------------------------------------------------------------------------

    def _get_client(self) -> httpx.AsyncClient:
        if self._client is None:
            self._client = httpx.AsyncClient(
                transport=_guarded_transport(self.policy),
                timeout=httpx.Timeout(self.timeout),
                follow_redirects=False,
                trust_env=False,
            )
        return self._client

    async def aclose(self) -> None:
        """Close the HTTP client if the reader created it."""
        if self._own_client and self._client is not None:
            await self._client.aclose()
            self._client = None

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.aclose()

    # -- fetching -----------------------------------------------------------------------------

    async def fetch(self, url: str) -> Document:
        """Fetch ``url`` and parse it into a :class:`Document`.

        ``source.url`` is the page's canonical URL when it belongs to the same owner as the
        final URL after redirects, else that final URL; ``provider`` is ``"web"``,
        ``content_hash`` the SHA-256 of the body bytes, ``kind`` from
        :func:`veracity.evidence.authority.classify`. Raises :class:`FetchError`
        (:class:`BlockedURL` for the SSRF guard)."""
        url = url.strip()
        if self.cache is not None or self.offline:
            await self.guard(url)  # before the cache: a cached page is no way round the guard
        if self.cache is not None and (cached := self.cache.get(url)) is not None:
            return cached
        if self.offline:
            raise FetchError(f"not in the offline cache: {url}")
        # Callers asking for a URL that is already being fetched wait for that fetch.
        task = self._inflight.get(url)
        if task is None:
            task = asyncio.ensure_future(self._fetch_network(url))
            self._inflight[url] = task
            task.add_done_callback(lambda t: self._finished(url, t))
        doc = await asyncio.shield(task)
        return doc.model_copy(deep=True)

    async def guard(self, url: str) -> None:
        """Raise :class:`BlockedURL` unless this reader's SSRF guard lets ``url`` through; see
        :func:`guard_url`. Checked before any cache lookup, here and by callers that keep
        their own cache of this reader's pages."""
        await guard_url(self.policy, url.strip())

    def _finished(self, url: str, task: asyncio.Future[Document]) -> None:
        self._inflight.pop(url, None)
        if not task.cancelled():
            task.exception()  # retrieved here, so an error nobody awaited is not reported

    async def _fetch_network(self, url: str) -> Document:
        final, body = await self._download(url)
        doc = self._document(final, body)
        if self.cache is not None:
            self.cache.put(url, doc)
            if final != url:
                self.cache.put(final, doc)
        return doc

    async def _download(self, url: str) -> tuple[str, _Body]:
        current = url
        for _ in range(self.max_redirects + 1):
            try:
                await self.policy.check(current)  # every hop, before any byte is sent
            except FetchError as err:  # the guard's messages do not name the URL
                raise _with_url(err, current) from err
            result = await self._get_with_retries(current)
            if isinstance(result, _Body):
                return current, result
            current = result.location
        raise FetchError(f"GET {url}: too many redirects (more than {self.max_redirects})")

    async def _get_with_retries(self, url: str) -> _Body | _Redirect:
        def transient(exc: BaseException, attempt_number: int) -> bool:
            return isinstance(exc, _Transient)

        def asked_wait(exc: BaseException) -> float | None:
            return exc.retry_after if isinstance(exc, _Transient) else None

        try:
            return await self.retry.call(
                lambda: self._get_once(url), retry_if=transient, retry_after=asked_wait
            )
        except _Transient as err:
            n = self.retry.attempts
            tries = "1 try" if n == 1 else f"{n} tries"
            raise FetchError(f"GET {url}: {err.reason} (after {tries})") from err

    def _semaphore(self, url: str) -> asyncio.Semaphore:
        host = (urlsplit(url).hostname or "").lower()
        sem = self._semaphores.get(host)
        if sem is None:
            sem = self._semaphores[host] = asyncio.Semaphore(self.per_host)
        return sem

    async def _get_once(self, url: str) -> _Body | _Redirect:
        client = self._get_client()
        async with self._semaphore(url):
            self.requests += 1
            try:
                async with asyncio.timeout(self.timeout):
                    async with client.stream(
                        "GET", url, headers=self._headers, follow_redirects=False
                    ) as resp:
                        return await self._read(url, resp)
            except TimeoutError as err:
                raise _Transient(f"timed out after {self.timeout:g} s") from err
            except httpx.TimeoutException as err:
                raise _Transient(f"timed out after {self.timeout:g} s") from err
            except (httpx.NetworkError, httpx.RemoteProtocolError) as err:
                raise _Transient(f"connection failed: {err or type(err).__name__}") from err
            except httpx.DecodingError as err:
                raise FetchError(f"GET {url}: cannot decompress the body: {err}") from err
            except FetchError as err:
                if str(err).startswith("GET "):
                    raise
                raise _with_url(err, url) from err  # from the connect-time guard
            except httpx.HTTPError as err:
                raise FetchError(f"GET {url}: {err or type(err).__name__}") from err

    async def _read(self, url: str, resp: httpx.Response) -> _Body | _Redirect:
        status = resp.status_code
        if status in _REDIRECTS:
            location = resp.headers.get("location", "").strip()
            if not location:
                raise FetchError(f"GET {url}: HTTP {status} without a Location header")
            return _Redirect(urljoin(url, location).split("#", 1)[0])
        if status in _TRANSIENT:
            raise _Transient(f"HTTP {status}", parse_retry_after(resp.headers.get("retry-after")))
        if not 200 <= status < 300:
            raise FetchError(f"GET {url}: HTTP {status}")
        mime, charset = _content_type(resp.headers)
        length = resp.headers.get("content-length", "")
        if (
            mime in _PDF_TYPES
            and length.isdigit()
            and int(length) > self.max_bytes
            and "content-encoding" not in resp.headers
        ):
            raise FetchError(f"GET {url}: PDF larger than {self.max_bytes} bytes")
        if mime.startswith(_BINARY_PREFIXES) or mime in _BINARY_TYPES:
            raise FetchError(f"GET {url}: unsupported content type {mime}")

        chunks: list[bytes] = []
        size = 0
        kind: ContentKind | None = None
        truncated = False
        async for chunk in resp.aiter_bytes():
            chunks.append(chunk)
            size += len(chunk)
            if kind is None and size >= _SNIFF_BYTES:
                kind = _sniff(mime, b"".join(chunks)[:_SNIFF_BYTES], url)
            if size > self.max_bytes:
                truncated = True
                break
        data = b"".join(chunks)
        if kind is None:
            kind = _sniff(mime, data[:_SNIFF_BYTES], url)
        if truncated:
            if kind == "pdf":
                raise FetchError(f"GET {url}: PDF larger than {self.max_bytes} bytes")
            log.info("GET %s: page larger than %d bytes, keeping the first part", url, size)
            data = _cut_at_line_end(data[: self.max_bytes])
        if not data.strip():
            raise FetchError(f"GET {url}: empty response")
        return _Body(data, kind, charset, truncated)

    # -- parsing ------------------------------------------------------------------------------

    def _document(self, url: str, body: _Body) -> Document:
        try:
            if body.kind == "pdf":
                doc = parse_pdf(body.data, url=url)
                doc.source.url = url  # the address fetched, not one printed in the PDF
            elif body.kind == "html":
                decoded = _decode_declared(body.data, body.charset)
                doc = parse_html(decoded if decoded is not None else body.data, url=url)
                doc.source.url = _trusted_url(doc.source.url, url)
            else:
                text = _decode_declared(body.data, body.charset) or decode_html(body.data)
                text = text.lstrip("\ufeff")
                doc = Document(source=Source(url=url, language=detect_language(text)), text=text)
        except MalformedPDF as err:
            raise FetchError(f"GET {url}: {err}") from err
        except FetchError:
            raise
        except VeracityError as err:
            raise FetchError(f"GET {url}: {err}") from err
        if not doc.text.strip():
            raise FetchError(f"GET {url}: no readable text in the {body.kind.upper()} page")
        doc.source.provider = "web"
        doc.source.content_hash = hashlib.sha256(body.data).hexdigest()
        doc.source.kind = classify(
            doc.source.url, title=doc.source.title, provider="web", pdf=body.kind == "pdf"
        )
        return doc
