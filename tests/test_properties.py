"""Property tests of a run's invariants, over random documents and random search faults.

Random documents are built from random sentences (English and Chinese fragments, numbers,
names, stray punctuation) and checked against a small fixed corpus. Whatever the input:

* every checklist claim gets exactly one row, in checklist order (report ids == split_claims ids);
* the summary counts add up to the number of rows and equal the table;
* every quote is found verbatim in the stored text of the source it cites.

With a search provider that follows a random fault schedule (errors, crashes, empty answers,
hits on readable and unreadable pages) the same invariants hold, and every unreadable page the
run asked for is listed in ``stats.fetch_failures``.

One sentence encoder, one corpus folder (indexed once into a module cache) and one store are
shared by all examples, so each example costs a fraction of a second.
"""

from __future__ import annotations

import asyncio
import hashlib
import itertools
import tempfile
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from veracity.checklist.rules import split_claims
from veracity.config import Settings
from veracity.corpus.index import LocalCorpus
from veracity.errors import ProviderError
from veracity.pipeline import acheck
from veracity.reader.fetch import MemoryFetchCache, Reader
from veracity.run.tools import Shared as Lent
from veracity.store import Store
from veracity.text import detect_language, quote_in_text
from veracity.types import ClaimInput, Document, InputDocument, Label, Report, SearchResult, Source

CORPUS_FILES = {
    "ada-quill.md": (
        "---\ntitle: Ada Quill, physicist\nurl: https://people.example.org/ada-quill\n"
        "published: 2021-05-04\n---\n\n"
        "Ada Quill graduated from the University of Bristol in 2009 with a degree in physics.\n\n"
        "Ada Quill joined the Lumen Institute in 2015 as a research scientist and now leads "
        "its evaluation group of 12 people.\n\n"
        "In 2018 she received the Harwell Optics Prize for work on thin films.\n"
    ),
    "falcon.md": (
        "---\ntitle: The Falcon-7 model\nurl: https://lumen.example.org/falcon-7\n---\n\n"
        "The Falcon-7 language model has 280 billion parameters and was trained on three "
        "trillion tokens.\n\nTraining took eleven weeks.\n"
    ),
    "li-ming-zh.md": (
        "---\ntitle: 李明简介\nurl: https://zh.example.org/li-ming\n---\n\n"
        "李明于2012年毕业于清华大学计算机系,获得博士学位。\n\n"
        "2016年,李明加入星云研究院,担任首席科学家,团队共有35人。\n"
    ),
}

WEB_DOCS = {
    "https://news.example.org/quill-award": (
        "Quill wins optics prize",
        "The Harwell Optics Prize for 2018 went to Ada Quill of the Lumen Institute. "
        "The jury praised her work on thin films.",
    ),
    "https://news.example.org/xingyun": (
        "星云研究院新闻",
        "星云研究院宣布,李明自2016年起担任首席科学家。研究院目前有三百名员工。",
    ),
}
UNREADABLE = ["https://news.example.org/gone", "https://broken.example.org/file.pdf"]


@dataclass
class Shared:
    corpus_dir: Path
    settings: Settings
    store: Store
    embedder: Any
    texts: dict[str, str]  # url → the text quotes must be found in (corpus and web documents)


@pytest.fixture(scope="module")
def shared(tmp_path_factory: pytest.TempPathFactory, use_embedder: Any) -> Any:
    root = tmp_path_factory.mktemp("props")
    corpus_dir = root / "corpus"
    corpus_dir.mkdir()
    for name, text in CORPUS_FILES.items():
        (corpus_dir / name).write_text(text, encoding="utf-8")
    settings_ = Settings(cache_dir=root / "cache", db_path=root / "db.sqlite")
    corpus = LocalCorpus([corpus_dir], settings=settings_, embedder=use_embedder)
    corpus.open()  # index once; every run reuses the cached index
    texts = {d.source.url: d.text for d in corpus.documents}
    assert len(texts) == len(CORPUS_FILES)
    texts.update({url: body for url, (_, body) in WEB_DOCS.items()})
    store = Store(settings_.db_path)
    yield Shared(corpus_dir, settings_, store, use_embedder, texts)
    store.close()


# --- random text ---------------------------------------------------------------------------------

NAMES = ["Ada Quill", "Jack Rae", "李明", "Ada", "the Lumen Institute", "星云研究院"]
ORGS = ["the University of Bristol", "清华大学", "Lumen Institute", "DeepMind", "Falcon-7"]
NUMBERS = st.one_of(
    st.integers(1900, 2030).map(str),
    st.integers(0, 10**6).map(lambda n: f"{n:,}"),
    st.floats(0, 1000, allow_nan=False).map(lambda x: f"{x:.1f}"),
    st.sampled_from(["280 billion", "three trillion", "35人", "百分之十二"]),
)
EN = st.builds(
    lambda who, verb, org, n: f"{who} {verb} {org} in {n}.",
    st.sampled_from(NAMES),
    st.sampled_from(
        ["joined", "graduated from", "won a prize at", "left", "worked for", "founded"]
    ),
    st.sampled_from(ORGS),
    NUMBERS,
)
ZH = st.builds(
    lambda who, n, verb, org: f"{who}于{n}年{verb}{org}。",
    st.sampled_from(NAMES),
    NUMBERS,
    st.sampled_from(["加入", "毕业于", "离开", "创立了", "就职于"]),
    st.sampled_from(ORGS),
)
NOISE = st.text(
    alphabet=st.sampled_from(
        list("abcdeXYZ 0123456789,.;:!?()-—\"'“”《》、。李明清华大学研究院 \t")
    ),
    min_size=1,
    max_size=40,
)
SENTENCE = st.one_of(EN, EN, ZH, ZH, NOISE, st.builds(lambda a, b: f"{a} {b}", EN, ZH))
SEPARATOR = st.sampled_from([" ", "\n", "\n\n", "\n\n## Career\n\n", "\n- "])


@st.composite
def documents(draw: st.DrawFn) -> InputDocument:
    parts = draw(st.lists(SENTENCE, min_size=1, max_size=6))
    seps = draw(st.lists(SEPARATOR, min_size=len(parts), max_size=len(parts)))
    text = "".join(s + sep for s, sep in zip(parts, seps, strict=True)).strip() or "Ada Quill."
    return InputDocument(text=text, language=detect_language(text), origin="random.md", format="md")


# --- checks --------------------------------------------------------------------------------------


def check_invariants(
    report: Report, expected_ids: list[str], shared: Shared, store: Store | None = None
) -> None:
    store = store or shared.store
    assert [c.id for c in report.claims] == expected_ids
    assert len(set(expected_ids)) == len(expected_ids)
    for row in report.claims:
        assert row.verdict.rationale.strip()
        assert len(row.evidence) <= shared.settings.max_evidence
    table = Counter(c.verdict.label.value for c in report.claims)
    assert report.summary.total == len(expected_ids)
    assert sum(report.summary.counts.values()) == len(expected_ids)
    assert report.summary.counts == {lab.value: table.get(lab.value, 0) for lab in Label}
    for row in report.claims:
        for ev in row.evidence:
            known = shared.texts.get(ev.source.url)
            assert known is not None, f"{row.id}: cites a URL it was never given: {ev.source.url}"
            assert quote_in_text(ev.quote, known), (row.id, ev.quote)
            if ev.source.content_hash:
                stored = store.get_document_text(ev.source.content_hash)
                assert stored is not None, f"{row.id}: cited document not stored"
                assert quote_in_text(ev.quote, stored), (row.id, ev.quote)
    # the stored run reads back with the same rows
    again = store.load_report(report.run_id)
    assert [(c.id, c.verdict.label) for c in again.claims] == [
        (c.id, c.verdict.label) for c in report.claims
    ]


@settings(
    max_examples=12, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(doc=documents())
def test_random_documents_keep_every_claim(shared: Shared, doc: InputDocument) -> None:
    checklist = split_claims(doc, max_claims=shared.settings.max_claims)
    report = asyncio.run(
        acheck(
            doc, corpus=[shared.corpus_dir], settings=shared.settings,
            tools=Lent(store=shared.store, embedder=shared.embedder),
        )
    )
    check_invariants(report, [c.id for c in checklist], shared)
    # the documents the run used: the corpus documents its searches found (no web pages here)
    assert report.coverage is not None
    assert report.stats.documents == report.coverage.corpus_documents_used <= len(CORPUS_FILES)
    assert report.coverage.pages_read == 0
    assert report.stats.fetches == 0 and report.stats.fetch_failures == []


# --- random fault schedules ----------------------------------------------------------------------

OUTCOMES = ["provider_error", "crash", "empty", "good", "bad", "mixed"]


class ScheduleProvider:
    """Answers each search with the next outcome of a fixed schedule (cycled)."""

    name = "scheduled"

    def __init__(self, schedule: list[str]) -> None:
        self._next = itertools.cycle(schedule)
        self.returned: set[str] = set()

    async def search(
        self, query: str, *, limit: int = 10, lang: str | None = None
    ) -> list[SearchResult]:
        outcome = next(self._next)
        await asyncio.sleep(0)
        if outcome == "provider_error":
            raise ProviderError("scheduled: HTTP 502 from search.invalid")
        if outcome == "crash":
            raise RuntimeError("scheduled: parser crashed")
        urls = {
            "empty": [],
            "good": list(WEB_DOCS),
            "bad": UNREADABLE,
            "mixed": [UNREADABLE[0], next(iter(WEB_DOCS))],
        }[outcome]
        self.returned.update(urls)
        return [
            SearchResult(url=u, title="hit", provider=self.name, rank=i)
            for i, u in enumerate(urls, 1)
        ]


def _web_cache() -> MemoryFetchCache:
    docs = {}
    for url, (title, body) in WEB_DOCS.items():
        sha = hashlib.sha256(body.encode()).hexdigest()
        docs[url] = Document(
            source=Source(
                url=url,
                title=title,
                provider="web",
                content_hash=sha,
                language=detect_language(body),
            ),
            text=body,
        )
    return MemoryFetchCache(docs)


CLAIM_TEXT = st.one_of(
    EN,
    ZH,
    st.sampled_from(
        [
            "Ada Quill won the Harwell Optics Prize in 2018.",
            "李明自2016年起担任星云研究院首席科学家。",
            "The Falcon-7 language model has 280 billion parameters.",
            "Ada Quill graduated from the University of Bristol in 2011.",
        ]
    ),
)
CLAIM_ID = st.text(alphabet=st.sampled_from(list("abc123-_ 中文")), min_size=1, max_size=6).filter(
    lambda s: s.strip() == s
)


@settings(
    max_examples=12, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    ids=st.lists(CLAIM_ID, min_size=1, max_size=6, unique=True),
    texts=st.lists(CLAIM_TEXT, min_size=6, max_size=6),
    schedule=st.lists(st.sampled_from(OUTCOMES), min_size=1, max_size=8),
    with_corpus=st.booleans(),
)
def test_random_fault_schedules_keep_every_claim(
    shared: Shared, ids: list[str], texts: list[str], schedule: list[str], with_corpus: bool
) -> None:
    claims = [ClaimInput(id=i, text=t) for i, t in zip(ids, texts, strict=False)]
    doc = InputDocument(
        text="\n".join(c.text for c in claims),
        language="en",
        origin="claims.jsonl",
        kind="claims",
        format="claims",
        claims=claims,
    )
    provider = ScheduleProvider(schedule)

    async def go(store: Store) -> Report:
        async with Reader(cache=_web_cache(), offline=True) as reader:
            return await acheck(
                doc, corpus=[shared.corpus_dir] if with_corpus else [], settings=shared.settings,
                tools=Lent(store=store, embedder=shared.embedder, providers=[provider], reader=reader),
            )

    # a fresh store per example: the store caches search answers across runs, and this test
    # wants every search to meet the schedule
    with tempfile.TemporaryDirectory() as tmp, Store(Path(tmp) / "db.sqlite") as store:
        report = asyncio.run(go(store))
        check_invariants(report, ids, shared, store)
    failed = {f.split(": ", 1)[0] for f in report.stats.fetch_failures}
    assert failed <= set(UNREADABLE)
    assert len(failed) == len(report.stats.fetch_failures)  # each URL read once per run
    assert report.stats.fetches <= len(WEB_DOCS)
    assert failed == provider.returned & set(UNREADABLE)  # every unreadable hit is listed
    if set(schedule) <= {"provider_error", "crash"}:
        # nothing found anywhere but the corpus: no page read, every failure named
        assert report.stats.fetches == 0
        for row in report.claims:
            if row.verdict.label == Label.UNVERIFIABLE:
                assert "scheduled" in row.verdict.rationale, row.verdict.rationale


def test_fixed_document_exercises_the_quote_check(shared: Shared) -> None:
    """A document the corpus settles, so the invariants above are checked on real quotes."""
    text = (
        "Ada Quill graduated from the University of Bristol in 2009. "
        "The Falcon-7 language model has 280 billion parameters.\n\n"
        "李明于2012年毕业于清华大学。"
    )
    doc = InputDocument(text=text, language=detect_language(text), origin="fixed.md", format="md")
    checklist = split_claims(doc)
    report = asyncio.run(
        acheck(
            doc, corpus=[shared.corpus_dir], settings=shared.settings,
            tools=Lent(store=shared.store, embedder=shared.embedder),
        )
    )
    check_invariants(report, [c.id for c in checklist], shared)
    cited = [ev for row in report.claims for ev in row.evidence]
    assert len(cited) >= 2 and all(ev.source.content_hash for ev in cited)
    assert sum(c.verdict.label in (Label.TRUE, Label.MOSTLY_TRUE) for c in report.claims) >= 2
