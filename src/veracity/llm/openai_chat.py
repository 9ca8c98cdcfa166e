"""A :class:`~veracity.llm.client.ChatBackend` for any OpenAI-compatible chat endpoint
(OpenAI, DeepSeek, vLLM, llama.cpp's server, Ollama, LM Studio…), over the ``openai`` SDK.

The SDK's own retries are switched off: retrying, format fallback and accounting belong to
:class:`~veracity.llm.client.LLMClient`. Every failure comes out as one
:class:`~veracity.errors.LLMRequestError` carrying the HTTP status, the server's Retry-After
and whether trying again may help.
"""

from __future__ import annotations

import asyncio
from typing import Any
from urllib.parse import urlsplit, urlunsplit

from veracity.errors import ConfigError, LLMRequestError
from veracity.httputil import parse_retry_after
from veracity.llm.base import ChatResult, Message, ResponseMode

TRANSIENT_STATUSES = frozenset({408, 409, 429})


def is_transient_status(status: int) -> bool:
    """Statuses worth retrying: timeouts, conflicts, rate limits and server errors."""
    return status in TRANSIENT_STATUSES or status >= 500


def public_endpoint(base_url: str) -> str:
    """``base_url`` without user info, query or fragment: safe to show in messages and logs."""
    try:
        parts = urlsplit(base_url)
    except ValueError:
        return "the LLM endpoint"
    host = parts.hostname or ""
    if parts.port is not None:
        host = f"{host}:{parts.port}"
    return urlunsplit((parts.scheme, host, parts.path, "", "")) or "the LLM endpoint"


def response_format(mode: ResponseMode, schema: dict[str, Any] | None, schema_name: str) -> dict[str, Any] | None:
    """The ``response_format`` request field for ``mode`` (None: send none)."""
    if mode == "json_schema":
        return {
            "type": "json_schema",
            "json_schema": {"name": schema_name, "schema": schema or {}, "strict": False},
        }
    if mode == "json_object":
        return {"type": "json_object"}
    return None


def _server_message(err: Any) -> str:
    """The error text a server put in its body (OpenAI style or plain), kept short."""
    body = getattr(err, "body", None)
    text: Any = None
    if isinstance(body, dict):
        inner = body.get("error", body)
        text = inner.get("message") if isinstance(inner, dict) else inner
    elif isinstance(body, str):
        text = body
    if not text:
        text = getattr(err, "message", None) or str(err)
    text = " ".join(str(text).split())
    return text[:300] + ("…" if len(text) > 300 else "")


class OpenAIChat:
    """Chat completions from an OpenAI-compatible endpoint at ``base_url`` (ending in ``/v1``).

    ``api_key`` may be None for local servers that need none; ``timeout`` is seconds per request.
    One SDK client is kept per event loop, so the backend survives several ``asyncio.run`` calls.
    """

    def __init__(self, base_url: str, api_key: str | None, timeout: float) -> None:
        try:
            import openai
        except ImportError as err:  # pragma: no cover - openai is a declared dependency
            raise ConfigError(
                "the LLM client needs the 'openai' package: pip install 'openai>=1.40'"
            ) from err
        self._openai = openai
        self.base_url = base_url
        self.endpoint = public_endpoint(base_url)
        self._api_key = api_key or "not-needed"
        self.timeout = timeout
        self._client: Any = None
        self._loop: asyncio.AbstractEventLoop | None = None

    def _sdk(self) -> Any:
        loop = asyncio.get_running_loop()
        if self._client is None or self._loop is not loop:
            # a client made on an earlier (now closed) loop holds connections that loop owned
            self._client = self._openai.AsyncOpenAI(
                base_url=self.base_url, api_key=self._api_key, timeout=self.timeout, max_retries=0,
            )
            self._loop = loop
        return self._client

    async def chat(
        self, messages: list[Message], *, model: str, mode: ResponseMode,
        schema: dict[str, Any] | None, schema_name: str, temperature: float, max_tokens: int,
    ) -> ChatResult:
        """One completion; raises :class:`LLMRequestError` on any failure."""
        openai = self._openai
        # the messages and the response format are sent as they are (``extra_body`` is merged
        # into the request body as given): the SDK's walk over typed parameters would visit every
        # message and every node of the JSON schema on each request (about 1.5 ms of a 2-core
        # machine's time per call), and both are plain JSON already
        body: dict[str, Any] = {"messages": messages}
        fmt = response_format(mode, schema, schema_name)
        if fmt is not None:
            body["response_format"] = fmt
        kwargs: dict[str, Any] = {
            "model": model, "messages": [], "temperature": temperature, "max_tokens": max_tokens, "extra_body": body,
        }
        try:
            resp = await self._sdk().chat.completions.create(**kwargs)
        except openai.APITimeoutError as err:
            raise LLMRequestError(
                f"{self.endpoint}: no answer within {self.timeout:g} s", transient=True,
            ) from err
        except openai.APIConnectionError as err:
            cause = err.__cause__ or err
            raise LLMRequestError(
                f"{self.endpoint}: connection failed ({type(cause).__name__}: {cause})", transient=True,
            ) from err
        except openai.APIStatusError as err:
            status = err.status_code
            retry_after = parse_retry_after(err.response.headers.get("retry-after"))
            raise LLMRequestError(
                f"{self.endpoint}: HTTP {status}: {_server_message(err)}",
                status=status, retry_after=retry_after, transient=is_transient_status(status),
            ) from err
        except openai.APIError as err:  # e.g. a body the SDK could not read
            raise LLMRequestError(f"{self.endpoint}: {_server_message(err)}", transient=True) from err
        return self._result(resp, model)

    def _result(self, resp: Any, model: str) -> ChatResult:
        try:
            choice = resp.choices[0]
            text = choice.message.content or ""
        except (AttributeError, IndexError, TypeError) as err:
            raise LLMRequestError(
                f"{self.endpoint}: the response carried no message ({type(resp).__name__})",
                transient=True,
            ) from err
        usage = getattr(resp, "usage", None)
        prompt_tokens = getattr(usage, "prompt_tokens", None) if usage is not None else None
        completion_tokens = getattr(usage, "completion_tokens", None) if usage is not None else None
        return ChatResult(
            text=text, model=getattr(resp, "model", None) or model,
            prompt_tokens=prompt_tokens if isinstance(prompt_tokens, int) else None,
            completion_tokens=completion_tokens if isinstance(completion_tokens, int) else None,
        )

    async def aclose(self) -> None:
        client, loop = self._client, self._loop
        self._client, self._loop = None, None
        # a client made on another (finished) loop cannot be closed from this one; drop it
        if client is not None and loop is asyncio.get_running_loop():
            await client.close()
