"""Reference providers: Wikipedia (any edition) and Wikidata."""

from __future__ import annotations

import httpx
import pytest

from search_kit import fast_retry, json_response, make, route, run
from veracity.errors import ProviderError
from veracity.search.wikidata import wikidata_time
from veracity.search.wikipedia import lead_text

# -- Wikipedia ---------------------------------------------------------------------------------


def test_wikipedia_searches_the_language_edition_then_fetches_extracts() -> None:
    provider, recorder = make("wikipedia", route("wikipedia"))
    results = run(provider.search("DeepMind", limit=5, lang="zh"))
    search, extracts = recorder.requests
    assert search.url.host == "zh.wikipedia.org" and search.url.path == "/w/api.php"
    assert search.url.params["list"] == "search"
    assert search.url.params["srsearch"] == "DeepMind"
    assert search.url.params["srlimit"] == "5"
    assert extracts.url.params["pageids"] == "4713551|8254630"
    assert extracts.url.params["prop"] == "extracts|info"
    assert extracts.url.params["exintro"] == "1"
    assert [r.url for r in results] == [
        "https://zh.wikipedia.org/wiki/DeepMind",
        "https://zh.wikipedia.org/wiki/%E5%A4%A7%E5%9E%8B%E8%AF%AD%E8%A8%80%E6%A8%A1%E5%9E%8B",
    ]
    assert results[0].title == "DeepMind"
    assert results[0].snippet.startswith("DeepMind是英国的一家人工智能研究机构")
    assert results[1].title == "大型语言模型"
    assert all(r.published is None for r in results)  # the timestamp is the last edit


@pytest.mark.parametrize(
    ("lang", "host"), [(None, "en"), ("other", "en"), ("en-GB", "en"), ("ja", "ja")]
)
def test_wikipedia_edition_choice(lang: str | None, host: str) -> None:
    provider, recorder = make("wikipedia", route("wikipedia"))
    run(provider.search("x", lang=lang))
    assert recorder.requests[0].url.host == f"{host}.wikipedia.org"


def test_wikipedia_default_edition_from_settings() -> None:
    provider, recorder = make("wikipedia", route("wikipedia"), wikipedia_lang="zh")
    run(provider.search("x"))
    assert recorder.requests[0].url.host == "zh.wikipedia.org"


def test_wikipedia_base_url_override_keeps_the_language() -> None:
    provider, recorder = make(
        "wikipedia", route("wikipedia"), wikipedia_url="http://127.0.0.1:8080/{lang}/api.php"
    )
    run(provider.search("x", lang="zh"))
    assert str(recorder.requests[0].url.copy_with(query=None)) == "http://127.0.0.1:8080/zh/api.php"


def test_wikipedia_keeps_search_snippets_when_extracts_fail() -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        if request.url.params.get("list") == "search":
            return route("wikipedia")(request)
        return httpx.Response(503)

    provider, _ = make("wikipedia", handler, retry=fast_retry(attempts=1)[0])
    results = run(provider.search("DeepMind", lang="zh"))
    assert results[0].snippet == "DeepMind是一家位于伦敦的人工智能研究实验室"  # markup removed
    assert results[0].url == "https://zh.wikipedia.org/wiki/DeepMind"
    assert (
        results[1].url
        == "https://zh.wikipedia.org/wiki/%E5%A4%A7%E5%9E%8B%E8%AF%AD%E8%A8%80%E6%A8%A1%E5%9E%8B"
    )


def test_wikipedia_api_error_in_a_200() -> None:
    error = {"error": {"code": "srsearch-text-disabled", "info": "Text search is disabled."}}
    provider, _ = make("wikipedia", lambda r: json_response(error))
    with pytest.raises(ProviderError, match="srsearch-text-disabled: Text search is disabled"):
        run(provider.search("x"))


def test_lead_text_cuts_at_a_sentence_end() -> None:
    text = "First sentence here. " * 100
    cut = lead_text(text, limit=100)
    assert cut.endswith("here.") and len(cut) <= 100
    assert lead_text("short.", limit=100) == "short."
    zh = "这是第一句。" * 50
    assert lead_text(zh, limit=40).endswith("。")


# -- Wikidata ----------------------------------------------------------------------------------


def test_wikidata_search_then_entities_in_both_languages() -> None:
    provider, recorder = make("wikidata", route("wikidata"))
    results = run(provider.search("DeepMind", limit=5, lang="zh"))
    search, entities = recorder.requests
    assert search.url.params["action"] == "wbsearchentities"
    assert search.url.params["language"] == "zh"
    assert search.url.params["type"] == "item"
    assert entities.url.params["action"] == "wbgetentities"
    assert entities.url.params["ids"] == "Q15733006|Q113565470"
    assert entities.url.params["languages"] == "zh|en"
    first, second = results
    assert first.url == "https://www.wikidata.org/wiki/Q15733006"
    assert first.title == "DeepMind"
    assert "英国人工智能研究实验室 / artificial intelligence research laboratory" in first.snippet
    assert "Also known as: 深度思维, Google DeepMind, DeepMind Technologies" in first.snippet
    assert "Wikipedia: zh: DeepMind; en: Google DeepMind" in first.snippet
    assert first.published is None  # an inception date (P571) is not a publication date
    # the second item is missing from wbgetentities: the search hit's own label is used
    assert second.title == "DeepMind Lab"
    assert "3D learning environment" in second.snippet


def test_wikidata_english_only_asks_for_english() -> None:
    provider, recorder = make("wikidata", route("wikidata"))
    run(provider.search("DeepMind"))
    assert recorder.requests[1].url.params["languages"] == "en"


def test_wikidata_entities_failure_keeps_search_labels() -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        if request.url.params.get("action") == "wbsearchentities":
            return route("wikidata")(request)
        return json_response({"error": {"code": "internal_api_error", "info": "boom"}})

    provider, _ = make("wikidata", handler)
    results = run(provider.search("DeepMind"))
    assert results[0].title == "DeepMind"
    assert "Also known as: Google DeepMind" in results[0].snippet


def test_wikidata_time_precision() -> None:
    def claim(time: str, precision: int) -> dict:
        return {
            "P577": [{"mainsnak": {"datavalue": {"value": {"time": time, "precision": precision}}}}]
        }

    assert wikidata_time(claim("+1957-10-00T00:00:00Z", 10)) == "1957-10"
    assert wikidata_time(claim("+2021-12-08T00:00:00Z", 11)) == "2021-12-08"
    assert wikidata_time(claim("+2021-00-00T00:00:00Z", 9)) == "2021"
    assert wikidata_time(claim("-0500-00-00T00:00:00Z", 9)) is None
    assert wikidata_time({"P31": []}) is None
    assert wikidata_time(None) is None
