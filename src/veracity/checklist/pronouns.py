"""Names, and the references to them in a claim: a pronoun or back-reference resolved to the
thing it names.

* :func:`title_name` reads the name a title or heading opens with.
* A pronoun that opens a claim, or that follows a short leading adverbial (``In 1903 she …``,
  ``After the war, he …``, ``1911年她…``), becomes the document's subject, when it can stand
  for it (:func:`subject_pronouns`: he/she for a person of that gender, it/它 for a thing).
  An expletive ``it`` (``It is known that …``) is left alone.
* ``该研究``/``This paper`` becomes the quoted or named thing of the clause before it.

Names are read in any Latin, Greek or Cyrillic spelling: accented capitals (É, Ł, Ø) and
decomposed accents (``e`` + U+0300) are parts of a name, never its end.
"""

from __future__ import annotations

import re

from veracity.text import CJK, CJK_CHARS

__all__ = [
    "GENERIC_TITLES",
    "HONORIFICS",
    "LATIN_NAME",
    "NAME_CHARS",
    "UPPER",
    "join_words",
    "leading_adverbial",
    "opens_with_pronoun",
    "resolve_backref",
    "resolve_pronoun",
    "subject_pronouns",
    "title_name",
]


def _word_set(spaced: str) -> frozenset[str]:
    return frozenset(spaced.split())


# Capital letters of the Latin (accented ones included), Greek and Cyrillic scripts.
UPPER = "A-Z" + "".join(
    ch for ch in map(chr, [*range(0xC0, 0x530), *range(0x1E00, 0x1F00)]) if ch.isupper()
)
# The letters of a name's word: \w, combining accents, and the joiners of "Joliot-Curie", "O'Neil".
NAME_CHARS = r"\w\u0300-\u036f&'’.+-"
_CONNECTORS = r"of|de|du|da|del|della|di|van|von|der|den|la|le|bin|ibn"
LATIN_NAME = re.compile(
    rf"[{UPPER}][{NAME_CHARS}]*"
    rf"(?:[ \t]+(?:(?:{_CONNECTORS})[ \t]+){{0,2}}[{UPPER}0-9][{NAME_CHARS}]*)*"
)

HONORIFICS = re.compile(r"^(?:Dr|Prof|Professor|Mr|Mrs|Ms|Sir|Dame)\.?\s+")
_TITLE_SUFFIXES = re.compile(
    r"(?:的)?(?:人物简介|个人简介|人物介绍|简介|简历|生平|介绍|小传|传记|档案|概况|履历)$"
)
_EN_TITLE_WORDS = _word_set("profile biography bio cv resume résumé about fact sheet")
# Headings that name a kind of document or section, never its subject.
GENERIC_TITLES = _word_set(
    """
    note notes memo draft summary overview introduction background abstract untitled readme faq
    q&a questions answers transcript excerpt document text article report profile biography
    bio 笔记 备注 说明 摘要 概述 概要 草稿 引言 背景 附录 问答 正文 文档 记录 摘录 简介 概况
    生平 履历 经历 教育背景 职业经历 工作经历 荣誉 获奖 成就 总结 小结 近况 早年 晚年
    """
)


def title_name(title: str) -> str | None:
    """The name a title or heading opens with: ``Jack Rae 人物简介`` → ``Jack Rae``,
    ``Dr. Irène Joliot-Curie: profile`` → ``Irène Joliot-Curie``, ``李明 简介`` → ``李明``.
    ``None`` for a phrase (``Early life``) or a title with no name in front."""
    title = title.strip()
    s = re.sub(r"^(?:About|关于)\s*", "", HONORIFICS.sub("", title))
    m = LATIN_NAME.match(s)
    if m:
        words = m.group(0).split()
        while words and words[-1].lower().strip(".:") in _EN_TITLE_WORDS:
            words.pop()
        name = " ".join(words).rstrip(".:,'’")
        # a name is not followed by a lower-case word: "Early life" is a phrase
        if name and not (name == m.group(0) and re.match(r"[ \t]+[a-z]", s[m.end() :])):
            return name
        return None
    zh = _TITLE_SUFFIXES.sub("", title).strip(" :：-—")
    return zh if zh and len(zh) <= 10 and re.fullmatch(rf"[{CJK_CHARS}·•]+", zh) else None


_JOIN_TIGHT = re.compile(rf"[{CJK_CHARS}，。；：、！？（）“”《》「」『』\"]")


def join_words(*parts: str) -> str:
    """Concatenate wording pieces: no space between Chinese characters (or Chinese punctuation
    and quotes), one space where Latin text meets anything else."""
    out = ""
    for p in parts:
        p = p.strip()
        if not p:
            continue
        if not out:
            out = p
        elif (
            (_JOIN_TIGHT.match(out[-1]) and _JOIN_TIGHT.match(p[0]))
            or p[0] in ",.;:)'’"
            or out[-1] in "，。；：、！？（“《「『("
        ):
            out += p
        else:
            out += " " + p
    return out


# --- leading adverbials ----------------------------------------------------------------------


_EN_LEAD_WORDS = _word_set(
    """
    in on at after before during by from until till since following upon around circa about
    later then afterwards eventually finally subsequently meanwhile soon shortly early late
    together with without unlike like despite throughout within under over between among
    born aged
    """
)
_EN_VERBS = _word_set(
    "is was are were be been being has have had do does did will would can could may might "
    "shall should must"
)
_ZH_LEAD = re.compile(
    r"^(?:(?:(?:约|大约|直到|截至|自|从)?\d{2,4}\s*年代?(?:\s*\d{1,2}\s*月)?(?:\s*\d{1,2}\s*[日号])?"
    r"(?:起|底|初|末|时|后|间|以来|之后|以后)?"
    r"|同年|次年|翌年|当年|此后|之后|随后|后来|最终|最后|晚年|早年|战后|战时|当时|起初|最初|此前|其间|其后|"
    r"在[^，,。；;他她它其]{1,12}?(?:期间|时期|时|之后|以后|后|中|上))[,，]?\s*){1,2}"
)


def leading_adverbial(s: str) -> int:
    """Length of a leading time or prepositional phrase that holds no verb of its own, with
    its comma: ``In 1903 ``, ``After the war, ``, ``Born in Warsaw, ``, ``1911年``,
    ``在巴黎期间，``. 0 when the text does not open with one."""
    zm = _ZH_LEAD.match(s)
    if zm:
        return zm.end()
    m = re.match(r"([^,;:。，]{2,80}?),\s+", s)
    if m and _verbless(m.group(1)):
        return m.end()
    first = s.split(None, 1)[0].rstrip(",") if s.strip() else ""
    if first.lower() in _EN_LEAD_WORDS or re.fullmatch(r"(?:1\d|20)\d{2}", first):
        # no comma: the phrase runs up to the pronoun, else the capitalised name, after it
        for ahead in (r"(?:she|he|it|they|his|her|its|their)\b", rf"[{UPPER}]"):
            lm = re.match(rf"(\S+\s+\S.{{0,50}}?)\s+(?={ahead})", s)
            if lm and _verbless(lm.group(1)):
                return lm.end()
    return 0


def _verbless(phrase: str) -> bool:
    words = re.findall(rf"[{NAME_CHARS}]+", phrase)
    return len(words) <= 10 and not any(
        w.lower() in _EN_VERBS
        or w.lower() in ("she", "he", "it", "they")
        or (len(w) > 3 and w.endswith("ed") and w[0].islower())
        for w in words
    )


# --- pronouns --------------------------------------------------------------------------------

_POSSESSIVE = {"his", "her", "its", "their"}
_EN_PRONOUN = re.compile(r"\b(she|he|it|they|his|her|its|their)\b", re.IGNORECASE)
_EXPLETIVE = re.compile(
    r"^\s+(?:is|was|has been|had been|seems|seemed|appears|appeared|remains|remained|"
    r"follows|turned out|turns out)\b"
    r"(?:\s+\w+)?\s*(?:clear|unclear|likely|unlikely|possible|impossible|important|necessary|"
    r"true|known|believed|thought|said|estimated|reported|claimed|argued|suggested|assumed|"
    r"expected|worth|difficult|easy|hard|evident|obvious|apparent|notable|surprising|"
    r"interesting|that|not|the case)\b"
    rf"|^\s+(?:is|was)\s+(?:[{UPPER}][{NAME_CHARS}]*\s+)+(?:who|that)\b",
    re.IGNORECASE,
)
# not 他们/他人 (they, others), 其中/其他/其实/其次/其后/其间 (among, other, in fact, next, …)
_ZH_PRONOUN = re.compile(r"(他(?![们人乡])|她(?!们)|它(?!们)|其(?![中他它实次余后间]))(的)?")
_THING_EN = (
    r"(?:\s*\([^)]{0,40}\))?,?\s+(?:is|was|are|were|has been|had been)\s+(?:first\s+)?"
    r"(?:discovered|invented|developed|synthesi[sz]ed|isolated|founded|established|built|"
    r"constructed|designed|released|launched|manufactured|produced|patented|published|written|"
    r"composed|painted|located|situated|used|made|formed)\b"
)
_THING_ZH = (
    r"(?:于[^，。]{0,12})?(?:被发现|被发明|被研制|被合成|被提出|成立|建立|建成|问世|发布|上市|位于)"
)


def subject_pronouns(subject: str, text: str) -> frozenset[str]:
    """The pronouns that may stand for ``subject`` in ``text``. A subject the text speaks of as
    a thing (``Penicillin was discovered``, ``X was founded``, ``青霉素于1928年被发现``, or only
    ever ``It``/``它``) takes it/its, 它 and 其 (its "they" are most often people). A person takes they/their, 其 and the
    personal pronouns, only those of one gender when the text uses that one at least twice as
    often as the other (a bio of a woman that mentions her husband's "he")."""
    name = re.escape(subject)
    neuter = re.search(r"(?:^|[.!?。！？]\s*)(?:(?:It|Its)\b|它(?!们))", text)
    personal_seen = re.search(r"\b(?:he|she|his|her|him)\b|他(?![们人])|她", text, re.I)
    if (
        re.search(name + _THING_EN, text)
        or re.search(name + _THING_ZH, text)
        or (neuter and not personal_seen)
    ):
        return frozenset({"it", "its", "它", "其"})
    out = {"they", "their", "其"}
    counts = [
        len(re.findall(r"\b(?:she|her|hers|herself)\b", text, re.IGNORECASE)),
        len(re.findall(r"\b(?:he|his|him|himself)\b", text, re.IGNORECASE)),
    ]
    zh = [len(re.findall(r"她(?!们)", text)), len(re.findall(r"他(?![们人])", text))]
    for (f, m), female, male in ((counts, {"she", "her"}, {"he", "his"}), (zh, {"她"}, {"他"})):
        if f < 2 * m or not f:
            out |= male
        if m < 2 * f or not m:
            out |= female
    return frozenset(out)


def opens_with_pronoun(s: str) -> bool:
    """True when ``s`` opens with a pronoun, after a leading adverbial if any."""
    lead = leading_adverbial(s)
    return bool(_EN_PRONOUN.match(s, lead) or _ZH_PRONOUN.match(s, lead))


def resolve_pronoun(unit: str, subject: str, allowed: frozenset[str]) -> str | None:
    """``unit`` with its opening pronoun (after a leading adverbial, if any) replaced by
    ``subject``. A pronoun not in ``allowed`` (see :func:`subject_pronouns`) names someone
    else: ``unit`` comes back as it is. ``None`` when it opens with no pronoun."""
    lead = leading_adverbial(unit)
    if CJK.search(unit[: lead + 2]):
        zm = _ZH_PRONOUN.match(unit, lead)
        if not zm:  # 他人/其中/其他… name no one the claim could be about: left as they are
            return unit if unit[lead : lead + 1] in ("他", "她", "它", "其") else None
        if zm.group(1) not in allowed:
            return unit
        possessive = zm.group(1) == "其" or zm.group(2)
        return join_words(unit[:lead], subject, ("的" if possessive else "") + unit[zm.end() :])
    m = _EN_PRONOUN.match(unit, lead)
    if not m:
        return None
    word = m.group(1).lower()
    if word in _POSSESSIVE and lead:
        # "With her husband, she …": the subject pronoun that follows is the one to resolve
        later = _EN_PRONOUN.search(unit, m.end(), m.end() + 60)
        if (
            later
            and later.group(1).lower() not in _POSSESSIVE
            and _verbless(unit[m.end() : later.start()])
        ):
            m, word = later, later.group(1).lower()
    rest = unit[m.end() :]
    if word not in allowed or (word == "it" and _EXPLETIVE.match(rest)):
        return unit
    if word == "they":
        rest = re.sub(
            r"^\s+(are|were|have)\b",
            lambda x: " " + {"are": "is", "were": "was", "have": "has"}[x.group(1)],
            rest,
        )
    suffix = "'s" if word in _POSSESSIVE else ""
    return f"{unit[: m.start()]}{subject}{suffix}{rest}"


# --- back-references -------------------------------------------------------------------------

_ZH_BACKREF = re.compile(
    r"^(?:该|此|这一?|这项|此项)(研究|论文|项目|模型|成果|工作|方法|理论|技术|系统|算法|奖项|"
    r"定律|法则|框架|架构|产品|公司|机构|团队|实验室|书|著作|文章|报告|数据集|基准)"
)
_EN_BACKREF = re.compile(
    r"^(?:This|That|The|These)\s+(paper|study|work|research|model|project|theory|law|laws|"
    r"result|results|system|method|book|article|report)\b"
)
_QUOTED = re.compile(r"[\"“「『《][^\"“”「」『』《》\n]{2,80}[\"”」』》]")
_NOT_NAMES = {"he", "she", "it", "they", "this", "the", "his", "her", "its", "their"}


def resolve_backref(unit: str, prev: str, subject: str | None) -> str | None:
    """``unit`` with an opening ``该研究``/``This paper`` replaced by the quoted or named thing
    of ``prev`` (the clause before); ``None`` when there is none."""
    zm = _ZH_BACKREF.match(unit)
    m = zm or _EN_BACKREF.match(unit)
    if not m:
        return _named_noun_backref(unit, prev) or _thing_backref(unit, prev)
    ref = _referent(prev, subject)
    if not ref:
        return None
    noun = m.group(1)
    if zm:
        # a book-title referent names the thing itself: 《X》获得…, not 《X》书获得…
        return join_words(ref, ("" if ref.startswith("《") else noun) + unit[m.end() :])
    ref = ref if ref[0] in '"“' else f"The {ref}"
    return f"{ref} {noun}{unit[m.end() :]}"


# "The planet …" after "Kepler-452b was announced …": a kind of thing, standing for the name
# that opens the sentence before (its grammatical subject)
_EN_THING_BACKREF = re.compile(
    r"^(?:The|This)\s+(?:planet|telescope|spacecraft|satellite|mission|company|firm|start-?up|university|"
    r"institute|drug|vaccine|bridge|building|museum|band|team|club|city|country|ship|aircraft)(?=['’]s\b|\s)"
)


def _thing_backref(unit: str, prev: str) -> str | None:
    m = _EN_THING_BACKREF.match(unit)
    if m is None:
        return None
    noun = m.group(0).split()[-1]
    # the sentence before names that kind of thing ("by the Kepler space telescope"): that one
    named = re.findall(rf"\b(?:the\s+)?((?:[A-Z][\w\-]*\s+)+(?:[a-z]+\s+)?){re.escape(noun)}\b", prev)
    if named:
        return f"The {named[-1].strip()} {noun}{unit[m.end():]}"
    if re.search(rf"\b{re.escape(noun)}\b", prev, re.IGNORECASE):
        return None  # named without a name: nothing to put in its place
    lead = LATIN_NAME.match(prev.lstrip())
    if lead is None:
        return None
    name = re.split(f"[{CJK_CHARS}]+", lead.group(0))[0].rstrip(".,:'’ ")
    if not name or name.split()[0].lower() in _NOT_NAMES or name.split()[0] in ("The", "A", "An", "In", "On"):
        return None  # "It was …", "The telescope …", "In 2015 …": no name opens the sentence
    return name + unit[m.end():]


# 该探测器 after "…建造了TESSA探测器": a back-reference to a name the clause before gave with
# the same noun
_ZH_ANY_BACKREF = re.compile(rf"^(?:该|此|这一?|这个|这款|这台|这座|这家|这部|这种)([{CJK_CHARS}]{{1,4}}?)"
                             r"(?=拥有|有|是|为|在|于|由|被|已|将|的|共|可|能|，|,|\d)")


def _named_noun_backref(unit: str, prev: str) -> str | None:
    m = _ZH_ANY_BACKREF.match(unit)
    if m is None:
        return None
    noun = m.group(1)
    named = re.findall(rf"((?:[A-Za-z][A-Za-z0-9\-]*|[“\"「《][^”\"」》]{{1,40}}[”\"」》]))\s*{re.escape(noun)}", prev)
    if not named:
        return None
    return f"{named[-1]}{noun}{unit[m.end():]}"


def _referent(prev: str, subject: str | None) -> str | None:
    quoted = _QUOTED.findall(prev)
    if quoted:
        return str(quoted[-1])
    # a Latin name ends where Chinese begins ("DeepMind发布了Chinchilla模型": two names)
    found = [seg for n in LATIN_NAME.findall(prev) for seg in re.split(f"[{CJK_CHARS}]+", n) if seg.strip()]
    names = [
        n.rstrip(".,:'’")
        for n in found
        if n != subject and n.lower() not in _NOT_NAMES
    ]
    if names and subject:
        names = [n for n in names if n not in subject and subject not in n]
    return names[-1].strip() if names else None
