"""How a run plugs a language model in: one binding per run that records every call in the
store, counts it in the run's statistics and budget, and answers from the cache when asked."""

from __future__ import annotations

from veracity.agent.ledger import Budget
from veracity.config import Settings
from veracity.errors import BudgetExhausted, LLMError, LLMOutputError, LLMUnavailable
from veracity.events import Event, ProgressCallback, emit
from veracity.llm.base import LLMCall, StructuredLLM
from veracity.store import Store
from veracity.types import Claim, InputDocument, Stats


def default_llm(settings: Settings) -> StructuredLLM | None:
    """The client the settings describe (``VERACITY_LLM_BASE_URL``…), or None without one."""
    if not settings.llm_base_url:
        return None
    from veracity.llm import build_llm

    return build_llm(settings)


def bind_llm(
    llm: StructuredLLM, *, store: Store, run_id: str, stats: Stats, budget: Budget,
    progress: ProgressCallback | None, cache: bool,
) -> StructuredLLM:
    """``llm`` as this run uses it. A client with ``bind`` (:class:`veracity.llm.client.LLMClient`)
    gets the run's recorder, budget guard and — with ``cache`` — the store's answer cache; any
    other :class:`StructuredLLM` is used as it is."""

    def record(call: LLMCall) -> None:
        store.record_llm_call(run_id, call)
        budget.charge(call)
        if call.cached:
            stats.llm_cached += 1
        else:
            stats.llm_calls += 1
            stats.prompt_tokens += call.prompt_tokens
            stats.completion_tokens += call.completion_tokens
            stats.cost_usd = round(stats.cost_usd + call.cost_usd, 6)
        tokens = call.prompt_tokens + call.completion_tokens
        message = "cached" if call.cached else f"{tokens} tokens, {call.latency_ms:.0f} ms"
        emit(progress, Event(type="llm_call", run_id=run_id, stage=call.stage, message=message))

    bind = getattr(llm, "bind", None)
    if bind is None:
        return llm
    answer_cache = None
    if cache:
        from veracity.llm.cache import StoreLLMCache

        answer_cache = StoreLLMCache(store)
    bound: StructuredLLM = bind(recorder=record, cache=answer_cache, guard=budget.guard_llm)
    return bound


async def agent_checklist(
    doc: InputDocument, llm: StructuredLLM, *, settings: Settings,
    progress: ProgressCallback | None, run_id: str, rule_claims: list[Claim] | None = None,
) -> list[Claim]:
    """The LLM checklist; the rule-based splitter when the model's answer is unusable.
    ``rule_claims``: that splitter's checklist, when the caller already made it.

    A model that cannot be reached (refused connection, timeouts, errors after every retry,
    a refused key) stops the run instead: with every claim ahead needing the same model, a
    report of failures helps nobody. The run is recorded ``failed`` and can be resumed."""
    from veracity.checklist.llm import llm_checklist
    from veracity.checklist.rules import split_claims

    try:
        return await llm_checklist(doc, llm, max_claims=settings.max_claims, rule_claims=rule_claims)
    except LLMUnavailable as err:
        raise LLMUnavailable(
            f"{err} — the language model could not be used, so nothing was checked; when it is"
            f" back, finish this run with `veracity resume {run_id}` (or check without it: --no-llm)"
        ) from err
    except LLMError as err:
        if not isinstance(err, LLMOutputError):
            raise  # a refused key or model: the same for every call
        emit(progress, Event(
            type="warning", run_id=run_id,
            message=f"the LLM checklist failed ({err}); using the rule-based splitter",
        ))
        return rule_claims if rule_claims is not None else split_claims(doc, max_claims=settings.max_claims)
    except BudgetExhausted as err:
        emit(progress, Event(
            type="warning", run_id=run_id,
            message=f"the LLM checklist failed ({err}); using the rule-based splitter",
        ))
        return rule_claims if rule_claims is not None else split_claims(doc, max_claims=settings.max_claims)
