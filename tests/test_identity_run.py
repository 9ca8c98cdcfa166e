"""An award claim made with a paper's arXiv title is matched to an award list that names its
proceedings title, because a scholarly index links the two versions (sources issue, done-when)."""

from __future__ import annotations

from pathlib import Path

from veracity.config import Settings
from veracity.pipeline import check
from veracity.run.tools import Shared
from veracity.search.records import WorkRecord
from veracity.types import Label, Report, SearchResult

ARXIV_TITLE = "Training Compute-Optimal Large Language Models"
VENUE_TITLE = "An empirical analysis of compute-optimal large language model training"


class FakeScholarlyIndex:
    """Answers like Semantic Scholar: the venue record carries the arXiv id."""

    name = "fake-index"

    def __init__(self) -> None:
        self.queries: list[str] = []

    async def works(self, query: str, *, limit: int = 10) -> list[WorkRecord]:
        self.queries.append(query)
        return [
            WorkRecord(title=ARXIV_TITLE, arxiv_id="2203.15556", year=2022, url="https://arxiv.org/abs/2203.15556", provider="fake"),
            WorkRecord(title=VENUE_TITLE, arxiv_id="2203.15556", year=2022, venue="NeurIPS",
                       dblp_key="conf/nips/HoffmannBMBCRCH22", url="https://dblp.org/rec/conf/nips/HoffmannBMBCRCH22", provider="fake"),
        ]

    async def search(self, query: str, *, limit: int = 10, lang: str | None = None) -> list[SearchResult]:
        return []  # only the identity tool is used here


def test_arxiv_title_matches_award_list_under_proceedings_title(tmp_path: Path) -> None:
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "awards.md").write_text(
        "---\ntitle: Conference 2022 awards\nurl: https://blog.example.org/awards-2022\npublished: 2022-11-21\n---\n"
        "# Outstanding paper awards\n\n"
        "The outstanding paper awards of NeurIPS 2022 went to these papers.\n\n"
        f"- {VENUE_TITLE}\n- Is Out-of-distribution Detection Learnable?\n",
        encoding="utf-8",
    )
    claims = tmp_path / "claims.txt"
    claims.write_text(f"{ARXIV_TITLE} won an outstanding paper award at NeurIPS 2022.\n", encoding="utf-8")
    settings = Settings(cache_dir=tmp_path / "cache", db_path=tmp_path / "db.sqlite")
    index = FakeScholarlyIndex()

    report = check(claims, claims=True, corpus=[corpus], settings=settings, tools=Shared(providers=[index]))
    (row,) = report.claims
    assert ARXIV_TITLE in index.queries
    assert row.verdict.label in (Label.TRUE, Label.MOSTLY_TRUE), row.verdict.rationale
    assert VENUE_TITLE in row.verdict.rationale
    assert any("awards-2022" in e.source.url for e in row.evidence)

    # without the index the same claim cannot be confirmed
    plain = check(claims, claims=True, corpus=[corpus], settings=settings)
    assert plain.claims[0].verdict.label not in (Label.TRUE, Label.MOSTLY_TRUE)


def test_the_agent_searches_the_other_title_too(tmp_path: Path) -> None:
    """The research agent's first round searches a work's other titles, as the offline pass does."""
    import asyncio

    from veracity.pipeline import acheck
    from veracity.testing.scripted_model import scripted_llm
    from veracity.types import InputDocument

    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "awards.md").write_text(f"# Awards\n\nThe outstanding paper awards went to {VENUE_TITLE}.\n",
                                      encoding="utf-8")
    index = FakeScholarlyIndex()
    doc = InputDocument(text=f"{ARXIV_TITLE} won an outstanding paper award at NeurIPS 2022.", language="en",
                        origin="test", format="txt")
    settings = Settings(cache_dir=tmp_path / "cache", db_path=tmp_path / "db.sqlite",
                        llm_base_url=None, llm_model="scripted", llm_retries=1)
    llm = scripted_llm(settings)  # the scripted model in process

    async def go() -> Report:
        try:
            return await acheck(doc, corpus=[corpus], settings=settings, tools=Shared(providers=[index], llm=llm))
        finally:
            await llm.aclose()

    report = asyncio.run(go())
    (row,) = report.claims
    assert ARXIV_TITLE in index.queries
    assert row.research is not None and VENUE_TITLE in row.research.queries
