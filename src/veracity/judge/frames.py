"""Frames inside a sentence: the life span after a name, the clauses a sentence joins, and
what a claim shares with a clause (its words, its one-time relations).

"Marie Curie (7 November 1867 – 4 July 1934) was …" states a birth and a death date;
"In 1903, she shared the Nobel Prize in Physics, and in 1911 she won the prize in Chemistry"
joins two events, each in its own clause. The binding step (:mod:`veracity.judge.binding`)
pairs a claim's values clause by clause with these.
"""

from __future__ import annotations

import itertools
import re
from functools import lru_cache

from veracity.evidence.numbers import NumberMention, extract_numbers, same_quantity
from veracity.evidence.tokenize import content_terms
from veracity.judge.slots import ClaimSlots, Slot
from veracity.text import CJK, CJK_CHARS, normalize_for_match

TIME_KINDS = ("year", "date")


def same_time(claimed: NumberMention, stated: NumberMention) -> bool:
    """``stated`` gives the claim's date or year: the same quantity, or, for a claimed year,
    any date in that year ("died in 1992" ↔ "1 January 1992")."""
    return same_quantity(claimed, stated) or (claimed.kind == "year" and claimed.year == stated.year)


_PAREN = re.compile(r"[(（]([^()（）]{4,80})[)）]")
_RANGE = re.compile(r"^\s*(?:[-–—－~～]|至|to)\s*$")


def life_dates(sent: str, cs: ClaimSlots) -> tuple[NumberMention, NumberMention] | None:
    """(birth, death) from the life-span parenthesis right after the subject's name:
    "Marie Curie (7 November 1867 – 4 July 1934)", "玛丽·居里（…，1867年11月7日－1934年7月4日）"."""
    if not cs.subject:
        return None
    m = _PAREN.search(sent)
    if m is None:
        return None
    head = normalize_for_match(sent[max(0, m.start() - 40) : m.start()])
    keys = [normalize_for_match(cs.subject)] + ([normalize_for_match(cs.subject_surname)] if cs.subject_surname else [])
    if not any(k and head.endswith(k) for k in keys):
        return None
    inner = m.group(1)
    times = [n for n in extract_numbers(inner) if n.kind in TIME_KINDS]
    for a, b in itertools.pairwise(times):
        if _RANGE.match(inner[a.end : b.start]):
            return a, b
    return None


def life_conflict(cn: NumberMention, sent: str, cs: ClaimSlots) -> str | bool | None:
    """For a birth or death date: the other date of the life span, or None when it agrees;
    False when the sentence has no life span."""
    life = life_dates(sent, cs) if cs.relation in ("birth", "death") else None
    if life is None:
        return False
    pn = life[0] if cs.relation == "birth" else life[1]
    if same_quantity(cn, pn) or pn.year is None:
        return None
    if cn.year is not None and cn.year != pn.year:
        return pn.text
    if cn.kind == pn.kind == "date" and cn.month != pn.month:
        return pn.text
    return None


_CLAUSE_SEP = re.compile(r"[，,；;]")
# "… in 1998 and joined Google in 2014": "and" before a verb starts a new clause
_AND_VERB = re.compile(
    r"\s(?=and\s+(?:then\s+|later\s+|also\s+)?(?:(?:was|were|has|had)\s+(?:been\s+)?)?(?:[a-z]+ed|won|became|joined|led|left|took|got|made|"
    r"received|went|wrote|won|held|served|taught|ran|began|built|gave|moved|founded|rejoined)\b)"
    # "a bachelor's degree in X from A in 2004 and a PhD in Y from B in 2009", "the silver
    # medal in the 200 metres in 2016 and the gold medal in the 400 metres in 2018": two items
    r"|\s(?=and\s+(?:a|an|the)\s)"
)


# a Chinese clause that is only a date ("2023年9月", "截至2023年12月31日"), however long
_ZH_DATE_ONLY = re.compile(r"(?:截至|截止|在|于)?\s*\d{4}\s*年(?:\s*\d{1,2}\s*月(?:\s*\d{1,2}\s*日)?)?(?:底|末|初|中)?")


def _lead_in(clause: str) -> bool:
    """A clause too short to state a fact by itself: "1911年", "In 1903", "此后", "2023年9月"."""
    bare = clause.strip(" ，,；;。.")
    if not CJK.search(bare):
        return len(bare.split()) <= 3
    return len(bare) <= 6 or bool(_ZH_DATE_ONLY.fullmatch(bare))


_ZH_LEAD_WORDS = re.compile(r"^\s*(?:此后|随后|之后|同年|次年|后来|其后|当时|目前|此前|如今|现在|在|于|自|从|到|截至|据|但|而|并|且)")


def _zh_tail(clause: str) -> bool:
    """A short Chinese clause that goes on with the one before ("获学士学位", "任教授"): no
    date or time in it and no word that leads into what follows ("此后", "在…")."""
    bare = clause.strip(" ，,；;。.")
    return bool(CJK.search(bare)) and not re.search(r"[\d年月日]", bare) and not _ZH_LEAD_WORDS.match(bare)


def clause_spans(text: str) -> list[tuple[int, int]]:
    """The clauses of ``text`` as (start, end) offsets: split at commas, semicolons and at
    "and" before a verb; a clause that is only a short lead-in ("1911年，", "In 1903,")
    belongs with the clause after it, a short tail ("…, in 2018.") with the one before."""
    cuts = sorted({0, len(text), *(m.end() for m in _CLAUSE_SEP.finditer(text)),
                   *(m.end() for m in _AND_VERB.finditer(text))})
    spans = [(a, b) for a, b in itertools.pairwise(cuts) if text[a:b].strip(" ，,；;")]
    merged: list[list[int]] = []
    carry: int | None = None
    for a, b in spans:
        start = carry if carry is not None else a
        carry = None
        if _lead_in(text[a:b]):
            if merged and text[a:b].rstrip().endswith((";", "；")):
                merged[-1][1] = b  # "…co-founded Deepline, a start-up, with Sara Kim;": a semicolon ends it
                continue
            if _zh_tail(text[a:b]) and merged and carry is None and start == a:
                merged[-1][1] = b  # "…毕业于南京大学化学系，获学士学位；": the degree of the clause before
                continue
            if (a, b) != spans[-1]:
                carry = start
                continue
            if merged:
                merged[-1][1] = b
                continue
        merged.append([start, b])
    if carry is not None:
        if merged:
            merged[-1][1] = len(text)
        else:
            merged.append([carry, len(text)])
    return [(a, b) for a, b in merged]


def clause_at(text: str, pos: int) -> str:
    """The clause of ``text`` around offset ``pos`` (see :func:`clause_spans`)."""
    for a, b in clause_spans(text):
        if a <= pos < b:
            return text[a:b]
    return text


__all__ = ["CJK", "TIME_KINDS", "claim_words", "claim_years", "clause_at", "clause_spans", "life_conflict", "life_dates",
           "made_once", "one_time", "own_time_elsewhere", "same_time", "says_all_words", "shares_wording"]


# --- what a claim shares with a clause ------------------------------------------------------

_FUNCTIONAL = ("birth", "death", "founding", "opening", "location", "debut")  # one seat at a time
# a work made once: "The Vela Transformer was introduced in 2018" (a person introduces many
# things; a thing is introduced once)
_MADE_ONCE = re.compile(r"\b(?:was|were)\s+(?:first\s+)?(?:introduced|invented|proposed|created|devised|"
                        r"designed|developed|released|unveiled|launched)\b", re.IGNORECASE)


# a membership one is elected to once: a fellow of a society, a member of an academy, 院士
_ELECTED_ONCE = re.compile(r"(?i:\bfellow\b|\bacademy\b|academician)|院士|会士")


def made_once(text: str) -> bool:
    """The claim says a work was made, released or launched ("The Vela Transformer was
    introduced in 2018"): a thing is made once, whoever makes it."""
    return bool(_MADE_ONCE.search(text))


def one_time(cs: ClaimSlots) -> bool:
    """The claim's relation happens once to its subject, so another date of it contradicts."""
    return (cs.relation in _FUNCTIONAL or (cs.relation == "creation" and made_once(cs.text))
            or (cs.relation == "election" and bool(_ELECTED_ONCE.search(cs.text))))


def claim_years(cs: ClaimSlots) -> set[int | None]:
    """The years of the claim's dates ("in 2019", "May 2019")."""
    return {sl.number.year for sl in cs.slots if sl.number is not None and sl.number.kind in TIME_KINDS}


def claim_words(cs: ClaimSlots) -> set[str]:
    """The claim's words besides its names and values ("signed", "became", "chief")."""
    named = " ".join([sl.text for sl in cs.slots] + ([cs.subject] if cs.subject else []))
    words = content_terms(cs.text) - content_terms(named)
    return {w for w in words if not w.startswith("#") and not w[:1].isdigit()}


def shares_wording(clause: str, cs: ClaimSlots) -> bool:
    """The clause has a word of the claim besides its names and values ("signed", "opened"):
    "impressed the Cavalry FC staff … in 2018" is not the frame of "signed with Cavalry FC"."""
    words = claim_words(cs)
    return not words or bool(words & content_terms(clause))


def says_all_words(clause: str, cs: ClaimSlots) -> bool:
    """The clause has every word of the claim besides its names and values, and there are at
    least two ("was promoted to full professor"): it speaks of the claim's very fact."""
    words = _own_words(cs.text, tuple([sl.text for sl in cs.slots] + ([cs.subject] if cs.subject else [])))
    return len(words) >= 2 and words <= content_terms(clause)


@lru_cache(maxsize=1024)
def _own_words(text: str, names: tuple[str, ...]) -> frozenset[str]:
    """The words of a claim besides its names and values, none across a name's edge (洪启明「于」:
    not 明于); remembered, as a claim is asked again for every clause of every sentence."""
    rest = text
    for named in sorted(names, key=len, reverse=True):
        rest = rest.replace(named, " | ")
    return frozenset(w for w in content_terms(rest) if not w.startswith("#") and not w[:1].isdigit())


def own_time_elsewhere(slot: Slot, sentence: str, clause: str, cs: ClaimSlots) -> bool:
    """Another clause of the sentence holds the claim's own date and more of the claim's words
    than the clause with the other date: "joined X in 2012 as a senior economist and became
    its chief economist in 2019" states "became chief economist of X in 2019"; 2012 is the
    joining, another event."""
    words = claim_words(cs)
    if slot.number is None or not words:
        return False
    mine = len(words & content_terms(clause))
    for a, b in clause_spans(sentence):
        other = sentence[a:b]
        if other == clause or not any(same_quantity(slot.number, x) for x in extract_numbers(other)):
            continue
        if len(words & content_terms(other)) > mine:
            return True
    return False


_POST_ZH = "(?:系|学院|专业)?的?(教授|副教授|助理教授|研究员|讲师|学者|博士|硕士|学士|学位)"


_KIND_ZH = rf"籍?([{CJK_CHARS}]{{0,3}}(?:家|学者|人|公民))"


def _post_heads(text: str, phrase: str, group: str | None = None) -> set[str]:
    """The posts or degrees a field is the field of in ``text``: "a professor of chemistry" →
    {"professor"}, "化学系教授" → {"教授"}; for a nationality, what it qualifies ("a Chilean
    astronomer" → {"astronomer"}, 美国经济学家 → {"经济学家"})."""
    if group == "nationality":
        if CJK.search(phrase):
            return set(re.findall(re.escape(phrase) + _KIND_ZH, text))
        return set(re.findall(r"\b" + re.escape(phrase) + r"(?:-born)?\s+([a-z]{4,})\b", text.lower()))
    if CJK.search(phrase):
        return set(re.findall(re.escape(phrase) + _POST_ZH, text))
    found = re.findall(r"\b([a-z]{4,})\s+(?:of|in)\s+(?:the\s+)?" + re.escape(phrase) + r"\b", text.lower())
    return {w for w in found if w not in ("with", "from", "than", "into", "interest", "interests", "work")}


def same_post(slot: Slot, claim: str, sentence: str, phrases: dict[str, tuple[str, ...]]) -> bool:
    """The sentence gives the post the claim names another field ("professor of physics"
    against "professor of chemistry"): the same post, of another member of the slot's group
    (``phrases``: the group's members and their wordings)."""
    heads = {h for form in slot.forms for h in _post_heads(claim, form, slot.group)}
    if not heads:
        return False
    return any(heads & _post_heads(sentence, p, slot.group) for member, words in phrases.items()
               if member != slot.member for p in words)


# a numbered office or edition in Chinese: 「武汉大学第」十四「任校长」, 第三届
_ZH_NUMBERED = re.compile(r"第([零〇一二两三四五六七八九十百\d]+)([任届位])")


def numbered_office(name: str) -> re.Pattern[str] | None:
    """For a name that numbers an office (武汉大学第十五任校长), a pattern finding the same
    office with any number; None for other names."""
    m = _ZH_NUMBERED.search(name)
    if m is None:
        return None
    head, tail = name[: m.start()], name[m.end():]
    return re.compile(re.escape(head) + r"第([零〇一二两三四五六七八九十百\d]+)" + re.escape(m.group(2) + tail))


def office_conflict(office: re.Pattern[str], name: str, sentence: str) -> str | None:
    """The same numbered office with another number in ``sentence`` (第十四任 for 第十五任)."""
    for m in office.finditer(sentence):
        if m.group(0) != name:
            return m.group(0)
    return None


_QUOTE_MARKS = str.maketrans("", "", "\"“”「」『』《》")


def evidence_form(text: str) -> str:
    """A sentence's matching form without its quotation marks: '"青鸟"数据库系统' names the
    「青鸟数据库系统」 a claim speaks of, and a quotation is found however it is marked."""
    return normalize_for_match(text).translate(_QUOTE_MARKS)
