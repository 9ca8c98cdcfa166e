"""The client the agent talks to: validated pydantic answers from any chat backend.

:class:`LLMClient` turns ``structured(stage, messages, Schema)`` into backend requests and owns
everything around them:

* **Response format.** Each model starts in ``json_schema`` mode (the server enforces the
  schema). A server that rejects the format (HTTP 400/404/415/422/500/501 while a
  ``response_format`` was sent — llama.cpp answers 500 to ``json_schema``) moves that model down
  to ``json_object`` and then to ``prompt`` mode, for good; the request is resent at once. In the
  lower modes the schema travels in the system message (``prompts/json_instructions.md``).
* **Retries.** 429, other 5xx, timeouts and connection errors are retried
  ``settings.llm_retries`` times under a :class:`~veracity.httputil.RetryPolicy` (so
  ``llm_retries + 1`` attempts), waiting what Retry-After asks (capped) or an exponential
  backoff with jitter; then :class:`~veracity.errors.LLMUnavailable`. Other refusals (401, 403…)
  raise :class:`~veracity.errors.LLMError` at once.
* **Parsing.** Code fences, ``<think>`` blocks and prose around the JSON object are dropped; an
  answer that still fails validation gets exactly one repair request, then
  :class:`~veracity.errors.LLMOutputError`.
* **Accounting.** Every request, failed or not, and every cache hit is one
  :class:`~veracity.llm.base.LLMCall` for the recorder; a guard may veto a request before it is
  sent (the run's budget); a semaphore caps requests in flight.
"""

from __future__ import annotations

import asyncio
import copy
import functools
import hashlib
import json
import re
import time
import weakref
from collections.abc import Callable
from string import Template
from typing import Any, Protocol

from pydantic import BaseModel, ValidationError

from veracity.config import Settings
from veracity.errors import LLMError, LLMOutputError, LLMRequestError, LLMUnavailable
from veracity.httputil import RetryPolicy
from veracity.llm.base import (
    CallRecorder,
    ChatResult,
    LLMCall,
    M,
    Message,
    ResponseMode,
    estimate_tokens,
    load_prompt,
    messages_tokens,
)
from veracity.llm.cache import LLMCache

MODES: tuple[ResponseMode, ...] = ("json_schema", "json_object", "prompt")
# statuses with which servers turn down a response_format they do not support
FORMAT_REJECT_STATUSES = frozenset({400, 404, 415, 422, 500, 501})
# ...unless the message says the request failed for another reason
_OTHER_CAUSES = (
    "context length", "context_length", "maximum context", "context window", "too many tokens",
    "does not exist", "model_not_found",
)
_AUTH_STATUSES = frozenset({401, 403})

Guard = Callable[[str, int], None]


class ChatBackend(Protocol):
    """Turns chat messages into text. Failures are raised as
    :class:`~veracity.errors.LLMRequestError` (status, retry_after, transient)."""

    async def chat(
        self, messages: list[Message], *, model: str, mode: ResponseMode,
        schema: dict[str, Any] | None, schema_name: str, temperature: float, max_tokens: int,
    ) -> ChatResult: ...

    async def aclose(self) -> None: ...


class AnswerError(ValueError):
    """A model answer that is not a valid instance of the schema (the text says why)."""


# ---------------------------------------------------------------------------- parsing

_THINK = re.compile(r"<think>.*?</think>", re.S | re.I)
_FENCE = re.compile(r"```[A-Za-z0-9_-]*[ \t]*\n?(.*?)```", re.S)
_DECODER = json.JSONDecoder(strict=False)  # tolerate raw newlines inside strings
_MAX_STARTS = 20


def _loads(text: str) -> Any:
    obj, end = _DECODER.raw_decode(text)
    if text[end:].strip():
        raise ValueError("extra data after the JSON value")
    return obj


def extract_json(text: str) -> Any:
    """The JSON value in a model answer: the whole text, else a fenced block, else the first
    decodable object (prose before or after it is ignored). Raises :class:`AnswerError`."""
    s = _THINK.sub("", text).strip()
    if not s:
        raise AnswerError("the answer was empty")
    try:
        return _loads(s)
    except ValueError:
        pass
    for m in _FENCE.finditer(s):
        try:
            return _loads(m.group(1).strip())
        except ValueError:
            continue
    for n, m in enumerate(re.finditer(r"\{", s)):
        if n >= _MAX_STARTS:
            break
        try:
            return _DECODER.raw_decode(s, m.start())[0]
        except ValueError:
            continue
    raise AnswerError("the answer holds no JSON object")


def describe_validation_error(err: ValidationError, limit: int = 10) -> str:
    """A compact, model-readable list of what failed validation."""
    parts = []
    for item in err.errors()[:limit]:
        where = ".".join(str(p) for p in item.get("loc", ())) or "(top level)"
        parts.append(f"{where}: {item.get('msg', 'invalid')}")
    more = len(err.errors()) - limit
    if more > 0:
        parts.append(f"and {more} more")
    return "; ".join(parts)


def parse_answer(text: str, schema: type[M]) -> M:
    """``text`` as a validated ``schema`` instance; :class:`AnswerError` says what is wrong."""
    data = extract_json(text)
    try:
        return schema.model_validate(data)
    except ValidationError as err:
        raise AnswerError(f"it does not match the schema: {describe_validation_error(err)}") from err


# ---------------------------------------------------------------------------- prompts

@functools.lru_cache(maxsize=8)
def _template(name: str) -> Template:
    return Template(load_prompt(name))


def _schema_text(schema: dict[str, Any]) -> str:
    return json.dumps(schema, ensure_ascii=False)


def with_json_instructions(messages: list[Message], schema: dict[str, Any]) -> list[Message]:
    """``messages`` with the JSON answer instructions (and the schema) appended to the first
    system message, or put in a new one ahead of the rest."""
    text = _template("json_instructions").safe_substitute(schema=_schema_text(schema)).strip()
    out = [dict(m) for m in messages]
    for m in out:
        if m.get("role") == "system":
            m["content"] = f"{m.get('content', '').rstrip()}\n\n{text}"
            return out
    return [{"role": "system", "content": text}, *out]


def repair_prompt(error: str, schema: dict[str, Any]) -> str:
    """The user message asking the model to fix its last answer."""
    return _template("repair").safe_substitute(error=error, schema=_schema_text(schema)).strip()


def cache_key(model: str, stage: str, messages: list[Message], schema: dict[str, Any]) -> str:
    """The answer-cache key of one structured request."""
    blob = json.dumps([model, stage, messages, schema], sort_keys=True)
    return hashlib.sha256(blob.encode("utf-8")).hexdigest()


def _format_rejected(err: LLMRequestError, mode: ResponseMode) -> bool:
    if mode == "prompt" or err.status not in FORMAT_REJECT_STATUSES:
        return False
    text = str(err).lower()
    return not any(hint in text for hint in _OTHER_CAUSES)


def _is_transient(exc: BaseException, attempt_number: int = 0) -> bool:
    return isinstance(exc, LLMRequestError) and exc.transient


def _retry_after(exc: BaseException) -> float | None:
    return exc.retry_after if isinstance(exc, LLMRequestError) else None


# ---------------------------------------------------------------------------- client

class _Shared:
    """What every binding of one client shares: the backend, the per-model response mode and
    the concurrency limit (one semaphore per event loop, since a semaphore belongs to a loop)."""

    def __init__(self, backend: ChatBackend, limit: int) -> None:
        self.backend = backend
        self.limit = limit
        self.modes: dict[str, ResponseMode] = {}
        self._semaphores: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, asyncio.Semaphore] = (
            weakref.WeakKeyDictionary()
        )

    def semaphore(self) -> asyncio.Semaphore:
        loop = asyncio.get_running_loop()
        sem = self._semaphores.get(loop)
        if sem is None:
            sem = self._semaphores[loop] = asyncio.Semaphore(self.limit)
        return sem

    def mode(self, model: str) -> ResponseMode:
        return self.modes.get(model, MODES[0])

    def downgrade(self, model: str, failed: ResponseMode) -> ResponseMode:
        """Move ``model`` below ``failed`` (never back up); the mode to use next."""
        lower = MODES[min(MODES.index(failed) + 1, len(MODES) - 1)]
        if MODES.index(lower) > MODES.index(self.mode(model)):
            self.modes[model] = lower
        return self.mode(model)


class LLMClient:
    """A :class:`~veracity.llm.base.StructuredLLM` over a :class:`ChatBackend`.

    ``recorder`` receives one :class:`LLMCall` per request and per cache hit, ``cache`` keeps
    validated answers, ``guard(stage, estimated_prompt_tokens)`` runs before every request and
    may raise :class:`~veracity.errors.BudgetExhausted`. ``retry_base``/``retry_max`` shape the
    backoff in seconds (``retry_max`` also caps Retry-After); ``retry`` replaces the whole
    policy (its ``attempts`` then count instead of ``settings.llm_retries``; tests inject its
    ``sleep``).
    """

    def __init__(
        self, backend: ChatBackend, settings: Settings, *, recorder: CallRecorder | None = None,
        cache: LLMCache | None = None, guard: Guard | None = None,
        retry_base: float = 0.5, retry_max: float = 20.0, retry: RetryPolicy | None = None,
    ) -> None:
        self.backend = backend
        self.settings = settings
        self.recorder = recorder
        self.cache = cache
        self.guard = guard
        self.retry = retry if retry is not None else RetryPolicy.from_retries(
            settings.llm_retries, backoff=retry_base, max_wait=retry_max, jitter=retry_base,
        )
        self._shared = _Shared(backend, settings.llm_concurrency)
        self._owner = True

    def bind(
        self, *, recorder: CallRecorder | None = None, cache: LLMCache | None = None,
        guard: Guard | None = None,
    ) -> LLMClient:
        """A view for one run: same backend, concurrency limit and learned response modes, with
        exactly the recorder, cache and guard given here (None: none). Closing a view does not
        close the backend; close the client it came from."""
        view = copy.copy(self)
        view.recorder, view.cache, view.guard = recorder, cache, guard
        view._owner = False
        return view

    def mode_for(self, model: str) -> ResponseMode:
        """The response mode requests to ``model`` use now."""
        return self._shared.mode(model)

    @property
    def endpoint(self) -> str:
        return str(getattr(self.backend, "endpoint", type(self.backend).__name__))

    async def structured(self, stage: str, messages: list[Message], schema: type[M]) -> M:
        """A validated ``schema`` instance answering ``messages`` (see the module docstring)."""
        model = self.settings.model_for(stage)
        json_schema = _schema_of(schema)
        key = cache_key(model, stage, messages, json_schema)
        if self.cache is not None:
            cached = self._from_cache(key, stage, model, messages, schema)
            if cached is not None:
                return cached
        text = await self._ask(stage, model, messages, json_schema, schema.__name__, repair=False)
        try:
            value = parse_answer(text, schema)
        except AnswerError as first:
            fix: list[Message] = [
                *messages,
                {"role": "assistant", "content": text},
                {"role": "user", "content": repair_prompt(str(first), json_schema)},
            ]
            text = await self._ask(stage, model, fix, json_schema, schema.__name__, repair=True)
            try:
                value = parse_answer(text, schema)
            except AnswerError as second:
                raise LLMOutputError(
                    f"the {stage} model ({model}) gave no valid {schema.__name__}, also after a"
                    f" repair request: {second}"
                ) from second
        if self.cache is not None:
            self.cache.put(key, text)
        return value

    def _from_cache(
        self, key: str, stage: str, model: str, messages: list[Message], schema: type[M],
    ) -> M | None:
        assert self.cache is not None
        text = self.cache.get(key)
        if text is None:
            return None
        try:
            value = parse_answer(text, schema)
        except AnswerError:
            return None  # e.g. the schema changed since; ask again
        self._record(LLMCall(
            stage=stage, model=model, mode=self._shared.mode(model), messages=list(messages),
            response=text, cached=True,
        ))
        return value

    async def _ask(
        self, stage: str, model: str, messages: list[Message], schema: dict[str, Any],
        schema_name: str, *, repair: bool,
    ) -> str:
        """One answer text, with retries on transient failures."""
        attempts = 0

        async def attempt() -> str:
            nonlocal attempts
            attempts += 1
            return await self._send(stage, model, messages, schema, schema_name, repair)

        try:
            return await self.retry.call(attempt, retry_if=_is_transient, retry_after=_retry_after)
        except LLMRequestError as err:
            if err.transient:
                raise LLMUnavailable(
                    f"the language model is unavailable ({err}); gave up after {attempts}"
                    f" attempt{'s' if attempts != 1 else ''}"
                ) from err
            hint = (
                "check VERACITY_LLM_API_KEY" if err.status in _AUTH_STATUSES
                else "check VERACITY_LLM_BASE_URL and the model name"
            )
            raise LLMError(f"the language model refused the {stage} request ({err}); {hint}") from err

    async def _send(
        self, stage: str, model: str, messages: list[Message], schema: dict[str, Any],
        schema_name: str, repair: bool,
    ) -> str:
        """One request, resent in a lower response mode while the server rejects the format."""
        while True:
            mode = self._shared.mode(model)
            sent = messages if mode == "json_schema" else with_json_instructions(messages, schema)
            estimate = messages_tokens(sent)
            if self.guard is not None:
                self.guard(stage, estimate)
            result: ChatResult | None = None
            error: LLMRequestError | None = None
            async with self._shared.semaphore():
                started = time.perf_counter()
                try:
                    result = await self.backend.chat(
                        sent, model=model, mode=mode, schema=schema, schema_name=schema_name,
                        temperature=self.settings.llm_temperature,
                        max_tokens=self.settings.llm_max_output_tokens,
                    )
                except LLMRequestError as err:
                    error = err
                latency_ms = (time.perf_counter() - started) * 1000
            if error is not None:
                self._record(LLMCall(
                    stage=stage, model=model, mode=mode, messages=list(sent),
                    latency_ms=latency_ms, repair=repair, error=str(error),
                ))
                if _format_rejected(error, mode):
                    self._shared.downgrade(model, mode)
                    continue
                raise error
            assert result is not None
            prompt_tokens = result.prompt_tokens if result.prompt_tokens is not None else estimate
            completion_tokens = (
                result.completion_tokens if result.completion_tokens is not None
                else estimate_tokens(result.text)
            )
            self._record(LLMCall(
                stage=stage, model=model, mode=mode, messages=list(sent), response=result.text,
                prompt_tokens=prompt_tokens, completion_tokens=completion_tokens,
                latency_ms=latency_ms, cost_usd=self.cost(model, prompt_tokens, completion_tokens),
                repair=repair,
            ))
            return result.text

    def cost(self, model: str, prompt_tokens: int, completion_tokens: int) -> float:
        """USD for one request at ``settings.llm_prices`` (per million tokens; unknown → 0)."""
        price = self.settings.llm_prices.get(model)
        if price is None:
            return 0.0
        return round((prompt_tokens * price[0] + completion_tokens * price[1]) / 1_000_000, 8)

    def _record(self, call: LLMCall) -> None:
        if self.recorder is not None:
            self.recorder(call)

    async def aclose(self) -> None:
        """Release the backend (only the client itself does; its bound views do nothing)."""
        if self._owner:
            await self.backend.aclose()


__all__ = [
    "FORMAT_REJECT_STATUSES", "MODES", "AnswerError", "ChatBackend", "LLMClient",
    "cache_key", "extract_json", "parse_answer", "repair_prompt", "with_json_instructions",
]


@functools.lru_cache(maxsize=64)
def _schema_of(schema: type[BaseModel]) -> dict[str, Any]:
    """A model's JSON schema, built once per class (building it costs more than a request)."""
    return schema.model_json_schema()
