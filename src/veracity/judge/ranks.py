"""Ranks: the place a claim gives a thing among others ("the largest drone maker", "the first
woman to lead", 第二大, 首位女性) and the place the evidence gives it.

A rank is a number and the head it ranks by: "largest" is (1, largest), "second-largest" is
(2, largest), "the first woman" is (1, woman), 第二大 is (2, 大), 首位女性 is (1, 位女). A clause
that gives the claim's head another number, and not the claim's, contradicts the claim:
"Helix is the largest maker" against "Helix is the second-largest maker". A funding round's
letter is its place among the firm's rounds ("Series B", B轮). Numbered offices (第十四任校长,
"the 14th president") are left to the office check.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import NamedTuple

from veracity.text import CJK_CHARS

__all__ = ["Rank", "rank_conflict", "ranks_in"]

_EN_ORDINALS = {
    "first": 1, "second": 2, "third": 3, "fourth": 4, "fifth": 5, "sixth": 6, "seventh": 7,
    "eighth": 8, "ninth": 9, "tenth": 10,
}
_EN_ORD = r"(?:first|second|third|fourth|fifth|sixth|seventh|eighth|ninth|tenth|\d{1,3}(?:st|nd|rd|th))"
_SUPERLATIVES = (
    "largest|biggest|smallest|oldest|youngest|highest|lowest|longest|shortest|tallest|fastest|slowest|"
    "richest|wealthiest|busiest|greatest|earliest|heaviest|deepest|strongest|best|worst|most|least"
)
# "the second-largest", "third largest", "largest"; "most"/"least" rank by the word after them
_EN_SUPER = re.compile(
    rf"\b(?:(?P<ord>{_EN_ORD})[\s-]+)?(?P<sup>{_SUPERLATIVES})(?:\s+(?P<what>[a-z]+))?\b", re.I
)
# "the first woman to …", "the second author": an ordinal and the word it ranks
_EN_PLAIN = re.compile(rf"\b(?P<ord>{_EN_ORD})\s+(?P<head>[a-z]+)\b", re.I)
# words an ordinal ranks that are no rank of the claim's thing ("for the first time", "the
# first half of 2020"), and the offices the office check numbers
_EN_NOT_HEADS = frozenset({
    "time", "times", "half", "quarter", "day", "week", "month", "year", "years", "round", "stage",
    "phase", "edition", "place", "president", "chancellor", "director", "dean", "chair", "head",
    "and", "or", "of", "in", "to", "on", "at", "largest", "biggest", "smallest", "oldest", "youngest",
    "highest", "lowest", "most", "least",
})

_ZH_DIGITS = {"一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9, "十": 10}
# 第二大, 第二位女性, 首位女性, 首家, 最大: a measure word (or none) and the character after it
_ZH_RANK = re.compile(
    rf"(?:第(?P<n>[一二两三四五六七八九十]{{1,3}}|\d{{1,3}})|(?P<first>首)(?=[位个家名款])|(?P<most>最))"
    rf"(?P<measure>[位个家名款]?)(?P<head>[{CJK_CHARS}])"
)


# a funding round's letter is its place in the firm's rounds: "Series B", B轮, A+轮 (天使轮 before A)
_EN_SERIES = re.compile(r"\bSeries\s+(?P<letter>[A-H])\b")
_ZH_ROUND = re.compile(r"(?<![A-Za-z])(?P<letter>[A-H]|天使)\+?\s*轮")


class Rank(NamedTuple):
    place: int
    head: str  # what the place ranks by: "largest", "woman", "大", "位女"
    said: str  # the words as written


def _en_ord(word: str) -> int:
    w = word.lower()
    return _EN_ORDINALS[w] if w in _EN_ORDINALS else int(re.match(r"\d+", w).group(0))  # type: ignore[union-attr]


def _zh_num(text: str) -> int:
    """二 → 2, 十四 → 14, 二十三 → 23."""
    if text.isdigit():
        return int(text)
    if "十" not in text:
        return _ZH_DIGITS[text[-1]]
    tens, _, ones = text.partition("十")
    return (_ZH_DIGITS[tens] if tens else 1) * 10 + (_ZH_DIGITS[ones] if ones else 0)


@lru_cache(maxsize=2048)
def ranks_in(text: str) -> tuple[Rank, ...]:
    """The ranks ``text`` gives (remembered: a claim's text is asked for every clause)."""
    out: list[Rank] = []
    taken: list[tuple[int, int]] = []
    for m in _EN_SUPER.finditer(text):
        sup = m.group("sup").lower()
        if sup in ("most", "least"):
            if not m.group("what"):
                continue
            sup = f"{sup} {m.group('what').lower()}"
        place = _en_ord(m.group("ord")) if m.group("ord") else 1
        said = m.group(0) if " " in sup else m.group(0)[: m.end("sup") - m.start()]
        out.append(Rank(place, sup, said))
        taken.append(m.span())
    for m in _EN_PLAIN.finditer(text):
        head = m.group("head").lower()
        if head in _EN_NOT_HEADS or any(a <= m.start() < b for a, b in taken):
            continue
        out.append(Rank(_en_ord(m.group("ord")), head.removesuffix("s"), m.group(0)))
    for m in _ZH_RANK.finditer(text):
        place = 1 if (m.group("first") or m.group("most")) else _zh_num(m.group("n"))
        measure, head = m.group("measure"), m.group("head")
        if m.group("most") and measure:
            continue  # 最…: a superlative has no measure word
        if not measure and head in "任届次年期轮批":  # numbered offices, terms and rounds
            continue
        out.append(Rank(place, measure + head, m.group(0)))
    for m in _EN_SERIES.finditer(text):
        out.append(Rank(ord(m.group("letter")) - ord("A") + 1, "funding round", m.group(0)))
    for m in _ZH_ROUND.finditer(text):
        letter = m.group("letter")
        out.append(Rank(0 if letter == "天使" else ord(letter) - ord("A") + 1, "funding round", m.group(0)))
    return tuple(out)


def rank_conflict(claim: str, clause: str) -> tuple[str, str] | None:
    """(the claim's rank, the clause's) when ``clause`` ranks the claim's head at another
    place and nowhere at the claim's: ("largest", "second-largest")."""
    stated = ranks_in(clause)
    if not stated:
        return None
    for r in ranks_in(claim):
        same_head = [s for s in stated if s.head == r.head]
        if same_head and all(s.place != r.place for s in same_head):
            return r.said, same_head[0].said
    return None
