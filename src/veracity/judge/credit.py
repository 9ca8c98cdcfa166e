"""Credit to somebody else: an award of the claim's year that went to other people.

(Credit for a work or an idea — "introduced by Ray Solomonoff" — is found in
:func:`veracity.judge.binding.align` with :func:`veracity.judge.lexicon.credited_names`.)
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from veracity.evidence.numbers import extract_numbers
from veracity.judge import lexicon
from veracity.judge.owners import is_subject_name, name_found, subject_named
from veracity.judge.slots import ClaimSlots

if TYPE_CHECKING:
    from veracity.judge.binding import PassageAlignment, Sentence

_TIME = ("year", "date")


def award_credit(cs: ClaimSlots, al: PassageAlignment, sents: list[Sentence]) -> None:
    """An award of a given year that a sentence says went to other people ("The 2019 Turing
    Award was given to A and B"): credited to another, unless the subject is among them.
    Only for a claim with the award's name and its year (another year is another award)."""
    key = cs.key if cs.key is not None and cs.key.kind == "name" else None
    years = [sl.number for sl in cs.slots if sl.number is not None and sl.number.kind in _TIME]
    if key is None or not years or not cs.subject:
        return
    title = al.rp.passage.context or al.rp.source.title or ""
    for i, s in enumerate(sents):
        if s.list_like or not name_found(key, s.norm):
            continue
        # the year in the sentence, a short one just before it ("The 2019 ACM A.M." cut at
        # an abbreviation) or the page title ("2019 Turing Award")
        near = [*s.numbers, *(sents[i - 1].numbers if i and len(sents[i - 1].text) < 40 else []),
                *extract_numbers(title)]
        if not all(any(y.year == pn.year for pn in near if pn.kind in _TIME) for y in years):
            continue
        people = lexicon.award_recipients(s.text)
        if not people:
            continue
        if subject_named(cs, s.text, s.norm) or any(is_subject_name(n, cs) for n in people):
            al.subject_credited = True
        else:
            al.credits_other, al.credit_sentence = people[0], i
        return
