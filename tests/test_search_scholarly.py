"""Scholarly providers: OpenAlex, arXiv, Crossref, Semantic Scholar, DBLP, OpenReview, and the
typed work/author records they expose."""

from __future__ import annotations

import httpx
import pytest

from search_kit import KEYS, json_response, make, route, run
from veracity.errors import ProviderError
from veracity.search.arxiv import arxiv_ids_in, build_search_query
from veracity.search.records import (
    AuthorRecord,
    WorkRecord,
    arxiv_id_from_doi,
    normalize_arxiv_id,
    normalize_doi,
    work_snippet,
    work_to_result,
)

SCHOLARLY = ["openalex", "arxiv", "crossref", "semanticscholar", "dblp", "openreview"]
WITH_AUTHORS = ["openalex", "semanticscholar", "dblp", "openreview"]


@pytest.mark.parametrize("name", SCHOLARLY)
def test_search_results_are_derived_from_works(name: str) -> None:
    provider, _ = make(name, route(name))
    works = run(provider.works("Rae memory", limit=3))  # type: ignore[attr-defined]
    results = run(provider.search("Rae memory", limit=3))
    assert works and all(isinstance(w, WorkRecord) and w.provider == name for w in works)
    assert [r.url for r in results] == list(dict.fromkeys(w.url for w in works))
    assert results[0].title == works[0].title
    assert results[0].snippet == work_snippet(works[0])


@pytest.mark.parametrize("name", WITH_AUTHORS)
def test_author_search_returns_records(name: str) -> None:
    provider, _ = make(name, route(name))
    authors = run(provider.authors("Jack Rae", limit=5))  # type: ignore[attr-defined]
    assert authors and all(isinstance(a, AuthorRecord) and a.provider == name for a in authors)
    assert run(provider.authors("  ")) == []  # type: ignore[attr-defined]


# -- OpenAlex ----------------------------------------------------------------------------------


def test_openalex_works() -> None:
    provider, recorder = make("openalex", route("openalex"))
    works = run(provider.works("gopher language model", limit=10))  # type: ignore[attr-defined]
    params = recorder.requests[0].url.params
    assert recorder.requests[0].url.path == "/works"
    assert params["search"] == "gopher language model"
    assert params["per-page"] == "10"
    assert params["mailto"] == "team@example.org"
    assert "abstract_inverted_index" in params["select"]
    gopher, other = works
    assert (
        gopher.title == "Scaling Language Models: Methods, Analysis & Insights from Training Gopher"
    )
    assert gopher.alt_titles == []
    assert gopher.openalex_id == "W4226399820"
    assert gopher.doi == "10.48550/arxiv.2112.11446"
    assert gopher.arxiv_id == "2112.11446"
    assert gopher.url == "https://arxiv.org/abs/2112.11446"
    assert gopher.published == "2021-12-08" and gopher.year == 2021
    assert gopher.venue == "arXiv (Cornell University)"
    assert gopher.authors == ["Jack W. Rae", "Sebastian Borgeaud", "Geoffrey Irving"]
    assert (
        gopher.abstract
        == "Language modelling provides a step towards intelligent communication systems."
    )
    assert gopher.score == 812.5 and gopher.citation_count == 912
    # January 1st is OpenAlex's filler for "year only": no day is invented
    assert other.published == "2022"
    assert other.url == "https://doi.org/10.1000/example.2022.7"
    assert other.abstract is None and other.arxiv_id is None


def test_openalex_authors() -> None:
    provider, recorder = make("openalex", route("openalex"))
    (author,) = run(provider.authors("Jack Rae"))  # type: ignore[attr-defined]
    assert recorder.requests[0].url.path == "/authors"
    assert recorder.requests[0].url.params["search"] == "Jack Rae"
    assert author.name == "Jack W. Rae"
    assert author.aliases == ["Jack Rae", "Jack William Rae", "J. W. Rae"]
    assert author.ids == {"openalex": "A5043121498"}
    assert author.affiliations == [
        "Google (United States)",
        "DeepMind (United Kingdom)",
        "University College London",
    ]
    assert author.url == "https://openalex.org/A5043121498"
    assert author.works_count == 48


# -- arXiv -------------------------------------------------------------------------------------


def test_arxiv_query_building() -> None:
    assert build_search_query("Jack Rae and the language models") == (
        "all:Jack AND all:Rae AND all:language AND all:models"
    )
    assert build_search_query("the of") == "all:the AND all:of"
    assert build_search_query("!!!") is None
    assert arxiv_ids_in("see arXiv:2112.11446v2.") == ["2112.11446v2"]
    assert arxiv_ids_in("hep-th/9901001 and 1911.05507") == ["1911.05507", "hep-th/9901001"]
    assert arxiv_ids_in("doi 10.1109/ICSTW55395.2022.00035 in 2022.") == []


def test_arxiv_keyword_request_and_parse() -> None:
    provider, recorder = make("arxiv", route("arxiv"))
    works = run(provider.works("Jack Rae language models", limit=5))  # type: ignore[attr-defined]
    params = recorder.requests[0].url.params
    assert (
        str(recorder.requests[0].url.copy_with(query=None)) == "https://export.arxiv.org/api/query"
    )
    assert params["search_query"] == "all:Jack AND all:Rae AND all:language AND all:models"
    assert params["max_results"] == "5" and params["sortBy"] == "relevance"
    gopher, compressive = works
    assert (
        gopher.title == "Scaling Language Models: Methods, Analysis & Insights from Training Gopher"
    )
    assert gopher.arxiv_id == "2112.11446"
    assert gopher.url == "https://arxiv.org/abs/2112.11446"
    assert gopher.published == "2021-12-08" and gopher.year == 2021
    assert gopher.venue == "arXiv" and gopher.type == "preprint (cs.CL)"
    assert gopher.authors == ["Jack W. Rae", "Sebastian Borgeaud", "Trevor Cai"]
    assert gopher.abstract is not None and gopher.abstract.startswith("We study transformer")
    assert compressive.venue == "ICLR 2020"
    assert compressive.doi == "10.1000/example.iclr.2020.1"


def test_arxiv_id_request() -> None:
    provider, recorder = make("arxiv", route("arxiv"))
    run(provider.works("arXiv:2112.11446v2"))  # type: ignore[attr-defined]
    params = recorder.requests[0].url.params
    assert params["id_list"] == "2112.11446v2"
    assert "search_query" not in params


def test_arxiv_error_feed() -> None:
    feed = (
        "<?xml version='1.0' encoding='UTF-8'?>"
        '<feed xmlns="http://www.w3.org/2005/Atom"><entry>'
        "<id>https://arxiv.org/api/errors#incorrect_id_format_for_x</id><title>Error</title>"
        "<summary>incorrect id format for x</summary></entry></feed>"
    )
    provider, recorder = make("arxiv", lambda r: httpx.Response(400, text=feed))
    with pytest.raises(ProviderError, match="arxiv: API error: incorrect id format for x"):
        run(provider.search("x"))
    assert len(recorder.requests) == 1


def test_arxiv_rejects_non_atom_xml() -> None:
    provider, _ = make("arxiv", lambda r: httpx.Response(200, text="<rss><channel/></rss>"))
    with pytest.raises(ProviderError, match="not an Atom feed"):
        run(provider.search("x"))


# -- Crossref ----------------------------------------------------------------------------------


def test_crossref_works() -> None:
    provider, recorder = make("crossref", route("crossref"))
    works = run(provider.works("memory sequence models", limit=3))  # type: ignore[attr-defined]
    request = recorder.requests[0]
    assert request.url.path == "/works"
    assert request.url.params["query"] == "memory sequence models"
    assert request.url.params["rows"] == "3"
    assert request.url.params["mailto"] == "team@example.org"
    assert "DOI" in request.url.params["select"]
    turing, survey, undated = works
    assert turing.doi == "10.1093/mind/lix.236.433"
    assert turing.published == "1950-10" and turing.year == 1950
    assert turing.authors == ["A. M. TURING"] and turing.venue == "Mind"
    assert turing.score == 41.2 and turing.citation_count == 8000
    assert survey.alt_titles == [
        "Long-range memory for sequence models: a survey",
        "Long-range memory",
    ]
    assert survey.authors == ["Jack W. Rae", "The Example Consortium"]
    assert (
        survey.abstract
        == "Abstract We review methods that let sequence models keep long-range memory."
    )
    assert survey.published == "2020-04-30"
    assert undated.published is None and undated.year is None
    result = work_to_result(undated, 3)
    assert result.published is None


def test_crossref_failed_status() -> None:
    body = {
        "status": "failed",
        "message-type": "validation-failure",
        "message": [{"type": "parameter-not-allowed", "value": "x", "message": "no"}],
    }
    provider, _ = make("crossref", lambda r: json_response(body))
    with pytest.raises(ProviderError, match="'failed'"):
        run(provider.search("x"))


# -- Semantic Scholar --------------------------------------------------------------------------


def test_semanticscholar_paper_search() -> None:
    provider, recorder = make("semanticscholar", route("semanticscholar"))
    works = run(provider.works("long-range memory", limit=5))  # type: ignore[attr-defined]
    request = recorder.requests[0]
    assert (
        str(request.url.copy_with(query=None))
        == "https://api.semanticscholar.org/graph/v1/paper/search"
    )
    assert request.url.params["query"] == "long range memory"
    assert request.url.params["limit"] == "5"
    assert "externalIds" in request.url.params["fields"]
    assert request.headers["x-api-key"] == KEYS["semantic_scholar_api_key"]
    gopher, compressive = works  # the hit without a paperId is skipped
    assert gopher.s2_id == "68f141724814839d556a989646194be88641b143"
    assert gopher.arxiv_id == "2112.11446"
    assert gopher.dblp_key == "journals/corr/abs-2112-11446"
    assert gopher.published == "2021-12-08" and gopher.venue == "arXiv.org"
    assert (
        compressive.url
        == "https://www.semanticscholar.org/paper/f51497f463566581874c941353dd9d80069c5b77"
    )
    assert compressive.venue == "International Conference on Learning Representations"
    assert compressive.doi == "10.1000/example.iclr.2020"
    assert compressive.published == "2019" and compressive.abstract is None


def test_semanticscholar_without_key_sends_no_key_header() -> None:
    provider, recorder = make(
        "semanticscholar", route("semanticscholar"), semantic_scholar_api_key=None
    )
    run(provider.search("x"))
    assert "x-api-key" not in recorder.requests[0].headers


def test_semanticscholar_author_search() -> None:
    provider, recorder = make("semanticscholar", route("semanticscholar"))
    first, second = run(provider.authors("Jack Rae"))  # type: ignore[attr-defined]
    assert recorder.requests[0].url.path == "/graph/v1/author/search"
    assert "aliases" not in recorder.requests[0].url.params["fields"]  # deprecated field
    assert first.name == "Jack W. Rae"
    assert first.aliases == ["Jack Rae"]  # DBLP name variants
    assert first.ids == {"s2": "34269227"}
    assert first.affiliations == ["Google DeepMind"] and first.works_count == 52
    assert (
        second.aliases == [] and second.url == "https://www.semanticscholar.org/author/2000000001"
    )


# -- DBLP --------------------------------------------------------------------------------------


def test_dblp_publications() -> None:
    provider, recorder = make("dblp", route("dblp"))
    works = run(provider.works("compressive transformers", limit=5))  # type: ignore[attr-defined]
    request = recorder.requests[0]
    assert str(request.url.copy_with(query=None)) == "https://dblp.org/search/publ/api"
    assert request.url.params["format"] == "json" and request.url.params["h"] == "5"
    iclr, corr = works
    assert iclr.title == "Compressive Transformers for Long-Range Sequence Modelling"
    assert iclr.authors[-1] == "Timothy P. Lillicrap"  # homonym number removed
    assert iclr.dblp_key == "conf/iclr/RaePJHL20" and iclr.year == 2020
    assert iclr.url == "https://dblp.org/rec/conf/iclr/RaePJHL20"
    assert iclr.published == "2020" and iclr.score == 9.0
    assert corr.authors == ["Jack W. Rae"]  # a single author comes as an object
    assert corr.venue == "CoRR / arXiv"  # venue as a list
    assert corr.arxiv_id == "1911.05507"  # from the electronic edition link


def test_dblp_authors() -> None:
    provider, recorder = make("dblp", route("dblp"))
    (author,) = run(provider.authors("Jack Rae"))  # type: ignore[attr-defined]
    assert recorder.requests[0].url.path == "/search/author/api"
    assert author.name == "Jack W. Rae"
    assert author.aliases == ["Jack Rae"]
    assert author.affiliations == ["Google DeepMind, London, UK"]
    assert author.ids == {"dblp": "195/7967"}
    assert author.url == "https://dblp.org/pid/195/7967"


def test_dblp_error_status_in_body() -> None:
    body = {"result": {"status": {"@code": "500", "text": "Internal Error"}}}
    provider, _ = make("dblp", lambda r: json_response(body))
    with pytest.raises(ProviderError, match="API status 500 Internal Error"):
        run(provider.search("x"))


# -- OpenReview --------------------------------------------------------------------------------


def test_openreview_notes() -> None:
    provider, recorder = make("openreview", route("openreview"))
    works = run(provider.works("compressive transformers", limit=10))  # type: ignore[attr-defined]
    request = recorder.requests[0]
    assert str(request.url.copy_with(query=None)) == "https://api2.openreview.net/notes/search"
    params = request.url.params
    assert params["term"] == "compressive transformers"
    assert (params["type"], params["content"], params["source"]) == ("terms", "all", "forum")
    paper, legacy = works  # the review (a reply) is left out
    assert paper.openreview_id == "SylKikSYDH"
    assert paper.url == "https://openreview.net/forum?id=SylKikSYDH"
    assert paper.venue == "ICLR 2020 Conference Paper"
    assert paper.published == "2020-01-01" and paper.year == 2020
    assert paper.authors[0] == "Jack W. Rae" and len(paper.authors) == 5
    assert paper.abstract is not None and paper.abstract.startswith("We present a sequence model")
    assert legacy.title == "A note in the API v1 shape"
    assert legacy.published is None  # only a creation date: not a publication date
    assert legacy.year == 2019  # from the venue text


def test_openreview_profiles() -> None:
    provider, recorder = make("openreview", route("openreview"))
    (author,) = run(provider.authors("Jack Rae"))  # type: ignore[attr-defined]
    request = recorder.requests[0]
    assert request.url.path == "/profiles/search"
    assert request.url.params["fullname"] == "Jack Rae"
    assert author.name == "Jack William Rae"  # the preferred name
    assert author.aliases == ["Jack Rae", "Jack W. Rae"]
    assert author.url == "https://openreview.net/profile?id=~Jack_William_Rae1"
    assert author.ids["openreview"] == "~Jack_William_Rae1"
    assert author.ids["dblp"] == "https://dblp.org/pid/195/7967"
    assert author.affiliations == [
        "Meta",
        "University of Bristol",
        "DeepMind",
        "Carnegie Mellon University",
    ]


# -- records -----------------------------------------------------------------------------------


def test_identifier_normalisation() -> None:
    assert normalize_doi("https://doi.org/10.1093/MIND/LIX.236.433") == "10.1093/mind/lix.236.433"
    assert normalize_doi("doi:10.1/x") == "10.1/x"
    assert normalize_doi("not a doi") is None and normalize_doi(None) is None
    assert normalize_arxiv_id("http://arxiv.org/abs/2112.11446v2") == "2112.11446"
    assert normalize_arxiv_id("arXiv:hep-th/9901001v3") == "hep-th/9901001"
    assert normalize_arxiv_id("https://arxiv.org/pdf/1911.05507v1.pdf") == "1911.05507"
    assert arxiv_id_from_doi("10.48550/arXiv.2304.05376") == "2304.05376"
    assert arxiv_id_from_doi("10.1038/s42256-024-00832-8") is None


def test_work_snippet_and_result() -> None:
    work = WorkRecord(
        title="A paper",
        authors=[f"Author {i}" for i in range(10)],
        year=2020,
        venue="ICLR",
        doi="10.1/x",
        arxiv_id="2001.00001",
        url="https://example.org/paper",
        abstract="word " * 200,
        provider="dblp",
    )
    snippet = work_snippet(work)
    first_line, abstract = snippet.split("\n")
    assert first_line == (
        "Authors: Author 0, Author 1, Author 2, Author 3, Author 4, Author 5, Author 6, "
        "Author 7 (+2 more); Venue: ICLR; Year: 2020; arXiv: 2001.00001; DOI: 10.1/x"
    )
    assert abstract.endswith(" …") and len(abstract) <= 505
    result = work_to_result(work, 4)
    assert (result.rank, result.published, result.provider) == (4, "2020", "dblp")
