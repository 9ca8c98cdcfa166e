"""Title and heading scans stay linear on adversarial single lines (no regex backtracking).

These are performance bounds, measured on the wall clock by nature (a regex that backtracks
gives the right answer, only later): generous, and marked ``slow`` so that the default run
asserts no time; CI runs them with ``python -m pytest -m slow``.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path

import pytest

from veracity.corpus import loaders
from veracity.errors import InputError
from veracity.ingest import _markdown_title, _starts_like_html, read_input, sniff_format

pytestmark = pytest.mark.slow

N = 1024 * 1024 // 2  # each shape is about 1 MB
BOUND_S = 2.0

SHAPES: dict[str, str] = {
    "hash-blanks": "#" + " " * N + "a",
    "hash-blanks-text-blanks": "# a" + " " * N + "b",
    "words": "a " * N,
    "closing-hashes": "# " + "x" * (N // 3) + " " * (N // 3) + "#" * (N // 3),
    "hashes-tabs": "# a" + "\t#" * (N // 2) + "b",
    "setext": "x" * N + "\n" + "=" * N,
    "setext-blanks": " " * N + "x" + " " * N + "\ny",
    "indented-atx": "   ###### a" + " #" * (N // 2) + "x",
    "header": "Title: a" + " " * N + "b",
    "header-tabs": "url:" + "\t" * N + "x",
    "comments": "<!-- -->" * (N // 8) + "x",
    "sentences": "Jack Rae worked at DeepMind. " * (N // 30),
}

FUNCTIONS: dict[str, Callable[[str], object]] = {
    "markdown_title": _markdown_title,
    "sniff_format": sniff_format,
    "starts_like_html": _starts_like_html,
    "first_line_title": loaders._first_line_title,
    "header_fields": loaders._header_fields,
}


def timed(fn: Callable[[], object]) -> float:
    start = time.perf_counter()
    fn()
    return time.perf_counter() - start


@pytest.mark.parametrize("shape", sorted(SHAPES))
def test_title_scans_are_fast_on_adversarial_lines(shape: str) -> None:
    text = SHAPES[shape]
    for name, fn in FUNCTIONS.items():
        elapsed = timed(lambda fn=fn: fn(text))  # type: ignore[misc]
        assert elapsed < BOUND_S, f"{name} took {elapsed:.2f}s on {shape}"


@pytest.mark.parametrize("shape", ["hash-blanks-text-blanks", "setext", "header", "closing-hashes"])
@pytest.mark.parametrize("suffix", [".md", ".txt"])
def test_read_input_is_fast_on_adversarial_lines(tmp_path: Path, shape: str, suffix: str) -> None:
    p = tmp_path / f"doc{suffix}"
    p.write_text(SHAPES[shape], encoding="utf-8")
    elapsed = timed(lambda: read_input(p, max_bytes=50 * 1024 * 1024, lang="en"))
    assert elapsed < BOUND_S, f"read_input took {elapsed:.2f}s on {shape}{suffix}"


@pytest.mark.parametrize("suffix", [".md", ".txt"])
def test_corpus_loader_is_fast_on_adversarial_lines(tmp_path: Path, suffix: str) -> None:
    p = tmp_path / f"doc{suffix}"
    p.write_text(SHAPES["hash-blanks-text-blanks"] + "\n" + SHAPES["header"], encoding="utf-8")
    elapsed = timed(lambda: loaders.load_file(p, max_bytes=50 * 1024 * 1024))
    assert elapsed < 2 * BOUND_S, f"load_file took {elapsed:.2f}s"


def test_a_5mb_single_line_markdown_file_is_read_quickly(tmp_path: Path) -> None:
    p = tmp_path / "huge.md"
    p.write_text("Jack Rae worked at DeepMind. " * (5 * 1024 * 1024 // 29), encoding="utf-8")
    start = time.perf_counter()
    try:
        doc = read_input(p, max_bytes=50 * 1024 * 1024, lang="en")
    except InputError as err:  # a clear refusal is fine too
        assert "\n" not in str(err)
    else:
        assert doc.title is None
        assert doc.format == "md"
    assert time.perf_counter() - start < 5.0


def test_huge_single_line_document_is_refused_in_a_moment(tmp_path: Path) -> None:
    """52 MB of one repeated sentence on one line: one clear error line and exit 2, quickly
    (it used to freeze the CLI for minutes)."""
    from click.testing import CliRunner

    from veracity.cli import main

    path = tmp_path / "huge.md"
    path.write_text("Jack Rae worked at DeepMind. " * 1_800_000, encoding="utf-8")
    t = time.perf_counter()
    result = CliRunner().invoke(main, ["check", str(path), "--db", str(tmp_path / "s.sqlite"), "-q"])
    assert result.exit_code == 2 and "sentences" in result.output, result.output
    assert time.perf_counter() - t < 30  # generous: about a second on the reference machine


HTML_SHAPES: dict[str, str] = {
    "unclosed-scripts": "<script>x" * (N // 9),
    "unclosed-styles": "<STYLE media=all>x" * (N // 18),
    "unclosed-comments": "<!--x" * (N // 5),
    "lone-brackets": "<x" * (N // 2),
    "open-tags": "<p>x " * (N // 5),
}


@pytest.mark.parametrize("shape", sorted(HTML_SHAPES))
def test_visible_text_is_fast_on_unclosed_markup(shape: str) -> None:
    """The quote checker's view of a page (script/style dropped, tags stripped) is linear: an
    unclosed ``<script>`` or ``<!--`` no longer makes every later position rescan the page."""
    from veracity.reader.html import visible_text

    text = "<html><body><p>kept</p>" + HTML_SHAPES[shape]
    assert timed(lambda: visible_text(text)) < BOUND_S  # generous: linear takes milliseconds


@pytest.mark.parametrize("shape", ["unclosed-scripts", "unclosed-comments", "lone-brackets"])
def test_parse_html_is_fast_on_unclosed_markup(shape: str) -> None:
    from veracity.reader.html import parse_html

    text = "<html><body><p>The page says something.</p>" + HTML_SHAPES[shape][: 256 * 1024]
    assert timed(lambda: parse_html(text)) < 4 * BOUND_S
