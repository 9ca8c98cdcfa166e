"""Aliases the evidence itself states: one work, two titles.

A page about a work may say that the work "appeared at NeurIPS 2022 under the title “…”", is
"also known as …", or 又名 / 以《…》为题. Such a sentence makes the two names one thing, so a
claim about the work can be settled from two passages — the one that links the names and the one
that states the fact under the other name — each quoted.

``alias_statements`` finds those sentences in a text; ``link_aliases`` ties each stated alias to
the claim's name it belongs to: a name that the same source speaks of (in full, or by its
distinctive first word: "Chinchilla" of "Chinchilla Scaling Laws").
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from veracity.judge import lexicon
from veracity.judge.slots import Slot, name_parts
from veracity.text import CJK_CHARS, normalize_for_match
from veracity.types import RankedPassage

_Q_OPEN, _Q_CLOSE = "\"“「『《", "\"”」』》"
ALIAS_PATTERNS: tuple[re.Pattern[str], ...] = (
    re.compile(rf"under the (?:title|name)\s+[{_Q_OPEN}](?P<alias>[^{_Q_CLOSE}]{{6,200}})[{_Q_CLOSE}]", re.I),
    re.compile(rf"(?:also|formerly|originally|better|later) (?:known|published|titled|called) as\s+"
               rf"[{_Q_OPEN}]?(?P<alias>[^{_Q_CLOSE},.;()]{{3,160}})", re.I),
    re.compile(rf"(?:retitled|renamed)\s+(?:as\s+)?[{_Q_OPEN}](?P<alias>[^{_Q_CLOSE}]{{3,200}})[{_Q_CLOSE}]", re.I),
    re.compile(rf"(?:又名|又称|亦称|原名|原题为?|后改名为?)[{_Q_OPEN}]?(?P<alias>[^{_Q_CLOSE},，。;；()（）]{{2,100}})"),
    re.compile(rf"以[{_Q_OPEN}](?P<alias>[^{_Q_CLOSE}]{{2,200}})[{_Q_CLOSE}]为题"),
)


@dataclass
class AliasLink:
    name: str  # the claim's name
    alias: str  # the other name the evidence gives it
    passage: int  # index of the passage that states the link
    quote: str  # the sentence that states it (verbatim)


def alias_statements(text: str) -> list[tuple[str, str]]:
    """(alias, the sentence stating it) for each alias statement in ``text``."""
    from veracity.text import sentence_spans

    out: list[tuple[str, str]] = []
    for a, b in sentence_spans(text):
        sent = text[a:b]
        for pat in ALIAS_PATTERNS:
            for m in pat.finditer(sent):
                alias = m.group("alias").strip(" .,'’")
                if len(normalize_for_match(alias)) >= 4:
                    out.append((alias, sent.strip()))
    return out


# a name given in two scripts: 杰克·雷(Jack Rae), 玛丽·居里（Marie Curie）, Marie Curie (玛丽·居里)
_PAREN_NAME = re.compile(
    rf"([{CJK_CHARS}][{CJK_CHARS}·]{{1,10}})\s*[(（]\s*([A-Z][A-Za-z.'’\- ]{{1,60}}?)\s*[)）]"
    rf"|([A-Z][A-Za-z.'’\-]+(?: [A-Z][A-Za-z.'’\-]+){{0,4}})\s*[(（]\s*([{CJK_CHARS}][{CJK_CHARS}·]{{1,10}})\s*[)）]"
)


def name_pairs(passages: list[RankedPassage], names: list[str]) -> list[tuple[str, str]]:
    """(claim name, its other spelling) for every name the passages write in both scripts."""
    from veracity.judge.slots import same_name

    out: list[tuple[str, str]] = []
    for rp in passages:
        for m in _PAREN_NAME.finditer(rp.passage.text):
            han, latin = (m.group(1), m.group(2)) if m.group(1) else (m.group(4), m.group(3))
            for name in names:
                if re.search(r"[A-Za-z]", name) and same_name(name, latin):
                    out.append((name, han))
                elif normalize_for_match(name) == normalize_for_match(han):
                    out.append((name, latin))
    return list(dict.fromkeys(out))


def has_alias_statement(text: str) -> bool:
    return any(p.search(text) for p in ALIAS_PATTERNS)


def _speaks_of(name: str, hay_norm: str) -> bool:
    key = normalize_for_match(name)
    if key and key in hay_norm:
        return True
    parts = name_parts(name)
    return bool(parts) and len(parts[0]) >= 4 and parts[0] in hay_norm


def link_aliases(names: list[str], passages: list[RankedPassage]) -> list[AliasLink]:
    """Tie the aliases the passages state to the claim's ``names``."""
    by_source: dict[str, str] = {}
    for rp in passages:
        url = rp.source.url
        by_source[url] = by_source.get(url, "") + " " + normalize_for_match(
            rp.passage.text + " " + (rp.source.title or "")
        )
    links: list[AliasLink] = []
    for i, rp in enumerate(passages):
        for alias, sentence in alias_statements(rp.passage.text):
            said = normalize_for_match(sentence)
            for name in names:
                if normalize_for_match(alias) == normalize_for_match(name):
                    continue
                if normalize_for_match(name) in said.replace(normalize_for_match(alias), " "):
                    continue  # named in the statement itself: the venue or the publisher
                if _speaks_of(name, by_source[rp.source.url]):
                    links.append(AliasLink(name=name, alias=alias, passage=i, quote=sentence))
    return links


_ACRONYM = re.compile(r"[A-Z]{2,6}")
_CAP_RUN = re.compile(r"[A-Z][\w'’\-]*(?:\s+(?:of|the|and|for|de|&)?\s*[A-Z][\w'’\-]*)+")
_LINK_WORDS = frozenset(["of", "the", "and", "for", "de", "&"])


def acronym_expansions(acronym: str, text: str) -> list[str]:
    """The capitalised names in ``text`` whose initials spell ``acronym`` ("MIT" →
    "Massachusetts Institute of Technology"; "of", "the", "and", "for" are skipped)."""
    if not _ACRONYM.fullmatch(acronym):
        return []
    out = []
    for m in _CAP_RUN.finditer(text):
        words = [w for w in m.group(0).split() if w.lower() not in _LINK_WORDS]
        # the run may start before the name ("The Massachusetts …"): try each start
        for i in range(len(words) - len(acronym) + 1):
            if "".join(w[0] for w in words[i : i + len(acronym)]).upper() == acronym:
                part = words[i : i + len(acronym)]
                start = m.group(0).index(part[0])
                end = m.group(0).index(part[-1], start) + len(part[-1])
                out.append(m.group(0)[start:end])
                break
    return out


def expand_short_names(slots: list[Slot], text: str) -> None:
    """Give each Chinese school slot the short names ``text`` calls it by (北大 for 北京大学),
    and a short name the full name ``text`` gives it."""
    for sl in slots:
        if sl.kind != "name":
            continue
        for short in [*lexicon.short_forms(sl.text, text), *lexicon.full_forms(sl.text, text)]:
            form = normalize_for_match(short)
            if form not in sl.forms:
                sl.forms.append(form)


def expand_acronyms(slots: list[Slot], text: str) -> None:
    """Give each name slot that is an acronym ("MIT") the full names ``text`` spells it with,
    as more forms to find it by."""
    for sl in slots:
        if sl.kind != "name" or not _ACRONYM.fullmatch(sl.text.strip()):
            continue
        for name in acronym_expansions(sl.text.strip(), text):
            form = normalize_for_match(name)
            if form and form not in sl.forms:
                sl.forms.append(form)
