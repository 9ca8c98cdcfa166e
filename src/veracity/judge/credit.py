"""Credit to somebody else: an award of the claim's year that went to other people, or a role
held by one person (the first author, the doctoral advisor) that the evidence gives another.

(Credit for a work or an idea — "introduced by Ray Solomonoff" — is found in
:func:`veracity.judge.binding.align` with :func:`veracity.judge.lexicon.credited_names`.)
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from veracity.evidence.numbers import extract_numbers, same_quantity
from veracity.evidence.tokenize import content_terms
from veracity.judge import lexicon
from veracity.judge.frames import TIME_KINDS, claim_years, evidence_form
from veracity.judge.owners import is_subject_name, name_found, subject_named
from veracity.judge.slots import LATIN_PHRASE, ClaimSlots, Slot, same_name
from veracity.judge.values import Sentence, slot_in
from veracity.text import CJK, CJK_CHARS, normalize_for_match

if TYPE_CHECKING:
    from veracity.judge.binding import PassageAlignment



# a list of an award's recipients by year: "- 2019: Sara Lindgren", "2019年，周宁；2020年，何嘉"
_YEAR_RECIPIENT = re.compile(
    rf"(?m)^\s*[-*•]?\s*(?P<year>\d{{4}})\s*[:：—–-]\s*(?P<name>[A-Z][\w'’\-]*(?:\s+[A-Z][\w'’\-]*)+)"
    rf"|(?P<zyear>\d{{4}})年[，,：:]\s*(?P<zname>[{CJK_CHARS}·]{{2,4}}?)(?=[；;。，,、]|$)"
)


def listed_recipients(text: str) -> dict[int, str]:
    """Year → recipient, from a list of an award's recipients by year."""
    out: dict[int, str] = {}
    for m in _YEAR_RECIPIENT.finditer(text):
        year = int(m.group("year") or m.group("zyear"))
        out.setdefault(year, (m.group("name") or m.group("zname")).strip())
    return out


def award_credit(cs: ClaimSlots, al: PassageAlignment, sents: list[Sentence]) -> None:
    """An award of a given year that a sentence says went to other people ("The 2019 Turing
    Award was given to A and B"): credited to another, unless the subject is among them.
    Only for a claim with the award's name and its year (another year is another award)."""
    key = cs.key if cs.key is not None and cs.key.kind == "name" else None
    if key is None:  # a Chinese claim's prize beside its year (于2022年获得「图灵奖」) is context
        key = next((c for c in cs.context if c.pos > cs.relation_pos >= 0), None)
    years = [sl.number for sl in cs.slots if sl.number is not None and sl.number.kind in TIME_KINDS]
    if key is None or not years or not cs.subject:
        return
    title = al.rp.passage.context or al.rp.source.title or ""
    text = al.rp.passage.text
    listed = listed_recipients(text)
    # a page about the award that lists its recipients by year ("- 2019: Sara Lindgren")
    if len(listed) >= 2 and name_found(key, normalize_for_match(text + " " + title)):
        for y in years:
            person = listed.get(y.year or 0)
            if person is None:
                continue
            if is_subject_name(person, cs) or same_name(person, cs.subject):
                al.subject_credited = True
            else:
                at = next((i for i, s in enumerate(sents) if person in s.text), 0)
                al.credits_other, al.credit_sentence = person, at
            return
    for i, s in enumerate(sents):
        if s.list_like or not name_found(key, s.norm):
            continue
        # the year in the sentence, a short one just before it ("The 2019 ACM A.M." cut at
        # an abbreviation) or the page title ("2019 Turing Award")
        near = [*s.numbers, *(sents[i - 1].numbers if i and len(sents[i - 1].text) < 40 else []),
                *extract_numbers(title)]
        if not all(any(y.year == pn.year for pn in near if pn.kind in TIME_KINDS) for y in years):
            continue
        people = lexicon.award_recipients(s.text)
        if not people:
            continue
        if subject_named(cs, s.text, s.norm) or any(is_subject_name(n, cs) for n in people):
            al.subject_credited = True
        else:
            al.credits_other, al.credit_sentence = people[0], i
        return


# roles one person holds for a thing: "the first author of X is Y", "X的第一作者是Y"
_ROLES_EN = ("first author", "lead author", "last author", "sole author", "senior author",
             "doctoral advisor", "doctoral adviser", "phd advisor", "phd adviser", "doctoral supervisor",
             "chief executive officer", "chief executive", "ceo", "chief technology officer", "cto",
             "director", "president", "chairman", "chairwoman", "chairperson", "chair", "dean", "rector",
             "editor-in-chief", "vice-chancellor", "mayor", "governor", "principal investigator")
_ROLES_ZH = ("第一作者", "唯一作者", "最后作者", "博士生导师", "博士导师", "博士论文导师", "首席执行官",
             "首席技术官", "董事长", "总裁", "院长", "所长", "主编", "市长")
# offices held for a term: another holder contradicts only in the same period (see role_credit)
_OFFICES = frozenset(("chief executive", "cto", "director", "president", "chair", "dean", "rector",
                      "editor-in-chief", "vice-chancellor", "mayor", "governor", "董事长", "总裁", "院长", "所长",
                      "主编", "市长"))
# one name per role, whatever the language ("第一作者" and "lead author" are "first author")
_CANONICAL = {
    "lead author": "first author", "第一作者": "first author", "唯一作者": "sole author",
    "最后作者": "last author", "senior author": "last author",
    "doctoral adviser": "doctoral advisor", "phd advisor": "doctoral advisor", "phd adviser": "doctoral advisor",
    "doctoral supervisor": "doctoral advisor", "博士生导师": "doctoral advisor", "博士导师": "doctoral advisor",
    "博士论文导师": "doctoral advisor",
    "chief executive officer": "chief executive", "ceo": "chief executive", "首席执行官": "chief executive",
    "chief technology officer": "cto", "首席技术官": "cto",
    "chairman": "chair", "chairwoman": "chair", "chairperson": "chair",
    "首席科学家": "principal investigator",
}
_ROLE_EN = "|".join(re.escape(r) for r in _ROLES_EN)
_ROLE_ZH = "|".join(re.escape(r) for r in _ROLES_ZH)
_EN_NAME = r"[A-Z][\w'’\-]*(?:\s+(?:[A-Z]\.|[A-Z][\w'’\-]*|van|von|de|der|da|di|le|la))*"
_ZH_NAME = rf"[A-Z][\w'’\-]*(?:\s+[A-Z][\w'’\-]*)*|[{CJK_CHARS}·]{{2,10}}?(?=[，。,;；、和与及（(]|$|\s)"
# the role itself, not a deputy's or an associate's: "Its director is …", not "The deputy director is …"
_ROLE_LEAD = r"(?:^|(?<=\bthe\s)|(?<=\bThe\s)|(?<=\bits\s)|(?<=\bIts\s)|(?<=\btheir\s)|(?<=['’]s\s)|(?<=\bwhose\s))"
_HOLDER = (
    re.compile(rf"{_ROLE_LEAD}(?i:(?P<role>{_ROLE_EN}))\s+(?:of\s+[^,.;:]{{1,80}}?\s+)?(?:is|was|:)\s+"
               rf"(?P<name>{_EN_NAME})"),
    re.compile(rf"(?P<name>{_EN_NAME})\s*,?\s+(?:is|was|(?:has|had)\s+been|(?:has\s+)?serve[sd]?\s+as|became)\s+"
               rf"(?:the\s+|its\s+|their\s+|his\s+|her\s+)?"
               rf"(?i:(?P<role>{_ROLE_EN}))\b"),
    re.compile(rf"(?<![副代执常])(?P<role>{_ROLE_ZH})(?:是|为|：|:)\s*(?P<name>{_ZH_NAME})"),
    # 「刘洋」是星云科技的首席执行官, 刘洋担任首席技术官
    re.compile(rf"(?:^|(?<=[，。；,;\s]))(?P<name>[A-Z][\w'’\-]*(?:\s+[A-Z][\w'’\-]*)*|[{CJK_CHARS}·]{{2,4}}?)"
               rf"\s*(?:是|为|担任|出任|现任|曾任)(?:[^，。；,;]{{0,16}}?的)?(?P<role>{_ROLE_ZH})"),
)


def role_holders(text: str) -> list[tuple[str, str]]:
    """(role, person) pairs a text states: "The first author of the paper is Jordan Hoffmann",
    "Jack Rae was the lead author", "该论文的第一作者是 Jordan Hoffmann"."""
    out = []
    for pat in _HOLDER:
        for m in pat.finditer(text):
            name = m.group("name").strip()
            if name.split()[0].lower() in {"the", "a", "an", "this", "that", "it", "he", "she", "they"}:
                continue
            out.append((_CANONICAL.get(m.group("role").lower(), m.group("role").lower()), name))
    return out


_HELD_BY = re.compile(
    rf"(?:是|为|担任|出任|现任|曾任)([{CJK_CHARS}·A-Za-z0-9 ]{{2,20}}?)的"  # …是「星云科技」的首席执行官
    r"|\bof\s+(?:the\s+)?((?:[A-Z][\w'’\-]*\s*)+)"  # … the chief executive of Orbit Labs
)


def role_credit(cs: ClaimSlots, al: PassageAlignment, sents: list[Sentence]) -> None:
    """A role the claim gives one person ("Jack Rae is the first author of X") that the
    passage gives another, in a sentence about the same thing: credited to that other."""
    claimed = role_holders(cs.text)
    if not claimed:
        return
    title = normalize_for_match(al.rp.passage.context or al.rp.source.title or "")
    for role, person in claimed:
        things = [sl for sl in cs.slots if sl.kind == "name" and not same_name(sl.text, person)
                  and normalize_for_match(sl.text) not in normalize_for_match(person)]
        # what holds the role, when it is no slot: "陈静是「星云科技」的首席执行官"
        held = [normalize_for_match(m.group(1) or m.group(2)) for m in _HELD_BY.finditer(cs.text)]
        held = [h for h in held if len(h) >= 2 and h not in normalize_for_match(person)]
        for i, s in enumerate(sents):
            if s.list_like:
                continue
            about = (any(name_found(sl, s.norm) or name_found(sl, title) for sl in things)
                     or any(h in s.norm or h in title for h in held)
                     or (s.subject and not same_name(cs.subject or "", person)))
            if not about:
                continue
            for r, other in role_holders(s.text):
                if r != role:
                    continue
                same_term = role not in _OFFICES or _same_term(cs, s)
                if same_name(other, person) or normalize_for_match(other) == normalize_for_match(person):
                    if same_term or _tense(cs.text) != "present":
                        al.subject_credited = True
                        al.role_stated = i if same_term else None
                        return
                    continue  # "X was the director" does not say that X is the director now
                if same_term:
                    al.credits_other, al.credit_sentence = other, i
                    return


_PAST = re.compile(r"\b(?:was|were|had\s+been|former(?:ly)?|served|until|previously)\b|曾任|曾是|曾担任|前任|原任")
_PRESENT = re.compile(r"\b(?:is|are|has\s+been|currently|now|incumbent)\b|现任|目前|现为|现在")


def _tense(text: str) -> str | None:
    """"past" or "present" when a text says which (Chinese unmarked: present), else None."""
    if _PAST.search(text):
        return "past"
    if _PRESENT.search(text) or CJK.search(text):
        return "present"
    return None


def _same_term(cs: ClaimSlots, s: Sentence) -> bool:
    """A sentence speaks of the same term of an office as the claim: both say who holds it
    now, or both name the claim's year."""
    years = claim_years(cs)
    when = {n.year for n in s.numbers if n.kind in TIME_KINDS}
    if years:
        return bool(years & when)
    return _tense(cs.text) == "present" and _tense(s.text) == "present"


_BY_NAME = re.compile(rf"\bby\s+(?P<name>{_EN_NAME}(?:(?:,\s*|\s+and\s+){_EN_NAME})*)")
_ZH_BY = re.compile(rf"由(?P<name>[{CJK_CHARS}·]{{2,10}}?(?:[、和与][{CJK_CHARS}·]{{2,10}}?)*)(?:共同|联合|一起)?"
                    r"(?:创立|创办|创建|成立|提出|发明|发现|开发|设计)")
_LEAD_NAME = re.compile(
    rf"^\s*(?P<name>{_EN_NAME}(?:(?:,\s*|\s+and\s+){_EN_NAME})*)"
    rf"|^\s*(?P<zh>[{CJK_CHARS}·]{{2,4}}?(?:[、和与][{CJK_CHARS}·]{{2,4}}?)*)"
    r"(?=(?:于[^，。]{0,12})?(?:共同|联合)?(?:创立|创办|创建|提出|发明|发现))"
)
_PEOPLE_SPLIT = re.compile(r",\s*(?:and\s+)?|\s+and\s+|[、和与]")


_PASSIVE = re.compile(r"\b(?:was|were|is|are|has\s+been|had\s+been|been)\s+(?:\w+ly\s+|first\s+|jointly\s+)?"
                      r"(?:co-?)?(?:founded|established|created|introduced|invented|proposed|developed|designed|"
                      r"discovered|coined|set\s+up|started|launched|synthesi[sz]ed)\b", re.IGNORECASE)
_ZH_PASSIVE = re.compile(r"(?:^|[^由])(?:成立|创立|创办|创建|提出|发明|发现)于")


def passive_without_agent(cs: ClaimSlots) -> bool:
    """The claim says when or where its subject was made, not by whom ("Brightwave was founded
    in May 2019", 星云科技成立于2016年): it claims no maker."""
    return bool((_PASSIVE.search(cs.text) or _ZH_PASSIVE.search(cs.text)) and not _BY_NAME.search(cs.text)
                and not _ZH_BY.search(cs.text))


def claimed_agents(cs: ClaimSlots) -> list[str]:
    """Who the claim says made or founded the thing, when that is not the claim's subject:
    "Orbit Labs was founded by A and B", "Elena Costa founded Orbit Labs" with the document's
    subject Orbit Labs. Empty when the subject itself is the maker (the usual case)."""
    if cs.relation not in ("creation", "founding") or not cs.subject:
        return []
    found = _BY_NAME.search(cs.text) or _ZH_BY.search(cs.text)
    if found is None:
        lead = _LEAD_NAME.match(cs.text)
        if lead is None or cs.relation_pos < 0 or lead.end() > cs.relation_pos:
            return []
        found = lead
    named = found.groupdict().get("name") or found.groupdict().get("zh") or ""
    people = [p.strip() for p in _PEOPLE_SPLIT.split(named) if p.strip()]
    subject = normalize_for_match(cs.subject)
    if any(same_name(p, cs.subject) or normalize_for_match(p) in subject or subject in normalize_for_match(p)
           for p in people):
        return []
    return people


# "X said that "…"", "X told reporters: “…”", 「X表示：“…”」: who a quotation is given to
_SAID = r"(?:said|says|stated|wrote|declared|argued|told\s+\w+|remarked|warned|added|noted|claimed)"
_SPEAKER_QUOTE = re.compile(
    rf"(?P<name>{_EN_NAME})\s*,?\s+{_SAID}\b[^\"“”]{{0,40}}[\"“](?P<quote>[^\"“”]{{8,300}})[\"”]"
    rf"|(?P<zh>[{CJK_CHARS}·]{{2,4}}?)(?:说|表示|称|指出|强调)[：:，,]?\s*[“\"「](?P<zhquote>[^”\"」]{{4,200}})[”\"」]"
)


def speakers(text: str) -> list[tuple[str, str]]:
    """(speaker, quotation) pairs a text states: 'Antonio Ferreira said that "the window …"'."""
    out = []
    for m in _SPEAKER_QUOTE.finditer(text):
        name, quote = (m.group("name"), m.group("quote")) if m.group("name") else (m.group("zh"), m.group("zhquote"))
        out.append((name.strip(), quote.strip()))
    return out


def speaker_credit(cs: ClaimSlots, al: PassageAlignment, sents: list[Sentence]) -> None:
    """A quotation the claim gives one person that a sentence gives another: credited to that
    other ("Clara Mendes said "…"" against 'the UN Secretary-General Antonio Ferreira said that "…"')."""
    claimed = speakers(cs.text)
    if not claimed:
        return
    for person, quote in claimed:
        said = normalize_for_match(quote)
        for i, s in enumerate(sents):
            if said not in evidence_form(s.text):
                continue
            for other, stated in speakers(s.text):
                if said not in normalize_for_match(stated) and normalize_for_match(stated) not in said:
                    continue
                if same_name(other, person) or normalize_for_match(person) in normalize_for_match(other):
                    al.subject_credited = True
                    return
                al.credits_other, al.credit_sentence = other, i
                return



# "Antonio Ferreira announced a fund …": a named agent, its verb (a past form), what it did
_AGENT_ACT = re.compile(
    r"^\s*(?P<agent>[A-Z][\w'’\-]*(?:\s+[A-Z][\w'’\-]*)+|[A-Z][\w'’\-]{2,})\s+(?P<verb>[a-z]{3,}ed|said|won|wrote|built|led|made|"
    r"gave|sold|bought|began|ran)\b(?P<rest>[^.;]{8,})"
)


_REPORTING = frozenset({"said", "announced", "stated", "declared"})
# a sentence's first word that names no agent ("It said …", "The firm announced …")
_NOT_AGENTS = frozenset({"the", "it", "he", "she", "they", "this", "that", "we", "its", "his", "her", "their",
                         "there", "here", "then", "also"})


_SHARED_DEEDS = frozenset({"award", "education", "employment", "birth", "death", "election", "location", "marriage"})


def action_credit(cs: ClaimSlots, al: PassageAlignment, sents: list[Sentence]) -> None:
    """What the claim says its named agent did ("Antonio Ferreira announced a fund of 500
    million euros for coastal cities") that a sentence says another named agent did, in the
    same words ("Clara Mendes, announced a fund of 500 million euros …"): credited to that
    other, unless the claim's agent is named there too."""
    m = _AGENT_ACT.match(cs.text)
    if m is None or cs.relation in _SHARED_DEEDS or m.group("agent").lower() in _NOT_AGENTS:
        return  # a prize is won by many, year after year (award_credit reads those); many study,
        # work, are born or elected at one place in one year: no one else's doing
    agent, verb = m.group("agent"), m.group("verb")
    done = content_terms(m.group("rest"))
    if len(done) < 3:
        return
    # words reported as said ("said the company would double its factory space") are one
    # speaker's, however plain: the same words need no amount or date to be that speech
    reported = verb in _REPORTING and len(done) >= 4
    for i, s in enumerate(sents):
        at = re.search(rf"\b{verb}\b", s.text)
        if at is None or name_found_text(agent, s.text):
            continue
        if len(done & content_terms(s.text[at.end():])) < (0.8 if reported else 0.7) * len(done):
            continue
        if not reported and not any(sl.number is not None and any(same_quantity(sl.number, n) for n in s.numbers)
                                    for sl in cs.core):
            continue  # the same deed names the same amount or date ("a fund of 500 million euros")
        before = s.text[: at.start()]
        # the doer named right before the verb ("…, Clara Mendes, announced"), not a thing
        # named earlier in the sentence ("the Nobel Prize in Physics, and in 1911 she won")
        names = [n for n in LATIN_PHRASE.finditer(before) if len(n.group(0).split()) >= 2
                 and n.group(0).split()[0].lower() not in ("the", "a", "an", "in", "at", "on")]
        if not names or not re.fullmatch(r"[\s,]*(?:also\s+|then\s+|later\s+)?", before[names[-1].end():]):
            continue
        other = names[-1].group(0)
        if not same_name(other, agent):
            al.credits_other, al.credit_sentence = other, i
            return


def name_found_text(name: str, text: str) -> bool:
    """``name`` (or its last word, a surname) is in ``text``."""
    norm = normalize_for_match(text)
    return normalize_for_match(name) in norm or bool(re.search(rf"\b{re.escape(name.split()[-1])}\b", text))


# --- who did a one-time deed: "organised by", "acquired by", "given by" ----------------------
# Deeds one agent does to one thing (an event has one organiser, a firm one buyer, a speech one
# speaker): another agent of the same deed, in a sentence about the same thing, is credited
# instead. Deeds many share (funded, supported, attended, cited) are not in the list.
_DEEDS = (r"organi[sz]ed|hosted|convened|acquired|bought|purchased|taken\s+over|written|authored|directed|"
          r"composed|painted|designed|built|chaired|headed|delivered|given|coined|commissioned|"
          r"edited|translated|illustrated|narrated|produced|sculpted|drafted|brokered|awarded|conferred|"
          r"published|issued")
# "<deed> (each year) by (the) <doer>(, <doer> and <doer>)", after a passive's auxiliary
_ADVERB = r"(?:\w+ly\s+|jointly\s+|also\s+|first\s+)?"
_DEED_BY = (rf"\b(?P<verb>{_DEEDS})\b(?:\s+(?:in|on|each|every|annually|jointly)\b[^,.;]{{0,24}}?)?\s+by\s+(?:the\s+)?"
            rf"(?P<agent>{_EN_NAME}(?:(?:,\s*|\s+and\s+)(?:the\s+)?{_EN_NAME})*)")
_PASSIVE_BY = re.compile(rf"\b(?:was|were|is|are|has\s+been|had\s+been|will\s+be|being)\s+{_ADVERB}{_DEED_BY}")
# in the evidence also without the auxiliary ("the summit, organised by …")
_EVIDENCE_BY = re.compile(rf"(?P<aux>\b(?:was|were|is|are|has\s+been|had\s+been)\s+{_ADVERB})?{_DEED_BY}")
_ACTIVE = re.compile(
    rf"(?P<agent>{_EN_NAME})\s+(?:\w+ly\s+)?(?P<verb>{_DEEDS})\s+(?:the\s+)?(?P<thing>{_EN_NAME})"
)
# a financing round has one lead investor: "a Series B round led by Northwind Capital"
_ROUND_LED = re.compile(rf"\b(?:round|financing|funding|investment)\s+(?:(?:was|is|has\s+been)\s+)?led\s+by\s+"
                        rf"(?:the\s+)?(?P<agent>{_EN_NAME})")
_ZH_DEEDS = r"主办|承办|组织|举办|收购|并购|领导|主持|执导|导演|设计|撰写|编写|作曲|演讲|致辞|赢得|颁发|领投"
_ZH_DEED_BY = re.compile(rf"(?:由|被)(?P<agent>[{CJK_CHARS}·A-Za-z ]{{2,20}}?)(?:共同|联合|全资)?"
                         rf"(?:以[^，。；,;]{{1,12}}?)?(?P<verb>{_ZH_DEEDS})")  # 被远川集团以9亿元收购


# 远川集团（于2021年）收购了星桥数据: the doer leads, the thing follows the deed
_ZH_ACTIVE = re.compile(rf"^\s*(?P<agent>[{CJK_CHARS}·]{{2,12}}?)(?:于[^，。；]{{1,10}}?)?(?P<verb>{_ZH_DEEDS})了?"
                        rf"(?P<thing>[{CJK_CHARS}·A-Za-z0-9]{{2,20}})")


# a Chinese deed word as the English deed an English page says (被谷歌「收购」: "acquired by")
_ZH_DEED_EN = {"收购": "acquired", "并购": "acquired", "主办": "organised", "举办": "organised",
               "承办": "organised", "组织": "organised", "领投": "led", "设计": "designed",
               "撰写": "written", "编写": "written", "执导": "directed", "导演": "directed"}


def _agents(named: str) -> list[str]:
    people = [re.sub(r"^the\s+", "", p.strip(), flags=re.IGNORECASE) for p in _PEOPLE_SPLIT.split(named)]
    return [p for p in people if p]


def _deed_key(verb: str) -> str:
    """One spelling per deed: "organized" is "organised", "taken  over" is "taken over"."""
    return re.sub(r"\s+", " ", verb.lower()).replace("iz", "is")


def claimed_deed(cs: ClaimSlots) -> tuple[str, list[str], str] | None:
    """(deed, agents, thing) of a claim that says who did a one-time deed to a thing: "The
    summit was organised by the Nordic Climate Council", "Meridian Holdings acquired Corvid
    Analytics", 峰会由北欧气候理事会主办."""
    text = cs.text
    m = _PASSIVE_BY.search(text)
    if m is not None:
        return _deed_key(m.group("verb")), _agents(m.group("agent")), text[: m.start()]
    m = _ACTIVE.match(text)
    if m is not None and m.group("agent").lower() not in ("the", "a", "an"):
        return _deed_key(m.group("verb")), _agents(m.group("agent")), m.group("thing")
    r = _ROUND_LED.search(text)
    if r is not None:
        return "led", _agents(r.group("agent")), text[: r.start("agent")].rsplit(" led ", 1)[0]
    z = _ZH_DEED_BY.search(text)
    if z is not None:
        return z.group("verb"), _agents(z.group("agent")), text[: z.start()]
    z = _ZH_ACTIVE.match(text)
    if z is not None:
        return z.group("verb"), [z.group("agent")], z.group("thing")
    return None


_PRONOUN_LEAD = re.compile(r"^\s*(?:(?:in|by|on)\s+[^,]{1,20},?\s+)?(?:it|they|the\s+(?:company|firm|event|summit|"
                           r"conference|prize|award|medal|start-?up|group|paper|book))\b|^\s*(?:该|其|此)",
                           re.IGNORECASE)


def _credited_deed(cs: ClaimSlots) -> tuple[str, list[str], str] | None:
    """:func:`claimed_deed`, except a prize's winning: who won a prize is award_credit's, who
    gives it ("is awarded by the Nordic Physics Society") is a deed's."""
    return claimed_deed(cs) if cs.relation != "award" or _PASSIVE_BY.search(cs.text) else None


def claimed_doers(cs: ClaimSlots) -> list[str]:
    """Whoever the claim says made, founded or did the thing it is about (see
    :func:`claimed_agents`, :func:`claimed_deed`): no name of the thing itself."""
    deed = _credited_deed(cs)
    return claimed_agents(cs) or (deed[1] if deed is not None else [])


def _deeds_in(text: str) -> list[tuple[str, list[str], str, bool]]:
    """(deed, agents, what it was done to, whether that is all the text before the deed: a
    passive) of every deed a sentence credits."""
    out = []
    for m in _EVIDENCE_BY.finditer(text):
        # "The summit was organised by …": what comes before; "the summit, organised by …"
        # (no auxiliary): only the words right before ("a film score written by" is no song's)
        before = text[: m.start()] if m.group("aux") else " ".join(text[: m.start()].split()[-4:])
        if not m.group("aux") and not re.search(r"[\w\"”’)]\s*,?\s*$", before):
            continue
        out.append((_deed_key(m.group("verb")), _agents(m.group("agent")), before, bool(m.group("aux"))))
    for m in _ACTIVE.finditer(text):
        if m.group("agent").lower() not in ("the", "a", "an"):
            out.append((_deed_key(m.group("verb")), _agents(m.group("agent")), m.group("thing"), False))
    for r in _ROUND_LED.finditer(text):
        out.append(("led", _agents(r.group("agent")), text[: r.start("agent")].rsplit(" led ", 1)[0], False))
    for z in _ZH_DEED_BY.finditer(text):
        out.append((z.group("verb"), _agents(z.group("agent")), text[: z.start()], True))
    for sentence in re.split(r"[，。；]", text):
        a = _ZH_ACTIVE.match(sentence)
        if a is not None:
            out.append((a.group("verb"), [a.group("agent")], a.group("thing"), False))
    return out


def _said_with(sl: Slot, agents: list[str], names: list[str], s: Sentence, cs: ClaimSlots) -> bool:
    """A value of a deed's claim is its doer, a name of its thing, or stated in sentence ``s``."""
    if sl.kind == "name" and any(same_name(sl.text, x) or normalize_for_match(x) in sl.forms for x in [*agents, *names]):
        return True
    return slot_in(sl, s, cs)[0]


def deed_credit(cs: ClaimSlots, al: PassageAlignment, sents: list[Sentence]) -> None:
    """A one-time deed the claim credits to one agent ("The opening address was given by Lars
    Eide") that a sentence about the same thing credits to another ("The opening address was
    given by Marta Kask"): credited to that other, unless the claim's agent is among them."""
    claimed = _credited_deed(cs)
    if claimed is None:
        return
    years = claim_years(cs)
    deed, agents, thing = claimed
    names = [m.group(0) for m in LATIN_PHRASE.finditer(thing) if m.group(0).lower() not in ("the", "a", "an")]
    # the thing's own words beside its names: "opening address" of "the opening address of …"
    words = content_terms(thing) - content_terms(" ".join(names)) - content_terms(" ".join(agents))
    title = normalize_for_match(al.rp.passage.context or al.rp.source.title or "")
    named_here = all(normalize_for_match(n) in title or any(normalize_for_match(n) in s.norm for s in sents)
                     for n in names)
    # an active claim ("Meridian Holdings acquired Corvid Analytics") is about its doer
    agents_lead = any(is_subject_name(a, cs) for a in agents)
    for i, s in enumerate(sents):
        when = {n.year for n in s.numbers if n.kind in TIME_KINDS}
        if s.list_like or (years and when and not years & when):
            continue  # another year's deed (another term, another edition)
        latin = not CJK.search(s.text)  # a Chinese claim against an English page: 收购 is "acquired"
        cross = latin and bool(CJK.search(cs.text))
        own_words = {w for w in words if not CJK.search(w) and not w.startswith("#")} if cross else words
        for verb, doers, target, passive in _deeds_in(s.text):
            if verb != deed and not (cross and verb == _ZH_DEED_EN.get(deed)):
                continue
            named = all(normalize_for_match(n) in normalize_for_match(target) for n in names)
            if own_words:  # the same thing: its words where the deed's object is, its names in the passage
                if not (own_words <= content_terms(target) and (named or named_here)):
                    continue
            # "It was acquired by …": about the subject, or a pronoun on a page about the thing
            elif not (named or (passive and ((s.subject and cs.subject and not agents_lead)
                                             or (named_here and _PRONOUN_LEAD.match(target))))):
                continue
            if any(same_name(d, a) or normalize_for_match(a) == normalize_for_match(d)
                   or normalize_for_match(d).replace(" ", "") in lexicon.english_forms(a)
                   for d in doers for a in agents):
                al.subject_credited = True
                # the deed, its thing and its doer, and what else the claim says there: stated
                if all(_said_with(sl, agents, names, s, cs) for sl in cs.core):
                    al.role_stated = i
                return
            al.credits_other, al.credit_sentence = doers[0], i
            return


def name_pronoun_credit(cs: ClaimSlots, al: PassageAlignment, sents: list[Sentence]) -> None:
    """A deed credited to a pronoun ("He designed the Quartz type checker") is credited to the
    person the passage is about: the name that leads the nearest sentence before, else the
    page's title. Nobody found, or the claim's own subject: no credit to another."""
    other, at = al.credits_other, al.credit_sentence
    if other is None or at is None or other.lower() not in lexicon.PRONOUNS_EN:
        return
    found: str | None = None
    for s in reversed(sents[:at]):
        m = LATIN_PHRASE.match(s.text.lstrip(" #*-•>|\t"))
        if m and len(m.group(0).split()) >= 2 and m.group(0).split()[0].lower() not in ("the", "a", "an", "in", "on"):
            found = m.group(0)
            break
    if found is None:
        m = LATIN_PHRASE.search(al.rp.passage.context or al.rp.source.title or "")
        found = m.group(0) if m and len(m.group(0).split()) >= 2 else None
    if found is None or is_subject_name(found, cs):
        al.credits_other, al.credit_sentence = None, None
    else:
        al.credits_other = found
