"""schema.org ClaimReview JSON-LD: every emitted key is a real property of its schema.org type,
the required ones are there, the rating scale holds, and the CLI / API / render paths give it."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from veracity.report import FORMATS, render
from veracity.report.claimreview import (
    BEST_RATING,
    RATING_SCALE,
    WORST_RATING,
    claim_reviews,
    render_claimreview,
)
from veracity.types import (
    ClaimReport,
    Evidence,
    Label,
    Report,
    Source,
    SourceKind,
    Stance,
    Verdict,
    not_checked_verdict,
)

# --- the schema.org vocabulary (https://schema.org/<Type>, "Properties from …" tables) ---------
# Thing, Rating, Review, ClaimReview and Claim's own properties are complete; CreativeWork and
# Organization list their properties as of schema.org 2x (a list missing a real property would
# only make this check stricter, never let a made-up key through).

THING = {
    "additionalType", "alternateName", "description", "disambiguatingDescription", "identifier", "image",
    "mainEntityOfPage", "name", "potentialAction", "sameAs", "subjectOf", "url",
}
RATING = THING | {"author", "bestRating", "ratingExplanation", "ratingValue", "reviewAspect", "worstRating"}
CREATIVE_WORK = THING | {
    "about", "abstract", "accessMode", "accessModeSufficient", "accessibilityAPI", "accessibilityControl",
    "accessibilityFeature", "accessibilityHazard", "accessibilitySummary", "accountablePerson",
    "acquireLicensePage", "aggregateRating", "alternativeHeadline", "archivedAt", "assesses",
    "associatedMedia", "audience", "audio", "author", "award", "character", "citation", "comment",
    "commentCount", "conditionsOfAccess", "contentLocation", "contentRating", "contentReferenceTime",
    "contributor", "copyrightHolder", "copyrightNotice", "copyrightYear", "correction", "countryOfOrigin",
    "creativeWorkStatus", "creator", "creditText", "dateCreated", "dateModified", "datePublished",
    "discussionUrl", "editEIDR", "editor", "educationalAlignment", "educationalLevel", "educationalUse",
    "encoding", "encodingFormat", "exampleOfWork", "expires", "funder", "funding", "genre", "hasPart",
    "headline", "inLanguage", "interactionStatistic", "interactivityType", "interpretedAsClaim",
    "isAccessibleForFree", "isBasedOn", "isFamilyFriendly", "isPartOf", "keywords", "learningResourceType",
    "license", "locationCreated", "mainEntity", "maintainer", "material", "materialExtent", "mentions",
    "offers", "pattern", "position", "producer", "provider", "publication", "publisher", "publisherImprint",
    "publishingPrinciples", "recordedAt", "releasedEvent", "review", "schemaVersion", "sdDatePublished",
    "sdLicense", "sdPublisher", "size", "sourceOrganization", "spatial", "spatialCoverage", "sponsor",
    "teaches", "temporal", "temporalCoverage", "text", "thumbnail", "thumbnailUrl", "timeRequired",
    "translationOfWork", "translator", "typicalAgeRange", "usageInfo", "version", "video", "workExample",
    "workTranslation",
}
REVIEW = CREATIVE_WORK | {
    "associatedClaimReview", "associatedMediaReview", "associatedReview", "itemReviewed", "negativeNotes",
    "positiveNotes", "reviewAspect", "reviewBody", "reviewRating",
}
CLAIM_REVIEW = REVIEW | {"claimReviewed"}
CLAIM = CREATIVE_WORK | {"appearance", "claimInterpreter", "firstAppearance"}
ORGANIZATION = THING | {
    "actionableFeedbackPolicy", "address", "aggregateRating", "alumni", "areaServed", "award", "awards",
    "brand", "contactPoint", "contactPoints", "correctionsPolicy", "department", "dissolutionDate",
    "diversityPolicy", "diversityStaffingReport", "duns", "email", "employee", "employees", "ethicsPolicy",
    "event", "events", "faxNumber", "founder", "founders", "foundingDate", "foundingLocation", "funder",
    "funding", "globalLocationNumber", "hasCredential", "hasMerchantReturnPolicy", "hasOfferCatalog",
    "hasPOS", "interactionStatistic", "isicV4", "iso6523Code", "keywords", "knowsAbout", "knowsLanguage",
    "legalName", "leiCode", "location", "logo", "makesOffer", "member", "memberOf", "members", "naics",
    "nonprofitStatus", "numberOfEmployees", "ownershipFundingInfo", "owns", "parentOrganization",
    "publishingPrinciples", "review", "reviews", "seeks", "slogan", "sponsor", "subOrganization", "taxID",
    "telephone", "unnamedSourcesPolicy", "vatID",
}
PROPERTIES: dict[str, set[str]] = {
    "ClaimReview": CLAIM_REVIEW, "Rating": RATING, "Claim": CLAIM, "Organization": ORGANIZATION,
    "CreativeWork": CREATIVE_WORK,
}
JSONLD_KEYWORDS = {"@context", "@type", "@id"}
REQUIRED: dict[str, set[str]] = {
    "ClaimReview": {"@context", "@type", "claimReviewed", "reviewRating", "itemReviewed", "author",
                    "datePublished", "inLanguage"},
    "Rating": {"@type", "alternateName", "ratingExplanation"},
    "Claim": {"@type"},
    "Organization": {"@type", "name"},
    "CreativeWork": {"@type"},
}


def assert_schema_shape(node: Any, path: str = "$") -> int:
    """Walk a JSON-LD tree: every object has a known ``@type``, only that type's properties and
    its required ones. Returns the number of typed objects seen."""
    if isinstance(node, list):
        return sum(assert_schema_shape(x, f"{path}[{i}]") for i, x in enumerate(node))
    if not isinstance(node, dict):
        return 0
    kind = node.get("@type")
    assert kind in PROPERTIES, f"{path}: unknown @type {kind!r}"
    unknown = set(node) - PROPERTIES[kind] - JSONLD_KEYWORDS
    assert not unknown, f"{path}: not properties of schema.org {kind}: {sorted(unknown)}"
    missing = REQUIRED[kind] - set(node)
    assert not missing, f"{path}: {kind} lacks {sorted(missing)}"
    if "@context" in node:
        assert node["@context"] == "https://schema.org"
    return 1 + sum(assert_schema_shape(v, f"{path}.{k}") for k, v in node.items())


# --- a report with every verdict ----------------------------------------------------------------

WEB = Source(url="https://example.org/rae", title="Jack Rae", published="2021-12", kind=SourceKind.PRIMARY)
WEB2 = Source(url="https://example.org/gopher", kind=SourceKind.NEWS)
LOCAL = Source(url="file:///corpus/private/notes%20rae.md", kind=SourceKind.UNKNOWN, provider="corpus")
EVIL = Source(url="javascript:alert(1)", kind=SourceKind.SOCIAL)


def _row(i: int, label: Label, evidence: list[Evidence] | None = None) -> ClaimReport:
    return ClaimReport(id=f"c{i}", text=f"claim {i} ({label.value})",
                       verdict=Verdict(label=label, confidence=0.7, rationale=f"why {i}"),
                       evidence=evidence or [])


def make_report(language: str = "en", input: str | None = "https://news.example.com/story?id=7") -> Report:
    rows = [
        _row(1, Label.TRUE, [Evidence(quote="q1", stance=Stance.SUPPORTS, source=WEB),
                             Evidence(quote="q1b", stance=Stance.SUPPORTS, source=WEB),
                             Evidence(quote="q1c", stance=Stance.MENTIONS, source=LOCAL)]),
        _row(2, Label.MOSTLY_TRUE, [Evidence(quote="q2", source=WEB2)]),
        _row(3, Label.PARTLY_TRUE),
        _row(4, Label.FALSE, [Evidence(quote="q4", stance=Stance.REFUTES, source=EVIL)]),
        _row(5, Label.MISATTRIBUTED),
        _row(6, Label.UNVERIFIABLE),
        ClaimReport(id="c7", text="claim 7 (not checked)", status="not_checked", error="model down",
                    verdict=not_checked_verdict("model down", language)),
    ]
    return Report(run_id="20260102-030405-abcdef", language=language, judge="evidence-match",  # type: ignore[arg-type]
                  created="2026-01-02T03:04:05+00:00", input=input, title="A story", claims=rows)


def test_every_key_is_a_schema_org_property_and_required_ones_are_present() -> None:
    data = json.loads(render(make_report(), "claimreview", org_name="Example Checks"))
    assert isinstance(data, list) and len(data) == 6  # the not-checked row is left out
    assert assert_schema_shape(data) > 6 * 3
    for review in data:
        assert review["@type"] == "ClaimReview"
        assert review["author"] == {"@type": "Organization", "name": "Example Checks"}
        assert review["datePublished"] == "2026-01-02"
        assert review["inLanguage"] == "en"
        assert review["itemReviewed"]["appearance"] == {
            "@type": "CreativeWork", "url": "https://news.example.com/story?id=7", "name": "A story"}
        assert "author" not in review["itemReviewed"]  # nothing recorded: never invented
        assert "url" not in review


def test_rating_scale_numbers_only_on_the_truth_scale() -> None:
    data = claim_reviews(make_report())
    by_text = {r["claimReviewed"]: r["reviewRating"] for r in data}
    assert set(RATING_SCALE.values()) <= set(range(WORST_RATING, BEST_RATING + 1))
    assert (BEST_RATING, WORST_RATING) == (6, 1)
    expected = {(1, "true"): 6, (2, "mostly_true"): 5, (3, "partly_true"): 4, (4, "false"): 1, (5, "misattributed"): 2}
    for (i, label), value in expected.items():
        rating = by_text[f"claim {i} ({label})"]
        assert rating["ratingValue"] == value
        assert rating["bestRating"] == 6 and rating["worstRating"] == 1
        assert rating["worstRating"] <= rating["ratingValue"] <= rating["bestRating"]
        assert rating["alternateName"] == Label(label).en
    unverifiable = by_text["claim 6 (unverifiable)"]
    assert unverifiable == {"@type": "Rating", "alternateName": "unverifiable", "ratingExplanation": "why 6"}
    assert "claim 7 (not checked)" not in by_text
    assert by_text["claim 1 (true)"]["ratingExplanation"] == "why 1"


def test_citations_are_the_evidence_sources_once_each_without_local_paths() -> None:
    data = {r["claimReviewed"]: r for r in claim_reviews(make_report())}
    assert data["claim 1 (true)"]["citation"] == [
        {"@type": "CreativeWork", "url": "https://example.org/rae", "name": "Jack Rae", "datePublished": "2021-12"},
        {"@type": "CreativeWork", "name": "notes rae.md"},  # a corpus file: named, its path not published
    ]
    assert data["claim 2 (mostly_true)"]["citation"] == [{"@type": "CreativeWork", "url": "https://example.org/gopher"}]
    assert "citation" not in data["claim 4 (false)"]  # a javascript: URL without a title is not cited
    assert "citation" not in data["claim 3 (partly_true)"]
    assert "/corpus/private" not in json.dumps(list(data.values()))


def test_labels_follow_the_report_language_or_lang() -> None:
    zh = claim_reviews(make_report("zh"))
    assert [r["reviewRating"]["alternateName"] for r in zh] == ["属实", "基本属实", "部分属实", "不属实", "归因不当", "无法核实"]
    assert {r["inLanguage"] for r in zh} == {"zh"}
    en = claim_reviews(make_report("zh"), "en")
    assert en[3]["reviewRating"]["alternateName"] == "false" and en[0]["inLanguage"] == "en"
    other = claim_reviews(make_report("other"))
    assert other[0]["reviewRating"]["alternateName"] == "true" and other[0]["inLanguage"] == "en"


def test_no_appearance_without_a_web_input_and_empty_when_nothing_was_checked() -> None:
    for input in (None, "profile.md", "-", "file:///tmp/x.html"):
        for review in claim_reviews(make_report(input=input)):
            assert review["itemReviewed"] == {"@type": "Claim"}
    report = make_report()
    report.claims = [c for c in report.claims if c.status == "not_checked"]
    assert json.loads(render(report, "claimreview", org_name="x")) == []


def test_org_name_comes_from_the_setting(monkeypatch: pytest.MonkeyPatch) -> None:
    from veracity.errors import ConfigError

    monkeypatch.setenv("VERACITY_ORG_NAME", "Fact Desk 事实核查")
    data = json.loads(render_claimreview(make_report()))
    assert {r["author"]["name"] for r in data} == {"Fact Desk 事实核查"}
    monkeypatch.delenv("VERACITY_ORG_NAME")
    monkeypatch.chdir(Path(__file__).parent)  # no .env here
    assert json.loads(render_claimreview(make_report()))[0]["author"]["name"] == "veracity"
    monkeypatch.setenv("VERACITY_ORG_NAME", "")
    with pytest.raises(ConfigError, match="VERACITY_ORG_NAME"):
        render_claimreview(make_report())


def test_claimreview_is_a_report_format() -> None:
    assert "claimreview" in FORMATS
    report = make_report()
    assert render(report, "claimreview", "zh", org_name="o") == render_claimreview(report, "zh", org_name="o")


# --- the CLI: check and show, end to end on a tiny corpus ---------------------------------------

CORPUS = {
    "rae.md": "# Jack Rae\n\nurl: https://example.org/rae\n\nJack Rae studied computer science at the "
              "University of Bristol. He later worked at DeepMind on large language models.\n",
}


def test_cli_check_and_show_write_claimreview(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, one_encoder: Any
) -> None:
    from conftest import write_tree
    from veracity.cli import main

    for name in ("VERACITY_LLM_BASE_URL", "VERACITY_DB_PATH"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("VERACITY_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.setenv("VERACITY_ORG_NAME", "CLI Desk")
    corpus = write_tree(tmp_path / "corpus", CORPUS)
    doc = tmp_path / "doc.txt"
    doc.write_text("Jack Rae studied computer science at the University of Bristol. "
                   "Jack Rae won the Turing Award in 2019.", encoding="utf-8")
    db, out = tmp_path / "db.sqlite", tmp_path / "out.json"
    checked = CliRunner().invoke(main, ["check", str(doc), "--corpus", str(corpus), "--db", str(db),
                                        "--format", "claimreview", "-o", str(out), "-q"])
    assert checked.exit_code == 0, checked.output
    data = json.loads(out.read_text(encoding="utf-8"))
    assert len(data) == 2 and assert_schema_shape(data) >= 2 * 4
    assert data[0]["claimReviewed"].startswith("Jack Rae studied")
    assert {r["author"]["name"] for r in data} == {"CLI Desk"}
    # the evidence is a local corpus file: cited by its title, its path not published
    assert data[0]["citation"] == [{"@type": "CreativeWork", "name": "Jack Rae"}]
    assert "file:" not in out.read_text(encoding="utf-8") and str(corpus) not in out.read_text(encoding="utf-8")

    from veracity.store import Store

    with Store.for_reading(db) as store:
        run_id = store.list_runs(limit=1)[0]["id"]
    shown = CliRunner().invoke(main, ["show", run_id, "--db", str(db), "--format", "claimreview"])
    assert shown.exit_code == 0, shown.output
    assert json.loads(shown.output) == data
    # a finished run given to resume is printed as it is, in the same format
    resumed = CliRunner().invoke(main, ["resume", run_id, "--db", str(db), "--format", "claimreview", "-q"])
    assert resumed.exit_code == 0, resumed.output
    assert json.loads(resumed.output) == data
    as_json = CliRunner().invoke(main, ["show", run_id, "--db", str(db), "--format", "json"])
    labels = [Label(c["verdict"]["label"]) for c in json.loads(as_json.output)["claims"]]
    assert [r["reviewRating"].get("ratingValue") for r in data] == [RATING_SCALE.get(label) for label in labels]
    assert [r["reviewRating"]["alternateName"] for r in data] == [label.en for label in labels]
    bad = CliRunner().invoke(main, ["show", run_id, "--db", str(db), "--format", "jsonld"])
    assert bad.exit_code == 2 and "claimreview" in bad.output


# --- the API: GET /v1/checks/{id}/report.claimreview.json ---------------------------------------


def test_api_serves_claimreview_json_ld(tmp_path: Path, use_embedder: Any) -> None:
    import httpx

    from conftest import settings_for
    from server_kit import DOC, LiveServer, config_for, wait_done, write_corpus

    settings = settings_for(tmp_path, org_name="API Desk")
    config = config_for(tmp_path, write_corpus(tmp_path / "corpus"), use_embedder, settings=settings)
    with LiveServer(config) as live, httpx.Client(base_url=live.url, timeout=30) as client:
        job_id = client.post("/v1/checks", json={"text": DOC, "lang": "en"}).json()["id"]
        view = wait_done(client, job_id)
        assert view["status"] == "done", view
        resp = client.get(f"/v1/checks/{job_id}/report.claimreview.json", params={"download": 1})
        assert resp.status_code == 200, resp.text
        assert resp.headers["content-type"].startswith("application/ld+json")
        disposition = resp.headers["content-disposition"]
        assert disposition.startswith("attachment;") and '.claimreview.json"' in disposition
        data = resp.json()
        checked = [c for c in view["report"]["claims"] if c["status"] == "checked"]
        assert len(data) == len(checked) == 3 and assert_schema_shape(data) >= 3 * 4
        assert [r["claimReviewed"] for r in data] == [c["text"] for c in checked]
        assert {r["author"]["name"] for r in data} == {"API Desk"}
        zh = client.get(f"/v1/checks/{job_id}/report.claimreview.json", params={"lang": "zh"}).json()
        assert {r["inLanguage"] for r in zh} == {"zh"}
        assert [r["reviewRating"]["alternateName"] for r in zh] == [
            Label(c["verdict"]["label"]).zh for c in checked]
        missing = client.get(f"/v1/checks/{job_id}/report.jsonld")
        assert missing.status_code == 404 and "claimreview.json" in missing.json()["error"]["message"]
