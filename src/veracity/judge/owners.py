"""Whose is it: the names in a sentence, and which name a value belongs to.

"Gopher (280B), GPT-3 (175B)": 175B is GPT-3's. "DeepMind 发布了 Chinchilla 模型，参数量为 700 亿":
700 亿 is Chinchilla's. A sentence names the claim's subject by one of its forms, a Chinese
name of two characters included, or by a surname standing alone (not "Turing Award").
"""

from __future__ import annotations

import re

from veracity.evidence.numbers import NumberMention
from veracity.evidence.tokenize import EN_STOPWORDS
from veracity.judge import lexicon
from veracity.judge.frames import CJK
from veracity.judge.slots import (
    LATIN_PHRASE,
    STOP_ANCHORS,
    ClaimSlots,
    Slot,
    name_parts,
    same_name,
    surname_alone,
)
from veracity.text import CJK_CHARS, normalize_for_match


def subject_named(cs: ClaimSlots, sent: str, norm: str) -> bool:
    if not cs.subject:
        return False
    # a Chinese name of two characters (李明) is a name; a two-letter Latin form is too short
    if any(f in norm for f in cs.subject_forms if len(f) >= 3 or (len(f) == 2 and CJK.search(f))):
        return True
    if _parts_in(cs.subject, norm):
        return True
    sur = cs.subject_surname
    if sur:
        for m in re.finditer(rf"(?<![\w]){re.escape(sur)}(?![\w])", sent):
            if not surname_alone(sur, sent[m.start():]):
                continue  # "Turing Award", "Turing Machine": another name
            before = sent[: m.start()].rstrip().split()
            prev = before[-1].strip(".,") if before else ""
            if not prev or not prev[:1].isupper() or prev.lower() in lexicon.HONORIFICS or any(
                normalize_for_match(prev) in f for f in cs.subject_forms
            ):
                return True
    return False


def starts_with_pronoun(s: str) -> bool:
    words = re.findall(r"[A-Za-z]+", s[:40])
    return bool(words and words[0].lower() in lexicon.PRONOUNS_EN) or s.lstrip().startswith(
        lexicon.PRONOUNS_ZH
    )


_LEAD_IN = re.compile(r"^\s*(?:(?:截至|截止|到|在|于)?\d{4}\s*年(?:底|末|初|时)?\s*[，,]?\s*|"
                      r"(?:in|by|as\s+of)\s+\d{4}\s*,?\s*)", re.IGNORECASE)
_ANAPHOR = re.compile(r"(?:(?:该|本|这家|此|其)?(?:公司|企业|学校|大学|模型|团队|机构|实验室|研究所|项目|组织)"
                      r"|(?:the|this)\s+(?:company|firm|startup|model|team|university|lab|laboratory|"
                      r"institute|organi[sz]ation|project)\b)", re.IGNORECASE)


def starts_with_anaphor(s: str) -> bool:
    """The sentence goes on about the topic with a pronoun or a generic noun, after a date
    lead-in: "截至2023年，公司员工约350人", "By 2023 the company employed …"."""
    rest = _LEAD_IN.sub("", s, count=1)
    return starts_with_pronoun(rest) or bool(_ANAPHOR.match(rest.lstrip()))


def kin_leads(sent: str, cs: ClaimSlots) -> bool:
    """The sentence is about the subject's kin or colleague, by name: 她的丈夫周明是…, "Her
    colleague Omar Haddad received …"."""
    kin = lexicon.kin_named(sent)
    return kin is not None and not is_subject_name(kin, cs)


_OWN_THING_AT = re.compile(
    r"\s*(?:[Ii]ts|[Hh]is|[Hh]er|[Tt]heir)\s+(?:[a-z][\w-]*\s+){0,2}[a-z][\w-]*,?\s+(?:in|at|near|outside)\s+"
    r"(?P<name>[A-Z][\w'’-]+(?:\s+[A-Z][\w'’-]+)*)")


def own_thing_elsewhere(sent: str, cs: ClaimSlots) -> bool:
    """The sentence is about a thing of the subject's placed somewhere else by name ("Its
    first factory, in Eindhoven, employs …" is not about the Ghent plant)."""
    own = _OWN_THING_AT.match(sent)
    return own is not None and not is_subject_name(own.group("name"), cs)


def other_name_leads(sent: str, cs: ClaimSlots) -> bool:
    """The sentence starts with a name of two or more words that is not the subject's, or
    with the subject's kin or colleague by name (她的丈夫周明是…)."""
    if kin_leads(sent, cs):
        return True
    if own_thing_elsewhere(sent, cs):
        return True
    m = LATIN_PHRASE.match(sent.lstrip(" #*-•>|\t"))
    if not m:
        return False
    words = [w for w in m.group(0).split() if w[:1].isupper()]
    if len(words) < 2 or words[0].lower() in EN_STOPWORDS or words[0].lower() in STOP_ANCHORS:
        return False  # "In 1911 she …", "The Nobel committee …"
    return not is_subject_name(m.group(0), cs)


_PREPOSITIONS = frozenset(
    ["by", "with", "from", "of", "to", "at", "in", "for", "and", "or", "than", "as", "via", "under", "over", "between", "against", "including", "like"]
)


def after_preposition(text: str, pos: int) -> bool:
    """The name at ``pos`` follows a preposition: "designed by X", "在MMLU上得分…"."""
    if _ZH_PREPOSITION_AT.search(text[:pos]):
        return True
    words = text[:pos].split()
    return bool(words) and words[-1].lower().strip(",") in _PREPOSITIONS


_ADJECTIVE_AFTER_ARTICLE = re.compile(r"\b(?:an?|the)\s+[A-Z][a-z]+\s$")


def _adjective(sent: str, end: int) -> bool:
    """The capitalised word ending at ``end`` is an adjective after an article ("a Brazilian
    carrier", "an American economist"), no name a quantity could belong to."""
    return bool(_ADJECTIVE_AFTER_ARTICLE.search(sent[: end + 1][-40:]))
_RELATIVE = re.compile(r"\s*(?:which|who|whose|that)\b", re.IGNORECASE)
_ZH_PREPOSITION = re.compile(r"[由被与和跟向对比据从及]\s*$")
_ZH_PREPOSITION_AT = re.compile(r"[由被跟向对比据从在于]\s*$")  # a place, a source or an agent follows




def _bare(phrase: str) -> str:
    """A capitalised phrase without its leading function words, or "" when nothing of a name
    is left ("The ENIAC" → "ENIAC"; "By 2023", "In" → "")."""
    words = phrase.split()
    while words and words[0].lower() in EN_STOPWORDS:
        words = words[1:]
    if not words or words[0][:1].isdigit() or words[0].lower().rstrip(".") in lexicon.MONTH_WORDS:
        return ""  # "21 March 1960" is a date, no name
    bare = " ".join(words)
    if bare.lower().replace(".", "") in _DEGREES:
        return ""  # "23 PhD students": a degree, nobody's name
    return "" if len(bare) < 2 else bare  # a lone capital ("B" of "B轮融资") is no name


_DEGREES = frozenset({"phd", "dphil", "msc", "bsc", "ma", "ba", "mba", "md", "mphil", "llm", "jd", "meng", "beng"})


_VERSIONED = re.compile(r"^(?P<stem>.+?)\s*[-‐–]?\s*(?P<version>\d+(?:\.\d+)*)$")


def sibling_before(before: str, cs: ClaimSlots) -> str | None:
    """When the subject is a versioned name ("星河-3", "Orion-7"): the last of its versions named
    in ``before`` (the text ahead of a number) if it is another one ("其前代模型星河-2的参数量为…"
    — the count is 星河-2's), else None."""
    m = _VERSIONED.match((cs.subject or "").strip())
    if m is None:
        return None
    stem = re.escape(m.group("stem"))
    last = None
    for v in re.finditer(rf"{stem}\s*[-‐–]?\s*(\d+(?:\.\d+)*)(?![\d.])", before):
        last = v
    if last is None or last.group(1) == m.group("version"):
        return None
    return last.group(0)


def relative_owner(sent: str, num: NumberMention) -> str | None:
    """The name a relative clause holding the quantity hangs on: "the Atlas robot, which has 28
    joints", "succeeding Tomas Ibarra, who had led it since 2005"; None outside one."""
    before = sent[: num.start]
    clause_start = max(before.rfind(","), before.rfind(";"), before.rfind("，"), before.rfind("；"))
    if clause_start < 0 or not _RELATIVE.match(before[clause_start + 1 :]):
        return None
    head = before[:clause_start]
    prev_start = max(head.rfind(","), head.rfind(";"))
    names = [m for m in LATIN_PHRASE.finditer(head) if m.start() > prev_start and not m.group(0)[:1].isdigit()]
    names = [m for m in names if not after_preposition(head, m.start())]
    return names[-1].group(0) if names else None


_SUCCESSION = re.compile(r"(?:succeed(?:ing|ed)?|replac(?:ing|ed)|taking over from|took over from|predecessor,?|"
                         r"successor,?|接替|继任|接任)\s*$", re.IGNORECASE)


def named_as_other(cs: ClaimSlots, sent: str) -> bool:
    """The subject is named only as the one another succeeded ("she was appointed director,
    succeeding Tomas Ibarra"): the sentence's event is not the subject's."""
    if not cs.subject:
        return False
    mentions = [m.start() for m in re.finditer(re.escape(cs.subject), sent)]
    return bool(mentions) and all(_SUCCESSION.search(sent[:at]) for at in mentions)


# a Chinese clause led by a firm's or a person's name, before what is counted of it:
# 「恒远集团」2022年营业收入为50亿元, 其子公司「恒远物流」营业收入为20亿元
_ZH_CLAUSE_LEAD = re.compile(
    rf"^\s*(?:其|该公司|旗下)?(?:子公司|母公司|竞争对手|对手)?([{CJK_CHARS}·]{{2,10}}?)"
    r"(?=\d|营业收入|营收|收入|净利润|利润|员工|职工|市值|销量|产量|用户|的)"
)
_ZH_GENERIC = frozenset({"公司", "集团", "该公司", "本公司", "企业", "该集团", "其", "该校", "学校", "大学"})
# a clause that opens with a time or a tally word names no owner (「目前」员工约1200人)
_ZH_NO_OWNER = ("目前", "现在", "当前", "如今", "现有", "截至", "截止", "同年", "次年", "去年", "今年", "此后",
                "随后", "当时", "全年", "其中", "共有", "总计", "合计", "累计")


def _zh_clause_owner(before: str, cs: ClaimSlots) -> str | None:
    """The name that leads a Chinese number's clause when it is not the subject's."""
    if not CJK.search(before):
        return None
    start = max(before.rfind(x) for x in "，；。,;")
    m = _ZH_CLAUSE_LEAD.match(before[start + 1:])
    if m is None or not cs.subject:
        return None
    name = m.group(1)
    if name.startswith(tuple(_ZH_GENERIC)) or name.startswith(_ZH_NO_OWNER):
        return None  # 「公司目前拥有」员工约320人: the firm the passage is about, and its verb
    if name in cs.subject or cs.subject in name or is_subject_name(name, cs):
        return None
    return name


def owner_of(sent: str, num: NumberMention, cs: ClaimSlots) -> str | None:
    """The name a quantity is attached to: the name right before its parenthesis ("Gopher
    (280B)"), else the nearest name before it in its clause, else the nearest after it."""
    before = sent[: num.start]
    after = sent[num.end :]
    sibling = sibling_before(before, cs)
    if sibling is not None:
        return sibling
    zh = _zh_clause_owner(before, cs)
    if zh is not None:
        return zh
    paren = before.rfind("(")
    if paren > before.rfind(")") and paren >= 0:
        names = list(LATIN_PHRASE.finditer(before[:paren]))
        if names and names[-1].end() >= paren - 2:
            return names[-1].group(0)
    clause_start = max(before.rfind(","), before.rfind(";"), before.rfind("，"), before.rfind("；"))
    relative = relative_owner(sent, num)
    if relative is not None:
        return relative
    names = [m for m in LATIN_PHRASE.finditer(before) if m.start() > clause_start]
    # "By 2023 it employed …", "In 2021 she …": a capitalised preposition or pronoun is no name
    names = [m for m in names if _bare(m.group(0))]
    # a name after a preposition ("designed by X and had 18,000 …") is not what the clause is about
    names = [m for m in names if not after_preposition(before, m.start())]
    names = [m for m in names if not _adjective(sent, m.end())]
    if names:
        return names[-1].group(0)
    clause_end = min([i for i in (after.find(","), after.find(";"), after.find("，"), after.find("；")) if i >= 0]
                     or [len(after)])
    names = [m for m in LATIN_PHRASE.finditer(after[:clause_end])
             if _bare(m.group(0)) and not _adjective(sent, num.end + m.end())]
    if names:
        return names[0].group(0)
    if clause_start >= 0 and not CJK.search(sent):
        # no name in its clause: the nearest one in the clauses before, unless it follows a
        # preposition ("Its predecessor, Orion-6, had 13 billion …" — Orion-6's, not the
        # subject's the sentence's pronoun points to)
        names = [m for m in LATIN_PHRASE.finditer(before[:clause_start])
                 if _bare(m.group(0)) and not m.group(0)[:1].isdigit() and not after_preposition(before, m.start())
                 and not _adjective(sent, m.end())]
        if names:
            return names[-1].group(0)
    if clause_start >= 0 and CJK.search(sent):
        # Chinese runs clauses on with commas, the topic carried over: in "DeepMind 发布了
        # Chinchilla 模型，参数量为 700 亿" the count is Chinchilla's, the last name before
        # the clause that does not follow a preposition (由、被、与…)
        head = before[:clause_start]
        cands = [(m.start(), m.group(0)) for m in LATIN_PHRASE.finditer(head)
                 if not m.group(0)[:1].isdigit() and not _ZH_PREPOSITION.search(head[: m.start()])]
        if cs.subject and cs.subject in head:
            at = head.rfind(cs.subject)
            if not _ZH_PREPOSITION.search(head[:at]):
                cands.append((at, cs.subject))
        if cands:
            return max(cands)[1]
    # no name in its clause: the quantity belongs to the sentence's subject, its first name
    # ("Chinchilla, trained by DeepMind, is a model with 70 billion parameters")
    first = LATIN_PHRASE.match(sent.lstrip(" #*-•>|\t([“\"'‘"))  # "(WME, …, also donated $500,000.)"
    if first is None:
        return None
    return _bare(first.group(0)) or None  # "The ENIAC" → "ENIAC"; "By 2023 …" → nobody named


def is_subject_name(name: str, cs: ClaimSlots) -> bool:
    if not cs.subject:
        return False
    n = normalize_for_match(name)
    return same_name(name, cs.subject) or any(f in n or n in f for f in cs.subject_forms)


def name_found(slot: Slot, norm: str) -> bool:
    for f in slot.forms:
        if f and f in norm:
            return True
    return _parts_in(slot.text, norm)


def _parts_in(name: str, norm: str) -> bool:
    """Every part of ``name`` (of two or more) is in ``norm``, the first name also as its
    formal form ("Bill Gates" in "William Henry Gates III")."""
    for form in (name, lexicon.formal_name(name)):
        parts = name_parts(form) if form else []
        if len(parts) >= 2 and all(p in norm for p in parts):
            return True
    return False


def name_partly(slot: Slot, norm: str) -> bool:
    parts = name_parts(slot.text)
    return len(parts) >= 2 and len(parts[0]) >= 4 and parts[0] in norm
