"""The offline judge's reading of claims and evidence, without an embedder.

Claim slots (subject, relation, values, key), binding per sentence (the owner of a number,
contradictions in the claim's frame, credit to someone else, keyword stuffing, list items under
their heading), aliases the evidence states, and the whole judge end to end on hand-built
passages (``semantic`` fixed at 0.5, so only the aligner, the rules and the shipped weights
decide).
"""

from __future__ import annotations

import pytest

from veracity.evidence.numbers import extract_numbers, same_quantity
from veracity.judge import lexicon
from veracity.judge.aliases import alias_statements, link_aliases
from veracity.judge.base import Judgement
from veracity.judge.binding import (
    BOUND,
    CONTRADICTED,
    FEATURES,
    UNBOUND,
    align,
)
from veracity.judge.credit import claimed_deed, listed_recipients
from veracity.judge.match import EvidenceMatchJudge
from veracity.judge.slots import ClaimSlots, Slot, anchors_of, claim_slots
from veracity.judge.values import (
    Sentence,
    changed,
    dated_values,
    money_frame,
    named_values,
    present_post,
    same_person,
    slot_in,
)
from veracity.text import normalize_for_match
from veracity.types import Claim, Label, Passage, RankedPassage, Source, SourceKind, Stance

# --- helpers -----------------------------------------------------------------------------------


def _rp(
    text: str, i: int = 0, *, url: str | None = None, title: str | None = None
) -> RankedPassage:
    url = url or f"https://example.org/{i}"
    return RankedPassage(
        passage=Passage(id=f"d{i}:0", doc_url=url, text=text, start=0, end=len(text)),
        source=Source(url=url, title=title, kind=SourceKind.PRIMARY),
        score=1.0,
        semantic=0.5,
    )


def _slot(cs: ClaimSlots, kind: str, text: str | None = None) -> Slot:
    found = [s for s in cs.slots if s.kind == kind and (text is None or s.text == text)]
    assert len(found) == 1, (kind, text, [(s.kind, s.text) for s in cs.slots])
    return found[0]


def _names(cs: ClaimSlots) -> list[str]:
    return [s.text for s in cs.slots if s.kind == "name"]


def _judge(
    text: str, texts: list[str], *, lang: str = "en", subject: str | None = None
) -> Judgement:
    claim = Claim(id="c1", text=text, original=text, language=lang)  # type: ignore[arg-type]
    passages = [_rp(t, i) for i, t in enumerate(texts)]
    return EvidenceMatchJudge(subject=subject).judge_sync(claim, passages, lang)


def _states_value(quote: str, slot: Slot) -> bool:
    """The quote holds ``slot``'s value (a number as the same quantity, a category in any of
    its spellings, a name as written)."""
    if slot.kind == "number" and slot.number is not None:
        return any(same_quantity(slot.number, n) for n in extract_numbers(quote))
    if slot.kind == "category":
        return any(lexicon.words_in(quote.lower(), p) for p in slot.forms)
    return any(f in normalize_for_match(quote) for f in slot.forms)


DISTRACTORS = [
    "The weather in Lisbon was mild for most of the spring season.",
    "A new bakery opened near the central station last week.",
]
# the 1903 physics prize, then the 1911 chemistry prize (the second sentence by pronoun)
CURIE_BIO = (
    "Marie Curie won the Nobel Prize in Physics in 1903. "
    "She received the Nobel Prize in Chemistry in 1911."
)
GOPHER_TABLE = "Chinchilla outperforms Gopher (280B), GPT-3 (175B) and Jurassic-1 (178B)."
STUFFED = "Jack Rae Gopher Chinchilla NeurIPS Gemini GPT-4 OpenAI DeepMind Meta"
PAPER = "An empirical analysis of compute-optimal large language model training"


# --- slots -------------------------------------------------------------------------------------


def test_subject_from_the_hint_and_from_a_leading_name() -> None:
    hinted = claim_slots("Jack Rae led the Gopher project at DeepMind.", "Jack Rae")
    assert hinted.subject == "Jack Rae"
    assert hinted.relation == "leading"
    assert "Jack Rae" not in _names(hinted)  # the subject is not one of its own values
    assert set(_names(hinted)) == {"Gopher", "DeepMind"}

    leading = claim_slots("Marie Curie won the Nobel Prize in Physics in 1903.")
    assert leading.subject == "Marie Curie"
    assert leading.subject_surname == "Curie"
    assert normalize_for_match("Marie Curie") in leading.subject_forms

    # the hint wins when the claim names the subject by surname only
    assert (
        claim_slots("Curie won the Nobel Prize in Physics in 1903.", "Marie Curie").subject
        == "Marie Curie"
    )


def test_a_pronoun_claim_takes_the_hint() -> None:
    cs = claim_slots("She won the Nobel Prize in Physics in 1903.", "Marie Curie")
    assert cs.subject == "Marie Curie"
    assert cs.relation == "award"
    assert any(
        s.kind == "number" and s.number is not None and s.number.year == 1903 for s in cs.slots
    )
    assert "Marie Curie" not in _names(cs) and "She" not in anchors_of(cs.text)


def test_a_pronoun_claim_without_a_hint_has_no_subject() -> None:
    # the object ("Nobel Prize", "Gopher") never becomes the subject of "She won …" / "He led …"
    assert claim_slots("She won the Nobel Prize in Physics in 1903.").subject is None
    assert claim_slots("He led the Gopher project.").subject is None


def test_chinese_leading_subject() -> None:
    cs = claim_slots("玛丽·居里于1911年获得诺贝尔化学奖。")
    assert cs.subject == "玛丽·居里"
    assert cs.relation == "award"
    years = [
        s
        for s in cs.slots
        if s.kind == "number" and s.number is not None and s.number.kind == "year"
    ]
    assert [y.number.year for y in years if y.number is not None] == [1911]
    cat = _slot(cs, "category")
    assert (cat.group, cat.member) == ("field", "chemistry")
    assert cs.key is cat  # what was won


def test_accented_names_stay_whole() -> None:
    cs = claim_slots("Irène Joliot-Curie won the Nobel Prize in Chemistry in 1935.")
    assert cs.subject == "Irène Joliot-Curie"
    assert "Irène Joliot-Curie" in anchors_of(cs.text)
    assert not any(a in ("Irène", "Joliot-Curie", "Curie") for a in anchors_of(cs.text))


@pytest.mark.parametrize(
    "text, not_names, names",
    [
        ("Instead of physics, Marie Curie studied chemistry.", ("Instead",), ("Marie Curie",)),
        (
            "As a result, Marie Curie moved to Paris in 1891.",
            ("As", "As a result"),
            ("Marie Curie", "Paris"),
        ),
    ],
)
def test_sentence_initial_words_are_not_names(
    text: str, not_names: tuple[str, ...], names: tuple[str, ...]
) -> None:
    anchors = anchors_of(text)
    assert list(names) == anchors
    for w in not_names:
        assert not any(a == w or a.startswith(w + " ") for a in anchors)
        assert w not in _names(claim_slots(text))


def test_a_prize_field_is_a_category_slot_not_a_name() -> None:
    cs = claim_slots("Marie Curie won the Nobel Prize in Physics in 1903.")
    assert _names(cs) == ["Nobel Prize"]  # "Physics" is not a name of its own
    cat = _slot(cs, "category")
    assert (cat.group, cat.member, cat.text) == ("field", "physics", "physics")
    assert "Physics" not in _names(cs) and "Nobel Prize in Physics" not in _names(cs)


@pytest.mark.parametrize(
    "text, hint, key",
    [
        (
            "Jack Rae proposed Chinchilla Scaling Laws in 2022.",
            "Jack Rae",
            "Chinchilla Scaling Laws",
        ),
        (
            "At DeepMind, Jack Rae led the Gopher project.",
            "Jack Rae",
            "Gopher",
        ),  # not the name before
        ("Marie Curie won the Nobel Prize in Physics in 1903.", None, "Nobel Prize"),
        ("Marie Curie was appointed professor at the Sorbonne in 1906.", None, "Sorbonne"),
    ],
)
def test_the_key_is_the_value_after_the_relation(text: str, hint: str | None, key: str) -> None:
    cs = claim_slots(text, hint)
    assert cs.key is not None
    assert cs.key.text == key
    assert cs.key.pos > cs.relation_pos >= 0


# --- the owner of a number ---------------------------------------------------------------------


def test_a_number_in_parentheses_belongs_to_the_name_before_it() -> None:
    cs = claim_slots("Gopher is a 175 billion parameter language model.")
    assert cs.subject == "Gopher"
    n = _slot(cs, "number")
    al = align(cs, _rp(GOPHER_TABLE))
    assert al.status(n) != BOUND  # 175B is GPT-3's
    assert al.contradictions[n.key].status == CONTRADICTED
    assert al.contradictions[n.key].other == "280B"  # Gopher's own size
    assert al.features[FEATURES.index("conflict_number")] == 1.0


def test_a_number_bound_to_its_owner() -> None:
    cs = claim_slots("GPT-3 has 175 billion parameters.")
    n = _slot(cs, "number")
    al = align(cs, _rp(GOPHER_TABLE))
    assert al.status(n) == BOUND
    assert al.matches[n.key].sentence == 0
    assert not al.contradictions


# --- frames ------------------------------------------------------------------------------------


def test_another_date_in_a_functional_frame_contradicts() -> None:
    passage = "Marie Curie was a physicist and chemist. She died on 4 July 1934 in Passy."
    wrong = claim_slots("Marie Curie died on 4 July 1944.")
    assert wrong.relation == "death"
    al = align(wrong, _rp(passage))
    date = _slot(wrong, "number")
    assert al.sentences[1].subject  # "She" in a passage about Marie Curie
    assert al.status(date) == CONTRADICTED
    assert (al.contradictions[date.key].sentence, al.contradictions[date.key].other) == (
        1,
        "4 July 1934",
    )

    right = claim_slots("Marie Curie died on 4 July 1934.")
    al = align(right, _rp(passage))
    assert al.status(_slot(right, "number")) == BOUND
    assert not al.contradictions


@pytest.mark.parametrize(
    "passage",
    [
        "Marie Curie was appointed to the board in 1975.",
        "Marie Curie studied at the Sorbonne. She was appointed to the board in 1975.",
    ],
)
def test_a_repeatable_relation_needs_the_same_other_names(passage: str) -> None:
    cs = claim_slots("Marie Curie was appointed professor at the Sorbonne in 1906.")
    assert cs.relation == "employment"
    al = align(cs, _rp(passage))
    assert not al.contradictions  # another appointment, not another date of this one
    assert al.status(_slot(cs, "number")) != CONTRADICTED
    assert al.features[FEATURES.index("conflict_time")] == 0.0


def test_the_same_appointment_with_another_year_contradicts() -> None:
    cs = claim_slots("Marie Curie was appointed professor at the Sorbonne in 1906.")
    al = align(cs, _rp("Marie Curie was appointed professor at the Sorbonne in 1910."))
    assert al.contradictions[_slot(cs, "number").key].other == "1910"


def test_another_prize_field_in_the_frame_contradicts_the_category() -> None:
    cs = claim_slots("Marie Curie won the Nobel Prize in Physics in 1911.")
    al = align(cs, _rp("The 1911 Nobel Prize in Chemistry went to Marie Curie."))
    cat = _slot(cs, "category")
    assert al.status(cat) == CONTRADICTED
    assert al.contradictions[cat.key].other == "chemistry"
    assert al.status(_slot(cs, "number")) == BOUND
    assert al.status(_slot(cs, "name", "Nobel Prize")) == BOUND
    assert al.features[FEATURES.index("conflict_category")] == 1.0


# --- credit ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "sentence, names",
    [
        ("Ray Solomonoff introduced the idea in 1960", ["Ray Solomonoff"]),
        ("他在分享中从所罗门诺夫(Solomonoff)的归纳推理理论讲起", ["Solomonoff"]),
        (
            "Algorithmic information theory was introduced by Ray Solomonoff in 1960.",
            ["Ray Solomonoff"],
        ),
        ("The weather in Lisbon was mild for most of the spring season.", []),
    ],
)
def test_credited_names(sentence: str, names: list[str]) -> None:
    assert lexicon.credited_names(sentence) == names


def test_credited_name_after_an_adjective_and_a_profession() -> None:
    sentence = "Penicillin was discovered in 1928 by the Scottish bacteriologist Alexander Fleming."
    assert lexicon.credited_names(sentence) == ["Alexander Fleming"]


def test_align_flags_a_work_credited_to_someone_else() -> None:
    cs = claim_slots("Jack Rae invented algorithmic information theory.")
    assert (cs.subject, cs.relation) == ("Jack Rae", "creation")
    assert cs.object_terms == {"algorithmic", "information", "theory"}
    al = align(cs, _rp("Algorithmic information theory was introduced by Ray Solomonoff in 1960."))
    assert al.credits_other == "Ray Solomonoff"
    assert al.credit_sentence == 0
    assert not al.subject_credited
    assert al.features[FEATURES.index("credits_other")] == 1.0

    # the subject credited with it: no one else is
    own = align(cs, _rp("Jack Rae invented algorithmic information theory in 1960."))
    assert own.credits_other is None and own.subject_credited
    assert own.features[FEATURES.index("credits_other")] == 0.0


@pytest.mark.parametrize(
    ("claim", "deed", "agents"),
    [
        ("The summit was organized by the Nordic Climate Council.", "organised", ["Nordic Climate Council"]),
        ("Meridian Holdings acquired Corvid Analytics in 2021.", "acquired", ["Meridian Holdings"]),
        ("The keynote was delivered by Ana Ruiz and Tom Hale.", "delivered", ["Ana Ruiz", "Tom Hale"]),
        ("星桥数据被华岳控股收购。", "收购", ["华岳控股"]),
    ],
)
def test_the_doer_of_a_one_time_deed(claim: str, deed: str, agents: list[str]) -> None:
    found = claimed_deed(claim_slots(claim))
    assert found is not None and found[:2] == (deed, agents)


def test_a_deed_is_credited_only_for_the_same_thing() -> None:
    cs = claim_slots("More was written by Matthew West.")
    # the score a song was adapted from was written by others: not the song's writers
    al = align(cs, _rp('The song " More " was adapted from a film score written by Riz Ortolani.'))
    assert al.credits_other is None
    al = align(cs, _rp('" More " was written by Riz Ortolani and Nino Oliviero in 1962.'))
    assert al.credits_other == "Riz Ortolani"
    # a deed many share (funding) is no deed of one doer
    fund = claim_slots("The survey was funded by the Wellcome Trust.")
    assert claimed_deed(fund) is None


def test_an_office_is_credited_to_another_only_in_the_same_term() -> None:
    now = claim_slots("Lars Eide is the director of the Skerry Institute.")
    assert align(now, _rp("The Skerry Institute's director is Ingrid Solberg.")).credits_other == "Ingrid Solberg"
    # a deputy is not the director; a past director says nothing of today's
    assert align(now, _rp("The deputy director of the Skerry Institute is Ingrid Solberg.")).credits_other is None
    assert align(now, _rp("The director of the Skerry Institute was Ingrid Solberg.")).credits_other is None
    past = align(now, _rp("The director of the Skerry Institute was Lars Eide."))
    assert past.role_stated is None  # once director, not necessarily now
    assert align(now, _rp("The director of the Skerry Institute is Lars Eide.")).role_stated == 0


def test_a_number_in_the_subjects_name_is_no_value() -> None:
    cs = claim_slots("The Nordhavn Energy Summit 2023 was held in Riga.")
    assert cs.subject == "Nordhavn Energy Summit 2023" and cs.relation == "location"
    assert [s.text for s in cs.core] == ["Riga"]
    # in another name, it is one: which edition
    cs = claim_slots("The paper won an award at NeurIPS 2022.")
    assert [(s.kind, s.text) for s in cs.slots] == [("name", "NeurIPS 2022"), ("number", "2022")]


def test_the_head_noun_of_a_claim_is_not_its_relation() -> None:
    cs = claim_slots("The opening address of the Nordhavn Energy Summit 2023 was given by Lars Eide.")
    assert cs.subject == "Nordhavn Energy Summit 2023"
    assert cs.relation != "opening"


def test_two_people_joined_by_and_are_two_names() -> None:
    assert anchors_of("Corvid Analytics was co-founded by Anika Rao and Omar Reid.") == [
        "Corvid Analytics", "Anika Rao", "Omar Reid"]
    # one name with "and" inside stays whole
    assert anchors_of("She studied at the Department of Physics and Astronomy.") == [
        "Department of Physics and Astronomy"]


def test_a_value_given_for_another_year_is_that_years() -> None:
    text = "Revenue was 2.1 billion euros in 2021 and 2.5 billion euros in 2022."
    sent = Sentence(0, len(text), text, text.lower(), normalize_for_match(text), extract_numbers(text), subject=True)
    assert [(n.text, t.text) for n, t in dated_values(sent)] == [
        ("2.1 billion euros", "2021"), ("2.5 billion euros", "2022")]
    zh = "公司2021年营业收入为21亿元，2022年营业收入为25亿元。"
    sent = Sentence(0, len(zh), zh, zh, normalize_for_match(zh), extract_numbers(zh), subject=True)
    assert [(n.value, t.year) for n, t in dated_values(sent)] == [(2.1e9, 2021), (2.5e9, 2022)]


def test_the_same_person_written_otherwise() -> None:
    assert same_person("Georges-Frédéric Parrot", "Georg Friedrich Parrot")
    assert same_person("M. Sousa", "Marta Sousa")
    assert not same_person("Melania Trump", "Donald Trump")


def test_a_birthplace_is_the_subjects_only_when_the_subject_leads() -> None:
    cs = claim_slots("Donald Trump was born in New York City.")
    wife = ("Melania Trump, née Melania Knauss (born April 26, 1970, Novo Mesto, Yugoslavia [now in Slovenia]), "
            "the wife of Donald Trump.")
    assert align(cs, _rp(wife)).contradictions == {}
    # a place inside the claim's ("Queens, New York" may be in New York City) is no other place
    assert align(cs, _rp("Donald Trump was born on June 14, 1946, in Queens, New York.")).contradictions == {}
    lisbon = claim_slots("Tomás Serrano was born in Lisbon.")
    al = align(lisbon, _rp("Tomás Serrano (born 3 May 1961 in Évora) is a politician."))
    assert [m.other for m in al.contradictions.values()] == ["Évora"]


def _sentence(text: str) -> Sentence:
    return Sentence(0, len(text), text, text.lower(), normalize_for_match(text), extract_numbers(text), subject=True)


def test_a_value_given_for_another_named_thing_is_that_things() -> None:
    sent = _sentence("It raised 50 million dollars in a Series A round and 120 million dollars in a Series B round.")
    assert [(n.text, tag) for n, tag in named_values(sent)] == [
        ("50 million dollars", "Series A"), ("120 million dollars", "Series B")]


def test_a_chinese_subject_ends_before_what_is_counted_of_it_or_its_office() -> None:
    assert claim_slots("云岭能源员工约3200人。").subject == "云岭能源"
    assert claim_slots("云岭能源2023年发电量为48亿千瓦时。").subject == "云岭能源"
    assert claim_slots("恒远集团董事长为邓力。").subject == "恒远集团"


@pytest.mark.parametrize(
    ("claim", "clause", "word"),
    [
        ("Veltrix was approved by the FDA in 2019.", "The FDA rejected Veltrix in 2019", "reject"),
        ("The team won the final.", "The team lost the final", "lost"),
        ("该药于2019年获得批准。", "2019年该药申请被驳回", "驳回"),
        # the claim's own verb in the clause, or no opposite at all: nothing to say
        ("Veltrix was approved by the FDA in 2019.", "The FDA approved Veltrix in 2019", None),
        ("Veltrix was approved in 2019.", "Veltrix was approved in 2019 after a long review", None),
    ],
)
def test_the_opposite_deed(claim: str, clause: str, word: str | None) -> None:
    assert lexicon.opposite_of(claim, clause) == word


def test_a_qualified_post_or_another_rank_is_another_post() -> None:
    cs = claim_slots("Hedda Voss is a professor at Yale University.")
    yale = _slot(cs, "name", "Yale University")
    sent = _sentence("In 2010 she was a visiting professor at Yale University; she is a professor at Heidelberg.")
    assert slot_in(yale, sent, cs) == (True, "visiting professor")
    visiting = claim_slots("Hedda Voss was a visiting professor at Yale University.")
    assert slot_in(_slot(visiting, "name", "Yale University"), sent, visiting) == (True, None)
    assert present_post("she is a professor at Heidelberg") and present_post("现任复旦大学教授")
    assert not present_post("In 2010 she was a visiting professor at Yale")
    chair = claim_slots("陆子昂曾担任ACL 2021程序委员会主席。")
    member = _sentence("他曾担任ACL 2021程序委员会委员。")
    assert slot_in(_slot(chair, "name", "ACL"), member, chair) == (True, "委员")


def test_recipients_listed_by_year() -> None:
    assert listed_recipients("Recipients:\n\n- 2019: Sara Lindgren\n- 2020: Tomasz Wolski\n") == {
        2019: "Sara Lindgren", 2020: "Tomasz Wolski"}
    assert listed_recipients("历届获奖者：2019年，周宁；2020年，何嘉。") == {2019: "周宁", 2020: "何嘉"}


@pytest.mark.parametrize(
    ("text", "frame"),
    [
        ("Brisa Labs raised 100 million euros", "raised"),
        ("It was valued at 1 billion euros", "valued"),
        ("Revenue reached 2.1 billion euros", "revenue"),
        ("海澜科技估值超过10亿元", "valued"),
        ("The museum has 300 rooms", None),
    ],
)
def test_what_an_amount_of_money_is(text: str, frame: str | None) -> None:
    assert money_frame(text, extract_numbers(text)[0].start) == frame


def test_a_sentence_on_the_firms_page_is_about_the_firm() -> None:
    cs = claim_slots("Kari Lund was appointed chief executive of Halvorsen Foods in 2018.")
    page = "Kari Lund was appointed chief executive in 2016."
    al = align(cs, _rp(page, title="Halvorsen Foods"))
    assert [m.other for m in al.contradictions.values()] == ["2016"]
    # another firm in the sentence, or another word for the relation: not the page's firm
    assert align(cs, _rp("Kari Lund was appointed chief executive of Nordvik in 2016.",
                         title="Halvorsen Foods")).contradictions == {}
    joined = claim_slots("Kari Lund joined Halvorsen Foods in 2016.")
    assert align(joined, _rp(page, title="Halvorsen Foods")).status(_slot(joined, "name", "Halvorsen Foods")) != BOUND
    assert lexicon.same_relation_word("She joined X in 2010.", "She joins Y.", "employment")
    assert not lexicon.same_relation_word("She joined X in 2010.", "She was appointed in 2016.", "employment")


def test_a_chinese_clause_led_by_another_firm_owns_its_figure() -> None:
    cs = claim_slots("恒远物流营业收入为50亿元。")
    al = align(cs, _rp("恒远集团2022年营业收入为50亿元，其子公司恒远物流营业收入为20亿元。"))
    assert [m.other for m in al.contradictions.values()] == ["20亿元"]
    # the firm's own clause (公司 is no other name)
    own = claim_slots("恒远物流营业收入为20亿元。")
    assert align(own, _rp("恒远物流是一家物流公司。公司营业收入为20亿元。")).contradictions == {}


def test_an_active_deed_names_its_doer_first() -> None:
    assert claimed_deed(claim_slots("The Nordic Climate Council organised the Nordhavn Energy Summit 2023."))[:2] == (
        "organised", ["Nordic Climate Council"])
    assert claimed_deed(claim_slots("华岳控股收购了星桥数据。"))[:2] == ("收购", ["华岳控股"])


def test_another_employer_in_the_claims_years() -> None:
    cs = claim_slots("Orla Byrne was a researcher at Google Research from 2005 to 2011.")
    al = align(cs, _rp("Orla Byrne is a computer scientist. Before that she was a researcher at IBM Research "
                       "from 2005 to 2011."))
    assert [m.other for m in al.contradictions.values()] == ["IBM Research"]
    # another period is another job
    assert align(cs, _rp("Orla Byrne was a researcher at IBM Research from 2012 to 2015.")).contradictions == {}


def test_a_degree_is_no_owner_of_a_count() -> None:
    cs = claim_slots("Orla Byrne has supervised 32 PhD students.")
    al = align(cs, _rp("Orla Byrne is a professor. She has supervised 23 PhD students."))
    assert [m.other for m in al.contradictions.values()] == ["23"]


def test_chinese_ranks_employers_and_qualified_counts() -> None:
    rank = claim_slots("顾明哲以第一完成人身份获得2020年度国家科学技术进步奖二等奖。")
    assert any(sl.kind == "number" and sl.text == "第一" and not sl.minor for sl in rank.slots)
    job = claim_slots("顾明哲2009年至2014年任职于阿里巴巴。", chinese_evidence=True)
    al = align(job, _rp("顾明哲，浙江大学教授。2009年至2014年任职于腾讯，2014年加入浙江大学。"))
    assert "腾讯" in [m.other for m in al.contradictions.values()]
    papers = claim_slots("顾明哲已发表SCI论文100余篇。")
    al = align(papers, _rp("顾明哲是浙江大学教授，已发表SCI论文50余篇。"))
    assert [m.other for m in al.contradictions.values()] == ["50"]


def test_no_quote_supports_a_birthplace_it_does_not_state() -> None:
    judged = _judge("Lucía Ferrer was born in Valencia.",
                    ["Lucía Ferrer is the founder of Brisa Labs, a battery start-up based in Valencia."])
    assert judged.verdict.label == Label.UNVERIFIABLE
    assert all(e.stance != Stance.SUPPORTS for e in judged.evidence)


def test_a_chinese_post_in_a_field_is_found_in_english() -> None:
    cs = claim_slots("Elena Marchetti 现任物理学教授。")
    post = _slot(cs, "name", "物理学教授")
    assert "professorofphysics" in post.forms and "physicsprofessor" in post.forms


def test_what_a_percentage_change_is_of() -> None:
    text = "Norvale Energy said on Tuesday that its revenue rose 12 percent, while net profit fell 8 percent."
    nums = extract_numbers(text)
    assert changed(text, nums[0].start) == {"revenue"}
    assert changed(text, nums[1].start) == {"net", "profit"}
    assert changed("A 35 percent share", 2) == set()


def test_a_designation_makes_another_subject() -> None:
    # the document is about Kepler-452b; a claim about the Kepler telescope is not
    assert claim_slots("The Kepler space telescope's principal investigator was Natalie Batalha.",
                       "Kepler-452b").subject == "Kepler"
    assert claim_slots("Kepler-452b orbits its star every 385 days.", "Kepler-452b").subject == "Kepler-452b"


# --- keyword stuffing --------------------------------------------------------------------------


@pytest.mark.parametrize(
    "claim",
    [
        "Jack Rae worked at DeepMind.",
        "Jack Rae worked on Gemini at DeepMind.",
        "Jack Rae worked on Gopher.",
    ],
)
def test_a_stuffed_heading_binds_nothing(claim: str) -> None:
    cs = claim_slots(claim)
    assert cs.subject == "Jack Rae" and cs.core
    for text in (STUFFED, STUFFED + "\n\n" + DISTRACTORS[0]):
        al = align(cs, _rp(text))
        assert al.sentences[0].list_like
        assert all(al.status(s) != BOUND for s in cs.slots)
        assert all(al.status(s) == UNBOUND for s in cs.core)  # mentioned, not stated
        assert al.binds_all(cs) is None
    assert align(cs, _rp(STUFFED)).list_like


def test_a_stuffed_heading_never_confirms_a_claim() -> None:
    j = _judge("Jack Rae worked at DeepMind.", [STUFFED, *DISTRACTORS])
    assert j.verdict.label not in (Label.TRUE, Label.MOSTLY_TRUE, Label.PARTLY_TRUE)
    assert all(e.stance != Stance.SUPPORTS for e in j.evidence)


# --- list items under a heading ----------------------------------------------------------------


def test_a_list_item_binds_what_its_heading_says() -> None:
    passage = f"The outstanding paper awards of NeurIPS 2022 went to these papers.\n\n- {PAPER}\n- Other paper"
    cs = claim_slots(f"{PAPER} won an outstanding paper award at NeurIPS 2022.", PAPER)
    assert cs.subject == PAPER
    venue, year = _slot(cs, "name", "NeurIPS 2022"), _slot(cs, "number")
    al = align(cs, _rp(passage))
    assert not al.sentences[0].subject  # the heading is not about the paper
    assert 1 in al.item_frames and "neurips 2022" in al.item_frames[1]
    assert al.matches[venue.key].status == BOUND and al.matches[venue.key].sentence == 1
    assert al.matches[year.key].status == BOUND and al.matches[year.key].sentence == 1
    assert al.binds_all(cs) == 1


def test_a_list_at_the_start_of_a_passage_takes_its_intro_from_before() -> None:
    items = f"- {PAPER}\n- Other paper"
    intro = "Some context first. The outstanding paper awards of NeurIPS 2022 went to these papers."
    cs = claim_slots(f"{PAPER} won an outstanding paper award at NeurIPS 2022.", PAPER)
    venue, year = _slot(cs, "name", "NeurIPS 2022"), _slot(cs, "number")

    alone = align(cs, _rp(items))
    assert alone.status(venue) != BOUND and alone.status(year) != BOUND

    led = align(cs, _rp(items), before=intro)
    assert led.status(venue) == BOUND and led.status(year) == BOUND
    assert led.matches[venue.key].sentence == 0
    assert "neurips 2022" in led.item_frames[0]

    # the heading binds only what it says
    other = claim_slots(f"{PAPER} won an outstanding paper award at ICML 2021.", PAPER)
    al = align(other, _rp(items), before=intro)
    assert all(al.status(s) != BOUND for s in other.core)


# --- aliases -----------------------------------------------------------------------------------


ALIAS_SENTENCE = 'The work appeared at NeurIPS 2022 under the title "An empirical analysis of X".'


def test_alias_statements_find_the_title() -> None:
    text = "Chinchilla is a model. " + ALIAS_SENTENCE + " It was cited widely."
    assert alias_statements(text) == [("An empirical analysis of X", ALIAS_SENTENCE)]
    assert alias_statements("The work appeared at NeurIPS 2022.") == []


def test_link_aliases_needs_the_same_source_to_speak_of_the_name() -> None:
    names = ["Chinchilla Scaling Laws", "NeurIPS", "NeurIPS 2022"]
    stating = _rp(ALIAS_SENTENCE, 0, url="https://a.org/paper")
    same_source = _rp(
        "Chinchilla is a 70B model trained by DeepMind.", 1, url="https://a.org/paper"
    )
    other_source = _rp(
        "Chinchilla is a 70B model trained by DeepMind.", 2, url="https://b.org/news"
    )

    links = link_aliases(names, [stating, same_source])
    assert [(lk.name, lk.alias, lk.passage) for lk in links] == [
        ("Chinchilla Scaling Laws", "An empirical analysis of X", 0)
    ]
    assert links[0].quote == ALIAS_SENTENCE
    # the venue named in the statement itself is never tied to the title
    assert not any(lk.name.startswith("NeurIPS") for lk in links)
    # "Chinchilla" only in another source, or nowhere: no link
    assert link_aliases(names, [stating, other_source]) == []
    assert link_aliases(names, [stating]) == []


# --- the judge end to end ----------------------------------------------------------------------


def test_curie_physics_1911_is_false_with_a_refuting_quote_first() -> None:
    j = _judge("Marie Curie won the Nobel Prize in Physics in 1911.", [CURIE_BIO, *DISTRACTORS])
    assert j.verdict.label == Label.FALSE
    assert j.evidence and j.evidence[0].stance == Stance.REFUTES
    assert j.evidence[0].quote in CURIE_BIO
    assert "1903" in j.evidence[0].quote or "Chemistry" in j.evidence[0].quote
    assert "1911" in j.verdict.rationale  # the contradicted value is named


def test_curie_chemistry_1911_is_confirmed_by_the_1911_sentence() -> None:
    j = _judge("Marie Curie won the Nobel Prize in Chemistry in 1911.", [CURIE_BIO, *DISTRACTORS])
    assert j.verdict.label in (Label.TRUE, Label.MOSTLY_TRUE)
    supports = [e for e in j.evidence if e.stance == Stance.SUPPORTS]
    assert supports and "1911" in supports[0].quote
    assert supports[0].quote in CURIE_BIO
    assert all(e.stance != Stance.REFUTES for e in j.evidence)


def test_curie_chemistry_1911_with_a_leading_year_phrase() -> None:
    bio = "Marie Curie won the Nobel Prize in Physics in 1903. In 1911 she received the Nobel Prize in Chemistry."
    j = _judge("Marie Curie won the Nobel Prize in Chemistry in 1911.", [bio, *DISTRACTORS])
    assert j.verdict.label in (Label.TRUE, Label.MOSTLY_TRUE)


@pytest.mark.parametrize(
    "claim",
    [
        "Ada Lovelace won the Nobel Prize in Chemistry in 1911.",
        "Pierre Dupont received the Nobel Prize in Physics in 1903.",
        "Ada Lovelace was born in 1815.",
    ],
)
def test_a_subject_in_no_passage_is_never_confirmed(claim: str) -> None:
    for texts in ([CURIE_BIO, *DISTRACTORS], [CURIE_BIO]):
        j = _judge(claim, texts)
        assert j.verdict.label not in (Label.TRUE, Label.MOSTLY_TRUE, Label.PARTLY_TRUE)
        assert all(e.stance != Stance.SUPPORTS for e in j.evidence)


JUDGE_CASES = [
    ("Marie Curie won the Nobel Prize in Physics in 1903.", [CURIE_BIO, *DISTRACTORS], "en", None),
    (
        "Marie Curie won the Nobel Prize in Chemistry in 1911.",
        [CURIE_BIO, *DISTRACTORS],
        "en",
        None,
    ),
    ("Marie Curie won the Nobel Prize in Physics in 1911.", [CURIE_BIO, *DISTRACTORS], "en", None),
    (
        "She received the Nobel Prize in Chemistry in 1911.",
        [CURIE_BIO, *DISTRACTORS],
        "en",
        "Marie Curie",
    ),
    ("GPT-3 has 175 billion parameters.", [GOPHER_TABLE, *DISTRACTORS], "en", None),
    ("Gopher is a 175 billion parameter language model.", [GOPHER_TABLE, *DISTRACTORS], "en", None),
    (
        "Jack Rae invented algorithmic information theory.",
        ["Algorithmic information theory was introduced by Ray Solomonoff in 1960.", *DISTRACTORS],
        "en",
        None,
    ),
    ("Jack Rae worked at DeepMind.", [STUFFED, *DISTRACTORS], "en", None),
    ("Marie Curie 于1911年获得诺贝尔化学奖。", [CURIE_BIO, *DISTRACTORS], "zh", None),
    ("Marie Curie 于1911年获得诺贝尔物理学奖。", [CURIE_BIO, *DISTRACTORS], "zh", None),
    (
        "Gopher 是 DeepMind 的一个 2800 亿参数的语言模型。",
        [
            "Gopher is a language model with 280 billion parameters trained by DeepMind.",
            *DISTRACTORS,
        ],
        "zh",
        None,
    ),
    ("Gopher 是一个 1750 亿参数的语言模型。", [GOPHER_TABLE, *DISTRACTORS], "zh", None),
    ("Marie Curie 于1911年获得诺贝尔化学奖。", DISTRACTORS, "zh", None),
]


@pytest.mark.parametrize("claim, texts, lang, subject", JUDGE_CASES)
def test_judge_quotes_confidence_and_rationale(
    claim: str, texts: list[str], lang: str, subject: str | None
) -> None:
    j = _judge(claim, texts, lang=lang, subject=subject)
    v = j.verdict
    assert v.rationale.strip()
    key = claim_slots(claim, subject).key
    for e in j.evidence:
        assert any(e.quote in t for t in texts)  # verbatim
        if e.stance == Stance.SUPPORTS and key is not None:
            assert _states_value(e.quote, key), (e.quote, key.text)
    if v.label in (Label.TRUE, Label.MOSTLY_TRUE):
        assert any(e.stance == Stance.SUPPORTS for e in j.evidence)
    if lang == "zh":
        assert v.rationale.endswith("。")
        assert ". " not in v.rationale and not v.rationale.endswith(".")


def test_chinese_verdicts_agree_with_the_english_ones() -> None:
    true_zh = _judge("Marie Curie 于1911年获得诺贝尔化学奖。", [CURIE_BIO, *DISTRACTORS], lang="zh")
    false_zh = _judge(
        "Marie Curie 于1911年获得诺贝尔物理学奖。", [CURIE_BIO, *DISTRACTORS], lang="zh"
    )
    assert true_zh.verdict.label in (Label.TRUE, Label.MOSTLY_TRUE)
    assert false_zh.verdict.label == Label.FALSE
    assert false_zh.evidence[0].stance == Stance.REFUTES
    assert "与证据不符" in false_zh.verdict.rationale


def test_no_passages_is_unverifiable() -> None:
    j = _judge("Marie Curie won the Nobel Prize in Physics in 1911.", [])
    assert j.verdict.label == Label.UNVERIFIABLE and not j.evidence
    assert "no source" in j.verdict.rationale.lower()  # says why, rather than guessing


def test_a_lone_capital_is_no_owner_of_an_amount() -> None:
    """"2021年，公司完成4亿元B轮融资": the amount is the company's (the sentence's subject), not
    "B"'s; "By 2023 it employed about 350 people": not "By"'s."""
    from veracity.evidence.numbers import extract_numbers
    from veracity.judge.owners import owner_of

    cs = claim_slots("星云科技完成了4亿元B轮融资。", "星云科技")
    sent = "2021年，公司完成4亿元B轮融资。"
    amount = next(n for n in extract_numbers(sent) if "亿" in n.text)
    assert owner_of(sent, amount, cs) is None
    cs = claim_slots("Orbit Labs employed about 350 people in 2023.", "Orbit Labs")
    sent = "By 2023 it employed about 350 people."
    count = next(n for n in extract_numbers(sent) if n.text.startswith("350"))
    assert owner_of(sent, count, cs) is None


def test_another_event_with_the_same_names_is_no_contradiction() -> None:
    """A sentence about another event with the claim's names ("impressed the Cavalry FC staff
    … in 2018") does not contradict "signed with Cavalry FC in 2019"; a parenthetical sentence
    with another organisation's amount is not the subject's."""
    signed = _judge(
        "Niko Ross signed with Cavalry FC on January 23, 2019.",
        ["Niko Ross impressed the Cavalry FC coaching staff at a camp in the fall of 2018."],
        subject="Niko Ross",
    )
    assert signed.verdict.label not in (Label.FALSE, Label.MISATTRIBUTED)
    from veracity.judge.owners import owner_of

    cs = claim_slots("Ada Lark donated $2 million to the fund.", "Ada Lark")
    sent = "(WME, the agency that represents her, also donated $500,000.)"
    amount = next(n for n in extract_numbers(sent) if "500" in n.text)
    assert owner_of(sent, amount, cs) == "WME"


def test_a_version_number_is_part_of_a_name() -> None:
    from veracity.judge.slots import same_name

    assert not same_name("Orion-6", "Orion-7") and not same_name("GPT-3", "GPT-4")
    assert same_name("GPT-4", "GPT-4 Turbo") and same_name("Jack Rae", "Jack W. Rae")


def test_a_count_in_a_clause_without_a_name_belongs_to_the_name_of_the_clause_before() -> None:
    from veracity.evidence.numbers import extract_numbers
    from veracity.judge.owners import owner_of
    from veracity.judge.slots import claim_slots

    cs = claim_slots("Orion-7 has 13 billion parameters.")
    sent = "Its predecessor, Orion-6, had 13 billion parameters."
    count = next(n for n in extract_numbers(sent) if n.kind == "count")
    assert owner_of(sent, count, cs) == "Orion-6"
    sent = "Chinchilla, trained by DeepMind, is a model with 70 billion parameters."
    count = next(n for n in extract_numbers(sent) if n.kind == "count")
    assert owner_of(sent, count, claim_slots("Chinchilla has 70 billion parameters.")) == "Chinchilla"


def test_a_chinese_name_with_a_version_is_the_claims_subject_and_its_siblings_own_their_counts() -> None:
    from veracity.evidence.numbers import extract_numbers
    from veracity.judge.owners import owner_of
    from veracity.judge.slots import claim_slots

    cs = claim_slots("星河-3的参数量为130亿。")
    assert cs.subject == "星河-3" and [s.text for s in cs.slots] == ["130亿"]
    sent = "其前代模型星河-2的参数量为130亿。"
    count = next(n for n in extract_numbers(sent) if n.kind == "count")
    assert owner_of(sent, count, cs) == "星河-2"
    assert claim_slots("云帆科技由王强创立。").subject == "云帆科技"


def test_a_sentence_going_on_about_the_topic_with_a_generic_noun() -> None:
    from veracity.judge.owners import starts_with_anaphor

    assert starts_with_anaphor("截至2023年，公司员工约350人。")
    assert starts_with_anaphor("该公司完成了B轮融资。")
    assert starts_with_anaphor("By 2023 the company employed about 350 people.")
    assert not starts_with_anaphor("2021年，星河科技完成融资。")
    assert not starts_with_anaphor("Acme Corp employed 350 people.")


def test_role_holders_read_the_perfect_tense_too() -> None:
    from veracity.judge.credit import role_holders

    assert role_holders("Jonas Berg has been chief executive since 2011.") == [("chief executive", "Jonas Berg")]
    assert role_holders("Mette Larsen has served as chief executive since 2011.") == [
        ("chief executive", "Mette Larsen")]
    assert role_holders("Priya Nair is the chief executive of Orbit Labs.") == [("chief executive", "Priya Nair")]



def test_speakers_of_quotations_in_both_languages() -> None:
    from veracity.judge.credit import speakers

    assert speakers('Clara Mendes said that "the window is closing".') == [("Clara Mendes", "the window is closing")]
    assert speakers("王军表示：“改革没有回头路。”") == [("王军", "改革没有回头路。")]
    assert speakers("The window is closing, experts say.") == []


def test_a_generic_firm_noun_and_its_verb_own_no_count() -> None:
    """「公司目前拥有」员工约320人 is the firm the page is about, not another firm's name."""
    from veracity.judge.owners import owner_of

    cs = claim_slots("青岚生物拥有员工约320人。")
    sent = "公司目前拥有员工约320人，其中研发人员占60%。"
    count = next(n for n in extract_numbers(sent) if n.kind == "count")
    assert owner_of(sent, count, cs) is None
    sent = "其子公司恒远物流员工约320人。"
    count = next(n for n in extract_numbers(sent) if n.kind == "count")
    assert owner_of(sent, count, cs) == "恒远物流"
    assert _judge("青岚生物拥有员工约3200人。", [sent.replace("其子公司恒远物流", "青岚生物") + " 公司目前拥有员工约320人。"],
                  lang="zh").verdict.label == Label.FALSE


def test_words_reported_as_said_by_another_speaker_are_misattributed() -> None:
    """A one-word agent ("AeroNed said …") and plain reported words, without an amount."""
    page = "In March 2023 chief executive Pieter de Wit said the company would double its factory space."
    j = _judge("AeroNed said the company would double its factory space.", [page])
    assert j.verdict.label == Label.MISATTRIBUTED
    assert "Pieter de Wit" in j.verdict.rationale
    right = _judge("Pieter de Wit said the company would double its factory space.", [page]).verdict.label
    assert right not in (Label.MISATTRIBUTED, Label.FALSE, Label.UNVERIFIABLE)
    # a sentence that starts with a pronoun names no agent
    assert _judge("It said the company would double its factory space.", [page]).verdict.label != (
        Label.MISATTRIBUTED)


def test_a_rank_at_another_place_contradicts_and_is_quoted() -> None:
    page = "Helix Dynamics is the second-largest drone maker in the Netherlands, after AeroNed."
    j = _judge("Helix Dynamics is the largest drone maker in the Netherlands.", [page])
    assert j.verdict.label == Label.FALSE
    assert "largest ≠ second-largest" in j.verdict.rationale
    assert j.evidence and j.evidence[0].stance == Stance.REFUTES and "second-largest" in j.evidence[0].quote


def test_a_date_that_leads_the_sentence_dates_the_clause_after_it() -> None:
    zh = "2023年9月，国安智能在深圳发布了新一代工业机器人铁臂-5。"
    assert _judge("国安智能于2023年3月发布了铁臂-5。", [zh], lang="zh").verdict.label == Label.FALSE
    assert _judge("国安智能于2023年9月发布了铁臂-5。", [zh], lang="zh").verdict.label in (Label.TRUE, Label.MOSTLY_TRUE)
    en = "In September 2021, Marisol Quintero launched the Humboldt Kelp Survey."
    assert _judge("Marisol Quintero launched the Humboldt Kelp Survey in March 2021.", [en]).verdict.label == Label.FALSE


def test_a_chinese_versioned_name_starts_after_the_words_that_lead_to_it() -> None:
    assert "铁臂-5" in anchors_of("国安智能于2023年9月发布了铁臂-5。")
    assert not any(a.startswith("月") for a in anchors_of("国安智能于2023年9月发布了铁臂-5。"))
    assert "星河-3" in anchors_of("星河-3的参数量为130亿。")


def test_a_financing_round_has_one_lead_investor() -> None:
    page = ("Lumora said it had raised $40 million in a Series B round led by Northwind Capital, "
            "with participation from Fjord Ventures.")
    j = _judge("Lumora raised $40 million in a round led by Fjord Ventures.", [page])
    assert j.verdict.label == Label.MISATTRIBUTED and "Northwind Capital" in j.verdict.rationale
    assert _judge("Lumora raised $40 million in a round led by Northwind Capital.", [page]).verdict.label != (
        Label.MISATTRIBUTED)
    zh = "2022年，青岚生物完成了5000万美元的C轮融资，由高瓴资本领投。"
    assert _judge("青岚生物的C轮融资由红杉资本领投。", [zh], lang="zh").verdict.label == Label.MISATTRIBUTED
    # who led an institute is no deed of one agent: many lead it over the years
    assert claimed_deed(claim_slots("Marisol Quintero led the Chilean Antarctic Institute.")) is None


def test_a_place_tied_to_the_claims_thing_by_the_word_before_it() -> None:
    page = "Lumora plans to open a factory in Trondheim in 2026 that will employ 600 people."
    j = _judge("Lumora plans to open a factory in Bergen in 2026.", [page], subject="Lumora")
    assert j.verdict.label == Label.FALSE and "Bergen ≠ Trondheim" in j.verdict.rationale
    # another year's factory is another fact; a word that places nothing ("interested in") neither
    assert _judge("Lumora plans to open a factory in Bergen in 2031.", [page], subject="Lumora").verdict.label != (
        Label.FALSE)
    assert _judge("Lumora is interested in Bergen.", ["Lumora is interested in Trondheim."]).verdict.label != (
        Label.FALSE)


def test_another_spouse_contradicts_and_a_person_named_for_something_else_confirms_nothing() -> None:
    page = ("Adaeze Okoro is a Nigerian economist. She was succeeded in that role by Kofi Boateng. "
            "She is married to the architect Chidi Okoro.")
    j = _judge("Adaeze Okoro is married to Kofi Boateng.", [page])
    assert j.verdict.label == Label.FALSE and "Chidi Okoro" in j.verdict.rationale
    assert _judge("Adaeze Okoro is married to Chidi Okoro.", [page]).verdict.label == Label.TRUE
    only = _judge("Adaeze Okoro is married to Kofi Boateng.", ["Adaeze Okoro was succeeded by Kofi Boateng."])
    assert only.verdict.label == Label.UNVERIFIABLE
    # a second marriage names the claim's spouse too: no contradiction
    twice = "Adaeze Okoro was married to Kofi Boateng from 1999 to 2004. She is married to Chidi Okoro."
    assert _judge("Adaeze Okoro was married to Kofi Boateng.", [twice]).verdict.label != Label.FALSE


def test_a_nationality_the_subject_is_said_to_have() -> None:
    page = "Adaeze Okoro (born 1975) is a Nigerian economist."
    j = _judge("Adaeze Okoro is Ghanaian.", [page])
    assert j.verdict.label == Label.FALSE
    assert _judge("Adaeze Okoro is Nigerian.", [page]).verdict.label != Label.FALSE
    # a name with a nationality in it says nothing of the subject's
    assert _judge("Adaeze Okoro is Ghanaian.", ["Adaeze Okoro is a professor at a Nigerian university."]
                  ).verdict.label != Label.FALSE
    assert _judge("Adaeze Okoro is Ghanaian.", ["Adaeze Okoro is a Nigerian-Ghanaian economist."]).verdict.label != (
        Label.FALSE)


def test_who_made_a_titled_work_is_confirmed_only_where_both_are_named() -> None:
    from veracity.judge.decide import maker_and_work

    assert maker_and_work(claim_slots('Kofi Boateng wrote "Markets Without Borders".'))
    assert not maker_and_work(claim_slots('Kofi Boateng wrote a book about "free trade".'))  # no title
    assert not maker_and_work(claim_slots('Discoveries of the plant "Glossopteris" supported it.'))
    pages = ['Adaeze Okoro is an economist. Her book "Markets Without Borders" (2018) won a prize.',
             "Kofi Boateng is a Ghanaian banker."]
    j = _judge('Kofi Boateng wrote "Markets Without Borders".', pages)
    assert j.verdict.label not in (Label.TRUE, Label.MOSTLY_TRUE)


def test_a_short_chinese_clause_goes_on_with_the_one_before() -> None:
    from veracity.judge.frames import clause_spans

    text = "1999年毕业于南京大学化学系，获学士学位；2005年在美国加州大学伯克利分校获得材料科学博士学位。"
    assert [text[a:b] for a, b in clause_spans(text)] == [
        "1999年毕业于南京大学化学系，获学士学位；", "2005年在美国加州大学伯克利分校获得材料科学博士学位。"]
    # a date or a word that leads on still belongs with the clause after it
    assert len(clause_spans("1911年，她获得诺贝尔化学奖。")) == 1
    assert len(clause_spans("此后，她加入谷歌。")) == 1
    assert len(clause_spans("2023年9月，国安智能发布了铁臂-5。")) == 1  # a date of any length leads
    j = _judge("孙雅琴本科毕业于南京大学化学系。", ["孙雅琴" + text], lang="zh", subject="孙雅琴")
    assert j.verdict.label in (Label.TRUE, Label.MOSTLY_TRUE)


def test_chinese_academies_spouses_and_maiden_flights() -> None:
    page = "孙雅琴2018年当选中国科学院院士。她的丈夫周建国是南京大学物理学教授。"
    assert _judge("孙雅琴2018年当选中国工程院院士。", [page], lang="zh").verdict.label == Label.FALSE
    assert _judge("孙雅琴的丈夫是王建国。", [page], lang="zh").verdict.label == Label.FALSE
    assert _judge("孙雅琴的丈夫是周建国。", [page], lang="zh").verdict.label not in (Label.FALSE, Label.UNVERIFIABLE)
    assert lexicon.spouses_of("他的妻子是一名医生。") == []
    flight = "2023年7月，星辰航天的星辰二号火箭在酒泉卫星发射中心首飞成功。"
    assert _judge("星辰二号火箭于2022年7月首飞成功。", [flight], lang="zh").verdict.label == Label.FALSE
    assert _judge("星辰二号在西昌卫星发射中心首飞。", [flight], lang="zh").verdict.label == Label.FALSE
    assert _judge("星辰二号在酒泉卫星发射中心首飞。", [flight], lang="zh").verdict.label != Label.FALSE


def test_a_deed_only_planned_or_expected_is_not_confirmed_as_done() -> None:
    from veracity.judge.decide import planned_only

    page = "Larkspur Pharmaceuticals expects to file for approval with the European Medicines Agency in 2025."
    assert planned_only("Larkspur has filed for approval.", page)
    assert not planned_only("Larkspur plans to file for approval.", page)  # the claim is a plan too
    assert not planned_only("Larkspur filed for approval.", "Larkspur filed for approval in 2024.")
    assert planned_only("星辰航天已经上市。", "星辰航天计划于2025年上市。")
    j = _judge("Larkspur Pharmaceuticals has filed for approval with the European Medicines Agency.", [page])
    assert j.verdict.label not in (Label.TRUE, Label.MOSTLY_TRUE)


def test_a_designating_number_and_the_object_of_a_change() -> None:
    page = "Larkspur said its drug QP-17 reduced migraine days by 38 percent compared with placebo in a phase 3 trial."
    assert _judge("QP-17 reduced migraine days by 38 percent in a phase 2 trial.", [page]).verdict.label == Label.FALSE
    assert _judge("QP-17 reduced migraine days by 83 percent in a phase 3 trial.", [page]).verdict.label == Label.FALSE
    assert _judge("QP-17 reduced migraine days by 38 percent in a phase 3 trial.", [page]).verdict.label in (
        Label.TRUE, Label.MOSTLY_TRUE)


def test_hearsay_confirms_nothing() -> None:
    page = "Comment by dbfan99: I heard Mina Brandt won the Turing Award last year, amazing!"
    j = _judge("Mina Brandt won the Turing Award.", [page])
    assert j.verdict.label == Label.UNVERIFIABLE and "hearsay" in j.verdict.rationale
    assert all(e.stance != Stance.SUPPORTS for e in j.evidence)  # hearsay is quoted, never as support
    zh = _judge("布兰特获得了图灵奖。", ["网上据传布兰特获得了图灵奖。"], lang="zh")
    assert zh.verdict.label not in (Label.TRUE, Label.MOSTLY_TRUE)


def test_and_with_an_auxiliary_before_a_verb_starts_a_clause() -> None:
    from veracity.judge.frames import clause_spans

    text = "She joined the museum in 2009 and was promoted to chief curator in 2015."
    assert [text[a:b].strip() for a, b in clause_spans(text)] == [
        "She joined the museum in 2009", "and was promoted to chief curator in 2015.",
    ]


def test_a_thing_of_the_subjects_placed_elsewhere_is_not_the_subject() -> None:
    from veracity.judge.owners import own_thing_elsewhere

    cs = claim_slots("The Ghent plant will employ 410 people.")
    assert own_thing_elsewhere("Its first factory, in Eindhoven, employs 410 people.", cs)
    assert not own_thing_elsewhere("Its plant in Ghent employs 240 people.", cs)
    assert not own_thing_elsewhere("Its workers earn more than the regional average.", cs)


def test_a_field_and_its_branch_do_not_contradict_but_two_fields_do() -> None:
    page = "Mirela Dobre received her PhD in microbiology from the University of Cluj in 2011."
    branch = _judge("Mirela Dobre received her PhD in biology from the University of Cluj in 2011.", [page])
    assert branch.verdict.label != Label.FALSE
    other = _judge("Mirela Dobre received her PhD in geography from the University of Cluj in 2011.", [page])
    assert other.verdict.label == Label.FALSE


def test_a_deed_credited_to_a_pronoun_is_credited_to_the_person_the_page_is_about() -> None:
    page = ("Tomas Lind is a Swedish computer scientist at KTH in Stockholm. "
            "He designed the Quartz type checker in 2010.")
    j = _judge("Ingrid Falk designed the Quartz type checker.", [page])
    assert j.verdict.label == Label.MISATTRIBUTED
    assert "Tomas Lind" in j.verdict.rationale and "to He" not in j.verdict.rationale
    own = _judge("Tomas Lind designed the Quartz type checker.", [page])
    assert own.verdict.label in (Label.TRUE, Label.MOSTLY_TRUE)


def test_a_short_clause_before_a_semicolon_ends_with_it() -> None:
    from veracity.judge.frames import clause_spans

    text = "In 2018 he co-founded Deepline, a start-up, with Sara Kim; Deepline was acquired in 2021."
    spans = [text[a:b].strip() for a, b in clause_spans(text)]
    assert spans == ["In 2018 he co-founded Deepline, a start-up, with Sara Kim;", "Deepline was acquired in 2021."]
