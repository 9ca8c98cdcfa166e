"""Adapters against real responses recorded from the live APIs (../shared/recorded-api).

The recordings are read where they lie and never copied into the repository. Each test serves a
recorded body through a mock transport to the provider, so the parsing is tested on what the
services really send (including their oddities: DBLP's object-or-list authors, Crossref's gzip
bodies, arXiv's HTTP 400 error feed, MediaWiki's errors inside a 200, OpenAlex's January 1st
filler dates). Skipped when the shared folder is absent.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest

from search_kit import RECORDED, cassette_response, json_response, make, run
from veracity.errors import ProviderError
from veracity.search.semanticscholar import SemanticScholarProvider

pytestmark = [
    pytest.mark.shared,
    pytest.mark.skipif(not RECORDED.is_dir(), reason="../shared/recorded-api is absent"),
]

ISO = re.compile(r"^\d{4}(-\d{2}(-\d{2})?)?$")


def recorded(*parts: str) -> Path:
    return RECORDED.joinpath(*parts)


def load_json(*parts: str) -> Any:
    return json.loads(recorded(*parts).read_text(encoding="utf-8"))


def serve(response: httpx.Response) -> Any:
    """A handler that answers every request with a copy of ``response``."""

    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(
            response.status_code, content=response.content, headers=response.headers
        )

    return handler


# -- arXiv -------------------------------------------------------------------------------------

ARXIV_FILES = sorted(p.name for p in recorded("arxiv").glob("*.json")) if RECORDED.is_dir() else []


@pytest.mark.parametrize("filename", ARXIV_FILES)
def test_arxiv_recordings(filename: str) -> None:
    rec = load_json("arxiv", filename)
    recorded_params = parse_qs(urlsplit(rec["url"]).query)
    id_list = recorded_params.get("id_list", [""])[0]
    query = id_list.replace(",", " ") if id_list else recorded_params["search_query"][0]
    limit = int(recorded_params["max_results"][0])
    provider, recorder = make(
        "arxiv",
        serve(httpx.Response(rec["status_code"], text=rec["body"])),
    )
    if rec["status_code"] == 400:
        with pytest.raises(ProviderError, match="incorrect id format for abc"):
            run(provider.works(query, limit=limit))  # type: ignore[attr-defined]
        return
    works = run(provider.works(query, limit=limit))  # type: ignore[attr-defined]
    sent = recorder.requests[0].url.params
    if id_list and re.search(r"\d", id_list):
        assert sent["id_list"] == id_list
    elif not id_list:
        assert sent["search_query"] == f"all:{query}"
    assert len(works) == rec["body"].count("<entry>")
    for work in works:
        assert work.arxiv_id and work.url == f"https://arxiv.org/abs/{work.arxiv_id}"
        assert work.published and ISO.match(work.published)
        assert work.authors and work.abstract


def test_arxiv_recorded_details() -> None:
    def works_of(filename: str, query: str) -> list[Any]:
        rec = load_json("arxiv", filename)
        provider, _ = make("arxiv", serve(httpx.Response(200, text=rec["body"])))
        return run(provider.works(query, limit=100))  # type: ignore[attr-defined]

    (old,) = works_of("id_astro-ph_0601001_s0_m100_3150dca9dc76.json", "astro-ph/0601001")
    assert old.arxiv_id == "astro-ph/0601001"
    assert old.published == "2006-01-02"
    (many,) = works_of("id_1707.08567_s0_m100_6a1afebfc6a3.json", "1707.08567")
    assert len(many.authors) == 34
    (zero,) = works_of("id_2104.12255v1_s0_m100_6ae69987ffe1.json", "2104.12255v1")
    assert zero.title == "0"
    first = works_of("q_testing_s0_m10_bc5a6c384fe9.json", "testing")[0]
    assert first.title.startswith("Testing Deep Learning Models")
    assert first.doi == "10.1109/icstw55395.2022.00035"
    assert first.published == "2022-02-24"
    assert len(works_of("q_testing_s0_m100_cfe7536492ca.json", "testing")) == 100


# -- Wikipedia ---------------------------------------------------------------------------------

WIKI = ("wikipedia", "cassettes-responses")
SEARCH_FILES = (
    sorted(
        p.name
        for p in recorded(*WIKI).glob("TestVcrWikiSearch.*.json")
        if "query" in json.loads(p.read_text(encoding="utf-8"))
    )
    if RECORDED.is_dir()
    else []
)


def wikipedia_handler(search_body: Any, extracts_body: Any) -> Any:
    def handler(request: httpx.Request) -> httpx.Response:
        if request.url.params.get("list") == "search":
            return json_response(search_body)
        return json_response(extracts_body)

    return handler


@pytest.mark.parametrize("filename", SEARCH_FILES)
def test_wikipedia_recorded_searches(filename: str) -> None:
    body = load_json(*WIKI, filename)
    extracts = load_json(*WIKI, "TestVcrWikiExtracts.test_extracts_0.json")
    provider, _ = make("wikipedia", wikipedia_handler(body, extracts))
    results = run(provider.search("Python programming", limit=50, lang="en"))
    hits = [h for h in body["query"]["search"] if "pageid" in h]
    assert len(results) == len(hits)
    for result, hit in zip(results, hits, strict=True):
        assert result.title == hit["title"]
        assert result.url.startswith("https://en.wikipedia.org/wiki/")
        assert "<span" not in result.snippet
        assert result.published is None


def test_wikipedia_recorded_search_with_extract() -> None:
    body = load_json(*WIKI, "TestVcrWikiSearch.test_limit_0.json")
    extracts = load_json(*WIKI, "TestVcrWikiExtracts.test_extracts_0.json")
    provider, recorder = make("wikipedia", wikipedia_handler(body, extracts))
    first, second, _ = run(provider.search("Python programming", limit=3))
    assert recorder.requests[1].url.params["pageids"] == "23862|21356332|81118035"
    assert first.url == "https://en.wikipedia.org/wiki/Python_(programming_language)"
    assert first.snippet.startswith("Python is a high-level, general-purpose programming language.")
    assert len(first.snippet) <= 1200
    # pages absent from the extracts reply keep their (de-marked) search snippet
    assert second.title == "History of Python"
    assert second.snippet.startswith(
        "The programming language Python was conceived in the late 1980s"
    )


def test_wikipedia_recorded_api_error() -> None:
    body = load_json(*WIKI, "TestVcrWikiSearch.test_what[title]_0.json")
    provider, _ = make("wikipedia", lambda r: json_response(body))
    with pytest.raises(ProviderError, match="search-title-disabled"):
        run(provider.search("Python programming"))


def test_wikipedia_recorded_no_results() -> None:
    body = load_json("wikipedia", "pymediawiki", "en_search_no-results_gobbilygook.json")
    provider, recorder = make("wikipedia", lambda r: json_response(body))
    assert run(provider.search("gobbilygook")) == []
    assert len(recorder.requests) == 1


def test_wikipedia_recorded_pages_formats() -> None:
    provider, _ = make("wikipedia", lambda r: json_response({}))
    chess = provider.parse_pages(  # type: ignore[attr-defined]
        load_json("wikipedia", "pymediawiki", "en_extracts_exsentences5_Chess.json")
    )
    assert chess[5134]["title"] == "Chess"
    assert chess[5134]["extract"].startswith("Chess is a two-player strategy board game")
    info = provider.parse_pages(load_json(*WIKI, "TestVcrPageExistence.test_exists_true_0.json"))  # type: ignore[attr-defined]
    (page,) = info.values()
    assert page["fullurl"] == "https://en.wikipedia.org/wiki/Python_(programming_language)"
    missing = provider.parse_pages(
        load_json(*WIKI, "TestVcrPageExistence.test_exists_false_0.json")
    )  # type: ignore[attr-defined]
    assert missing == {}


# -- Wikidata ----------------------------------------------------------------------------------


def wikidata_handler(qid: str, label: str) -> Any:
    entities = load_json("wikidata", f"{qid}.json")

    def handler(request: httpx.Request) -> httpx.Response:
        if request.url.params.get("action") == "wbsearchentities":
            return json_response({"search": [{"id": qid, "label": label}], "success": 1})
        assert request.url.params["ids"] == qid
        return json_response(entities)

    return handler


def test_wikidata_recorded_universe_in_chinese() -> None:
    provider, _ = make("wikidata", wikidata_handler("Q1", "universe"))
    (result,) = run(provider.search("宇宙", lang="zh"))
    assert result.url == "https://www.wikidata.org/wiki/Q1"
    assert result.title == "宇宙"
    assert result.snippet.startswith("宇宙 / Universe — 一切空间、时间、物质和能量构成的总体")
    assert "The Cosmos" in result.snippet
    assert "Wikipedia: zh: 宇宙; en: Universe" in result.snippet
    assert result.published is None


def test_wikidata_recorded_article_date_precision() -> None:
    provider, _ = make("wikidata", wikidata_handler("Q23571040", "Correlation"))
    (result,) = run(provider.search("Correlation of the Base Strengths of Amines"))
    assert result.title == "Correlation of the Base Strengths of Amines 1"
    assert result.published == "1957-10"  # month precision: no day invented


# -- Semantic Scholar --------------------------------------------------------------------------

S2 = ("semanticscholar", "cassettes")


def test_semanticscholar_recorded_paper_search() -> None:
    uri, response = cassette_response(recorded(*S2, "test_search_paper.yaml"))
    provider, recorder = make("semanticscholar", serve(response))
    works = run(provider.works("turing", limit=100))  # type: ignore[attr-defined]
    assert recorder.requests[0].url.path == urlsplit(uri).path
    assert len(works) == 100
    assert works[0].title.startswith(
        "Using DeepSpeed and Megatron to Train Megatron-Turing NLG 530B"
    )
    assert all(w.url == f"https://www.semanticscholar.org/paper/{w.s2_id}" for w in works)
    assert all(w.published is None for w in works)  # only titles were asked for


def test_semanticscholar_recorded_author_search() -> None:
    uri, response = cassette_response(recorded(*S2, "test_search_author.yaml"))
    provider, recorder = make("semanticscholar", serve(response))
    authors = run(provider.authors("turing", limit=100))  # type: ignore[attr-defined]
    assert recorder.requests[0].url.path == urlsplit(uri).path
    assert len(authors) == len(json.loads(response.content)["data"])
    assert authors[0].name == "A. Turing" and authors[0].ids == {"s2": "2262347"}


def test_semanticscholar_recorded_empty_search() -> None:
    _, response = cassette_response(recorded(*S2, "test_empty_paginated_results.yaml"))
    provider, _ = make("semanticscholar", serve(response))
    assert run(provider.search("n0 r3sult s3arch t3rm")) == []


@pytest.mark.parametrize(
    ("parts", "message"),
    [
        ((*S2, "test_not_found.yaml"), "HTTP 404 .*Paper with id 0 not found"),
        ((*S2, "test_debug.yaml"), "HTTP 403 .*Forbidden"),
        (("semanticscholar", "paper-qa-cassettes", "test_bad_dois.yaml"), "Title match not found"),
    ],
)
def test_semanticscholar_recorded_errors(parts: tuple[str, ...], message: str) -> None:
    _, response = cassette_response(recorded(*parts))
    provider, recorder = make("semanticscholar", serve(response))
    with pytest.raises(ProviderError, match=message):
        run(provider.search("x"))
    assert len(recorder.requests) == 1  # a 4xx is not retried


def test_semanticscholar_recorded_full_records() -> None:
    provider, _ = make("semanticscholar", serve(httpx.Response(200)))
    assert isinstance(provider, SemanticScholarProvider)
    paper = provider.parse_paper(load_json("semanticscholar", "data", "Paper.json"))
    assert paper is not None
    assert paper.title == "Computing Machinery and Intelligence"
    assert paper.doi == "10.1093/mind/lix.236.433"
    assert paper.dblp_key == "journals/x/Turing50"
    assert paper.published == "1950-10-01" and paper.year == 1950
    assert paper.authors == ["A. Turing"]
    author = provider.parse_author(load_json("semanticscholar", "data", "Author.json"))
    assert author is not None
    assert author.name == "A. Turing" and author.aliases == ["Alan M. Turing"]
    assert author.works_count == 60


# -- Crossref ----------------------------------------------------------------------------------

CR = ("crossref", "test-works")


def test_crossref_recorded_query() -> None:
    uri, response = cassette_response(recorded(*CR, "test_works_query.yaml"))
    provider, recorder = make("crossref", serve(response))
    works = run(provider.works("ecology", limit=2))  # type: ignore[attr-defined]
    sent = recorder.requests[0].url
    recorded_params = parse_qs(urlsplit(uri).query)
    assert sent.path == urlsplit(uri).path
    assert sent.params["query"] == recorded_params["query"][0]
    assert sent.params["rows"] == recorded_params["rows"][0]
    first, second = works
    assert first.title == "Communicating Ecology"
    assert first.doi == "10.1093/obo/9780199830060-0238"
    assert first.published == "2022-07-26" and first.venue == "Ecology"
    assert first.abstract is not None and "<p>" not in first.abstract
    assert second.authors == ["André Kessler"]


def test_crossref_recorded_field_query_page() -> None:
    _, response = cassette_response(recorded(*CR, "test_works_field_queries.yaml"))
    provider, _ = make("crossref", serve(response))
    works = run(provider.works("ecology", limit=20))  # type: ignore[attr-defined]
    assert len(works) == 20
    for work in works:
        assert work.doi and work.url.startswith("http")
        assert work.published is None or ISO.match(work.published)


def test_crossref_recorded_single_works() -> None:
    provider, _ = make("crossref", serve(httpx.Response(200)))
    data = yaml_interactions(recorded(*CR, "test_works_with_many_ids.yaml"))
    assert len(data) == 5
    for uri, response in data:
        (work,) = provider.parse_works(json.loads(response.content))  # type: ignore[attr-defined]
        assert work.doi == urlsplit(uri).path.removeprefix("/works/").lower()
        assert work.title and work.venue
        if work.doi == "10.1109/icdcsw.2003.1203662":
            assert work.published is None  # Crossref has no date for it ("issued": [[null]])
        else:
            assert work.published and ISO.match(work.published)


@pytest.mark.parametrize(
    ("parts", "message"),
    [
        (
            ("crossref", "test-cursor", "test_cursor_fails_cursor_value.yaml"),
            "HTTP 404 .*Cursor specified but it is invalid",
        ),
        (
            (*CR, "test_works_query_filters_not_allowed_with_dois.yaml"),
            "HTTP 400 .*does not support field query",
        ),
        ((*CR, "test_works_bad_id_warn.yaml"), "HTTP 404 .*Resource not found"),
    ],
)
def test_crossref_recorded_errors(parts: tuple[str, ...], message: str) -> None:
    _, response = cassette_response(recorded(*parts))
    provider, _ = make("crossref", serve(response))
    with pytest.raises(ProviderError, match=message):
        run(provider.search("x"))


def yaml_interactions(path: Path) -> list[tuple[str, httpx.Response]]:
    import yaml

    count = len(yaml.safe_load(path.read_text(encoding="utf-8"))["interactions"])
    return [cassette_response(path, i) for i in range(count)]


# -- OpenAlex ----------------------------------------------------------------------------------

OA = ("openalex", "cassettes")


def test_openalex_recorded_title_search() -> None:
    body = load_json(*OA, "test_title_search[paper_attributes2].interaction3.json")
    provider, _ = make("openalex", lambda r: json_response(body))
    article, preprint = run(provider.works("Augmenting large language models with chemistry tools"))  # type: ignore[attr-defined]
    assert article.title == "Augmenting large language models with chemistry tools"
    assert article.doi == "10.1038/s42256-024-00832-8"
    assert article.published == "2024-05-08"
    assert article.venue == "Nature Machine Intelligence"
    assert article.authors[0] == "Andres M. Bran"
    assert article.abstract is not None and article.abstract.startswith(
        "Abstract Large language models"
    )
    assert preprint.arxiv_id == "2304.05376"
    assert preprint.url == "https://arxiv.org/abs/2304.05376"
    assert preprint.published == "2023"  # "2023-01-01" is OpenAlex's filler
    assert preprint.type == "preprint"


@pytest.mark.parametrize(
    "filename",
    [
        "test_title_search[paper_attributes0].interaction3.json",
        "test_title_search[paper_attributes1].interaction2.json",
        "test_doi_search[paper_attributes1].interaction2.json",
        "test_doi_search[paper_attributes4].interaction2.json",
    ],
)
def test_openalex_recorded_works_parse(filename: str) -> None:
    provider, _ = make("openalex", serve(httpx.Response(200)))
    works = provider.parse_works(load_json(*OA, filename))  # type: ignore[attr-defined]
    assert len(works) == 1
    (work,) = works
    assert work.title and work.authors and work.openalex_id and work.openalex_id.startswith("W")
    assert work.published and ISO.match(work.published)
    assert work.url.startswith("https://")


def test_openalex_recorded_html_404() -> None:
    html = recorded(*OA, "test_does_openalex_work[not-in-openalex].interaction0.html").read_bytes()
    provider, _ = make(
        "openalex", serve(httpx.Response(404, content=html, headers={"content-type": "text/html"}))
    )
    with pytest.raises(ProviderError, match=r"openalex: HTTP 404 from api\.openalex\.org/works"):
        run(provider.search("x"))


# -- DBLP --------------------------------------------------------------------------------------

DBLP_FILES = sorted(p.name for p in recorded("dblp").glob("*.json")) if RECORDED.is_dir() else []


@pytest.mark.parametrize("filename", DBLP_FILES)
def test_dblp_recordings(filename: str) -> None:
    body = load_json("dblp", filename)
    provider, _ = make("dblp", lambda r: json_response(body))
    works = run(provider.works("toc query", limit=1000))  # type: ignore[attr-defined]
    assert len(works) == int(body["result"]["hits"]["@total"])
    for work in works:
        assert work.title and not work.title.endswith(".")
        assert work.dblp_key and work.url.startswith("https://dblp.org/rec/")
        assert work.published == str(work.year)
        assert all(not re.search(r"\s\d{4}$", name) for name in work.authors)


def test_dblp_recorded_oddities() -> None:
    body = load_json("dblp", "edbt-1990.json")
    provider, _ = make("dblp", lambda r: json_response(body))
    works = {w.dblp_key: w for w in run(provider.works("edbt", limit=1000))}  # type: ignore[attr-defined]
    assert works["conf/edbt/Baeza-Yates90"].authors == ["Ricardo A. Baeza-Yates"]
    proceedings = works["conf/edbt/90"]
    assert proceedings.venue == "EDBT / Lecture Notes in Computer Science"
    assert proceedings.title.startswith("Advances in Database Technology - EDBT'90.")
    vldb_body = load_json("dblp", "vldbj-2021.json")
    provider, _ = make("dblp", lambda r: json_response(vldb_body))
    vldb = run(provider.works("vldb", limit=1000))  # type: ignore[attr-defined]
    assert all(w.doi and w.doi == w.doi.lower() and w.doi.startswith("10.1007/") for w in vldb)
    assert {w.venue for w in vldb} == {"VLDB J."}
