"""Numbers in claims and sources, normalised across languages, scale words and units.

``extract_numbers`` finds the quantities a fact-checker compares: "2800 亿", "280 billion" and
"280B" all become ``value=2.8e11``; "10%", "10 percent" and "百分之十" become a percent of 10;
"2022年" and "2022" become the year 2022. Each mention has a *kind*:

``count``     a plain quantity (value already multiplied out: 1.4万 → 14000, 3 million → 3e6)
``percent``   value in percentage points (10% → 10.0); ``unit`` is ``"%"``
``fraction``  a share written as a fraction (一半 / half → 0.5, 三分之一 → 0.333…)
``year``      a calendar year (2015, 2022年, 二〇二二年); value is the year
``date``      a year with a month, maybe a day. value = year + month/100 + day/10000, so
              "2025年6月" → 2025.06 and "June 12, 2025" → 2025.0612; read them back with the
              ``year`` / ``month`` / ``day`` properties instead of doing float arithmetic
``ordinal``   1st, third, 第一, 第3 → 1, 3, 1, 3
``version``   an identifier, not a quantity: GPT-4, Gemini 2.5, Qwen2, 1.0/2.0, COVID-19, 3D.
              The judge should skip these when comparing quantities.

``unit`` is set for currencies (``USD``, ``CNY``, ``EUR``, ``GBP``, ``JPY``, ``HKD``), for
percents (``"%"``), for multipliers (``"x"`` in "10x") and for units of measure, as their
dimension's base unit with the value converted ("30 km" → 30,000 ``"m"``; see
:mod:`veracity.evidence.measures`); it is ``None`` otherwise.
A month or day written without a year ("6月", "June 5") is not reported.
"""

from __future__ import annotations

import itertools
import math
import re
from collections.abc import Iterable
from dataclasses import dataclass

from veracity.evidence.measures import measure_after
from veracity.text import CJK

__all__ = [
    "NumberMention",
    "extract_numbers",
    "number_token",
    "number_tokens",
    "parse_chinese_numeral",
    "same_quantity",
]


@dataclass(frozen=True)
class NumberMention:
    """One number found in a text; ``text == source[start:end]``."""

    value: float
    kind: str  # count | percent | fraction | year | date | ordinal | version
    unit: str | None
    text: str
    start: int
    end: int

    @property
    def year(self) -> int | None:
        """The year of a ``year`` or ``date`` mention."""
        if self.kind in ("year", "date"):
            return math.floor(self.value + 1e-9)
        return None

    @property
    def month(self) -> int | None:
        """The month (1-12) of a ``date`` mention."""
        if self.kind != "date":
            return None
        return round((self.value - math.floor(self.value + 1e-9)) * 10000) // 100

    @property
    def day(self) -> int | None:
        """The day of a ``date`` mention, or ``None`` when only year and month were given."""
        if self.kind != "date":
            return None
        d = round((self.value - math.floor(self.value + 1e-9)) * 10000) % 100
        return d or None


# --- vocabularies ------------------------------------------------------------------------------


def _words(text: str) -> list[str]:
    return text.split()


def _table(keys: str, values: Iterable[float]) -> dict[str, float]:
    return dict(zip(keys.split(), values, strict=True))


_CN_DIGITS = dict(
    zip("零〇一二两三四五六七八九", (0, 0, 1, 2, 2, 3, 4, 5, 6, 7, 8, 9), strict=True)
)
_CN_SMALL = {"十": 10, "百": 100, "千": 1000}
_CN_BIG = {"万": 10_000, "亿": 100_000_000}
_CN_NUM_CHARS = "".join(_CN_DIGITS) + "".join(_CN_SMALL) + "".join(_CN_BIG)
_CN_SCALE = _table(
    "万亿 千亿 百亿 十亿 亿 千万 百万 十万 万 千 百", (10.0**e for e in range(12, 1, -1))
)
_EN_SCALE = {"thousand": 1e3, "million": 1e6, "billion": 1e9, "trillion": 1e12, "k": 1e3}
_EN_SCALE |= {"m": 1e6, "mn": 1e6, "b": 1e9, "bn": 1e9, "t": 1e12}

_CURRENCY_AFTER = {
    **dict.fromkeys(_words("美元 美金 dollar dollars usd"), "USD"),
    **dict.fromkeys(_words("元 人民币 yuan rmb cny"), "CNY"),
    **dict.fromkeys(_words("欧元 euro euros eur"), "EUR"),
    **dict.fromkeys(_words("英镑 pound pounds gbp"), "GBP"),
    **dict.fromkeys(_words("日元 yen jpy"), "JPY"),
    **dict.fromkeys(_words("港元 港币"), "HKD"),
}
_CURRENCY_BEFORE = {
    **dict.fromkeys(_words("$ us$ usd"), "USD"),
    **dict.fromkeys(_words("€ eur"), "EUR"),
    **dict.fromkeys(_words("£ gbp"), "GBP"),
    **dict.fromkeys(_words("¥ ￥ rmb cny"), "CNY"),
    "hk$": "HKD",
}

# After 一 only units of measure count (一个 / 一位 is the indefinite article "a").
_CN_MEASURE_ONE = tuple(_words("年 月 周 天 日 倍 岁 届 代 轮 期 季 小时 分钟 秒 世纪 成"))
# Classifiers that make a lone numeral (三, 两, 十) a count.
_CN_CLASSIFIERS = _CN_MEASURE_ONE + tuple(
    _words(
        "个 位 名 项 次 人 篇 本 家 所 支 种 部 场 条 座 只 件 份 套 台 辆 款 层 级 章 节 页 张 首 大 批 组 "
        "类 门 笔 元 美元 欧元 英镑 国 枚 块 颗 处"
    )
)
# Characters before a numeral that make it part of a word, not a number (之一, 统一, 唯一 …).
_CN_WORD_BEFORE = set("之统唯同逐单专万划归合守纯初")
_CN_APPROX_BEFORE = set("数几")

_EN_UNITS = _table(
    "zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen "
    "fifteen sixteen seventeen eighteen nineteen",
    range(20),
)
_EN_TENS = _table("twenty thirty forty fifty sixty seventy eighty ninety", range(20, 100, 10))
_EN_BIG = {"hundred": 100, "thousand": 1e3, "million": 1e6, "billion": 1e9, "trillion": 1e12}
_EN_ORDINALS = _table(
    "first second third fourth fifth sixth seventh eighth ninth tenth eleventh twelfth "
    "twentieth hundredth",
    (*range(1, 13), 20, 100),
)
_MONTHS = _table("jan feb mar apr may jun jul aug sep oct nov dec", range(1, 13))

# Capitalised words that precede a quantity rather than name a product ("About 70", "In 2015").
_NOT_NAMES = set(
    _words(
        """a about above after again all almost also an and approximately around as at before
        below between but by circa during each every exactly few for from just last least less
        more most nearly next of only or over past per roughly since some than the these this
        those through til till to top under until up with within without in on is was are were
        has had have he she it they we i you his her their our its my your be been being
        estimated total totally spring summer autumn fall winter early late mid ca january
        february march april june july august september october november december jan feb mar
        apr may jun jul aug sep sept oct nov dec us usd eur rmb cny gbp hk"""
    )
)
# Words that may stand before "-2023" without making it an identifier (mid-2023, pre-2020).
_HYPHEN_PREFIXES = set(_words("mid pre post early late circa ca top over under about around"))
_HYPHEN_PREFIXES |= {"since", "by", "in", "until", "non", "sub", "ex"}


# --- regular expressions -----------------------------------------------------------------------

_MONTH_RE = (
    r"(jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?"
    r"|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)"
)
_RE_ZH_DATE_AFTER = re.compile(r"\s*年\s*(\d{1,2})\s*月(?:\s*(\d{1,2})\s*[日号])?")
_RE_MONTH_BEFORE = re.compile(
    r"(?:(?<!\d)(\d{1,2})(?:st|nd|rd|th)?\s+)?\b"
    + _MONTH_RE
    + r"\.?,?\s+(?:(\d{1,2})(?:st|nd|rd|th)?,?\s+)?$",
    re.I,
)
_RE_ISO_AFTER = re.compile(r"-(\d{2})(?:-(\d{2}))?(?![\d\-])")
_RE_TIME_AFTER = re.compile(r":\d{2}(?::\d{2})?(?!\d)")
_RE_SLASH_DECIMAL_AFTER = re.compile(r"\s*/\s*\d+\.\d")
_RE_SLASH_DECIMAL_BEFORE = re.compile(r"\d\.\d+\s*/\s*$")

_CN_NUM = f"[{_CN_NUM_CHARS}]+"
_RE_CN_FRACTION = re.compile(rf"({_CN_NUM}|\d+(?:\.\d+)?)\s*分之\s*({_CN_NUM}|\d+(?:\.\d+)?)")
_RE_CN_HALF = re.compile(r"一半|减半|折半")
_RE_CN_NUMERAL = re.compile(_CN_NUM)

_RE_DIGITS = re.compile(r"(\d+)((?:[, \u00a0\u202f\u2009]\d{3}(?!\d))*)(\.\d+)?")
_RE_PERCENT_AFTER = re.compile(r"\s?(?:%|％|percent\b|per\s?cent\b|pct\b)", re.I)
_RE_CN_SCALE_AFTER = re.compile(r"\s?(万亿|千亿|百亿|十亿|亿|千万|百万|十万|万|千|百)(?!度)")
_RE_EN_SCALE_WORD = re.compile(r"\s?(thousand|million|billion|trillion|bn|mn)\b", re.I)
_RE_EN_SCALE_LETTER = re.compile(r"([kKMBT])(?![A-Za-z0-9])")
# a lower-case m or b is a scale only beside money ("$30m", "30m dollars"): "30m" alone is metres
_RE_EN_SCALE_MONEY = re.compile(r"(m|b|bn|mn)(?![A-Za-z0-9])")
_RE_CURRENCY_AFTER = re.compile(
    r"\s?(美元|美金|人民币|欧元|英镑|日元|港元|港币|元)|\s(dollars?|usd|euros?|eur|yuan|rmb|cny"
    r"|pounds?|gbp|yen|jpy)\b",
    re.I,
)
_RE_CURRENCY_BEFORE = re.compile(r"(?:US\$|HK\$|\$|€|£|¥|￥|USD|EUR|GBP|RMB|CNY)\s?$", re.I)
_CURRENCY_PREV_CHARS = set("$€£¥￥ \u00a0DdRrBbYyPp")
_RE_ORDINAL_SUFFIX = re.compile(r"(st|nd|rd|th)(?![A-Za-z])")
_RE_TIMES_SUFFIX = re.compile(r"\s?[x×](?![A-Za-z0-9])")
_RE_RANGE_SEP = re.compile(r"\s*(?:–|—|-|~|～|至|到|\bto\b|\buntil\b|\bthrough\b)\s*$", re.I)
_RE_TWO_DIGIT_YEAR = re.compile(r"\s*(?:–|—|-|~|～|至|到)\s*(\d{2})(?![\d年%.])")
_RE_MONTH_DAY_AFTER = re.compile(r"\s?[月日号]")
_RE_YEAR_SUFFIX = re.compile(r"\s?年")
_RE_DI_BEFORE = re.compile(r"第\s?$")
_RE_PREV_WORD = re.compile(r"([^\W\d_]+)[ \u00a0]$")
_RE_PREV_HYPHEN_WORD = re.compile(r"([^\W_]+)[-‐‑_:#@]$")

_EN_HALF = {"half", "halved", "halving", "halves"}
_EN_NUMWORD = "|".join([*_EN_UNITS, *_EN_TENS, *_EN_BIG])
_RE_EN_WORD = re.compile(
    r"\b(" + "|".join([*_EN_UNITS, *_EN_TENS, *_EN_BIG, *_EN_ORDINALS, *_EN_HALF]) + r")\b"
)
_RE_EN_NEXT = re.compile(rf"(?:\s+and\s+|\s+|-)({_EN_NUMWORD})\b")


# --- helpers -----------------------------------------------------------------------------------


@dataclass
class _Cand:
    start: int
    end: int
    value: float
    kind: str
    unit: str | None = None
    scale: float = 1.0  # multiplier a scale word contributed ("billion" → 1e9)
    has_suffix: bool = False


def _is_cjk(ch: str) -> bool:
    return CJK.match(ch) is not None


def _is_latin_letter(ch: str) -> bool:
    return ch.isalpha() and not _is_cjk(ch)


def parse_chinese_numeral(s: str) -> int | None:
    """Value of a Chinese numeral such as 一百二十, 两千万, 十亿, 一亿两千万; ``None`` if invalid
    (七八, 十百, 万万 …). Digit-by-digit years (二〇二二) are not numerals here."""
    if not s:
        return None
    yi_total = 0  # accumulated at the 亿 level
    wan_part = 0  # accumulated at the 万 level
    section = 0  # below 万
    digit: int | None = None
    last_small: int | None = None
    for ch in s:
        if ch in ("零", "〇"):
            if digit is not None:
                return None
            continue
        if ch in _CN_DIGITS:
            if digit is not None:
                return None
            digit = _CN_DIGITS[ch]
        elif ch in _CN_SMALL:
            mult = _CN_SMALL[ch]
            if last_small is not None and mult >= last_small:
                return None
            if digit is None:
                if (section or wan_part or yi_total) and ch != "十":
                    return None
                digit = 1
            section += digit * mult
            digit = None
            last_small = mult
        else:  # 万 / 亿
            part = section + (digit or 0)
            if ch == "万":
                if wan_part:
                    return None
                if part == 0:
                    if yi_total:
                        return None
                    part = 1
                wan_part = part * 10_000
            else:
                if part == 0 and wan_part == 0:
                    if yi_total:
                        return None
                    part = 1
                yi_total = (yi_total + wan_part + part) * 100_000_000
                wan_part = 0
            section = 0
            digit = None
            last_small = None
    return yi_total + wan_part + section + (digit or 0)


def _parse_digits(int_part: str, frac: str | None) -> float:
    cleaned = re.sub(r"[,\s\u00a0\u202f\u2009]", "", int_part)
    return float(cleaned + (frac or ""))


def _parse_any(s: str) -> float | None:
    s = s.strip()
    if not s:
        return None
    if s[0].isdigit():
        try:
            return float(s)
        except ValueError:
            return None
    v = parse_chinese_numeral(s)
    return None if v is None else float(v)


def _date_value(year: int, month: int, day: int | None) -> float | None:
    if not 1 <= month <= 12 or (day is not None and not 1 <= day <= 31):
        return None
    return round(year + month / 100 + (day or 0) / 10000, 4)


def _month_num(name: str) -> int:
    return int(_MONTHS[name[:3].lower()])


# --- passes ------------------------------------------------------------------------------------


def _fractions(text: str, out: list[_Cand]) -> None:
    for m in _RE_CN_FRACTION.finditer(text) if "分之" in text else ():
        den, num = _parse_any(m[1]), _parse_any(m[2])
        if den is None or num is None or den == 0:
            continue
        if den == 100:
            out.append(_Cand(m.start(), m.end(), num, "percent", "%"))
        elif den == 1000:
            out.append(_Cand(m.start(), m.end(), num / 10, "percent", "%"))
        else:
            out.append(_Cand(m.start(), m.end(), num / den, "fraction"))
    if "半" in text:
        for m in _RE_CN_HALF.finditer(text):
            out.append(_Cand(m.start(), m.end(), 0.5, "fraction"))


def _dates_and_times(
    text: str, start: int, end: int, int_part: str, frac: str | None, value: float
) -> _Cand | None:
    """Dates built around a 4-digit year, clock times and x.y/z.w version pairs."""
    if frac is None and len(int_part) <= 2:
        if tm := _RE_TIME_AFTER.match(text, end):
            return _Cand(start, tm.end(), 0.0, "_skip")
        return None
    if frac is not None:
        if _RE_SLASH_DECIMAL_AFTER.match(text, end) or _RE_SLASH_DECIMAL_BEFORE.search(
            text, max(0, start - 16), start
        ):
            return _Cand(start, end, value, "version")
        return None
    if len(int_part) != 4 or not 1000 <= value <= 2999:
        return None
    year = int(value)
    if zm := _RE_ZH_DATE_AFTER.match(text, end):
        v = _date_value(year, int(zm[1]), int(zm[2]) if zm[2] else None)
        return _Cand(start, zm.end(), v, "date") if v is not None else None
    if (im := _RE_ISO_AFTER.match(text, end)) and text[start - 1 : start] not in (".", "-", "/"):
        v = _date_value(year, int(im[1]), int(im[2]) if im[2] else None)
        if v is not None:
            return _Cand(start, im.end(), v, "date")
    if (
        1800 <= year <= 2100
        and text[start - 1 : start].isspace()
        and (mm := _RE_MONTH_BEFORE.search(text, max(0, start - 24), start))
    ):
        day = mm[1] or mm[3]
        v = _date_value(year, _month_num(mm[2]), int(day) if day else None)
        if v is not None:
            return _Cand(mm.start(), end, v, "date")
    return None


def _digit_numbers(text: str, out: list[_Cand]) -> None:
    pos = 0
    while m := _RE_DIGITS.search(text, pos):
        start, end = m.start(), m.end()
        int_part, frac = m[1] + m[2], m[3]
        if m[2] and len(m[1]) > 3:  # "2015 200" is two numbers, not a grouped one
            int_part, frac, end = m[1], None, m.end(1)
        value = _parse_digits(int_part, frac)
        if len(int_part) > 24:  # an identifier, not a size
            c = _Cand(start, end, value, "version")
        else:
            c = (
                _dates_and_times(text, start, end, int_part, frac, value)
                or _identifier(text, start, end, frac, value)
                or _quantity(text, start, end, int_part, frac, value)
            )
        out.append(c)
        pos = max(end, c.end)
        if c.kind == "year" and (ym := _RE_TWO_DIGIT_YEAR.match(text, c.end)):
            second = int(value) // 100 * 100 + int(ym[1])  # 2015-23
            if second > value:
                out.append(_Cand(ym.start(1), ym.end(1), float(second), "year"))
                pos = ym.end(1)


def _identifier(text: str, start: int, end: int, frac: str | None, value: float) -> _Cand | None:
    """A number that names something: glued to letters (Qwen2, H100), after "GPT-", or x.y.z."""
    prev = text[start - 1] if start else ""
    version = bool(prev) and _is_latin_letter(prev)
    if not version and start >= 2 and prev in "-‐‑_:#@":
        w = _RE_PREV_HYPHEN_WORD.search(text, max(0, start - 40), start)
        if w and (_is_latin_letter(w[1][-1]) or (prev == "-" and _is_cjk(w[1][-1]))):
            version = w[1].lower() not in _HYPHEN_PREFIXES  # GPT-4, 星河-3: a name's version
    n = len(text)
    if frac and end < n - 1 and text[end] == "." and text[end + 1].isdigit():
        version = True
        while end < n - 1 and text[end] == "." and text[end + 1].isdigit():
            end += 1
            while end < n and text[end].isdigit():
                end += 1
    return _Cand(start, end, value, "version") if version else None


def _quantity(
    text: str, start: int, end: int, int_part: str, frac: str | None, value: float
) -> _Cand:
    """A count, percent, ordinal or year, with the suffixes and currency around it."""
    plain = frac is None and int_part.isdigit()
    rest = text[end : end + 12]
    if plain and _RE_MONTH_DAY_AFTER.match(rest):
        return _Cand(start, end, value, "_skip")  # 6月 / 12日 without a year
    kind, unit, scale, suffix = "count", None, 1.0, True
    if pm := _RE_PERCENT_AFTER.match(rest):
        kind, unit, end = "percent", "%", end + pm.end()
    elif frac is None and (om := _RE_ORDINAL_SUFFIX.match(rest)):
        kind, end = "ordinal", end + om.end()
    elif tm := _RE_TIMES_SUFFIX.match(rest):
        unit, end = "x", end + tm.end()
    elif cm := _RE_CN_SCALE_AFTER.match(rest):
        scale, end = _CN_SCALE[cm[1]], end + cm.end()
    elif em := _RE_EN_SCALE_WORD.match(rest):
        scale, end = _EN_SCALE[em[1].lower()], end + em.end()
    elif lm := _RE_EN_SCALE_LETTER.match(rest):
        scale, end = _EN_SCALE[lm[1].lower()], end + lm.end()
    elif (mm := _RE_EN_SCALE_MONEY.match(rest)) and _beside_money(text, start, end + mm.end()):
        scale, end = _EN_SCALE[mm[1]], end + mm.end()
    elif (
        plain
        and len(int_part) == 4
        and 1000 <= value <= 2999
        and (ym := _RE_YEAR_SUFFIX.match(rest))
    ):
        kind, end = "year", end + ym.end()
    else:
        suffix = False
    if kind == "count" and unit is None:
        if ccm := _RE_CURRENCY_AFTER.match(text, end, end + 12):
            unit, end = _CURRENCY_AFTER[(ccm[1] or ccm[2]).lower()], ccm.end()
        if pb := _currency_before(text, start):
            unit, start = _CURRENCY_BEFORE[pb[0].strip().lower()], pb.start()
        if unit is None and (measure := measure_after(text, end)) is not None:
            unit, factor, end = measure  # "30 kilometres" → 30,000 m; "12 minutes" → 720 s
            scale, suffix = scale * factor, True
    if not suffix and end < len(text) and _is_latin_letter(text[end]):
        return _Cand(start, end, value, "version")  # 3D, 5G, 4o
    bare = kind == "count" and not suffix and unit is None
    if kind == "count" and plain and _RE_DI_BEFORE.search(text, max(0, start - 2), start):
        kind = "ordinal"
    elif bare and plain and len(int_part) == 4 and 1800 <= value <= 2100:
        if not _counted_after(text, end):
            kind = "year"
    elif bare and _after_name(text, start, frac, int_part):
        return _Cand(start, end, value, "version")
    return _Cand(start, end, value * scale, kind, unit, scale, suffix)


def _currency_before(text: str, start: int) -> re.Match[str] | None:
    """The currency sign or code right before a number that starts at ``start`` ("US$", "€")."""
    prev = text[start - 1] if start else ""
    return _RE_CURRENCY_BEFORE.search(text, max(0, start - 5), start) if prev in _CURRENCY_PREV_CHARS else None


def _beside_money(text: str, start: int, end: int) -> bool:
    """Whether a currency sign or code comes just before ``start`` or a currency word just
    after ``end``."""
    return bool(_RE_CURRENCY_AFTER.match(text, end, end + 12)) or _currency_before(text, start) is not None


def _counted_after(text: str, end: int) -> bool:
    """True when a Chinese classifier follows ("2000 人", "2048 个"), so a year-like number is a
    count."""
    rest = text[end : end + 3].lstrip()
    return rest.startswith(_CN_CLASSIFIERS) and not rest.startswith(("年", "月", "日", "代"))


def _after_name(text: str, start: int, frac: str | None, int_part: str) -> bool:
    """True when the number follows a product-like name: "Gemini 2.5", "Llama 3"."""
    if start < 2 or text[start - 1] not in " \u00a0" or not _is_latin_letter(text[start - 2]):
        return False
    w = _RE_PREV_WORD.search(text, max(0, start - 40), start)
    if not w:
        return False
    word = w[1]
    if _is_cjk(word[-1]) or not any(c.isupper() for c in word) or word.lower() in _NOT_NAMES:
        return False
    return bool(frac) or len(int_part) <= 2


def _chinese_numerals(text: str, out: list[_Cand]) -> None:
    n = len(text)
    for m in _RE_CN_NUMERAL.finditer(text):
        s, start, end = m[0], m.start(), m.end()
        prev = text[start - 1] if start else ""
        nxt = text[end : end + 2]
        # digit-by-digit year: 二〇二二年
        if len(s) == 4 and all(c in _CN_DIGITS for c in s) and nxt[:1] == "年":
            year = int("".join(str(_CN_DIGITS[c]) for c in s))
            out.append(_Cand(start, end + 1, float(year), "year"))
            continue
        if prev in _CN_APPROX_BEFORE:
            continue
        value = parse_chinese_numeral(s)
        if value is None:
            continue
        if prev == "第":
            out.append(_Cand(start - 1, end, float(value), "ordinal"))
            continue
        if prev in _CN_WORD_BEFORE or s[0] in _CN_BIG:
            continue  # 之一, 统一, 万一
        has_scale = any(c in _CN_SMALL or c in _CN_BIG for c in s)
        if len(s) == 1:
            if s in "百千万亿":
                continue
            allowed = _CN_MEASURE_ONE if s == "一" else _CN_CLASSIFIERS
            if not nxt.startswith(allowed):
                continue
        elif not has_scale:
            continue
        elif s == "千万" and nxt[:1] and nxt[:1] in "不别要莫记小注":
            continue  # 千万不要: "by all means"
        unit = None
        end2 = end
        if (cm := _RE_CURRENCY_AFTER.match(text, end, min(n, end + 4))) and cm[1]:
            unit, end2 = _CURRENCY_AFTER[cm[1]], cm.end()
        out.append(_Cand(start, end2, float(value), "count", unit, has_suffix=has_scale))


def _english_words(text: str, out: list[_Cand]) -> None:
    low = text.lower()
    if len(low) != len(text):  # a few characters change length when lower-cased
        low = "".join(c.lower() if len(c.lower()) == 1 else c for c in text)
    skip_until = -1
    for m in _RE_EN_WORD.finditer(low):
        start, end, w = m.start(), m.end(), m[1]
        if start < skip_until:
            continue
        if w in _EN_ORDINALS:
            out.append(_Cand(start, end, float(_EN_ORDINALS[w]), "ordinal"))
            continue
        if w in _EN_HALF:
            out.append(_Cand(start, end, 0.5, "fraction"))
            continue
        words = [w]
        while nm := _RE_EN_NEXT.match(low, end):
            words.append(nm[1])
            end = nm.end()
        skip_until = end
        if (
            words[0] in _EN_BIG
            and low[max(0, start - 2) : start] == "a "
            and not low[start - 3 : start - 2].isalpha()
        ):
            start -= 2
            words.insert(0, "one")
        if words in (["one"], ["zero"]) or all(x in _EN_BIG for x in words):
            continue
        value = _parse_en_words(words)
        if value is not None:
            out.append(
                _Cand(start, end, value, "count", has_suffix=any(x in _EN_BIG for x in words))
            )


def _parse_en_words(words: list[str]) -> float | None:
    total = 0.0
    current = 0.0
    last: str | None = None
    for w in words:
        if w in _EN_UNITS or w in _EN_TENS:
            if last in _EN_UNITS or (last in _EN_TENS and w in _EN_TENS):
                return None
            current += _EN_UNITS.get(w, _EN_TENS.get(w, 0))
        elif w == "hundred":
            current = (current or 1) * 100
        else:
            total += (current or 1) * _EN_BIG[w]
            current = 0
        last = w
    return total + current


def _resolve(cands: Iterable[_Cand]) -> list[_Cand]:
    """Keep non-overlapping candidates, earliest first and longest at a tie."""
    chosen: list[_Cand] = []
    last_end = -1
    for c in sorted(cands, key=lambda c: (c.start, -(c.end - c.start))):
        if c.start >= last_end:
            chosen.append(c)
            last_end = c.end
    return chosen


def _propagate_ranges(text: str, cands: list[_Cand]) -> None:
    """In "10–20%" and "3-5 billion" the first number takes the second one's suffix."""
    for a, b in itertools.pairwise(cands):
        if a.kind != "count" or a.has_suffix or a.unit is not None:
            continue
        if not _RE_RANGE_SEP.search(text, a.end, b.start) or b.start - a.end > 10:
            continue
        if b.kind == "percent":
            a.kind, a.unit, a.has_suffix = "percent", "%", True
        elif b.kind == "count" and (b.scale != 1.0 or b.unit is not None):  # "3-5 billion", "20–30 km"
            a.value *= b.scale
            a.scale, a.unit, a.has_suffix = b.scale, b.unit, True


def extract_numbers(text: str) -> list[NumberMention]:
    """All number mentions in ``text``, in order, without overlaps. See the module docstring for
    the kinds and units."""
    if not text:
        return []
    cands: list[_Cand] = []
    _fractions(text, cands)
    _digit_numbers(text, cands)
    _chinese_numerals(text, cands)
    _english_words(text, cands)
    chosen = _resolve(cands)
    _propagate_ranges(text, chosen)
    return [
        NumberMention(
            value=c.value,
            kind=c.kind,
            unit=c.unit,
            text=text[c.start : c.end],
            start=c.start,
            end=c.end,
        )
        for c in chosen
        if c.kind != "_skip"
    ]


# --- comparison --------------------------------------------------------------------------------


def _fmt(value: float) -> str:
    if not math.isfinite(value):
        return "inf"
    if value == int(value) and abs(value) < 10_000:
        return str(int(value))
    return f"{value:.4g}"


def number_token(m: NumberMention) -> str:
    """Canonical token: equal for 2800亿 / 280 billion / 280B, for 10% / 百分之十, for 2022 /
    2022年, for 2025年6月 / June 2025. Counts with a currency carry it ("#n:1e+10:usd")."""
    if m.kind == "count":
        base = f"#n:{_fmt(m.value)}"
        return f"{base}:{m.unit.lower()}" if m.unit else base
    if m.kind == "percent":
        return f"#pct:{_fmt(m.value)}"
    if m.kind == "fraction":
        return f"#pct:{_fmt(round(m.value * 100, 2))}"
    if m.kind == "year":
        return f"#y:{int(m.value)}"
    if m.kind == "date":
        tok = f"#d:{m.year:04d}-{m.month:02d}"
        return f"{tok}-{m.day:02d}" if m.day else tok
    if m.kind == "ordinal":
        return f"#ord:{_fmt(m.value)}"
    return "#v:" + re.sub(r"\s+", "", m.text).lower()


def number_tokens(m: NumberMention) -> list[str]:
    """Tokens for retrieval: the canonical token plus coarser ones (a date also yields its month
    and year, a count with a currency also yields the bare count)."""
    tok = number_token(m)
    if m.kind == "count" and m.unit:
        return [tok, f"#n:{_fmt(m.value)}"]
    if m.kind == "date":
        out = [tok]
        if m.day:
            out.append(f"#d:{m.year:04d}-{m.month:02d}")
        out.append(f"#y:{m.year}")
        return out
    return [tok]


_DECIMALS = re.compile(r"\d[\d,]*\.(\d+)")


def _same_precision(a: NumberMention, b: NumberMention) -> bool:
    """Both are written with decimals, to the same place and the same scale ("49.8" and
    "48.9"; "1.52 billion" and "1.5 billion" are not): neither is a rounding of the other."""
    da, db = _DECIMALS.search(a.text), _DECIMALS.search(b.text)
    if da is None or db is None or len(da.group(1)) != len(db.group(1)):
        return False
    ta, tb = float(da.group(0).replace(",", "")), float(db.group(0).replace(",", ""))
    return ta > 0 and tb > 0 and math.isclose(a.value / ta, b.value / tb, rel_tol=1e-9)


def same_quantity(a: NumberMention, b: NumberMention, rel_tol: float = 0.02) -> bool:
    """True when two mentions state the same quantity.

    Counts compare within ``rel_tol`` (and currencies must agree when both are given); percents
    and fractions compare with each other (一半 == 50%); a year matches a year or a date in that
    year, and dates match at the coarser of the two precisions (2025年6月 == June 12, 2025).
    Ordinals compare exactly; versions only with versions of the same text.
    """
    ka, kb = a.kind, b.kind
    if {ka, kb} <= {"percent", "fraction"}:
        va = a.value if ka == "percent" else a.value * 100
        vb = b.value if kb == "percent" else b.value * 100
        return math.isclose(va, vb, rel_tol=rel_tol, abs_tol=1e-9)
    if {ka, kb} <= {"year", "date"}:
        if a.year != b.year:
            return False
        if ka == "year" or kb == "year":
            return True
        if a.month != b.month:
            return False
        return a.day is None or b.day is None or a.day == b.day
    if ka != kb:
        return False
    if ka in ("count", "percent") and a.value != b.value and _same_precision(a, b):
        return False  # "49.8 seconds" and "48.9 seconds": both exact to a tenth, so different
    if ka == "count":
        if a.unit and b.unit and a.unit != b.unit:
            return False
        return math.isclose(a.value, b.value, rel_tol=rel_tol, abs_tol=1e-9)
    if ka == "ordinal":
        return a.value == b.value
    if ka == "version":
        return number_token(a) == number_token(b)
    return math.isclose(a.value, b.value, rel_tol=rel_tol, abs_tol=1e-9)
