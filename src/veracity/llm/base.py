"""What every language-model backend offers the agent, and the records it leaves behind.

The agent never talks to a vendor SDK: it asks a :class:`StructuredLLM` for an instance of a
pydantic model (``await llm.structured("judge", messages, JudgeOutput)``). How the JSON is
obtained — a JSON-schema response format, ``json_object`` mode, or instructions in the prompt —
whether a repair call was needed, retries, caching and accounting are the client's business
(:mod:`veracity.llm.client`). A backend only turns a list of chat messages into text
(:class:`ChatBackend`, one abstract method, as in simonw/llm); :mod:`veracity.llm.openai_chat`
speaks to any OpenAI-compatible endpoint and :mod:`veracity.llm.fake` answers from a queue.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from collections.abc import Callable
from importlib import resources
from typing import Literal, Protocol, TypeVar

from pydantic import BaseModel, Field

from veracity.text import CJK_CHARS

M = TypeVar("M", bound=BaseModel)
Message = dict[str, str]  # {"role": "system" | "user" | "assistant", "content": "..."}
ResponseMode = Literal["json_schema", "json_object", "prompt"]
STAGES = ("checklist", "plan", "judge")


class ChatResult(BaseModel):
    """One raw completion as a backend returns it."""

    text: str
    model: str
    prompt_tokens: int | None = Field(default=None, description="as the server reported; None if it did not")
    completion_tokens: int | None = None


class LLMCall(BaseModel):
    """One request to a model (or one answer from the cache), as recorded in the store."""

    stage: str
    model: str
    mode: ResponseMode
    messages: list[Message]
    response: str | None = None
    prompt_tokens: int = 0
    completion_tokens: int = 0
    latency_ms: float = 0.0
    cost_usd: float = 0.0
    cached: bool = False
    repair: bool = Field(default=False, description="this request asked the model to fix its last answer")
    error: str | None = None


CallRecorder = Callable[[LLMCall], None]


class StructuredLLM(Protocol):
    """What the checklist, planner and judge need from a model."""

    async def structured(self, stage: str, messages: list[Message], schema: type[M]) -> M:
        """Answer ``messages`` with a validated instance of ``schema``.

        ``stage`` (one of :data:`STAGES`) picks the model and labels the call in the store.
        Raises :class:`veracity.errors.LLMError` (or a subclass) when no valid answer came.
        """
        ...


def is_cjk(ch: str) -> bool:
    return "CJK" in unicodedata.name(ch, "") or "\u3040" <= ch <= "\u30ff" or "\uac00" <= ch <= "\ud7af"


def estimate_tokens(text: str) -> int:
    """A tokenizer-free estimate used when a server reports no usage: one token per CJK
    character, one per four other characters (the usual rule of thumb for English BPE
    vocabularies), at least one for non-empty text."""
    if not text:
        return 0
    cjk = len(_CJK.findall(text))
    return max(1, cjk + (len(text) - cjk + 3) // 4)


# Han ideographs (with extension A and compatibility forms), kana, Hangul syllables
_CJK = re.compile(f"[{CJK_CHARS}\u3040-\u30ff\uac00-\ud7af]")


def messages_tokens(messages: list[Message]) -> int:
    """Estimated prompt tokens of a chat request (four per message for the role framing)."""
    return sum(estimate_tokens(m.get("content", "")) + 4 for m in messages)


@functools.lru_cache(maxsize=32)
def load_prompt(name: str) -> str:
    """The text of ``llm/prompts/<name>.md`` (package data)."""
    return (resources.files("veracity.llm") / "prompts" / f"{name}.md").read_text(encoding="utf-8")


LANGUAGE_NAMES = {"zh": "Simplified Chinese (简体中文)", "en": "English"}


def language_name(lang: str) -> str:
    """How a prompt names the output language."""
    return LANGUAGE_NAMES.get(lang, "English")
