"""Where a claim's value stands in a sentence of the evidence, and what contradicts it.

A :class:`Sentence` is one sentence of a passage, with its numbers and whether it speaks of the
claim's subject. :func:`slot_in` says whether a value is found there (and whose it is);
the ``*_conflict`` functions say which other value of the same kind, in the claim's frame,
contradicts it: another number of the same thing, another member of a category (a field, a
degree, a nationality), another school, another place of birth or seat.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from veracity.evidence.measures import is_measure
from veracity.evidence.numbers import NumberMention, extract_numbers, same_quantity
from veracity.evidence.tokenize import content_terms
from veracity.judge import lexicon
from veracity.judge.counts import (
    counted_words,
    counts_other_things,
    noun_after,
    noun_before,
    same_noun,
    within_claimed_bound,
)
from veracity.judge.frames import (
    CJK,
    TIME_KINDS,
    claim_words,
    claim_years,
    clause_at,
    clause_spans,
    evidence_form,
    life_conflict,
    made_once,
    one_time,
    own_time_elsewhere,
    same_time,
    says_all_words,
    shares_wording,
)
from veracity.judge.owners import (
    is_subject_name,
    name_found,
    owner_of,
    relative_owner,
)
from veracity.judge.slots import LATIN_PHRASE, ClaimSlots, Slot, same_name
from veracity.text import CJK_CHARS, normalize_for_match


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


# a value and the year it is of: "2.1 billion euros in 2021", "(2021)", 2021年营收21亿元
_YEAR_AFTER = re.compile(r"\s*(?:[a-z%]+\s+){0,2}?(?:in|for|during)\s+(?:fiscal\s+(?:year\s+)?)?|\s*\(\s*",
                         re.IGNORECASE)
_YEAR_BEFORE = re.compile(rf"[{CJK_CHARS}]{{0,6}}")


def dated_values(sent: Sentence) -> list[tuple[NumberMention, NumberMention]]:
    """(value, its year) pairs of a sentence that gives a value per year ("revenue of 2.1
    billion euros in 2021 and 2.5 billion euros in 2022")."""
    out = []
    times = [t for t in sent.numbers if t.kind in TIME_KINDS and t.year is not None]
    for n in sent.numbers:
        if n.kind in TIME_KINDS or n.kind == "version":
            continue
        after = next((t for t in times if t.start >= n.end), None)
        before = next((t for t in reversed(times) if t.end <= n.start), None)
        if after is not None and _YEAR_AFTER.fullmatch(sent.text, n.end, after.start):
            out.append((n, after))
        elif before is not None and _YEAR_BEFORE.fullmatch(sent.text, before.end, n.start):
            out.append((n, before))
    return out


# a value and the named thing it is of: "50 million dollars in a Series A round"
_NAME_AFTER = re.compile(r"\s*(?:in|for|from|of)\s+(?:a|an|the|its|their)?\s*"
                         r"([A-Z][\w\-]*(?:\s+(?:[A-Z][\w\-]*|\d+))*)")


def named_values(sent: Sentence) -> list[tuple[NumberMention, str]]:
    """(value, the name right after it) pairs of a sentence that gives a value per named thing
    ("50 million dollars in a Series A round … 120 million dollars in a Series B round")."""
    out = []
    for n in sent.numbers:
        if n.kind in TIME_KINDS or n.kind == "version":
            continue
        m = _NAME_AFTER.match(sent.text, n.end)
        if m is not None:
            out.append((n, m.group(1)))
    return out


def _year_pairs(sent: Sentence, cs: ClaimSlots) -> list[tuple[NumberMention, str, bool]]:
    """(value, its year, whether that is a year of the claim) of :func:`dated_values`; empty
    when the claim names no year."""
    years = claim_years(cs)
    return [(n, t.text, t.year in years) for n, t in dated_values(sent)] if years else []


def _name_pairs(sent: Sentence, cs: ClaimSlots) -> list[tuple[NumberMention, str, bool]]:
    """(value, the name after it, whether that is a name of the claim) of :func:`named_values`."""
    names = [sl for sl in cs.slots if sl.kind == "name"]
    if not names:
        return []
    return [(n, tag, any(name_found(sl, normalize_for_match(tag)) for sl in names)) for n, tag in named_values(sent)]


def _paired_elsewhere(cn: NumberMention, pairs: list[tuple[NumberMention, str, bool]]) -> tuple[str, str] | None:
    """(what the claim's value is given for, the value given for the claim's own year or name)
    when a sentence pairs the claim's value with another year or name and another value with
    the claim's ("2.1 billion euros in 2021 and 2.5 billion euros in 2022" against "2.1 billion
    euros in 2022"; "50 million in a Series A round and 120 million in a Series B round" against
    "50 million in its Series B")."""
    if cn.kind in TIME_KINDS:
        return None
    own = [label for n, label, _ in pairs if same_quantity(cn, n)]
    if not own or any(claimed for n, _, claimed in pairs if same_quantity(cn, n)):
        return None
    other = next((n for n, _, claimed in pairs if claimed and n.kind == cn.kind
                  and (n.unit or "") == (cn.unit or "") and not same_quantity(cn, n)), None)
    return (own[0], other.text) if other is not None else None


def number_match(slot: Slot, sent: Sentence, cs: ClaimSlots) -> tuple[bool, str | None]:
    """(found, owner-if-another-name) for a number slot in one sentence."""
    cn = slot.number
    assert cn is not None
    by_name = _name_pairs(sent, cs)
    dated = _paired_elsewhere(cn, _year_pairs(sent, cs)) or _paired_elsewhere(cn, by_name)
    if dated is not None:
        return True, dated[0]  # the claim's value is another year's, or another named thing's
    if any(claimed and same_quantity(cn, n) for n, _, claimed in by_name):
        return True, None  # "120 million dollars in a Series B round": the claim's own pair
    for pn in sent.numbers:
        if pn.kind == "version":
            continue
        # "more than 12 million passengers" is stated by "12,400,000 passengers"
        if same_quantity(cn, pn) or (
            cn.kind == pn.kind and cn.kind in ("count", "percent") and (cn.unit or "") == (pn.unit or "")
            and within_claimed_bound(cs.text, cn.start, cn.value, pn.value, sent.text, pn.start)
            and same_noun(noun_after(cs.text, cn.end), noun_after(sent.text, pn.end))
        ):
            if cn.kind == "count" and not cn.unit and counts_other_things(cs.text, cn.end, sent.text, pn.end):
                continue
            if _same_noun_before(cs.text, cn, sent.text, pn) is False:
                continue  # 「在校生」3.2万人 is no count of 研究生
            earlier = _EARLIER.match(sent.text, pn.end)
            if earlier is not None and claim_years(cs) & {x.year for x in sent.numbers if x.kind in TIME_KINDS}:
                return True, earlier.group(1) or earlier.group(2)  # "a loss of €12 million a year earlier"
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


def _same_noun_before(claim: str, cn: NumberMention, sentence: str, pn: NumberMention) -> bool | None:
    """Whether two Chinese head counts count the same thing, named before each number (在校生 /
    研究生); None when either names none."""
    ours, theirs = noun_before(claim, cn.start, cn.end), noun_before(sentence, pn.start, pn.end)
    return None if ours is None or theirs is None else ours == theirs


# a value given for the year before the sentence's ("… a year earlier", 上年同期)
_EARLIER = re.compile(r"[^.;,，；。]{0,30}?\b(a\s+year\s+(?:earlier|before|ago)|the\s+(?:year|quarter)\s+before|"
                      r"the\s+previous\s+year|a\s+quarter\s+earlier)\b|[^。；，]{0,6}?(上年同期|去年同期|一年前)",
                      re.IGNORECASE)


_AND_LEAD = re.compile(r"\s*and\s", re.IGNORECASE)
_RELATIVE_LEAD = re.compile(r"\s*(?:where|in\s+which|at\s+which|for\s+which)\b", re.IGNORECASE)


def in_claims_clause(pn: NumberMention, sent: Sentence, cs: ClaimSlots, slot: Slot, frame: str = "") -> bool:
    """The other value sits in the claim's frame at clause level: a clause that does not hold
    the claim's own value, names no other member of the claim's categories (another prize
    field is another event), and holds the relation of a one-time event ("and died in
    1934", not "born 1867, died 1934") or another of the claim's values for a repeatable one
    ("2010年加入X，2018年起担任首席研究员" — 2018 is another event, not the joining)."""
    clause = clause_at(sent.text, pn.start)
    named = clause  # where the claim's other names are looked for
    # "…, where she has worked since 2011": the place is the clause before's; so is the school
    # of "studied astronomy at X and graduated in 2003" (an "and" clause in the claim's words),
    # though that clause's own date stays its own ("joined X in 2009 and was promoted in 2015")
    relative = bool(_RELATIVE_LEAD.match(clause))
    if relative or (_AND_LEAD.match(clause) and claim_words(cs) & content_terms(clause)):
        spans = clause_spans(sent.text)
        k = next((i for i, (a, b) in enumerate(spans) if a <= pn.start < b), 0)
        if k > 0:
            named = sent.text[spans[k - 1][0]: spans[k][1]]
            if relative:
                clause = named
    low = clause.lower()
    norm = normalize_for_match(named)
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
    others = [sl for sl in [*cs.slots, *cs.context]
              if sl is not slot and sl.kind in ("name", "category") and (cs.parts <= 1 or sl.part == slot.part)]
    if not others:
        return _says_all_but_the_value(slot, sent.text, clause, cs)
    return any(
        name_found(sl, norm) or (bool(frame) and name_found(sl, normalize_for_match(frame)))
        if sl.kind == "name" else category_said(sl, named)
        for sl in others
    )


def _says_all_but_the_value(slot: Slot, sentence: str, clause: str, cs: ClaimSlots) -> bool:
    """A claim with no other name to place its value ("was promoted to full professor in
    2009"): the clause says every word of the claim with another value ("…in 2009 and was
    promoted to full professor in 2015"), and the sentence has the claim's own value in a
    clause that says none of them ("joined the university in 2009")."""
    if slot.number is None or not says_all_words(clause, cs):
        return False
    # only where the sentence gives the claim's value to another event: a repeatable one ("won
    # the league title in 1952–53") may have happened in the claim's year too
    words = claim_words(cs)
    own = [sentence[a:b] for a, b in clause_spans(sentence)
           if any(same_quantity(slot.number, x) for x in extract_numbers(sentence[a:b]))]
    return (bool(own) or made_once(cs.text)) and not any(words & content_terms(c) for c in own)


def category_conflict(slot: Slot, sent: Sentence, cs: ClaimSlots) -> str | None:
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
        claimed = {sl.member for sl in cs.slots if sl.kind == "category" and sl.group == slot.group}
        if present <= claimed:
            continue  # "studied chemistry and physics": chemistry is the claim's own, not another
        if slot.member and all(m in slot.member or slot.member in m for m in present):
            continue  # a field and its branch ("biology" / "microbiology") do not contradict
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
        said = next((p for p in phrases if lexicon.words_in(low, p)), member)
        # "studied law", "law degree": the member, not the words that place it
        return member if lexicon.words_in(said, member) else said
    return None


INSTITUTION = re.compile(
    r"(?:[A-Z][\w'’.&\-]*\s+)*(?:University|College|Institute|School|Academy|Polytechnic)"
    r"(?:\s+of(?:\s+(?:the\s+)?[A-Z][\w'’.&\-]*)+)?"
    rf"|[{CJK_CHARS}]{{2,12}}(?:大学|学院|研究院|研究所|工程院)"
    rf"|(?:{lexicon.ZH_SHORT_NAMES})(?!学)"  # 北大物理系
)


_ZH_UNIVERSITY = re.compile(rf"[{CJK_CHARS}]{{2,8}}?大学")
_ZH_LEAD = re.compile(r"^.*[在于从自入到年月日的和与及、，曾任后前选]")  # "年毕业于「浙江大学」"


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
_ZH_SCHOOL_TAIL = re.compile(rf"[{CJK_CHARS}]{{0,6}}(?:系|专业|学院|研究所)|{lexicon.ZH_POST}|校长|院长|院士")


def is_school(slot: Slot, cs: ClaimSlots) -> bool:
    """A school or institute: by its name, or as where the claim's degree came from."""
    name = slot.text.strip()
    if INSTITUTION.fullmatch(name) or any(same_name(name, s) for s in schools_of_degrees(cs.text)):
        return True
    head = INSTITUTION.match(name)
    return bool(head and CJK.match(name) and _ZH_SCHOOL_TAIL.fullmatch(name[head.end():]))


# a post held now: "she is a professor at Heidelberg", "he is currently a research fellow of …"
_POST_WORDS = (r"(?:professor|lecturer|reader|researcher|scientist|fellow|director|dean|chair|president|head|"
               r"member|student|engineer|economist|physicist|chemist|biologist|mathematician)")
_PRESENT_POST = re.compile(rf"\b(?:is|are)\s+(?:now\s+|currently\s+)?(?:a|an|the)?\s*(?:[a-z\-]+\s+){{0,3}}?"
                           rf"{_POST_WORDS}s?\b[^.;]{{0,60}}?\b(?:at|of|in)\b", re.IGNORECASE)


def present_post(text: str) -> bool:
    """The text gives someone's present post: "is a professor at …", 现任."""
    return "现任" in text or bool(_PRESENT_POST.search(text))


def institution_conflict(slot: Slot, sent: Sentence, cs: ClaimSlots) -> str | None:
    """Another school or institute in a clause of the claim's frame that holds the claim's
    other values but not its institution: "a PhD in statistics from Harvard in 2009" against
    "… and a PhD in statistics from Stanford University in 2009"."""
    others = frame_values(cs, slot)
    current = present_post(cs.text)  # one present post: another school where the page gives one too
    if not others and not current:
        return None
    school = INSTITUTION.match(slot.text.strip())
    for a, b in clause_spans(sent.text):
        raw = sent.text[a:b]
        norm = normalize_for_match(raw)
        if name_found(slot, norm) or (school and normalize_for_match(_ZH_LEAD.sub("", school.group(0))) in norm):
            continue  # the claim's school, with or without its department
        if not others and not present_post(raw):
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
        if all(slot_in(sl, part, cs)[0] for sl in others):
            return found[0]
    return None


_AT_ORG = re.compile(r"\bat\s+(?:the\s+)?([A-Z][\w&'’\-]*(?:\s+(?:of\s+(?:the\s+)?)?[A-Z][\w&'’\-]*)*)")


_ZH_WORKS_AT = r"(?:任职于|就职于|供职于)"
_ZH_AT_ORG = re.compile(rf"{_ZH_WORKS_AT}([{CJK_CHARS}·A-Za-z]{{2,12}}?)(?=[，。；,;]|$|担任|任)")


def works_at(slot: Slot, cs: ClaimSlots) -> bool:
    """The claim says its subject works (or worked) at ``slot`` ("a researcher at IBM Research")."""
    return _works_at(slot.text, cs.text, cs.relation == "employment")


@lru_cache(maxsize=1024)
def _works_at(name: str, text: str, employment: bool) -> bool:
    at = r"\s+at\s+(?:the\s+)?" + re.escape(name)
    return bool((employment and re.search(at, text))
                or re.search(rf"\b{_POST_WORDS}s?{at}", text, re.IGNORECASE)
                or re.search(_ZH_WORKS_AT + re.escape(name), text))


def employer_conflict(slot: Slot, sent: Sentence, cs: ClaimSlots) -> str | None:
    """Another employer in a clause that holds the claim's dates: "a researcher at Google
    Research from 2005 to 2011" against "a researcher at IBM Research from 2005 to 2011"."""
    timed = [sl for sl in frame_values(cs, slot) if sl.number is not None and sl.number.kind in TIME_KINDS]
    if not timed:
        return None
    for a, b in clause_spans(sent.text):
        raw = sent.text[a:b]
        if name_found(slot, normalize_for_match(raw)):
            continue
        if not all(slot_in(sl, clause_sentence(sent, a, b), cs)[0] for sl in timed):
            continue
        found = [m.group(1) for m in [*_AT_ORG.finditer(raw), *_ZH_AT_ORG.finditer(raw)] if not any(
            sl.kind == "name" and name_found(sl, normalize_for_match(m.group(1))) for sl in cs.slots)]
        if found:
            return found[0]
    return None


_IN_PLACE = re.compile(r"\bin\s+([A-ZÀ-ÖØ-Þ][\w'’\-]+(?:\s+[A-ZÀ-ÖØ-Þ][\w'’\-]+)*)")
_ZH_PLACE = re.compile(rf"(?:出生于|生于|出生在|逝世于|去世于|病逝于|死于|总部位于|总部设在|位于)([{CJK_CHARS}]{{2,6}}?)(?=[，。,;；、的（(]|$|\d)"
                       rf"|(?:在|于)([{CJK_CHARS}]{{2,10}}?)(?=举行|举办|成立|创立|创办|出生|首飞|首航|首演|首映)")  # 峰会于塔林举行


_PLACE_KINDS = frozenset(["city", "county", "district", "province", "state", "region", "north", "south", "east",
                          "west", "upper", "lower", "greater", "saint", "port", "lake", "river", "island"])


def _shares_place_word(place: str, text: str) -> bool:
    """``text`` holds a distinctive word of ``place`` ("York" of "New York City")."""
    words = {w.lower() for w in re.findall(r"[A-ZÀ-ÖØ-Þ][\w'’\-]{3,}", place)} - _PLACE_KINDS
    return any(re.search(rf"\b{re.escape(w)}\b", text, re.IGNORECASE) for w in words)


def _other_leads(text: str, a: int, raw: str, cs: ClaimSlots) -> bool:
    """The first name of two or more words in the sentence ``text`` before the relation in its
    clause ``raw`` (at ``a``) is another's than the subject's ("Melania Trump, née …, (born
    1970, Novo Mesto …), the wife of Donald Trump")."""
    at = lexicon.relation_position(raw, cs.relation or "")
    for m in LATIN_PHRASE.finditer(text[: a + (at if at >= 0 else len(raw))]):
        words = [w for w in m.group(0).split() if w[:1].isupper() and w.lower() not in ("the", "a", "an")]
        if len(words) < 2:
            continue
        name = " ".join(words)
        return not same_person(name, cs.subject or "") and not any(
            sl.kind == "name" and name_found(sl, normalize_for_match(name)) for sl in cs.slots)
    return False


def same_person(name: str, subject: str) -> bool:
    """``name`` is ``subject`` as written elsewhere: the same last word and given name
    ("Georges-Frédéric Parrot" for "Georg Friedrich Parrot", "M. Sousa" for "Marta Sousa", not
    "Melania Trump" for "Donald Trump")."""
    if not subject:
        return False
    if same_name(name, subject):
        return True
    a = [re.sub(r"[\W_]+", "", normalize_for_match(w)) for w in name.split()]
    b = [re.sub(r"[\W_]+", "", normalize_for_match(w)) for w in subject.split()]
    if len(a) < 2 or len(b) < 2 or a[-1] != b[-1] or not a[0] or not b[0]:
        return False
    initial = min(len(a[0]), len(b[0])) == 1  # "M. Sousa" for "Marta Sousa"
    return a[0][:4] == b[0][:4] or (initial and a[0][0] == b[0][0])


def place_conflict(slot: Slot, sent: Sentence, cs: ClaimSlots) -> str | None:
    """Another place in a clause that states the birth (or death, or where the subject is
    based): "born 1961 in Coimbra" contradicts "born in Lisbon", "headquartered in Bergen"
    contradicts "in Oslo"; a place the claim also names does not."""
    assert cs.relation is not None
    for a, b in clause_spans(sent.text):
        raw = sent.text[a:b]
        if not lexicon.has_relation(raw.lower(), cs.relation) or _other_leads(sent.text, a, raw, cs):
            continue
        places = [m.group(1) for m in _IN_PLACE.finditer(raw)] + [m.group(1) or m.group(2) for m in _ZH_PLACE.finditer(raw)]
        places = [p for p in places if p.split()[0].lower() not in lexicon.MONTHS and not any(
            sl.kind == "name" and name_found(sl, normalize_for_match(p)) for sl in cs.slots)]
        # "born … in Queens, New York" may well be in "New York City": a place that shares a
        # word with the claim's is no other place
        if places and not name_found(slot, normalize_for_match(raw)) and not _shares_place_word(slot.text, raw):
            return places[0]
    return None


def anchored_place_conflict(slot: Slot, sent: Sentence, cs: ClaimSlots) -> str | None:
    """Another place after the same word, in a clause with the claim's other values: "a factory
    in Trondheim in 2026" contradicts "a factory in Bergen in 2026" (the word right before "in"
    ties the place to the thing: "factory in", "opened in", "held in")."""
    m = re.search(rf"\b([a-z]{{3,}})\s+in\s+(?:the\s+)?{re.escape(slot.text)}\b", cs.text)
    if m is None or m.group(1) in _NOT_PLACE_HEADS:
        return None
    head = m.group(1)
    others = [sl for sl in cs.core if sl is not slot]
    for a, b in clause_spans(sent.text):
        raw = sent.text[a:b]
        at = re.search(rf"\b{head}\s+in\s+(?:the\s+)?([A-ZÀ-ÖØ-Þ][\w'’\-]+(?:\s+[A-ZÀ-ÖØ-Þ][\w'’\-]+)*)", raw)
        if at is None or at.group(1).split()[0].lower() in lexicon.MONTHS:
            continue
        place = at.group(1)
        if name_found(slot, normalize_for_match(raw)) or _shares_place_word(slot.text, place) or any(
                sl.kind == "name" and name_found(sl, normalize_for_match(place)) for sl in cs.slots):
            continue
        part = clause_sentence(sent, a, b)
        if (others and all(slot_in(sl, part, cs)[0] for sl in others)) or (not others and sent.subject):
            return place
    return None


def spouse_conflict(slot: Slot, sent: Sentence, cs: ClaimSlots) -> str | None:
    """Another spouse of the subject: "married to Kwame Mensah" against "She is married to the
    architect Chidi Okoro" (a sentence that also marries the subject to the claim's person, as
    a second marriage, does not contradict)."""
    if cs.relation != "marriage" or not sent.subject or not any(same_name(slot.text, n) for n in lexicon.spouses_of(cs.text)):
        return None
    named = lexicon.spouses_of(sent.text)
    if any(same_name(slot.text, n) or name_found(slot, normalize_for_match(n)) for n in named):
        return None
    # a spouse may share the subject's surname (Chidi Okoro, married to Adaeze Okoro)
    others = [n for n in named if not (cs.subject and same_name(n, cs.subject))]
    return others[0] if others else None


def _nationality_said(text: str) -> list[str]:
    """The nationalities ``text`` gives its subject as what it is: "is a Nigerian economist",
    "was Ghanaian", 是尼日利亚经济学家 (members of the nationality group)."""
    out = []
    for member, phrases in lexicon.CATEGORY_GROUPS["nationality"].items():
        for p in phrases:
            if CJK.match(p):
                hit = re.search(rf"是(?:一[名位个])?{p}(?!大学|科学院|公司)", text)
            else:
                hit = re.search(rf"\b(?:is|was|are|were)\s+(?:an?\s+)?(?:[a-z]+[\s-]+)?{p}\b(?!\s+(?:university|academy|company))",
                                text, re.IGNORECASE)
            if hit:
                out.append(member)
                break
    return out


def nationality_conflict(slot: Slot, sent: Sentence, cs: ClaimSlots) -> str | None:
    """Another nationality the sentence gives the subject: "is a Nigerian economist" against
    "is Ghanaian"; none where the sentence gives the claim's too (Nigerian-British)."""
    if slot.group != "nationality" or not sent.subject or slot.member not in _nationality_said(cs.text):
        return None
    said = _nationality_said(sent.text)
    if not said or slot.member in said or lexicon.words_in(sent.low, slot.text):
        return None
    return lexicon.CATEGORY_GROUPS["nationality"][said[0]][0]


# words before "in <place>" that place nothing of the claim's thing ("interested in", "rise in")
_NOT_PLACE_HEADS = frozenset({"interested", "rise", "fall", "increase", "decrease", "growth", "drop", "role",
                              "part", "degree", "phd", "doctorate", "major", "majored", "specialised",
                              "specialized", "expert", "research", "work", "works", "worked", "study",
                              "studies", "studied", "career", "living", "lives", "lived", "and", "but", "was",
                              "were", "are", "also", "only", "born", "died", "based", "located"})


_LIFE_NOTE = re.compile(r"(?:\bborn|\bdied|\bb\.|\bd\.|生于|出生于?|逝世于?|卒于)\s*(?:on\s+|in\s+)?$", re.IGNORECASE)


# what an amount of money is: raised, a valuation, revenue, profit, a price (the words before it)
_MONEY_FRAMES = (
    ("raised", r"rais(?:ed|es|ing)|funding|round|invest(?:ed|ment)|融资|投资"),
    ("valued", r"valu(?:ed|ation)|worth|market\s+(?:value|capitali[sz]ation)|估值|市值"),
    ("revenue", r"revenues?|sales|turnover|营收|营业收入|销售额|收入"),
    ("profit", r"profits?|earnings|net\s+income|净利润|利润"),
    ("loss", r"loss(?:es)?|亏损"),
    ("price", r"paid|price|acquired\s+for|sold\s+for|bought\s+for|deal|收购|出售"),
    ("cost", r"costs?|budget|spent|spending|成本|预算"),
    ("aid", r"pledged|pledges?|aid|grants?|donat(?:ed|es|ions?)|援助|捐赠|捐款|拨款"),
)


def _clause_before(text: str, start: int, reach: int) -> str:
    """The words of ``start``'s clause before it, within ``reach`` characters."""
    return re.split(r"[,;，；。]", text[max(0, start - reach): start])[-1]


_CHANGE = re.compile(r"(?:rose|risen|rises|grew|grown|increased|jumped|climbed|fell|fallen|dropped|declined|"
                     r"decreased|slipped|gained|lost|reduced|cut|lowered|raised|boosted|improved)"
                     # what changed may stand between the verb and "by": "reduced migraine days by 38 percent"
                     r"(?P<object>(?:\s+[a-z][\w-]*){0,3}?\s+by)?\s+(?:by\s+)?(?:about\s+|nearly\s+|almost\s+)?$",
                     re.IGNORECASE)


def changed(text: str, start: int) -> set[str]:
    """What a percentage change at ``start`` is of: the words before its verb in its clause
    ("its revenue rose 12 percent" → {"revenue"}); empty when no change verb precedes it."""
    clause = _clause_before(text, start, 80)
    verb = _CHANGE.search(clause)
    if verb is None:
        return set()
    if verb.group("object"):
        return {w for w in content_terms(verb.group("object")) if not w.startswith("#") and w != "by"}
    last = " ".join(re.findall(r"[^\W\d_]+", clause[: verb.start()])[-3:])  # "… that its revenue"
    return {w for w in content_terms(last) if not w.startswith("#")}


def money_frame(text: str, start: int) -> str | None:
    """What the amount at ``start`` is, from the nearest frame word before it in its clause
    ("raised 100 million euros" → raised, "valued at 1 billion" → valued), or None."""
    clause = _clause_before(text, start, 60).lower()
    best: tuple[int, str] | None = None
    for name, pattern in _MONEY_FRAMES:
        for m in re.finditer(pattern, clause):
            if best is None or m.end() > best[0]:
                best = (m.end(), name)
    return best[1] if best else None


def number_conflict(slot: Slot, sent: Sentence, cs: ClaimSlots, frame: str = "") -> str | None:
    """Another value of the same quantity in the claim's frame (``frame``: what the sentence
    is also about, its list heading or its page's title)."""
    cn = slot.number
    assert cn is not None
    if cn.kind in TIME_KINDS:
        life = life_conflict(cn, sent.text, cs)
        if life is not False:  # a life span decides a birth or death date by itself
            return life if isinstance(life, str) else None
    by_year, by_name = _year_pairs(sent, cs), _name_pairs(sent, cs)
    dated = _paired_elsewhere(cn, by_year) or _paired_elsewhere(cn, by_name)
    if dated is not None:
        return dated[1]  # "2.1 billion in 2021 and 2.5 billion in 2022" against "2.1 billion in 2022"
    claim_vals = [s.number for s in cs.slots if s.number is not None]
    # a value the sentence gives for another year is no rival of the claim's year's value, nor
    # one given for another named thing beside one for the claim's ("… in a Series B round")
    other_years = {id(n) for n, _, claimed in by_year if not claimed}
    if any(claimed for _, _, claimed in by_name):
        other_years |= {id(n) for n, _, claimed in by_name if not claimed}
    for pn in sent.numbers:
        if any(same_quantity(c, pn) for c in claim_vals) or id(pn) in other_years:
            continue
        if cn.kind in TIME_KINDS and pn.kind in TIME_KINDS:
            if cs.relation not in ("birth", "death") and _LIFE_NOTE.search(sent.text[: pn.start][-12:]):
                continue  # "(born 21 March 1960)" dates a life, not the claim's event
            if not in_claims_clause(pn, sent, cs, slot, frame):
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
            # (a unit of measure on both sides names the thing: "口径为4米" / "口径为8米")
            if cn.kind == "count" and abs(cn.value) < 100 and not (is_measure(cn.unit) and cn.unit == pn.unit) and (
                not (counted_words(cs.text, cn.end) & counted_words(sent.text, pn.end))
                or not all(any(t.year == x.year for x in sent.numbers if x.kind in TIME_KINDS) for t in claim_vals
                           if t.kind in TIME_KINDS)
            ):
                continue
            if (cn.unit or "") != (pn.unit or "") or pn.value == 0:
                continue
            if within_claimed_bound(cs.text, cn.start, cn.value, pn.value, sent.text, pn.start):
                continue  # "more than 12 million" against 12,400,000
            ratio = abs(cn.value / pn.value)
            ours, theirs = noun_after(cs.text, cn.end), noun_after(sent.text, pn.end)
            same_thing = same_noun(ours, theirs) or (
                cn.kind == "percent" and bool(counted_words(cs.text, cn.end) & counted_words(sent.text, pn.end))
            )  # "58 percent of Kestrel's flights" / "38% of its flights"
            if cn.kind == "percent" and (ours is None) != (theirs is None):
                # a share named on one side only ("a 35 percent share" / "its margin was 8
                # percent"): the same thing only where the clause shares the claim's words
                same_thing = bool(claim_words(cs) & content_terms(clause_at(sent.text, pn.start)))
            if (named_before := _same_noun_before(cs.text, cn, sent.text, pn)) is not None:
                same_thing = named_before  # 研究生3.2万人 / 其中研究生1.1万人
            if cn.kind == "percent" and not same_thing:
                # a change: what rose or fell ("revenue rose 21 percent" / "its revenue rose 12 percent")
                ours_c, theirs_c = changed(cs.text, cn.start), changed(sent.text, pn.start)
                same_thing = bool(ours_c and theirs_c and ours_c & theirs_c)
            # money raised is not money a firm is valued at, nor its revenue
            ours_m, theirs_m = money_frame(cs.text, cn.start), money_frame(sent.text, pn.start)
            if ours_m and theirs_m and ours_m != theirs_m:
                same_thing = False
            if 0.01 <= ratio <= 100 and same_thing:
                owner = owner_of(sent.text, pn, cs)
                if owner is not None and re.search(rf"(?<![A-Za-z]){re.escape(owner)}[{CJK_CHARS}]", sent.text) \
                        and re.fullmatch(r"[A-Z]{2,5}", owner):
                    owner = None  # SCI论文: an acronym that qualifies the counted noun owns nothing
                # no name in reach ("Its main span is 1,104 metres"): the sentence's subject,
                # which is the claim's in a sentence about it
                if (owner is None and sent.subject) or (owner is not None and is_subject_name(owner, cs)):
                    return pn.text
    return None


# a post with a word that makes it another post: a visiting professor is no professor there
_QUALIFIED = re.compile(rf"\b(?P<q>visiting|adjunct|honorary|guest|emerit(?:us|a)|acting|interim|deputy|former|"
                        rf"affiliate|courtesy)\s+(?:{_POST_WORDS})", re.IGNORECASE)
_QUALIFIED_ZH = re.compile(r"(?P<q>客座|兼职|名誉|荣誉|访问|特聘|前)(?:教授|研究员|学者)")


def qualified_post(slot: Slot, s: Sentence, cs: ClaimSlots) -> str | None:
    """The post a sentence gives at the claim's school or firm when a word there makes it
    another post than the claim's ("a visiting professor at Harvard" for "a professor at
    Harvard", 哈佛大学客座教授 for 哈佛大学教授); None when the claim says that word too."""
    for a, b in clause_spans(s.text):
        raw = s.text[a:b]
        if not name_found(slot, normalize_for_match(raw)):
            continue
        for m in [*_QUALIFIED.finditer(raw), *_QUALIFIED_ZH.finditer(raw)]:
            if m.group("q").lower() not in cs.text.lower():
                return m.group(0)
        # a committee's chair is not one of its members: the claim's rank, another one here
        claimed = [rank for rank, pat in _RANKS if pat.search(cs.text)]
        here = [(rank, hit.group(0)) for rank, pat in _RANKS if (hit := pat.search(raw))]
        if claimed and here and not any(rank in claimed for rank, _ in here):
            return here[0][1]
    return None


# ranks on a committee or a board: 程序委员会「主席」 / 「委员」, "chair" / "member"
_RANKS = (
    ("chair", re.compile(r"(?<!vice[- ])\b(?:co-?)?chair(?:man|woman|person)?\b|(?<!副)主席", re.IGNORECASE)),
    ("member", re.compile(r"\bmember\b|委员(?!会)|成员", re.IGNORECASE)),
)


# a school named for a field ("the London School of Economics", "Institute of Physics"): the
# field word there is part of a name, not a field said of anyone
_FIELD_NAMED = re.compile(r"(?:[A-Z][\w'’.&\-]*\s+)*(?:University|College|Institute|School|Academy|Polytechnic)"
                          r"\s+of(?:\s+(?:the\s+)?[A-Z][\w'’.&\-]*)+")


def category_said(slot: Slot, text: str) -> bool:
    """``text`` says one of the category slot's words outside a school's name."""
    low = _FIELD_NAMED.sub(" ", text).lower()
    return any(lexicon.words_in(low, p) for p in slot.forms)


def slot_in(slot: Slot, s: Sentence, cs: ClaimSlots, frame: str = "") -> tuple[bool, str | None]:
    """(found, another name it belongs to) for ``slot`` in sentence ``s``; a list item's
    ``frame`` (its heading and the page title, lower case) counts as part of the sentence."""
    if slot.kind == "number" and slot.number is not None:
        found, other = number_match(slot, s, cs)
        if found or not frame:
            return found, other
        return any(same_quantity(slot.number, pn) for pn in extract_numbers(frame)), None
    if slot.kind == "name":
        if name_found(slot, s.norm):
            return True, qualified_post(slot, s, cs)
        return bool(frame) and name_found(slot, normalize_for_match(frame)), None
    return category_said(slot, s.text) or (bool(frame) and any(lexicon.words_in(frame, p) for p in slot.forms)), None


