"""Ingest: formats, stdin, claims lists, and a clear one-line error for every bad input."""

from __future__ import annotations

import gzip
import io
import json
import random
import zipfile
from pathlib import Path

import pytest

from veracity.errors import (
    BinaryInput,
    ClaimsFormatError,
    EmptyInput,
    InputError,
    InputNotFound,
    InputTooLarge,
    MalformedPDF,
    UndecodableInput,
)
from veracity.ingest import read_input, sniff_format

MB = 1024 * 1024
LIMIT = 50 * MB

ZH_BIO = (
    "# 张三简介\n\n张三是一位研究自然语言处理的学者。\n\n## 教育背景\n"
    "本科毕业于北京大学;博士毕业于清华大学,研究方向为机器翻译。\n"
)


def write(tmp_path: Path, name: str, data: bytes | str) -> Path:
    p = tmp_path / name
    p.write_bytes(data.encode("utf-8") if isinstance(data, str) else data)
    return p


def one_line_naming(err: pytest.ExceptionInfo[InputError], name: str) -> None:
    msg = str(err.value)
    assert "\n" not in msg
    assert name in msg


# --- formats ---------------------------------------------------------------------------------


def test_markdown_keeps_text_and_takes_title_from_h1(tmp_path: Path) -> None:
    p = write(tmp_path, "bio.md", ZH_BIO)
    doc = read_input(p, max_bytes=LIMIT)
    assert doc.text == ZH_BIO
    assert doc.title == "张三简介"
    assert doc.format == "md"
    assert doc.kind == "document"
    assert doc.language == "zh"
    assert doc.origin == str(p)


def test_markdown_front_matter_is_dropped_and_gives_the_title(tmp_path: Path) -> None:
    body = "# Heading\n\nJane Doe is a chemist at the University of Leeds.\n"
    p = write(
        tmp_path, "post.markdown", f"---\ntitle: Jane Doe, chemist\ndate: 2024-01-01\n---\n{body}"
    )
    doc = read_input(p, max_bytes=LIMIT)
    assert doc.text == body
    assert doc.title == "Jane Doe, chemist"
    assert doc.language == "en"


def test_a_horizontal_rule_at_the_top_is_not_front_matter(tmp_path: Path) -> None:
    text = "---\nJane Doe is a chemist. She works in Leeds.\n---\nMore text here about her work.\n"
    doc = read_input(write(tmp_path, "a.md", text), max_bytes=LIMIT)
    assert doc.text == text


def test_crlf_and_bom_are_normalised(tmp_path: Path) -> None:
    p = write(tmp_path, "a.txt", b"\xef\xbb\xbfLine one is here.\r\nLine two is here.\r\n")
    doc = read_input(p, max_bytes=LIMIT)
    assert doc.text == "Line one is here.\nLine two is here.\n"
    assert doc.format == "txt"


def test_html_gives_main_text_and_title(tmp_path: Path) -> None:
    html = (
        "<!DOCTYPE html><html><head><meta charset='utf-8'><title>Jane Doe - Profile</title>"
        "</head><body><nav>Home | About | Contact</nav><article><h1>Jane Doe</h1>"
        "<p>Jane Doe is a chemist who studies catalysts at the University of Leeds.</p>"
        "<p>She received her doctorate from the University of York in 2010.</p></article>"
        "<footer>All rights reserved</footer></body></html>"
    )
    doc = read_input(write(tmp_path, "page.html", html), max_bytes=LIMIT)
    assert doc.format == "html"
    assert "Jane Doe is a chemist" in doc.text
    assert "<p>" not in doc.text
    assert doc.title and "Jane Doe" in doc.title
    assert doc.language == "en"


def _pdf_bytes(text: str) -> bytes:
    fpdf = pytest.importorskip("fpdf")
    pdf = fpdf.FPDF()
    pdf.add_page()
    pdf.set_font("helvetica", size=12)
    pdf.multi_cell(0, 8, text)
    return bytes(pdf.output())


def test_pdf_text_is_extracted(tmp_path: Path) -> None:
    data = _pdf_bytes("Jane Doe is a chemist. She works at the University of Leeds.")
    doc = read_input(write(tmp_path, "cv.pdf", data), max_bytes=LIMIT)
    assert doc.format == "pdf"
    assert "Jane Doe is a chemist." in doc.text
    assert doc.language == "en"


def test_unknown_suffix_is_sniffed(tmp_path: Path) -> None:
    pdf = _pdf_bytes("Jane Doe is a chemist at the University of Leeds.")
    assert read_input(write(tmp_path, "a.bin", pdf), max_bytes=LIMIT).format == "pdf"
    html = "<html><head><title>T</title></head><body><p>Jane Doe is a chemist in Leeds.</p></body></html>"
    assert read_input(write(tmp_path, "b.dat", html), max_bytes=LIMIT).format == "html"
    assert (
        read_input(write(tmp_path, "c", "# Title\n\nSome text.\n"), max_bytes=LIMIT).format == "md"
    )
    assert (
        read_input(write(tmp_path, "d.log", "Plain words here."), max_bytes=LIMIT).format == "txt"
    )


def test_sniff_format() -> None:
    assert sniff_format("  <!doctype html><html>") == "html"
    assert sniff_format("<?xml version='1.0'?>\n<html xmlns='x'>") == "html"
    assert sniff_format("## Section\ntext") == "md"
    assert sniff_format("x < y and <b> is bold") == "txt"


def test_stdin_is_read_and_sniffed() -> None:
    doc = read_input("-", max_bytes=LIMIT, stdin=io.BytesIO(ZH_BIO.encode()))
    assert doc.origin == "-"
    assert doc.format == "md"
    assert doc.text == ZH_BIO


def test_language_override_and_validation(tmp_path: Path) -> None:
    p = write(tmp_path, "a.txt", ZH_BIO)
    assert read_input(p, max_bytes=LIMIT, lang="en").language == "en"
    assert read_input(p, max_bytes=LIMIT, lang="auto").language == "zh"
    with pytest.raises(InputError, match="unknown language"):
        read_input(p, max_bytes=LIMIT, lang="fr")


# --- encodings -------------------------------------------------------------------------------


def test_gbk_chinese_decodes(tmp_path: Path) -> None:
    text = "张三是一位研究自然语言处理的学者,曾在北京大学任教,后来加入一家人工智能公司担任首席科学家。\n"
    for enc in ("gbk", "gb18030"):
        doc = read_input(write(tmp_path, f"{enc}.txt", text.encode(enc)), max_bytes=LIMIT)
        assert doc.text == text
        assert doc.language == "zh"


def test_utf16_with_bom_and_cp1252_decode(tmp_path: Path) -> None:
    text = "Jane Doe is a chemist at the University of Leeds.\n"
    assert (
        read_input(write(tmp_path, "u16.txt", text.encode("utf-16")), max_bytes=LIMIT).text == text
    )
    latin = "Café culture and naïve résumés: Jane Doe studied in Besançon and Zürich.\n"
    doc = read_input(write(tmp_path, "w.txt", latin.encode("cp1252")), max_bytes=LIMIT)
    assert doc.text == latin


def test_random_high_bytes_are_undecodable(tmp_path: Path) -> None:
    rnd = random.Random(7)
    data = bytes(rnd.randrange(0x80, 0x100) for _ in range(4000))
    p = write(tmp_path, "noise.txt", data)
    with pytest.raises((UndecodableInput, BinaryInput)) as err:
        read_input(p, max_bytes=LIMIT)
    one_line_naming(err, "noise.txt")


def test_random_bytes_are_binary_or_undecodable(tmp_path: Path) -> None:
    rnd = random.Random(11)
    p = write(tmp_path, "blob", bytes(rnd.randrange(0, 0x100) for _ in range(4000)))
    with pytest.raises((UndecodableInput, BinaryInput)):
        read_input(p, max_bytes=LIMIT)


# --- errors ----------------------------------------------------------------------------------


def test_missing_file_and_directory(tmp_path: Path) -> None:
    with pytest.raises(InputNotFound) as err:
        read_input(tmp_path / "nope.md", max_bytes=LIMIT)
    one_line_naming(err, "nope.md")
    with pytest.raises(InputNotFound, match="directory") as err:
        read_input(tmp_path, max_bytes=LIMIT)
    one_line_naming(err, str(tmp_path))


@pytest.mark.parametrize("data", [b"", b"   \n\t\r\n  ", b"\xef\xbb\xbf  \n", "\u3000\n".encode()])
def test_empty_and_whitespace_only(tmp_path: Path, data: bytes) -> None:
    with pytest.raises(EmptyInput) as err:
        read_input(write(tmp_path, "empty.txt", data), max_bytes=LIMIT)
    one_line_naming(err, "empty.txt")


def _zip_bytes() -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        zf.writestr("a.txt", "hello world " * 20)
    return buf.getvalue()


@pytest.mark.parametrize(
    ("name", "data", "what"),
    [
        ("image.txt", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)), "PNG"),
        ("archive.md", None, "ZIP"),
        ("prog", b"\x7fELF\x02\x01\x01\x00" + b"\x00" * 64, "ELF"),
        ("notes.txt", gzip.compress(b"some text " * 50), "gzip"),
        ("nul.txt", b"plain words\x00more words", "NUL"),
    ],
)
def test_binary_inputs(tmp_path: Path, name: str, data: bytes | None, what: str) -> None:
    p = write(tmp_path, name, data if data is not None else _zip_bytes())
    with pytest.raises(BinaryInput, match=what) as err:
        read_input(p, max_bytes=LIMIT)
    one_line_naming(err, name)


def test_too_large_is_refused_before_reading(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    big = tmp_path / "big.txt"
    with big.open("wb") as fh:  # sparse: 50 MB + 1 byte without writing them
        fh.truncate(LIMIT + 1)

    def no_read(*args: object, **kwargs: object) -> None:
        raise AssertionError("the file must not be opened")

    monkeypatch.setattr(Path, "open", no_read)
    monkeypatch.setattr(Path, "read_bytes", no_read)
    with pytest.raises(InputTooLarge) as err:
        read_input(big, max_bytes=LIMIT)
    one_line_naming(err, "big.txt")


def test_small_limit(tmp_path: Path) -> None:
    p = write(tmp_path, "a.txt", "x" * 101)
    with pytest.raises(InputTooLarge, match="100"):
        read_input(p, max_bytes=100)
    assert read_input(write(tmp_path, "b.txt", "y" * 100), max_bytes=100).text == "y" * 100


class _CountingStream(io.BytesIO):
    def __init__(self, data: bytes) -> None:
        super().__init__(data)
        self.asked: list[int] = []

    def read(self, size: int | None = -1) -> bytes:
        self.asked.append(-1 if size is None else size)
        return super().read(size)


def test_stdin_is_read_to_at_most_the_limit_plus_one() -> None:
    stream = _CountingStream(b"a" * 10_000)
    with pytest.raises(InputTooLarge) as err:
        read_input("-", max_bytes=100, stdin=stream)
    assert stream.asked == [101]
    one_line_naming(err, "standard input")
    with pytest.raises(EmptyInput):
        read_input("-", max_bytes=100, stdin=io.BytesIO(b""))


def test_malformed_pdf_names_the_file(tmp_path: Path) -> None:
    p = write(tmp_path, "broken.pdf", b"%PDF-1.4\nthis is not really a pdf\n%%EOF")
    with pytest.raises(MalformedPDF) as err:
        read_input(p, max_bytes=LIMIT)
    one_line_naming(err, "broken.pdf")


# --- claims lists ----------------------------------------------------------------------------


def test_plain_claims_list(tmp_path: Path) -> None:
    text = (
        "# claims to check\n"
        "Jane Doe is a chemist.\n\n"
        "- She studied at the University of York.\n"
        "  2. 张三毕业于北京大学。  \n"
    )
    doc = read_input(write(tmp_path, "claims.txt", text), claims=True, max_bytes=LIMIT)
    assert doc.kind == "claims" and doc.format == "claims"
    assert [c.id for c in doc.claims] == ["c1", "c2", "c3"]
    assert [c.text for c in doc.claims] == [
        "Jane Doe is a chemist.",
        "She studied at the University of York.",
        "张三毕业于北京大学。",
    ]
    for c in doc.claims:
        assert c.span is not None
        assert doc.text[c.span.start : c.span.end] == c.text


def test_jsonl_claims_keep_their_ids(tmp_path: Path) -> None:
    lines = [
        json.dumps({"id": "A-1", "claim": "Jane Doe is a chemist."}),
        json.dumps({"id": 7, "text": "张三毕业于北京大学。"}, ensure_ascii=False),
        json.dumps({"claim": "The id is generated."}),
        json.dumps({"id": "q", "claim": 'Quote "inside" and \u00e9'}, ensure_ascii=True),
    ]
    doc = read_input(write(tmp_path, "c.jsonl", "\n".join(lines)), claims=True, max_bytes=LIMIT)
    assert [c.id for c in doc.claims] == ["A-1", "7", "c3", "q"]
    assert doc.claims[1].text == "张三毕业于北京大学。"
    assert doc.claims[3].text == 'Quote "inside" and é'
    for c in doc.claims[:3]:
        assert c.span is not None and doc.text[c.span.start : c.span.end] == c.text
    # escaped JSON: the span points at the whole line
    span = doc.claims[3].span
    assert span is not None and doc.text[span.start : span.end] == lines[3]


@pytest.mark.parametrize(
    ("text", "pattern"),
    [
        ('ok claim here\n{"id": 1, "claim": "x"\n', "line 2"),
        (
            '{"id": "a", "claim": "first"}\n{"id": "a", "claim": "second"}\n',
            "line 2.*duplicate.*'a'",
        ),
        ('{"id": "a", "who": "no claim key"}\n', "line 1.*claim"),
        ('{"id": "a", "claim": "   "}\n', "line 1"),
        ('{"id": ["x"], "claim": "list id"}\n', "line 1.*id"),
        ('one\n\n["a", "list"]\n{"claim": 5}\n', "line 4"),
    ],
)
def test_claims_format_errors(tmp_path: Path, text: str, pattern: str) -> None:
    with pytest.raises(ClaimsFormatError, match=pattern) as err:
        read_input(write(tmp_path, "bad.jsonl", text), claims=True, max_bytes=LIMIT)
    one_line_naming(err, "bad.jsonl")


def test_plain_ids_colliding_with_explicit_ids_are_duplicates(tmp_path: Path) -> None:
    text = '{"id": "c2", "claim": "explicit"}\nplain line becomes c2\n'
    with pytest.raises(ClaimsFormatError, match="duplicate"):
        read_input(write(tmp_path, "mix.txt", text), claims=True, max_bytes=LIMIT)


def test_claims_list_must_be_text(tmp_path: Path) -> None:
    p = write(tmp_path, "claims.pdf", _pdf_bytes("Jane Doe is a chemist."))
    with pytest.raises(ClaimsFormatError):
        read_input(p, claims=True, max_bytes=LIMIT)
    with pytest.raises(EmptyInput):
        read_input(write(tmp_path, "c.txt", "# only a comment\n\n"), claims=True, max_bytes=LIMIT)


# --- implausible decodings -------------------------------------------------------------------


@pytest.mark.parametrize(
    "data",
    [
        b"\xff\xfe\x00J\x00a\x00c\x00k\xd8\x00",  # UTF-16 BOM over ASCII in the wrong byte order
        b"\xfe\xff" + "Jack Rae worked at DeepMind.".encode("utf-16-le"),
        "Jack Rae worked at DeepMind in café résumé. ".encode() * 3 + b"\xff\xfe broken",
        b"Jack Rae worked at DeepMind \xff\xfe\xfa\x93",
        "\x85\x86\x87\x88\x89 Jack Rae".encode(),  # C1 controls
    ],
)
def test_mojibake_is_undecodable(tmp_path: Path, data: bytes) -> None:
    p = write(tmp_path, "mojibake.txt", data)
    with pytest.raises(UndecodableInput) as err:
        read_input(p, max_bytes=LIMIT)
    one_line_naming(err, "mojibake.txt")


@pytest.mark.parametrize(
    ("data", "text"),
    [
        ("张三是一位研究自然语言处理的学者。".encode(), "张三是一位研究自然语言处理的学者。"),
        ("\ufeffJane Doe, café".encode(), "Jane Doe, café"),
        (
            "张三是一位研究自然语言处理的学者。".encode("utf-16"),
            "张三是一位研究自然语言处理的学者。",
        ),
        ("Jane Doe is a chemist.".encode("utf-16"), "Jane Doe is a chemist."),
        ("café résumé".encode("cp1252"), "café résumé"),
        ("Ça va à Besançon, señor".encode("latin-1"), "Ça va à Besançon, señor"),
        ("Größe Übermaß Äpfel schön".encode("cp1252"), "Größe Übermaß Äpfel schön"),
        ("张三是一位研究自然语言处理的学者。".encode("gbk"), "张三是一位研究自然语言处理的学者。"),
    ],
)
def test_real_text_still_decodes(tmp_path: Path, data: bytes, text: str) -> None:
    assert read_input(write(tmp_path, "real.txt", data), max_bytes=LIMIT).text == text


def test_cli_refuses_mojibake_with_exit_2(tmp_path: Path) -> None:
    from click.testing import CliRunner

    from veracity.cli import main

    p = write(tmp_path, "bad.txt", b"\xff\xfe\x00J\x00a\x00c\x00k\xd8\x00")
    result = CliRunner().invoke(main, ["check", str(p), "--db", str(tmp_path / "db.sqlite")])  # never the user's store
    assert result.exit_code == 2
    errors = [line for line in result.output.splitlines() if "bad.txt" in line]
    assert len(errors) == 1 and "implausible" in errors[0]


# --- titles ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "title"),
    [
        ("# Jane Doe ##\n\nbody text\n", "Jane Doe"),
        ("intro\n\nJane Doe\n===  \nbody\n", "Jane Doe"),
        ("## Sub\n# Main\n", "Main"),
        ("Main\n=\n# Later\n", "Main"),
        ("#no space\ntext\n", None),
        ("text\n" * 300 + "# Too late\n", None),
    ],
)
def test_markdown_titles(tmp_path: Path, text: str, title: str | None) -> None:
    assert read_input(write(tmp_path, "t.md", text), max_bytes=LIMIT).title == title
