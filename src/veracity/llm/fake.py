"""A scripted :class:`~veracity.llm.client.ChatBackend` for tests: answers come from a queue.

    fake = FakeChat().enqueue({"verdict": "supported"}, "not json",
                              LLMRequestError("busy", status=503, transient=True))
    llm = LLMClient(fake, settings)

Each answer is used once, in order: a string is returned as it is, a dict or list as JSON, an
exception is raised. ``fake.requests`` keeps what was asked. With the queue empty, the optional
``responder`` answers; without one the call fails with :class:`FakeChatExhausted`, naming the
request that found nothing scripted.
"""

from __future__ import annotations

import json
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from veracity.llm.base import ChatResult, Message, ResponseMode

Answer = str | dict[str, Any] | list[Any] | BaseException


class FakeChatExhausted(AssertionError):
    """A request arrived and no answer was scripted for it."""


@dataclass
class FakeRequest:
    """One request as :class:`FakeChat` received it."""

    messages: list[Message]
    model: str
    mode: ResponseMode
    schema: dict[str, Any] | None = None
    schema_name: str = ""
    temperature: float = 0.0
    max_tokens: int = 0


@dataclass
class FakeChat:
    """Answers from a queue; see the module docstring. ``usage`` makes results carry token
    counts (prompt, completion) as a server would; by default they carry none."""

    responder: Callable[[FakeRequest], str | dict[str, Any]] | None = None
    usage: tuple[int, int] | None = None
    requests: list[FakeRequest] = field(default_factory=list)
    closed: bool = False
    _queue: deque[Answer] = field(default_factory=deque)

    def enqueue(self, *answers: Answer) -> FakeChat:
        """Queue answers (str, dict/list for JSON, or an exception to raise); returns self."""
        self._queue.extend(answers)
        return self

    @property
    def pending(self) -> int:
        """Answers still queued."""
        return len(self._queue)

    async def chat(
        self, messages: list[Message], *, model: str, mode: ResponseMode,
        schema: dict[str, Any] | None, schema_name: str, temperature: float, max_tokens: int,
    ) -> ChatResult:
        request = FakeRequest(
            messages=[dict(m) for m in messages], model=model, mode=mode, schema=schema,
            schema_name=schema_name, temperature=temperature, max_tokens=max_tokens,
        )
        self.requests.append(request)
        answer: Answer
        if self._queue:
            answer = self._queue.popleft()
        elif self.responder is not None:
            answer = self.responder(request)
        else:
            last = next((m.get("content", "") for m in reversed(messages) if m.get("role") == "user"), "")
            raise FakeChatExhausted(
                f"FakeChat: request #{len(self.requests)} ({model}, {mode}) found no scripted"
                f" answer; last user message: {last[:200]!r}"
            )
        if isinstance(answer, BaseException):
            raise answer
        text = answer if isinstance(answer, str) else json.dumps(answer, ensure_ascii=False)
        prompt_tokens, completion_tokens = self.usage if self.usage is not None else (None, None)
        return ChatResult(
            text=text, model=model, prompt_tokens=prompt_tokens, completion_tokens=completion_tokens,
        )

    async def aclose(self) -> None:
        self.closed = True
