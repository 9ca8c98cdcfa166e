"""Numbers across languages, scale words, units, years, dates and identifiers."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from veracity.evidence.numbers import (
    NumberMention,
    extract_numbers,
    number_token,
    number_tokens,
    parse_chinese_numeral,
    same_quantity,
)


def only(text: str) -> NumberMention:
    """The single mention in ``text``."""
    found = extract_numbers(text)
    assert len(found) == 1, found
    return found[0]


def kinds(text: str) -> list[tuple[str, float]]:
    return [(m.kind, m.value) for m in extract_numbers(text)]


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("2800亿", 2.8e11),
        ("2800 亿", 2.8e11),
        ("280 billion", 2.8e11),
        ("280B", 2.8e11),
        ("70B", 7e10),
        ("1.4 trillion", 1.4e12),
        ("3 million", 3e6),
        ("10k", 1e4),
        ("1,000", 1000),
        ("1 000", 1000),
        ("12,345,678", 12345678),
        ("2.75", 2.75),
        ("1.4万", 14000),
        ("3千", 3000),
        ("两百", 200),
        ("百万", 1e6),
        ("千万", 1e7),
        ("十亿", 1e9),
        ("一百二十", 120),
        ("一亿两千万", 1.2e8),
        ("三位", 3),
        ("两年", 2),
        ("十年", 10),
        ("twenty-five", 25),
        ("three hundred", 300),
        ("a million", 1e6),
    ],
)
def test_counts(text: str, value: float) -> None:
    m = only(text)
    assert m.kind == "count"
    assert m.value == pytest.approx(value)
    assert text.startswith(m.text)


def test_scale_words_share_one_token() -> None:
    forms = ["2800亿", "2800 亿", "280 billion", "280B", "280 Billion"]
    tokens = {number_token(only(f)) for f in forms}
    assert len(tokens) == 1
    a, b = only("Gopher 是一个 2800 亿参数的语言模型"), only("280 billion parameters")
    assert same_quantity(a, b)
    assert not same_quantity(only("280B"), only("175B"))
    assert same_quantity(only("1.4万"), only("14,000"))
    assert same_quantity(only("100 million"), only("101 million"))  # within 2 %
    assert not same_quantity(only("100 million"), only("101 million"), rel_tol=0.001)


@pytest.mark.parametrize("text", ["10%", "10 %", "10 percent", "10 per cent", "百分之十", "10％"])
def test_percent_forms(text: str) -> None:
    m = only(text)
    assert (m.kind, m.value, m.unit) == ("percent", 10.0, "%")
    assert number_token(m) == number_token(only("10%"))


def test_percent_and_fractions() -> None:
    assert same_quantity(only("百分之十"), only("10 percent"))
    assert not same_quantity(only("百分之十"), only("百分之二十"))
    assert only("千分之五").value == pytest.approx(0.5)
    half_zh, half_en = only("缩小一半"), only("halved the gap")
    assert half_zh.kind == half_en.kind == "fraction"
    assert half_zh.value == 0.5
    assert same_quantity(half_zh, half_en)
    assert same_quantity(half_zh, only("50%"))
    assert number_token(half_zh) == number_token(only("50%"))
    third = only("三分之一")
    assert third.kind == "fraction" and third.value == pytest.approx(1 / 3)


def test_years() -> None:
    for text in ["2015", "2022年", "二〇二二年", "in 2022"]:
        m = only(text)
        assert m.kind == "year", text
    assert number_token(only("2022")) == number_token(only("2022年")) == "#y:2022"
    assert only("二〇二二年").value == 2022
    assert same_quantity(only("2022 NeurIPS"), only("2022年"))
    # a year-like number counted with a classifier is a count
    assert only("超过 2000 人").kind == "count"


@pytest.mark.parametrize(
    "text", ["2015–2023", "2015-2023", "2015 至 2023", "2015 to 2023", "2015—2023", "2015-23"]
)
def test_year_ranges(text: str) -> None:
    assert kinds(text) == [("year", 2015), ("year", 2023)]


def test_career_line_from_the_example() -> None:
    line = "DeepMind(约2015–2023),OpenAI(2023–2024),Google DeepMind(2024–2025),Meta(2025年6月起)。"
    found = extract_numbers(line)
    assert [m.kind for m in found] == ["year"] * 6 + ["date"]
    assert [m.year for m in found] == [2015, 2023, 2023, 2024, 2024, 2025, 2025]
    assert found[-1].month == 6 and found[-1].text == "2025年6月"


def test_dates() -> None:
    zh, en, iso = only("2025年6月"), only("June 2025"), only("2025-06")
    assert zh.kind == en.kind == iso.kind == "date"
    assert (zh.year, zh.month, zh.day) == (2025, 6, None)
    assert zh.value == pytest.approx(2025.06)
    assert number_token(zh) == number_token(en) == number_token(iso) == "#d:2025-06"
    full = only("June 12, 2025")
    assert (full.year, full.month, full.day) == (2025, 6, 12)
    assert only("12 June 2025").value == full.value
    assert only("2025年6月12日").day == 12
    assert same_quantity(zh, full)  # compared at the coarser precision
    assert same_quantity(only("2025"), full)
    assert not same_quantity(zh, only("July 2025"))
    assert number_tokens(full) == ["#d:2025-06-12", "#d:2025-06", "#y:2025"]
    # a month or day alone is not reported
    assert extract_numbers("6月起") == []


@pytest.mark.parametrize(
    ("text", "version"),
    [
        ("GPT-4 核心开发者之一", "4"),
        ("Gemini 2.5 的推理技术负责人", "2.5"),
        ("Qwen2.5", "2.5"),
        ("COVID-19", "19"),
        ("Llama 3 is open", "3"),
        ("Python 3.11.2", "3.11.2"),
        ("NVIDIA H100", "100"),
    ],
)
def test_versions(text: str, version: str) -> None:
    m = only(text)
    assert m.kind == "version"
    assert m.text == version


def test_version_pairs() -> None:
    found = extract_numbers("担任 Gemini 1.0/2.0 的预训练负责人")
    assert [(m.kind, m.text) for m in found] == [("version", "1.0"), ("version", "2.0")]
    assert [m.kind for m in extract_numbers("models 1.0/2.0")] == ["version", "version"]
    # a scale suffix after a name is still a size, not a version
    assert only("Chinchilla 70B").kind == "count"
    assert only("About 70 people").kind == "count"
    assert only("mid-2023").kind == "year"


@pytest.mark.parametrize(
    "text",
    [
        "之一",
        "统一",
        "唯一",
        "一个语言模型",
        "一位研究者",
        "万一",
        "十分重要",
        "千万不要",
        "one of the few",
        "百度",
        "乱七八糟",
        "数十亿",
        "at 10:30",
    ],
)
def test_words_that_are_not_quantities(text: str) -> None:
    assert extract_numbers(text) == []


def test_ordinals() -> None:
    for text, value in [
        ("1st", 1),
        ("21st", 21),
        ("第一", 1),
        ("第3名", 3),
        ("third", 3),
        ("第十二", 12),
    ]:
        m = only(text)
        assert (m.kind, m.value) == ("ordinal", value), text
    assert number_token(only("第一")) == number_token(only("first"))


def test_currencies() -> None:
    usd_en, usd_zh = only("$10 billion"), only("100亿美元")
    assert usd_en.unit == usd_zh.unit == "USD"
    assert number_token(usd_en) == number_token(usd_zh)
    assert same_quantity(usd_en, usd_zh)
    cny = only("100亿元")
    assert cny.unit == "CNY"
    assert not same_quantity(usd_zh, cny)
    assert same_quantity(usd_zh, only("10 billion"))  # a bare number matches either
    assert "#n:1e+10" in number_tokens(usd_en)


def test_ranges_share_their_suffix() -> None:
    assert kinds("10–20%") == [("percent", 10), ("percent", 20)]
    assert kinds("3-5 billion") == [("count", 3e9), ("count", 5e9)]


def test_spans_and_order() -> None:
    text = "Gopher(2021年12月)有 2800 亿参数,比 GPT-3 的 175B 多 60%,约 1.6 倍。"
    found = extract_numbers(text)
    assert [m.text for m in found] == ["2021年12月", "2800 亿", "3", "175B", "60%", "1.6"]
    for m in found:
        assert text[m.start : m.end] == m.text
    assert [m.kind for m in found] == ["date", "count", "version", "count", "percent", "count"]


def test_parse_chinese_numeral() -> None:
    assert parse_chinese_numeral("一百零五") == 105
    assert parse_chinese_numeral("四十二") == 42
    assert parse_chinese_numeral("十二") == 12
    assert parse_chinese_numeral("三千五百万") == 35_000_000
    assert parse_chinese_numeral("万亿") == 10**12
    for bad in ["七八", "十百", "万万", ""]:
        assert parse_chinese_numeral(bad) is None


def test_mismatched_kinds_are_not_the_same_quantity() -> None:
    assert not same_quantity(only("GPT-4"), only("4 models"))
    assert not same_quantity(only("第一"), only("一年"))
    assert same_quantity(only("GPT-4"), only("GPT-4"))


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet="0123456789,. -%年月亿万千百十一二两三九之分第BkMx$abcGPT", max_size=40))
def test_extraction_never_breaks(text: str) -> None:
    found = extract_numbers(text)
    last_end = 0
    for m in found:
        assert last_end <= m.start < m.end <= len(text)
        assert text[m.start : m.end] == m.text
        assert m.kind in {"count", "percent", "fraction", "year", "date", "ordinal", "version"}
        assert number_token(m).startswith("#")
        last_end = m.end


def test_huge_digit_runs_are_identifiers() -> None:
    m = only("9" * 500)
    assert m.kind == "version"
    assert number_token(only("9" * 20 + " trillion")) == "#n:1e+32"


@pytest.mark.parametrize(
    ("a", "b", "same"),
    [
        ("49.8 seconds", "48.9 seconds", False),  # both exact to a tenth: two values
        ("3.14", "3.15", False),
        ("12.4 million", "12.5 million", False),
        ("1.52 billion", "1.5 billion", True),  # a rounding of the other
        ("12.4 million", "12,400,000", True),
        ("17,468", "17,500", True),
    ],
)
def test_numbers_written_to_the_same_place_differ_when_their_digits_do(a: str, b: str, same: bool) -> None:
    assert same_quantity(extract_numbers(a)[0], extract_numbers(b)[0]) is same


# --- units of measure --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "value", "unit"),
    [
        ("a range of 30 kilometres", 30_000.0, "m"),
        ("a 30 km range", 30_000.0, "m"),
        ("1,500 metres", 1_500.0, "m"),
        ("a top speed of 90 km/h", 90.0, "km/h"),
        ("weighs 30kg", 30.0, "kg"),
        ("负载能力为25公斤", 25.0, "kg"),
        ("charges in 12 minutes", 720.0, "s"),
        ("store 410 watt-hours per kilogram", 410.0, "Wh/kg"),
        ("主镜口径为4米", 4.0, "m"),
    ],
)
def test_units_of_measure_are_read_to_their_base_unit(text: str, value: float, unit: str) -> None:
    (n,) = [m for m in extract_numbers(text) if m.kind == "count"]
    assert (n.value, n.unit) == (pytest.approx(value), unit)
    assert text[n.start : n.end] == n.text


def test_the_same_length_in_two_units_is_the_same_quantity_and_another_dimension_is_not() -> None:
    (km,) = extract_numbers("1.5 km")
    (metres,) = extract_numbers("1,500 metres")
    (speed,) = extract_numbers("1.5 km/h")
    (bare,) = extract_numbers("1.5")
    assert same_quantity(km, metres)
    assert not same_quantity(km, speed)
    assert same_quantity(km, extract_numbers("a range of 1.5 kilometres")[0])
    assert not same_quantity(bare, metres)  # 1.5 is no 1,500 m; a bare number has no unit to convert


def test_a_range_takes_the_unit_of_its_second_number_and_single_letters_are_no_units() -> None:
    low, high = extract_numbers("20–30 km")
    assert (low.value, low.unit, high.value, high.unit) == (20_000.0, "m", 30_000.0, "m")
    assert [n.unit for n in extract_numbers("he ran 10 m and lifted 5 t")] == [None, None]
    assert [n.unit for n in extract_numbers("covers 300 square kilometres")] == ["m²"]


@pytest.mark.parametrize(("text", "value", "unit"), [
    ("The studio raised $30m in its seed round.", 30e6, "USD"),
    ("a grant of £15m", 15e6, "GBP"),
    ("a US$2.5bn merger", 2.5e9, "USD"),
    ("it sold for 40m dollars", 40e6, "USD"),
    ("a $4b write-down", 4e9, "USD"),
])
def test_a_lower_case_scale_letter_beside_money_is_millions_or_billions(text: str, value: float, unit: str) -> None:
    (n,) = extract_numbers(text)
    assert (n.kind, n.value, n.unit) == ("count", value, unit)


def test_a_lower_case_m_without_money_is_no_million() -> None:
    (n,) = extract_numbers("a 30m tower")
    assert n.kind != "count" or n.value == 30  # never 30,000,000
    assert not same_quantity(n, extract_numbers("$30m")[0])
