"""The research agent: rounds of plan → search → read → judge over the pending claims.

The rounds are global, as in the seed's run: in round *r* every pending claim plans its
queries (round 1 takes the checklist's queries and the claim itself, so it costs no planning
call), every query goes to every provider (an identical query is sent once per run, whichever
claim asked), new web hits are read, and only then is each pending claim ranked against its
corpus hits plus *every* document read so far in the run and judged. (Without a reader no
page is read, so each claim goes on to its judgement as soon as its own searches are back.) A claim the judge settles
leaves the pending list with its verdict; one the judge cannot settle yet carries the judge's
note of what is missing into the next round's plan. When rounds, LLM calls, tokens, searches or
time run out, the claims still pending are reported ``unverifiable`` with the reason.

Everything the agent needs from a run (search, read, rank, quote verification, storing a row)
comes from :class:`veracity.pipeline.Run`; this module only decides what to do next.
"""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from typing import TYPE_CHECKING

from veracity.agent.ledger import Budget, ClaimState, Ledger
from veracity.agent.planner import plan_queries
from veracity.errors import BudgetExhausted
from veracity.events import Event, emit
from veracity.judge.base import Judgement
from veracity.llm.base import StructuredLLM
from veracity.search.coverage import failure_line
from veracity.text import normalize_for_match
from veracity.types import Claim, ClaimReport, Label, Research, SearchResult, Verdict

if TYPE_CHECKING:
    from veracity.pipeline import Run


# why research on a claim stopped, in the report's two languages
_REASONS = {
    "no_rounds": ("no rounds left", "没有剩余的核查轮次"),
    "no_progress": ("no new evidence turned up in round {n}", "第 {n} 轮没有找到新的证据"),
    "insufficient": ("the evidence was still insufficient after {n} rounds", "{n} 轮核查后证据仍不充分"),
    "no_queries": ("the planner found no new query to try in round {n}", "第 {n} 轮没有可尝试的新检索词"),
    "budget": ("{detail}", "核查预算已用尽({detail})"),
}


def reason_text(lang: str, key: str, **values: object) -> str:
    from veracity.messages import message  # the catalogue's agent section

    return message(f"agent.{key}", lang, **values)


def _exhausted_text(lang: str, reason: str, before: str | None) -> str:
    from veracity.messages import message  # the catalogue's agent section

    head = message("agent.exhausted", lang, reason=reason)
    return head + (message("agent.last_assessment", lang, before=before) if before else "")


class Agent:
    """Runs the rounds for one :class:`Run`; ``llm`` plans queries, the run's judge decides."""

    def __init__(self, run: Run, *, llm: StructuredLLM, budget: Budget) -> None:
        self.run = run
        self.llm = llm
        self.budget = budget
        self.settings = run.settings
        self.ledger = Ledger(())
        self._last: dict[str, Judgement] = {}
        self._evidence_seen: dict[str, frozenset[str]] = {}
        self._stopped: dict[str, str] = {}  # claim id → why research stopped early
        self._new_queries: dict[str, int] = {}

    async def research_all(self, claims: Sequence[Claim], sem: asyncio.Semaphore) -> list[ClaimReport]:
        """Research and settle every claim; returns the rows in checklist order."""
        self.ledger = Ledger(c.id for c in claims)
        by_id = {c.id: c for c in claims}
        rows: dict[str, ClaimReport] = {}
        for rnd in range(1, self.budget.max_rounds + 1):
            pending = [by_id[i] for i in self.ledger.pending()]
            if not pending:
                break
            try:
                self.budget.guard_time()
            except BudgetExhausted as err:
                for c in pending:
                    rows[c.id] = self._exhaust(c, self._reason("budget", detail=err))
                break
            self.run.stats.rounds = rnd
            emit(self.run.progress, Event(
                type="round_started", run_id=self.run.run_id, round=rnd,
                message=f"round {rnd}: {len(pending)} pending, {len(claims) - len(pending)} settled",
            ))
            if self.run.reader is None:
                # nothing is read from the web, so no claim waits for another's pages: each
                # claim is judged as soon as its own searches are back
                outcomes = await asyncio.gather(*(self._gather_and_judge(c, rnd, sem) for c in pending))
            else:
                await asyncio.gather(*(self._gather(c, rnd, sem) for c in pending))
                outcomes = await asyncio.gather(*(self._judge(c, rnd, sem) for c in pending))
            last_round = rnd == self.budget.max_rounds
            for claim, outcome in zip(pending, outcomes, strict=True):
                row = self._conclude(claim, rnd, outcome, last_round=last_round)
                if row is not None:
                    rows[claim.id] = row
        for cid in self.ledger.pending():  # only reachable with max_rounds exhausted mid-way
            rows[cid] = self._exhaust(by_id[cid], self._reason("no_rounds"))
        return [rows[c.id] for c in claims]

    # --- one round for one claim -----------------------------------------------------------

    async def _queries(self, claim: Claim, rnd: int) -> list[str]:
        entry = self.ledger.entries[claim.id]
        if rnd == 1:
            return [claim.text, *claim.queries[: self.settings.queries_per_round]]
        return await plan_queries(
            claim, self.llm, lang=self.run.lang, missing=entry.missing, tried=list(entry.queries),
            n=self.settings.queries_per_round,
        )

    async def _gather(self, claim: Claim, rnd: int, sem: asyncio.Semaphore) -> None:
        """Plan, search and read for one claim (errors are kept for the rationale)."""
        run = self.run
        async with sem:
            try:
                queries = await self._queries(claim, rnd)
            except BudgetExhausted as err:
                self._stopped[claim.id] = str(err)
                return
            except Exception as err:  # a planning failure leaves the claim with what it has
                run._failures.setdefault(claim.id, []).append(f"plan: {type(err).__name__}: {err}")
                queries = []
        entry = self.ledger.entries[claim.id]
        entry.rounds = rnd
        tried = {normalize_for_match(q) for q in entry.queries}
        fresh = [q for q in queries if normalize_for_match(q) not in tried]
        self._new_queries[claim.id] = len(fresh)
        self.ledger.note_queries(claim.id, fresh)
        found = run._found.setdefault(claim.id, [])
        have = {p.id for p, _ in found}
        pairs = [(p, q) for q in fresh for p in run.providers]
        left = self.budget.searches_left(run.stats.searches)
        if len(pairs) > left:
            run._failures.setdefault(claim.id, []).append("search budget spent")
            pairs = pairs[:left]
        results = await asyncio.gather(
            *(run.search(p, q, claim) for p, q in pairs), return_exceptions=True
        )
        web: list[SearchResult] = []
        for (provider, _), res in zip(pairs, results, strict=True):
            if isinstance(res, BaseException):
                run._failures.setdefault(claim.id, []).append(failure_line(provider.name, res))
                continue
            for r in res:
                if r.passage is not None and run.corpus is not None and r.provider == run.corpus.name:
                    if r.passage.id not in have:
                        have.add(r.passage.id)
                        found.append((r.passage, run.corpus.source_for(r.url)))
                elif run.reader is not None and r.url not in run.documents:
                    web.append(r)
        to_read = pick_reads(web, self.settings.read_per_claim)
        if to_read:
            await asyncio.gather(*(run.read(u) for u in to_read))

    async def _gather_and_judge(
        self, claim: Claim, rnd: int, sem: asyncio.Semaphore,
    ) -> Judgement | BaseException:
        await self._gather(claim, rnd, sem)
        return await self._judge(claim, rnd, sem)

    async def _judge(self, claim: Claim, rnd: int, sem: asyncio.Semaphore) -> Judgement | BaseException:
        if claim.id in self._stopped:
            return BudgetExhausted(self._stopped[claim.id])
        async with sem:
            try:
                ranked = await self.run.ranked(claim)
                seen = frozenset(r.passage.id for r in ranked)
                if rnd > 1 and seen == self._evidence_seen.get(claim.id):
                    # nothing new came in: asking the judge again would repeat its last answer
                    return _NoProgress()
                self._evidence_seen[claim.id] = seen
                judgement = await self.run.judge.judge(claim, ranked, self.run.lang)
            except Exception as err:  # BudgetExhausted included
                return err
        judgement = self.run._verify_quotes(judgement)
        if judgement.verdict.label != Label.UNVERIFIABLE and not judgement.evidence:
            judgement.settled = False  # a verdict needs at least one verified quote
            judgement.missing = judgement.missing or "verbatim evidence for the verdict"
        return judgement

    def _conclude(
        self, claim: Claim, rnd: int, outcome: Judgement | BaseException, *, last_round: bool,
    ) -> ClaimReport | None:
        """Settle, exhaust or keep a claim pending after its judgement of round ``rnd``."""
        from veracity.pipeline import _row

        entry = self.ledger.entries[claim.id]
        if isinstance(outcome, _NoProgress):
            return self._exhaust(claim, self._reason("no_progress", n=rnd))
        if isinstance(outcome, BudgetExhausted):
            return self._exhaust(claim, self._reason("budget", detail=outcome))
        if isinstance(outcome, BaseException):
            row = self.run.failed_row(claim, outcome)
            self.ledger.exhaust(claim.id, f"{type(outcome).__name__}: {outcome}")
            return self._record(claim, row)
        self._last[claim.id] = outcome
        if outcome.settled and (outcome.verdict.label == Label.UNVERIFIABLE or outcome.evidence):
            row = _row(claim, outcome.verdict, outcome.evidence[: self.settings.max_evidence])
            self.ledger.settle(claim.id, row.verdict.label.value)
            return self._record(claim, row)
        entry.missing = outcome.missing
        if last_round:
            return self._exhaust(claim, self._reason("insufficient", n=rnd))
        if rnd > 1 and self._new_queries.get(claim.id, 0) == 0:
            return self._exhaust(claim, self._reason("no_queries", n=rnd))
        return None

    def _reason(self, key: str, **values: object) -> str:
        return reason_text(self.run.lang, key, **values)

    def _exhaust(self, claim: Claim, reason: str) -> ClaimReport:
        from veracity.pipeline import _row

        last = self._last.get(claim.id)
        failures = self.run._failures.get(claim.id, [])
        if failures:
            reason += " (" + "; ".join(failures[:3]) + ")"
        rationale = _exhausted_text(self.run.lang, reason, last.verdict.rationale if last else None)
        verdict = Verdict(label=Label.UNVERIFIABLE, confidence=0.0, rationale=rationale)
        evidence = last.evidence[: self.settings.max_evidence] if last else []
        row = _row(claim, verdict, evidence)
        self.ledger.exhaust(claim.id, reason)
        return self._record(claim, row)

    def _record(self, claim: Claim, row: ClaimReport) -> ClaimReport:
        """Attach the ledger's account of the claim to its row and store the row."""
        entry = self.ledger.entries[claim.id]
        row.research = Research(
            state="settled" if entry.state is ClaimState.SETTLED else "exhausted",
            rounds=entry.rounds, queries=list(entry.queries), reason=entry.reason,
        )
        self.run.record(claim, row)
        return row


def pick_reads(results: Sequence[SearchResult], n: int) -> list[str]:
    """The ``n`` web hits worth reading: the most authoritative kinds first (primary, scholarly,
    encyclopedia, news, unknown, social), one page per owner before a second from the same one,
    the search engines' order breaking ties."""
    from veracity.evidence.authority import authority_rank, classify, owner

    seen: set[str] = set()
    ranked: list[tuple[int, int, str]] = []
    for order, r in enumerate(results):
        if r.url in seen:
            continue
        seen.add(r.url)
        kind = classify(r.url, title=r.title, provider=r.provider)
        ranked.append((-authority_rank(kind), order, r.url))
    ranked.sort()
    picked: list[str] = []
    owners: set[str] = set()
    for _, _, url in ranked:  # first pass: one page per owner
        if len(picked) < n and owner(url) not in owners:
            owners.add(owner(url))
            picked.append(url)
    for _, _, url in ranked:
        if len(picked) < n and url not in picked:
            picked.append(url)
    return picked


class _NoProgress(Exception):
    """A round brought the claim no new passage."""
