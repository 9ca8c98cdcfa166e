"""A report built for editors: the overview first (counts with not-checked rows apart, the
problem rows with a one-sentence reason, what could not be verified), the sources consulted,
what confidence means, problems-first order, the deciding quote, the filter, plurals, and one
language per report — in Markdown, HTML and the web page's strings."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from veracity.report import labels as L
from veracity.report import overview as O
from veracity.report import render, render_html, render_json, render_markdown, report_from_json
from veracity.server import web
from veracity.types import (
    LABEL_NAMES,
    ClaimReport,
    Coverage,
    Evidence,
    Label,
    Report,
    Source,
    SourceCoverage,
    SourceKind,
    Stance,
    Stats,
    Verdict,
    not_checked_verdict,
)

APP_JS = (Path(web.__file__).with_name("static") / "app.js").read_text("utf-8")
RUN = "20261121-231500-ab12cd"
AWARDS = Source(url="https://blog.neurips.cc/2022/11/21/awards/", title="NeurIPS 2022 awards",
                published="2022-11-21", kind=SourceKind.PRIMARY)
ARXIV = Source(url="https://arxiv.org/abs/2203.15556", title="Training Compute-Optimal LLMs",
               published="2022-03-29", kind=SourceKind.SCHOLARLY)


def _row(i: int, label: Label, text: str, rationale: str, evidence: list[Evidence] | None = None,
         original: str | None = None, confidence: float = 0.8) -> ClaimReport:
    return ClaimReport(id=f"c{i}", text=text, original=original or text,
                       verdict=Verdict(label=label, confidence=confidence, rationale=rationale),
                       evidence=evidence or [])


def _missing(i: int, text: str, error: str, lang: str = "en") -> ClaimReport:
    return ClaimReport(id=f"c{i}", text=text, original=text, verdict=not_checked_verdict(error, lang),
                       status="not_checked", error=error)


def editor_report(language: str = "en", *, coverage: bool = True, uses_llm: bool = False) -> Report:
    """Two true rows, one of each problem, two unverifiable rows and two not-checked rows."""
    rows = [
        _row(1, Label.TRUE, "Jack Rae did a PhD at UCL.", "The arXiv listing names UCL. Nothing else.",
             [Evidence(quote="Jack W. Rae, UCL", stance=Stance.SUPPORTS, source=ARXIV)],
             original="Jack Rae did a PhD at UCL"),
        _row(2, Label.FALSE, "Chinchilla won a NeurIPS 2022 best paper award.",
             "The awards list names other papers. Chinchilla is not among them.",
             [Evidence(quote="NeurIPS 2022 was held in New Orleans.", stance=Stance.MENTIONS, source=AWARDS),
              Evidence(quote="Outstanding Papers: Is Out-of-distribution Detection Learnable?",
                       stance=Stance.REFUTES, source=AWARDS)]),
        _missing(3, "Gopher has 280 billion parameters.", "judge: the model answered HTTP 500"),
        _row(4, Label.UNVERIFIABLE, "Rae was recruited by Zuckerberg.",
             "No source read mentions how he was recruited. Searches found nothing."),
        _row(5, Label.MISATTRIBUTED, "Rae proposed that compression is intelligence.",
             "Solomonoff proposed it in 1964. Rae popularised it.",
             [Evidence(quote="introduced by Solomonoff (1964)", stance=Stance.REFUTES, source=ARXIV)],
             original="He proposed that compression is intelligence"),
        _row(6, Label.PARTLY_TRUE, "Rae led pre-training for Gemini and GPT-4.",
             "He led Gemini pre-training. He was not on the GPT-4 team.",
             [Evidence(quote="pre-training lead", stance=Stance.SUPPORTS, source=AWARDS)]),
        _missing(7, "Rae studied at Bristol.", "research: the model timed out after 60 s"),
        _row(8, Label.TRUE, "Gopher was described in 2021.", "The paper is dated 2021-12.",
             [Evidence(quote="December 2021", stance=Stance.SUPPORTS, source=ARXIV)]),
        _row(9, Label.UNVERIFIABLE, "Rae likes tea.", "Nothing read says so."),
    ]
    cov = Coverage(sources=[
        SourceCoverage(name="corpus", kind="corpus", queries=9, results=1),
        SourceCoverage(name="wikipedia", kind="reference", queries=1, results=2, errors=1,
                       status="degraded", error="wikipedia: HTTP 503 once"),
        SourceCoverage(name="brave", kind="web", queries=3, results=0, errors=3, status="failed",
                       error="brave: HTTP 401 unauthorized"),
    ], pages_read=1, pages_failed=2, corpus_documents_used=1) if coverage else None
    return Report(run_id=RUN, language=language, judge="llm:gpt-4o" if uses_llm else "evidence-match",  # type: ignore[arg-type]
                  uses_llm=uses_llm, created="2026-11-21T23:15:00+00:00", input="profile.md",
                  title="Jack Rae profile", claims=rows, coverage=cov,
                  stats=Stats(seconds=2.0, searches=1, documents=1, llm_calls=1, prompt_tokens=1,
                              rounds=1, llm_cached=1, quotes_dropped=1, untrusted_sources=["x"]))


def _top(md: str) -> str:
    """The Markdown above the claims table."""
    return md.split("\n| ", 1)[0]


# --- the overview -----------------------------------------------------------------------------


def test_markdown_opens_with_the_overview() -> None:
    md = render_markdown(editor_report())
    top = _top(md)
    lines = [ln for ln in top.splitlines() if ln]
    assert lines[0] == "# Fact-check report: Jack Rae profile"
    assert lines[2] == "## At a glance"
    assert lines[3] == ("9 claims, 7 checked: 2 true, 1 partly true, 1 false, 1 misattributed, "
                        "2 unverifiable; 2 not checked (no verdict could be obtained).")
    assert lines[4] == f"Resume the run to check them: `veracity resume {RUN}`"
    start = lines.index("**Needs attention**")
    assert lines[start + 1:start + 6] == [
        "- **false**: Chinchilla won a NeurIPS 2022 best paper award. — The awards list names other papers.",
        "- **misattributed**: Rae proposed that compression is intelligence. — Solomonoff proposed it in 1964.",
        "- **partly true**: Rae led pre-training for Gemini and GPT-4. — He led Gemini pre-training.",
        "- **not checked**: Gopher has 280 billion parameters. — No verdict could be obtained: "
        "judge: the model answered HTTP 500",
        "- **not checked**: Rae studied at Bristol. — No verdict could be obtained: "
        "research: the model timed out after 60 s",
    ]
    start = lines.index("**Could not be verified**")
    assert lines[start + 1:start + 4] == [
        "- **unverifiable**: Rae was recruited by Zuckerberg. — No source read mentions how he was recruited.",
        "- **unverifiable**: Rae likes tea. — Nothing read says so.",
        "- Sources that failed: brave (HTTP 401 unauthorized), wikipedia (HTTP 503 once)",
    ]
    assert any(ln.startswith("Confidence is the probability that the verdict is right, calibrated "
                             "out-of-fold on Factcheck-Bench") for ln in lines)
    # then the sources consulted, failures first, then the claims table
    assert top.index("## At a glance") < top.index("## Sources consulted") < top.index("## Claims")
    assert "- **brave** · web search · failed · 3 queries, 0 results, 3 errors · HTTP 401 unauthorized" in top
    assert "- **wikipedia** · reference work · degraded · 1 query, 2 results, 1 error · HTTP 503 once" in top
    assert "- **corpus** · local corpus · ok · 9 queries, 1 result" in top
    assert top.index("**brave**") < top.index("**wikipedia**") < top.index("**corpus**")
    assert "1 page read, 2 pages could not be read, 1 corpus document used." in top


def test_markdown_overview_in_chinese() -> None:
    top = _top(render_markdown(editor_report("zh")))
    assert ("本次核查共 9 项陈述，已核查 7 项：属实 2 项，部分属实 1 项，不属实 1 项，归因不当 1 项，"
            "无法核实 2 项；未核查 2 项（未能得到结论）。") in top
    assert f"续跑本次核查即可补查：`veracity resume {RUN}`" in top
    assert "- **不属实**：Chinchilla won a NeurIPS 2022 best paper award.——The awards list names other papers." in top
    assert "- **未核查**：Gopher has 280 billion parameters.——未能得到结论：judge: the model answered HTTP 500" in top
    assert "## 检索来源" in top and "- **brave** · 网页搜索 · 失败 · 检索 3 次，结果 0 条，出错 3 次" in top
    assert "参考资料 · 部分失败" in top and "本地语料库 · 正常" in top
    assert "阅读网页 1 个，无法读取的网页 2 个，使用语料文档 1 篇。" in top
    assert "未能正常检索的来源：brave（HTTP 401 unauthorized），wikipedia（HTTP 503 once）" in top


def test_not_checked_rows_are_apart_and_counts_stay_consistent() -> None:
    report = editor_report()
    # the JSON invariant: the placeholder label is counted as unverifiable, and not_checked apart
    data = report.to_json_dict()
    assert data["summary"]["counts"]["unverifiable"] == 4 and data["summary"]["not_checked"] == 2
    assert sum(data["summary"]["counts"].values()) == data["summary"]["total"] == 9
    assert report_from_json(render_json(report)) == report
    # what a reader sees: unverifiable without the placeholders
    assert O.display_counts(report) == [("true", 2), ("partly_true", 1), ("false", 1),
                                        ("misattributed", 1), ("unverifiable", 2), ("not_checked", 2)]
    md = render_markdown(report)
    rows = [ln for ln in md.splitlines() if ln.startswith("| ") and "**" in ln]
    assert len(rows) == 9
    assert sum("| **unverifiable**" in r for r in rows) == 2
    missing = [r for r in rows if "| **not checked**" in r]
    assert len(missing) == 2 and all("confidence" not in r and "No verdict could be obtained" in r
                                     for r in missing)
    assert "Not checked: no verdict" not in md  # the run-language placeholder rationale is not shown
    page = render_html(report)
    assert page.count('class="row-not_checked problem"') == 2
    assert page.count('<tr class="row-unverifiable"') == 2
    assert '<label for="show-unverifiable" class="chip v-unverifiable">unverifiable 2</label>' in page
    assert '<label for="show-not_checked" class="chip v-not_checked">not checked 2</label>' in page


def test_the_overview_is_the_same_in_html() -> None:
    report = editor_report()
    page = render_html(report)
    body = page.split("<body>", 1)[1]
    assert body.index('<section class="overview">') < body.index('<section class="coverage">') < body.index("<table>")
    assert f'<p class="summary">{L.summary_sentence(report, "en")}</p>' in page
    assert f"<code>veracity resume {RUN}</code>" in page
    problems = re.findall(r'<ul class="problems">(.*?)</ul>', page)[0]
    assert re.findall(r'href="#(claim-c\d)"', problems) == ["claim-c2", "claim-c5", "claim-c6", "claim-c3", "claim-c7"]
    assert "— The awards list names other papers.</span>" in problems
    assert "Chinchilla is not among them" not in problems
    assert re.findall(r'<li class="cov-(\w+)">', page) == ["failed", "degraded", "ok"]


def test_a_complete_report_has_no_resume_line_and_says_when_nothing_is_wrong() -> None:
    report = editor_report(coverage=False)
    report.claims = [c for c in report.claims if c.verdict.label in (Label.TRUE, Label.MOSTLY_TRUE)]
    md = render_markdown(report)
    assert "veracity resume" not in md and "## Sources consulted" not in md
    assert "2 claims checked: 2 true." in md
    assert "No claim was found false, misattributed or partly true, and none was left unchecked." in md
    assert "**Could not be verified**" not in md
    page = render_html(report)
    assert 'class="resume"' not in page and 'class="coverage"' not in page
    assert 'id="show-problems"' not in page  # no problem rows, no "needs attention" choice


def test_all_rows_not_checked_and_empty_report() -> None:
    report = editor_report(coverage=False)
    report.claims = [c for c in report.claims if c.status == "not_checked"]
    assert L.summary_sentence(report, "en") == (
        "2 claims, 0 checked: 2 not checked (no verdict could be obtained).")
    assert L.summary_sentence(report, "zh") == "本次核查共 2 项陈述，已核查 0 项：未核查 2 项（未能得到结论）。"
    report.claims = report.claims[:1]
    assert L.summary_sentence(report, "en") == "1 claim, 0 checked: 1 not checked (no verdict could be obtained)."
    report.claims = []
    md = render_markdown(report)
    assert "No checkable claims were found." in md and "Needs attention" not in md
    assert 'type="radio"' not in render_html(report)


# --- reasons, order, deciding quote, original wording -----------------------------------------


@pytest.mark.parametrize(("text", "first"), [
    ("The awards list names other papers. Chinchilla is not among them.", "The awards list names other papers."),
    ("Jack W. Rae led it, e.g. for Gopher. Then more.", "Jack W. Rae led it, e.g. for Gopher."),
    ("奖项名单列出的是其他论文。Chinchilla 不在其中。", "奖项名单列出的是其他论文。"),
    ("It has 2.5 billion parameters", "It has 2.5 billion parameters"),
    ("  line one\nline two. Next.", "line one line two."),
    ("", ""),
])
def test_first_sentence(text: str, first: str) -> None:
    assert O.first_sentence(text) == first


def test_a_long_reason_is_cut() -> None:
    reason = O.first_sentence("word " * 200)
    assert len(reason) == O.REASON_MAX and reason.endswith("…")


def test_problems_first_order() -> None:
    report = editor_report()
    assert [r.id for r in O.ordered_rows(report)] == [f"c{i}" for i in range(1, 10)]
    assert [r.id for r in O.ordered_rows(report, "problems")] == [
        "c2", "c5", "c6", "c3", "c7", "c4", "c9", "c1", "c8"]
    md = render(report, "md", order="problems")
    rows = [ln for ln in md.splitlines() if ln.startswith("| ") and "**" in ln]
    assert rows[0].startswith("| Chinchilla") and rows[-1].startswith("| Gopher was described")
    page = render(report, "html", "zh", order="problems")
    assert re.findall(r'<tr class="[^"]*" id="(claim-c\d)"', page)[:3] == ["claim-c2", "claim-c5", "claim-c6"]
    assert render(report, "md") == render_markdown(report)  # the default is the checklist order
    with pytest.raises(ValueError, match="unknown row order"):
        render_markdown(report, order="worst")


def test_deciding_quote_first_and_the_rest_folded() -> None:
    report = editor_report()
    deciding, rest = O.deciding_evidence(report.claims[1])
    assert deciding is not None and deciding.stance == Stance.REFUTES
    assert [e.quote for e in rest] == ["NeurIPS 2022 was held in New Orleans."]
    row = re.search(r'<tr class="row-false problem" id="claim-c2">(.*?)</tr>', render_html(report)).group(1)  # type: ignore[union-attr]
    shown, folded = row.split('<details class="more">')
    assert "Outstanding Papers" in shown and "New Orleans" not in shown
    assert folded.startswith("<summary>1 more evidence item</summary>") and "New Orleans" in folded
    only_context = _row(1, Label.UNVERIFIABLE, "x", "y", [
        Evidence(quote="a", stance=Stance.MENTIONS, source=ARXIV)])
    assert O.deciding_evidence(only_context) == (None, only_context.evidence)


@pytest.mark.parametrize(("original", "text", "shown"), [
    ("Jack Rae did a PhD at UCL", "Jack Rae did a PhD at UCL.", False),
    ("jack  rae, did a PhD at UCL!", "Jack Rae did a PhD at UCL.", False),
    ("He proposed that compression is intelligence", "Rae proposed that compression is intelligence.", True),
    ("他提出了压缩即智能", "Rae proposed that compression is intelligence.", True),
    ("他提出了“压缩即智能”。", "他提出了压缩即智能", False),
    # the claim only names the subject before the input's words
    ("本科毕业于英国布里斯托大学", "Jack Rae 本科毕业于英国布里斯托大学", False),
    (None, "x", False),
])
def test_original_wording_only_when_the_words_differ(original: str | None, text: str, shown: bool) -> None:
    assert O.original_differs(original, text) is shown
    row = _row(1, Label.TRUE, text, "r", original=original)
    report = editor_report()
    report.claims = [row]
    assert ("Original wording" in render_markdown(report)) is shown
    assert ('class="original"' in render_html(report)) is shown


# --- confidence -------------------------------------------------------------------------------


def test_confidence_is_explained_for_each_judge() -> None:
    offline = render_markdown(editor_report())
    assert "calibrated out-of-fold on Factcheck-Bench" in offline
    llm = render_markdown(editor_report(uses_llm=True))
    assert "Confidence is the language model's own estimate of how sure it is of the verdict; it is not calibrated." in llm
    assert "Factcheck-Bench" not in llm
    page = render_html(editor_report())
    assert ('<span class="confidence" title="80%: the calibrated probability that this verdict is '
            'right (out-of-fold on Factcheck-Bench)">confidence 80%</span>') in page
    zh = render_html(editor_report("zh", uses_llm=True))
    assert 'title="80%：语言模型的自我估计，未经校准">置信度 80%</span>' in zh
    assert "置信度为语言模型对结论把握程度的自我估计，未经校准。" in zh


# --- plurals and one language -----------------------------------------------------------------


def test_count_lines_are_plural_right() -> None:
    one = Stats(seconds=1.0, searches=1, documents=1, llm_calls=1, prompt_tokens=1, llm_cached=1,
                rounds=1, quotes_dropped=1, untrusted_sources=["a"])
    assert L.stats_parts(one, "en") == [
        "1.0 s", "1 search", "1 document read", "1 LLM call (1 token, $0.0000)",
        "1 answer from the cache", "1 research round", "1 quote dropped as not verbatim",
        "1 source left out for addressing the checker"]
    two = Stats(seconds=1.0, searches=2, documents=0, llm_calls=2, prompt_tokens=3, completion_tokens=4,
                llm_cached=2, rounds=2, quotes_dropped=2, untrusted_sources=["a", "b"])
    assert L.stats_parts(two, "en") == [
        "1.0 s", "2 searches", "0 documents read", "2 LLM calls (7 tokens, $0.0000)",
        "2 answers from the cache", "2 research rounds", "2 quotes dropped as not verbatim",
        "2 sources left out for addressing the checker"]
    assert L.stats_parts(one, "zh")[:4] == ["耗时 1.0 秒", "搜索 1 次", "阅读文档 1 篇", "调用语言模型 1 次（1 个词元，费用 $0.0000）"]
    assert L.stats_parts(two, "zh")[1] == "搜索 2 次"
    assert L.tn("evidence_count", 1, "en") == "1 evidence item" and L.tn("evidence_count", 3, "en") == "3 evidence items"
    assert L.tn("research", 1, "en") == "searched in 1 round for" and L.tn("research", 2, "en") == "searched in 2 rounds for"
    assert L.tn("coverage_queries", 1, "en") == "1 query" and L.tn("coverage_queries", 0, "en") == "0 queries"
    # every singular has its plural, and Chinese reads the same in both
    for key in L.STRINGS:
        if key.endswith("_one"):
            base = key.removesuffix("_one")
            assert base in L.STRINGS, key
            assert L.STRINGS[key]["zh"] == L.STRINGS[base]["zh"].replace("{n}", "1"), key


def _english_names() -> set[str]:
    names = {names["en"] for names in LABEL_NAMES.values()}
    names |= {names["en"] for names in L.SOURCE_KIND_NAMES.values()}
    names |= {names["en"] for names in L.STANCE_NAMES.values()}
    names |= {names["en"] for names in L.COVERAGE_KIND_NAMES.values()}
    names |= {names["en"] for names in L.COVERAGE_STATUS_NAMES.values()}
    names |= {L.STRINGS[k]["en"] for k in ("not_checked", "date_unknown", "no_evidence", "untitled",
                                           "problems_heading", "coverage_heading", "claims_heading")}
    return names


@pytest.mark.parametrize("fmt", ["md", "html"])
@pytest.mark.parametrize("stored", ["zh", "en"])
def test_a_chinese_report_prints_no_english_label(fmt: str, stored: str) -> None:
    """``check`` in Chinese and ``show --lang zh`` of an English run: every label is Chinese. The
    free text (claims, rationales, quotes, titles, errors) is written Chinese-only here, so that
    any English word left is one the report printed itself."""
    report = editor_report(stored)
    for i, row in enumerate(report.claims):
        row.text = row.original = f"陈述{i}"
        row.verdict.rationale = "理由。"
        if row.error:
            row.error = "模型出错"
        for ev in row.evidence:
            ev.quote = "引文"
            ev.source = ev.source.model_copy(update={"title": "标题", "published": None})
        row.evidence.append(Evidence(quote="引文", stance=Stance.MENTIONS,
                                     source=Source(url="https://例子.中国/", kind=SourceKind.SOCIAL)))
    assert report.coverage is not None
    for src in report.coverage.sources:
        src.error = "出错" if src.error else None
    text = render(report, fmt, "zh")
    if fmt == "html":
        text = re.sub(r"<style>.*?</style>|<[^>]+>", " ", text, flags=re.S)
    leftover = [name for name in _english_names() if re.search(rf"(?<![\w-]){re.escape(name)}(?![\w-])", text)]
    assert leftover == [], leftover
    for kind in SourceKind:
        if kind in (SourceKind.PRIMARY, SourceKind.SCHOLARLY, SourceKind.SOCIAL):
            assert L.source_kind_name(kind, "zh") in text


# --- the HTML report's reading aids -----------------------------------------------------------


def test_html_filter_needs_no_script() -> None:
    page = render_html(editor_report())
    assert "<script" not in page.lower()
    assert re.search(r"<[^>]+\son\w+=", page) is None  # no event handler attribute
    radios = re.findall(r'<input type="radio" name="show" class="show" id="show-(\w+)"( checked)?>', page)
    assert [r[0] for r in radios] == ["all", "problems", "true", "partly_true", "false", "misattributed",
                                      "unverifiable", "not_checked"]
    assert [bool(r[1]) for r in radios] == [True] + [False] * 7
    for key in O.DISPLAY_KEYS:
        assert f"#show-{key}:checked ~ table tbody tr:not(.row-{key}) {{ display: none; }}" in page
    assert "#show-problems:checked ~ table tbody tr:not(.problem) { display: none; }" in page
    # the radios, the chips and the table are siblings, in that order (the ~ rules need it)
    section = page.split('<section class="claims">', 1)[1]
    assert section.index('type="radio"') < section.index('class="filters"') < section.index("<table>")
    assert "@media screen and (max-width: 700px)" in page and "@media print" in page


def test_web_page_carries_the_report_wording() -> None:
    strings = web.script_strings("en")
    zh = strings["report"]["zh"]
    assert zh["coverage_kinds"]["web"] == "网页搜索" and zh["coverage_statuses"]["failed"] == "失败"
    assert zh["strings"]["not_checked"] == "未核查"
    assert strings["report"]["en"]["strings"]["stats_searches_one"] == "1 search"
    # every string the script asks for by a counted key exists, with its singular where English has one
    counted = set(re.findall(r'\btn\("(\w+)"', APP_JS))
    assert counted >= {"stats_searches", "stats_documents", "coverage_queries", "evidence_more"}
    assert counted <= set(L.STRINGS), counted - set(L.STRINGS)
    plain = set(re.findall(r'\bt\((?:[^()"]*\?\s*)?"(\w+)"', APP_JS))
    assert plain <= set(L.STRINGS), plain - set(L.STRINGS)
    # the rules the script mirrors
    assert '["false", "misattributed", "partly_true", NOT_CHECKED]' in APP_JS
    assert list(O.PROBLEM_KEYS) == ["false", "misattributed", "partly_true", "not_checked"]
    assert f"const REASON_MAX = {O.REASON_MAX};" in APP_JS
