"""One CJK constant: the compiled pattern and its character class live in ``veracity.text``, and
no other module writes the range out again."""

from __future__ import annotations

import re
from pathlib import Path

import veracity
from veracity.judge import frames
from veracity.text import CJK, CJK_CHARS

SRC = Path(veracity.__file__).parent


def test_the_pattern_matches_chinese_characters_only() -> None:
    assert CJK.pattern == f"[{CJK_CHARS}]"
    for ch in "中文㐀豈":  # unified, extension A, compatibility ideographs
        assert CJK.fullmatch(ch), ch
    for ch in "aé1か한，。·":
        assert CJK.fullmatch(ch) is None, ch
    assert frames.CJK is CJK  # the judge's test for Chinese text is the same one


def test_no_module_writes_the_range_again() -> None:
    copies = []
    for path in sorted(SRC.rglob("*.py")):
        if path == SRC / "text.py":
            continue
        for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if re.search(r"\\u4e00|\\u9fff|\\u3400|一-", line):
                copies.append(f"{path.relative_to(SRC)}:{n}")
    assert copies == []
