"""Progress on stderr when stderr is not a terminal (a log file, a pipe): one plain line per
event, never wrapped at the console width, so a claim is never split across log lines."""

from __future__ import annotations

import io
import os
import subprocess
import sys
from pathlib import Path

import pytest
from rich.console import Console

from conftest import EXAMPLE_CORPUS, REPO
from veracity.events import Event
from veracity.progress import LiveProgress

LONG_CLAIM = (
    "Jack Rae studied at the University of Bristol, where he read mathematics and computer "
    "science, before he went on to a doctorate at University College London on memory in "
    "neural networks and then joined DeepMind as a research scientist working on language models."
)


def test_plain_lines_are_not_wrapped_at_the_console_width() -> None:
    out = io.StringIO()
    live = LiveProgress(console=Console(file=out, width=40))  # a narrow console, not a terminal
    with live:
        live.handle(Event(type="claims_ready", claims=[{"id": "c1", "text": LONG_CLAIM},
                                                       {"id": "c2", "text": "Two\nlines [bold]x[/bold] :smile:"}]))
        live.handle(Event(type="claim_settled", claim_id="c1", label="true"))
        live.handle(Event(type="claim_settled", claim_id="c2", label="false"))
        live.handle(Event(type="warning", message="corpus: skipped " + "x" * 120 + ".pdf: malformed PDF"))
    assert out.getvalue().splitlines() == [
        "2 claims on the checklist",
        f"settled c1 [true] (1/2): {LONG_CLAIM}",
        "settled c2 [false] (2/2): Two lines [bold]x[/bold] :smile:",
        "note: corpus: skipped " + "x" * 120 + ".pdf: malformed PDF",
    ]
    assert "\x1b[" not in out.getvalue()  # no colours or cursor moves in a log


def test_disabled_progress_writes_nothing() -> None:
    out = io.StringIO()
    live = LiveProgress(enabled=False, console=Console(file=out, width=40))
    with live:
        live.handle(Event(type="claims_ready", claims=[{"id": "c1", "text": LONG_CLAIM}]))
        live.handle(Event(type="claim_settled", claim_id="c1", label="true"))
    assert out.getvalue() == ""


@pytest.mark.slow  # the real command in a process of its own (the tests above cover the logic)
def test_cli_progress_in_a_log_keeps_each_claim_on_one_line(tmp_path: Path) -> None:
    """The real command with stderr captured (not a terminal), an 80-column environment."""
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    name = "ucl-discovery-rae-thesis.md"
    (corpus / name).write_bytes((EXAMPLE_CORPUS / name).read_bytes())
    claims = tmp_path / "claims.txt"
    claims.write_text(LONG_CLAIM + "\n", encoding="utf-8")
    script = Path(sys.executable).with_name("veracity")
    command = [str(script)] if script.exists() else [sys.executable, "-m", "veracity.cli"]
    env = {k: v for k, v in os.environ.items() if not k.startswith("VERACITY_")}
    env.update(VERACITY_CACHE_DIR=str(tmp_path / "cache"), VERACITY_DB_PATH=str(tmp_path / "db.sqlite"),
               PYTHONIOENCODING="utf-8", COLUMNS="80")
    result = subprocess.run(
        [*command, "check", str(claims), "--claims", "--corpus", str(corpus), "--no-llm", "--format", "json"],
        cwd=REPO, env=env, capture_output=True, text=True, encoding="utf-8", timeout=300, check=False,
    )
    assert result.returncode == 0, result.stderr
    lines = result.stderr.splitlines()
    settled = [line for line in lines if line.startswith("settled ")]
    assert len(settled) == 1, lines
    assert settled[0].endswith(f"(1/1): {LONG_CLAIM}"), settled
    assert len(settled[0]) > 200  # well past 80 columns, yet one line
    assert "1 claim on the checklist" in lines
    assert not any(line.strip() and LONG_CLAIM.startswith(line.strip()) for line in lines)  # no wrapped piece


def test_chinese_checklist_is_followed_in_chinese() -> None:
    """The live view speaks the checklist's language when the caller names none (the catalogue's
    ``cli.*`` messages): labels as the Chinese report names them, counts in Chinese."""
    out = io.StringIO()
    live = LiveProgress(console=Console(file=out, width=200))
    with live:
        live.handle(Event(type="claims_ready", claims=[{"id": "c1", "text": "赵敏于2012年加入国际货币基金组织。"},
                                                       {"id": "c2", "text": "赵敏获得了诺贝尔经济学奖。"}]))
        live.handle(Event(type="round_started", round=1))
        live.handle(Event(type="claim_settled", claim_id="c2", label="misattributed"))
        live.handle(Event(type="warning", message="wikipedia: HTTP 503"))
    assert out.getvalue().splitlines() == [
        "核查清单共 2 项陈述",
        "第 1 轮：待核查 2 项，已核查 0 项",
        "已核查 c2【归因不当】（1/2）：赵敏获得了诺贝尔经济学奖。",
        "提示：wikipedia: HTTP 503",
    ]


def test_a_named_language_wins_over_the_checklist() -> None:
    out = io.StringIO()
    live = LiveProgress(console=Console(file=out, width=200), lang="en")
    with live:
        live.handle(Event(type="claims_ready", claims=[{"id": "c1", "text": "赵敏于2012年加入国际货币基金组织。"}]))
        live.handle(Event(type="claim_settled", claim_id="c1", label="true"))
    assert out.getvalue().splitlines() == ["1 claim on the checklist", "settled c1 [true] (1/1): 赵敏于2012年加入国际货币基金组织。"]
