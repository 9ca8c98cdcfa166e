"""A scripted stand-in for a language model, for tests, benches and offline demos.

:func:`scripted_responder` answers the agent's three kinds of request the way a careful but
simple model would, from the request alone (no network, deterministic): the checklist from the
``<document>`` block (split by veracity's rule-based splitter), search queries from the
``<claim>`` block, and verdicts by word overlap between the claim and each ``<passage>``: a
passage that covers the claim's content words supports it and is quoted as it stands (or
refutes it, when the quoted sentence gives other figures than the claim); otherwise the claim stays unverifiable and the responder asks for another round.

Plug it into :class:`veracity.testing.llm_server.ScriptedLLMServer` as ``responder`` when the
HTTP path is under test (the contract file ``tests/test_llm_client.py``) or the model's caller
runs in another process; elsewhere :func:`scripted_llm` gives the same answers in process (a
:class:`~veracity.llm.client.LLMClient` over :class:`~veracity.llm.fake.FakeChat`), with no
server, port or thread.
"""

from __future__ import annotations

import json
import re
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from veracity.config import Settings
    from veracity.llm.client import ChatBackend, LLMClient
    from veracity.llm.fake import FakeChat, FakeRequest

from veracity.text import CJK_CHARS

_DOCUMENT = re.compile(r"<document>\s*(.*?)\s*</document>", re.S)
_CLAIM = re.compile(r"<claim>\s*(.*?)\s*</claim>", re.S)
_PASSAGE = re.compile(r'<passage id="([^"]+)"[^>]*>\s*(.*?)\s*</passage>', re.S)
_WORD = re.compile(rf"[A-Za-z0-9][A-Za-z0-9.'-]*|[{CJK_CHARS}]")
_NUMBER = re.compile(r"\d+(?:\.\d+)?")
_SENTENCE = re.compile(r"(?<=[.!?。!?])\s+|(?<=[。!?])")
_STOP = frozenset(
    ["a", "an", "the", "of", "in", "on", "at", "to", "for", "and", "or", "is", "was", "were", "are", "be", "been", "by", "with", "as", "from", "that", "this", "it", "its", "he", "she", "his", "her", "they", "their", "has", "had", "have", "who", "which", "also"]
)


def _words(text: str) -> set[str]:
    return {w.lower().strip(".'") for w in _WORD.findall(text)} - _STOP


def _user_text(request: dict[str, Any]) -> str:
    return "\n".join(str(m.get("content", "")) for m in request.get("messages", []) if m.get("role") == "user")


def _checklist(document: str) -> dict[str, Any]:
    from veracity.checklist.rules import split_claims
    from veracity.text import detect_language
    from veracity.types import InputDocument

    lang = detect_language(document)
    doc = InputDocument(text=document, language=lang, origin="scripted", format="txt")
    claims = []
    for c in split_claims(doc, max_claims=500):
        queries = [c.text]
        claims.append({
            "text": c.text, "original": c.original, "type": "other", "checkworthy": 0.8,
            "queries": queries,
        })
    return {"claims": claims}


def _plan(claim: str, user: str) -> dict[str, Any]:
    words = [w for w in _WORD.findall(claim) if w.lower() not in _STOP]
    queries = [" ".join(words[:6]) + " official", " ".join(words[-6:]) + " record"]
    return {"queries": queries}


def _best_sentence(text: str, claim_words: set[str]) -> str:
    sentences = [s.strip() for s in _SENTENCE.split(text) if s.strip()]
    return max(sentences, key=lambda s: len(_words(s) & claim_words), default=text)


def _judge(claim: str, passages: list[tuple[str, str]]) -> dict[str, Any]:
    want = _words(claim)
    scored = sorted(
        ((len(_words(text) & want) / max(1, len(want)), pid, text) for pid, text in passages),
        key=lambda t: -t[0],
    )
    if scored and scored[0][0] >= 0.6:
        score, pid, text = scored[0]
        quote = _best_sentence(text, want)
        claimed, stated = set(_NUMBER.findall(claim)), set(_NUMBER.findall(quote))
        if claimed and stated and not claimed <= stated:  # the passage gives other figures
            return {
                "label": "false",
                "confidence": 0.7,
                "rationale": f"[{pid}] gives {', '.join(sorted(stated))}, not {', '.join(sorted(claimed - stated))}.",
                "sufficient": True,
                "missing": "",
                "citations": [{"passage": pid, "stance": "refutes", "quote": quote}],
            }
        return {
            "label": "true" if score >= 0.8 else "mostly_true",
            "confidence": round(min(0.95, score), 2),
            "rationale": f"[{pid}] states what the claim says.",
            "sufficient": True,
            "missing": "",
            "citations": [{"passage": pid, "stance": "supports", "quote": quote}],
        }
    return {
        "label": "unverifiable",
        "confidence": 0.2,
        "rationale": "None of the passages addresses the claim.",
        "sufficient": False,
        "missing": "a source that states the claim's specific facts",
        "citations": [],
    }


def stage_of(request: dict[str, Any]) -> str:
    """Which of the agent's stages sent a chat request: ``checklist``, ``judge`` or ``plan``."""
    text = json.dumps(request.get("messages", []), ensure_ascii=False)
    if "<document>" in text:
        return "checklist"
    if "<passage" in text:
        return "judge"
    return "plan"


def scripted_responder(request: dict[str, Any]) -> str:
    """One answer (JSON text) for an OpenAI chat-completions request body."""
    user = _user_text(request)
    doc = _DOCUMENT.search(user)
    passages = _PASSAGE.findall(user)
    claim = _CLAIM.search(user)
    if doc is not None:
        answer = _checklist(doc.group(1))
    elif passages and claim is not None:
        answer = _judge(claim.group(1), passages)
    elif claim is not None:
        answer = _plan(claim.group(1), user)
    else:
        answer = {"error": "the scripted model did not recognise this request"}
    return json.dumps(answer, ensure_ascii=False)


def _answer_fake(request: FakeRequest) -> str:
    return scripted_responder({"messages": request.messages, "model": request.model})


def scripted_chat() -> FakeChat:
    """An in-process chat backend that answers every request like :func:`scripted_responder`;
    answers queued with ``enqueue`` come first (as on the HTTP server), and ``requests`` keeps
    what was asked."""
    from veracity.llm.fake import FakeChat

    return FakeChat(responder=_answer_fake)


def scripted_llm(settings: Settings, backend: ChatBackend | None = None) -> LLMClient:
    """The client the agent talks to, over ``backend`` (default: a new :func:`scripted_chat`):
    what ``ServerConfig(llm=...)`` or ``acheck(tools=Shared(llm=...))`` take instead of an endpoint."""
    from veracity.llm.client import LLMClient

    return LLMClient(backend if backend is not None else scripted_chat(), settings)
