"""Person-name variants: the spellings the judge looks for (pure functions, no network)."""

from __future__ import annotations

import pytest

from veracity.search import names
from veracity.search.names import fold, variants

needs_pinyin = pytest.mark.skipif(not names.pinyin_available(), reason="pypinyin not installed")


def test_accents_case_and_special_letters_fold() -> None:
    assert fold("José") == "jose"
    assert fold("JOSÉ GARCÍA") == "jose garcia"
    assert fold("Łukasz") == "lukasz"
    assert fold("Straße") == "strasse"


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
    assert variants("Rae JW")[1:3] == ["J. W. Rae", "J. Rae"], "family name then initials"


def test_titles_suffixes_and_particles() -> None:
    out = variants("Dr. Jack W. Rae, PhD")
    assert out[0] == "Dr. Jack W. Rae, PhD", "the name as written comes first"
    assert out[1:3] == ["Jack W. Rae", "Jack Rae"]
    assert "L. van Beethoven" in variants("Ludwig van Beethoven")
    assert variants("José García")[1] == "J. García"
    assert variants("   ") == []


@needs_pinyin
def test_variants_of_a_chinese_name() -> None:
    out = variants("王小明")
    assert out[:3] == ["王小明", "Xiaoming Wang", "Wang Xiaoming"]
    assert {"Xiao-Ming Wang", "X. Wang"} <= set(out)
    assert variants("Wang Xiaoming")[1] == "Xiaoming Wang", "pinyin surname first is read so"


@needs_pinyin
def test_surname_readings_and_compound_surnames() -> None:
    assert names.to_pinyin("王小明") == ["wang", "xiao", "ming"]
    assert "Xiaoming Zeng" in variants("曾小明"), "曾 as a surname is Zeng, not Ceng"
    assert "Tianfang Shan" in variants("单田芳")
    assert variants("欧阳修")[1:3] == ["Xiu Ouyang", "Ouyang Xiu"]


def test_transliterated_name_variants_are_only_the_name() -> None:
    assert variants("杰克·雷") == ["杰克·雷"]
