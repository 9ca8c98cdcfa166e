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
features the learned decision model reads. Where a value stands in one sentence, and which
other value there contradicts it, is :mod:`veracity.judge.values`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from veracity.evidence.numbers import NumberMention, extract_numbers, same_quantity
from veracity.evidence.tokenize import content_terms
from veracity.judge import lexicon
from veracity.judge.aliases import expand_acronyms, expand_short_names, has_alias_statement
from veracity.judge.credit import (
    action_credit,
    award_credit,
    claimed_agents,
    deed_credit,
    name_pronoun_credit,
    passive_without_agent,
    role_credit,
    speaker_credit,
)
from veracity.judge.frames import (
    CJK,
    TIME_KINDS,
    clause_spans,
    evidence_form,
    life_dates,
    numbered_office,
    office_conflict,
    one_time,
    same_post,
    says_all_words,
    shares_wording,
)
from veracity.judge.owners import (
    is_subject_name,
    kin_leads,
    name_found,
    name_partly,
    named_as_other,
    other_name_leads,
    own_thing_elsewhere,
    starts_with_anaphor,
    starts_with_pronoun,
    subject_named,
)
from veracity.judge.ranks import rank_conflict, ranks_in
from veracity.judge.slots import LATIN_PHRASE, ClaimSlots, Slot, same_name
from veracity.judge.values import (
    Sentence,
    anchored_place_conflict,
    category_conflict,
    clause_sentence,
    employer_conflict,
    institution_conflict,
    is_school,
    nationality_conflict,
    number_conflict,
    place_conflict,
    present_post,
    slot_in,
    spouse_conflict,
    works_at,
)
from veracity.text import normalize_for_match, sentence_spans
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
    negated_at: int | None = None  # the sentence that denies the claim's relation outright
    credits_other: str | None = None
    credit_sentence: int | None = None
    subject_credited: bool = False
    role_stated: int | None = None  # the sentence that gives the claim's role to the claim's person
    rank_conflict: tuple[int, str, str] | None = None  # sentence, the claim's rank, the one stated there
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
        found, other = slot_in(slot, s, cs, self.item_frames.get(j, ""))
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
        # one value alone ("in 2009") is the claim's only where its clause also says something
        # of what the claim says: "joined the university in 2009" is no promotion in 2009
        return any(all(slot_in(sl, clause_sentence(s, a, b), cs)[0] for sl in core)
                   and (len(core) > 1 or shares_wording(s.text[a:b], cs))
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
        # a lower-case word of four letters or more is a verb or a noun of a statement ("In
        # September 2021, Marisol Quintero launched the Humboldt Kelp Survey")
        worded = any(re.fullmatch(r"[a-z]{4,}[.,;:]?", t) for t in tokens)
        return named / len(tokens) >= 0.8 and not worded
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
    expand_short_names(cs.slots, text + "\n" + title)  # 北京大学 is found as 北大
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
        elsewhere = not nm and own_thing_elsewhere(s.text, cs)
        if has_alias_statement(s.text):
            continue  # "appeared under the title …" links two names; it states no claimed fact
        # "她的丈夫周明是…" starts with a pronoun but is about the husband
        # (of a marriage claim, the spouse's sentence is the one that says it)
        kin = not nm and cs.relation != "marriage" and kin_leads(s.text, cs)
        s.subject = nm or (not kin and not elsewhere and (current or (
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
        if not cs.relation and any(says_all_words(s.text[a:b], cs) for a, b in clause_spans(s.text)):
            return True  # "2011年加入厦门大学，2016年晋升为教授": a clause in the claim's own words
        return any(sl.kind == "name" and name_found(sl, s.norm) for sl in frame_names)

    frames = [i for i in range(len(sents)) if in_frame(i)]
    # a list item about the subject states what its heading (and the page title) says:
    # "Outstanding Paper Awards" / "NeurIPS 2022 Awards" bind to each title listed under them
    frames_of_items: dict[int, str] = {}  # list item → its heading and the page title
    for i, s in enumerate(sents):
        if named[i] and _is_item(text, s) and not s.list_like:
            head = _header_of(text, sents, i) or _last_sentence(before).lower()
            frames_of_items[i] = head + " \n " + title.lower()
    # on a page titled with the claim's firm or school, a sentence that names the subject and
    # no other name, in the claim's own words for its relation, is about that firm too ("Kari
    # Lund was appointed chief executive in 2016" on the page of Halvorsen Foods; not "was
    # appointed" for a claim that she joined it)
    page_names = [sl for sl in cs.slots if sl.kind == "name" and title and not CJK.search(title)
                  and name_found(sl, normalize_for_match(title))]
    for i, s in enumerate(sents):
        if page_names and i not in frames_of_items and named[i] and not s.list_like and not CJK.search(s.text) \
                and not _other_names(s.text, cs) \
                and (cs.relation is None or lexicon.same_relation_word(cs.text, s.text, cs.relation)):
            frames_of_items[i] = title.lower()
    index_of = {id(x): i for i, x in enumerate(sents)}

    def _in(sl: Slot, x: Sentence) -> bool:
        return slot_in(sl, x, cs, frames_of_items.get(index_of.get(id(x), -1), ""))[0]

    # the claim's other names and categories this passage has: a frame must hold them all
    names_here = [sl for sl in cs.slots if sl.kind in ("name", "category") and any(_in(sl, x) for x in sents)]
    claim_names = [sl.text for sl in cs.slots if sl.kind == "name"] + ([cs.subject] if cs.subject else [])

    def strict_frame(i: int, slot: Slot) -> bool:
        """The sentence states the same fact as the claim: for a year or a category, the
        claim's relation is there and so is every other name of the claim this passage has
        (so that "appointed judge in 1975" does not contradict "appointed to X in 1981")."""
        s = sents[i]
        if slot.kind == "number" and slot.number is not None and slot.number.kind not in TIME_KINDS:
            return True  # quantities: the owner check in number_conflict decides
        if not cs.subject:
            return False
        if slot.kind == "name" and works_at(slot, cs) and not is_school(slot, cs):
            return True  # the clause check in employer_conflict pairs it with the claim's dates
        if slot.kind == "name" and is_school(slot, cs) and present_post(cs.text):
            return present_post(s.text)  # "is a professor at X" against "is a professor at Y"
        if slot.kind == "name" and cs.relation and is_school(slot, cs):
            # a school or institute: the clause check in institution_conflict pairs it with
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
        if not others and not ctx and slot.kind == "number" and not cs.context:
            # nothing else to place a date: a clause in every word of the claim is its frame
            # ("…and was promoted to full professor in 2015" for "promoted … in 2009")
            return any(says_all_words(s.text[a:b], cs) for a, b in clause_spans(s.text))
        return (bool(others) or ctx) and (rel_here or not cs.relation)
    contradictions: dict[str, SlotMatch] = {}
    for slot in cs.slots:
        m = SlotMatch()
        for i, s in enumerate(sents):
            found, other = slot_in(slot, s, cs, frames_of_items.get(i, ""))
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
        # (so is an employer with the claim's dates, in any sentence about the subject)
        anywhere = office is not None or (slot.kind == "name" and works_at(slot, cs))
        for i in [j for j, x in enumerate(sents) if x.subject] if anywhere else frames:
            s = sents[i]
            conflict = None
            if office is not None:
                conflict = office_conflict(office, slot.text, s.text)
            elif not strict_frame(i, slot):
                continue
            elif slot.kind == "number":
                conflict = number_conflict(slot, s, cs, frames_of_items.get(i, ""))
            elif slot.kind == "category" and slot.group:
                conflict = category_conflict(slot, s, cs)
            elif slot.kind == "name" and is_school(slot, cs):
                conflict = institution_conflict(slot, s, cs)
            elif slot.kind == "name" and works_at(slot, cs):
                conflict = employer_conflict(slot, s, cs)
            elif slot.kind == "name" and (cs.relation in ("birth", "death", "location") or (
                    cs.relation in ("founding", "debut") and _placed(slot, cs.text))):  # "founded in Bergen"
                conflict = place_conflict(slot, s, cs)
            if conflict is not None:
                contradictions[slot.key] = SlotMatch(CONTRADICTED, i, conflict)
                if m.status != BOUND:
                    m = SlotMatch(CONTRADICTED, i, conflict)
                break
        if slot.key not in contradictions and slot.kind == "category" and slot.group == "nationality":
            for i in [j for j, x in enumerate(sents) if x.subject and not x.list_like]:
                if (other := nationality_conflict(slot, sents[i], cs)) is not None:
                    contradictions[slot.key] = m = SlotMatch(CONTRADICTED, i, other)
                    break
        if slot.key not in contradictions and slot.kind == "name" and not is_school(slot, cs):
            # a place tied to the claim's thing by the word before it ("a factory in Bergen"),
            # another spouse ("married to the architect Chidi Okoro")
            for i in [j for j, x in enumerate(sents) if x.subject and not x.list_like]:
                other = anchored_place_conflict(slot, sents[i], cs) or spouse_conflict(slot, sents[i], cs)
                if other is not None:
                    contradictions[slot.key] = SlotMatch(CONTRADICTED, i, other)
                    if m.status != BOUND:
                        m = SlotMatch(CONTRADICTED, i, other)
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
                if cs.relation and lexicon.negates_relation(s.text, cs.relation):
                    al.negated_at = i  # "周婷从未获得过国家自然科学奖": the relation itself denied
                break
            # the opposite deed, in the clause that holds every value of the claim: "The FDA
            # rejected Veltrix in 2019" against "Veltrix was approved by the FDA in 2019"
            if has_vals and len(has_vals) == len(cs.core) and any(
                all(slot_in(sl, clause_sentence(s, a, b), cs)[0] for sl in cs.core)
                and lexicon.opposite_of(cs.text, s.text[a:b]) is not None
                for a, b in clause_spans(s.text)
            ):
                al.negated, al.negated_at = True, i
                break
    # rank: a clause about the subject with the claim's values that ranks the claim's thing at
    # another place ("the second-largest maker" for "the largest maker")
    if not cs.negated and ranks_in(cs.text):
        for i in frames:
            s = sents[i]
            if not s.subject:
                continue
            ranks = next((
                c for a, b in clause_spans(s.text)
                if all(slot_in(sl, clause_sentence(s, a, b), cs)[0] for sl in cs.core)
                and (c := rank_conflict(cs.text, s.text[a:b])) is not None
            ), None)
            if ranks is not None:
                al.rank_conflict = (i, *ranks)
                break
    # credit: a creation claim whose object this passage credits to somebody else
    agents = claimed_agents(cs)  # the maker, when the claim's subject is the thing made
    # "Brightwave was founded in May 2019" names no maker: nobody else can be credited instead
    makerless = not agents and passive_without_agent(cs)
    if cs.relation in ("creation", "founding") and (cs.object_terms or agents) and not makerless:
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
    if not al.credits_other and not al.subject_credited:
        action_credit(cs, al, sents)
    if not al.credits_other and not al.subject_credited:
        deed_credit(cs, al, sents)
    name_pronoun_credit(cs, al, sents)
    # a passage of fragments only (a Chinese sentence states a fact in far fewer characters)
    al.list_like = bool(sents) and all(s.list_like or len(s.norm) < (10 if CJK.search(s.text) else 25) for s in sents)
    al.features = _features(cs, al, units)
    return al


_INITIAL_WORDS = frozenset({"in", "on", "at", "by", "after", "before", "since", "during", "from", "the", "a", "an",
                            "he", "she", "they", "it", "his", "her", "their", "its", "later", "then", "as"})


def _other_names(text: str, cs: ClaimSlots) -> list[str]:
    """The capitalised names of ``text`` that are neither the subject nor a value of the claim
    (a sentence-initial word such as "In" or "She" is none)."""
    out = []
    for m in LATIN_PHRASE.finditer(text):
        name = m.group(0)
        words = name.split()
        if words[0].lower() in _INITIAL_WORDS or words[0].lower() in lexicon.MONTHS:
            words = words[1:]
        if not words or (len(words) == 1 and len(words[0]) < 2):
            continue
        name = " ".join(words)
        if is_subject_name(name, cs) or any(sl.kind == "name" and name_found(sl, normalize_for_match(name))
                                            for sl in cs.slots):
            continue
        out.append(name)
    return out


def _placed(slot: Slot, text: str) -> bool:
    """The claim names ``slot`` as a place ("in Bergen", 在成都)."""
    return bool(re.search(r"\bin\s+(?:the\s+)?" + re.escape(slot.text) + r"\b", text)
                or re.search(r"(?:在|于)" + re.escape(slot.text), text))


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

