"""What every HTTP search provider shares: the client, retries, error mapping, small parsers.

* Requests go through :class:`~veracity.httputil.RetryPolicy` (the one retry policy; its
  ``attempts`` count every try): a 429, a 5xx, a timeout or a network error is tried again with
  exponential back-off, waiting what ``Retry-After`` asks (up to ``max_wait``). A connection
  that cannot be made at all (refused, unreachable network, connect timeout) gets only
  ``HttpProvider.connect_attempts`` tries (two by default): it rarely heals within seconds, and
  the run's circuit breaker (:mod:`veracity.search.coverage`) takes over from there. A host
  name that does not resolve and a TLS failure (a bad certificate) are not retried at all. The
  sleep function is injectable, so tests run without real waits.
* :class:`HttpProvider` is the base class of the HTTP providers: it owns a lazily created
  :class:`httpx.AsyncClient` (or uses an injected one), sends veracity's User-Agent, and turns
  every failure into a :class:`~veracity.errors.ProviderError` whose message names the provider,
  the host and what went wrong — never a key; a connection that could not be made gives its
  subclass :class:`~veracity.errors.ProviderUnreachable`.
* Dates the APIs give go through :func:`veracity.dates.normalize_date` (the one date
  normaliser, shared with the reader): ISO dates, or ``None``; it never guesses a missing month
  or day.
"""

from __future__ import annotations

import html
import json
import logging
import re
import socket
import ssl
from collections.abc import Iterable
from typing import Any, ClassVar
from urllib.parse import urlsplit

import httpx
from pydantic import SecretStr

from veracity.errors import ConfigError, ProviderError, ProviderUnreachable
from veracity.httputil import RetryPolicy, parse_retry_after
from veracity.search.base import DeclaredProvider
from veracity.search.ratelimit import TokenBucketLimiter
from veracity.search.records import WorkRecord, works_to_results
from veracity.search.settings import SearchSettings, env_name
from veracity.types import SearchResult

log = logging.getLogger("veracity.search")

USER_AGENT = "veracity/0.1 (+https://github.com/veracity)"

# ---------------------------------------------------------------------------------------------
# retries


def search_retry(settings: SearchSettings) -> RetryPolicy:
    """The retry policy the settings ask for (``search_retries`` tries after the first)."""
    return RetryPolicy.from_retries(
        settings.search_retries, backoff=settings.search_backoff, max_wait=settings.search_max_wait
    )


class Retryable(Exception):
    """A failure worth another attempt (429, 5xx, timeout, connection error). ``unreachable``:
    no connection could be made (tried only ``HttpProvider.connect_attempts`` times)."""

    def __init__(
        self, message: str, retry_after: float | None = None, *, unreachable: bool = False,
        final: bool = False,
    ) -> None:
        super().__init__(message)
        self.retry_after = retry_after
        self.unreachable = unreachable
        self.final = final  # another attempt cannot succeed (DNS failure, TLS failure)


# ---------------------------------------------------------------------------------------------
# the base class


# no connection at all: DNS failure, refused, unreachable network, TLS handshake, proxy, or a
# URL no transport can send (these do not heal on the next attempt)
_UNREACHABLE = (httpx.ConnectError, httpx.ProxyError, httpx.UnsupportedProtocol)


def hopeless(exc: BaseException) -> bool:
    """Whether a connection failure cannot heal on the next attempt: the host name did not
    resolve (``socket.gaierror``) or the TLS handshake failed (``ssl.SSLError``)."""
    seen: BaseException | None = exc
    for _ in range(8):  # the chain httpx and httpcore build is a few links long
        if seen is None:
            return False
        if isinstance(seen, socket.gaierror | ssl.SSLError):
            return True
        seen = seen.__cause__ or seen.__context__
    return False


def reason(exc: BaseException, limit: int = 160) -> str:
    """``Type: message`` of a transport error, on one line and cut to ``limit`` characters."""
    text = " ".join(str(exc).split())
    line = f"{type(exc).__name__}: {text}" if text else type(exc).__name__
    return line if len(line) <= limit else line[: limit - 1] + "…"


def where(url: str | httpx.URL) -> str:
    """``host/path`` of a URL, without the query string (it holds the user's search terms)."""
    parts = urlsplit(str(url))
    return f"{parts.netloc}{parts.path}"


class HttpProvider(DeclaredProvider):
    """Base class of the HTTP providers.

    Subclasses declare themselves (:class:`~veracity.search.base.DeclaredProvider`: ``name``,
    ``kind``…), implement ``search`` and call :meth:`get_json`, :meth:`post_json` or
    :meth:`get_text`. The client is created on first use unless one was injected; an injected
    client is never closed here.

    ``url_setting`` names the :class:`SearchSettings` field with the API's URL: ``base_url``
    is the ``base_url`` argument, else that field, without a trailing slash (``""`` when
    neither is set; :class:`~veracity.errors.ConfigError` then when ``url_required``).
    ``key_setting`` names the field with the API key: without a key the constructor raises
    :class:`~veracity.errors.ConfigError` (unless ``key_optional``); the key is ``_key``.
    ``interval_setting`` names the field with the seconds to keep between two requests.
    """

    name: str = "http"
    connect_attempts: int = 2
    """Tries in all when no connection could be made (at most the policy's ``attempts``)."""
    interval_setting: ClassVar[str | None] = None

    def __init__(
        self,
        settings: SearchSettings | None = None,
        *,
        client: httpx.AsyncClient | None = None,
        retry: RetryPolicy | None = None,
        base_url: str | None = None,
    ) -> None:
        self.settings = settings if settings is not None else SearchSettings()
        self._key = self._required_key(self.key_setting) if self.key_setting else ""
        default_url = getattr(self.settings, self.url_setting) if self.url_setting else None
        self.base_url: str = (base_url or default_url or "").rstrip("/")
        if self.url_required and not self.base_url.strip():
            raise ConfigError(
                f"{self.name} needs the URL of an instance: set {env_name(self.url_setting or '')}"
            )
        self.retry = retry if retry is not None else search_retry(self.settings)
        self._client = client
        self._owns_client = client is None
        # seconds between two requests of this provider (the API's own politeness rule), kept
        # by the same token bucket that spaces a batch's requests (burst 1: one per interval)
        self.min_interval: float = (
            getattr(self.settings, self.interval_setting) if self.interval_setting else 0.0
        )
        self._spacing = (
            TokenBucketLimiter({self.name: 1 / self.min_interval}, sleep=self.retry.sleep)
            if self.min_interval > 0
            else None
        )

    # -- client ---------------------------------------------------------------------------

    @property
    def user_agent(self) -> str:
        return USER_AGENT

    def client(self) -> httpx.AsyncClient:
        if self._client is None:
            self._client = httpx.AsyncClient(
                headers={"User-Agent": self.user_agent},
                timeout=httpx.Timeout(self.settings.search_timeout),
                follow_redirects=True,
            )
            self._owns_client = True
        return self._client

    async def aclose(self) -> None:
        """Close the client if this provider created it."""
        if self._client is not None and self._owns_client:
            await self._client.aclose()
            self._client = None

    async def __aenter__(self) -> HttpProvider:
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.aclose()

    async def throttle(self) -> None:
        """Wait for this provider's next request slot when it asks for spaced requests.

        The slot is reserved before waiting, so concurrent searches queue up in order."""
        if self._spacing is not None:
            await self._spacing.acquire(self.name)

    # -- errors ---------------------------------------------------------------------------

    def secrets(self) -> Iterable[str]:
        """Values that must never appear in an error message: every key in the settings
        (each :class:`~pydantic.SecretStr` field, whichever provider it belongs to)."""
        for field_name in type(self.settings).model_fields:
            value = getattr(self.settings, field_name, None)
            if isinstance(value, SecretStr):
                secret = value.get_secret_value()
                if secret:
                    yield secret

    def _required_key(self, setting: str) -> str:
        """The secret in the settings field ``setting``; :class:`ConfigError` when unset
        (``""`` when the key is optional)."""
        key = getattr(self.settings, setting)
        if not isinstance(key, SecretStr) or not key.get_secret_value():
            if self.key_optional:
                return ""
            raise ConfigError(f"{self.name} needs an API key: set {env_name(setting)}")
        return key.get_secret_value()

    def mask(self, text: str) -> str:
        """``text`` with every configured secret replaced by ``***``."""
        for secret in self.secrets():
            text = text.replace(secret, "***")
        return text

    def error(self, message: str) -> ProviderError:
        return ProviderError(self.mask(f"{self.name}: {message}"))

    def unreachable(self, message: str) -> ProviderUnreachable:
        """The error of a provider whose host could not be reached."""
        return ProviderUnreachable(self.mask(f"{self.name}: {message}"))

    def error_detail(self, response: httpx.Response) -> str:
        """A short reason from an error response: the API's own message when it has one.
        Secrets are masked before the message is cut, so no part of a key survives the cut."""
        try:
            body = response.json()
        except ValueError:
            text = clean_text(strip_html(_SCRIPT.sub(" ", response.text)))
            return self.mask(text)[:200]
        return self.mask(json_error_message(body))[:300]

    # -- requests -------------------------------------------------------------------------

    async def request(
        self,
        method: str,
        url: str,
        *,
        params: dict[str, Any] | None = None,
        headers: dict[str, str] | None = None,
        json_body: Any = None,
        ok_statuses: tuple[int, ...] = (),
    ) -> httpx.Response:
        """Send one request with retries; return a 2xx response (or one in ``ok_statuses``)."""
        client = self.client()
        merged = {"User-Agent": self.user_agent, **(headers or {})}
        place = where(url)
        attempts = 0

        async def attempt() -> httpx.Response:
            nonlocal attempts
            await self.throttle()
            attempts += 1
            try:
                response = await client.request(
                    method, url, params=params, headers=merged, json=json_body
                )
            except httpx.ConnectTimeout as exc:
                raise Retryable("could not connect (timed out)", unreachable=True) from exc
            except httpx.TimeoutException as exc:
                raise Retryable(f"timed out ({type(exc).__name__})") from exc
            except _UNREACHABLE as exc:
                raise Retryable(
                    f"could not connect ({reason(exc)})", unreachable=True, final=hopeless(exc)
                ) from exc
            except httpx.TransportError as exc:
                raise Retryable(f"network error ({type(exc).__name__})") from exc
            if response.status_code == 429 or response.status_code >= 500:
                log.debug("%s: HTTP %s from %s", self.name, response.status_code, place)
                raise Retryable(
                    f"HTTP {response.status_code}",
                    parse_retry_after(response.headers.get("Retry-After")),
                )
            return response

        def worth_retrying(exc: BaseException, attempt_number: int) -> bool:
            if not isinstance(exc, Retryable) or exc.final:
                return False
            return not exc.unreachable or attempt_number < self.connect_attempts

        def asked_wait(exc: BaseException) -> float | None:
            return exc.retry_after if isinstance(exc, Retryable) else None

        try:
            response = await self.retry.call(attempt, retry_if=worth_retrying, retry_after=asked_wait)
        except Retryable as exc:
            message = f"{exc} from {place} after {attempts} attempt(s)"
            raise (self.unreachable(message) if exc.unreachable else self.error(message)) from exc
        if response.is_success or response.status_code in ok_statuses:
            return response
        raise self.error(
            f"HTTP {response.status_code} from {place}: {self.error_detail(response)}".rstrip(": ")
        )

    def parse_json(self, response: httpx.Response) -> Any:
        try:
            return response.json()
        except ValueError as exc:
            raise self.error(f"malformed JSON from {where(response.request.url)}") from exc

    async def get_json(
        self,
        url: str,
        *,
        params: dict[str, Any] | None = None,
        headers: dict[str, str] | None = None,
        ok_statuses: tuple[int, ...] = (),
    ) -> dict[str, Any]:
        """GET a JSON object; :class:`ProviderError` for anything else."""
        response = await self.request(
            "GET", url, params=params, headers=headers, ok_statuses=ok_statuses
        )
        return self.expect_object(self.parse_json(response), response)

    async def post_json(
        self, url: str, body: Any, *, headers: dict[str, str] | None = None
    ) -> dict[str, Any]:
        """POST a JSON body, return the JSON object answered."""
        response = await self.request("POST", url, json_body=body, headers=headers)
        return self.expect_object(self.parse_json(response), response)

    async def get_text(
        self,
        url: str,
        *,
        params: dict[str, Any] | None = None,
        ok_statuses: tuple[int, ...] = (),
    ) -> httpx.Response:
        return await self.request("GET", url, params=params, ok_statuses=ok_statuses)

    def expect_object(self, data: Any, response: httpx.Response) -> dict[str, Any]:
        if not isinstance(data, dict):
            raise self.error(
                f"unexpected JSON from {where(response.request.url)}: "
                f"an object was expected, got {type(data).__name__}"
            )
        return data

    def malformed(self, what: str) -> ProviderError:
        return self.error(f"malformed response: {what}")

    def objects_at(self, data: dict[str, Any], key: str) -> list[dict[str, Any]]:
        """The JSON objects in the list ``data[key]``: none when the key is absent or null,
        :meth:`malformed` when it holds something other than a list."""
        items = data.get(key)
        if items is None:
            return []
        if not isinstance(items, list):
            raise self.malformed(f"'{key}' is not a list")
        return [item for item in items if isinstance(item, dict)]


def json_error_message(body: Any) -> str:
    """The human part of a JSON error body, whatever shape the API uses."""
    if isinstance(body, dict):
        for key in ("error", "message", "detail", "info", "errors"):
            value = body.get(key)
            if isinstance(value, str) and value:
                return value
            if isinstance(value, dict):
                inner = json_error_message(value)
                if inner:
                    return inner
            if isinstance(value, list) and value:
                inner = json_error_message(value[0])
                if inner:
                    return inner
        return ""
    if isinstance(body, str):
        return body
    return json.dumps(body)[:200]


# ---------------------------------------------------------------------------------------------
# result helpers


def finish(results: Iterable[SearchResult], limit: int) -> list[SearchResult]:
    """Drop hits without a URL and repeated URLs, keep ``limit``, number them 1..n."""
    out: list[SearchResult] = []
    seen: set[str] = set()
    for result in results:
        if not result.url or result.url in seen:
            continue
        seen.add(result.url)
        out.append(result)
        if len(out) >= limit:
            break
    for rank, result in enumerate(out, start=1):
        result.rank = rank
    return out


def blank(query: str) -> bool:
    return not query or not query.strip()


# ---------------------------------------------------------------------------------------------
# text and date helpers

_TAG = re.compile(r"<[^>]+>")
_SCRIPT = re.compile(r"<(script|style)\b.*?</\1\s*>", re.IGNORECASE | re.DOTALL)
_BLOCK_TAG = re.compile(
    r"</?(?:[a-z]+:)?(?:p|br|div|sec|title|li|ul|ol|h[1-6]|tr|td|th|table|abstract)\b[^>]*>",
    re.IGNORECASE,
)
_WS = re.compile(r"\s+")


def strip_html(text: str | None) -> str:
    """Tags removed, entities decoded (search snippets carry ``<b>``/``<span>`` markup; Crossref
    abstracts carry JATS). Block tags become a space, inline tags vanish."""
    if not text:
        return ""
    return html.unescape(_TAG.sub("", _BLOCK_TAG.sub(" ", text)))


def clean_text(text: str | None) -> str:
    """Whitespace collapsed to single spaces."""
    if not text:
        return ""
    return _WS.sub(" ", text).strip()


def snippet_text(text: str | None) -> str:
    return clean_text(strip_html(text))


def as_int(value: Any) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, str) and value.strip().isdigit():
        return int(value.strip())
    return None


def as_float(value: Any) -> float | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int | float):
        return float(value)
    if isinstance(value, str):
        try:
            return float(value)
        except ValueError:
            return None
    return None


def as_list(value: Any) -> list[Any]:
    """APIs that give one item as an object and several as a list (DBLP) → always a list."""
    if value is None:
        return []
    if isinstance(value, list):
        return value
    return [value]


def first_str(value: Any) -> str | None:
    """The first non-empty string of a string or a list of strings (Crossref titles)."""
    for item in as_list(value):
        if isinstance(item, str) and item.strip():
            return clean_text(item)
    return None


def clamp_limit(limit: int, maximum: int) -> int:
    return max(0, min(int(limit), maximum))


_LANG = re.compile(r"^([a-z]{2,3})(?:[-_][a-z0-9]{2,8})*$", re.IGNORECASE)


def lang_code(lang: str | None) -> str | None:
    """The primary language subtag of ``lang`` (``zh-CN`` → ``zh``); ``None`` for ``other``,
    empty or malformed values."""
    if not lang:
        return None
    m = _LANG.match(lang.strip())
    if not m or lang.strip().lower() == "other":
        return None
    return m.group(1).lower()


# ---------------------------------------------------------------------------------------------
# scholarly providers


class ScholarlyProvider(HttpProvider):
    """A provider whose hits are works: ``search`` is derived from ``works``.

    ``polite`` providers send :meth:`polite_user_agent` (the contact address) on every request.
    """

    polite: bool = False

    @property
    def user_agent(self) -> str:
        return self.polite_user_agent() if self.polite else USER_AGENT

    async def works(self, query: str, *, limit: int = 10) -> list[WorkRecord]:
        raise NotImplementedError

    async def search(
        self, query: str, *, limit: int = 10, lang: str | None = None
    ) -> list[SearchResult]:
        """Works as search hits (scholarly indexes are searched the same in every language)."""
        if blank(query) or limit <= 0:
            return []
        return finish(works_to_results(await self.works(query, limit=limit)), limit)

    def polite_user_agent(self) -> str:
        """veracity's User-Agent with the contact address, for OpenAlex/Crossref's polite pool."""
        email = self.settings.contact_email
        return f"{USER_AGENT[:-1]}; mailto:{email})" if email else USER_AGENT


def as_dict(value: Any) -> dict[str, Any]:
    """``value`` when it is a JSON object, else an empty one."""
    return value if isinstance(value, dict) else {}
