"""What a count counts: the words after a number ("42 doctoral students", "2800 亿参数"), so that
two counts are compared only when they count the same thing."""

from __future__ import annotations

import re

from veracity.judge.lexicon import concept_phrases
from veracity.text import CJK, CJK_CHARS

_NOUN_SKIP = frozenset(["of", "more", "than", "over", "about", "around", "nearly", "almost", "some", "the", "a", "an", "in",
                        "its", "his", "her", "their", "our"])


def _following(text: str, end: int) -> str:
    """The words right after a number ending at ``end`` (40 characters, hyphen and spaces
    dropped); "" when none follows directly (a parenthesis, a comma)."""
    tail = text[end : end + 40].lstrip(" -")
    return tail if tail and (tail[0].isalpha() or CJK.match(tail[0])) else ""


def noun_after(text: str, end: int) -> str | None:
    """What a number counts: the word after it ("280 billion parameters" → "parameters",
    "2800 亿参数" → "参数"); ``None`` when nothing follows it directly (a parenthesis)."""
    tail = _following(text, end)
    if not tail:
        return None  # "(280B)," — nothing counted follows
    cjk = re.match(rf"[个位名项次篇条]?([{CJK_CHARS}]{{2}})", tail)
    if cjk:
        return cjk.group(1)
    # one character before a stop ("约1200人。", "1500名，"): people counted by any classifier
    one = re.match(rf"([{CJK_CHARS}])(?![{CJK_CHARS}])", tail)
    if one:
        return "人" if one.group(1) in "人名位" else one.group(1)
    for word in re.findall(r"[A-Za-z]+", tail)[:3]:
        w = word.lower()
        if w not in _NOUN_SKIP:
            return w[:5]
    return None


_ZH_COUNT_LEAD = re.compile(rf"([{CJK_CHARS}]{{2}})(?:约|大约|近|超过|逾|共|总计|达|有|为|是)?\s*$")


def noun_before(text: str, start: int, end: int) -> str | None:
    """What a Chinese head count counts when it is named before the number and a classifier
    follows it: 「在校生」3.2万人, 「研究生」1.1万人, 员工约1200人 (the last two characters
    of the noun); None otherwise (a verb before an amount: 完成了4亿元)."""
    after = noun_after(text, end)
    if after is None or len(after) != 1 or not CJK.match(after):
        return None
    m = _ZH_COUNT_LEAD.search(text[max(0, start - 8) : start])
    return m.group(1) if m else None


def same_noun(a: str | None, b: str | None) -> bool:
    """Two counts of the same thing: parameters vs parameters, not parameters vs tokens. A
    noun in Chinese against one in English is compared through the concept table (参数 ↔
    parameters) and otherwise taken as the same (nothing says they differ)."""
    if a is None or b is None or a == b or a[:4] == b[:4]:
        return True
    if bool(CJK.match(a)) != bool(CJK.match(b)):
        zh, en = (a, b) if CJK.match(a) else (b, a)
        english = concept_phrases(zh)
        return not english or any(p[:4] == en[:4] for p in english)
    return False


_AT_LEAST = re.compile(r"(?:more\s+than|over|at\s+least|upwards\s+of|in\s+excess\s+of|超过|逾|多于|至少|以上)\s*$",
                       re.IGNORECASE)
_AT_MOST = re.compile(r"(?:less\s+than|fewer\s+than|under|at\s+most|up\s+to|no\s+more\s+than|不到|少于|不足|至多)\s*$",
                      re.IGNORECASE)
_UP_TO = re.compile(r"(?:up\s+to|高达|最高)\s*$", re.IGNORECASE)
_ABOUT = re.compile(r"(?:about|around|approximately|roughly|nearly|almost|some|close\s+to|约|大约|近|将近|接近)\s*$",
                    re.IGNORECASE)


def within_claimed_bound(
    claim: str, start: int, claimed: float, stated: float, evidence: str = "", stated_start: int = 0,
) -> bool:
    """The stated value agrees with how the claim words its number: "more than 12 million"
    holds for 12.4 million, "under 100" for 87, "about 400" for anything within 10 %. A peak
    the evidence gives ("up to 140 km/h") is another peak than the claim's ("up to 160 km/h")."""
    before = claim[max(0, start - 24) : start]
    said = evidence[max(0, stated_start - 24) : stated_start]
    if _AT_LEAST.search(before):
        return stated >= claimed
    if _AT_MOST.search(before):
        # "up to" on both sides gives two peaks; "under 87" still holds for "under 100"
        return stated <= claimed and not (_UP_TO.search(before) and _UP_TO.search(said))
    if _ABOUT.search(before):
        return claimed != 0 and abs(stated - claimed) / abs(claimed) <= 0.1
    return False


def counted_words(text: str, end: int) -> set[str]:
    """The words that say what a count counts, as five-letter stems ("42 doctoral students"
    → {"docto", "stude"}; "14 名博士生" → {"博士"}); empty when nothing follows it directly."""
    tail = _following(text, end)
    if not tail:
        return set()
    cjk = re.match(rf"[个位名项次篇条]?([{CJK_CHARS}]{{1,2}})", tail)  # 14名博士生, 4米
    if cjk:
        return {cjk.group(1)}
    words = re.match(r"(?:[A-Za-z][\w'’\-]*\s+){0,2}[A-Za-z][\w'’\-]*", tail)  # "of Kestrel's flights"
    found = re.findall(r"[A-Za-z]+", words.group(0) if words else "")
    # one spelling of a unit ("meters" and "metres" count the same thing)
    return {re.sub(r"(met|lit|cent)er", r"\1re", w.lower())[:5] for w in found
            if w.lower() not in _NOUN_SKIP and len(w) > 2}


def counts_other_things(claim: str, claim_end: int, text: str, end: int) -> bool:
    """The same count of something else: "42 faculty members" does not state "42 doctoral
    students" (both say, in one language, what they count and share no word of it)."""
    a, b = counted_words(claim, claim_end), counted_words(text, end)
    if not a or not b or any(CJK.match(w) for w in a) != any(CJK.match(w) for w in b):
        return False  # nothing said, or said in two languages (参数 and parameters)
    return not (a & b)
