"""The one HTTP contract file for the OpenAI-compatible client, and the client's own rules.

* **Over HTTP** (against :class:`veracity.testing.llm_server.ScriptedLLMServer`, the ``srv``
  fixture): :class:`~veracity.llm.openai_chat.OpenAIChat` + :class:`~veracity.llm.client.LLMClient`
  on a real socket — the request body and ``response_format``, format rejections, 429 with
  Retry-After, 5xx, timeouts, refused connections, 401, concurrency; and the CLI against an
  endpoint URL: ``veracity check`` in a subprocess on the example, its exit 3 with one line
  when the model is unreachable, and ``veracity eval --judge llm``.
* **In process** (over :class:`~veracity.llm.fake.FakeChat`): LLMClient's parsing, repair,
  format fallback, retry and accounting rules.

Everything else (the agent, the run, the server, resume…) uses the in-process fake
(:func:`veracity.testing.scripted_model.scripted_llm`), which raises endpoint failures as
:class:`~veracity.errors.LLMRequestError` the way OpenAIChat reports them; see
``tests/test_agent.py``. The only other tests on the scripted HTTP server are those whose model
caller cannot hold an in-process fake: another process (``test_not_checked``'s CLI subprocess,
``test_batch_ray``'s workers, ``test_browser``'s ``veracity serve``) or judge calls that must
hang in another thread while the server stops (``test_server_restart``).
"""

from __future__ import annotations

import asyncio
import json
import os
import subprocess
import sys
from collections.abc import Coroutine, Iterator
from pathlib import Path
from typing import Any, TypeVar

import pytest
from pydantic import BaseModel

from conftest import EXAMPLE_CORPUS, EXAMPLE_PROFILE, REPO, SHARED, settings_for, write_tree
from veracity.config import Settings
from veracity.errors import (
    BudgetExhausted,
    LLMError,
    LLMOutputError,
    LLMRequestError,
    LLMUnavailable,
)
from veracity.httputil import RetryPolicy
from veracity.llm import build_llm
from veracity.llm.base import LLMCall, Message, estimate_tokens, messages_tokens
from veracity.llm.cache import MemoryLLMCache, StoreLLMCache
from veracity.llm.client import AnswerError, LLMClient, cache_key, extract_json
from veracity.llm.fake import FakeChat, FakeChatExhausted
from veracity.llm.openai_chat import OpenAIChat, public_endpoint
from veracity.store import Store
from veracity.testing.llm_server import ScriptedLLMServer
from veracity.testing.scripted_model import scripted_responder

T = TypeVar("T")


class Verdict(BaseModel):
    verdict: str
    confidence: float = 0.5


GOOD = {"verdict": "supported", "confidence": 0.9}
ASK: list[Message] = [
    {"role": "system", "content": "You judge claims."},
    {"role": "user", "content": "Is the sky blue?"},
]


def run(coro: Coroutine[Any, Any, T]) -> T:
    return asyncio.run(coro)


# this file's client settings, over the suite's one way of making test settings (conftest)
CLIENT: dict[str, Any] = {
    "llm_model": "test-model", "llm_model_checklist": None, "llm_model_plan": None,
    "llm_model_judge": None, "llm_retries": 2, "llm_timeout": 5.0, "llm_concurrency": 4,
}


def client_settings(tmp_path: Path, base_url: str | None = None, **overrides: Any) -> Settings:
    return settings_for(tmp_path, base_url, **{"db_path": tmp_path / "veracity.sqlite", **CLIENT, **overrides})


@pytest.fixture
def srv() -> Iterator[ScriptedLLMServer]:
    with ScriptedLLMServer() as server:
        yield server


class Harness:
    """A client over HTTP with a call log."""

    def __init__(self, srv: ScriptedLLMServer, tmp_path: Path, *, api_key: str | None = None,
                 **overrides: Any) -> None:
        self.settings = client_settings(tmp_path, srv.base_url, **overrides)
        self.calls: list[LLMCall] = []
        self.backend = OpenAIChat(srv.base_url, api_key, self.settings.llm_timeout)
        self.waits: list[float] = []  # the retry waits asked for (recorded, not slept)
        retry = RetryPolicy.from_retries(
            self.settings.llm_retries, backoff=0.01, max_wait=1.0, sleep=self._sleep
        )
        self.client = LLMClient(self.backend, self.settings, recorder=self.calls.append, retry=retry)

    async def _sleep(self, seconds: float) -> None:
        self.waits.append(seconds)

    def ask(self, stage: str = "judge", messages: list[Message] = ASK) -> Verdict:
        async def go() -> Verdict:
            try:
                return await self.client.structured(stage, messages, Verdict)
            finally:
                await self.client.aclose()

        return run(go())


def fmt_type(request: dict[str, Any]) -> str | None:
    fmt = request.get("response_format")
    return fmt.get("type") if isinstance(fmt, dict) else None


# --------------------------------------------------------------------- over HTTP

def test_happy_path_sends_the_json_schema(srv: ScriptedLLMServer, tmp_path: Path) -> None:
    srv.enqueue(GOOD)
    h = Harness(srv, tmp_path)
    assert h.ask() == Verdict(**GOOD)
    (req,) = srv.requests
    assert req["model"] == "test-model"
    assert req["messages"] == ASK
    assert req["response_format"]["type"] == "json_schema"
    assert req["response_format"]["json_schema"]["name"] == "Verdict"
    assert req["response_format"]["json_schema"]["schema"] == Verdict.model_json_schema()
    (call,) = h.calls
    assert call.mode == "json_schema" and call.error is None and not call.cached
    assert call.prompt_tokens == messages_tokens(ASK)  # the server's usage
    assert call.completion_tokens == estimate_tokens(json.dumps(GOOD))
    assert call.latency_ms > 0


def test_rejected_json_schema_falls_back_to_json_object_for_good(tmp_path: Path) -> None:
    with ScriptedLLMServer(reject_json_schema=True) as srv:
        srv.enqueue(GOOD).enqueue({"verdict": "refuted"})
        h = Harness(srv, tmp_path)
        assert h.ask().verdict == "supported"
        assert h.ask().verdict == "refuted"
        assert [fmt_type(r) for r in srv.requests] == ["json_schema", "json_object", "json_object"]
        system = srv.requests[1]["messages"][0]
        assert system["role"] == "system" and system["content"].startswith("You judge claims.")
        assert '"verdict"' in system["content"]  # the schema travels in the prompt
        assert len(srv.requests[1]["messages"]) == len(ASK)
        assert h.client.mode_for("test-model") == "json_object"
        assert [c.mode for c in h.calls] == ["json_schema", "json_object", "json_object"]
        assert "500" in (h.calls[0].error or "")


def test_both_formats_rejected_fall_back_to_prompt_mode(tmp_path: Path) -> None:
    with ScriptedLLMServer(reject_json_schema=True, reject_json_object=True) as srv:
        srv.enqueue(json.dumps(GOOD))
        h = Harness(srv, tmp_path)
        user_only: list[Message] = [{"role": "user", "content": "Is the sky blue?"}]
        assert h.ask(messages=user_only) == Verdict(**GOOD)
        assert [fmt_type(r) for r in srv.requests] == ["json_schema", "json_object", None]
        last = srv.requests[-1]
        assert "response_format" not in last
        assert last["messages"][0]["role"] == "system"  # created, as there was none
        assert "JSON" in last["messages"][0]["content"] and '"confidence"' in last["messages"][0]["content"]
        assert last["messages"][1:] == user_only
        assert h.client.mode_for("test-model") == "prompt"


def test_generic_500_with_a_format_counts_as_a_rejection(srv: ScriptedLLMServer, tmp_path: Path) -> None:
    srv.enqueue(status=500).enqueue(GOOD)
    h = Harness(srv, tmp_path)
    assert h.ask() == Verdict(**GOOD)
    assert [fmt_type(r) for r in srv.requests] == ["json_schema", "json_object"]


def test_invalid_json_gets_one_repair(srv: ScriptedLLMServer, tmp_path: Path) -> None:
    srv.enqueue("I think it is supported.").enqueue(GOOD)
    h = Harness(srv, tmp_path)
    assert h.ask() == Verdict(**GOOD)
    assert len(srv.requests) == 2
    repair = srv.requests[1]["messages"]
    assert repair[:2] == ASK
    assert repair[2] == {"role": "assistant", "content": "I think it is supported."}
    assert repair[3]["role"] == "user" and "no JSON object" in repair[3]["content"]
    assert '"verdict"' in repair[3]["content"]
    assert [c.repair for c in h.calls] == [False, True]


def test_invalid_twice_raises_output_error(srv: ScriptedLLMServer, tmp_path: Path) -> None:
    srv.enqueue({"verdict": 3, "confidence": "high"}).enqueue({"wrong": True})
    h = Harness(srv, tmp_path)
    with pytest.raises(LLMOutputError, match="repair"):
        h.ask()
    assert len(srv.requests) == 2
    assert "verdict" in srv.requests[1]["messages"][-1]["content"]  # the validation error


def test_429_waits_for_retry_after(srv: ScriptedLLMServer, tmp_path: Path) -> None:
    srv.enqueue(status=429, headers={"Retry-After": "0.2"}).enqueue(GOOD)
    h = Harness(srv, tmp_path)
    assert h.ask() == Verdict(**GOOD)
    assert h.waits == [0.2]
    assert [fmt_type(r) for r in srv.requests] == ["json_schema", "json_schema"]
    assert "429" in (h.calls[0].error or "")


def test_server_error_is_retried(srv: ScriptedLLMServer, tmp_path: Path) -> None:
    srv.enqueue(status=503).enqueue(status=502).enqueue(GOOD)
    h = Harness(srv, tmp_path)
    assert h.ask() == Verdict(**GOOD)
    assert len(srv.requests) == 3
    assert h.client.mode_for("test-model") == "json_schema"  # not mistaken for a rejection


def test_500_in_prompt_mode_is_retried(tmp_path: Path) -> None:
    with ScriptedLLMServer(reject_json_schema=True, reject_json_object=True) as srv:
        srv.enqueue(status=500).enqueue(GOOD)
        h = Harness(srv, tmp_path)
        assert h.ask() == Verdict(**GOOD)
        assert [fmt_type(r) for r in srv.requests] == ["json_schema", "json_object", None, None]


def test_timeout_then_success(srv: ScriptedLLMServer, tmp_path: Path) -> None:
    srv.enqueue(GOOD, delay=1.0).enqueue({"verdict": "in time"})
    h = Harness(srv, tmp_path, llm_timeout=0.3)
    assert h.ask().verdict == "in time"  # the second try's answer: the first was given up on
    assert "no answer within 0.3 s" in (h.calls[0].error or "")


def test_retries_exhausted_raise_unavailable_without_secrets(tmp_path: Path) -> None:
    with ScriptedLLMServer(api_key="sk-secret-123") as srv:
        for _ in range(3):
            srv.enqueue(status=503)
        h = Harness(srv, tmp_path, api_key="sk-secret-123", llm_retries=2)
        with pytest.raises(LLMUnavailable) as info:
            h.ask()
        assert not isinstance(info.value, LLMRequestError)
        assert len(srv.requests) == 3
        message = str(info.value)
        assert "503" in message and "3 attempts" in message and srv.base_url in message
        assert "sk-secret" not in message
        assert h.waits == [0.01, 0.02], "backoff doubles between the three attempts"


def test_retry_policy_comes_from_the_settings(tmp_path: Path) -> None:
    settings = client_settings(tmp_path, None, llm_retries=4)
    client = LLMClient(FakeChat(), settings, retry_base=0.5, retry_max=7.0)
    assert client.retry.attempts == 5, "llm_retries counts the tries after the first"
    assert (client.retry.backoff, client.retry.jitter, client.retry.max_wait) == (0.5, 0.5, 7.0)


def test_connection_refused_is_unavailable(tmp_path: Path) -> None:
    with ScriptedLLMServer() as srv:
        base_url = srv.base_url
    settings = client_settings(tmp_path, base_url, llm_retries=1)
    client = LLMClient(OpenAIChat(base_url, None, 2.0), settings, retry_base=0.01)
    with pytest.raises(LLMUnavailable, match="connection failed"):
        run(client.structured("judge", ASK, Verdict))


def test_401_is_not_retried(tmp_path: Path) -> None:
    with ScriptedLLMServer(api_key="right-key") as srv:
        srv.enqueue(GOOD)
        h = Harness(srv, tmp_path, api_key="wrong-key")
        with pytest.raises(LLMError, match="401") as info:
            h.ask()
        assert not isinstance(info.value, LLMUnavailable)
        assert "VERACITY_LLM_API_KEY" in str(info.value)
        assert len(srv.requests) == 1
        assert srv.pending == 1


def test_recorder_gets_tokens_and_cost(srv: ScriptedLLMServer, tmp_path: Path) -> None:
    srv.enqueue("not json").enqueue(GOOD)
    h = Harness(srv, tmp_path, llm_prices={"test-model": (2.0, 8.0)})
    h.ask()
    assert len(h.calls) == 2
    for call in h.calls:
        assert call.stage == "judge" and call.model == "test-model"
        assert call.prompt_tokens > 0 and call.completion_tokens > 0
        expected = (call.prompt_tokens * 2.0 + call.completion_tokens * 8.0) / 1e6
        assert call.cost_usd == pytest.approx(expected)
        assert call.cost_usd > 0
    assert h.calls[1].messages[-1]["role"] == "user" and h.calls[1].repair


def test_cache_hit_sends_nothing(srv: ScriptedLLMServer, tmp_path: Path) -> None:
    srv.enqueue(GOOD)
    with Store(tmp_path / "veracity.sqlite") as store:
        cache = StoreLLMCache(store)
        h = Harness(srv, tmp_path)
        first = h.client.bind(recorder=h.calls.append, cache=cache)
        assert run(first.structured("judge", ASK, Verdict)) == Verdict(**GOOD)
        later: list[LLMCall] = []
        second = h.client.bind(recorder=later.append, cache=cache)
        assert run(second.structured("judge", ASK, Verdict)) == Verdict(**GOOD)
    assert len(srv.requests) == 1
    (hit,) = later
    assert hit.cached and hit.prompt_tokens == 0 and hit.cost_usd == 0 and hit.response


def test_guard_vetoes_the_request(srv: ScriptedLLMServer, tmp_path: Path) -> None:
    srv.enqueue(GOOD)
    seen: list[tuple[str, int]] = []
    stop = BudgetExhausted("the LLM call budget is spent")

    def guard(stage: str, tokens: int) -> None:
        seen.append((stage, tokens))
        raise stop

    h = Harness(srv, tmp_path)
    client = h.client.bind(recorder=h.calls.append, guard=guard)
    with pytest.raises(BudgetExhausted) as info:
        run(client.structured("plan", ASK, Verdict))
    assert info.value is stop
    assert seen == [("plan", messages_tokens(ASK))]
    assert srv.requests == [] and h.calls == []


def test_concurrency_is_capped(tmp_path: Path) -> None:
    with ScriptedLLMServer(latency=0.1, responder=lambda req: GOOD) as srv:
        h = Harness(srv, tmp_path, llm_concurrency=3)

        async def many() -> list[Verdict]:
            asks = [[{"role": "user", "content": f"claim {i}"}] for i in range(10)]
            try:
                return await asyncio.gather(*(h.client.structured("judge", a, Verdict) for a in asks))
            finally:
                await h.client.aclose()

        assert len(run(many())) == 10
        assert len(srv.requests) == 10
        assert 1 <= srv.max_in_flight <= 3


def test_stage_model_reaches_the_server(srv: ScriptedLLMServer, tmp_path: Path) -> None:
    srv.enqueue(GOOD).enqueue(GOOD)
    h = Harness(srv, tmp_path, llm_model_judge="judge-model")
    h.ask("judge")
    h.ask("plan")
    assert [r["model"] for r in srv.requests] == ["judge-model", "test-model"]
    assert [c.model for c in h.calls] == ["judge-model", "test-model"]


def test_client_survives_several_event_loops(tmp_path: Path) -> None:
    with ScriptedLLMServer(latency=0.02, responder=lambda req: GOOD) as srv:
        h = Harness(srv, tmp_path, llm_concurrency=1)

        async def pair() -> None:
            await asyncio.gather(*(h.client.structured("judge", ASK, Verdict) for _ in range(2)))

        run(pair())
        run(pair())  # a new loop: new SDK client and semaphore
        assert len(srv.requests) == 4 and srv.max_in_flight == 1


def test_models_endpoint(srv: ScriptedLLMServer) -> None:
    import httpx

    data = httpx.get(f"{srv.base_url}/models").json()
    assert data["object"] == "list" and data["data"][0]["id"]


def test_build_llm(tmp_path: Path) -> None:
    assert build_llm(client_settings(tmp_path, None)) is None
    client = build_llm(client_settings(tmp_path, "http://user:pw@127.0.0.1:9/v1?k=1"))
    assert isinstance(client, LLMClient)
    assert client.endpoint == "http://127.0.0.1:9/v1"
    assert public_endpoint("https://api.example.com/v1") == "https://api.example.com/v1"


# --------------------------------------------------------------------- the CLI against an endpoint

def test_cli_runs_the_agent_on_the_example(srv: ScriptedLLMServer, tmp_path: Path) -> None:
    """``VERACITY_LLM_BASE_URL=… veracity check examples/jack-rae/profile.md --corpus …``"""
    srv.responder = scripted_responder
    out = tmp_path / "report.json"
    env = {**os.environ, "VERACITY_LLM_BASE_URL": srv.base_url, "VERACITY_LLM_MODEL": "scripted",
           "VERACITY_DB_PATH": str(tmp_path / "db.sqlite"), "VERACITY_CACHE_DIR": str(tmp_path / "cache")}
    script = Path(sys.executable).with_name("veracity")
    cmd = [str(script)] if script.exists() else [sys.executable, "-m", "veracity.cli"]
    proc = subprocess.run(
        [*cmd, "check", str(EXAMPLE_PROFILE), "--corpus", str(EXAMPLE_CORPUS), "--format", "json",
         "-o", str(out), "--concurrency", "8"],
        env=env, capture_output=True, text=True, timeout=300, cwd=REPO,
    )
    assert proc.returncode == 0, proc.stderr
    report = json.loads(out.read_text(encoding="utf-8"))
    assert report["uses_llm"] is True and report["stats"]["llm_calls"] > 0
    assert "模型调用" in proc.stderr  # the closing line, in the Chinese profile's language
    assert len(report["claims"]) >= 10
    assert sum(report["summary"]["counts"].values()) == len(report["claims"])
    stopped = [c["verdict"]["rationale"] for c in report["claims"] if "核查未能完成" in c["verdict"]["rationale"]]
    assert all("no new evidence" not in r and "insufficient" not in r for r in stopped)  # said in Chinese
    checker = SHARED / "tools" / "report_check.py"
    if checker.exists():
        res = subprocess.run([sys.executable, str(checker), str(out), str(EXAMPLE_CORPUS)],
                             capture_output=True, text=True, timeout=120)
        assert res.returncode == 0, res.stdout + res.stderr


def test_cli_exits_3_with_one_line_when_the_model_is_unreachable(tmp_path: Path,
                                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    from click.testing import CliRunner

    from veracity.cli import main

    corpus_dir = write_tree(tmp_path / "corpus", {
        "bristol.md": "# Jack Rae\n\nurl: https://example.org/rae\n\nJack Rae studied computer science at the "
                      "University of Bristol. He later worked at DeepMind on large language models.\n",
    })
    doc = tmp_path / "doc.txt"
    doc.write_text("Jack Rae studied computer science at the University of Bristol. "
                   "Jack Rae won the Turing Award in 2019.", encoding="utf-8")
    for key, value in {"VERACITY_LLM_BASE_URL": "http://127.0.0.1:9/v1", "VERACITY_LLM_RETRIES": "0",
                       "VERACITY_DB_PATH": str(tmp_path / "db.sqlite"),
                       "VERACITY_CACHE_DIR": str(tmp_path / "cache")}.items():
        monkeypatch.setenv(key, value)
    result = CliRunner().invoke(main, ["check", str(doc), "--corpus", str(corpus_dir), "-q"])
    assert result.exit_code == 3, result.output
    lines = [ln for ln in result.output.splitlines() if ln.strip()]
    assert len(lines) == 1 and lines[0].startswith("veracity: error:") and "veracity resume" in lines[0]
    assert "Traceback" not in result.output


def test_llm_judge_eval_through_the_cli(srv: ScriptedLLMServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                        one_encoder: Any) -> None:
    """``veracity eval --judge llm`` against the scripted model over real HTTP: the judge's
    calls, tokens and cost per claim are reported; without an endpoint it is one error line."""
    from click.testing import CliRunner

    from veracity.cli import main

    gopher = "Gopher is a language model with 280 billion parameters, trained by DeepMind."
    rows = [("a", "Gopher is a language model with 280 billion parameters.", "true", gopher),
            ("b", "Gopher is a language model with 175 billion parameters.", "false", gopher)]
    data = tmp_path / "set.jsonl"
    data.write_text("\n".join(json.dumps(dict(zip(("id", "claim", "label", "evidence"), r, strict=True)))
                              for r in rows), encoding="utf-8")
    monkeypatch.delenv("VERACITY_LLM_BASE_URL", raising=False)
    res = CliRunner().invoke(main, ["eval", "jsonl", "--data", str(data), "--judge", "llm", "-q"])
    assert res.exit_code == 2 and "VERACITY_LLM_BASE_URL" in res.output
    out = tmp_path / "r.json"
    srv.responder = scripted_responder
    monkeypatch.setenv("VERACITY_LLM_BASE_URL", srv.base_url)
    monkeypatch.setenv("VERACITY_LLM_PRICES", '{"gpt-4o-mini": [1.0, 2.0]}')
    res = CliRunner().invoke(main, ["eval", "jsonl", "--data", str(data), "--judge", "llm", "-o", str(out), "-q"])
    assert res.exit_code == 0, res.output
    assert len(srv.requests) == 2
    result = json.loads(out.read_text(encoding="utf-8"))
    assert result["judge"] == "llm" and result["accuracy"] == 1.0
    assert result["llm_calls_per_claim"] == 1.0 and result["tokens_per_claim"] > 100
    assert result["cost_per_claim"] > 0


# --------------------------------------------------------------------- FakeChat

def fake_client(tmp_path: Path, fake: FakeChat, **overrides: Any) -> tuple[LLMClient, list[LLMCall]]:
    calls: list[LLMCall] = []
    settings = client_settings(tmp_path, None, **overrides)
    retry = RetryPolicy.from_retries(settings.llm_retries, sleep=_no_sleep)
    return LLMClient(fake, settings, recorder=calls.append, retry=retry), calls


async def _no_sleep(seconds: float) -> None:
    return None


def test_fake_answers_in_order_and_records_requests(tmp_path: Path) -> None:
    fake = FakeChat().enqueue(GOOD, '{"verdict": "second"}')
    client, calls = fake_client(tmp_path, fake)
    assert run(client.structured("judge", ASK, Verdict)).verdict == "supported"
    assert run(client.structured("checklist", ASK, Verdict)).verdict == "second"
    assert [(r.model, r.mode, r.schema_name) for r in fake.requests] == [
        ("test-model", "json_schema", "Verdict"), ("test-model", "json_schema", "Verdict"),
    ]
    assert fake.requests[0].messages == ASK
    # no usage from the backend: estimated
    assert calls[0].prompt_tokens == messages_tokens(ASK)
    assert calls[0].completion_tokens == estimate_tokens(json.dumps(GOOD))
    run(client.aclose())
    assert fake.closed


def test_fake_empty_queue_fails_clearly(tmp_path: Path) -> None:
    client, _ = fake_client(tmp_path, FakeChat())
    with pytest.raises(FakeChatExhausted, match="no scripted answer"):
        run(client.structured("judge", ASK, Verdict))


def test_fake_responder_and_usage(tmp_path: Path) -> None:
    fake = FakeChat(responder=lambda req: {"verdict": req.model}, usage=(100, 10))
    client, calls = fake_client(tmp_path, fake, llm_prices={"test-model": (1.0, 1.0)})
    assert run(client.structured("judge", ASK, Verdict)).verdict == "test-model"
    assert (calls[0].prompt_tokens, calls[0].completion_tokens) == (100, 10)
    assert calls[0].cost_usd == pytest.approx(110 / 1e6)


def test_fenced_prose_and_think_blocks_are_parsed(tmp_path: Path) -> None:
    fake = FakeChat().enqueue(
        'Sure! Here it is:\n```json\n{"verdict": "fenced"}\n```\nAnything else?',
        '<think>Maybe {"verdict": "wrong"}</think>\nThe answer: {"verdict": "after think"} done.',
    )
    client, _ = fake_client(tmp_path, fake)
    assert run(client.structured("judge", ASK, Verdict)).verdict == "fenced"
    assert run(client.structured("judge", ASK, Verdict)).verdict == "after think"
    assert len(fake.requests) == 2  # no repairs


def test_extract_json() -> None:
    assert extract_json('  {"a": [1, {"b": 2}]}  ') == {"a": [1, {"b": 2}]}
    assert extract_json('text {"a": "line\nbreak"} more') == {"a": "line\nbreak"}
    assert extract_json("```\n[1, 2]\n```") == [1, 2]
    assert extract_json('{bad} then {"ok": true}') == {"ok": True}
    with pytest.raises(AnswerError):
        extract_json("no json at all")
    with pytest.raises(AnswerError):
        extract_json("")


def test_format_rejection_statuses_downgrade(tmp_path: Path) -> None:
    fake = FakeChat().enqueue(
        LLMRequestError("x: HTTP 422: response_format unsupported", status=422),
        LLMRequestError("x: HTTP 400: json_object unsupported", status=400),
        GOOD,
    )
    client, calls = fake_client(tmp_path, fake)
    assert run(client.structured("judge", ASK, Verdict)) == Verdict(**GOOD)
    assert [r.mode for r in fake.requests] == ["json_schema", "json_object", "prompt"]
    assert [c.mode for c in calls] == ["json_schema", "json_object", "prompt"]
    assert calls[0].error and calls[0].prompt_tokens == 0 and calls[0].cost_usd == 0


def test_context_length_400_is_not_a_format_rejection(tmp_path: Path) -> None:
    fake = FakeChat().enqueue(
        LLMRequestError("x: HTTP 400: maximum context length is 4096 tokens", status=400),
    )
    client, _ = fake_client(tmp_path, fake)
    with pytest.raises(LLMError, match="context length") as info:
        run(client.structured("judge", ASK, Verdict))
    assert not isinstance(info.value, LLMUnavailable)
    assert len(fake.requests) == 1 and client.mode_for("test-model") == "json_schema"


def test_bound_views_share_modes_but_not_recorders(tmp_path: Path) -> None:
    fake = FakeChat().enqueue(LLMRequestError("HTTP 500", status=500), GOOD, GOOD)
    client, base_calls = fake_client(tmp_path, fake)
    mine: list[LLMCall] = []
    view = client.bind(recorder=mine.append)
    run(view.structured("judge", ASK, Verdict))
    assert client.mode_for("test-model") == "json_object"  # learned through the view
    assert len(mine) == 2 and base_calls == []
    run(client.structured("judge", ASK, Verdict))
    assert fake.requests[-1].mode == "json_object" and len(base_calls) == 1
    run(view.aclose())
    assert not fake.closed  # only the client itself closes the backend


def test_guard_runs_before_each_request(tmp_path: Path) -> None:
    fake = FakeChat().enqueue(LLMRequestError("busy", status=429, transient=True), "oops", GOOD)
    seen: list[tuple[str, int]] = []
    client, calls = fake_client(tmp_path, fake)
    client = client.bind(recorder=calls.append, guard=lambda stage, n: seen.append((stage, n)))
    run(client.structured("judge", ASK, Verdict))
    assert len(seen) == 3 == len(fake.requests)
    assert seen[0] == ("judge", messages_tokens(ASK))
    assert seen[2][1] > seen[0][1]  # the repair request is longer


def test_invalid_cached_answer_is_ignored(tmp_path: Path) -> None:
    cache = MemoryLLMCache()
    fake = FakeChat().enqueue(GOOD)
    client, calls = fake_client(tmp_path, fake)
    key = cache_key("test-model", "judge", ASK, Verdict.model_json_schema())
    cache.put(key, '{"not": "a verdict"}')
    bound = client.bind(recorder=calls.append, cache=cache)
    assert run(bound.structured("judge", ASK, Verdict)) == Verdict(**GOOD)
    assert len(fake.requests) == 1 and not calls[0].cached
    assert json.loads(cache.get(key) or "") == GOOD  # replaced by the valid answer


def test_unknown_model_costs_nothing(tmp_path: Path) -> None:
    client, _ = fake_client(tmp_path, FakeChat(), llm_prices={})
    assert client.cost("who-knows", 1000, 1000) == 0.0
