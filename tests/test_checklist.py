"""Rule-based checklist: atomic, self-contained claims with exact spans, no model involved."""

from __future__ import annotations

import unicodedata
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from veracity.checklist import classify_claim, main_subject, split_claims
from veracity.checklist.pronouns import resolve_backref
from veracity.errors import InputError
from veracity.ingest import read_input
from veracity.text import detect_language, normalize_for_match
from veracity.types import Claim, ClaimInput, InputDocument, Span

SHARED = Path(__file__).parents[1].parent / "shared"
PROFILE = SHARED / "examples" / "jack-rae-profile.md"


def doc_of(text: str, fmt: str = "md", title: str | None = None) -> InputDocument:
    return InputDocument(
        text=text,
        language=detect_language(text),
        origin="test",
        format=fmt,  # type: ignore[arg-type]
        title=title,
    )


def assert_spans(doc: InputDocument, claims: list[Claim]) -> None:
    assert [c.id for c in claims] == [f"c{i}" for i in range(1, len(claims) + 1)]
    last = -1
    for c in claims:
        assert c.span is not None
        assert doc.text[c.span.start : c.span.end] == c.original
        assert c.original.strip() == c.original and c.original
        assert c.span.start >= last  # document order
        last = c.span.start


def find(claims: list[Claim], *words: str) -> list[Claim]:
    """Claims whose self-contained text holds every one of ``words`` (case-insensitive)."""
    return [c for c in claims if all(w.lower() in c.text.lower() for w in words)]


def only(claims: list[Claim], *words: str) -> Claim:
    hits = find(claims, *words)
    assert len(hits) == 1, (words, [c.text for c in claims])
    return hits[0]


# --- the seed profile ------------------------------------------------------------------------


@pytest.mark.shared
@pytest.mark.skipif(not PROFILE.exists(), reason="../shared is not present")
def test_jack_rae_profile_yields_the_seed_checklist() -> None:
    doc = read_input(PROFILE, max_bytes=1_000_000)
    claims = split_claims(doc)
    assert_spans(doc, claims)
    assert main_subject(doc) == "Jack Rae"
    assert all(c.language == "zh" for c in claims)
    texts = [c.text for c in claims]

    # education: Bristol, CMU and UCL, each named with the subject
    for school in ("布里斯托", "卡内基梅隆", "伦敦大学学院"):
        c = only(claims, school)
        assert c.text.startswith("Jack Rae"), c.text
        assert c.type == "education"
        assert c.context == "教育背景"
    # career timeline, as one claim about the subject
    career = only(claims, "DeepMind(约2015–2023)", "OpenAI(2023–2024)", "Meta(2025年6月起)")
    assert career.text.startswith("Jack Rae 的职业经历")
    assert career.type == "employment"
    # Gopher: 280B parameters, halved the gap; led at DeepMind
    gopher = only(claims, "Gopher", "2800 亿", "缩小一半")
    assert gopher.text.startswith("Jack Rae 在 DeepMind 主导")
    # Chinchilla proposed, and the NeurIPS best paper as a separate claim
    chinchilla = only(claims, "提出", "Chinchilla Scaling Laws")
    assert "NeurIPS" not in chinchilla.text and chinchilla.text.startswith("Jack Rae")
    neurips = only(claims, "NeurIPS", "最佳论文")
    assert "Chinchilla Scaling Laws" in neurips.text  # 该研究 resolved
    assert "该研究" not in neurips.text and neurips.original.startswith("该研究")
    assert neurips.type == "award"
    # Gemini pretraining lead and 2.5 reasoning lead
    gemini = only(claims, "Gemini 1.0/2.0", "预训练负责人", "Gemini 2.5", "推理")
    assert gemini.text.startswith("Jack Rae") and gemini.type == "role"
    # GPT-4 core developer
    gpt4 = only(claims, "GPT-4", "核心开发者")
    assert gpt4.text.startswith("Jack Rae") and "OpenAI" in gpt4.text
    # compression is intelligence
    compression = only(claims, "压缩即智能")
    assert compression.text.startswith("Jack Rae") and compression.type == "attribution"
    # recruited by Zuckerberg, and MSL core member as its own claim
    zuck = only(claims, "扎克伯格", "挖角")
    assert "Superintelligence" not in zuck.text and zuck.text.startswith("Jack Rae")
    msl = only(claims, "Meta Superintelligence Labs", "核心成员")
    assert msl.text.startswith("Jack Rae") and "扎克伯格" not in msl.text
    # the closing summary statement
    summary = only(claims, "极少数", "DeepMind", "OpenAI", "Meta")
    assert summary.type == "summary" and summary.context == "总结"
    # headings are context, never claims
    for heading in ("教育背景", "职业经历", "在 Meta", "总结", "Jack Rae 人物简介"):
        assert heading not in [c.original for c in claims]
    assert len(texts) == len(set(texts))


# --- Chinese rules without the shared folder -------------------------------------------------

ZH_PROFILE = """# 李明 人物简介

李明是一位计算机视觉研究者,长期关注图像生成。

## 教育背景
本科毕业于浙江大学计算机学院;博士毕业于香港科技大学,导师为王教授。

## 职业经历
微软亚洲研究院(2012–2016),字节跳动(2016–2020),某创业公司(2020年起)。

## 在 微软亚洲研究院 的工作
- 主导图像检索系统的研发,服务超过 1 亿用户。
- 提出《高效图像检索》方法,该方法获得 2015 年 CVPR 最佳论文提名。
- 视觉组核心成员之一,负责模型压缩。

## 近况
他于 2020 年创办了一家初创公司,现任该公司首席执行官。其公司专注于视频生成。
"""


def test_chinese_profile_rules() -> None:
    doc = doc_of(ZH_PROFILE)
    claims = split_claims(doc)
    assert_spans(doc, claims)
    assert main_subject(doc) == "李明"
    undergrad = only(claims, "浙江大学")
    assert undergrad.text.startswith("李明本科") and undergrad.type == "education"
    assert only(claims, "香港科技大学").text.startswith("李明博士")
    assert only(claims, "字节跳动").text.startswith("李明的职业经历：")
    led = only(claims, "图像检索系统")
    assert led.text.startswith("李明在微软亚洲研究院主导"), led.text
    assert led.original == "主导图像检索系统的研发,服务超过 1 亿用户。"
    proposed = only(claims, "提出")
    assert "CVPR" not in proposed.text
    award = only(claims, "CVPR")
    assert award.text.startswith("《高效图像检索》") and award.type == "award"
    member = only(claims, "核心成员之一")
    assert member.text.startswith("李明") and "是" in member.text
    founded = only(claims, "创办")
    assert founded.text.startswith("李明于 2020 年") and founded.original.startswith("他于")
    assert founded.type == "employment"
    ceo = only(claims, "首席执行官")
    assert ceo.text.startswith("李明现任") and ceo.original.startswith("现任")
    company = only(claims, "视频生成")
    assert company.text.startswith("李明的公司")


def test_comma_clause_split_only_for_back_references() -> None:
    text = "王芳是一名物理学家,目前在北京大学任教。她发表过很多论文,影响很大。"
    doc = doc_of(text, fmt="txt")
    claims = split_claims(doc)
    assert_spans(doc, claims)
    assert [c.original for c in claims] == [
        "王芳是一名物理学家",
        "目前在北京大学任教。",
        "她发表过很多论文,影响很大。",
    ]
    assert claims[1].text == "王芳目前在北京大学任教。"
    assert claims[2].text.startswith("王芳发表过")


# --- English ---------------------------------------------------------------------------------

EN_BIO = """Jane Doe

Jane Doe is a British chemist who works on catalysis. She studied chemistry at the University of \
York; she later earned a PhD at Imperial College London. Her thesis was on enzyme design. She \
joined the University of Leeds in 2015, which she left in 2021.

Career
Led the catalysis group at Leeds from 2015 to 2021.
Core member of the Royal Society of Chemistry since 2019.
Awards: Royal Society of Chemistry early-career prize (2018).
"""


def test_english_bio_with_pronouns_and_semicolons() -> None:
    doc = doc_of(EN_BIO, fmt="txt")
    claims = split_claims(doc)
    assert_spans(doc, claims)
    assert main_subject(doc) == "Jane Doe"
    assert all(c.language == "en" for c in claims)
    york = only(claims, "York")
    assert york.text == "Jane Doe studied chemistry at the University of York"
    imperial = only(claims, "Imperial")
    assert imperial.text == "Jane Doe later earned a PhD at Imperial College London."
    assert york.type == imperial.type == "education"
    assert only(claims, "thesis").text == "Jane Doe's thesis was on enzyme design."
    leeds = only(claims, "joined")
    assert leeds.text == "Jane Doe joined the University of Leeds in 2015, which she left in 2021."
    group = only(claims, "catalysis group")
    assert group.text.startswith("Jane Doe led") and group.context == "Career"
    assert only(claims, "Core member").text.startswith("Jane Doe is core member")
    prize = only(claims, "early-career prize")
    assert prize.text.startswith("Jane Doe's awards:") and prize.type == "award"
    assert not find(claims, "Career") or all(c.original != "Career" for c in claims)


def test_english_back_reference_and_summary() -> None:
    text = (
        '# John Roe\n\nJohn Roe proposed the "Sparse Mixture" architecture in 2019. '
        "This paper won a best paper award at ICML 2019.\n\n## Summary\n\n"
        "John Roe is one of the few researchers to have worked at both Google and Apple.\n"
    )
    doc = doc_of(text)
    claims = split_claims(doc)
    assert_spans(doc, claims)
    award = only(claims, "ICML")
    assert award.text.startswith('"Sparse Mixture" paper won')
    assert award.type == "award"
    assert only(claims, "one of the few").type == "summary"


# --- what is not a claim ---------------------------------------------------------------------


def test_non_claims_are_dropped_and_duplicates_merged() -> None:
    text = """# Ana Silva

Hello everyone!
Ana Silva is a marine biologist at the University of Porto.
Is she the best marine biologist in Portugal?
I think she is the most careful scientist I know.
我认为她是最好的老师。
谢谢大家的阅读!
[Her homepage](https://example.org/ana)
https://example.org/ana/cv.pdf
Short bit.
Ana Silva is a marine biologist at the University of Porto.
Ana  Silva is a marine biologist at the University of Porto
"""
    doc = doc_of(text)
    claims = split_claims(doc)
    assert_spans(doc, claims)
    assert [c.text for c in claims] == [
        "Ana Silva is a marine biologist at the University of Porto."
    ]


def test_tables_code_and_headings() -> None:
    text = """Profile of Ana Silva
====================

| Year | Event |
|------|-------|
| 2010 | Ana Silva joined the University of Porto |

```
print("not a claim, this is code")
```

Setext heading
--------------
Ana Silva has published over 40 papers on coral reefs.
"""
    doc = doc_of(text)
    claims = split_claims(doc)
    assert_spans(doc, claims)
    row = only(claims, "Porto")
    assert row.text == "Year: 2010; Event: Ana Silva joined the University of Porto"
    assert row.original == "2010 | Ana Silva joined the University of Porto"
    papers = only(claims, "40 papers")
    assert papers.context == "Setext heading"
    assert not find(claims, "print")
    assert len(claims) == 2


# --- claims lists, limits, types -------------------------------------------------------------


def test_claims_list_keeps_ids_and_text() -> None:
    text = "Jane Doe won the 2018 prize.\n杰克·雷毕业于伦敦大学学院。\n"
    items = [
        ClaimInput(id="x1", text="Jane Doe won the 2018 prize.", span=Span(start=0, end=28)),
        ClaimInput(id="x2", text="杰克·雷毕业于伦敦大学学院。", span=Span(start=29, end=43)),
    ]
    doc = InputDocument(
        text=text, language="en", origin="-", kind="claims", format="claims", claims=items
    )
    claims = split_claims(doc)
    assert [c.id for c in claims] == ["x1", "x2"]
    assert [c.text for c in claims] == [i.text for i in items]
    assert [c.language for c in claims] == ["en", "zh"]
    assert [c.type for c in claims] == ["award", "education"]
    assert all(c.original == c.text for c in claims)


def test_max_claims() -> None:
    doc = doc_of(EN_BIO, fmt="txt")
    n = len(split_claims(doc))
    assert len(split_claims(doc, max_claims=n)) == n
    with pytest.raises(InputError, match=f"yields {n} claims; the limit is 2") as err:
        split_claims(doc, max_claims=2)
    assert "VERACITY_MAX_CLAIMS" in str(err.value)


@pytest.mark.parametrize(
    ("text", "context", "expected"),
    [
        ("He won the Turing Award in 2019.", None, "award"),
        ("She earned a PhD at MIT.", None, "education"),
        ("He proposed the transformer.", None, "attribution"),
        ("She co-authored the paper with Bob.", None, "authorship"),
        ("He is the lead of the Gemini team.", None, "role"),
        ("She joined Google in 2015.", None, "employment"),
        ("The model has 280 billion parameters.", None, "quantity"),
        ("The lab opened in 1999.", None, "date"),
        ("He is a very kind person.", None, "statement"),
        ("He is a kind person who helps.", "Summary", "summary"),
        ("他是极少数横跨三家机构的人。", None, "summary"),
    ],
)
def test_classify_claim(text: str, context: str | None, expected: str) -> None:
    assert classify_claim(text, context) == expected


def test_deterministic() -> None:
    doc = doc_of(ZH_PROFILE)
    assert split_claims(doc) == split_claims(doc)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.lists(
        st.sampled_from(
            [
                "# 标题\n",
                "Jane Doe is a chemist. ",
                "她毕业于北京大学;",
                "他现任教授,",
                "该研究获奖。",
                "- 主导项目\n",
                "\n\n",
                "| a | b |\n",
                "|---|---|\n",
                "He left; she stayed. ",
                "？",
                "https://x.org\n",
                "```\n",
                "> quoted line\n",
                "Career\n",
                "，目前在职。",
            ]
        ),
        max_size=25,
    )
)
def test_spans_hold_for_any_mix(parts: list[str]) -> None:
    text = "".join(parts)
    if not text.strip():
        return
    doc = doc_of(text)
    claims = split_claims(doc)
    assert_spans(doc, claims)
    keys = {normalize_for_match(c.text).rstrip("。.!！") for c in claims}
    assert len(keys) == len(claims)


def test_bare_short_lines_are_headings_outside_markdown() -> None:
    text = (
        "Ana Silva\n\nAna Silva is a marine biologist.\n\nEducation\n\n"
        "She studied biology at the University of Lisbon.\n\n在 葡萄牙 的工作\n\n"
        "主导珊瑚礁保护项目,覆盖 12 个海湾。\n\n张三担任清华大学教授\n\nShe also teaches.\n"
    )
    doc = doc_of(text, fmt="html")
    claims = split_claims(doc)
    assert_spans(doc, claims)
    assert only(claims, "Lisbon").context == "Education"
    coral = only(claims, "珊瑚礁")
    assert coral.context == "在 葡萄牙 的工作"
    assert coral.text.startswith("Ana Silva 在葡萄牙主导")
    assert only(claims, "清华大学").original == "张三担任清华大学教授"  # has a verb: not a heading
    assert "Education" not in [c.original for c in claims]


# --- self-contained claims: subject, pronouns, Q&A labels, accented names --------------------

CURIE_BODY = (
    "Born in Warsaw, Marie Curie was a physicist and chemist. She moved to Paris in 1891. "
    "She died in 1934.\n"
)


@pytest.mark.parametrize("suffix", ["md", "txt"])
def test_pronoun_goes_to_the_body_subject_not_a_heading_word(tmp_path: Path, suffix: str) -> None:
    path = tmp_path / f"note.{suffix}"
    path.write_text("# Note\n\n" + CURIE_BODY, encoding="utf-8")
    doc = read_input(path, max_bytes=1_000_000)
    claims = split_claims(doc)
    assert_spans(doc, claims)
    assert main_subject(doc) == "Marie Curie"
    assert only(claims, "1934").text == "Marie Curie died in 1934."
    assert only(claims, "Paris").text == "Marie Curie moved to Paris in 1891."
    assert not find(claims, "Note")
    # a batch line's title that is no name is ignored the same way
    line = doc_of(CURIE_BODY, fmt="txt", title="Note")
    assert main_subject(line) == "Marie Curie"
    # a heading that is the name is used
    named = doc_of("# Marie Curie\n\nShe died in 1934.\n")
    assert only(split_claims(named), "1934").text == "Marie Curie died in 1934."
    # a phrase heading is no name: the pronoun stays
    assert main_subject(doc_of("# Early life\n\nShe was born in Warsaw in 1867.\n")) is None


def test_chinese_pronoun_goes_to_the_body_subject_not_a_heading_word() -> None:
    doc = doc_of("# 笔记\n\n1867年，居里夫人出生于华沙。她于1934年在法国去世。\n")
    claims = split_claims(doc)
    assert_spans(doc, claims)
    assert main_subject(doc) == "居里夫人"
    assert only(claims, "1934").text == "居里夫人于1934年在法国去世。"


def test_pronoun_after_a_leading_adverbial() -> None:
    text = (
        "Marie Curie was a physicist and chemist. In 1903 she shared the Nobel Prize in Physics. "
        "In 1911, she won the Nobel Prize in Chemistry. After the war she founded a radium "
        "institute. In 1913 the university awarded her an honorary degree.\n"
    )
    doc = doc_of(text, fmt="txt")
    claims = split_claims(doc)
    assert_spans(doc, claims)
    assert only(claims, "1903").text == "In 1903 Marie Curie shared the Nobel Prize in Physics."
    assert only(claims, "1911").text == "In 1911, Marie Curie won the Nobel Prize in Chemistry."
    assert only(claims, "institute").text == "After the war Marie Curie founded a radium institute."
    # "her" after a verb is an object, not the subject of the clause: left alone
    assert only(claims, "1913").text == text.split(". ")[-1].strip()

    he = doc_of("Pierre Curie was a physicist. After the war he taught at the Sorbonne.\n")
    assert only(split_claims(he), "Sorbonne").text.startswith("After the war Pierre Curie taught")

    zh = doc_of("王芳是一名物理学家。2015年她加入北京大学。在北京大学期间，她主持了三个项目。")
    zh_claims = split_claims(zh)
    assert_spans(zh, zh_claims)
    assert only(zh_claims, "加入").text == "2015年王芳加入北京大学。"
    assert only(zh_claims, "主持").text == "在北京大学期间，王芳主持了三个项目。"


def test_pronouns_that_cannot_stand_for_the_subject_stay() -> None:
    # a woman's bio: "he" is someone else
    doc = doc_of(
        "Marie Curie was a physicist. She was born in Warsaw. She married Pierre Curie in "
        "1895. He died in a street accident in 1906. She died in 1934.\n"
    )
    claims = split_claims(doc)
    assert only(claims, "street accident").text.startswith("He died")
    assert only(claims, "1934").text == "Marie Curie died in 1934."
    # a thing: "it" is the subject, "he" is not
    thing = doc_of(
        "# Penicillin\n\nPenicillin was discovered in 1928 by Alexander Fleming in London. He "
        "noticed that a mould had killed the bacteria on a culture plate. It was first used to "
        "treat a patient in 1941. It is known that many moulds make antibiotics.\n"
    )
    claims = split_claims(thing)
    assert main_subject(thing) == "Penicillin"
    assert only(claims, "mould had killed").text.startswith("He noticed")
    assert only(claims, "1941").text == "Penicillin was first used to treat a patient in 1941."
    assert only(claims, "many moulds").text.startswith("It is known")  # an expletive "it"


def test_question_and_answer_labels() -> None:
    text = (
        "Q: Where was she born?\nA: Marie Curie was born in Warsaw.\nA: She died in 1934\n"
        "Question: What did she discover\nAnswer: She discovered polonium and radium.\n\n"
        "问：居里夫人哪一年去世\n答：居里夫人于1934年在法国去世。\n答:她出生于波兰华沙市。\n"
    )
    doc = doc_of(text, fmt="txt")
    claims = split_claims(doc)
    assert_spans(doc, claims)
    assert [c.text for c in claims] == [
        "Marie Curie was born in Warsaw.",
        "Marie Curie died in 1934",
        "Marie Curie discovered polonium and radium.",
        "居里夫人于1934年在法国去世。",
        "Marie Curie 出生于波兰华沙市。",
    ]
    assert claims[0].original == "Marie Curie was born in Warsaw."
    assert not find(claims, "where") and not find(claims, "哪一年")


@pytest.mark.parametrize(
    ("name", "pronoun"),
    [
        ("Irène Joliot-Curie", "She"),
        ("Émilie du Châtelet", "She"),
        ("Łukasz Kaiser", "He"),
        ("Søren Kierkegaard", "He"),
        ("José Núñez", "He"),
        ("Jürgen Schmidhuber", "He"),
    ],
)
@pytest.mark.parametrize("form", ["NFC", "NFD"])
def test_accented_names_stay_whole(name: str, pronoun: str, form: str) -> None:
    name = unicodedata.normalize(form, name)
    for text in (
        f"{name} won a major science prize in 1935. {pronoun} was born in Europe in 1897.\n",
        f"# {name}\n\n{pronoun} was born in Europe in 1897. {pronoun} won a prize in 1935.\n",
        f"# Note\n\nIn 1897, {name} was born in Europe. {pronoun} won a prize in 1935.\n",
    ):
        doc = doc_of(text)
        claims = split_claims(doc)
        assert_spans(doc, claims)
        assert main_subject(doc) == name, text
        assert only(claims, "1935").text.startswith(name), text
        assert only(claims, "1897").text.count(name) == 1, text


def test_a_chinese_subject_ends_before_its_founding_verb() -> None:
    """A claims list about a firm: 海鸥科技, not 海鸥科技成立 (成立, 由, a year end the name)."""
    doc = InputDocument(text="海鸥科技成立于2017年。\n海鸥科技由张伟创立。\n海鸥科技2022年完成8亿元C轮融资。\n",
                        language="zh", origin="t", format="txt")
    assert main_subject(doc) == "海鸥科技"


@pytest.mark.parametrize(
    ("unit", "prev", "resolved"),
    [
        # a back-reference to a thing named with the same noun in the clause before
        ("该探测器拥有4200个传感器。", "她的团队建造了TESSA探测器，", "TESSA探测器拥有4200个传感器。"),
        # a Latin name ends where Chinese begins: the model, not "DeepMind发布了Chinchilla模型"
        ("该模型有700亿参数。", "DeepMind发布了Chinchilla模型", "Chinchilla 模型有700亿参数。"),
        ("该地区气候温和。", "他出生于云南", None),
    ],
)
def test_a_chinese_back_reference_takes_the_name_before(unit: str, prev: str, resolved: str | None) -> None:
    assert resolve_backref(unit, prev, None) == resolved


@pytest.mark.parametrize(
    ("unit", "prev", "resolved"),
    [
        # a kind of thing stands for the name that opens the sentence before
        ("The planet is about 60 percent larger than Earth.", "Kepler-452b was announced by NASA in 2015.",
         "Kepler-452b is about 60 percent larger than Earth."),
        ("The company's revenue rose 12 percent.", "Norvale Energy said that it would cut jobs.",
         "Norvale Energy's revenue rose 12 percent."),
        # the sentence before names that kind of thing: that one, not its opening name
        ("The telescope was retired in 2018.", "Kepler-452b was found by the Kepler space telescope.",
         "The Kepler space telescope was retired in 2018."),
        # the kind named without a name, or no name opening the sentence before: left as it is
        ("The planet orbits every 385 days.", "It is a planet.", None),
        ("The city has 2 million people.", "In 2015 the mayor resigned.", None),
    ],
)
def test_an_english_thing_back_reference_takes_the_name_that_opens_the_sentence_before(
    unit: str, prev: str, resolved: str | None,
) -> None:
    assert resolve_backref(unit, prev, None) == resolved
