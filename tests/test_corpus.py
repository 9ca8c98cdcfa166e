"""The local corpus: file loaders, passage splitting and the cached on-disk index."""

from __future__ import annotations

import asyncio
import hashlib
import os
import re
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
from fpdf import FPDF

from veracity.config import Settings
from veracity.corpus import index as index_mod
from veracity.corpus.index import LocalCorpus
from veracity.corpus.loaders import file_url, iter_corpus_files, load_file
from veracity.corpus.passages import split_passages
from veracity.errors import BinaryInput, CorpusError, EmptyInput, InputError, InputTooLarge
from veracity.run.tools import Shared
from veracity.search.base import SearchProvider
from veracity.text import normalize_for_match
from veracity.types import Document, PageSpan, SearchResult, Source, SourceKind
from web_kit import WordEmbedder

# --- fixtures ---------------------------------------------------------------------------------

MD = """---
title: GPT-4 Technical Report
url: https://arxiv.org/abs/2303.08774
published: 2023-03-15
kind: scholarly
---

# GPT-4 Technical Report

We report the development of GPT-4, a large multimodal model. It accepts image and text inputs
and produces text outputs.

## Contributions

Jack Rae is listed as research benchmark execution lead.
"""

TXT = """Title: Compression for AGI
URL: https://www.youtube.com/watch?v=dO4TPJkeaaU
Published: 2023-02-27

Jack Rae gave a talk on compression and general intelligence at the Stanford MLSys seminar.
He argued that language models are lossless compressors.
"""

HTML = """<html><head><title>NeurIPS awards</title>
<link rel="canonical" href="https://blog.neurips.cc/2022/11/21/announcing-the-neurips-2022-awards/">
<meta property="article:published_time" content="2022-11-21">
</head><body><article><h1>Announcing the NeurIPS 2022 Awards</h1>
<p>The outstanding paper awards go to thirteen papers this year.</p>
<p>An empirical analysis of compute-optimal large language model training received an
outstanding paper award at NeurIPS 2022.</p></article></body></html>"""


def _pdf_bytes(pages: list[str]) -> bytes:
    pdf = FPDF()
    pdf.set_font("Helvetica", size=12)
    pdf.set_creation_date(datetime(2021, 12, 8))
    for text in pages:
        pdf.add_page()
        pdf.multi_cell(0, 8, text)
    return bytes(pdf.output())


@pytest.fixture
def corpus_dir(tmp_path: Path) -> Path:
    root = tmp_path / "corpus"
    (root / "sub").mkdir(parents=True)
    (root / "gpt4.md").write_text(MD, encoding="utf-8")
    (root / "talk.txt").write_text(TXT, encoding="utf-8")
    (root / "sub" / "awards.html").write_text(HTML, encoding="utf-8")
    (root / "sub" / "gopher.pdf").write_bytes(
        _pdf_bytes(
            [
                "Scaling Language Models: Gopher\nurl: https://example.org/gopher.pdf\n"
                "The Gopher model has 280 billion parameters.",
                "Gopher was evaluated on 152 diverse tasks.",
            ]
        )
    )
    (root / "broken.pdf").write_bytes(b"%PDF-1.4\nnot a real pdf")
    (root / "binary.txt").write_bytes(b"\x00\x01\x02 binary junk \x00\xff")
    (root / ".hidden.md").write_text("# hidden\n\nnot indexed", encoding="utf-8")
    (root / "notes.docx").write_bytes(b"PK\x03\x04")
    return root


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return Settings(cache_dir=tmp_path / "cache", db_path=tmp_path / "db.sqlite")


# --- loaders ----------------------------------------------------------------------------------


def test_iter_corpus_files_sorted_recursive_supported_only(corpus_dir: Path) -> None:
    files = iter_corpus_files([corpus_dir])
    names = [p.relative_to(corpus_dir).as_posix() for p in files]
    assert names == sorted(names)
    assert set(names) == {
        "binary.txt",
        "broken.pdf",
        "gpt4.md",
        "sub/awards.html",
        "sub/gopher.pdf",
        "talk.txt",
    }
    assert iter_corpus_files([corpus_dir, corpus_dir / "sub"]) == files  # each file once


def test_markdown_front_matter(corpus_dir: Path) -> None:
    path = corpus_dir / "gpt4.md"
    doc = load_file(path, max_bytes=10_000)
    src = doc.source
    assert (src.title, src.url, src.published) == (
        "GPT-4 Technical Report",
        "https://arxiv.org/abs/2303.08774",
        "2023-03-15",
    )
    assert src.published_origin == "front-matter"
    assert src.kind == SourceKind.SCHOLARLY
    assert src.provider == "corpus"
    assert src.content_hash == hashlib.sha256(path.read_bytes()).hexdigest()
    assert doc.path == str(path.resolve())
    assert doc.text.startswith("\n# GPT-4 Technical Report")
    assert doc.text in path.read_text(encoding="utf-8")  # markdown kept exactly as written


def test_markdown_without_front_matter_and_date_key(tmp_path: Path) -> None:
    plain = tmp_path / "plain.md"
    plain.write_text("Intro line\n\n## The Heading\n\nBody.", encoding="utf-8")
    doc = load_file(plain, max_bytes=10_000)
    assert doc.source.title == "The Heading"
    assert doc.source.url == file_url(plain) == "file://" + str(plain.resolve())
    assert doc.source.published is None and doc.source.kind == SourceKind.UNKNOWN
    dated = tmp_path / "dated.md"
    dated.write_text("---\ndate: 'June 2025'\nkind: nonsense\n---\nText.", encoding="utf-8")
    doc = load_file(dated, max_bytes=10_000)
    assert doc.source.published == "2025-06" and doc.source.kind == SourceKind.UNKNOWN
    assert doc.source.title == "Text."


def test_txt_header_lines_are_metadata_and_stay_in_text(corpus_dir: Path) -> None:
    doc = load_file(corpus_dir / "talk.txt", max_bytes=10_000)
    assert doc.source.title == "Compression for AGI"
    assert doc.source.url == "https://www.youtube.com/watch?v=dO4TPJkeaaU"
    assert (doc.source.published, doc.source.published_origin) == ("2023-02-27", "header")
    assert doc.text == TXT
    bare = corpus_dir / "bare.txt"
    bare.write_bytes(b"Erste Zeile\r\nzweite Zeile\r\n")
    doc = load_file(bare, max_bytes=10_000)
    assert doc.source.title == "Erste Zeile" and doc.source.url.startswith("file://")
    assert doc.text == "Erste Zeile\nzweite Zeile\n"


def test_html_and_pdf_files(corpus_dir: Path) -> None:
    html = load_file(corpus_dir / "sub" / "awards.html", max_bytes=100_000)
    assert html.source.url.startswith("https://blog.neurips.cc/2022/11/21/")
    assert html.source.published == "2022-11-21"
    assert "outstanding paper award at NeurIPS 2022" in html.text.replace("\n", " ")
    pdf = load_file(corpus_dir / "sub" / "gopher.pdf", max_bytes=100_000)
    assert pdf.source.url == "https://example.org/gopher.pdf"
    assert [p.page for p in pdf.pages] == [1, 2]
    assert pdf.source.published == "2021-12-08"


def test_unreadable_files_raise_clear_errors(corpus_dir: Path, tmp_path: Path) -> None:
    with pytest.raises(BinaryInput, match=r"binary\.txt.*binary"):
        load_file(corpus_dir / "binary.txt", max_bytes=10_000)
    with pytest.raises(InputError, match=r"broken\.pdf.*cannot parse PDF"):
        load_file(corpus_dir / "broken.pdf", max_bytes=10_000)
    with pytest.raises(InputTooLarge, match="limit"):
        load_file(corpus_dir / "gpt4.md", max_bytes=10)
    empty = tmp_path / "empty.txt"
    empty.write_text("  \n")
    with pytest.raises(EmptyInput):
        load_file(empty, max_bytes=10)
    with pytest.raises(InputError, match="unsupported"):
        load_file(corpus_dir / "notes.docx", max_bytes=10_000)


@pytest.mark.skipif(os.name != "posix" or os.geteuid() == 0, reason="root reads chmod 000 files")
def test_permission_denied(tmp_path: Path) -> None:
    locked = tmp_path / "locked.txt"
    locked.write_text("secret")
    locked.chmod(0)
    try:
        with pytest.raises(InputError, match="permission denied"):
            load_file(locked, max_bytes=100)
    finally:
        locked.chmod(0o644)


# --- passages ---------------------------------------------------------------------------------


def _doc(text: str, pages: list[PageSpan] | None = None) -> Document:
    return Document(
        source=Source(url="https://x.example/doc", content_hash="ab" * 32),
        text=text,
        pages=pages or [],
    )


def test_passages_offsets_sentences_and_ids() -> None:
    text = (
        "# Jack Rae\n\nJack Rae is a researcher. He worked at DeepMind. He led Gopher. "
        "He moved to OpenAI.\n\nSecond paragraph here. It has two sentences."
    )
    doc = _doc(text)
    passages = split_passages(doc, sentences=3, max_chars=600)
    for n, p in enumerate(passages):
        assert doc.text[p.start : p.end] == p.text
        assert p.id == f"{'ab' * 6}:{n}"
        assert p.doc_url == "https://x.example/doc"
    texts = [p.text for p in passages]
    # the heading is carried into the first passage; paragraphs are never crossed
    assert (
        texts[0] == "# Jack Rae\n\nJack Rae is a researcher. He worked at DeepMind. He led Gopher."
    )
    assert texts[1] == "He moved to OpenAI."
    assert texts[2] == "Second paragraph here. It has two sentences."


def test_passages_cut_long_sentences_and_keep_hard_breaks() -> None:
    long_en = " ".join(f"word{i}" for i in range(400))
    long_zh = "这是一个很长的中文句子" * 100
    doc = _doc(long_en + "\n\n" + long_zh + "\n\n\nHeading\n\n\nAfter a hard break.")
    passages = split_passages(doc, sentences=3, max_chars=200)
    assert all(len(p.text) <= 200 for p in passages)
    assert all(doc.text[p.start : p.end] == p.text for p in passages)
    joined = normalize_for_match("".join(p.text for p in passages))
    assert joined == normalize_for_match(doc.text)  # nothing lost, nothing duplicated
    english = [p for p in passages if p.text.startswith("word")]
    assert len(english) > 1
    assert all(re.fullmatch(r"word\d+", w) for p in english for w in p.text.split())  # word cuts
    assert passages[-2].text == "Heading" and passages[-1].text == "After a hard break."


def test_passages_carry_pdf_page_numbers() -> None:
    page1 = "First page sentence one. First page sentence two."
    page2 = "Second page sentence one. Second page sentence two."
    text = page1 + "\n" + page2
    pages = [
        PageSpan(page=1, start=0, end=len(page1)),
        PageSpan(page=2, start=len(page1) + 1, end=len(text)),
    ]
    passages = split_passages(_doc(text, pages), sentences=3)
    assert [p.page for p in passages] == [1, 2]  # a passage never spans two pages
    assert passages[1].text == page2


def test_passages_of_real_pdf(corpus_dir: Path) -> None:
    doc = load_file(corpus_dir / "sub" / "gopher.pdf", max_bytes=100_000)
    passages = split_passages(doc)
    by_page = {p.page for p in passages}
    assert by_page == {1, 2}
    assert any("152 diverse tasks" in p.text and p.page == 2 for p in passages)


# --- the index --------------------------------------------------------------------------------


def _open(
    dirs: list[Path], settings: Settings, embedder: WordEmbedder | None = None
) -> LocalCorpus:
    corpus = LocalCorpus(dirs, settings=settings, embedder=embedder or WordEmbedder())
    corpus.open()
    return corpus


def test_corpus_rejects_missing_or_non_folder(tmp_path: Path, settings: Settings) -> None:
    with pytest.raises(CorpusError, match="not found"):
        LocalCorpus([tmp_path / "nope"], settings=settings, embedder=WordEmbedder())
    (tmp_path / "file.txt").write_text("x")
    with pytest.raises(CorpusError, match="not a folder"):
        LocalCorpus([tmp_path / "file.txt"], settings=settings, embedder=WordEmbedder())
    with pytest.raises(CorpusError):
        LocalCorpus([], settings=settings, embedder=WordEmbedder())


def test_build_search_and_skip(corpus_dir: Path, settings: Settings) -> None:
    messages: list[str] = []
    corpus = LocalCorpus(
        [corpus_dir], settings=settings, embedder=WordEmbedder(), progress=messages.append
    )
    assert isinstance(corpus, SearchProvider) and corpus.name == "corpus"
    corpus.open()
    assert corpus.parsed == 4 and not corpus.reused
    assert {d.source.url for d in corpus.documents} == {
        "https://arxiv.org/abs/2303.08774",
        "https://www.youtube.com/watch?v=dO4TPJkeaaU",
        "https://blog.neurips.cc/2022/11/21/announcing-the-neurips-2022-awards/",
        "https://example.org/gopher.pdf",
    }
    skipped = sorted(corpus.skipped)
    assert len(skipped) == 3
    assert skipped[0].startswith(str(corpus_dir.resolve() / "binary.txt") + ": ")
    assert "binary" in skipped[0]
    assert skipped[1].startswith(str(corpus_dir.resolve() / "broken.pdf") + ": ")
    assert skipped[2] == f"{corpus_dir.resolve() / 'notes.docx'}: unsupported file type .docx"
    assert any("skipped" in m for m in messages)
    assert corpus.cache_path.parent == settings.cache_dir / "corpus"

    hits = corpus.search_sync("How many evaluation tasks was Gopher tested on?", 3)
    passage, hit = hits[0]
    assert "152 diverse tasks" in passage.text and passage.page == 2
    assert hit.score >= hits[-1][1].score
    doc = corpus.get_document(passage.doc_url)
    assert doc.text[passage.start : passage.end] == passage.text

    results = asyncio.run(corpus.search("outstanding paper award NeurIPS 2022", limit=2))
    assert all(isinstance(r, SearchResult) for r in results)
    top = results[0]
    assert top.provider == "corpus" and top.rank == 1 and top.passage is not None
    assert top.url == "https://blog.neurips.cc/2022/11/21/announcing-the-neurips-2022-awards/"
    assert top.published == "2022-11-21" and top.title == "NeurIPS awards"
    assert top.snippet == top.passage.text and "outstanding" in top.snippet
    assert corpus.source_for(top.url.rstrip("/")).published == "2022-11-21"
    with pytest.raises(KeyError):
        corpus.get_document("https://unknown.example/")


def test_second_open_reuses_index_without_parsing(
    corpus_dir: Path, settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    first = _open([corpus_dir], settings)
    expected = first.search_sync("Gopher 280 billion parameters", 2)

    def no_parsing(*args: object, **kwargs: object) -> Document:
        raise AssertionError("a file was parsed again")

    monkeypatch.setattr(index_mod, "load_file", no_parsing)
    embedder = WordEmbedder()
    second = _open([corpus_dir], settings, embedder)
    assert second.reused and second.parsed == 0
    assert embedder.calls == []  # nothing re-embedded
    assert [d.model_dump() for d in second.documents] == [d.model_dump() for d in first.documents]
    assert sorted(second.skipped) == sorted(first.skipped)
    got = second.search_sync("Gopher 280 billion parameters", 2)
    assert [p.id for p, _ in got] == [p.id for p, _ in expected]


def test_changed_file_triggers_partial_rebuild(
    corpus_dir: Path, settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    _open([corpus_dir], settings)
    talk = corpus_dir / "talk.txt"
    talk.write_text(TXT + "\nHe also discussed arithmetic coding with a zebra mascot.\n")
    (corpus_dir / "gpt4.md").unlink()
    (corpus_dir / "new.md").write_text("# New\n\nA brand new note about quokkas.\n")
    os.utime(corpus_dir / "sub" / "awards.html")  # touched but unchanged: no re-parse

    parsed: list[str] = []
    real = index_mod.load_file

    def counting(path: Path, *, max_bytes: int) -> Document:
        parsed.append(path.name)
        return real(path, max_bytes=max_bytes)

    monkeypatch.setattr(index_mod, "load_file", counting)
    corpus = _open([corpus_dir], settings)
    assert not corpus.reused
    assert sorted(parsed) == ["new.md", "talk.txt"]
    urls = {d.source.url for d in corpus.documents}
    assert "https://arxiv.org/abs/2303.08774" not in urls
    assert file_url(corpus_dir / "new.md") in urls
    top, _ = corpus.search_sync("zebra mascot arithmetic coding", 1)[0]
    assert "zebra mascot" in top.text
    top, _ = corpus.search_sync("quokkas", 1)[0]
    assert "quokkas" in top.text
    # and the new state is itself reused next time
    parsed.clear()
    assert _open([corpus_dir], settings).reused and parsed == []


def test_index_survives_leftovers_and_damage(corpus_dir: Path, settings: Settings) -> None:
    first = _open([corpus_dir], settings)
    cache = first.cache_path
    (cache / ".tmp-v-crashed").mkdir()  # a build that died half-way
    (cache / ".tmp-v-crashed" / "manifest.json").write_text("{half")
    second = _open([corpus_dir], settings)
    assert second.reused
    live = (cache / "CURRENT").read_text().strip()
    (cache / live / "documents.jsonl").write_text("not json\n")
    third = _open([corpus_dir], settings)  # damaged cache: rebuilt from the per-file cache
    assert not third.reused and third.parsed == 0
    assert len(third.documents) == len(first.documents)
    assert not (cache / ".tmp-v-crashed").exists()
    assert [p.name for p in cache.iterdir() if p.name.startswith("v-")] == [
        (cache / "CURRENT").read_text().strip()
    ]


def test_duplicate_urls_and_contents(tmp_path: Path, settings: Settings) -> None:
    root = tmp_path / "dups"
    root.mkdir()
    (root / "a.md").write_text("---\nurl: https://same.example/\n---\nFirst text about apples.\n")
    (root / "b.md").write_text("---\nurl: https://same.example/\n---\nOther text about pears.\n")
    (root / "c.md").write_text("---\nurl: https://same.example/\n---\nFirst text about apples.\n")
    (root / "d.md").write_text("---\nurl: https://same.example/\n---\nFirst text about apples.\n")
    corpus = _open([root], settings)
    urls = sorted(d.source.url for d in corpus.documents)
    # identical files are indexed once, different files never share a URL
    assert len(corpus.documents) == 2
    assert urls == sorted(["https://same.example/", file_url(root / "b.md")])
    assert len(corpus.duplicates) == 2
    pear, _ = corpus.search_sync("pears", 1)[0]
    assert pear.doc_url == file_url(root / "b.md")
    assert corpus.get_document(pear.doc_url).text.strip() == "Other text about pears."


def test_empty_corpus_and_several_folders(tmp_path: Path, settings: Settings) -> None:
    empty = tmp_path / "empty"
    empty.mkdir()
    with pytest.raises(CorpusError, match="no readable documents"):  # tests/test_corpus_skipped.py
        _open([empty], settings)
    other = tmp_path / "other"
    other.mkdir()
    (other / "x.txt").write_text("Ada Lovelace wrote the first published algorithm.")
    more = tmp_path / "more"
    more.mkdir()
    (more / "y.md").write_text("Charles Babbage designed the Analytical Engine.")
    both = _open([other, more], settings)
    assert both.cache_path != _open([other], settings).cache_path
    assert both.search_sync("Lovelace algorithm", 1)[0][0].text.startswith("Ada Lovelace")


def test_unwritable_cache_builds_in_memory(corpus_dir: Path, tmp_path: Path) -> None:
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("a file where the cache folder should be")
    settings = Settings(cache_dir=blocker / "cache", db_path=tmp_path / "db.sqlite")
    messages: list[str] = []
    corpus = LocalCorpus(
        [corpus_dir], settings=settings, embedder=WordEmbedder(), progress=messages.append
    )
    corpus.open()
    assert any("not writable" in m for m in messages)
    assert len(corpus.documents) == 4 and not corpus.reused
    assert "152 diverse tasks" in corpus.search_sync("Gopher evaluated tasks", 1)[0][0].text


@pytest.mark.skipif(os.name != "posix", reason="byte file names are a POSIX thing")
def test_file_name_that_is_not_utf8_is_skipped(tmp_path: Path, settings: Settings) -> None:
    root = tmp_path / "names"
    root.mkdir()
    (root / "good.txt").write_text("A readable note about otters.")
    try:
        with open(os.path.join(os.fsencode(root), b"bad-\xff.txt"), "wb") as fh:
            fh.write(b"Text in a file with a broken name.")
    except OSError:
        pytest.skip("file system refuses non-UTF-8 names")
    corpus = _open([root], settings)
    assert len(corpus.documents) == 1
    assert len(corpus.skipped) == 1 and "bad-\\xff.txt" in corpus.skipped[0]
    assert "not valid UTF-8" in corpus.skipped[0]
    corpus.skipped[0].encode("utf-8")  # printable in a report
    assert _open([root], settings).reused


def test_real_embedder_finds_passage_across_languages(
    tmp_path: Path, settings: Settings, use_embedder: Any
) -> None:
    root = tmp_path / "mixed"
    root.mkdir()
    (root / "gopher.md").write_text(
        "# Gopher\n\nDeepMind trained Gopher, a language model with 280 billion parameters.\n\n"
        "The weather in London was mild that week.\n",
        encoding="utf-8",
    )
    (root / "chinchilla.md").write_text(
        "# Chinchilla\n\nChinchilla has 70 billion parameters and was trained on more data.\n",
        encoding="utf-8",
    )
    (root / "zh.txt").write_text("杰克·雷于2025年加入Meta超级智能实验室。\n", encoding="utf-8")
    corpus = LocalCorpus([root], settings=settings, embedder=use_embedder)
    corpus.open()
    top, hit = corpus.search_sync("Gopher 模型有 2800 亿参数", 2)[0]
    assert "280 billion parameters" in top.text and hit.semantic > 0
    top, _ = corpus.search_sync("Jack Rae joined Meta's superintelligence lab", 1)[0]
    assert top.text.startswith("杰克·雷")


def test_refresh_picks_up_new_files(tmp_path: Path, settings: Settings) -> None:
    root = tmp_path / "live"
    root.mkdir()
    (root / "a.txt").write_text("Alpha note about herons.")
    corpus = _open([root], settings)
    assert corpus.search_sync("badgers", 1)[0][0].text.startswith("Alpha")
    (root / "b.txt").write_text("Beta note about badgers.")
    corpus.refresh()
    assert corpus.parsed == 1 and len(corpus.documents) == 2
    assert corpus.search_sync("badgers", 1)[0][0].text.startswith("Beta")


def test_shared_boilerplate_is_embedded_once(tmp_path: Path, settings: Settings) -> None:
    root = tmp_path / "site"
    root.mkdir()
    footer = "Subscribe to our newsletter for weekly updates."
    for i in range(3):  # one site: the same title on every page, indexed with each passage
        (root / f"p{i}.md").write_text(
            f"---\ntitle: Site\n---\nPage {i} reports finding number {i}.\n\n{footer}\n"
        )
    embedder = WordEmbedder()
    corpus = _open([root], settings, embedder)
    assert corpus.passage_count == 6
    assert sorted(embedder.texts) == sorted(
        [f"Site\n{footer}"] + [f"Site\nPage {i} reports finding number {i}." for i in range(3)]
    )


def test_fingerprint_is_computed_once_per_opening(tmp_path: Path) -> None:
    """Regression: every run asked for the fingerprint (a hash of every document) from the event
    loop, blocking it behind the corpus lock while searches ran; it is now kept until refresh."""
    root = tmp_path / "docs"
    root.mkdir()
    (root / "a.md").write_text("# A\n\nAda Quill studied at Bristol.\n", encoding="utf-8")
    settings = Settings(cache_dir=tmp_path / "cache", db_path=tmp_path / "db.sqlite")
    corpus = _open([root], settings)
    first = corpus.fingerprint
    corpus.documents = []  # a second computation would hash nothing and differ
    assert corpus.fingerprint == first
    (root / "a.md").write_text("# A\n\nAda Quill studied at Leeds.\n", encoding="utf-8")
    corpus.refresh()
    assert len(corpus.documents) == 1 and corpus.fingerprint != first


def test_a_run_without_corpus_caching_never_fingerprints_the_corpus(tmp_path: Path) -> None:
    from veracity.pipeline import acheck
    from veracity.types import InputDocument

    root = tmp_path / "docs"
    root.mkdir()
    (root / "a.md").write_text("# A\n\nAda Quill studied at Bristol.\n", encoding="utf-8")
    settings = Settings(cache_dir=tmp_path / "cache", db_path=tmp_path / "db.sqlite")
    corpus = _open([root], settings)
    doc = InputDocument(text="Ada Quill studied at Bristol.", language="en", origin="t", format="txt")
    report = asyncio.run(acheck(doc, settings=settings, tools=Shared(corpus=corpus, embedder=corpus.embedder)))
    assert report.stats.documents == 1
    assert corpus._fingerprint is None  # searched, never hashed (not cached without --cache)


def test_searches_started_together_embed_their_queries_in_one_call(
    corpus_dir: Path, settings: Settings
) -> None:
    """A round's claims search the corpus together: their query texts go to the embedder in
    one batch (one call for all, not one each), each is embedded once, and every search gets
    the results it would get alone."""
    embedder = WordEmbedder()
    corpus = _open([corpus_dir], settings, embedder)
    queries = [f"GPT-4 technical report question {i}" for i in range(5)]
    alone = {q: [r.url for r in asyncio.run(_open([corpus_dir], settings, WordEmbedder()).search(q))] for q in queries}
    before = len(embedder.calls)

    async def together() -> list[list[str]]:
        found = await asyncio.gather(*(corpus.search(q) for q in [*queries, queries[0]]))
        return [[r.url for r in rs] for rs in found]

    found = asyncio.run(together())
    assert embedder.calls[before:] == [queries]  # one call, each query once
    assert found[:5] == [alone[q] for q in queries] and found[5] == found[0]
    asyncio.run(corpus.search(queries[1]))  # remembered: not embedded again
    assert len(embedder.calls) == before + 1


def test_a_failed_batch_embedding_fails_every_search_waiting_for_it(
    corpus_dir: Path, settings: Settings
) -> None:
    class Broken(WordEmbedder):
        def embed(self, texts: list[str]) -> Any:
            if len(texts) > 1 and all("broken" in t for t in texts):
                raise RuntimeError("encoder down")
            return super().embed(texts)

    corpus = _open([corpus_dir], settings, Broken())

    async def together() -> list[Any]:
        return await asyncio.gather(*(corpus.search(f"broken query {i}") for i in range(3)),
                                    return_exceptions=True)

    outcome = asyncio.run(together())
    assert all(isinstance(o, RuntimeError) and "encoder down" in str(o) for o in outcome)
    assert asyncio.run(corpus.search("GPT-4")) is not None  # the corpus still answers
