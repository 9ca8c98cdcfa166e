"""Binding: how one passage bears on each slot of a claim.

For every sentence of a passage the aligner asks what a careful reader asks:

* is the sentence about the claim's **subject** (named, or a pronoun in a passage about it)?
* is each **value** there, and *bound* to the subject — in the same sentence, and for a
  quantity not attached to another name ("Gopher (280B), GPT-3 (175B)": 175B is GPT-3's)?
* is the sentence the claim's **frame** (same subject and relation, or same named thing) with
  **another value** in the slot — another year, number, prize field, degree — that contradicts
  the claim? Or does it **negate** it?
* for a claim that someone proposed or invented something: does the passage **credit** that
  thing to somebody else?

The result, a :class:`PassageAlignment`, holds each slot's status (``bound`` / ``unbound`` /
``contradicted`` / ``absent``), the sentences that decided it (for quotes), and the numeric
features the learned decision model reads.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache

from veracity.evidence.numbers import NumberMention, extract_numbers, same_quantity
from veracity.evidence.tokenize import content_terms
from veracity.judge import lexicon
from veracity.judge.aliases import expand_acronyms, has_alias_statement
from veracity.judge.counts import (
    counted_words,
    counts_other_things,
    noun_after,
    same_noun,
    within_claimed_bound,
)
from veracity.judge.credit import award_credit, claimed_agents, role_credit, speaker_credit
from veracity.judge.frames import (
    CJK,
    TIME_KINDS,
    clause_at,
    clause_spans,
    evidence_form,
    life_conflict,
    life_dates,
    numbered_office,
    office_conflict,
    one_time,
    own_time_elsewhere,
    same_post,
    same_time,
    shares_wording,
)
from veracity.judge.owners import (
    is_subject_name,
    kin_leads,
    name_found,
    name_partly,
    named_as_other,
    other_name_leads,
    owner_of,
    relative_owner,
    starts_with_anaphor,
    starts_with_pronoun,
    subject_named,
)
from veracity.judge.slots import ClaimSlots, Slot, same_name
from veracity.text import CJK_CHARS, normalize_for_match, sentence_spans
from veracity.types import RankedPassage

BOUND, UNBOUND, CONTRADICTED, ABSENT = "bound", "unbound", "contradicted", "absent"
_LIST_SEP = re.compile(r"[,、;|/·]")

FEATURES = [
    "bias", "core_bound", "core_found", "has_core", "term_cov", "term_best", "term_pair",
    "semantic", "subject_passage", "subject_best", "conflict_number", "conflict_time",
    "conflict_category", "negated", "credits_other", "missing_core", "rare_found", "list_like",
    "num_found", "num_other", "cov_x_missing", "cov_x_numother", "sem_x_cov",
]


@dataclass
class Sentence:
    start: int
    end: int
    text: str
    low: str
    norm: str
    numbers: list[NumberMention]
    subject: bool = False  # the subject is named here, or a pronoun in a passage about it
    list_like: bool = False


def clause_sentence(s: Sentence, a: int, b: int) -> Sentence:
    """Characters ``a``–``b`` of sentence ``s`` (one of its clauses) as a sentence about the
    subject, so that a clause can be matched like a whole sentence."""
    raw = s.text[a:b]
    return Sentence(s.start + a, s.start + b, raw, raw.lower(), evidence_form(raw),
                    extract_numbers(raw), subject=True)


def frame_values(cs: ClaimSlots, slot: Slot) -> list[Slot]:
    """The claim's other values that place ``slot`` in its frame: its dates when it has some
    (another field or school in another year is another event), else all its other values."""
    others = [sl for sl in cs.core if sl is not slot]
    timed = [sl for sl in others if sl.number is not None and sl.number.kind in TIME_KINDS]
    return timed or others


@dataclass
class SlotMatch:
    status: str = ABSENT
    sentence: int | None = None  # the sentence that binds / contradicts it
    other: str | None = None  # the conflicting value, or the other owner of a number


@dataclass
class PassageAlignment:
    rp: RankedPassage
    sentences: list[Sentence]
    matches: dict[str, SlotMatch]
    subject_in_passage: bool
    term_cov: float
    term_best: float
    term_pair: float
    best_sentence: int | None
    negated: bool = False
    credits_other: str | None = None
    credit_sentence: int | None = None
    subject_credited: bool = False
    role_stated: int | None = None  # the sentence that gives the claim's role to the claim's person
    list_like: bool = False
    features: list[float] = field(default_factory=list)
    item_frames: dict[int, str] = field(default_factory=dict)
    covers: list[float] = field(default_factory=list)  # each sentence's wording coverage
    contradictions: dict[str, SlotMatch] = field(default_factory=dict)  # slot → conflicting frame

    def states(self, j: int, slot: Slot, cs: ClaimSlots, *, about: bool = True) -> bool:
        """Sentence ``j`` states ``slot`` about the subject (a list item: with its heading);
        ``about=False``: states it, whoever it is about."""
        s = self.sentences[j]
        if (about and not s.subject) or s.list_like:
            return False
        found, other = _slot_in(slot, s, cs, self.item_frames.get(j, ""))
        return found and other is None

    def binds_all(self, cs: ClaimSlots) -> int | None:
        """The first sentence that states every core value of the claim about its subject
        (values spread over a passage's sentences do not count: each may be another fact)."""
        core = cs.core
        if not core or self.list_like:
            return None
        for j in range(len(self.sentences)):
            if self.states_all(j, cs):
                return j
        return None

    def states_all(self, j: int, cs: ClaimSlots) -> bool:
        """Sentence ``j`` states every core value about the subject; where another value of
        the claim's frame is in the same sentence ("in 1903 … Physics, and in 1911 …
        Chemistry"), one clause must hold them all."""
        core = cs.core
        if not all(self.states(j, s, cs) for s in core):
            return False
        if not any(m.sentence == j for m in self.contradictions.values()):
            return True
        s = self.sentences[j]
        return any(all(_slot_in(sl, clause_sentence(s, a, b), cs)[0] for sl in core)
                   for a, b in clause_spans(s.text))

    def together(self, cs: ClaimSlots) -> int | None:
        """A sentence that holds every core value of the claim together (about anyone)."""
        core = cs.core
        if len(core) < 2:
            return None
        for j in range(len(self.sentences)):
            if all(self.states(j, s, cs, about=False) for s in core):
                return j
        return None

    def status(self, slot: Slot) -> str:
        return self.matches[slot.key].status

    def bound(self, slots: list[Slot]) -> list[Slot]:
        return [s for s in slots if self.status(s) == BOUND]

    def conflicts(self) -> list[tuple[str, SlotMatch]]:
        """Slots another value contradicts in the claim's frame (wherever else they are stated)."""
        return list(self.contradictions.items())


def _is_list_like(s: str) -> bool:
    """A run of names with no statement: "A, B, C, D, E" or "A B C D E F" (keyword lists,
    tag clouds, stuffed headings); such a line can mention things but states nothing."""
    segs = [x.strip() for x in _LIST_SEP.split(s) if x.strip()]
    if len(segs) >= 5:
        short = sum(1 for x in segs if len(x.split()) <= 4 and len(x) <= 40)
        if short / len(segs) >= 0.8:
            return True
    tokens = [t for t in re.split(r"\s+", s.strip(" #*-•>")) if t]
    if CJK.search(s) and re.search(r"[，。；：！？]", s):
        return False  # Chinese prose: spaces only set Latin names apart, they do not list
    if len(tokens) >= 6:
        named = sum(1 for t in tokens if t[:1].isupper() or t[:1].isdigit() or CJK.match(t[:1]))
        return named / len(tokens) >= 0.8
    return False


def _is_item(text: str, s: Sentence) -> bool:
    """A list item or table row: the line starts with a marker, or the sentence is a whole
    short line that is not a statement (a title in a list of titles)."""
    line_start = text.rfind("\n", 0, s.start) + 1
    head = text[line_start : s.start + 2].lstrip()
    if re.match(r"(?:[-*+•|]|\d+[.)、])\s*", head):
        return True
    line_end = text.find("\n", s.end)
    whole_line = not text[line_start : s.start].strip() and not text[s.end : line_end if line_end >= 0 else len(text)].strip()
    return whole_line and len(s.text.split()) <= 25 and not s.text.rstrip().endswith((".", "。", ";", "；"))


def _last_sentence(text: str) -> str:
    """The sentence of ``text`` that introduces the items after it: its last sentence that is
    not itself an item (a sibling row's year is not the next row's frame)."""
    for a, b in reversed(sentence_spans(text)):
        t = text[a:b].strip()
        if t.startswith("#") or t.endswith((":", "：")) or not re.match(r"(?:[-*+•|]|\d+[.)、])\s*", t):
            return t
    return ""


def _header_of(text: str, sents: list[Sentence], i: int) -> str:
    """The heading a list item sits under (the nearest heading line or line ending in ':')."""
    for j in range(i - 1, -1, -1):
        t = sents[j].text.strip()
        if t.startswith("#") or t.endswith((":", "：")):
            return sents[j].low
        if not _is_item(text, sents[j]):
            return sents[j].low  # the sentence that introduces the list
    return ""


def _number_match(slot: Slot, sent: Sentence, cs: ClaimSlots) -> tuple[bool, str | None]:
    """(found, owner-if-another-name) for a number slot in one sentence."""
    cn = slot.number
    assert cn is not None
    for pn in sent.numbers:
        if pn.kind == "version":
            continue
        bounded = (  # "more than 12 million passengers" is stated by "12,400,000 passengers"
            cn.kind == pn.kind and cn.kind in ("count", "percent") and (cn.unit or "") == (pn.unit or "")
            and within_claimed_bound(cs.text, cn.start, cn.value, pn.value)
            and same_noun(noun_after(cs.text, cn.end), noun_after(sent.text, pn.end))
        )
        if same_quantity(cn, pn) or bounded:
            if cn.kind == "count" and not cn.unit and counts_other_things(cs.text, cn.end, sent.text, pn.end):
                continue
            relative = relative_owner(sent.text, pn) if cs.subject else None
            if relative is not None and not is_subject_name(relative, cs) and not any(
                normalize_for_match(relative) in f for s in cs.slots if s.kind == "name" for f in s.forms
            ):
                return True, relative  # "…, who had led it since 2005": the year is the other's
            if cn.kind in ("count", "percent") and cs.subject:
                owner = owner_of(sent.text, pn, cs)
                if owner and not is_subject_name(owner, cs) and not any(
                    normalize_for_match(owner) in f for s in cs.slots if s.kind == "name" for f in s.forms
                ):
                    return True, owner
            return True, None
    return False, None


def _in_claims_clause(pn: NumberMention, sent: Sentence, cs: ClaimSlots, slot: Slot) -> bool:
    """The other value sits in the claim's frame at clause level: a clause that does not hold
    the claim's own value, names no other member of the claim's categories (another prize
    field is another event), and holds the relation of a one-time event ("and died in
    1934", not "born 1867, died 1934") or another of the claim's values for a repeatable one
    ("2010年加入X，2018年起担任首席研究员" — 2018 is another event, not the joining)."""
    clause = clause_at(sent.text, pn.start)
    low = clause.lower()
    norm = normalize_for_match(clause)
    if slot.number is not None and any(same_quantity(slot.number, x) for x in extract_numbers(clause)):
        return False
    for sl in cs.slots:
        if sl.kind == "category" and sl.group:
            present = lexicon.categories_in(low).get(sl.group)
            if present and sl.member not in present:
                return False
    if one_time(cs):
        return lexicon.has_relation(low, cs.relation or "")
    if cs.relation is None and not shares_wording(clause, cs):
        return False  # no relation known: the clause must say something of what the claim says
    if own_time_elsewhere(slot, sent.text, clause, cs):
        return False  # a repeatable relation: the other date is another event of the sentence
    # of a compound claim, only the values of the slot's own part place it ("1984年毕业于复旦大学，
    # 1992年在北京大学获得博士学位": 北京大学 is the frame of 1992, not of 1984)
    return any(
        sl is not slot and (name_found(sl, norm) if sl.kind == "name" else any(lexicon.words_in(low, p) for p in sl.forms))
        for sl in [*cs.slots, *cs.context] if sl.kind in ("name", "category") and (cs.parts <= 1 or sl.part == slot.part)
    )


def _category_conflict(slot: Slot, sent: Sentence, cs: ClaimSlots) -> str | None:
    """Another member of the claim's category group in a clause of the claim's frame: one
    without the claim's own member that holds another of its values ("in 1911 she won the
    prize in Chemistry" contradicts "Physics in 1911"; "in 1903 … Physics" does not
    contradict "Chemistry in 1911")."""
    assert slot.group is not None
    spans = clause_spans(sent.text)
    for a, b in spans if len(spans) > 1 else [(0, len(sent.text))]:
        raw = sent.text[a:b]
        low = raw.lower()
        present = lexicon.categories_in(low).get(slot.group, set())
        if not present or slot.member in present:
            continue
        if len(spans) > 1:
            norm = normalize_for_match(raw)
            nums = extract_numbers(raw)
            # with a date in the claim, only a clause of that date is its frame (the other
            # field in another year is another prize); else one with another of its names
            others = frame_values(cs, slot)
            if others and not any(
                name_found(sl, norm) if sl.kind == "name"
                else sl.number is not None and any(same_time(sl.number, pn) for pn in nums)
                for sl in others
            ):
                continue
        member = sorted(present)[0]
        phrases = lexicon.CATEGORY_GROUPS[slot.group][member]
        return next((p for p in phrases if lexicon.words_in(low, p)), member)
    return None


INSTITUTION = re.compile(
    r"(?:[A-Z][\w'’.&\-]*\s+)*(?:University|College|Institute|School|Academy|Polytechnic)"
    r"(?:\s+of(?:\s+(?:the\s+)?[A-Z][\w'’.&\-]*)+)?"
    rf"|[{CJK_CHARS}]{{2,12}}(?:大学|学院|研究院|研究所)"
)


_ZH_UNIVERSITY = re.compile(rf"[{CJK_CHARS}]{{2,8}}?大学")
_ZH_LEAD = re.compile(r"^.*[在于从自入到年月日的和与及、，曾任后前]")  # "年毕业于「浙江大学」"


# the school a degree came from, however short its name: "her PhD from MIT", "a degree at Harvard"
_DEGREE_FROM = re.compile(
    r"\b(?:Ph\.?\s?D\.?|doctorate|doctoral\s+degree|master'?s(?:\s+degree)?|bachelor'?s(?:\s+degree)?|"
    r"degree|MBA|B\.?Sc?|M\.?Sc?|B\.?A|M\.?A)\b[^,;.()]{0,40}?\b(?:from|at)\s+(?:the\s+)?"
    r"(?P<school>[A-Z][\w'’&\-]*(?:\s+(?:of\s+)?[A-Z][\w'’&\-]*)*)"
)


@lru_cache(maxsize=1024)
def schools_of_degrees(text: str) -> tuple[str, ...]:
    """The schools ``text`` says degrees came from ("received her PhD from MIT" → MIT); remembered,
    as a claim's own text is asked again for every sentence and slot."""
    return tuple(m.group("school") for m in _DEGREE_FROM.finditer(text))


# what may follow a Chinese school's name in one slot: its department, or a post held there
# (北京大学「经济系」, 清华大学「教授」)
_ZH_SCHOOL_TAIL = re.compile(rf"[{CJK_CHARS}]{{0,6}}(?:系|专业|学院|研究所)|(?:副|助理)?(?:教授|讲师|研究员)|校长|院长")


def _is_school(slot: Slot, cs: ClaimSlots) -> bool:
    """A school or institute: by its name, or as where the claim's degree came from."""
    name = slot.text.strip()
    if INSTITUTION.fullmatch(name) or any(same_name(name, s) for s in schools_of_degrees(cs.text)):
        return True
    head = INSTITUTION.match(name)
    return bool(head and CJK.match(name) and _ZH_SCHOOL_TAIL.fullmatch(name[head.end():]))


def _institution_conflict(slot: Slot, sent: Sentence, cs: ClaimSlots) -> str | None:
    """Another school or institute in a clause of the claim's frame that holds the claim's
    other values but not its institution: "a PhD in statistics from Harvard in 2009" against
    "… and a PhD in statistics from Stanford University in 2009"."""
    others = frame_values(cs, slot)
    current = "现任" in cs.text  # one present post: another school where the page says 现任 too
    if not others and not current:
        return None
    school = INSTITUTION.match(slot.text.strip())
    for a, b in clause_spans(sent.text):
        raw = sent.text[a:b]
        norm = normalize_for_match(raw)
        if name_found(slot, norm) or (school and normalize_for_match(_ZH_LEAD.sub("", school.group(0))) in norm):
            continue  # the claim's school, with or without its department
        if not others and "现任" not in raw:
            continue
        # a university named before its school is the value shown: 「武汉大学」经济与管理学院
        found = [_ZH_LEAD.sub("", u.group(0) if (u := _ZH_UNIVERSITY.search(m.group(0))) else m.group(0))
                 for m in INSTITUTION.finditer(raw)] + list(schools_of_degrees(raw))
        # the claim's own other schools ("studied at A and at B") are not another value
        found = [f for f in found if not any(
            sl.kind == "name" and name_found(sl, normalize_for_match(f)) for sl in cs.slots)]
        if not found:
            continue
        part = clause_sentence(sent, a, b)
        if all(_slot_in(sl, part, cs)[0] for sl in others):
            return found[0]
    return None


_IN_PLACE = re.compile(r"\bin\s+([A-Z][\w'’\-]+(?:\s+[A-Z][\w'’\-]+)*)")
_ZH_PLACE = re.compile(rf"(?:出生于|生于|出生在|逝世于|去世于|病逝于|死于|总部位于|总部设在|位于)([{CJK_CHARS}]{{2,6}}?)(?=[，。,;；、的（(]|$|\d)")
_MONTHS = frozenset(["january", "february", "march", "april", "may", "june", "july", "august", "september",
                     "october", "november", "december"])


def _place_conflict(slot: Slot, sent: Sentence, cs: ClaimSlots) -> str | None:
    """Another place in a clause that states the birth (or death, or where the subject is
    based): "born 1961 in Coimbra" contradicts "born in Lisbon", "headquartered in Bergen"
    contradicts "in Oslo"; a place the claim also names does not."""
    assert cs.relation is not None
    for a, b in clause_spans(sent.text):
        raw = sent.text[a:b]
        if not lexicon.has_relation(raw.lower(), cs.relation):
            continue
        places = [m.group(1) for m in _IN_PLACE.finditer(raw)] + [m.group(1) for m in _ZH_PLACE.finditer(raw)]
        places = [p for p in places if p.split()[0].lower() not in _MONTHS and not any(
            sl.kind == "name" and name_found(sl, normalize_for_match(p)) for sl in cs.slots)]
        if places and not name_found(slot, normalize_for_match(raw)):
            return places[0]
    return None


_LIFE_NOTE = re.compile(r"(?:\bborn|\bdied|\bb\.|\bd\.|生于|出生于?|逝世于?|卒于)\s*(?:on\s+|in\s+)?$", re.IGNORECASE)


def _number_conflict(slot: Slot, sent: Sentence, cs: ClaimSlots) -> str | None:
    """Another value of the same quantity in the claim's frame."""
    cn = slot.number
    assert cn is not None
    if cn.kind in TIME_KINDS:
        life = life_conflict(cn, sent.text, cs)
        if life is not False:  # a life span decides a birth or death date by itself
            return life if isinstance(life, str) else None
    claim_vals = [s.number for s in cs.slots if s.number is not None]
    for pn in sent.numbers:
        if any(same_quantity(c, pn) for c in claim_vals):
            continue
        if cn.kind in TIME_KINDS and pn.kind in TIME_KINDS:
            if cs.relation not in ("birth", "death") and _LIFE_NOTE.search(sent.text[: pn.start][-12:]):
                continue  # "(born 21 March 1960)" dates a life, not the claim's event
            if not _in_claims_clause(pn, sent, cs, slot):
                continue
            if cn.year != pn.year and pn.year is not None and abs(pn.year - (cn.year or 0)) < 300:
                return pn.text
            if cn.kind == pn.kind == "date" and cn.year == pn.year and (
                cn.month != pn.month or (cn.day is not None and pn.day is not None and cn.day != pn.day)
            ):
                return pn.text
        elif cn.kind == pn.kind == "ordinal" and not slot.minor and cn.value != pn.value:
            # "the 15th president" against "the 14th president" (of the subject)
            if counted_words(cs.text, cn.end) & counted_words(sent.text, pn.end):
                owner = owner_of(sent.text, pn, cs)
                if (owner is None and sent.subject) or (owner is not None and is_subject_name(owner, cs)):
                    return pn.text
        elif cn.kind == pn.kind and cn.kind in ("count", "percent") and not slot.minor:
            # a small count contradicts only another count of the very same thing, and of
            # the claim's period when it names one ("10 trophies between 1989 and 2005" is no
            # all-time tally)
            if cn.kind == "count" and abs(cn.value) < 100 and (
                not (counted_words(cs.text, cn.end) & counted_words(sent.text, pn.end))
                or not all(any(t.year == x.year for x in sent.numbers if x.kind in TIME_KINDS) for t in claim_vals
                           if t.kind in TIME_KINDS)
            ):
                continue
            if (cn.unit or "") != (pn.unit or "") or pn.value == 0:
                continue
            if within_claimed_bound(cs.text, cn.start, cn.value, pn.value):
                continue  # "more than 12 million" against 12,400,000
            ratio = abs(cn.value / pn.value)
            same_thing = same_noun(noun_after(cs.text, cn.end), noun_after(sent.text, pn.end)) or (
                cn.kind == "percent" and bool(counted_words(cs.text, cn.end) & counted_words(sent.text, pn.end))
            )  # "58 percent of Kestrel's flights" / "38% of its flights"
            if 0.01 <= ratio <= 100 and same_thing:
                owner = owner_of(sent.text, pn, cs)
                # no name in reach ("Its main span is 1,104 metres"): the sentence's subject,
                # which is the claim's in a sentence about it
                if (owner is None and sent.subject) or (owner is not None and is_subject_name(owner, cs)):
                    return pn.text
    return None


def _slot_in(slot: Slot, s: Sentence, cs: ClaimSlots, frame: str = "") -> tuple[bool, str | None]:
    """(found, another name it belongs to) for ``slot`` in sentence ``s``; a list item's
    ``frame`` (its heading and the page title, lower case) counts as part of the sentence."""
    if slot.kind == "number" and slot.number is not None:
        found, other = _number_match(slot, s, cs)
        if found or not frame:
            return found, other
        return any(same_quantity(slot.number, pn) for pn in extract_numbers(frame)), None
    if slot.kind == "name":
        return name_found(slot, s.norm) or (bool(frame) and name_found(slot, normalize_for_match(frame))), None
    return any(lexicon.words_in(s.low, p) or (bool(frame) and lexicon.words_in(frame, p)) for p in slot.forms), None


class TermUnits:
    """The claim's wording as units to find: English content words, Chinese concepts (found in
    Chinese or as their English phrases), and the remaining Chinese bigrams."""

    def __init__(self, cs: ClaimSlots) -> None:
        text = cs.text
        self.concepts: list[tuple[str, tuple[str, ...]]] = []
        covered = text
        for key in sorted(lexicon.CONCEPTS, key=len, reverse=True):
            if key in covered:
                self.concepts.append((key, lexicon.CONCEPTS[key]))
                covered = covered.replace(key, " ")
        self.words = content_terms(covered) - (content_terms(cs.subject) if cs.subject else set())
        self.words = {w for w in self.words if not w.startswith("#")}
        self.rare = {w for w in self.words if len(w) >= 7}

        self.cjk = {w for w in self.words if CJK.search(w)}

    @property
    def size(self) -> int:
        return len(self.words) + len(self.concepts)

    def coverage(self, low: str, terms: set[str]) -> float:
        """Share of the claim's wording found in a text. Chinese words the concept table cannot
        translate count only against Chinese text: English evidence is not expected to hold them."""
        words = self.words if CJK.search(low) else self.words - self.cjk
        size = len(words) + len(self.concepts)
        if not size:
            return 0.0
        got = len(words & terms)
        for key, phrases in self.concepts:
            if key in low or any(lexicon.words_in(low, p) for p in phrases):
                got += 1
        return got / size


def align(
    cs: ClaimSlots, rp: RankedPassage, units: TermUnits | None = None, before: str = ""
) -> PassageAlignment:
    """How ``rp`` bears on each slot of ``cs``; ``before``: the text just before the passage in
    its document when known (the heading or sentence that introduces a list the passage
    continues)."""
    units = units or TermUnits(cs)
    text = rp.passage.text
    title = rp.passage.context or rp.source.title or ""
    expand_acronyms(cs.slots, text + "\n" + title)  # "MIT" is found as the name the passage spells out
    sents: list[Sentence] = []
    for a, b in sentence_spans(text):
        raw = text[a:b]
        sents.append(Sentence(a, b, raw, raw.lower(), evidence_form(raw), extract_numbers(raw),
                              list_like=_is_list_like(raw)))
    named = [subject_named(cs, s.text, s.norm) and not named_as_other(cs, s.text) for s in sents]
    title_named = subject_named(cs, title, normalize_for_match(title)) if title else False
    subject_in_passage = any(named) or title_named or not cs.subject
    # a sentence is about the subject when it names it, starts with a pronoun in a passage
    # about it, or follows one about it (or sits on a page titled with it) with no other name
    # taking over as the sentence's subject in between
    current = title_named
    for s, nm in zip(sents, named, strict=True):
        if nm:
            current = True
        elif other_name_leads(s.text, cs):
            current = False
        if has_alias_statement(s.text):
            continue  # "appeared under the title …" links two names; it states no claimed fact
        # "她的丈夫周明是…" starts with a pronoun but is about the husband
        kin = not nm and kin_leads(s.text, cs)
        s.subject = nm or (not kin and (current or (
            subject_in_passage and (starts_with_pronoun(s.text) or not cs.subject))))
    matches: dict[str, SlotMatch] = {}
    frame_names = [sl for sl in cs.slots if sl.kind in ("name", "category")]

    def in_frame(i: int) -> bool:
        s = sents[i]
        if not s.subject or s.list_like:
            return False
        if cs.relation in ("birth", "death") and life_dates(s.text, cs) is not None:
            return True
        if cs.relation and lexicon.has_relation(s.low, cs.relation):
            return True
        if not cs.relation and (named[i] or starts_with_pronoun(s.text) or starts_with_anaphor(s.text)):
            # "Gopher is a … model", "Its main span is …": a sentence naming the subject, or
            # going on about it with a pronoun, is its frame
            return True
        return any(sl.kind == "name" and name_found(sl, s.norm) for sl in frame_names)

    frames = [i for i in range(len(sents)) if in_frame(i)]
    def _in(sl: Slot, x: Sentence) -> bool:
        return _slot_in(sl, x, cs)[0]

    # the claim's other names and categories this passage has: a frame must hold them all
    names_here = [sl for sl in cs.slots if sl.kind in ("name", "category") and any(_in(sl, x) for x in sents)]
    claim_names = [sl.text for sl in cs.slots if sl.kind == "name"] + ([cs.subject] if cs.subject else [])

    def strict_frame(i: int, slot: Slot) -> bool:
        """The sentence states the same fact as the claim: for a year or a category, the
        claim's relation is there and so is every other name of the claim this passage has
        (so that "appointed judge in 1975" does not contradict "appointed to X in 1981")."""
        s = sents[i]
        if slot.kind == "number" and slot.number is not None and slot.number.kind not in TIME_KINDS:
            return True  # quantities: the owner check in _number_conflict decides
        if not cs.subject:
            return False
        if slot.kind == "name" and cs.relation and _is_school(slot, cs):
            # a school or institute: the clause check in _institution_conflict pairs it with
            # the claim's year or degree, so the sentence needs only the claim's relation
            return lexicon.relation_outside(s.low, cs.relation, claim_names)
        others = [sl for sl in names_here if sl is not slot]
        if not all(_in(sl, s) for sl in others):
            return False
        rel_here = bool(cs.relation) and lexicon.relation_outside(s.low, cs.relation or "", claim_names)
        if one_time(cs):
            # one birth, one death, one founding: another date contradicts
            return rel_here or (cs.relation in ("birth", "death") and life_dates(s.text, cs) is not None)
        if slot.kind == "category":
            # "won the chemistry prize in 1911" is the frame of "won the physics prize in 1911";
            # a PhD thesis is not the frame of a bachelor's degree elsewhere: the sentence must
            # also hold another of the claim's values (the prize, the year, the school)
            values = [
                sl for sl in cs.core
                if sl is not slot and (
                    _in(sl, s) if sl.kind == "name"
                    else sl.number is not None and any(same_quantity(sl.number, pn) for pn in s.numbers)
                )
            ]
            if not cs.relation and slot.group and same_post(slot, cs.text, s.text, lexicon.CATEGORY_GROUPS[slot.group]):
                return bool(values) or s.subject  # "a professor of physics" is the post "of chemistry" claims
            return rel_here and bool(values)
        # other relations (served, won, joined …) happen more than once: only a frame that
        # also names the claim's other things (the prize, the field, the office) is the same fact
        ctx = any(name_found(sl, s.norm) for sl in cs.context)
        return (bool(others) or ctx) and (rel_here or not cs.relation)
    # a list item about the subject states what its heading (and the page title) says:
    # "Outstanding Paper Awards" / "NeurIPS 2022 Awards" bind to each title listed under them
    frames_of_items: dict[int, str] = {}  # list item → its heading and the page title
    for i, s in enumerate(sents):
        if named[i] and _is_item(text, s) and not s.list_like:
            head = _header_of(text, sents, i) or _last_sentence(before).lower()
            frames_of_items[i] = head + " \n " + title.lower()
    contradictions: dict[str, SlotMatch] = {}
    for slot in cs.slots:
        m = SlotMatch()
        for i, s in enumerate(sents):
            found, other = _slot_in(slot, s, cs, frames_of_items.get(i, ""))
            if found:
                ok = s.subject and not s.list_like and other is None
                if ok:
                    m = SlotMatch(BOUND, i)
                    break
                if m.status == ABSENT:
                    m = SlotMatch(UNBOUND, i, other)
        # another value in the claim's frame, even where the value is stated elsewhere: the
        # 1903 physics prize and the 1911 chemistry prize both contradict "physics in 1911"
        office = numbered_office(slot.text) if slot.kind == "name" else None
        # a numbered office is its own frame (武汉大学第十四任校长), in any sentence about the subject
        for i in [j for j, x in enumerate(sents) if x.subject] if office is not None else frames:
            s = sents[i]
            conflict = None
            if office is not None:
                conflict = office_conflict(office, slot.text, s.text)
            elif not strict_frame(i, slot):
                continue
            elif slot.kind == "number":
                conflict = _number_conflict(slot, s, cs)
            elif slot.kind == "category" and slot.group:
                conflict = _category_conflict(slot, s, cs)
            elif slot.kind == "name" and _is_school(slot, cs):
                conflict = _institution_conflict(slot, s, cs)
            elif slot.kind == "name" and cs.relation in ("birth", "death", "location"):
                conflict = _place_conflict(slot, s, cs)
            if conflict is not None:
                contradictions[slot.key] = SlotMatch(CONTRADICTED, i, conflict)
                if m.status != BOUND:
                    m = SlotMatch(CONTRADICTED, i, conflict)
                break
        if m.status == ABSENT and slot.kind == "name" and any(name_partly(slot, s.norm) for s in sents):
            m = SlotMatch(UNBOUND, None, None)
        matches[slot.key] = m

    # wording coverage: the passage, the best sentence, the best two adjacent sentences
    low_all = text.lower() + " " + title.lower()
    terms_all = content_terms(text + " " + title)
    cov_all = units.coverage(low_all, terms_all)
    best, best_i, pair = -1.0, None, 0.0
    prev: tuple[str, set[str]] | None = None
    covers: list[float] = []
    for i, s in enumerate(sents):
        st = content_terms(s.text)
        cov = units.coverage(s.low, st)
        covers.append(cov)
        if cov > best:
            best, best_i = cov, i
        if prev is not None:
            pair = max(pair, units.coverage(prev[0] + " " + s.low, prev[1] | st))
        prev = (s.low, st)
    best = max(best, 0.0)
    pair = max(pair, best)

    al = PassageAlignment(
        rp=rp, sentences=sents, matches=matches, subject_in_passage=subject_in_passage,
        term_cov=cov_all, term_best=best, term_pair=pair, best_sentence=best_i,
        item_frames=frames_of_items, covers=covers, contradictions=contradictions,
    )
    # negation: a frame sentence that holds the claim's found values and negates them
    if not cs.negated:
        for i in frames:
            s = sents[i]
            has_vals = [sl for sl in cs.core if matches[sl.key].sentence == i]
            if has_vals and lexicon.negated(s.text) and len(has_vals) >= max(1, len(cs.core) // 2):
                al.negated = True
                break
    # credit: a creation claim whose object this passage credits to somebody else
    agents = claimed_agents(cs)  # the maker, when the claim's subject is the thing made
    if cs.relation in ("creation", "founding") and (cs.object_terms or agents):
        obj_units = cs.object_terms
        if agents:  # "Nimbus AI was founded by John Park": the thing made is the subject
            obj_units = (obj_units - content_terms(" ".join(agents))) | content_terms(cs.subject or "")
        obj_hit = len(obj_units & terms_all) / len(obj_units) if obj_units else 0.0
        obj_concepts = [k for k, _ in units.concepts if k in cs.text[len(cs.text) // 3 :]]
        concept_hit = sum(
            1 for k in obj_concepts if k in low_all or any(lexicon.words_in(low_all, p) for p in lexicon.CONCEPTS[k])
        )
        key = cs.key if cs.key is not None and cs.key.kind == "name" else None
        if key is not None and any(same_name(key.text, a) for a in agents):
            key = None  # the claimed maker is no name of the thing made
        key_here = key is not None and any(name_found(key, x.norm) for x in sents)

        def about_object(x: Sentence) -> bool:
            """The sentence speaks of what the claim says was created: its name where the
            passage has it, else some of its words."""
            if key_here and key is not None:
                return name_found(key, x.norm)
            return bool(obj_units & content_terms(x.text))

        def agent(name: str) -> bool:
            n = normalize_for_match(name)
            return any(same_name(name, a) or normalize_for_match(a) in n or n in normalize_for_match(a)
                       for a in agents)

        if obj_hit >= 0.3 or concept_hit >= 2:
            for i, s in enumerate(sents):
                if not about_object(s):
                    continue
                if agents:
                    names = [n for n in lexicon.credited_names(s.text) if not agent(n)]
                    subj_credit = lexicon.has_relation(s.low, cs.relation) and all(
                        normalize_for_match(a) in s.norm for a in agents)
                else:
                    names = [n for n in lexicon.credited_names(s.text) if not is_subject_name(n, cs)]
                    subj_credit = s.subject and lexicon.has_relation(s.low, cs.relation) and subject_named(
                        cs, s.text, s.norm
                    )
                if subj_credit:
                    al.subject_credited = True
                if names and not al.credits_other:
                    al.credits_other, al.credit_sentence = names[0], i
    if cs.relation == "award" and not al.credits_other:
        award_credit(cs, al, sents)
    if not al.credits_other and not al.subject_credited:
        role_credit(cs, al, sents)
    if not al.credits_other and not al.subject_credited:
        speaker_credit(cs, al, sents)
    al.list_like = bool(sents) and all(s.list_like or len(s.norm) < 25 for s in sents)
    al.features = _features(cs, al, units)
    return al


def _features(cs: ClaimSlots, al: PassageAlignment, units: TermUnits) -> list[float]:
    core = cs.core
    n = len(core)
    bound = sum(1 for s in core if al.status(s) == BOUND)
    found = sum(1 for s in core if al.status(s) in (BOUND, UNBOUND))
    conf = {k: m for k, m in al.conflicts()}
    by_key = {s.key: s for s in cs.slots}
    c_num = any(by_key[k].kind == "number" and by_key[k].number is not None
                and by_key[k].number.kind not in TIME_KINDS for k in conf)  # type: ignore[union-attr]
    c_time = any(by_key[k].kind == "number" and by_key[k].number is not None
                 and by_key[k].number.kind in TIME_KINDS for k in conf)  # type: ignore[union-attr]
    c_cat = any(by_key[k].kind == "category" for k in conf)
    best_subject = (
        al.best_sentence is not None and al.sentences[al.best_sentence].subject
    )
    rare_total = max(len(units.rare), 1)
    rare_found = len(units.rare & content_terms(al.rp.passage.text)) / rare_total if units.rare else 0.0
    sem = max(0.0, min(1.0, al.rp.semantic))
    nums = [s for s in core if s.kind == "number" and s.number is not None]
    pnums = [n for st in al.sentences for n in st.numbers if n.kind != "version"]
    n_found = sum(1 for s in nums if al.status(s) in (BOUND, UNBOUND))
    n_other = sum(
        1 for s in nums
        if s.number is not None and al.status(s) in (ABSENT, CONTRADICTED)
        and any(_comparable(s.number, pn) for pn in pnums)
    )
    missing_frac = (n - found) / n if n else 0.0
    num_other = n_other / len(nums) if nums else 0.0
    return [
        1.0,
        bound / n if n else al.term_best,
        found / n if n else al.term_cov,
        1.0 if n else 0.0,
        al.term_cov,
        al.term_best,
        al.term_pair,
        sem,
        1.0 if al.subject_in_passage else 0.0,
        1.0 if best_subject else 0.0,
        1.0 if c_num else 0.0,
        1.0 if c_time else 0.0,
        1.0 if c_cat else 0.0,
        1.0 if al.negated else 0.0,
        1.0 if al.credits_other and not al.subject_credited else 0.0,
        min(n - found, 3) / 3 if n else 0.0,
        rare_found,
        1.0 if al.list_like else 0.0,
        n_found / len(nums) if nums else 0.0,
        num_other,
        al.term_pair * missing_frac,
        al.term_pair * num_other,
        sem * al.term_pair,
    ]


def _comparable(cn: NumberMention, pn: NumberMention) -> bool:
    """Two numbers that could state the same quantity (same kind, same unit, near magnitude)."""
    if cn.kind in TIME_KINDS and pn.kind in TIME_KINDS:
        return True
    if cn.kind != pn.kind or cn.kind not in ("count", "percent") or (cn.unit or "") != (pn.unit or ""):
        return False
    if pn.value == 0 or cn.value == 0:
        return False
    return 0.01 <= abs(cn.value / pn.value) <= 100 and (cn.kind == "percent" or abs(cn.value) >= 10)


def union_terms(units: TermUnits, als: list[PassageAlignment]) -> float:
    """Share of the claim's wording found in any of the passages."""
    if not als or not units.size:
        return 0.0
    text = " ".join(al.rp.passage.text for al in als)
    return units.coverage(text.lower(), content_terms(text))

