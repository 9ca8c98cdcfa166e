"""What a count counts, and how a claim bounds its number (veracity.judge.counts)."""

from __future__ import annotations

from veracity.judge.counts import (
    counted_words,
    counts_other_things,
    same_noun,
    within_claimed_bound,
)


def test_counted_words_read_past_possessives_and_units() -> None:
    claim = "About 58 percent of Kestrel's flights are international."
    assert counted_words(claim, claim.index(" of")) >= {"kestr", "fligh"}  # after "58 percent"
    assert counted_words("a 4-metre mirror", 3) == {"metre", "mirro"}
    assert counted_words("4 meters long", 1) == counted_words("4 metres long", 1)  # one spelling
    assert counted_words("14名博士生", 2) == {"博士"}


def test_the_same_count_of_another_thing_states_nothing() -> None:
    claim, text = "supervised 42 doctoral students", "Her department has 42 faculty members."
    assert counts_other_things(claim, claim.index("42") + 2, text, text.index("42") + 2)
    assert not counts_other_things(claim, claim.index("42") + 2, "42 new doctoral students", 2)
    # a noun in another language says nothing either way
    assert not counts_other_things("2800 亿参数", 7, "280 billion parameters", 11)


def test_nouns_in_two_languages_compare_through_the_concept_table() -> None:
    assert same_noun("参数", "param")
    assert not same_noun("参数", "token")
    assert same_noun("旅客", "passe")  # no concept known: nothing says they differ
    assert not same_noun("param", "token")


def test_a_bound_in_the_claim_holds_for_values_beyond_it() -> None:
    claim = "carried more than 12 million passengers"
    at = claim.index("12")
    assert within_claimed_bound(claim, at, 12e6, 12.4e6)
    assert not within_claimed_bound(claim, at, 12e6, 9.1e6)
    assert within_claimed_bound("fewer than 100 aircraft", 11, 100, 87)
    assert within_claimed_bound("about 400 people", 6, 400, 390)
    assert not within_claimed_bound("about 400 people", 6, 400, 300)
    assert not within_claimed_bound("exactly 400 people", 8, 400, 410)
    assert within_claimed_bound("超过1200万人次", 2, 12e6, 12.4e6)



def test_a_one_character_noun_before_a_stop_is_what_is_counted() -> None:
    from veracity.judge.counts import noun_after, same_noun

    def after(text: str, number: str) -> str | None:
        return noun_after(text, text.index(number) + len(number))

    people = after("目前员工约1200人。", "1200")
    assert people == "人" == after("约1500名，", "1500")  # people, by any classifier
    assert not same_noun(people, after("能量密度达到每公斤380瓦时，", "380"))


def test_a_chinese_clause_that_opens_with_a_time_word_names_no_owner() -> None:
    from veracity.evidence.numbers import extract_numbers
    from veracity.judge.owners import owner_of
    from veracity.judge.slots import claim_slots

    cs = claim_slots("金澜科技目前员工约1200人。")
    sent = "公司总部位于合肥，目前员工约1200人。"
    assert owner_of(sent, extract_numbers(sent)[0], cs) is None


def test_two_peaks_are_two_values_but_a_bound_holds_for_what_is_within_it() -> None:
    from veracity.judge.counts import within_claimed_bound

    claim = "winds of up to 160 km/h"
    at = claim.index("160")
    assert within_claimed_bound(claim, at, 160, 140, "winds of 140 km/h", 9)
    assert not within_claimed_bound(claim, at, 160, 140, "winds of up to 140 km/h", 15)
    under = "under 100 staff"
    assert within_claimed_bound(under, 6, 100, 87, "under 87 staff", 6)


def test_a_chinese_head_count_names_what_it_counts_before_the_number() -> None:
    from veracity.judge.counts import noun_before

    def before(text: str, number: str) -> str | None:
        at = text.index(number)
        return noun_before(text, at, at + len(number))

    assert before("学校现有在校生3.2万人，", "3.2万") != before("其中研究生1.1万人。", "1.1万")
    assert before("公司目前员工约1200人。", "1200") == "员工"
    assert before("星云科技完成了4亿元B轮融资。", "4亿元") is None  # an amount after a verb
