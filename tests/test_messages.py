"""The one zh/en message catalogue (:mod:`veracity.messages`): every key in both languages with
the same fields, every key the code asks for present, and rationales worded from their parts."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

import veracity
from veracity.messages import LANGS, MESSAGES, fields, message, rationale_text, section

SRC = Path(veracity.__file__).parent


def test_every_message_has_both_languages_with_the_same_fields() -> None:
    assert len(MESSAGES) > 150
    for key, texts in MESSAGES.items():
        assert re.fullmatch(r"[a-z_]+\.[a-z_]+", key), key
        assert set(texts) == set(LANGS), key
        assert all(texts.values()), key
        assert fields(texts["zh"]) == fields(texts["en"]), key


def test_message_fills_fields_and_reads_english_for_other_languages() -> None:
    assert message("report.confidence", "zh", pct=80) == "置信度 80%"
    assert message("report.confidence", "en", pct=80) == "confidence 80%"
    assert message("report.confidence", "other", pct=80) == "confidence 80%"
    assert message("report.confidence", None, pct=80) == "confidence 80%"
    assert message("web.start", "zh") == "开始核查"
    assert message("agent.budget", "zh", detail="time") == "核查预算已用尽（time）"
    with pytest.raises(KeyError):
        message("report.no_such_key", "en")


def test_a_section_is_its_keys_without_the_prefix() -> None:
    web = section("web")
    assert web["start"] == MESSAGES["web.start"]
    assert not any("." in key for key in web)
    assert set(section("label")) == {"true", "mostly_true", "partly_true", "false", "misattributed",
                                     "unverifiable"}


def test_every_key_the_code_names_is_in_the_catalogue() -> None:
    """Literal keys (``message("judge.missing", …)``, ``("judge.bound", {...})``) in the package."""
    sections = {key.split(".")[0] for key in MESSAGES}
    named: set[str] = set()
    for path in SRC.rglob("*.py"):
        if path.name == "messages.py":
            continue
        for key in re.findall(r'"([a-z_]+\.[a-z_]+)"', path.read_text(encoding="utf-8")):
            if key.split(".")[0] in sections and key != "web.app":  # a host name in authority.py
                named.add(key)
    assert {"judge.missing", "judge.no_evidence", "agent.exhausted", "verdict.pending"} <= named
    assert named <= set(MESSAGES), named - set(MESSAGES)


def test_judge_modules_word_nothing_by_language_themselves() -> None:
    """The judge's wording comes from the catalogue: no ``if lang == "zh"`` choice of text."""
    for path in (SRC / "judge").glob("*.py"):
        text = path.read_text(encoding="utf-8")
        uses = [line for line in text.splitlines() if 'lang == "zh"' in line]
        assert all(line.strip() == 'lang = "zh" if lang == "zh" else "en"' for line in uses), (path, uses)


def test_rationale_parts_become_sentences_in_either_language() -> None:
    parts = [
        ("judge.lead_partial", {}),
        ("judge.missing", {"items": ["Carnegie Mellon", "", "Carnegie Mellon", "1999"]}),
        ("judge.contradicted", {"conflicts": ["1905 ≠ 1903", "Paris ≠ Lyon"]}),
        ("judge.credited_agents", {"name": "Pierre", "agents": ["Marie", "Irène"]}),
        ("judge.independent", {"n": 2}),
    ]
    assert rationale_text(parts, "en") == (
        "The evidence confirms only part of the claim. Not found: “Carnegie Mellon”, “1999”. "
        "Contradicted by the evidence: 1905 ≠ 1903; Paris ≠ Lyon. The evidence credits this to "
        "Pierre, not to Marie and Irène. Independent supporting sources: 2."
    )
    assert rationale_text(parts, "zh") == (
        "证据只印证了声明的一部分。未找到：「Carnegie Mellon」、「1999」。与证据不符：1905 ≠ 1903；"
        "Paris ≠ Lyon。证据将此归于Pierre，而非Marie、Irène。支持的独立信源：2 个。"
    )
    assert rationale_text([], "en") == ""
    # a value that ends a sentence itself is not given a second full stop
    assert rationale_text([("judge.credited", {"name": "X", "claimed": "Y Inc."})], "en") == (
        "The evidence credits this to X, not to Y Inc."
    )


def test_chinese_templates_use_full_width_punctuation_beside_chinese() -> None:
    """Issue 10: full-width punctuation in Chinese — no ASCII comma, colon, semicolon or
    parenthesis next to a Chinese character in a zh template."""
    ascii_by_cjk = re.compile(r"[\u4e00-\u9fff][(),:;]|[(),:;][\u4e00-\u9fff]")
    bad = {key: texts["zh"] for key, texts in MESSAGES.items() if ascii_by_cjk.search(texts["zh"])}
    assert not bad, bad
