"""The offline judge ("evidence-match"): explainable verdicts without a language model.

It reads evidence the way a careful checker does:

1. **Slots** (:mod:`veracity.judge.slots`): the claim's subject, the relation it asserts and the
   values it binds to the subject — names and titles, quantities, years and dates, categories.
2. **Binding** (:mod:`veracity.judge.binding`): for every ranked passage, each value is *bound*
   to the subject in one sentence, *found unbound* (elsewhere, or attached to another name),
   *contradicted in the same frame* (another year, number, prize field…), or *absent*; the
   passage may negate the claim or credit the work to someone else.
3. **Decision** (:mod:`veracity.judge.decide`): hard rules for unambiguous evidence, then a
   small learned model (:mod:`veracity.judge.model`, trained on Factcheck-Bench by
   ``python -m veracity.judge.train``) for the stance of each passage and the thresholds;
   ``unverifiable`` when the sources do not decide.
4. **Honest quotes**: a quote is ``supports`` only when its sentence binds a claimed value to
   the subject, ``refutes`` when it binds a conflicting one; the deciding quote comes first and
   the rationale names each value and where it was (or was not) found.

The confidence is the calibrated probability that the label is right (see ``model``).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from veracity.evidence.authority import authority_rank, count_independent
from veracity.evidence.tokenize import content_terms
from veracity.judge import lexicon
from veracity.judge.aliases import AliasLink, has_alias_statement, link_aliases, name_pairs
from veracity.judge.base import Judgement
from veracity.judge.binding import (
    BOUND,
    CONTRADICTED,
    UNBOUND,
    PassageAlignment,
    TermUnits,
    align,
    union_terms,
)
from veracity.judge.credit import claimed_doers, role_holders
from veracity.judge.decide import Decision, claim_features, decide, hedge
from veracity.judge.frames import CJK, life_dates
from veracity.judge.model import JudgeModel, load_default
from veracity.judge.slots import ClaimSlots, Slot, anchors_of, claim_slots, same_name
from veracity.messages import RationaleValue, rationale_text
from veracity.text import normalize_for_match
from veracity.types import (
    Claim,
    Evidence,
    Label,
    RankedPassage,
    RationalePart,
    SourceKind,
    Stance,
    Verdict,
)

__all__ = ["EvidenceMatchJudge", "Facets", "extract_facets", "same_name"]

_MAX_PASSAGES = 12  # alignments per claim (ranked best first)
# what an award or a role was for: "for her work on protein folding", "for his discovery of …"
_WHAT_FOR = re.compile(
    r"\bfor\s+(?:his|her|their|its)\s+(?:(?:pioneering|seminal|groundbreaking)\s+)?"
    r"(?:work|research|contributions?|discovery|discoveries|studies|role)\s+(?:on|in|of|to)\s+([^.;]+)",
    re.IGNORECASE,
)

_LEADS = ("negated", "support_one", "support_bound", "support_across", "partial", "refute", "weak", "stated",
          "bound_all", "conflict_partly", "hearsay", "planned")  # the rules whose name leads the rationale (judge.lead_*)




def _mostly_chinese(passages: Sequence[RankedPassage]) -> bool:
    """Most of the passages are written in Chinese (a third of their letters or more)."""
    if not passages:
        return False
    chinese = 0
    for rp in passages:
        text = rp.passage.text
        letters = sum(1 for ch in text if ch.isalpha())
        if letters and len(CJK.findall(text)) * 3 >= letters:
            chinese += 1
    return chinese * 2 > len(passages)


@dataclass
class Facets:
    """The names and titles of a claim (what the research pipeline searches titles with)."""

    anchors: list[str]


def extract_facets(claim: Claim) -> Facets:
    return Facets(anchors=anchors_of(claim.text))


def _previous_id(passage_id: str) -> str:
    """The id of the passage just before this one in its document ("doc:3" → "doc:2")."""
    doc, _, n = passage_id.rpartition(":")
    return f"{doc}:{int(n) - 1}" if n.isdigit() and int(n) > 0 else ""


Part = tuple[str, dict[str, RationaleValue]]
"""One sentence of a rationale: a catalogue key and its values (see :mod:`veracity.messages`)."""


def _verdict(label: Label, confidence: float, parts: list[Part], lang: str) -> Verdict:
    """A verdict whose rationale is worded from ``parts`` in ``lang``, the parts kept with it."""
    return Verdict(
        label=label, confidence=confidence, rationale=rationale_text(parts, lang),
        rationale_parts=[RationalePart(key=k, values=v) for k, v in parts],
    )


class EvidenceMatchJudge:
    """Deterministic judge from ranked passages. Uses no language model."""

    name = "evidence-match"
    uses_llm = False

    def __init__(
        self,
        *,
        max_evidence: int = 3,
        subject: str | None = None,
        aliases: dict[str, list[str]] | None = None,
        model: JudgeModel | None = None,
    ) -> None:
        self.max_evidence = max_evidence
        self.subject = subject
        self.aliases: dict[str, list[str]] = aliases if aliases is not None else {}
        self.model = model or load_default()

    async def judge(self, claim: Claim, passages: list[RankedPassage], lang: str) -> Judgement:
        return self.judge_sync(claim, passages, lang)

    def judge_sync(self, claim: Claim, passages: list[RankedPassage], lang: str) -> Judgement:
        lang = "zh" if lang == "zh" else "en"
        # the top passages, and any further one that states another name of a work (the
        # research stage appends those after the ranked ones)
        linking = {rp.source.url for rp in passages if has_alias_statement(rp.passage.text)}
        passages = passages[:_MAX_PASSAGES] + [
            rp for rp in passages[_MAX_PASSAGES:] if rp.source.url in linking
        ]
        names = anchors_of(claim.text) + ([self.subject] if self.subject else [])
        links = link_aliases(names, passages)
        aliases = {k: list(v) for k, v in self.aliases.items()}
        for link in links:
            aliases.setdefault(link.name, []).append(link.alias)
        for name, other in name_pairs(passages, names):  # 杰克·雷(Jack Rae): one person
            aliases.setdefault(name, []).append(other)
        cs = claim_slots(claim.text, self.subject, aliases)
        if CJK.search(claim.text):
            # the passages about the subject (else all) are in Chinese: what a Chinese
            # relation word binds can be found there, so it becomes a value to check
            about = [rp for rp in passages if cs.subject and cs.subject in rp.passage.index_text]
            if _mostly_chinese(about or passages):
                cs = claim_slots(claim.text, self.subject, aliases, chinese_evidence=True)
        units = TermUnits(cs)
        text_of = {rp.passage.id: rp.passage.text for rp in passages}
        als = [align(cs, rp, units, before=text_of.get(_previous_id(rp.passage.id), "")) for rp in passages]
        if not als:
            return self._nothing(lang, had=bool(passages))
        probs = self.model.pair.proba([a.features for a in als])
        wording = union_terms(units, als)
        levels = self.model.claim.proba([claim_features(cs, als, wording)])[0]
        d = hedge(cs, als, decide(cs, als, probs, levels, self.model.thresholds, wording))
        if d.label == Label.UNVERIFIABLE and float(probs[:, :3].sum(axis=1).max()) < 0.25 and not any(
            al.status(s) == BOUND for al in als for s in cs.core
        ):
            return self._nothing(lang, had=True, confidence=self.model.confidence("unverifiable", d.score))
        stances, quote_at = self._stances(cs, als, probs, d)
        known = [AliasLink(name=k, alias=a, passage=-1, quote="") for k, v in self.aliases.items() for a in v]
        used = self._links_used(cs, als, links + known, stances)
        for link in (u for u in used if u.passage >= 0):  # the passage that links them is proof too
            stances[link.passage] = Stance.SUPPORTS
            quote_at[link.passage] = next(
                (j for j, s in enumerate(als[link.passage].sentences) if link.quote in s.text or s.text in link.quote),
                quote_at.get(link.passage),
            )
            d.deciding.append(link.passage)
        evidence = self._evidence(cs, als, stances, quote_at, d)
        label = d.label
        if label in (Label.TRUE, Label.MOSTLY_TRUE) and not any(e.stance == Stance.SUPPORTS for e in evidence):
            # no quote states the claim: not confirmed, and the rationale says what was found
            bound = any(al.bound(cs.core) for al in als)
            label = Label.PARTLY_TRUE if bound else Label.UNVERIFIABLE
            d = Decision(label, d.score, "partial" if bound else "weak", d.deciding, d.conflicts, d.credited)
        unstated: list[str] = []
        if label in (Label.TRUE, Label.MOSTLY_TRUE):
            # "the youngest director": the passages that confirm the rest must say that too
            said = " ".join(als[i].rp.passage.text.lower() for i in set(d.deciding) if i < len(als))
            said += " " + " ".join(e.quote.lower() for e in evidence if e.stance == Stance.SUPPORTS)
            unstated = [w for w in lexicon.uniqueness_words(claim.text) if w.lower() not in said]
            # "for her work on quantum computing": what an award or a role was for is a point of
            # the claim; two of its words that no confirming passage has leave it unconfirmed
            reason = _WHAT_FOR.search(claim.text)
            if reason is not None:
                said_terms = content_terms(said)
                wanted = reason.group(1).lower()
                absent = sorted((w for w in content_terms(wanted) if w not in said_terms and not CJK.search(w)),
                                key=wanted.find)  # in the claim's order
                if len(absent) >= 2:
                    unstated += absent
            if unstated:
                label = Label.PARTLY_TRUE
                d = Decision(label, d.score, "partial", d.deciding, d.conflicts, d.credited)
        parts = self._rationale(cs, als, d)
        if unstated:
            parts.append(("judge.missing", {"items": unstated}))
        for link in used:
            key = "judge.same_work_indexed" if link.passage < 0 else "judge.same_work_stated"
            parts.append((key, {"name": link.name, "alias": link.alias}))
        supporting = [e.source for e in evidence if e.stance == Stance.SUPPORTS]
        if supporting:
            n = count_independent([s.url for s in supporting])
            if n:
                parts.append(("judge.independent", {"n": n}))
            if label == Label.TRUE and all(s.kind == SourceKind.SOCIAL for s in supporting):
                label = Label.MOSTLY_TRUE
                parts.append(("judge.social_only", {}))
        confidence = self.model.confidence(label.value, d.score, d.rule if label == d.label else None)
        return Judgement(verdict=_verdict(label, confidence, parts, lang), evidence=evidence)

    # --- stances and quotes -------------------------------------------------------------------

    @staticmethod
    def _links_used(
        cs: ClaimSlots, als: list[PassageAlignment], links: list[AliasLink], stances: dict[int, Stance]
    ) -> list[AliasLink]:
        """The alias links a supporting passage relies on: it names the work only by its alias."""
        used: list[AliasLink] = []
        for link in links:
            alias_key, name_key = normalize_for_match(link.alias), normalize_for_match(link.name)
            for i, al in enumerate(als):
                if stances.get(i) != Stance.SUPPORTS or i == link.passage:
                    continue
                hay = normalize_for_match(al.rp.passage.text)
                if alias_key in hay and name_key not in hay:
                    used.append(link)
                    break
        return list({(u.name, u.alias): u for u in used}.values())

    @staticmethod
    def _stating(cs: ClaimSlots, al: PassageAlignment) -> tuple[int | None, list[Slot]]:
        """The sentence of a passage that states the most of the claim about its subject
        (the claim's key value first), and the values it states."""
        best: tuple[tuple[bool, int, int], int, list[Slot]] | None = None
        key = cs.key
        for j in range(len(al.sentences)):
            got = [s for s in cs.core if al.states(j, s, cs)]
            if not got:
                continue
            score = (key is None or any(g is key for g in got), len(got), -j)
            if best is None or score > best[0]:
                best = (score, j, got)
        return (best[1], best[2]) if best else (None, [])

    def _stances(
        self, cs: ClaimSlots, als: list[PassageAlignment], probs: np.ndarray, d: Decision
    ) -> tuple[dict[int, Stance], dict[int, int | None]]:
        """Each passage's stance and the sentence to quote. ``supports`` only when that
        sentence states the claim's key value and at least half its values about the subject;
        ``refutes`` when it states a conflicting value or credits someone else."""
        out: dict[int, Stance] = {}
        quote_at: dict[int, int | None] = {}
        core = cs.core
        need = (len(core) + 1) // 2
        positive = d.label in (Label.TRUE, Label.MOSTLY_TRUE, Label.PARTLY_TRUE)
        for i, al in enumerate(als):
            conflicts = [m for _, m in al.conflicts() if m.sentence is not None]
            if d.credited and d.credited[1] == i:
                out[i], quote_at[i] = Stance.REFUTES, al.credit_sentence
                continue
            if i in d.deciding and conflicts and d.label in (Label.FALSE, Label.PARTLY_TRUE):
                out[i], quote_at[i] = Stance.REFUTES, conflicts[0].sentence
                continue
            if d.rule == "conflict" and i in d.deciding and al.rank_conflict is not None:
                out[i], quote_at[i] = Stance.REFUTES, al.rank_conflict[0]
                continue
            if d.rule == "negated" and al.negated_at is not None:
                out[i], quote_at[i] = Stance.REFUTES, al.negated_at
                continue
            if d.label == Label.FALSE and d.rule == "refute" and i in d.deciding:
                out[i], quote_at[i] = Stance.REFUTES, al.best_sentence
                continue
            if al.role_stated is not None and d.label in (Label.TRUE, Label.MOSTLY_TRUE):
                out[i], quote_at[i] = Stance.SUPPORTS, al.role_stated
                continue
            j, got = self._stating(cs, al)
            clean = j is not None and not any(m.sentence == j for m in conflicts)
            # a birth or a death is stated only with its word ("a start-up based in Valencia"
            # does not say where anyone was born); an unverifiable claim has no supporting quote
            said = j is not None and (cs.relation not in ("birth", "death") or lexicon.has_relation(
                al.sentences[j].low, cs.relation or "") or life_dates(al.sentences[j].text, cs) is not None)
            if (core and clean and said and d.label != Label.UNVERIFIABLE and len(got) >= need
                    and (cs.key is None or any(g is cs.key for g in got))):
                out[i], quote_at[i] = Stance.SUPPORTS, j
            elif (
                not core and positive and not al.list_like and al.subject_in_passage
                and i in d.deciding and al.term_best >= 0.5
                and probs[i, 0] + probs[i, 1] >= 0.5
            ):
                out[i], quote_at[i] = Stance.SUPPORTS, al.best_sentence
            else:
                out[i], quote_at[i] = Stance.MENTIONS, j if j is not None else al.best_sentence
        return out, quote_at

    @staticmethod
    def _quote(al: PassageAlignment, j: int | None) -> str:
        """Sentence ``j`` of the passage, verbatim (a short heading-like line with the next)."""
        sents = al.sentences
        if not sents:
            return al.rp.passage.text.strip()
        j = j if j is not None else (al.best_sentence or 0)
        text = al.rp.passage.text
        quote = sents[j].text.strip()
        if len(normalize_for_match(quote)) < 25 and j + 1 < len(sents):
            quote = text[sents[j].start : sents[j + 1].end].strip()
        return re.sub(r"^(?:[#>*+\-•|]+|\d+[.)、])\s*", "", quote) or quote

    def _evidence(
        self, cs: ClaimSlots, als: list[PassageAlignment], stances: dict[int, Stance],
        quote_at: dict[int, int | None], d: Decision,
    ) -> list[Evidence]:
        rank = {Stance.REFUTES: 0, Stance.SUPPORTS: 1, Stance.MENTIONS: 2}
        first = list(dict.fromkeys(d.deciding))
        if d.label in (Label.TRUE, Label.MOSTLY_TRUE, Label.PARTLY_TRUE):
            first.sort(key=lambda i: (rank[stances[i]] if stances[i] != Stance.REFUTES else 3))
        order = first + sorted(
            (i for i in range(len(als)) if i not in first),
            key=lambda i: (
                rank[stances[i]],
                -len(als[i].bound(cs.core)),
                -authority_rank(als[i].rp.source.kind),
                i,
            ),
        )
        out: list[Evidence] = []
        seen: set[str] = set()
        covered: set[str] = set()
        for i in order:
            al = als[i]
            stance = stances[i]
            if stance == Stance.MENTIONS and out and al.term_best < 0.34 and not al.bound(cs.core):
                continue  # a passage about something else is no evidence at all
            if stance == Stance.SUPPORTS:
                new = {s.key for s in al.bound(cs.core)} - covered
                if covered and not new and len(out) >= 2:
                    continue
                covered |= {s.key for s in al.bound(cs.core)}
            quote = self._quote(al, quote_at[i])
            key = normalize_for_match(quote)
            if not key or key in seen:
                continue
            seen.add(key)
            out.append(Evidence(quote=quote, stance=stance, source=al.rp.source, page=al.rp.passage.page,
                                passage_id=al.rp.passage.id))
            if len(out) >= self.max_evidence:
                break
        return out

    # --- wording ------------------------------------------------------------------------------

    def _nothing(self, lang: str, *, had: bool, confidence: float | None = None) -> Judgement:
        conf = confidence if confidence is not None else self.model.confidence("unverifiable", 1.0)
        parts: list[Part] = [("judge.nothing_about" if had else "judge.nothing_found", {})]
        return Judgement(verdict=_verdict(Label.UNVERIFIABLE, conf, parts, lang))

    def _rationale(self, cs: ClaimSlots, als: list[PassageAlignment], d: Decision) -> list[Part]:
        """The rationale's sentences: the rule that decided, who else is credited, what
        contradicts, and where each of the claim's values was (or was not) found."""
        parts: list[Part] = []

        def where(slot: Slot) -> str:
            for al in als:
                if al.status(slot) == BOUND:
                    return BOUND
            for al in als:
                if al.status(slot) == UNBOUND:
                    return UNBOUND
            for al in als:
                if al.status(slot) == CONTRADICTED:
                    return CONTRADICTED
            return "absent"

        if d.credited:
            name = d.credited[0]
            roles = role_holders(cs.text)
            agents = claimed_doers(cs)
            if roles and roles[0][1]:
                parts.append(("judge.credited", {"name": name, "claimed": roles[0][1]}))
            elif not roles and "、".join(agents):  # a list of one empty name names no one
                parts.append(("judge.credited_agents", {"name": name, "agents": list(agents)}))
            elif not roles and cs.subject:
                parts.append(("judge.credited", {"name": name, "claimed": cs.subject}))
            else:
                parts.append(("judge.credited_subject", {"name": name}))
        if d.conflicts:
            items = [f"{s.text} ≠ {other}" for s, other, _ in d.conflicts[:3]]
            parts.append(("judge.contradicted", {"conflicts": items}))
        if d.rule in _LEADS:
            parts.insert(0, (f"judge.lead_{d.rule}", {}))
        status = {s.key: where(s) for s in cs.core}
        bound = [s.text for s in cs.core if status[s.key] == BOUND]
        unbound = [s.text for s in cs.core if status[s.key] == UNBOUND]
        missing = [s.text for s in cs.core if status[s.key] == "absent"]
        if bound and not d.conflicts:
            parts.append(("judge.bound", {"items": bound}))
        if unbound:
            parts.append(("judge.unbound", {"items": unbound}))
        if missing:
            parts.append(("judge.missing", {"items": missing}))
        if not cs.core:
            best = max((al.term_pair for al in als), default=0.0)
            parts.append(("judge.key_words", {"pct": round(100 * best)}))
        return parts
