"""LLM stage: validated structured answers from a chat model.

* :mod:`~veracity.llm.base` — what the agent sees (:class:`StructuredLLM`, :class:`LLMCall`);
* :mod:`~veracity.llm.client` — :class:`LLMClient`: response-format fallback, retries, repair,
  cache, budget guard and call records over a :class:`ChatBackend`;
* :mod:`~veracity.llm.openai_chat` — :class:`OpenAIChat`, any OpenAI-compatible endpoint;
* :mod:`~veracity.llm.fake` — :class:`FakeChat`, answers from a queue (tests);
* :mod:`~veracity.llm.cache` — where validated answers are kept.

Names are imported lazily, so ``import veracity.llm`` does not load the ``openai`` SDK.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from veracity._lazy import lazy_getattr

if TYPE_CHECKING:
    from veracity.config import Settings
    from veracity.llm.base import ChatResult, LLMCall, StructuredLLM
    from veracity.llm.cache import LLMCache, MemoryLLMCache, StoreLLMCache
    from veracity.llm.client import ChatBackend, LLMClient
    from veracity.llm.fake import FakeChat
    from veracity.llm.openai_chat import OpenAIChat

__all__ = [
    "ChatBackend",
    "ChatResult",
    "FakeChat",
    "LLMCache",
    "LLMCall",
    "LLMClient",
    "MemoryLLMCache",
    "OpenAIChat",
    "StoreLLMCache",
    "StructuredLLM",
    "build_llm",
]

_WHERE = {
    "ChatResult": "base",
    "LLMCall": "base",
    "StructuredLLM": "base",
    "LLMCache": "cache",
    "MemoryLLMCache": "cache",
    "StoreLLMCache": "cache",
    "ChatBackend": "client",
    "LLMClient": "client",
    "FakeChat": "fake",
    "OpenAIChat": "openai_chat",
}


def build_llm(settings: Settings) -> LLMClient | None:
    """The client for ``settings.llm_base_url`` (None when no endpoint is configured)."""
    if not settings.llm_base_url:
        return None
    from veracity.llm.client import LLMClient
    from veracity.llm.openai_chat import OpenAIChat

    backend = OpenAIChat(settings.llm_base_url, settings.llm_api_key, settings.llm_timeout)
    return LLMClient(backend, settings)


__getattr__ = lazy_getattr(__name__, _WHERE)
