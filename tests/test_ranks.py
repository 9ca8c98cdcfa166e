"""Ranks a claim and a clause give the same thing (veracity.judge.ranks)."""

from __future__ import annotations

import pytest

from veracity.judge import lexicon
from veracity.judge.ranks import rank_conflict, ranks_in


@pytest.mark.parametrize(
    ("text", "place", "head"),
    [
        ("Helix is the largest drone maker", 1, "largest"),
        ("Helix is the second-largest drone maker", 2, "largest"),
        ("the 3rd largest port", 3, "largest"),
        ("the most cited paper of the year", 1, "most cited"),
        ("she was the first woman to lead it", 1, "woman"),
        ("the second author of the paper", 2, "author"),
        ("中国第二大无人机制造商", 2, "大"),
        ("中国最大的无人机制造商", 1, "大"),
        ("首位女性院长", 1, "位女"),
        ("第二位女性院长", 2, "位女"),
        ("a Series C round", 3, "funding round"),
        ("完成了5000万美元的B轮融资", 2, "funding round"),
    ],
)
def test_ranks_in(text: str, place: int, head: str) -> None:
    assert [(r.place, r.head) for r in ranks_in(text)] == [(place, head)]


@pytest.mark.parametrize(
    "text",
    ["for the first time", "in the first half of 2020", "武汉大学第十四任校长", "第二届大会", "the first round"],
)
def test_no_rank_of_a_thing(text: str) -> None:
    assert ranks_in(text) == ()


def test_another_place_for_the_same_head_conflicts() -> None:
    assert rank_conflict("Helix is the largest maker.", "Helix is the second-largest maker") == (
        "largest", "second-largest")
    assert rank_conflict("她是首位女性院长。", "她是第二位女性院长") == ("首位女", "第二位女")
    assert rank_conflict("星云完成了B轮融资。", "星云完成了C轮融资") == ("B轮", "C轮")


def test_the_same_place_another_head_or_both_places_do_not_conflict() -> None:
    assert rank_conflict("Helix is the second-largest maker.", "Helix is the second-largest maker") is None
    assert rank_conflict("Helix is the largest maker.", "Helix is the second oldest maker") is None
    # the clause gives the claim's place too ("the largest … and the second-largest …")
    assert rank_conflict("Helix is the largest maker.", "AeroNed is the largest and Helix the second-largest") is None
    assert rank_conflict("Helix is a drone maker.", "Helix is the second-largest maker") is None


def test_a_short_school_name_finds_its_full_name() -> None:
    assert lexicon.full_forms("北大", "毕业于北京大学化学系") == ["北京大学"]
    assert lexicon.full_forms("东北大学", "毕业于北京大学") == []  # 北大 inside 东北大学 is no short name
    assert lexicon.full_forms("北京大学", "毕业于北京大学") == []
