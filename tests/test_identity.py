"""Identity resolution: one work under its arXiv and proceedings titles, one person under name
variants and scripts. Offline: fake sources, or the real providers over httpx.MockTransport
serving the fixtures in tests/fixtures/identity/."""

from __future__ import annotations

import asyncio
import importlib
import json
from collections.abc import Coroutine
from pathlib import Path
from typing import Any, TypeVar

import httpx
import pytest

from veracity.errors import ProviderError
from veracity.search.identity import (
    IdentityTool,
    PersonIdentity,
    WikidataPeople,
    WorkIdentity,
    locate_title,
    merge_names,
    normalize_title,
    person_in_authors,
    resolve_person,
    resolve_work,
    titles_close,
    titles_match,
    work_in_list,
)
from veracity.search.records import AuthorRecord, WorkRecord

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "identity"
ARXIV_TITLE = "Training Compute-Optimal Large Language Models"
VENUE_TITLE = "An empirical analysis of compute-optimal large language model training"
T = TypeVar("T")


def run(coro: Coroutine[Any, Any, T]) -> T:
    return asyncio.run(coro)


def fixture(name: str) -> Any:
    return json.loads((FIXTURES / name).read_text(encoding="utf-8"))


# ---------------------------------------------------------------------------------------------
# fakes


class FakeWorks:
    """A work source answering from a table of ``query substring → records``."""

    def __init__(self, name: str, table: dict[str, list[WorkRecord]]) -> None:
        self.name = name
        self.table = table
        self.queries: list[str] = []

    async def works(self, query: str, *, limit: int = 10) -> list[WorkRecord]:
        self.queries.append(query)
        q = query.lower()
        return [r for key, recs in self.table.items() if key in q for r in recs][:limit]


class FakeAuthors:
    def __init__(self, name: str, table: dict[str, list[AuthorRecord]]) -> None:
        self.name = name
        self.table = table
        self.queries: list[str] = []

    async def authors(self, name: str, *, limit: int = 5) -> list[AuthorRecord]:
        self.queries.append(name)
        return [r for key, recs in self.table.items() if key in name.lower() for r in recs]


class Broken:
    name = "broken"

    async def works(self, query: str, *, limit: int = 10) -> list[WorkRecord]:
        raise ProviderError("broken: HTTP 503 from api.example.org after 1 attempt(s)")

    async def authors(self, name: str, *, limit: int = 5) -> list[AuthorRecord]:
        raise ProviderError("broken: timed out")


def work(title: str, provider: str, **kw: Any) -> WorkRecord:
    return WorkRecord(
        title=title,
        provider=provider,
        url=kw.pop("url", f"https://{provider}.test/{title[:12]}"),
        **kw,
    )


ARXIV_REC = work(
    ARXIV_TITLE,
    "arxiv",
    arxiv_id="2203.15556",
    year=2022,
    authors=["Jordan Hoffmann", "Sebastian Borgeaud", "J. W. Rae"],
    venue="arXiv",
    url="https://arxiv.org/abs/2203.15556",
)
S2_REC = work(
    VENUE_TITLE,
    "semanticscholar",
    arxiv_id="2203.15556",
    dblp_key="conf/nips/HoffmannBMBCRCH22",
    s2_id="c0ffee",
    year=2022,
    authors=["Jordan Hoffmann", "Jack W. Rae"],
    venue="Neural Information Processing Systems",
)
DBLP_REC = work(
    VENUE_TITLE + ".",
    "dblp",
    dblp_key="conf/nips/HoffmannBMBCRCH22",
    year=2022,
    authors=["Jordan Hoffmann", "Jack William Rae", "Laurent Sifre"],
    venue="NeurIPS",
)
KAPLAN = work("Scaling Laws for Neural Language Models", "arxiv", arxiv_id="2001.08361", year=2020)


def chinchilla_fakes() -> list[FakeWorks]:
    return [
        FakeWorks("arxiv", {"training compute": [ARXIV_REC, KAPLAN]}),
        FakeWorks("semanticscholar", {"compute": [S2_REC]}),
        FakeWorks("dblp", {"empirical analysis": [DBLP_REC]}),
    ]


# ---------------------------------------------------------------------------------------------
# titles


def test_normalize_title_and_closeness() -> None:
    assert normalize_title("Training Compute-Optimal  Large Language Models.") == (
        "training compute optimal large language models"
    )
    assert titles_close(ARXIV_TITLE, "training compute-optimal large language models")
    assert titles_close(
        "Compressive Transformers for Long-Range Sequence Modelling",
        "Compressive transformers for long-range sequence modeling",
    )
    assert not titles_close("Attention Is All You Need", "Attention Is Not All You Need")
    assert not titles_close(ARXIV_TITLE, VENUE_TITLE), "the two Chinchilla titles differ in words"
    assert not titles_close(ARXIV_TITLE, "")


def test_titles_match_through_an_identity() -> None:
    identity = WorkIdentity(query=ARXIV_TITLE, titles=[ARXIV_TITLE, VENUE_TITLE])
    assert titles_match(ARXIV_TITLE.upper(), VENUE_TITLE + ".", identity)
    assert not titles_match(ARXIV_TITLE, VENUE_TITLE)
    assert not titles_match(ARXIV_TITLE, "Scaling Laws for Neural Language Models", identity)


# ---------------------------------------------------------------------------------------------
# resolve_work with fakes


def test_resolve_work_links_arxiv_and_proceedings_titles_through_ids() -> None:
    sources = chinchilla_fakes()
    identity = run(resolve_work(ARXIV_TITLE, sources, year=2022))
    assert identity.titles[:2] == [ARXIV_TITLE, VENUE_TITLE]
    assert identity.ids["arxiv"] == ["2203.15556"]
    assert identity.ids["dblp"] == ["conf/nips/HoffmannBMBCRCH22"]
    assert {r.provider for r in identity.records} == {"arxiv", "semanticscholar", "dblp"}
    assert all(r.title != KAPLAN.title for r in identity.records), "a related paper stays out"
    assert identity.venues == ["arXiv", "Neural Information Processing Systems", "NeurIPS"]
    assert identity.years == [2022]
    # the Rae spellings merge into one author, the fullest form kept
    assert [a for a in identity.authors if "Rae" in a] == ["Jack William Rae"]
    # the proceedings title was learned from S2's link and searched again: that found DBLP's
    assert any(VENUE_TITLE in q for q in sources[2].queries)
    assert identity.found and not identity.errors


def test_resolve_work_without_a_link_keeps_the_titles_apart() -> None:
    unlinked = S2_REC.model_copy(update={"arxiv_id": None})
    sources = [
        FakeWorks("arxiv", {"training": [ARXIV_REC]}),
        FakeWorks("s2", {"training": [unlinked]}),
    ]
    identity = run(resolve_work(ARXIV_TITLE, sources))
    assert identity.titles == [ARXIV_TITLE]
    assert [r.provider for r in identity.records] == ["arxiv"]


def test_resolve_work_by_arxiv_id_and_year_filter() -> None:
    sources = [FakeWorks("arxiv", {"2203.15556": [ARXIV_REC], "training compute": [ARXIV_REC]})]
    by_id = run(resolve_work("arXiv:2203.15556v2", sources))
    assert by_id.titles == [ARXIV_TITLE]
    wrong_year = run(resolve_work(ARXIV_TITLE, sources, year=2015))
    assert not wrong_year.found


def test_resolve_work_survives_a_failing_source() -> None:
    identity = run(resolve_work(ARXIV_TITLE, [Broken(), *chinchilla_fakes()]))
    assert identity.found and VENUE_TITLE in identity.titles
    assert identity.errors and identity.errors[0].startswith("broken: HTTP 503")


def test_resolve_work_empty_query_sends_nothing() -> None:
    sources = chinchilla_fakes()
    assert not run(resolve_work("  ", sources)).found
    assert all(not s.queries for s in sources)


def test_merge_names_keeps_distinct_people() -> None:
    merged = merge_names(
        ["J. W. Rae", "Jack W. Rae", "James Rae", "Jack William Rae", "Oriol Vinyals", "O. Vinyals"]
    )
    assert merged == ["Jack William Rae", "James Rae", "Oriol Vinyals"]


# ---------------------------------------------------------------------------------------------
# award lists


def test_work_in_list_finds_the_proceedings_title_for_an_arxiv_claim() -> None:
    text = (FIXTURES / "neurips_2022_awards.txt").read_text(encoding="utf-8")
    identity = run(resolve_work(ARXIV_TITLE, chinchilla_fakes()))
    assert work_in_list(WorkIdentity(query=ARXIV_TITLE), text) is None, "the arXiv title is absent"
    found = work_in_list(identity, text)
    assert found is not None and normalize_title(found) == normalize_title(VENUE_TITLE)
    span = locate_title(text, VENUE_TITLE)
    assert span is not None
    quote = text[span[0] : span[1]]
    assert quote.startswith("An Empirical Analysis of Compute-") and quote.endswith(
        "Model Training"
    )
    assert "\n" in quote, "the title runs over a line break in the list"


def test_locate_title_near_verbatim_and_negative() -> None:
    text = "Winners: Compressive Transformers for Long-Range Sequence Modeling (ICLR 2020)."
    assert (
        locate_title(text, "Compressive Transformers for Long-Range Sequence Modelling") is not None
    )
    assert (
        locate_title(
            text, "Compressive Transformers for Long-Range Sequence Modelling", fuzzy=False
        )
        is None
    )
    assert locate_title(text, "Scaling Laws for Neural Language Models") is None
    assert locate_title("训练计算最优的大型语言模型获奖", "计算最优的大型语言模型") == (2, 13)


# ---------------------------------------------------------------------------------------------
# people with fakes

OPENALEX_RAE = AuthorRecord(
    name="Jack W. Rae",
    aliases=["Jack Rae", "J. W. Rae"],
    ids={"openalex": "A5043121498"},
    affiliations=["Google (United States)", "DeepMind (United Kingdom)"],
    url="https://openalex.org/A5043121498",
    provider="openalex",
)
OPENREVIEW_RAE = AuthorRecord(
    name="Jack William Rae",
    aliases=["Jack Rae"],
    ids={"openreview": "~Jack_William_Rae1", "dblp": "https://dblp.org/pid/195/7967"},
    affiliations=["Meta", "DeepMind"],
    url="https://openreview.net/profile?id=~Jack_William_Rae1",
    provider="openreview",
)
WIKIDATA_RAE = AuthorRecord(
    name="Jack Rae",
    aliases=["杰克·雷"],
    ids={"wikidata": "Q900000001", "dblp": "195/7967"},
    url="https://www.wikidata.org/wiki/Q900000001",
    provider="wikidata",
)
JAMES_RAE = AuthorRecord(
    name="James Rae", aliases=["J. Rae"], ids={"openalex": "A1"}, provider="openalex"
)


def test_resolve_person_merges_name_variants_and_scripts() -> None:
    sources = [
        FakeAuthors("openalex", {"rae": [OPENALEX_RAE, JAMES_RAE]}),
        FakeAuthors("openreview", {"rae": [OPENREVIEW_RAE]}),
        FakeAuthors("wikidata", {"rae": [WIKIDATA_RAE], "杰克": [WIKIDATA_RAE]}),
    ]
    person = run(resolve_person("Jack W. Rae", sources))
    assert {r.provider for r in person.records} == {"openalex", "openreview", "wikidata"}
    assert "James Rae" not in person.names
    assert {"Jack W. Rae", "Jack William Rae", "杰克·雷"} <= set(person.names)
    assert person.ids["dblp"] == ["195/7967"], "the profile URL and the bare pid are one id"
    assert person.ids["openalex"] == ["A5043121498"]
    assert person.affiliations[:2] == ["Google (United States)", "DeepMind (United Kingdom)"]
    assert not person.ambiguous
    assert person_in_authors(person, ["Jordan Hoffmann", "杰克·雷"]) == "杰克·雷"
    assert person_in_authors(person, ["J. W. Rae"]) == "J. W. Rae"
    assert person_in_authors(person, ["James Rae", "Jack Ryan"]) is None


def test_resolve_person_from_chinese_script_searches_again_in_latin() -> None:
    openalex = FakeAuthors("openalex", {"jack": [OPENALEX_RAE, JAMES_RAE]})
    wikidata = FakeAuthors("wikidata", {"杰克": [WIKIDATA_RAE]})
    person = run(resolve_person("杰克·雷", [openalex, wikidata]))
    assert openalex.queries == ["杰克·雷", "Jack Rae"]
    assert person.name == "Jack Rae"
    assert {r.provider for r in person.records} == {"openalex", "wikidata"}
    assert "James Rae" not in person.names


def test_resolve_person_links_by_shared_id_and_flags_homonyms() -> None:
    # a DBLP profile under an unrelated spelling, tied only by the DBLP pid
    odd = AuthorRecord(name="J. William Rae", ids={"dblp": "195/7967"}, provider="dblp")
    second = AuthorRecord(name="Jack Rae", ids={"openalex": "A2"}, provider="openalex")
    sources = [
        FakeAuthors("openreview", {"rae": [OPENREVIEW_RAE]}),
        FakeAuthors("dblp", {"rae": [odd]}),
        FakeAuthors("openalex", {"rae": [OPENALEX_RAE, second]}),
        Broken(),
    ]
    person = run(resolve_person("Jack William Rae", sources))
    assert odd in person.records
    assert person.ambiguous, "two OpenAlex profiles match the name"
    assert person.errors == ["broken: timed out"]


# ---------------------------------------------------------------------------------------------
# the agent tool


def test_identity_tool_schema_and_answers() -> None:
    sources = chinchilla_fakes()
    people = [FakeAuthors("openalex", {"rae": [OPENALEX_RAE]})]
    tool = IdentityTool(sources, people)
    assert tool.name == "resolve_identity"
    assert tool.parameters["required"] == ["kind", "query"]
    assert tool.parameters["properties"]["kind"]["enum"] == ["work", "person"]
    assert tool.spec()["function"]["name"] == "resolve_identity"

    answer = run(tool("work", ARXIV_TITLE))
    json.dumps(answer)  # JSON-able
    assert answer["kind"] == "work" and answer["found"]
    assert VENUE_TITLE in answer["titles"] and "records" not in answer
    calls = len(sources[0].queries)
    assert run(tool("work", "  " + ARXIV_TITLE)) == answer
    assert len(sources[0].queries) == calls, "a repeated question is answered from the cache"

    person = run(tool("person", "Jack Rae"))
    assert person["kind"] == "person" and person["name"] == "Jack W. Rae"
    assert "error" in run(tool("place", "London"))
    assert "error" in run(tool("work", " "))


# ---------------------------------------------------------------------------------------------
# the real providers over MockTransport


def _providers_importable() -> bool:
    for module in ("arxiv", "semanticscholar", "dblp", "openalex", "openreview", "wikidata"):
        try:
            importlib.import_module(f"veracity.search.{module}")
        except ImportError:
            return False
    return True


needs_providers = pytest.mark.skipif(not _providers_importable(), reason="providers not importable")


def handler(request: httpx.Request) -> httpx.Response:
    """Route each provider's request to its identity fixture."""
    host, path, params = request.url.host, request.url.path, request.url.params
    query = " ".join(params.values()).lower()
    if host == "export.arxiv.org":
        body = (FIXTURES / "arxiv_chinchilla.xml").read_text(encoding="utf-8")
        if "empirical" in query:
            body = body.split("<entry>")[0] + "</feed>"
        return httpx.Response(200, text=body, headers={"content-type": "application/atom+xml"})
    if host == "api.semanticscholar.org":
        return httpx.Response(200, json=fixture("s2_chinchilla.json"))
    if host == "dblp.org":
        name = "dblp_neurips.json" if "empirical" in query else "dblp_corr.json"
        return httpx.Response(200, json=fixture(name))
    if host == "api.openalex.org":
        if path.endswith("/authors"):
            data = fixture("openalex_authors_rae.json") if "rae" in query else {"results": []}
            return httpx.Response(200, json=data)
        data = fixture("openalex_chinchilla.json") if "training" in query else {"results": []}
        return httpx.Response(200, json=data)
    if host == "api2.openreview.net":
        data = fixture("openreview_profiles_rae.json") if "rae" in query else {"profiles": []}
        return httpx.Response(200, json=data)
    if host == "www.wikidata.org":
        if params.get("action") == "wbsearchentities":
            return httpx.Response(200, json=fixture("wikidata_search_rae.json"))
        return httpx.Response(200, json=fixture("wikidata_entities_rae.json"))
    return httpx.Response(404, json={"error": f"no fixture for {host}{path}"})


def real_providers() -> tuple[httpx.AsyncClient, dict[str, Any]]:
    from veracity.search._http import RetryPolicy
    from veracity.search.settings import SearchSettings

    settings = SearchSettings(_env_file=None, semantic_scholar_api_key=None, contact_email=None)  # type: ignore[call-arg]
    client = httpx.AsyncClient(transport=httpx.MockTransport(handler))

    async def no_wait(seconds: float) -> None:  # politeness intervals pass instantly
        return None

    retry = RetryPolicy(retries=0, sleep=no_wait)
    built: dict[str, Any] = {}
    for module, cls in (
        ("arxiv", "ArxivProvider"),
        ("semanticscholar", "SemanticScholarProvider"),
        ("dblp", "DblpProvider"),
        ("openalex", "OpenAlexProvider"),
        ("openreview", "OpenReviewProvider"),
        ("wikidata", "WikidataProvider"),
    ):
        provider_cls = getattr(importlib.import_module(f"veracity.search.{module}"), cls)
        built[module] = provider_cls(settings, client=client, retry=retry)
    return client, built


@needs_providers
def test_real_providers_link_chinchilla_titles() -> None:
    async def go() -> WorkIdentity:
        client, p = real_providers()
        async with client:
            sources = [p["arxiv"], p["semanticscholar"], p["dblp"], p["openalex"]]
            return await resolve_work(ARXIV_TITLE, sources, year=2022)

    identity = run(go())
    assert identity.titles[0] == ARXIV_TITLE
    assert any(normalize_title(t) == normalize_title(VENUE_TITLE) for t in identity.titles)
    assert identity.ids["arxiv"] == ["2203.15556"]
    assert set(identity.ids["dblp"]) == {
        "conf/nips/HoffmannBMBCRCH22",
        "journals/corr/abs-2203-15556",
    }
    assert identity.ids["doi"] == ["10.48550/arxiv.2203.15556"]
    assert set(identity.sources) == {"arxiv", "semanticscholar", "dblp", "openalex"}
    assert "Scaling Laws for Neural Language Models" not in identity.titles
    assert "NeurIPS" in identity.venues
    text = (FIXTURES / "neurips_2022_awards.txt").read_text(encoding="utf-8")
    assert work_in_list(identity, text) is not None


@needs_providers
def test_real_providers_merge_jack_rae_across_scripts() -> None:
    async def go(name: str) -> PersonIdentity:
        client, p = real_providers()
        async with client:
            sources = [p["openalex"], p["openreview"], WikidataPeople(p["wikidata"])]
            return await resolve_person(name, sources)

    person = run(go("Jack W. Rae"))
    assert {r.provider for r in person.records} == {"openalex", "openreview", "wikidata"}
    assert {"Jack W. Rae", "Jack William Rae", "杰克·雷", "傑克·雷"} <= set(person.names)
    assert "James Rae" not in person.names and "Jack Ryan" not in person.names
    assert person.ids["dblp"] == ["195/7967"]
    assert person.ids["wikidata"] == ["Q900000001"], "the disambiguation page is not a person"
    assert "Meta" in person.affiliations

    from_chinese = run(go("杰克·雷"))
    assert from_chinese.name in {"Jack W. Rae", "Jack Rae", "Jack William Rae"}
    assert {r.provider for r in from_chinese.records} == {"openalex", "openreview", "wikidata"}


@needs_providers
def test_identity_tool_from_real_providers() -> None:
    async def go() -> tuple[IdentityTool, dict[str, Any]]:
        client, p = real_providers()
        async with client:
            tool = IdentityTool.from_providers(p.values())
            return tool, await tool("person", "杰克·雷")

    tool, answer = run(go())
    assert [_name(s) for s in tool.work_sources] == [
        "arxiv",
        "semanticscholar",
        "dblp",
        "openalex",
        "openreview",
    ]
    assert "wikidata" in [_name(s) for s in tool.author_sources]
    assert answer["found"] and "Jack William Rae" in answer["names"]


def _name(source: object) -> str:
    return str(getattr(source, "name", type(source).__name__))
