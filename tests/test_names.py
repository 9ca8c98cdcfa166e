"""Person-name variants: same_person, name_keys, variants (pure functions, no network)."""

from __future__ import annotations

import itertools

import pytest

from veracity.search import names
from veracity.search.names import fold, informative, name_keys, same_person, variants

RAE = [
    "Jack Rae",
    "Jack W. Rae",
    "Jack William Rae",
    "J. W. Rae",
    "Rae, Jack W.",
    "RAE Jack",
    "Jack  Rae",
    "J. Rae",
    "Rae JW",
    "JW Rae",
    "rae, jack",
    "Dr. Jack W. Rae",
    "Jack W. Rae, PhD",
]

needs_pinyin = pytest.mark.skipif(not names.pinyin_available(), reason="pypinyin not installed")


@pytest.mark.parametrize(("a", "b"), list(itertools.combinations(RAE, 2)))
def test_every_written_form_of_jack_rae_matches(a: str, b: str) -> None:
    assert same_person(a, b)
    assert same_person(b, a)
    assert name_keys(a) & name_keys(b), "matching names share a key"


@pytest.mark.parametrize(
    "other", ["Jack Ryan", "James Rae", "John Rae", "Rae", "Jack", "Jack K. Ryan", "Rachel Jack"]
)
def test_different_people_do_not_match_jack_rae(other: str) -> None:
    assert not same_person("Jack Rae", other)
    assert not same_person("Jack William Rae", other)


def test_initials_are_compatible_with_any_name_of_that_letter_only() -> None:
    assert same_person("J. Rae", "James Rae")
    assert same_person("J. Rae", "Jack Rae")
    assert not same_person("James Rae", "Jack Rae")
    assert not same_person("J. K. Rae", "J. W. Rae")
    assert not same_person("Jack William Rae", "Jack Walter Rae")
    assert not same_person("K. Rae", "Jack Rae")


def test_accents_case_and_special_letters_fold() -> None:
    assert fold("José") == "jose"
    assert same_person("José García", "Jose Garcia")
    assert same_person("JOSÉ GARCÍA", "jose garcia")
    assert same_person("Łukasz Kaiser", "Lukasz Kaiser")
    assert same_person("Jürgen Schmidhuber", "J. Schmidhuber")
    assert not same_person("José García", "José Garza")


def test_particles_hyphens_and_apostrophes() -> None:
    assert same_person("Ludwig van Beethoven", "L. Beethoven")
    assert same_person("Ludwig van Beethoven", "Beethoven, Ludwig van")
    assert same_person("Jean-Pierre Serre", "J.-P. Serre")
    assert same_person("Jean-Pierre Serre", "Jean Pierre Serre")
    assert same_person("Conor O'Brien", "Conor OBrien")
    assert not same_person("Jean-Pierre Serre", "Jean-Paul Serre")


def test_homonym_numbers_are_ignored() -> None:
    assert same_person("Jack Rae 0001", "Jack W. Rae")


def test_empty_names_never_match() -> None:
    assert not same_person("", "Jack Rae")
    assert not same_person("   ", "   ")
    assert name_keys("") == set()
    assert variants("  ") == []


@needs_pinyin
@pytest.mark.parametrize(
    "latin",
    [
        "Xiaoming Wang",
        "Wang Xiaoming",
        "X. Wang",
        "Xiao-Ming Wang",
        "Xiao Ming Wang",
        "X.-M. Wang",
        "X. M. Wang",
        "WANG Xiaoming",
        "Wang, Xiaoming",
    ],
)
def test_chinese_name_matches_its_pinyin_forms(latin: str) -> None:
    assert same_person("王小明", latin)
    assert same_person("王曉明", latin), "traditional characters give the same pinyin"
    assert name_keys("王小明") & name_keys(latin)


@needs_pinyin
def test_chinese_name_negatives() -> None:
    assert not same_person("王小明", "Xiaohong Wang")
    assert not same_person("王小明", "X. M. Li")
    assert not same_person("王小红", "X. M. Wang"), "小红 is Xiao-Hong, not X. M."
    assert not same_person("王小明", "王晓明"), "homophones in characters are different names"
    assert same_person("王小明", "王小明")


@needs_pinyin
def test_surname_readings_and_compound_surnames() -> None:
    assert names.to_pinyin("王小明") == ["wang", "xiao", "ming"]
    assert same_person("曾志伟", "Zhiwei Zeng"), "曾 as a surname is Zeng, not Ceng"
    assert not same_person("曾志伟", "Zhiwei Ceng")
    assert same_person("单田芳", "Tianfang Shan")
    assert same_person("欧阳修", "Xiu Ouyang")
    assert same_person("欧阳修", "Ouyang Xiu")
    assert not same_person("欧阳修", "Yangxiu Ou")
    assert same_person("吕布", "Bu Lu"), "ü is folded to u"


def test_transliterated_foreign_name_needs_an_alias_set() -> None:
    assert not same_person("杰克·雷", "Jack Rae"), "pinyin of 杰克·雷 is not Jack Rae"
    assert same_person("杰克·雷", "杰克雷"), "the separator does not matter"
    group = {"Jack Rae", "杰克·雷"}
    assert same_person("杰克·雷", "Jack W. Rae", aliases=group)
    assert same_person("Jack William Rae", "杰克·雷", aliases=group)
    assert same_person("J. Rae", "杰克·雷", aliases=group)
    assert not same_person("杰克·雷", "Jack Ryan", aliases=group)
    assert not same_person("杰克·罗", "Jack Rae", aliases=group)


def test_initials_only_aliases_cannot_widen_a_match() -> None:
    group = {"Jack Rae", "J. Rae", "杰克·雷"}
    assert not informative("J. Rae")
    assert informative("Jack Rae") and informative("杰克·雷")
    assert not same_person("James Rae", "Jack Rae", aliases=group)
    assert not same_person("James Rae", "杰克·雷", aliases=group)


def test_name_with_a_parenthetical_alias() -> None:
    assert same_person("杰克·雷(Jack Rae)", "Jack W. Rae")
    assert same_person("杰克·雷（Jack Rae）", "杰克·雷")


def test_name_keys_format() -> None:
    keys = name_keys("Jack W. Rae")
    assert {"rae j", "rae jack", "rae jackw"} <= keys
    assert name_keys("杰克·雷") == {"杰克雷"}
    assert "rae j" in name_keys("James Rae"), "keys find candidates; they do not prove a match"


def test_variants_of_a_western_name() -> None:
    assert variants("Jack William Rae") == [
        "Jack William Rae",
        "Jack Rae",
        "Jack W. Rae",
        "J. W. Rae",
        "J. Rae",
        "Rae, Jack William",
        "Rae Jack",
    ]
    out = variants("RAE Jack")
    assert out[0] == "RAE Jack" and "Jack Rae" in out and "J. Rae" in out
    assert "Jack W. Rae" in variants("Rae, Jack W.")
    assert "J.-P. Serre" in variants("Jean-Pierre Serre")
    for v in variants("Jack William Rae"):
        assert same_person(v, "Jack William Rae")


@needs_pinyin
def test_variants_of_a_chinese_name() -> None:
    out = variants("王小明")
    assert out[:3] == ["王小明", "Xiaoming Wang", "Wang Xiaoming"]
    assert {"Xiao-Ming Wang", "X. Wang"} <= set(out)
    for v in out:
        assert same_person(v, "王小明")
    assert variants("Wang Xiaoming")[1] == "Xiaoming Wang", "pinyin surname first is read so"


def test_transliterated_name_variants_are_only_the_name() -> None:
    assert variants("杰克·雷") == ["杰克·雷"]
