"""Corpus folders that give nothing to search, and files the corpus cannot read.

* a file of an unsupported type (``.docx``, ``.xlsx``, an image) is listed in ``skipped`` with
  the reason ``unsupported file type .docx``, also when the cached index is reused;
* a folder without one readable document is a :class:`CorpusError` (exit 2): an empty folder
  or one of unsupported files only when the corpus is made, one whose every html/md/txt/pdf
  file fails to load when it is opened;
* the ``veracity check`` command: an empty corpus is one error line and exit 2, and the files
  it skipped are one note line on stderr (the real command, in a subprocess).
"""

from __future__ import annotations

import json
import os
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from conftest import EXAMPLE_CORPUS
from veracity.config import Settings
from veracity.corpus.index import LocalCorpus
from veracity.corpus.loaders import iter_corpus_files, scan_corpus_files
from veracity.errors import CorpusError
from web_kit import WordEmbedder


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return Settings(cache_dir=tmp_path / "cache", db_path=tmp_path / "db.sqlite")


def _corpus(dirs: list[Path], settings: Settings) -> LocalCorpus:
    return LocalCorpus(dirs, settings=settings, embedder=WordEmbedder())


def test_unsupported_files_are_listed_with_the_reason(tmp_path: Path, settings: Settings) -> None:
    root = tmp_path / "corpus"
    (root / "sub").mkdir(parents=True)
    (root / "otters.txt").write_text("Sea otters hold hands while they sleep.", encoding="utf-8")
    (root / "report.docx").write_bytes(b"PK\x03\x04 word document")
    (root / "sub" / "table.XLSX").write_bytes(b"PK\x03\x04 spreadsheet")
    (root / "photo.png").write_bytes(b"\x89PNG\r\n\x1a\n")
    (root / "LICENSE").write_text("no suffix at all", encoding="utf-8")
    (root / ".hidden.docx").write_bytes(b"hidden files stay unlisted")

    supported, unsupported = scan_corpus_files([root])
    assert supported == iter_corpus_files([root]) == [root / "otters.txt"]
    assert [p.name for p in unsupported] == ["LICENSE", "photo.png", "report.docx", "table.XLSX"]

    corpus = _corpus([root], settings)
    corpus.open()
    assert [d.source.title for d in corpus.documents] == ["Sea otters hold hands while they sleep."]
    expected = [
        f"{root.resolve() / 'LICENSE'}: unsupported file type (none)",
        f"{root.resolve() / 'photo.png'}: unsupported file type .png",
        f"{root.resolve() / 'report.docx'}: unsupported file type .docx",
        f"{root.resolve() / 'sub' / 'table.XLSX'}: unsupported file type .xlsx",
    ]
    assert corpus.skipped == expected
    assert corpus.search_sync("otters sleep", 1)[0][0].text.startswith("Sea otters")

    again = _corpus([root], settings)
    again.open()
    assert again.reused and again.parsed == 0
    assert again.skipped == expected

    # a new unsupported file is noticed (the cached index is not reused blindly)
    (root / "slides.pptx").write_bytes(b"PK\x03\x04 slides")
    third = _corpus([root], settings)
    third.open()
    assert f"{root.resolve() / 'slides.pptx'}: unsupported file type .pptx" in third.skipped
    assert len(third.documents) == 1


def test_an_empty_folder_is_an_error_at_once(tmp_path: Path, settings: Settings) -> None:
    empty = tmp_path / "empty"
    empty.mkdir()
    (empty / ".hidden.md").write_text("# hidden\n\nnot a corpus document", encoding="utf-8")
    with pytest.raises(CorpusError) as caught:
        _corpus([empty], settings)
    message = str(caught.value)
    assert "\n" not in message and CorpusError.exit_code == 2
    assert message == (f"corpus folder {empty.resolve()} has no readable documents: "
                       "it holds no htm/html/markdown/md/pdf/txt files")


def test_a_folder_of_unsupported_files_only_names_them(tmp_path: Path, settings: Settings) -> None:
    root = tmp_path / "office"
    root.mkdir()
    for name in ("a.docx", "b.xlsx", "c.jpg", "d.pptx"):
        (root / name).write_bytes(b"PK\x03\x04")
    with pytest.raises(CorpusError, match=r"only 4 files of other types \(a\.docx, b\.xlsx, c\.jpg and 1 more\)"):
        _corpus([root], settings)


def test_a_folder_whose_every_file_fails_is_an_error_when_opened(tmp_path: Path, settings: Settings) -> None:
    root = tmp_path / "broken"
    root.mkdir()
    (root / "junk.txt").write_bytes(b"\x00\x01\x02 binary junk \x00\xff")
    (root / "blank.md").write_text("   \n\n", encoding="utf-8")
    (root / "notes.docx").write_bytes(b"PK\x03\x04")
    corpus = _corpus([root], settings)  # it holds .txt and .md files: made without complaint
    with pytest.raises(CorpusError) as caught:
        corpus.open()
    message = str(caught.value)
    assert "\n" not in message
    assert message.startswith(f"corpus folder {root.resolve()} has no readable documents: 3 files skipped (")
    assert "blank.md: empty file" in message and "junk.txt: binary file" in message
    assert "notes.docx: unsupported file type .docx" in message
    # the cached index of the failed opening is reused, and still refused
    with pytest.raises(CorpusError, match="no readable documents"):
        _corpus([root], settings).open()


def test_one_empty_folder_among_several_is_named(tmp_path: Path, settings: Settings) -> None:
    good = tmp_path / "good"
    good.mkdir()
    (good / "x.txt").write_text("Ada Lovelace wrote the first published algorithm.", encoding="utf-8")
    empty = tmp_path / "nothing-here"
    empty.mkdir()
    with pytest.raises(CorpusError, match=f"corpus folder {re.escape(str(empty.resolve()))} has no readable"):
        _corpus([good, empty], settings)


# --- the command ---------------------------------------------------------------------------------

@dataclass
class Ran:
    returncode: int
    stdout: str
    stderr: str


def _veracity(args: list[str], tmp_path: Path) -> Ran:
    """The CLI in process (with the session's encoder), over a clean ``VERACITY_*`` environment."""
    from click.testing import CliRunner

    from veracity.cli import main

    env: dict[str, str | None] = {k: None for k in os.environ if k.startswith("VERACITY_")}
    env.update(VERACITY_CACHE_DIR=str(tmp_path / "cache"), VERACITY_DB_PATH=str(tmp_path / "db.sqlite"))
    result = CliRunner().invoke(main, args, env=env)
    return Ran(result.exit_code, result.stdout, result.stderr)


def test_check_with_an_empty_corpus_is_one_error_line_exit_2(tmp_path: Path, one_encoder: Any) -> None:
    empty = tmp_path / "corpus"
    empty.mkdir()
    (empty / "draft.docx").write_bytes(b"PK\x03\x04")
    claims = tmp_path / "claims.txt"
    claims.write_text("Jack Rae studied at the University of Bristol.\n", encoding="utf-8")
    result = _veracity(["check", str(claims), "--claims", "--corpus", str(empty), "--no-llm"], tmp_path)
    assert result.returncode == 2, result.stderr
    lines = result.stderr.strip().splitlines()
    assert lines == [f"veracity: error: corpus folder {empty.resolve()} has no readable documents: "
                     "it holds no htm/html/markdown/md/pdf/txt files, only 1 file of other types (draft.docx)"]
    assert result.stdout == ""


def test_check_notes_the_skipped_files_in_one_line(tmp_path: Path, one_encoder: Any) -> None:
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    name = "ucl-discovery-rae-thesis.md"
    (corpus / name).write_bytes((EXAMPLE_CORPUS / name).read_bytes())
    for extra in ("budget.xlsx", "cv.docx", "headshot.jpg", "notes.odt"):
        (corpus / extra).write_bytes(b"PK\x03\x04")
    claims = tmp_path / "claims.txt"
    claims.write_text("Jack Rae studied at the University of Bristol.\n", encoding="utf-8")
    result = _veracity(["check", str(claims), "--claims", "--corpus", str(corpus), "--no-llm",
                        "--format", "json"], tmp_path)
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout)
    assert len(report["stats"]["skipped_files"]) == 4
    assert any(s.endswith("cv.docx: unsupported file type .docx") for s in report["stats"]["skipped_files"])
    notes = [line for line in result.stderr.splitlines() if "corpus files skipped" in line]
    assert notes == ["veracity: note: 4 corpus files skipped: budget.xlsx (unsupported file type .xlsx), "
                     "cv.docx (unsupported file type .docx), headshot.jpg (unsupported file type .jpg), "
                     "and 1 more (listed in the report)"]
