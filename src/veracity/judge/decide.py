"""From passage alignments to one verdict: hard rules first, then learned thresholds.

The order is the one a careful checker follows:

1. the claim credits the subject with a work that the evidence credits to someone else
   → ``misattributed``;
2. a value the claim binds to its subject is contradicted in the same frame (another year,
   number, prize field, degree) and no passage binds the claim's values together
   → ``false`` (``partly_true`` when another part of a compound claim is bound);
3. the stance model finds a passage that refutes the claim → ``false``;
4. a passage supports the whole claim and every core value is bound to the subject
   → ``true`` when one passage binds them all, ``mostly_true`` when they are bound across
   passages;
5. some part is supported and bound → ``partly_true``;
6. otherwise ``unverifiable`` — which is not ``false``.

The thresholds of steps 3–5 and the confidence of each label come from the shipped model
(:mod:`veracity.judge.model`); the same function runs in training, so what is tuned is what ships.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import numpy as np

from veracity.judge.binding import BOUND, UNBOUND, PassageAlignment
from veracity.judge.credit import claimed_doers, role_holders
from veracity.judge.frames import life_dates, one_time, same_time
from veracity.judge.lexicon import relation_outside
from veracity.judge.owners import name_found
from veracity.judge.slots import QUOTED, ClaimSlots, Slot, same_name
from veracity.text import CJK_CHARS
from veracity.types import Label

HARD_RULES = frozenset({"credited_other", "conflict", "conflict_partly", "negated"})
"""Decisions the evidence makes unambiguously (calibrated together, see ``model``)."""


@dataclass
class Decision:
    label: Label
    score: float
    rule: str
    deciding: list[int] = field(default_factory=list)  # indexes of the passages that decided
    conflicts: list[tuple[Slot, str, int]] = field(default_factory=list)  # slot, other value, passage
    credited: tuple[str, int] | None = None


def maker_and_work(cs: ClaimSlots) -> bool:
    """The claim says who made a titled work: a maker named before the relation's word and the
    work's title, in quotes, after it ('Kwame Mensah wrote "Markets Without Borders"').
    Such a claim is confirmed only where both are named together."""
    if cs.relation not in ("authorship", "creation", "founding") or cs.relation_pos < 0:
        return False
    names = [s for s in cs.slots if s.kind == "name"]
    titles = {m.group(1).strip() for m in QUOTED.finditer(cs.text)
              if m.start() > cs.relation_pos and (m.group(1)[:1].isupper() or m.group(0)[0] in "《『")}
    maker_first = (cs.subject is not None and 0 <= cs.text.find(cs.subject) < cs.relation_pos) or any(
        s.pos < cs.relation_pos and s.text not in titles for s in names)
    return len(names) >= 2 and maker_first and any(s.text in titles for s in names)


def _slot_bound_anywhere(slot: Slot, als: list[PassageAlignment]) -> int | None:
    for i, al in enumerate(als):
        if al.status(slot) == BOUND:
            return i
    return None


CLAIM_FEATURES = [
    "bias", "union_terms", "best_pair", "best_semantic", "union_bound", "union_found", "has_core",
]


def claim_features(cs: ClaimSlots, als: list[PassageAlignment], units_found: float) -> list[float]:
    """What the claim-level model reads: how much of the claim's wording and values the
    passages hold, bound to the subject or not, and how close the best one comes."""
    core = cs.core
    n = len(core)
    if not als:
        return [1.0] + [0.0] * (len(CLAIM_FEATURES) - 1)
    union_b = sum(1 for s in core if any(al.status(s) == BOUND for al in als))
    union_f = sum(1 for s in core if any(al.status(s) in (BOUND, UNBOUND) for al in als))
    return [
        1.0,
        units_found,
        max(al.term_pair for al in als),
        max(0.0, max(al.rp.semantic for al in als)),
        union_b / n if n else 0.0,
        union_f / n if n else 0.0,
        1.0 if n else 0.0,
    ]


# a deed only planned, expected or hoped for: "expects to file for approval", 计划上市
_PLANNED_EN = re.compile(
    r"\b(?:expects?|expected|plans?|planned|planning|intends?|intended|aims?|aimed|hopes?|hoped|will|would|"
    r"could|may|might|seeks?|sought|wants?|proposes?|proposed|(?:is|are|was|were)\s+(?:set|due|expected|likely|"
    r"scheduled|poised))\s+(?:to\s+)?(?:be\s+)?(?P<verb>[a-z]{3,})", re.IGNORECASE)
_PLANNED_ZH = re.compile(rf"(?:计划|预计|拟|将|有望|准备|打算|希望|争取|将要|即将)"
                         rf"(?:[在于]\d{{4}}年(?:\d{{1,2}}月)?(?:\d{{1,2}}日)?(?:底|初|前|内)?)?(?P<verb>[{CJK_CHARS}]{{2}})")


# what is only heard, rumoured or reported without a source: "I heard …", "reportedly", 据传
HEARSAY = re.compile(r"\b(?:I|we)\s+(?:heard|read\s+somewhere|think|believe|guess)\b|\brumou?r(?:s|ed)?\b|"
                     r"\breportedly\b|\ballegedly\b|\bunconfirmed\b|\bsupposedly\b|\bit\s+is\s+said\b|"
                     r"听说|据传|传闻|网传|据说|未经证实|小道消息", re.IGNORECASE)


def planned_only(claim: str, sentence: str) -> bool:
    """``sentence`` says the claim's deed is only planned or expected ("expects to file for
    approval" for "has filed for approval"; 计划于2025年上市 for 已上市) and the claim is no
    plan itself."""
    if _PLANNED_EN.search(claim) or _PLANNED_ZH.search(claim):
        return False
    words = {w[:4] for w in re.findall(r"[a-z]{3,}", claim.lower())}
    for m in _PLANNED_EN.finditer(sentence):
        if m.group("verb").lower()[:4] in words:
            return True
    return any(m.group("verb") in claim for m in _PLANNED_ZH.finditer(sentence))


def hedge(cs: ClaimSlots, als: list[PassageAlignment], d: Decision) -> Decision:
    """The decision once the wording of its deciding sentences is read: a claim confirmed only by
    hearsay (:data:`HEARSAY`) is unverifiable, one confirmed only where its deed is planned or
    expected (:func:`planned_only`) partly true; any other decision is returned as it is."""
    if d.label not in (Label.TRUE, Label.MOSTLY_TRUE) or not d.deciding:
        return d
    said = []
    for al in (als[i] for i in d.deciding if i < len(als)):
        j = al.binds_all(cs)
        j = al.best_sentence if j is None else j
        if j is not None:
            said.append(al.sentences[j].text)
    if said and all(HEARSAY.search(x) for x in said):
        return Decision(Label.UNVERIFIABLE, d.score, "hearsay", d.deciding)
    if said and all(planned_only(cs.text, x) for x in said):
        return Decision(Label.PARTLY_TRUE, d.score, "planned", d.deciding, d.conflicts, d.credited)
    return d


def decide(
    cs: ClaimSlots,
    als: list[PassageAlignment],
    probs: np.ndarray,
    levels: np.ndarray | None,
    thresholds: dict[str, float],
    wording: float = 1.0,
) -> Decision:
    """``probs``: one row per alignment, columns as :data:`veracity.judge.model.STANCES`;
    ``levels``: the claim-level model's (support, partial, none) probabilities; ``wording``: the
    share of the claim's wording found in the passages together. (:func:`hedge` reads the
    deciding sentences' wording after.)"""
    if not als:
        return Decision(Label.UNVERIFIABLE, 1.0, "no_evidence")
    core = cs.core
    sup, part, ref = probs[:, 0], probs[:, 0] + probs[:, 1], probs[:, 2]
    i_full, i_part, i_ref = int(np.argmax(sup)), int(np.argmax(part)), int(np.argmax(ref))
    s_full, s_ref = float(sup[i_full]), float(ref[i_ref])
    where = {s.key: _slot_bound_anywhere(s, als) for s in cs.slots}
    binding_at = {i: j for i, al in enumerate(als) if core and (j := al.binds_all(cs)) is not None}
    one_all = list(binding_at)
    names = [s.text for s in cs.slots if s.kind == "name"] + ([cs.subject] if cs.subject else [])

    def relation_at(al: PassageAlignment, j: int) -> bool:
        """The claim's relation is stated where its values are (not inside a name)."""
        said = al.sentences[j].low + " " + al.item_frames.get(j, "")
        return cs.relation is None or relation_outside(said, cs.relation, names) or life_at(al, j)

    def life_at(al: PassageAlignment, j: int) -> bool:
        """"Grace Hopper (9 December 1906 – 1 January 1992)" states both dates of a life."""
        life = life_dates(al.sentences[j].text, cs) if cs.relation in ("birth", "death") else None
        if life is None:
            return False
        end = life[0] if cs.relation == "birth" else life[1]
        return any(sl.number is not None and same_time(sl.number, end) for sl in core)

    # true needs the relation too: "the Turing Award is named after him" binds the award to
    # him but does not say he won it
    one_all_rel = [i for i in one_all if relation_at(als[i], binding_at[i])]
    union_all = bool(core) and all(where[s.key] is not None for s in core)
    # who made a named work is said where both are named: the maker on one page and the work
    # on another ("Kwame Mensah" beside "Her book 'Markets Without Borders'") confirm nothing
    maker_work = maker_and_work(cs)
    some_bound = any(where[s.key] is not None for s in core)
    if some_bound and len(core) == 1 and cs.relation in ("birth", "death", "marriage"):
        # a birth's, death's or marriage's one value, bound only where its relation is not
        # ("based in Valencia" for "born in Valencia", "succeeded by Kwame Mensah" for "married
        # to Kwame Mensah"): no part of the claim is confirmed
        some_bound = any(al.states(j, core[0], cs) and relation_at(al, j)
                         for al in als for j in range(len(al.sentences)))
    # with no value to bind, the subject itself must be in the passage that supports
    about = [i for i, al in enumerate(als) if al.subject_in_passage and not al.list_like]

    # 1. credited to someone else (in a passage that names what the claim says was created)
    key = cs.key
    # where the evidence names the work, only a passage that names it can credit the subject
    # (the maker a claim names — "founded by John Park" — is no name of the work)
    work = key if key is not None and not any(same_name(key.text, a) for a in claimed_doers(cs)) else None
    named_work = work is not None and work.kind == "name" and any(al.status(work) != "absent" for al in als)
    credited_subject = any(
        al.subject_credited and (not named_work or al.status(work) != "absent")  # type: ignore[arg-type]
        for al in als
    )
    if not credited_subject:
        for i, al in enumerate(als):
            names_key = not named_work or al.status(work) != "absent"  # type: ignore[arg-type]
            if al.credits_other and names_key:
                return Decision(Label.MISATTRIBUTED, max(s_ref, float(part[i])), "credited_other",
                                [i], credited=(al.credits_other, i))

    # 2. a bound contradiction in the claim's frame
    conflicts: list[tuple[Slot, str, int]] = []
    for s in cs.slots:
        for i, al in enumerate(als):
            m = al.contradictions.get(s.key)
            if m is not None and m.other is not None:
                conflicts.append((s, m.other, i))
                break
    # of a one-time event, a value bound without the claim's relation ("grew up in Lisbon")
    # does not outweigh a conflict in the claim's frame ("born … in Porto"); nor, of a marriage,
    # a person named without it ("succeeded by Kwame Mensah" against "married to Chidi Okoro")
    if conflicts and not (one_all_rel if one_time(cs) or cs.relation == "marriage" else one_all):
        wrong_parts = {c[0].part for c in conflicts}
        right_parts = {
            p for p in range(cs.parts)
            if p not in wrong_parts
            and [s for s in core if s.part == p]
            and all(where[s.key] is not None for s in core if s.part == p)
        }
        deciding = sorted({c[2] for c in conflicts})
        if right_parts:
            return Decision(Label.PARTLY_TRUE, 0.6, "conflict_partly", deciding, conflicts)
        return Decision(Label.FALSE, 0.6, "conflict", deciding, conflicts)

    # 2b. a clause about the subject with the claim's values ranks its thing at another place
    # ("the second-largest maker" for "the largest maker")
    ranked = [(i, al.rank_conflict) for i, al in enumerate(als) if al.rank_conflict is not None]
    if ranked:
        i, (_, claimed, stated) = ranked[0]
        return Decision(Label.FALSE, 0.6, "conflict", [i], [(Slot(kind="rank", text=claimed), stated, i)])

    # 2a. a sentence about the subject that holds the claim's values and denies its relation
    # outright ("never won", 从未获得过): false, unless the claim is itself a denial
    denying = [i for i, al in enumerate(als) if al.negated_at is not None]
    if denying and not cs.negated and not conflicts:
        return Decision(Label.FALSE, 0.6, "negated", denying[:1])

    # 2c. the claim gives a person a role (first author, doctoral advisor) and a sentence about
    # the same thing gives that role to that person
    roles = [i for i, al in enumerate(als) if al.role_stated is not None]
    if roles and not conflicts:
        return Decision(Label.TRUE, 0.6, "stated", roles[:1])

    lv = levels if levels is not None else np.array([s_full, float(part.max()) - s_full, 1 - float(part.max())])
    p_sup, p_part, p_none = (float(v) for v in lv)
    # 3. the stance model sees a refutation (and the claim is not supported as a whole)
    if s_ref >= thresholds["ref"] and s_ref > s_full and p_sup < max(p_part, p_none):
        return Decision(Label.FALSE, s_ref, "refute", [i_ref])

    # 4. supported as a whole: only when the claim's values are bound to its subject
    if p_sup >= thresholds["support"] and p_sup >= p_none:
        if one_all_rel or (not core and about):
            best = one_all_rel[0] if one_all_rel else max(about, key=lambda i: float(sup[i]))
            return Decision(Label.TRUE, p_sup, "support_one", [best])
        if union_all and not maker_work:
            idx = sorted({w for s in core if (w := where[s.key]) is not None})
            return Decision(Label.MOSTLY_TRUE, p_sup, "support_across", [i_full, *idx])
    # 4c. one sentence states every value of the claim about its subject, with the claim's
    # relation (studied, won, led …): true
    # (a subject to bind to, and either two values or most of the claim's wording with one)
    if one_all and cs.subject and p_none < max(p_sup, p_part):
        for i in one_all:
            al = als[i]
            for j in range(len(al.sentences)):
                # one value is enough with most of the wording, a life span, or the thing a
                # Chinese relation binds (加入「谷歌」) named in that sentence too
                enough = (len(core) >= 2 or al.covers[j] >= 0.6 or life_at(al, j)
                          or any(name_found(c, al.sentences[j].norm) for c in cs.context)
                          # a one-time event's one date, with the event's word: 成立于2015年 / 于2015年创立
                          or (one_time(cs) and core[0].number is not None and cs.relation is not None
                              and relation_outside(al.sentences[j].low, cs.relation, names)))
                if enough and al.states_all(j, cs) and relation_at(al, j):
                    return Decision(Label.TRUE, max(p_sup, p_part), "stated", [i])
    # 4a. the key value bound to the subject in one passage, and every value of the claim
    # stated together in another ("studied at X" + "a bachelor's degree at X")
    if (
        key is not None and len(core) >= 2 and (at := where[key.key]) is not None
        and p_none < max(p_sup, p_part)
    ):
        joint = [i for i, al in enumerate(als) if al.together(cs) is not None]
        if joint:
            return Decision(Label.MOSTLY_TRUE, p_sup, "support_across", [at, joint[0]])
    # 4b. every value of the claim bound to its subject in one passage, the wording not
    # fully confirmed: mostly true
    if one_all and len(core) >= 2 and p_none < max(p_sup, p_part):
        return Decision(Label.MOSTLY_TRUE, p_sup + p_part, "bound_all", [one_all[0]])
    # 4d. every value (two or more) bound to the subject, across passages, and most of the
    # claim's wording there too: mostly true
    if union_all and not maker_work and len(core) >= 2 and wording >= 0.7 and p_none < max(p_sup, p_part):
        idx = sorted({w for s in core if (w := where[s.key]) is not None})
        return Decision(Label.MOSTLY_TRUE, max(p_sup, p_part), "support_across", idx)
    # 5. a part supported: a value bound to the subject, and the passages support part of the
    # claim at least as much as nothing (or above the learned "part" threshold)
    enough = p_sup + p_part >= min(p_none, thresholds.get("part", 1.0))
    # a field or degree word alone is no part of a claim whose named thing (the prize, the
    # school) the evidence never states: "physics" does not half-confirm a Nobel Prize
    only_words = (key is not None and key.kind == "name" and where[key.key] is None
                  and all(s.kind == "category" for s in core if where[s.key] is not None))
    # a role claimed at a firm ("X is the chief executive of Brisa Labs") whose one value, the
    # firm, is bound only where no sentence gives X that role ("the founder of Brisa Labs")
    role_only = bool(role_holders(cs.text)) and len(core) == 1 and not roles
    if (enough or p_sup >= thresholds["support"]) and (some_bound or (not core and about)) and not only_words \
            and not role_only:
        best = i_part if core else max(about, key=lambda i: float(part[i]))
        return Decision(Label.PARTLY_TRUE, p_sup + p_part, "partial", [best])
    return Decision(Label.UNVERIFIABLE, p_none, "weak", [i_part] if float(part[i_part]) > 0.2 else [])
