"""Units of measure after a number ("30 kilometres", "90 km/h", "25公斤", "12 minutes").

A quantity with a unit is only the same as one in the same dimension: a range of 30 km is no
top speed of 30 km/h. Each unit is read to its dimension's base unit (metres, kilograms,
km/h, seconds, watts, watt-hours, bytes, hertz) with the factor that converts it, so "1.5 km"
and "1,500 metres" are the same quantity. Single letters that are also scale letters or words
("m" for million, "t", "s", "h", "g") are not read as units.
"""

from __future__ import annotations

import re
from functools import lru_cache

__all__ = ["is_measure", "measure_after"]

# unit spelling → (base unit, factor to the base unit); spellings are matched case-insensitively
_UNITS: dict[str, tuple[str, float]] = {}


def _add(base: str, factor: float, *spellings: str) -> None:
    for s in spellings:
        _UNITS[s] = (base, factor)


_add("m", 0.001, "mm", "millimetre", "millimetres", "millimeter", "millimeters", "毫米")
_add("m", 0.01, "cm", "centimetre", "centimetres", "centimeter", "centimeters", "厘米")
_add("m", 1.0, "metre", "metres", "meter", "meters", "米")
_add("m", 1000.0, "km", "kilometre", "kilometres", "kilometer", "kilometers", "公里", "千米")
_add("m", 1609.344, "mile", "miles", "mi")
_add("kg", 0.001, "gram", "grams", "克")
_add("kg", 1.0, "kg", "kilogram", "kilograms", "kilo", "kilos", "公斤", "千克")
_add("kg", 1000.0, "tonne", "tonnes", "metric tons", "吨")
_add("km/h", 1.0, "km/h", "kph", "kmh", "km per hour", "kilometres per hour", "kilometers per hour",
     "kilometres an hour", "kilometers an hour", "公里/小时", "千米/小时", "公里每小时")
_add("km/h", 1.609344, "mph", "miles per hour", "miles an hour")
_add("km/h", 3.6, "m/s", "metres per second", "meters per second", "米/秒", "米每秒")
_add("s", 1.0, "sec", "secs", "second", "seconds", "秒", "秒钟")
_add("s", 60.0, "min", "mins", "minute", "minutes", "分钟")
_add("s", 3600.0, "hr", "hrs", "hour", "hours", "小时")
_add("W", 1.0, "watt", "watts")
_add("W", 1e3, "kw", "kilowatt", "kilowatts", "千瓦")
_add("W", 1e6, "mw", "megawatt", "megawatts", "兆瓦")
_add("W", 1e9, "gw", "gigawatt", "gigawatts", "吉瓦")
_add("Wh", 1.0, "wh", "watt-hour", "watt-hours", "watt hours")
_add("Wh", 1e3, "kwh", "kilowatt-hour", "kilowatt-hours", "kilowatt hours", "千瓦时", "度电")
_add("Wh", 1e6, "mwh", "megawatt-hour", "megawatt-hours")
_add("Wh", 1e9, "gwh", "gigawatt-hour", "gigawatt-hours")
_add("Wh/kg", 1.0, "wh/kg", "watt-hours per kilogram", "watt hours per kilogram")
_add("mAh", 1.0, "mah")
_add("B", 1e3, "kb")
_add("B", 1e6, "mb")
_add("B", 1e9, "gb", "gigabyte", "gigabytes")
_add("B", 1e12, "tb", "terabyte", "terabytes")
_add("Hz", 1.0, "hz", "hertz")
_add("Hz", 1e3, "khz")
_add("Hz", 1e6, "mhz")
_add("Hz", 1e9, "ghz")
_add("°C", 1.0, "°c", "℃", "degrees celsius", "摄氏度")
_add("°F", 1.0, "°f", "℉", "degrees fahrenheit")
_add("m²", 1e6, "km²", "km2", "square kilometres", "square kilometers", "平方公里", "平方千米")
_add("m²", 1.0, "m²", "square metres", "square meters", "平方米")
_add("m²", 2.589988e6, "square miles")
_add("m²", 1e4, "hectare", "hectares", "公顷")

_ASCII_END = re.compile(r"[A-Za-z0-9²/]")


@lru_cache(maxsize=1)
def _pattern() -> re.Pattern[str]:
    spellings = sorted(_UNITS, key=len, reverse=True)
    return re.compile(r"[ \u00a0]?(" + "|".join(re.escape(s) for s in spellings) + ")", re.IGNORECASE)


def measure_after(text: str, end: int) -> tuple[str, float, int] | None:
    """(base unit, factor, where the unit ends) for the unit right after a number that ends at
    ``end``, or None. A Latin unit must end its word ("30 km", not "30 kmart")."""
    m = _pattern().match(text, end, end + 32)
    if m is None:
        return None
    unit = m.group(1)
    if unit[-1].isascii() and unit[-1].isalnum() and m.end() < len(text) and _ASCII_END.match(text, m.end()):
        return None
    base, factor = _UNITS[unit.lower()]
    return base, factor, m.end()


def is_measure(unit: str | None) -> bool:
    """``unit`` is a unit of measure's base unit (not a currency, "%" or "x")."""
    return unit is not None and any(base == unit for base, _ in _UNITS.values())
