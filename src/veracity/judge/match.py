"""The offline judge ("evidence-match"): deterministic, explainable verdicts without a model.

A claim is broken into *facets* — the things a reader would check:

* **anchors**: names, titles and terms written in Latin script ("Jack Rae", "NeurIPS", "GPT-4"),
  quoted titles (“…”, "…", 《…》) and the subject;
* **numbers**: quantities, percentages and years, normalised across languages
  (2800亿 = 280 billion = 280B);
* **terms**: the remaining content words (CJK bigrams, English words), scored as coverage.

Each ranked passage is tested for every facet: *found*, *contradicted* (the passage talks about the
same thing with another number, or negates it) or *absent*. The verdict follows from the facets:

* every facet found, in one passage that reads like the claim      → ``true``
* every facet found, spread over passages, or most facets found     → ``mostly_true``
* a part found and a part missing or contradicted                  → ``partly_true``
* the passages talk about the claim's subject but contradict its core → ``false``
* the work is credited to someone else in the evidence             → ``misattributed``
* nothing relevant                                                 → ``unverifiable``

The judge prefers saying ``unverifiable`` to guessing, and its rationale names the facets it found
and missed, so a reader can check the reasoning against the quotes.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from veracity.evidence.authority import authority_rank, count_independent
from veracity.evidence.numbers import NumberMention, extract_numbers, same_quantity
from veracity.evidence.tokenize import content_terms
from veracity.judge.base import Judgement
from veracity.text import normalize_for_match, sentence_spans
from veracity.types import (
    Claim,
    Evidence,
    Label,
    RankedPassage,
    SourceKind,
    Stance,
    Verdict,
)

# Latin-script names and terms: "Jack W. Rae", "GPT-4", "Gemini 2.5", "NeurIPS", "UCL".
_LATIN_PHRASE = re.compile(
    r"(?:[A-Z][A-Za-z0-9\-\.&']*|[A-Za-z]+-\d[\w.]*)(?:\s+(?:of|and|the|de|for|[A-Z][A-Za-z0-9\-\.&']*|\d+(?:\.\d+)*))*"
)
_QUOTED = re.compile(r"[“\"「『《]([^”\"」』》]{2,80})[”\"」』》]")
_STOP_ANCHORS = {
    "the", "a", "an", "in", "on", "of", "and", "he", "she", "it", "his", "her", "they", "their",
    "this", "that", "these", "those", "as", "at", "by", "for", "from", "with", "is", "was", "i",
    "we", "our", "its", "one", "also", "after", "before", "during", "when", "while", "there",
    "in addition", "however", "since", "then", "but", "or", "mr", "ms", "dr", "prof",
}

_NEGATION_EN = re.compile(
    r"\b(not|never|no longer|neither|nor|denied|denies|false(?:ly)?|incorrect(?:ly)?|"
    r"did not|does not|was not|were not|isn't|wasn't|weren't|didn't|doesn't|hasn't|haven't)\b",
    re.I,
)
_NEGATION_ZH = re.compile(r"(并非|不是|并不|没有|未曾|从未|否认|不属实|不包括|不在|未能|并未|未获|未被)")
_ATTRIBUTION_CLAIM = re.compile(
    r"(提出|首创|发明|创立|开创|coined|proposed|invented|introduced|originated|founded|pioneered)",
    re.I,
)
_ATTRIBUTION_EVIDENCE = re.compile(
    r"(introduced (?:independently )?by|proposed by|invented by|coined by|originated with|"
    r"first (?:proposed|introduced|described)|由\S{1,20}?(?:提出|首创|发明)|(?:最早|首先)由)",
    re.I,
)


_PARTIAL = 0.34  # credit for a multi-word term whose head word alone was found


def _minor(n: NumberMention) -> bool:
    """Small counts ("三大机构", "two labs") are rarely restated literally; missing them is no
    evidence against the claim, so they only count when found."""
    return n.kind == "count" and abs(n.value) < 10


# kinds of number that can be compared with each other (2025 vs June 2025, 一半 vs 50%)
_KIND_GROUP = {"count": "count", "percent": "ratio", "fraction": "ratio", "year": "time",
               "date": "time", "ordinal": "ordinal"}


@dataclass
class Facets:
    anchors: list[str]
    numbers: list[NumberMention]
    terms: set[str]
    subject: str | None = None
    aliases: dict[str, list[str]] = field(default_factory=dict)
    """Other names of an anchor (a paper's proceedings title for its arXiv title)."""

    @property
    def count(self) -> int:
        return len(self.anchors) + len(self.numbers)

    def is_subject(self, anchor: str) -> bool:
        """True for the document's subject ("Jack Rae"), which nearly every passage names."""
        return bool(self.subject) and same_name(anchor, self.subject or "")

    @property
    def core_anchors(self) -> list[str]:
        return [a for a in self.anchors if not self.is_subject(a)]


@dataclass
class PassageCheck:
    """How one passage bears on the claim's facets."""

    rp: RankedPassage
    found_anchors: list[str] = field(default_factory=list)
    partial_anchors: list[str] = field(default_factory=list)
    missing_anchors: list[str] = field(default_factory=list)
    subject_found: bool = False
    via_alias: dict[str, str] = field(default_factory=dict)
    found_numbers: list[NumberMention] = field(default_factory=list)
    conflicting_numbers: list[tuple[NumberMention, NumberMention]] = field(default_factory=list)
    missing_numbers: list[NumberMention] = field(default_factory=list)
    term_coverage: float = 0.0
    negated: bool = False
    credits_other: bool = False

    @property
    def anchor_coverage(self) -> float:
        n = len(self.found_anchors) + len(self.partial_anchors) + len(self.missing_anchors)
        got = len(self.found_anchors) + _PARTIAL * len(self.partial_anchors)
        return got / n if n else 0.0

    @property
    def facet_coverage(self) -> float:
        """Share of the claim's core facets (subject excluded) this passage confirms."""
        total = (
            len(self.found_anchors)
            + len(self.partial_anchors)
            + len(self.missing_anchors)
            + len(self.found_numbers)
            + len(self.conflicting_numbers)
            + len(self.missing_numbers)
        )
        if not total:
            return self.term_coverage
        got = len(self.found_anchors) + _PARTIAL * len(self.partial_anchors) + len(self.found_numbers)
        return got / total

    @property
    def core_found(self) -> int:
        return len(self.found_anchors) + len(self.found_numbers)

    @property
    def relevance(self) -> float:
        """0..1: how clearly this passage is about the claim at all."""
        sem = max(0.0, min(1.0, (self.rp.semantic - 0.15) / 0.55))
        if (
            self.found_anchors
            or self.partial_anchors
            or self.missing_anchors
            or self.found_numbers
            or self.missing_numbers
        ):
            lexical = 0.6 * self.facet_coverage + 0.4 * self.term_coverage
        else:
            lexical = self.term_coverage
        return 0.55 * lexical + 0.45 * sem


def extract_facets(
    claim: Claim, subject: str | None = None, aliases: dict[str, list[str]] | None = None
) -> Facets:
    text = claim.text
    anchors: list[str] = []
    seen: set[str] = set()

    def add(a: str) -> None:
        a = a.strip(" .,:;()[]-'\"")
        key = normalize_for_match(a)
        if len(key) < 2 or key in _STOP_ANCHORS or key in seen:
            return
        if re.fullmatch(r"[\d.,%]+", a):
            return
        seen.add(key)
        anchors.append(a)

    for m in _QUOTED.finditer(text):
        add(m.group(1))
    for m in _LATIN_PHRASE.finditer(text):
        phrase = m.group(0)
        # drop a leading sentence-initial function word ("The", "In")
        words = phrase.split()
        while words and words[0].lower() in _STOP_ANCHORS:
            words = words[1:]
        while words and words[-1].lower() in _STOP_ANCHORS:
            words = words[:-1]
        if words:
            add(" ".join(words))
    numbers = [n for n in extract_numbers(text) if n.kind != "version"]
    terms = content_terms(text)
    known = {normalize_for_match(k): v for k, v in (aliases or {}).items()}
    found_aliases = {a: known[normalize_for_match(a)] for a in anchors if normalize_for_match(a) in known}
    return Facets(anchors=anchors, numbers=numbers, terms=terms, subject=subject, aliases=found_aliases)


def _parts(anchor: str) -> list[str]:
    return [normalize_for_match(p) for p in re.split(r"[\s\-]+", anchor) if len(p) > 1]


def same_name(a: str, b: str) -> bool:
    """"Jack Rae" vs "Jack W. Rae": the longer one contains every word of the shorter."""
    pa, pb = set(_parts(a)), set(_parts(b))
    if not pa or not pb:
        return False
    return pa <= pb or pb <= pa


def _anchor_in(anchor: str, haystack_norm: str) -> bool:
    key = normalize_for_match(anchor)
    if key in haystack_norm:
        return True
    # multi-word names: every word present (handles "Jack W. Rae" for "Jack Rae")
    parts = _parts(anchor)
    return len(parts) >= 2 and all(p in haystack_norm for p in parts)


def _anchor_partly_in(anchor: str, haystack_norm: str) -> bool:
    """The distinctive head word of a multi-word term is there ("Chinchilla" of
    "Chinchilla Scaling Laws"), though the whole term is not."""
    parts = _parts(anchor)
    return len(parts) >= 2 and len(parts[0]) >= 4 and parts[0] in haystack_norm


def _conflicting(cn: NumberMention, candidates: list[NumberMention]) -> NumberMention | None:
    """A passage number that plausibly states the same quantity differently: same kind, a
    quantity worth checking (≥ 100, or a percentage), within two orders of magnitude."""
    if cn.kind not in ("count", "percent", "fraction"):
        return None
    if cn.kind == "count" and abs(cn.value) < 100:
        return None  # "three labs", "第一" — too easily a different thing
    for pn in candidates:
        if pn.kind != cn.kind or pn.value == 0 or cn.value == 0:
            continue
        ratio = abs(cn.value / pn.value)
        if 0.01 <= ratio <= 100 and (cn.unit or "") == (pn.unit or ""):
            return pn
    return None


def check_passage(facets: Facets, rp: RankedPassage, claim_text: str) -> PassageCheck:
    pc = PassageCheck(rp=rp)
    text = rp.passage.text
    hay = normalize_for_match(text + " " + (rp.source.title or ""))
    for a in facets.anchors:
        if facets.is_subject(a):
            pc.subject_found = pc.subject_found or _anchor_in(a, hay)
        elif _anchor_in(a, hay):
            pc.found_anchors.append(a)
        elif any(_anchor_in(alt, hay) for alt in facets.aliases.get(a, ())):
            pc.found_anchors.append(a)
            pc.via_alias[a] = next(alt for alt in facets.aliases[a] if _anchor_in(alt, hay))
        elif _anchor_partly_in(a, hay):
            pc.partial_anchors.append(a)
        else:
            pc.missing_anchors.append(a)

    pnums = [n for n in extract_numbers(text) if n.kind != "version"]
    for cn in facets.numbers:
        same_kind = [pn for pn in pnums if _KIND_GROUP.get(pn.kind) == _KIND_GROUP.get(cn.kind)]
        if any(same_quantity(cn, pn) for pn in same_kind):
            pc.found_numbers.append(cn)
        elif (conflict := _conflicting(cn, same_kind)) is not None and len(pc.found_anchors) >= 2:
            pc.conflicting_numbers.append((cn, conflict))
        else:
            pc.missing_numbers.append(cn)

    pterms = content_terms(text)
    if facets.terms:
        pc.term_coverage = len(facets.terms & pterms) / len(facets.terms)

    neg_claim = bool(_NEGATION_EN.search(claim_text) or _NEGATION_ZH.search(claim_text))
    neg_pass = bool(_NEGATION_EN.search(text) or _NEGATION_ZH.search(text))
    pc.negated = neg_pass and not neg_claim and pc.anchor_coverage >= 0.5 and bool(pc.found_anchors)

    if _ATTRIBUTION_CLAIM.search(claim_text) and _ATTRIBUTION_EVIDENCE.search(text):
        subj = facets.subject
        if subj and not _anchor_in(subj, normalize_for_match(text)):
            pc.credits_other = True
    return pc


def _best_quote(rp: RankedPassage, facets: Facets) -> str:
    """The sentence(s) of the passage that carry the most facets; always a verbatim substring."""
    text = rp.passage.text
    spans = sentence_spans(text)
    if not spans:
        return text.strip()
    best, best_score = spans[0], -1.0
    for a, b in spans:
        s = text[a:b]
        hay = normalize_for_match(s)
        score = sum(1.0 for an in facets.core_anchors if _anchor_in(an, hay))
        score += 1.0 if facets.subject and _anchor_in(facets.subject, hay) else 0.0
        nums = extract_numbers(s)
        score += sum(1.0 for cn in facets.numbers if any(same_quantity(cn, pn) for pn in nums))
        if facets.terms:
            score += len(facets.terms & content_terms(s)) / len(facets.terms)
        if len(hay) < 25:
            score -= 0.5  # a heading or a title line says little on its own
        score += min(len(hay), 200) / 2000  # prefer a full sentence on ties
        if score > best_score:
            best, best_score = (a, b), score
    quote = text[best[0] : best[1]].strip()
    return re.sub(r"^(?:[#>*+\-•]+|\d+[.)、])\s*", "", quote) or quote


@dataclass
class _Words:
    lang: str

    def q(self, items: list[str]) -> str:
        if self.lang == "zh":
            return "、".join(f"「{i}」" for i in items)
        return ", ".join(f"“{i}”" for i in items)


class EvidenceMatchJudge:
    """Deterministic judge from ranked passages. Uses no language model."""

    name = "evidence-match"
    uses_llm = False

    def __init__(
        self,
        *,
        max_evidence: int = 3,
        min_relevance: float = 0.33,
        subject: str | None = None,
        aliases: dict[str, list[str]] | None = None,
    ) -> None:
        self.max_evidence = max_evidence
        self.min_relevance = min_relevance
        self.subject = subject
        self.aliases: dict[str, list[str]] = aliases if aliases is not None else {}

    async def judge(self, claim: Claim, passages: list[RankedPassage], lang: str) -> Judgement:
        return self.judge_sync(claim, passages, lang)

    def judge_sync(self, claim: Claim, passages: list[RankedPassage], lang: str) -> Judgement:
        lang = "zh" if lang == "zh" else "en"
        facets = extract_facets(claim, self.subject, self.aliases)
        checks = [check_passage(facets, rp, claim.text) for rp in passages]
        relevant = [c for c in checks if c.relevance >= self.min_relevance]
        relevant.sort(
            key=lambda c: (c.relevance + 0.05 * authority_rank(c.rp.source.kind)), reverse=True
        )
        if not relevant:
            return Judgement(
                verdict=Verdict(
                    label=Label.UNVERIFIABLE,
                    confidence=0.6 if passages else 0.8,
                    rationale=self._no_evidence(lang, bool(passages)),
                ),
                evidence=[],
            )
        label, confidence, rationale, stances = self._decide(facets, relevant, lang)
        label, confidence, rationale = self._weigh_sources(
            label, confidence, rationale, relevant, stances, lang
        )
        evidence = self._evidence(relevant, facets, stances)
        return Judgement(
            verdict=Verdict(label=label, confidence=round(confidence, 2), rationale=rationale),
            evidence=evidence,
        )

    # --- decision -----------------------------------------------------------------------------

    @staticmethod
    def _weigh_sources(
        label: Label,
        confidence: float,
        rationale: str,
        relevant: list[PassageCheck],
        stances: dict[int, Stance],
        lang: str,
    ) -> tuple[Label, float, str]:
        """Count independent supporting sources (by owner, not by copy) and do not call a claim
        ``true`` on social / user-generated posts alone."""
        supporting = [c.rp.source for c in relevant if stances.get(id(c)) == Stance.SUPPORTS]
        if not supporting:
            return label, confidence, rationale
        n = count_independent([s.url for s in supporting])
        rationale += (
            f" 支持的独立信源:{n} 个。" if lang == "zh" else f" Independent supporting sources: {n}."
        )
        if label == Label.TRUE and all(s.kind == SourceKind.SOCIAL for s in supporting):
            label, confidence = Label.MOSTLY_TRUE, min(confidence, 0.5)
            rationale += (
                " 仅有社交媒体信源支持,降为基本属实。"
                if lang == "zh"
                else " Only social-media posts support it, so it is rated mostly true."
            )
        return label, confidence, rationale

    def _decide(
        self, facets: Facets, relevant: list[PassageCheck], lang: str
    ) -> tuple[Label, float, str, dict[int, Stance]]:
        w = _Words(lang)
        top = relevant[0]
        core = facets.core_anchors
        found_a = {a for c in relevant for a in c.found_anchors}
        partial_a = {a for c in relevant for a in c.partial_anchors} - found_a
        found_n = {id(n) for c in relevant for n in c.found_numbers}
        missing_a = [a for a in core if a not in found_a and a not in partial_a]
        numbers = [n for n in facets.numbers if id(n) in found_n or not _minor(n)]
        missing_n = [n for n in numbers if id(n) not in found_n]
        conflicts = [
            (cn, pn) for c in relevant for cn, pn in c.conflicting_numbers if id(cn) not in found_n
        ]
        credits_other = [c for c in relevant[:3] if c.credits_other]
        stances: dict[int, Stance] = {}

        total = len(core) + len(numbers)
        found = len(found_a) + _PARTIAL * len(partial_a) + (len(numbers) - len(missing_n))
        coverage = found / total if total else top.term_coverage
        single = max(c.facet_coverage for c in relevant)
        sem = top.rp.semantic

        got = [a for a in core if a in found_a] + [n.text for n in facets.numbers if id(n) in found_n]
        parts: list[str] = []
        if got:
            parts.append(("证据中找到:" if lang == "zh" else "Found in the evidence: ") + w.q(got))
        if partial_a:
            parts.append(
                ("仅部分找到:" if lang == "zh" else "Only partly found: ") + w.q(sorted(partial_a))
            )
        via = {a: t for c in relevant for a, t in c.via_alias.items()}
        if via:
            parts.append(
                ("(经学术索引确认为同一作品:" if lang == "zh" else "(the same work, per the scholarly indexes: ")
                + "; ".join(f"{w.q([a])} = {w.q([t])}" for a, t in via.items())
                + ("）" if lang == "zh" else ")")
            )
        conflicted = {id(cn) for cn, _ in conflicts}
        missing_txt = missing_a + [n.text for n in missing_n if id(n) not in conflicted]
        miss = (
            ("未找到依据:" if lang == "zh" else "No support found for: ") + w.q(missing_txt)
            if missing_txt
            else ""
        )

        def text(lead: str, *more: str) -> str:
            return " ".join(x for x in (lead, *more) if x).strip()

        if credits_other:
            for c in credits_other:
                stances[id(c)] = Stance.REFUTES
            lead = (
                "证据将该成果归于他人,而非声明中的主体。"
                if lang == "zh"
                else "The evidence credits this work to others, not to the claim's subject."
            )
            return Label.MISATTRIBUTED, 0.55, text(lead, *parts), stances

        if conflicts:
            for c in relevant:
                if c.conflicting_numbers:
                    stances[id(c)] = Stance.REFUTES
            conf_txt = "; ".join(f"{cn.text} ≠ {pn.text}" for cn, pn in conflicts[:3])
            lead = (
                f"数字与证据不符:{conf_txt}。"
                if lang == "zh"
                else f"Numbers disagree with the evidence: {conf_txt}."
            )
            other_found = len(found_a) + len(found_n)
            label = Label.PARTLY_TRUE if other_found >= 2 else Label.FALSE
            return label, 0.6, text(lead, *parts), stances

        if top.negated and top.core_found:
            stances[id(top)] = Stance.REFUTES
            lead = (
                "最相关的证据以否定方式提及声明内容。"
                if lang == "zh"
                else "The most relevant evidence states the opposite."
            )
            label = Label.FALSE if coverage >= 0.8 else Label.PARTLY_TRUE
            return label, 0.5, text(lead, *parts), stances

        for c in relevant:
            supports = (c.core_found > 0 and c.facet_coverage >= 0.5) or (
                total == 0 and c.term_coverage >= 0.5
            )
            stances[id(c)] = Stance.SUPPORTS if supports else Stance.MENTIONS

        if total == 0:
            # nothing checkable by name or number: rely on wording overlap and meaning
            if top.term_coverage >= 0.75 and sem >= 0.55:
                return Label.MOSTLY_TRUE, 0.5, self._wording(lang, top), stances
            if top.subject_found and sem >= 0.62:
                lead = (
                    f"最相关的证据与声明意思相近(相似度 {sem:.2f})。"
                    if lang == "zh"
                    else f"The closest passage says nearly the same about the subject (similarity {sem:.2f})."
                )
                stances[id(top)] = Stance.SUPPORTS
                return Label.MOSTLY_TRUE, 0.45, text(lead, self._wording(lang, top)), stances
            if top.term_coverage >= 0.5 and sem >= 0.4:
                return Label.PARTLY_TRUE, 0.4, self._wording(lang, top), stances
            return Label.UNVERIFIABLE, 0.5, text(self._weak(lang), self._wording(lang, top)), stances

        if coverage >= 0.999:
            if single >= 0.999 and (sem >= 0.5 or top.term_coverage >= 0.6):
                lead = (
                    "声明的要点均在同一处证据中得到印证。"
                    if lang == "zh"
                    else "Every point of the claim is confirmed by one passage."
                )
                return Label.TRUE, min(0.9, 0.6 + 0.3 * sem), text(lead, *parts), stances
            lead = (
                "声明的要点分别在证据中得到印证。"
                if lang == "zh"
                else "Every point of the claim is confirmed across the evidence."
            )
            return Label.MOSTLY_TRUE, 0.6, text(lead, *parts), stances
        if coverage >= 0.75 and top.term_coverage >= 0.5:
            lead = "声明大部分要点得到印证。" if lang == "zh" else "Most points of the claim are confirmed."
            return Label.MOSTLY_TRUE, 0.5, text(lead, *parts, miss), stances
        if coverage >= 0.4:
            lead = "声明只有部分要点得到印证。" if lang == "zh" else "Only part of the claim is confirmed."
            return Label.PARTLY_TRUE, 0.45, text(lead, *parts, miss), stances
        return Label.UNVERIFIABLE, 0.5, text(self._weak(lang), *parts, miss), stances

    # --- wording ------------------------------------------------------------------------------

    @staticmethod
    def _no_evidence(lang: str, had_passages: bool) -> str:
        if lang == "zh":
            return "检索到的资料中没有与该声明相关的内容,无法核实。" if had_passages else "没有检索到任何资料,无法核实。"
        return (
            "None of the retrieved passages is about this claim, so it cannot be checked."
            if had_passages
            else "No source was retrieved for this claim, so it cannot be checked."
        )

    @staticmethod
    def _weak(lang: str) -> str:
        return (
            "证据只涉及声明的少数要点,不足以判断。"
            if lang == "zh"
            else "The evidence touches only a few points of the claim; not enough to decide."
        )

    @staticmethod
    def _wording(lang: str, top: PassageCheck) -> str:
        pct = round(100 * top.term_coverage)
        return (
            f"最相关的证据覆盖了声明 {pct}% 的关键词。"
            if lang == "zh"
            else f"The closest passage covers {pct}% of the claim's key words."
        )

    def _evidence(
        self, relevant: list[PassageCheck], facets: Facets, stances: dict[int, Stance]
    ) -> list[Evidence]:
        """Refuting passages first; then, greedily, the passage that confirms the most facets not
        yet shown (higher authority wins ties); then context. One quote per passage."""
        rank_stance = {Stance.REFUTES: 0, Stance.SUPPORTS: 1, Stance.MENTIONS: 2}
        pool = list(relevant)
        covered: set[str] = set()
        order: list[PassageCheck] = []
        while pool:

            def gain(c: PassageCheck, covered: set[str] = covered) -> tuple[int, int, float, int]:
                keys = set(c.found_anchors) | {n.text for n in c.found_numbers}
                return (
                    -rank_stance[stances.get(id(c), Stance.MENTIONS)],
                    len(keys - covered),
                    c.relevance,
                    authority_rank(c.rp.source.kind),
                )

            best = max(pool, key=gain)
            pool.remove(best)
            order.append(best)
            covered |= set(best.found_anchors) | {n.text for n in best.found_numbers}
        out: list[Evidence] = []
        seen_quotes: set[str] = set()
        for c in order:
            quote = _best_quote(c.rp, facets)
            key = normalize_for_match(quote)
            if not key or key in seen_quotes:
                continue
            seen_quotes.add(key)
            out.append(
                Evidence(
                    quote=quote,
                    stance=stances.get(id(c), Stance.MENTIONS),
                    source=c.rp.source,
                    page=c.rp.passage.page,
                    passage_id=c.rp.passage.id,
                )
            )
            if len(out) >= self.max_evidence:
                break
        return out
