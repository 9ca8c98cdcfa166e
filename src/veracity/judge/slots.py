"""Claim slots: what a claim asserts, as a careful checker would list it.

``claim_slots`` reads one claim (Chinese or English) into

* its **subject** (the document's subject when the claim names it or refers to it with a
  pronoun, else the claim's leading name) with the subject's name variants;
* the **relation** it asserts (won, studied at, led, proposed, died …, see ``lexicon``);
* the **values** it binds to the subject: names and titles, numbers (quantities with units,
  years, dates), exclusive categories (the field of a prize, a degree level) and — for the
  rest of the wording — content terms, scored as coverage;
* its **parts**: a compound claim ("A and B", "A;B") keeps which values belong to which part,
  so that one right part and one wrong part make ``partly_true`` rather than ``false``.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import lru_cache

from veracity.evidence.numbers import NumberMention, extract_numbers
from veracity.evidence.tokenize import EN_STOPWORDS, content_terms
from veracity.judge import lexicon
from veracity.search.names import variants
from veracity.text import CJK, CJK_CHARS, normalize_for_match

# Latin-script names and terms: "Jack W. Rae", "GPT-4", "Gemini 2.5", "NeurIPS", "Irène Joliot-Curie".
_UP = r"A-ZÀ-ÖØ-ÞĀ-Ž"
_W = r"A-Za-zÀ-ÖØ-öø-ÿĀ-ž0-9"
_CAP = rf"(?:[{_UP}][{_W}\-\.&'’]*|[A-Za-z]+-\d[\w.]*)"
LATIN_PHRASE = re.compile(
    rf"{_CAP}(?:\s+(?:(?:of|and|the|de|du|von|van|der|for|la|le)\s+)?(?:{_CAP}|\d+(?:\.\d+)*\b))*"
)
QUOTED = re.compile(r"[“\"「『《]([^”\"」』》]{2,80})[”\"」』》]")
STOP_ANCHORS = {
    "the", "a", "an", "in", "on", "of", "and", "he", "she", "it", "his", "her", "they", "their",
    "this", "that", "these", "those", "as", "at", "by", "for", "from", "with", "is", "was", "i",
    "we", "our", "its", "one", "also", "after", "before", "during", "when", "while", "there",
    "in addition", "however", "since", "then", "but", "or", "mr", "ms", "dr", "prof", "according",
    *lexicon.MONTH_WORDS, "a keen", "although", "following", "later", "today", "currently",
    "born", "since then", "both", "each", "many", "most", "some", "other",
}
_PART_SPLIT = re.compile(r"\s*(?:;|；|。|,\s*and\s+|\s+and\s+(?=(?:he|she|it|they|was|is|has|had|"
                         r"won|received|became|served|later|then|also)\b)|，并|,并|，且|以及|并且|，同时|"
                         r"[，,](?=\d{4}年))\s*")  # "…复旦大学，1992年在北京大学…": another year, another fact


def name_parts(name: str) -> list[str]:
    """The words of a name, less single letters (initials); a number is kept, whatever its
    length: "Orion-6" and "Orion-7", "GPT-3" and "GPT-4" are different names."""
    return [normalize_for_match(p) for p in re.split(r"[\s\-]+", name)
            if len(p) > 1 or any(ch.isdigit() for ch in p)]


def same_name(a: str, b: str) -> bool:
    """"Jack Rae" vs "Jack W. Rae": the longer one contains every word of the shorter."""
    pa, pb = set(name_parts(a)), set(name_parts(b))
    if not pa or not pb:
        return False
    return pa <= pb or pb <= pa


@dataclass
class Slot:
    """One value the claim binds to its subject."""

    kind: str  # name | number | category
    text: str
    forms: list[str] = field(default_factory=list)  # normalised spellings to look for
    number: NumberMention | None = None
    group: str | None = None  # category group ("field", "degree")
    member: str | None = None
    part: int = 0
    minor: bool = False  # a small count: only counts when found
    pos: int = 0  # where it stands in the claim

    @property
    def key(self) -> str:
        return f"{self.kind}:{self.text}"


@dataclass
class ClaimSlots:
    text: str
    subject: str | None
    subject_forms: list[str]
    subject_surname: str | None
    relation: str | None
    slots: list[Slot]
    terms: set[str]
    negated: bool
    object_terms: set[str]  # the words of what the claim says was created / proposed
    parts: int = 1
    aliases: dict[str, list[str]] = field(default_factory=dict)

    relation_pos: int = -1
    # what a Chinese relation word binds, when it is not a slot (beside a number or a Latin
    # name): a sentence holding it is the claim's frame ("李明于2015年获得「图灵奖」")
    context: list[Slot] = field(default_factory=list)

    @property
    def core(self) -> list[Slot]:
        return [s for s in self.slots if not s.minor]

    @property
    def key(self) -> Slot | None:
        """The value the claim is about: what the relation binds (the prize won, the theory
        proposed, the school attended), else its first name, else its first value."""
        core = self.core
        if not core:
            return None
        after = sorted((s for s in core if s.pos > self.relation_pos >= 0 and s.kind != "number"),
                       key=lambda s: s.pos)
        if after:
            return after[0]
        names = [s for s in core if s.kind == "name"]
        return min(names or core, key=lambda s: s.pos)


def _clean_anchor(a: str) -> str:
    a = re.sub(r"['’]s$", "", a.strip(" .,:;()[]-\"’'"))  # "Westbrook's endowment": Westbrook
    words = a.strip(" .,:;()[]-'\"’").split()
    while words and words[0].lower() in STOP_ANCHORS:
        words = words[1:]
    while words and words[-1].lower() in STOP_ANCHORS:
        words = words[:-1]
    return " ".join(words)


_ZH_LEAD_IN = re.compile(r"^.*[了的在于由和与及将被把从向对为是年月日]")
_CJK_VERSIONED = re.compile(rf"(?<![{CJK_CHARS}])[{CJK_CHARS}]{{2,6}}-\d+(?:\.\d+)*(?![\d.])")


def anchors_of(text: str) -> list[str]:
    """Names, titles and quoted terms of a text, in order, without duplicates."""
    out: list[str] = []
    seen: set[str] = set()

    def add(a: str) -> None:
        a = _clean_anchor(a)
        key = normalize_for_match(a)
        if len(key) < 2 or key in STOP_ANCHORS or key in seen or re.fullmatch(r"[\d.,%]+(?:\s+\w{1,3}\s+[\d.,%]+)*", a):
            return
        seen.add(key)
        out.append(a)

    for m in QUOTED.finditer(text):
        add(m.group(1))
    for m in _CJK_VERSIONED.finditer(text):
        # 星河-3: a Chinese name with its version, after the words that lead to it (发布了「铁臂-5」)
        name = _ZH_LEAD_IN.sub("", m.group(0))
        if len(name.partition("-")[0]) >= 2:
            add(name)
    for m in LATIN_PHRASE.finditer(text):
        phrase = m.group(0)
        first, _, rest = phrase.partition(" ")
        if _sentence_initial(text, m.start()) and (
            first.lower() in EN_STOPWORDS or first.lower().endswith("ly") or first.lower() in STOP_ANCHORS
            or first.lower() in _COMMON_INITIAL
        ):
            phrase = rest  # "Instead of …", "As a result, …": capitalised only as the first word
        halves = phrase.split(" and ")
        if len(halves) == 2 and all(_person_like(h) for h in halves):
            for h in halves:  # "Priya Nair and Omar Reid": two people, each a name to find
                add(h)
        elif phrase:
            add(phrase)
    return out


_COMMON_INITIAL = frozenset(
    ["instead", "although", "though", "despite", "following", "meanwhile", "moreover", "furthermore", "nevertheless", "thus", "hence", "therefore", "besides", "afterwards", "later", "earlier", "today", "yesterday", "recently", "currently", "originally", "initially", "finally", "eventually", "ultimately", "additionally", "consequently", "notably", "born", "raised", "known", "located", "situated", "founded", "considered", "described"]
)


def _sentence_initial(text: str, pos: int) -> bool:
    before = text[:pos].rstrip(" \t\"“'‘(")
    return not before or before[-1] in ".!?:;\n。！？；：–—-"


def _person_like(name: str) -> bool:
    words = name.split()
    return 2 <= len(words) <= 4 and all(w[:1].isupper() for w in words) and not re.search(r"\d", name)


def subject_forms(subject: str, aliases: list[str] | None = None) -> list[str]:
    """Spellings of the subject to look for: a person's name variants (Jack W. Rae, J. Rae),
    a work's or thing's name as written, and the aliases known for it."""
    forms = [subject, *(variants(subject) if _person_like(subject) or CJK.search(subject) else []), *(aliases or [])]
    return list(dict.fromkeys(normalize_for_match(f) for f in forms if len(normalize_for_match(f)) >= 2))


def _surname(subject: str) -> str | None:
    words = [w for w in re.split(r"\s+", subject.strip()) if w]
    if len(words) >= 2 and re.match(rf"[{_UP}]", words[-1]) and len(words[-1]) >= 3:
        return words[-1]
    return None


def surname_alone(surname: str, text: str) -> bool:
    """``surname`` stands in ``text`` as a person's name, not as the first word of another
    name ("Turing" in "Turing won", not in "the Turing Award" or "Turing Machine")."""
    for m in re.finditer(rf"(?<![\w]){re.escape(surname)}(?![\w])", text):
        after = text[m.end():]
        if re.match(r"\s+[A-Z][a-z]", after) or re.match(r"\s*[-–]\s*[A-Z]", after):
            continue
        return True
    return False


# "The opening address of …", "The population of …": what the claim is about is the name after
_PART_OF = re.compile(r"\s*(?:the|a|an)\s+(?:[a-z][a-z\-]*\s+){1,3}of\s+(?:the\s+)?", re.IGNORECASE)


def _subject_for(text: str, hint: str | None, anchors: list[str]) -> str | None:
    low = text.lower().lstrip()
    if hint:
        # "Kepler" is not "Kepler-452b": a designation the hint has and the anchor lacks is another thing
        designated = re.search(r"[-‐]\w*\d", hint)
        if any(same_name(a, hint) and not (designated and a != hint and not re.search(r"[-‐]\w*\d", a))
               for a in anchors) or normalize_for_match(hint) in normalize_for_match(text):
            return hint
        first = low.split()[0] if low.split() else ""
        if first in lexicon.PRONOUNS_EN or text.lstrip().startswith(lexicon.PRONOUNS_ZH):
            return hint
        sur = _surname(hint)
        if sur and surname_alone(sur, text):
            return hint
    first_word = low.split()[0] if low.split() else ""
    if first_word in lexicon.PRONOUNS_EN or text.lstrip().startswith(lexicon.PRONOUNS_ZH):
        return None  # "She won the Nobel Prize …" with no document subject: nobody to bind to
    m = _ZH_SUBJECT.match(text.strip())
    zh = m.group(1) if m and m.group(1) not in lexicon.PRONOUNS_ZH and len(m.group(1).strip("·")) >= 2 else None
    if anchors:
        # the leading name of the claim, when the claim starts with it (its grammatical subject)
        a0 = anchors[0]
        pos = text.find(a0)
        # …unless a Chinese name leads before it: 李华首次合成了化合物「GX-7」, 「李华」共指导了…
        leads = zh is not None and (pos > text.find(zh) or (a0 != zh and a0.startswith(zh) and CJK.match(a0[-1])))
        if not leads and (0 <= pos <= 12 or re.match(rf"^[{CJK_CHARS}]{{0,4}}$", text[:max(pos, 0)])
                          or _PART_OF.fullmatch(text[:max(pos, 0)])):
            return a0
    return zh  # 玛丽·居里于1911年…, 北京大学是…


# what a Chinese relation word binds: 出生于「波兰华沙」, 毕业于「北京大学」, 获得「诺贝尔化学奖」,
# 曾任「哈佛大学教授」, 在「清华大学」任教
_ZH_OBJECT = re.compile(
    r"(?:(?:出生于|生于|毕业于|就读于|任职于|就职于|加入|位于|获得|荣获|创立|创办|发明|发现|去世于|逝世于"
    r"|曾任|担任|出任|现任|当选为?)"
    rf"(?:了)?(?:\d{{4}}\s*年度?的?)?([{CJK_CHARS}·]{{2,12}}?)(?=[的,，。、;；和与及并(（]|$|\s|[0-9A-Za-z])"
    rf"|在([{CJK_CHARS}·]{{2,12}}?)(?:任教|执教|任职|工作|就读|学习|读书|求学|深造|获得|取得|攻读|完成|举行|举办|成立|创立|创办|出生|首飞|首航|首演|首映)"
    # 是「南京大学」教授: a post at a school
    rf"|是([{CJK_CHARS}·]{{2,12}}?(?:大学|学院|研究院|研究所))的?{lexicon.ZH_POST})"
)

# a post at a school (武汉大学「教授」): the school is found without the post
_ZH_POST_AT = re.compile(rf"([{CJK_CHARS}]{{2,10}}(?:大学|学院)){lexicon.ZH_POST}")

# a Chinese claim's leading name: the characters before its first verb or particle
_ZH_SUBJECT = re.compile(
    rf"^((?:\d{{4}}年?)?[{CJK_CHARS}·]{{2,12}}?)(?=\s*(?:于|在|是|曾|获|出生|生于|毕业|担任|提出|发明|发现|创立|创办|成立|"
    r"的|将|被|由|和|与|为|成为|去世|逝世|主导|领导|加入|位于|拥有|共有|有|以|，|,|\d|自|从|担任|任|"
    r"完成|发布|推出|宣布|收购|上市|开发|研发|提供|参与|总部|目前|现|已|获得|赢得|当选|出版|发表|创作|"
    r"首次|首先|最早|率先|共|合成|研制|指导|培养|带领|负责|"
    # the degree of what follows (孙雅琴「本科」毕业于…) and a spouse (孙雅琴「丈夫」…)
    r"本科|硕士|博士|学士|丈夫|妻子|"
    # what is counted of it (云岭能源「员工」约3200人) and how roughly
    r"约|近|逾|超过|达到?|员工|职工|营收|营业收入|收入|净利润|利润|市值|销量|销售额|产量|发电量|用户|人口|面积|股价|"
    # who holds its offices (恒远集团「董事长」为邓力)
    r"董事长|总裁|总经理|院长|所长|校长|主任|主编|首席执行官|首席技术官))"
)


# a number that designates which one ("a phase 3 trial", "Category 4 hurricane", "Level 2"): a
# value to find however small
_DESIGNATION_BEFORE = re.compile(r"\b(?:phase|stage|level|grade|tier|class|category|type|series|generation|"
                                 r"season|volume|chapter|round|division)\s*$", re.IGNORECASE)


# a numbered rank of an office or an edition ("the 14th president", "the 3rd edition"): a value
# to find, not a small word
_RANK_OF = re.compile(r"\d+(?:st|nd|rd|th)\s+(?:[a-z]+\s+)?[a-z]{3,}"
                      r"|第[一二三四五六七八九十百\d]+(?:完成人|作者|发明人|名|任|届)")  # 第一完成人, 第十四任


_PRIZE = re.compile(r"prize|award|medal|奖", re.IGNORECASE)

# a small count of things the claim names right after it ("six books", "three children", 四本书):
# the claim's value, not an aside
_COUNTED = re.compile(r"\s+(?:[a-z]+\s+)?(?:books|children|grandchildren|sons|daughters|patents|novels|albums|"
                      r"titles|medals|trophies|championships|goals|films|companies|startups|papers|degrees|"
                      r"siblings|brothers|sisters|languages|terms|seasons|wins|awards|prizes)\b"
                      rf"|\s*(?:本|个|位|名|项|部|家|枚|座|届|次)[{CJK_CHARS}]")


# a nationality that qualifies a noun: "a Chilean astronomer", "美国经济学家", "中国籍科学家"
_QUALIFIES = r"(?:-born)?\s+(?:[a-z]+\s+)?[a-z]{4,}\b"
_QUALIFIES_ZH = rf"籍?[{CJK_CHARS}]{{0,3}}(?:家|学者|人|公民)"


@lru_cache(maxsize=512)
def _nationality_re(p: str) -> re.Pattern[str]:
    if CJK.match(p):
        return re.compile(re.escape(p) + _QUALIFIES_ZH)
    # "a Ghanaian economist", or what the subject is: "Adaeze Okoro is Ghanaian."
    return re.compile(r"\b(?i:" + re.escape(p) + ")" + _QUALIFIES
                      + r"|\b(?:is|was|are|were)\s+(?i:" + re.escape(p) + r")\b(?=\s*(?:[.,;]|$))")


_ZH_FIELD_POST = re.compile(rf"([{CJK_CHARS}]{{1,6}}?)学?(副教授|教授|讲师|研究员)")
_POST_EN = {"教授": "professor", "副教授": "associate professor", "讲师": "lecturer", "研究员": "researcher"}


def _field_post_forms(obj: str) -> list[str]:
    """English forms of a Chinese post in a field: 物理学教授 → "professor of physics",
    "physics professor" (matching forms, without spaces)."""
    m = _ZH_FIELD_POST.fullmatch(obj)
    if m is None:
        return []
    for phrases in lexicon.CATEGORY_GROUPS["field"].values():
        if m.group(1) in phrases:
            post = _POST_EN[m.group(2)]
            return [normalize_for_match(f) for en in phrases if not CJK.match(en)
                    for f in (f"{post} of {en}", f"{en} {post}")]
    return []


def _category_slots(text: str, part_of: Callable[[int], int]) -> list[Slot]:
    low = text.lower()
    out = []
    for group, members in lexicon.CATEGORY_GROUPS.items():
        for member, phrases in members.items():
            for p in phrases:
                if group == "nationality" and not _nationality_re(p).search(text):
                    # in the text as written: "the Chinese Academy" is a name, "a Chinese chemist" is not
                    continue  # "the Chinese Academy", "in French": no nationality said of anyone
                if lexicon.words_in(low, p):
                    pos = low.find(p)
                    # a nationality only counts against another one: it is no value to find
                    out.append(Slot(kind="category", text=p, forms=list(phrases), group=group, member=member,
                                    part=part_of(pos), pos=max(pos, 0), minor=group == "nationality"))
                    break
    return out


def claim_slots(text: str, subject_hint: str | None = None,
                aliases: dict[str, list[str]] | None = None, *, chinese_evidence: bool = False) -> ClaimSlots:
    """The claim's subject, relation and the values it binds. ``chinese_evidence``: the
    evidence is written in Chinese, so what a Chinese relation word binds (毕业于「清华大学」)
    is a value to find even beside a number or a Latin name."""
    anchors = anchors_of(text)
    subject = _subject_for(text, subject_hint, anchors)
    # part boundaries (character offsets)
    bounds = [0] + [m.end() for m in _PART_SPLIT.finditer(text)] + [len(text) + 1]

    def part_of(pos: int) -> int:
        for i in range(len(bounds) - 1):
            if bounds[i] <= pos < bounds[i + 1]:
                return i
        return 0

    known = {normalize_for_match(k): v for k, v in (aliases or {}).items()}
    slots: list[Slot] = []
    sub_forms = subject_forms(subject, known.get(normalize_for_match(subject))) if subject else []
    for a in anchors:
        if subject and (same_name(a, subject) or normalize_for_match(a) in sub_forms):
            continue
        if any(lexicon.words_in(a.lower(), p) and len(p) >= len(a) - 1
               for members in lexicon.CATEGORY_GROUPS.values() for ph in members.values() for p in ph):
            continue  # "Physics", "PhD": a category slot, not a name
        if subject and normalize_for_match(subject) in normalize_for_match(a):
            # "Jack Rae 的职业经历" style anchors that only wrap the subject
            rest = normalize_for_match(a).replace(normalize_for_match(subject), "")
            if len(rest) < 3:
                continue
        forms = [normalize_for_match(a)]
        forms += [normalize_for_match(x) for x in known.get(normalize_for_match(a), [])]
        at = max(text.find(a), 0)
        slots.append(Slot(kind="name", text=a, forms=forms, part=part_of(at), pos=at))
    zh_objects: list[Slot] = []
    for m in _ZH_OBJECT.finditer(text):
        g = next(i for i in (1, 2, 3) if m.group(i))
        obj = m.group(g)
        after = text[m.end(g) : m.end(g) + 1]
        if after in "(（" or len(obj) < 2 or (subject and obj in subject):
            continue  # "布里斯托大学(University of Bristol)": the Latin name is the slot
        if any(normalize_for_match(obj) in f or f in normalize_for_match(obj) for sl in slots for f in sl.forms):
            continue
        at = m.start(g)
        forms = [normalize_for_match(obj), *lexicon.english_forms(obj)]  # 谷歌 is found as Google too
        post = _ZH_POST_AT.fullmatch(obj)
        if post:  # 武汉大学教授 is stated by 武汉大学经济与管理学院教授: the school is the value
            forms.append(normalize_for_match(post.group(1)))
        forms += _field_post_forms(obj)  # 物理学教授 is "professor of physics" in English
        zh_objects.append(Slot(kind="name", text=obj, forms=forms, part=part_of(at), pos=at))
    # whom the subject is married to (丈夫是王建国): a Chinese name has no capitals to find it by
    if lexicon.relation_of(text) == "marriage":
        for spouse in lexicon.spouses_of(text):
            if CJK.match(spouse) and not any(spouse in sl.text for sl in [*slots, *zh_objects]):
                at = text.find(spouse)
                zh_objects.append(Slot(kind="name", text=spouse, forms=[normalize_for_match(spouse)], part=part_of(at),
                                       pos=at))
    # a number inside the subject's name is part of what the claim is about ("The Northfield
    # Climate Summit 2023 was …", "Expo 2020 was …"), not a value it claims; inside another name
    # it is one ("won an award at NeurIPS 2022")
    named_spans = [(i, i + len(subject)) for i in [text.find(subject)] if i >= 0] if subject else []
    for n in extract_numbers(text):
        if n.kind == "version" or any(a <= n.start and n.end <= b for a, b in named_spans):
            continue
        minor = (n.kind == "count" and abs(n.value) < 10 and not n.unit and not lexicon.measure_follows(text, n.end)
                 and not _DESIGNATION_BEFORE.search(text[max(0, n.start - 12): n.start])
                 and not (subject and _COUNTED.match(text, n.end))
                 ) or (n.kind == "ordinal" and not _RANK_OF.match(text, n.start))
        slots.append(Slot(kind="number", text=n.text, number=n, part=part_of(n.start), minor=minor, pos=n.start))
    cats = _category_slots(text, part_of)
    context: list[Slot] = []
    if not slots or chinese_evidence:
        # a claim in Chinese with no Latin name and no number: what its relation binds
        # (出生于「波兰华沙」) is the value to find; beside a name or a number it is left to
        # the wording, since English evidence cannot state a Chinese name
        slots += [o for o in zh_objects if not any(p in o.text and len(o.text) - len(p) <= 2
                                                   for c in cats for p in c.forms)]
    else:
        context = zh_objects
    # a category word inside a prize's name ("Nobel Prize in Physics") is still its own slot;
    # inside another name ("the London School of Economics") it is part of that name
    named = [(sl.pos, sl.pos + len(sl.text), sl.text) for sl in slots if sl.kind == "name"]
    slots += [c for c in cats if not any(
        a <= c.pos < b and not _PRIZE.search(name) for a, b, name in named)]
    # "The position of …", "The opening address of …": the head noun names what the claim is
    # about, not what it says of it
    head = _PART_OF.match(text)
    told = " " * head.end() + text[head.end():] if head is not None else text
    relation = lexicon.relation_of(told)
    relation_pos = lexicon.relation_position(told, relation) if relation else -1
    object_terms: set[str] = set()
    if relation in ("creation", "founding"):
        en, zh = lexicon.RELATIONS[relation]
        low = text.lower()
        cut = None
        for stem in en:
            hit = re.search(r"(?<![a-z])" + re.escape(stem) + r"\w*\s+", low)
            if hit and (cut is None or hit.end() < cut):
                cut = hit.end()
        for w in zh:
            i = text.find(w)
            if i >= 0 and (cut is None or i + len(w) < cut):
                cut = i + len(w)
        if cut is not None:
            object_terms = content_terms(text[cut:])
    terms = content_terms(text)
    if subject:
        terms -= content_terms(subject)
    return ClaimSlots(
        text=text,
        subject=subject,
        subject_forms=sub_forms,
        subject_surname=_surname(subject) if subject else None,
        relation=relation,
        slots=slots,
        terms=terms,
        negated=lexicon.negated(text),
        object_terms=object_terms,
        parts=len(bounds) - 1,
        aliases={k: v for k, v in known.items()},
        relation_pos=relation_pos,
        context=context,
    )
