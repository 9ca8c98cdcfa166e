"""The real ``veracity`` command in a subprocess: the README's main job, every output format,
``show``, ``--lang``, stdin, and one clear error line (exit 2) for each kind of bad input.

Every run gets ``--db`` in a temporary folder and ``VERACITY_CACHE_DIR`` /
``VERACITY_DB_PATH`` pointing at temporary folders, so nothing touches the user's directories.
"""

from __future__ import annotations

import json
import os
import random
import subprocess
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import pytest

from conftest import EXAMPLE_CORPUS, EXAMPLE_PROFILE, REPO
from veracity.checklist.rules import split_claims
from veracity.ingest import read_input
from veracity.types import Label

# the real command in a process of its own, a second or more a run: run by `pytest -m slow`
pytestmark = pytest.mark.slow

_SCRIPT = Path(sys.executable).with_name("veracity")
COMMAND: list[str] = [str(_SCRIPT)] if _SCRIPT.exists() else [sys.executable, "-m", "veracity.cli"]
README_INPUT = "examples/jack-rae/profile.md"
README_CORPUS = "examples/jack-rae/corpus"
TIMEOUT = 180

# Runs the CLI in-process with the network refused (conftest.block_network); exit 99 if anything
# tried to connect or resolve a name.
_GUARDED = f"""
import sys
sys.path.insert(0, {str(Path(__file__).resolve().parent)!r})
from conftest import block_network
from veracity.cli import main
with block_network() as attempts:
    try:
        main(args=sys.argv[1:], prog_name="veracity")
        code = 0
    except SystemExit as exit:
        code = exit.code if isinstance(exit.code, int) else 1
if attempts:
    print("network used: " + "; ".join(attempts), file=sys.stderr)
    code = 99
sys.exit(code)
"""


@dataclass
class Result:
    code: int
    out: str
    err: str


@pytest.fixture(scope="module")
def home(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Cache, default store and outputs of this module's runs."""
    return tmp_path_factory.mktemp("cli")


def run_cli(
    args: Sequence[str],
    home: Path,
    *,
    stdin: bytes | None = None,
    guarded: bool = False,
) -> Result:
    env = {k: v for k, v in os.environ.items() if not k.startswith("VERACITY_")}
    env["VERACITY_CACHE_DIR"] = str(home / "cache")
    env["VERACITY_DB_PATH"] = str(home / "default-db" / "veracity.sqlite")
    env["PYTHONIOENCODING"] = "utf-8"
    command = [sys.executable, "-c", _GUARDED] if guarded else COMMAND
    proc = subprocess.run(
        [*command, *args],
        cwd=REPO,
        env=env,
        input=stdin if stdin is not None else b"",
        capture_output=True,
        timeout=TIMEOUT,
        check=False,
    )
    return Result(proc.returncode, proc.stdout.decode("utf-8"), proc.stderr.decode("utf-8"))


def example_claim_count() -> int:
    return len(split_claims(read_input(EXAMPLE_PROFILE, max_bytes=10_000_000)))


def table_rows(markdown: str) -> list[str]:
    """Rows of the report table (header and separator excluded)."""
    lines = [line for line in markdown.splitlines() if line.startswith("| ")]
    return lines[2:]


def assert_one_error_line(result: Result, code: int = 2) -> None:
    assert result.code == code, (result.code, result.err)
    assert "Traceback" not in result.err
    lines = [line for line in result.err.splitlines() if line.strip()]
    assert len(lines) == 1, result.err
    assert lines[0].startswith("veracity: error:"), lines[0]
    assert result.out == ""


# --- the README's main job ---------------------------------------------------------------------


@pytest.fixture(scope="module")
def markdown_run(home: Path) -> Result:
    return run_cli(["check", README_INPUT, "--corpus", README_CORPUS, "--db", str(home / "db.sqlite")], home)


@pytest.fixture(scope="module")
def json_run(home: Path) -> tuple[Result, Path]:
    out = home / "report.json"
    result = run_cli(
        ["check", README_INPUT, "--corpus", README_CORPUS, "--format", "json", "-o", str(out),
         "--db", str(home / "db.sqlite"), "-q"],
        home,
    )
    return result, out


def test_readme_main_job_prints_a_markdown_table(markdown_run: Result) -> None:
    assert markdown_run.code == 0, markdown_run.err
    assert "Traceback" not in markdown_run.err
    md = markdown_run.out
    assert md.startswith("# ")
    assert "| --- | --- | --- |" in md
    rows = table_rows(md)
    assert len(rows) == example_claim_count()
    zh_labels = [f"**{label.zh}**" for label in Label]
    for row in rows:
        assert row.count(" | ") >= 2
        assert sum(lab in row for lab in zh_labels) == 1, row
    assert "本次核查共" in md  # summary sentence, in the input's language
    assert "veracity：运行 " in markdown_run.err  # the closing line goes to stderr, in the profile's language


@pytest.mark.shared
def test_json_report_passes_the_independent_check(json_run: tuple[Result, Path], shared_dir: Path) -> None:
    result, out = json_run
    assert result.code == 0, result.err
    assert result.out == ""  # -o: the report goes to the file
    check = subprocess.run(
        [sys.executable, str(shared_dir / "tools" / "report_check.py"), str(out), str(EXAMPLE_CORPUS),
         "--min-claims", "9"],
        capture_output=True, text=True, timeout=TIMEOUT, check=False,
    )
    assert check.returncode == 0, check.stdout + check.stderr


def test_json_report_shape(json_run: tuple[Result, Path]) -> None:
    result, out = json_run
    assert result.code == 0, result.err
    data = json.loads(out.read_text(encoding="utf-8"))
    assert data["schema"] == "veracity.report/1"
    assert data["language"] == "zh"
    assert data["uses_llm"] is False
    assert len(data["claims"]) == example_claim_count()
    counts = {label.value: 0 for label in Label}
    for claim in data["claims"]:
        counts[claim["verdict"]["label"]] += 1
    assert data["summary"] == {"total": len(data["claims"]), "counts": counts, "not_checked": 0}


def test_show_gives_back_the_same_report(json_run: tuple[Result, Path], home: Path) -> None:
    result, out = json_run
    assert result.code == 0, result.err
    original = json.loads(out.read_text(encoding="utf-8"))
    shown = run_cli(["show", original["run_id"], "--format", "json", "--db", str(home / "db.sqlite")], home)
    assert shown.code == 0, shown.err
    again = json.loads(shown.out)
    for data in (original, again):
        data.pop("created")
        data["stats"].pop("seconds")
    assert again == original


def test_html_report_is_a_full_document(home: Path) -> None:
    out = home / "report.html"
    result = run_cli(
        ["check", README_INPUT, "--corpus", README_CORPUS, "--format", "html", "-o", str(out),
         "--db", str(home / "db.sqlite"), "-q"],
        home,
    )
    assert result.code == 0, result.err
    html = out.read_text(encoding="utf-8")
    assert html.lstrip().lower().startswith("<!doctype html>")
    assert html.rstrip().endswith("</html>")
    for tag in ("<head>", "<title>", "<body", "<table", "</table>"):
        assert tag in html
    assert '<html lang="zh">' in html
    assert html.count('<tr class="row-') == example_claim_count()
    # self-contained: no external stylesheet, script or image
    assert 'rel="stylesheet"' not in html
    assert 'src="http' not in html


def test_lang_en_on_chinese_input_gives_english_labels(home: Path) -> None:
    result = run_cli(
        ["check", README_INPUT, "--corpus", README_CORPUS, "--lang", "en", "--db", str(home / "db.sqlite"), "-q"],
        home,
    )
    assert result.code == 0, result.err
    rows = table_rows(result.out)
    assert len(rows) == example_claim_count()
    en = [f"**{label.en}**" for label in Label]
    zh = [f"**{label.zh}**" for label in Label]
    for row in rows:
        assert sum(lab in row for lab in en) == 1, row
        assert not any(lab in row for lab in zh), row
    assert "claims checked" in result.out
    assert "本次核查" not in result.out


def test_stdin_input(home: Path) -> None:
    text = "Jack Rae studied at the University of Bristol.\n\nGopher is a language model with 280 billion parameters.\n"
    result = run_cli(
        ["check", "-", "--corpus", README_CORPUS, "--format", "json", "--db", str(home / "db.sqlite"), "-q"],
        home,
        stdin=text.encode("utf-8"),
    )
    assert result.code == 0, result.err
    data = json.loads(result.out)
    assert data["input"] == "-"
    assert data["language"] == "en"
    assert len(data["claims"]) == 2
    assert "Bristol" in data["claims"][0]["text"]
    assert data["claims"][1]["verdict"]["label"] in ("true", "mostly_true")


def test_claims_list_keeps_ids_and_corpus_run_uses_no_network(home: Path, tmp_path: Path) -> None:
    claims = tmp_path / "claims.jsonl"
    claims.write_text(
        '{"id": "bristol", "claim": "Jack Rae studied at the University of Bristol."}\n'
        '{"id": "gopher", "claim": "Gopher has 280 billion parameters."}\n',
        encoding="utf-8",
    )
    result = run_cli(
        ["check", str(claims), "--claims", "--corpus", README_CORPUS, "--format", "json",
         "--db", str(tmp_path / "db.sqlite"), "-q"],
        home,
        guarded=True,
    )
    assert result.code == 0, result.err
    data = json.loads(result.out)
    assert [c["id"] for c in data["claims"]] == ["bristol", "gopher"]
    assert data["stats"]["fetches"] == 0


# --- bad input: one line on stderr, exit 2 -----------------------------------------------------


def _bad_inputs(tmp: Path) -> dict[str, tuple[list[str], str]]:
    """name → (arguments after ``check``, a word the error line must contain)."""
    (tmp / "empty.md").write_bytes(b"")
    (tmp / "blank.txt").write_bytes(b"  \n\t\n   \r\n")
    (tmp / "image.txt").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)))
    (tmp / "big.txt").write_text("Jack Rae studied at the University of Bristol. " * 50, encoding="utf-8")
    rnd = random.Random(7)
    (tmp / "noise.txt").write_bytes(bytes(rnd.randrange(0x80, 0x100) for _ in range(4000)))
    (tmp / "broken.pdf").write_bytes(b"%PDF-1.7\n1 0 obj << /Type /Catalog >> garbage\n%%EOF")
    (tmp / "claims.jsonl").write_text('{"id": "a", "claim": "fine"}\n{"id": "a", "claim": ', encoding="utf-8")
    return {
        "missing": ([str(tmp / "no-such-file.md")], "no-such-file.md"),
        "empty": ([str(tmp / "empty.md")], "empty"),
        "whitespace": ([str(tmp / "blank.txt")], "whitespace"),
        "binary": ([str(tmp / "image.txt")], "image.txt"),
        "oversized": ([str(tmp / "big.txt"), "--max-bytes", "1000"], "1000"),
        "undecodable": ([str(tmp / "noise.txt")], "noise.txt"),
        "malformed-pdf": ([str(tmp / "broken.pdf")], "broken.pdf"),
        "bad-claims-list": ([str(tmp / "claims.jsonl"), "--claims"], "line 2"),
        "directory": ([str(tmp)], "directory"),
        "too-many-claims": ([README_INPUT, "--max-claims", "2"], "limit is 2"),
        "missing-corpus": ([README_INPUT, "--corpus", str(tmp / "no-such-folder")], "no-such-folder"),
    }


BAD = [
    "missing", "empty", "whitespace", "binary", "oversized", "undecodable", "malformed-pdf",
    "bad-claims-list", "directory", "too-many-claims",
    "missing-corpus",  # regression: the folder used to be checked after progress was printed
]


@pytest.mark.parametrize("case", BAD)
def test_bad_input_is_one_error_line_and_exit_2(case: str, home: Path, tmp_path: Path) -> None:
    args, word = _bad_inputs(tmp_path)[case]
    corpus = [] if case == "missing-corpus" else ["--corpus", README_CORPUS]
    result = run_cli(["check", *args, *corpus, "--db", str(tmp_path / "db.sqlite")], home)
    assert_one_error_line(result, 2)
    assert word.lower() in result.err.lower(), result.err


def test_missing_corpus_folder_is_exit_2_when_quiet(home: Path, tmp_path: Path) -> None:
    folder = tmp_path / "no-such-folder"
    result = run_cli(["check", README_INPUT, "--corpus", str(folder), "--db", str(tmp_path / "db.sqlite"), "-q"], home)
    assert_one_error_line(result, 2)
    assert "no-such-folder" in result.err


def test_empty_stdin_is_exit_2(home: Path, tmp_path: Path) -> None:
    result = run_cli(["check", "-", "--corpus", README_CORPUS, "--db", str(tmp_path / "db.sqlite")], home, stdin=b"")
    assert_one_error_line(result, 2)
    assert "standard input" in result.err


def test_store_that_cannot_be_used_is_exit_3(home: Path, tmp_path: Path) -> None:
    db = tmp_path / "not-a-database.sqlite"
    db.write_bytes(bytes(random.Random(5).randrange(256) for _ in range(4096)))
    result = run_cli(["check", README_INPUT, "--corpus", README_CORPUS, "--db", str(db), "-q"], home)
    assert_one_error_line(result, 3)
    assert "store" in result.err


def test_unreadable_corpus_file_is_skipped_and_listed(home: Path, tmp_path: Path) -> None:
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    for name in ("ucl-discovery-rae-thesis.md", "msn-meta-eleven-ai-hires.html"):
        (corpus / name).write_bytes((EXAMPLE_CORPUS / name).read_bytes())
    (corpus / "garbage.pdf").write_bytes(b"%PDF-1.4\n" + bytes(random.Random(3).randrange(256) for _ in range(2000)))
    claims = tmp_path / "claims.txt"
    claims.write_text("Jack Rae studied at the University of Bristol.\n", encoding="utf-8")
    db = tmp_path / "db.sqlite"
    result = run_cli(["check", str(claims), "--claims", "--corpus", str(corpus), "--format", "json", "--db", str(db), "-q"], home)
    assert result.code == 0, result.err
    assert "Traceback" not in result.err
    data = json.loads(result.out)
    skipped = data["stats"]["skipped_files"]
    assert len(skipped) == 1 and "garbage.pdf" in skipped[0], skipped
    assert data["stats"]["documents"] == 2
    assert len(data["claims"]) == 1
    # the rendered report lists the skipped file too
    shown = run_cli(["show", data["run_id"], "--lang", "en", "--db", str(db)], home)
    assert shown.code == 0, shown.err
    assert "skipped corpus files" in shown.out and "garbage.pdf" in shown.out


def test_show_unknown_run_is_exit_2(home: Path, tmp_path: Path) -> None:
    result = run_cli(["show", "unknown-id", "--db", str(tmp_path / "db.sqlite")], home)
    assert_one_error_line(result, 2)
    assert "unknown-id" in result.err


@pytest.mark.parametrize("args", [["--help"], ["check", "--help"], ["show", "--help"]])
def test_help_mentions_exit_codes(args: list[str], home: Path) -> None:
    result = run_cli(args, home)
    assert result.code == 0, result.err
    text = result.out
    assert "Exit codes" in text
    for code in ("0", "1", "2", "3", "130"):
        assert f"  {code} " in text or f"  {code}\t" in text, code
    assert "bad usage or bad input" in text
