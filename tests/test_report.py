"""Report renderers: Markdown, HTML and JSON, in Chinese and English."""

from __future__ import annotations

import json
import re

import pytest

from veracity.report import FORMATS, render, render_html, render_markdown, report_from_json
from veracity.report import labels as L
from veracity.types import (
    ClaimReport,
    Evidence,
    Label,
    Report,
    Source,
    SourceKind,
    Span,
    Stance,
    Stats,
    Verdict,
)

ARXIV = Source(url="https://arxiv.org/abs/2203.15556", title="Training Compute-Optimal LLMs",
               published="2022-03-29", kind=SourceKind.SCHOLARLY, content_hash="h1")
NEURIPS = Source(url="https://blog.neurips.cc/2022/11/21/awards/", title="NeurIPS 2022 awards",
                 published="2022-11-21", kind=SourceKind.PRIMARY, content_hash="h2")
UNDATED = Source(url="https://openai.com/contributions/gpt-4/", title="GPT-4 contributions",
                 kind=SourceKind.PRIMARY, content_hash="h3")
EVIL = Source(url="javascript:alert(1)", title="<script>alert('t')</script>",
              kind=SourceKind.SOCIAL, content_hash="h4")
PDF = Source(url="file:///corpus/gopher.pdf", title="Gopher paper", published="2021-12",
             kind=SourceKind.SCHOLARLY, content_hash="h5")


def _row(i: int, label: Label, text: str, evidence: list[Evidence], rationale: str = "why",
         original: str | None = None) -> ClaimReport:
    return ClaimReport(id=f"c{i}", text=text, original=original or text,
                       span=Span(start=i * 10, end=i * 10 + 5), type="statement",
                       verdict=Verdict(label=label, confidence=0.8, rationale=rationale),
                       evidence=evidence)


def make_report(language: str = "zh") -> Report:
    rows = [
        _row(1, Label.TRUE, "Jack Rae worked at DeepMind | Google", [
            Evidence(quote="Jack W. Rae, DeepMind", stance=Stance.SUPPORTS, source=ARXIV),
            Evidence(quote="Rae led the\nGopher | project", stance=Stance.SUPPORTS,
                     source=PDF, page=3),
        ], rationale="Line one.\nLine two | with pipe."),
        _row(2, Label.MOSTLY_TRUE, "Rae led Gemini pretraining", [
            Evidence(quote="pre-training lead", stance=Stance.SUPPORTS, source=UNDATED)]),
        _row(3, Label.PARTLY_TRUE, "Rae was a GPT-4 core developer in pretraining", [
            Evidence(quote="Research benchmark execution lead", stance=Stance.MENTIONS,
                     source=UNDATED)]),
        _row(4, Label.FALSE, "Chinchilla won a NeurIPS 2022 best paper", [
            Evidence(quote="Outstanding Papers: Is Out-of-distribution Detection Learnable?",
                     stance=Stance.REFUTES, source=NEURIPS)]),
        _row(5, Label.MISATTRIBUTED, "Rae proposed compression is intelligence", [
            Evidence(quote="<script>alert('q')</script> Solomonoff (1964)",
                     stance=Stance.REFUTES, source=EVIL)], original="他提出了压缩即智能"),
        _row(6, Label.UNVERIFIABLE, "Rae was personally recruited by Zuckerberg", []),
        _row(7, Label.TRUE, "Rae did a PhD at UCL", [
            Evidence(quote="PhD, UCL", stance=Stance.SUPPORTS, source=ARXIV)]),
    ]
    return Report(run_id="20261121-231500-ab12cd", language=language, judge="evidence-match",  # type: ignore[arg-type]
                  uses_llm=False, created="2026-11-21T23:15:00+00:00", input="profile.md",
                  title="Jack Rae profile", claims=rows,
                  stats=Stats(seconds=12.34, searches=8, documents=5, quotes_dropped=2,
                              skipped_files=["broken.pdf"]))


def _table_rows(md: str) -> list[str]:
    lines = md.splitlines()
    head = next(i for i, ln in enumerate(lines) if ln.startswith("| ") and "---" not in ln)
    assert lines[head + 1] == "| --- | --- | --- |"
    rows = []
    for ln in lines[head + 2:]:
        if not ln.startswith("|"):
            break
        rows.append(ln)
    return rows


def _summary_counts(md: str, lang: str) -> tuple[int, dict[str, int]]:
    """Parse the summary sentence back into (total, counts by label value)."""
    line = next(ln for ln in md.splitlines() if ln.startswith(("本次核查", "1 claim", "7 claims")))
    names = {label.name_in(lang): label.value for label in Label}
    colon = "：" if lang == "zh" else ": "
    head, _, rest = line.partition(colon)
    total = int(re.search(r"\d+", head).group())  # type: ignore[union-attr]
    counts: dict[str, int] = {}
    for item in re.split("，|, ", rest.rstrip("。.")):
        if lang == "zh":
            name, n = item.rsplit(" ", 2)[0], item.rsplit(" ", 2)[1]
        else:
            n, name = item.split(" ", 1)
        counts[names[name]] = int(n)
    return total, counts


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_markdown_summary_counts_equal_table(lang: str) -> None:
    report = make_report(lang)
    md = render_markdown(report)
    rows = _table_rows(md)
    assert len(rows) == len(report.claims)
    names = {label.name_in(lang): label.value for label in Label}
    table_counts: dict[str, int] = {}
    for row in rows:
        bold = re.findall(r"\*\*(.+?)\*\*", row)
        assert len(bold) == 1
        table_counts[names[bold[0]]] = table_counts.get(names[bold[0]], 0) + 1
    total, counts = _summary_counts(md, lang)
    assert total == len(rows) == 7
    assert counts == table_counts
    assert counts == {k: v for k, v in report.summary.counts.items() if v}
    assert counts["true"] == 2


def test_markdown_zh_content() -> None:
    md = render_markdown(make_report("zh"))
    assert md.startswith("# 事实核查报告：Jack Rae profile\n")
    assert "本次核查共 7 项陈述：属实 2 项，基本属实 1 项，部分属实 1 项，不属实 1 项，归因不当 1 项，无法核实 1 项。" in md
    assert "本报告未使用语言模型" in md and "evidence-match" in md
    assert "| 原文陈述 | 核查结论与分析 | 证据 |" in md
    assert "未知日期" in md and "第 3 页" in md and "学术索引" in md and "一手来源" in md
    assert "（置信度 80%）" in md
    assert "原文措辞：他提出了压缩即智能" in md
    assert "无证据" in md
    assert "耗时 12.3 秒" in md and "搜索 8 次" in md and "剔除非原文引文 2 条" in md
    assert "broken.pdf" in md


def test_markdown_en_content_and_lang_override() -> None:
    md = render_markdown(make_report("zh"), lang="en")
    assert "| Claim | Verdict and analysis | Evidence |" in md
    assert "7 claims checked: 2 true, 1 mostly true, 1 partly true, 1 false, 1 misattributed, 1 unverifiable." in md
    assert "No language model was used" in md
    assert "date unknown" in md and "page 3" in md and "primary source" in md
    assert "“Outstanding Papers: Is Out-of-distribution Detection Learnable?”" in md
    assert "https://blog.neurips.cc/2022/11/21/awards/" in md and "2022-11-21" in md
    assert "未知日期" not in md


def test_other_language_is_written_in_english() -> None:
    md = render_markdown(make_report("other"))
    assert "| Claim | Verdict and analysis | Evidence |" in md


def test_markdown_escapes_pipes_newlines_and_markup() -> None:
    md = render_markdown(make_report("en"))
    rows = _table_rows(md)
    for row in rows:
        assert len(re.findall(r"(?<!\\)\|", row)) == 4, row  # only the cell borders
    first = rows[0]
    assert "DeepMind \\| Google" in first
    assert "Line one.<br>Line two \\| with pipe. (confidence 80%)" in first
    assert "“Rae led the Gopher \\| project”" in first  # quote flattened to one line
    assert "<script>" not in md and "&lt;script&gt;" in md


def test_judge_notice_only_without_llm() -> None:
    report = make_report("en")
    report.uses_llm = True
    report.judge = "llm:gpt-4o"
    assert "No language model was used" not in render_markdown(report)
    assert "未使用语言模型" not in render_markdown(report, lang="zh")


def test_empty_report_and_singular() -> None:
    report = make_report("en")
    report.claims = []
    assert "No checkable claims were found." in render_markdown(report)
    assert "本次核查未发现可核查的陈述。" in render_markdown(report, lang="zh")
    report.claims = make_report("en").claims[:1]
    assert "1 claim checked: 1 true." in render_markdown(report)


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_html_is_self_contained_and_escaped(lang: str) -> None:
    page = render_html(make_report(lang))
    assert page.startswith("<!DOCTYPE html>")
    assert f'<html lang="{lang}">' in page
    assert '<meta charset="utf-8">' in page
    # no scripts, no external assets
    assert "<script" not in page.lower()
    assert "<link" not in page and " src=" not in page and "@import" not in page
    assert "&lt;script&gt;alert(&#x27;q&#x27;)&lt;/script&gt;" in page
    assert "&lt;script&gt;alert(&#x27;t&#x27;)&lt;/script&gt;" in page
    # javascript: URL shown as text, never as a link
    assert 'href="javascript' not in page and "javascript:alert(1)" in page
    # every link out of the page carries rel=noopener noreferrer; the others jump to a row
    anchors = re.findall(r"<a [^>]*>", page)
    outside = [a for a in anchors if 'href="#' not in a]
    assert outside and all('rel="noopener noreferrer"' in a for a in outside)
    for jump in re.findall(r'href="#([^"]*)"', page):
        assert f'id="{jump}"' in page
    assert 'href="https://arxiv.org/abs/2203.15556"' in page
    assert 'href="file:///corpus/gopher.pdf#page=3"' in page
    # one row per claim, coloured by verdict
    assert page.count("<tr class=\"row-") == 7
    for label in Label:
        assert f'class="label v-{label.value}"' in page
    # the deciding quote is in view, the other quotes of a row in a closed <details>
    assert "<details open" not in page
    assert page.count('<ol class="evidence deciding">') == 5  # rows 1, 2, 4, 5, 7: a quote supports or refutes
    assert page.count('<details class="more">') == 2  # row 1: one more quote; row 3: context only


def test_html_same_content_as_markdown() -> None:
    report = make_report("zh")
    page = render_html(report)
    assert L.summary_sentence(report, "zh") in page
    assert "本报告未使用语言模型" in page
    assert "原文陈述" in page and "核查结论与分析" in page
    assert "未知日期" in page and "第 3 页" in page and "置信度 80%" in page
    assert "耗时 12.3 秒" in page and "broken.pdf" in page


def test_json_round_trip() -> None:
    report = make_report("zh")
    text = render(report, "json")
    data = json.loads(text)
    assert data["schema"] == "veracity.report/1"
    assert data["summary"]["total"] == 7 and data["summary"]["counts"]["true"] == 2
    assert "他提出了压缩即智能" in text  # non-ASCII written as is
    assert report_from_json(text) == report
    assert report_from_json(data) == report


def test_json_summary_must_match_rows() -> None:
    data = make_report("en").to_json_dict()
    data["summary"]["counts"]["true"] = 7
    with pytest.raises(ValueError, match="summary"):
        report_from_json(data)


def test_report_model_validate_accepts_own_json() -> None:
    report = make_report("en")
    assert Report.model_validate(report.to_json_dict()) == report


def test_render_dispatch() -> None:
    report = make_report("en")
    assert FORMATS == ("md", "html", "json", "claimreview")
    assert render(report, "md") == render_markdown(report)
    assert render(report, "html", lang="zh") == render_html(report, lang="zh")
    with pytest.raises(ValueError, match="unknown report format"):
        render(report, "pdf")


def test_labels_cover_every_kind_and_stance() -> None:
    for lang in ("zh", "en"):
        for kind in SourceKind:
            assert L.source_kind_name(kind, lang)
        for stance in Stance:
            assert L.stance_name(stance, lang)
        for key in L.STRINGS:
            assert set(L.STRINGS[key]) == {"zh", "en"}
    assert L.page_text(4, "zh") == "第 4 页"
    assert L.date_text(None, "en") == "date unknown"
    assert L.date_text("2020", "zh") == "2020"


def test_html_tags_are_balanced() -> None:
    from html.parser import HTMLParser

    void = {"meta", "col", "br", "hr", "img", "input", "link"}

    class Checker(HTMLParser):
        def __init__(self) -> None:
            super().__init__()
            self.stack: list[str] = []
            self.errors: list[str] = []

        def handle_starttag(self, tag: str, attrs: object) -> None:
            if tag not in void:
                self.stack.append(tag)

        def handle_endtag(self, tag: str) -> None:
            if self.stack and self.stack[-1] == tag:
                self.stack.pop()
            else:
                self.errors.append(tag)

    checker = Checker()
    checker.feed(render_html(make_report("en")))
    assert checker.errors == [] and checker.stack == []
