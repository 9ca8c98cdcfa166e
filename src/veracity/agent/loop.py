"""The research agent: rounds of plan → search → read → judge over the pending claims.

The rounds are global, as in the seed's run: in round *r* every pending claim plans its
queries (round 1 takes the claim itself, the checklist's queries and — with scholarly
providers — the other titles of a work the claim names, so it costs no planning call), every query goes to every provider (an identical query is sent once per run, whichever
claim asked), new web hits are read, and only then is each pending claim ranked against its
corpus hits plus *every* document read so far in the run and judged. (Without a reader no
page is read, so each claim goes on to its judgement as soon as its own searches are back.) A claim the judge settles
leaves the pending list with its verdict; one the judge cannot settle yet carries the judge's
note of what is missing into the next round's plan. When rounds, LLM calls, tokens, searches or
time run out, the claims still pending are reported ``unverifiable`` with the reason.

Everything the agent needs from a run (search, read, rank, quote verification, storing a row)
comes from :class:`veracity.run.session.RunSession`; this module only decides what to do next.
"""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from typing import TYPE_CHECKING

from veracity.agent.ledger import Budget, ClaimState, Ledger
from veracity.agent.planner import Planner
from veracity.errors import BudgetExhausted
from veracity.events import Event, emit
from veracity.judge.base import Judgement
from veracity.messages import RationaleValue, message
from veracity.run.session import claim_row, pick_reads
from veracity.search.coverage import failure_line
from veracity.text import normalize_for_match
from veracity.types import Claim, ClaimReport, Label, RationalePart, Research, SearchResult, Verdict

if TYPE_CHECKING:
    from veracity.run.session import RunSession


def note_failures(verdict: Verdict, failures: Sequence[str], lang: str) -> None:
    """Add the searches that failed for a claim to its verdict's rationale: as one more part
    when the rationale has parts (so it is still worded in either language), else as text."""
    text = "; ".join(failures)
    if verdict.rationale_parts and verdict.parts_text(lang) == verdict.rationale:
        verdict.rationale_parts.append(RationalePart(key="judge.search_failed", values={"failures": text}))
        verdict.rationale = verdict.parts_text(lang) or verdict.rationale
    else:
        verdict.rationale += " (" + text + ")"


def reason_text(lang: str, key: str, **values: object) -> str:
    return message(f"agent.{key}", lang, **values)


def stopped_verdict(lang: str, key: str, values: dict[str, RationaleValue], failures: Sequence[str],
                    before: str | None) -> Verdict:
    """The unverifiable verdict of a claim whose research stopped (``key``: why, an ``agent.``
    message with ``values``), its rationale kept as parts so that it reads in either language:
    the searches that failed and the last assessment (a model's words, as written) follow."""
    parts = [RationalePart(key="agent.exhausted", values={"reason": f"agent.{key}", **values})]
    if failures:
        parts.append(RationalePart(key="judge.search_failed", values={"failures": "; ".join(failures)}))
    if before:
        parts.append(RationalePart(key="agent.last_assessment", values={"before": before}))
    verdict = Verdict(label=Label.UNVERIFIABLE, confidence=0.0, rationale="", rationale_parts=parts)
    verdict.rationale = verdict.parts_text(lang) or ""
    return verdict


class Agent:
    """Runs the rounds for one :class:`RunSession`: ``planner`` plans the queries of rounds after
    the first, the run's judge decides.

    ``offline``: the offline pass — the rule planner, the evidence-match judge and one round. A
    claim's row is then its judgement as given (an ``unverifiable`` one names what failed while
    researching it), with no research account, as the offline reports always had; and a
    claim's searches and reads hold a concurrency slot, as a run without a model never sends
    more than ``concurrency`` claims' searches at once."""

    def __init__(self, run: RunSession, *, planner: Planner, budget: Budget, offline: bool = False) -> None:
        self.run = run
        self.planner = planner
        self.budget = budget
        self.offline = offline
        self.settings = run.settings
        self.ledger = Ledger(())
        self._last: dict[str, Judgement] = {}
        self._evidence_seen: dict[str, frozenset[str]] = {}
        self._stopped: dict[str, str] = {}  # claim id → why research stopped early
        self._new_queries: dict[str, int] = {}
        self._warming: asyncio.Future[None] | None = None

    async def regather(self, claims: Sequence[Claim], sem: asyncio.Semaphore) -> None:
        """Search again (skipping the corpus) for claims a resumed run had settled, so that the
        pages their searches read are back in the pool the pending claims are ranked against."""

        async def one(claim: Claim) -> None:
            async with sem:
                await self._search_and_read(claim, [claim.text, *await self._aliases(claim)], local=False)

        await asyncio.gather(*(one(c) for c in claims))

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
                    rows[c.id] = self._exhaust(c, "budget", detail=err)
                break
            self.run.stats.rounds = rnd
            emit(self.run.progress, Event(
                type="round_started", run_id=self.run.run_id, round=rnd,
                message=f"round {rnd}: {len(pending)} pending, {len(claims) - len(pending)} settled",
            ))
            last_round = rnd == self.budget.max_rounds
            self._warm_vectors(pending)

            async def settle(claim: Claim, rnd: int = rnd, last_round: bool = last_round, *, gather: bool) -> None:
                # a claim's row is recorded as soon as its judgement is in
                if gather:
                    await self._gather(claim, rnd, sem)
                outcome = await self._judge(claim, rnd, sem)
                row = self._conclude(claim, rnd, outcome, last_round=last_round)
                if row is not None:
                    rows[claim.id] = row

            if self.run.reader is None:
                # nothing is read from the web, so no claim waits for another's pages: each
                # claim is judged as soon as its own searches are back
                await asyncio.gather(*(settle(c, gather=True) for c in pending))
            else:
                await asyncio.gather(*(self._gather(c, rnd, sem) for c in pending))
                if self.run.documents:  # the new pages and the claims' texts, in one batch
                    await asyncio.to_thread(self.run.prepare_queries, pending)
                await asyncio.gather(*(settle(c, gather=False) for c in pending))
        for cid in self.ledger.pending():  # only reachable with max_rounds exhausted mid-way
            rows[cid] = self._exhaust(by_id[cid], "no_rounds")
        return [rows[c.id] for c in claims]

    def _warm_vectors(self, claims: Sequence[Claim]) -> None:
        """Embed the texts of ``claims`` that have no vector yet, in one batch, while their
        searches are out: ranking needs them next, and a search's wait hides the embedding.
        A failure is not kept here: the ranking that needs the vector embeds again and
        reports it for its claim."""
        if all(self.run.query_vector(c.text) is not None for c in claims if c.text.strip()):
            return
        task = asyncio.ensure_future(asyncio.to_thread(self.run.prepare_queries, claims))
        task.add_done_callback(lambda t: t.cancelled() or t.exception())
        self._warming = task  # the loop keeps only a weak reference to a task

    # --- one round for one claim -----------------------------------------------------------

    async def _queries(self, claim: Claim, rnd: int) -> list[str]:
        entry = self.ledger.entries[claim.id]
        if rnd == 1:  # the claim, the checklist's queries and its work's other titles
            return [claim.text, *claim.queries[: self.settings.queries_per_round], *await self._aliases(claim)]
        return await self.planner.plan(
            claim, lang=self.run.lang, missing=entry.missing, tried=list(entry.queries),
            n=self.settings.queries_per_round,
        )

    async def _aliases(self, claim: Claim) -> list[str]:
        failures: list[str] = []
        aliases = await self.run.alias_queries(claim, failures)
        for line in failures:
            self.run.note_failure(claim.id, line)
        return aliases

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
                run.note_failure(claim.id, f"plan: {type(err).__name__}: {err}")
                queries = []
        entry = self.ledger.entries[claim.id]
        entry.rounds = rnd
        tried = {normalize_for_match(q) for q in entry.queries}
        fresh = list(dict.fromkeys(q for q in queries if normalize_for_match(q) not in tried))
        self._new_queries[claim.id] = len(fresh)
        self.ledger.note_queries(claim.id, fresh)
        if self.offline:
            async with sem:
                await self._search_and_read(claim, fresh)
        else:
            await self._search_and_read(claim, fresh)

    async def _search_and_read(self, claim: Claim, queries: Sequence[str], *, local: bool = True) -> None:
        """Send ``queries`` to every provider (``local=False``: not the corpus) within the
        search budget, keep the corpus passages found and read the most authoritative new web
        hits (:func:`pick_reads`, ``settings.read_per_claim``)."""
        run = self.run
        found = run.found(claim.id)
        have = {p.id for p, _ in found}
        providers = [p for p in run.providers if local or p is not run.corpus]
        pairs = [(p, q) for q in queries for p in providers]
        # the budget caps what goes out to search services; the local corpus costs nothing
        remote = [(p, q) for p, q in pairs if p is not run.corpus]
        granted = self.budget.take_searches(len(remote))
        if granted < len(remote):
            run.note_failure(claim.id, "search budget spent")
            kept = set(remote[:granted])
            pairs = [(p, q) for p, q in pairs if p is run.corpus or (p, q) in kept]
        results = await asyncio.gather(
            *(run.search(p, q, claim) for p, q in pairs), return_exceptions=True
        )
        web: list[SearchResult] = []
        for (provider, _), res in zip(pairs, results, strict=True):
            if isinstance(res, BaseException):
                if not isinstance(res, Exception):
                    raise res  # a cancellation or an interrupt stops the run; a failing provider does not
                run.note_failure(claim.id, failure_line(provider.name, res))
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
        judgement = self.run.verify_quotes(judgement)
        if self.offline:
            return judgement  # the evidence-match judge settles every claim in its one round
        if judgement.verdict.label != Label.UNVERIFIABLE and not judgement.evidence:
            judgement.settled = False  # a verdict needs at least one verified quote
            judgement.missing = judgement.missing or "verbatim evidence for the verdict"
        return judgement

    def _conclude(
        self, claim: Claim, rnd: int, outcome: Judgement | BaseException, *, last_round: bool,
    ) -> ClaimReport | None:
        """Settle, exhaust or keep a claim pending after its judgement of round ``rnd``."""
        entry = self.ledger.entries[claim.id]
        if isinstance(outcome, _NoProgress):
            return self._exhaust(claim, "no_progress", n=rnd)
        if isinstance(outcome, BudgetExhausted):
            return self._exhaust(claim, "budget", detail=outcome)
        if isinstance(outcome, BaseException):
            row = self.run.failed_row(claim, outcome)
            self.ledger.exhaust(claim.id, f"{type(outcome).__name__}: {outcome}")
            return self._record(claim, row)
        self._last[claim.id] = outcome
        if self.offline:
            failures = self.run.failures(claim.id)
            if failures and outcome.verdict.label == Label.UNVERIFIABLE:
                note_failures(outcome.verdict, failures, self.run.lang)
            row = claim_row(claim, outcome.verdict, outcome.evidence[: self.settings.max_evidence])
            self.ledger.settle(claim.id, row.verdict.label.value)
            return self._record(claim, row)
        if outcome.settled and (outcome.verdict.label == Label.UNVERIFIABLE or outcome.evidence):
            row = claim_row(claim, outcome.verdict, outcome.evidence[: self.settings.max_evidence])
            self.ledger.settle(claim.id, row.verdict.label.value)
            return self._record(claim, row)
        entry.missing = outcome.missing
        if last_round:
            return self._exhaust(claim, "insufficient", n=rnd)
        if rnd > 1 and self._new_queries.get(claim.id, 0) == 0:
            return self._exhaust(claim, "no_queries", n=rnd)
        return None

    def _reason(self, key: str, **values: object) -> str:
        return reason_text(self.run.lang, key, **values)

    def _exhaust(self, claim: Claim, key: str, **values: object) -> ClaimReport:
        """The claim's research stopped (``key``: why, an ``agent.`` message): unverifiable,
        with the last assessment's evidence."""
        last = self._last.get(claim.id)
        failures = self.run.failures(claim.id)[:3]
        shown = {k: v if isinstance(v, int | list) else str(v) for k, v in values.items()}
        verdict = stopped_verdict(self.run.lang, key, shown, failures,
                                  last.verdict.rationale if last else None)
        evidence = last.evidence[: self.settings.max_evidence] if last else []
        row = claim_row(claim, verdict, evidence)
        reason = self._reason(key, **values) + (" (" + "; ".join(failures) + ")" if failures else "")
        self.ledger.exhaust(claim.id, reason)
        return self._record(claim, row)

    def _record(self, claim: Claim, row: ClaimReport) -> ClaimReport:
        """Attach the ledger's account of the claim to its row (not in the offline pass) and
        store the row."""
        entry = self.ledger.entries[claim.id]
        if not self.offline:
            row.research = Research(
                state="settled" if entry.state is ClaimState.SETTLED else "exhausted",
                rounds=entry.rounds, queries=list(entry.queries), reason=entry.reason,
            )
        self.run.record(claim, row)
        return row


class _NoProgress(Exception):
    """A round brought the claim no new passage."""
