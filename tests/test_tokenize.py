"""CJK-aware BM25 tokens."""

from __future__ import annotations

import time

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from veracity.evidence.tokenize import (
    content_terms,
    is_number_token,
    query_tokens,
    tokenize,
)


def test_english_words_are_normalised() -> None:
    assert tokenize("DeepMind's models were trained on the GPUs") == [
        "deepmind",
        "model",
        "trained",
        "gpu",
    ]
    assert tokenize("studies classes bus analysis") == ["study", "class", "bus", "analysis"]
    assert tokenize("It's what they don't say") == ["say"]


def test_chinese_unigrams_and_bigrams() -> None:
    toks = tokenize("语言模型的参数")
    assert {"语言", "言模", "模型", "参数", "语", "模", "参"} <= set(toks)
    assert "的" not in toks
    assert "型的" not in toks and "的参" not in toks  # no bigram across a particle
    assert "一个" not in tokenize("一个模型")  # function-word bigram dropped


def test_numbers_become_shared_tokens() -> None:
    zh = set(tokenize("Gopher 是一个 2800 亿参数的语言模型"))
    en = set(tokenize("Gopher is a language model with 280 billion parameters"))
    assert zh & en == {"gopher", "#n:2.8e+11"}
    assert "#pct:10" in tokenize("增长百分之十") and "#pct:10" in tokenize("grew 10 percent")
    assert "#y:2022" in tokenize("2022年 NeurIPS") and "#y:2022" in tokenize("NeurIPS 2022")
    # a date also carries its month and year
    assert {"#d:2025-06", "#y:2025"} <= set(tokenize("Meta(2025年6月起)"))
    assert {"#d:2025-06", "#y:2025"} <= set(tokenize("joined Meta in June 2025"))


def test_versions_keep_their_name() -> None:
    assert tokenize("GPT-4 core contributor") == ["gpt", "#v:4", "core", "contributor"]
    assert tokenize("Gemini 2.5") == ["gemini", "#v:2.5"]


def test_full_width_text_is_normalised() -> None:
    assert tokenize("ＧＰＴ－４") == tokenize("GPT-4")
    assert "#y:2022" in tokenize("２０２２年")


def test_query_tokens_and_content_terms_skip_weak_unigrams() -> None:
    text = "Jack Rae 是超级智能实验室的核心成员"
    q = query_tokens(text)
    assert "超级" in q and "智能" in q and "核心" in q
    assert "超" not in q and "核" not in q
    assert set(q) <= set(tokenize(text))
    terms = content_terms(text)
    assert terms == set(q)
    assert {"jack", "rae", "实验", "成员"} <= terms
    # a lone character is kept: it is the whole word
    assert "雷" in content_terms("杰克 雷")


def test_empty_and_punctuation() -> None:
    assert tokenize("") == []
    assert tokenize("   ,。!?…") == []
    assert content_terms("the of and") == set()


def test_is_number_token() -> None:
    toks = tokenize("280 billion parameters")
    assert [t for t in toks if is_number_token(t)] == ["#n:2.8e+11"]


@pytest.mark.slow  # a performance bound, on the wall clock by nature: CI runs it with -m slow
def test_large_text_is_fast() -> None:
    para = (
        "Gopher is a 280 billion parameter model trained by DeepMind in 2021; it halved the gap "
        "to human experts on 57 tasks. Gopher 是一个 2800 亿参数的语言模型,由 DeepMind 于 2021 年 "
        "12 月发布,在百分之八十的任务上超过了此前的模型。"
    )
    text = para * (1_000_000 // len(para.encode()))
    t = time.perf_counter()
    toks = tokenize(text)
    elapsed = time.perf_counter() - t
    assert len(toks) > 100_000
    assert elapsed < 5.0, elapsed  # ~0.4 s here; the bound only catches pathological slowness


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=60))
def test_tokens_are_never_blank(text: str) -> None:
    for tok in tokenize(text):
        assert tok and tok == tok.strip() and not any(c.isspace() for c in tok)
    assert content_terms(text) <= set(tokenize(text))
