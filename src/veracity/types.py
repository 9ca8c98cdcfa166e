"""Types that cross a stage boundary.

The path of one claim reads as a straight line, and each arrow is one of these models:

    InputDocument ─checklist→ [Claim] ─search→ [SearchResult] ─read→ [Document]
        ─passages→ [Passage] ─rank→ [RankedPassage] ─judge→ Verdict + [Evidence] ─report→ Report

Everything here is a pydantic model so that it can be stored, sent over HTTP and re-read.
"""

from __future__ import annotations

from datetime import UTC, datetime
from enum import StrEnum
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, computed_field, model_validator

from veracity.messages import LANGS, MESSAGES, RationaleValue, message, rationale_text

Language = Literal["zh", "en", "other"]
"""Languages veracity tells apart. ``other`` reports are written in English."""

REPORT_SCHEMA = "veracity.report/1"


class Label(StrEnum):
    """The verdict scale, from best to worst support, with ``unverifiable`` apart."""

    TRUE = "true"
    MOSTLY_TRUE = "mostly_true"
    PARTLY_TRUE = "partly_true"
    FALSE = "false"
    MISATTRIBUTED = "misattributed"
    UNVERIFIABLE = "unverifiable"

    @property
    def zh(self) -> str:
        return LABEL_NAMES[self]["zh"]

    @property
    def en(self) -> str:
        return LABEL_NAMES[self]["en"]

    def name_in(self, lang: str) -> str:
        return LABEL_NAMES[self]["zh" if lang == "zh" else "en"]


LABEL_NAMES: dict[Label, dict[str, str]] = {label: MESSAGES[f"label.{label.value}"] for label in Label}
"""The verdict names in Chinese and English (the catalogue's ``label`` section)."""


class SourceKind(StrEnum):
    """What kind of publisher a source is; the judge prefers primary sources."""

    PRIMARY = "primary"  # the organisation's own page, the paper itself, the award list
    SCHOLARLY = "scholarly"  # a scholarly index: arXiv listing, OpenReview, DBLP, OpenAlex …
    ENCYCLOPEDIA = "encyclopedia"
    NEWS = "news"
    SOCIAL = "social"  # social / user-generated
    UNKNOWN = "unknown"


class Stance(StrEnum):
    SUPPORTS = "supports"
    REFUTES = "refutes"
    MENTIONS = "mentions"  # relevant context that neither supports nor refutes


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=False)


class Span(_Model):
    """Half-open character range ``[start, end)`` in a text."""

    start: int = Field(ge=0)
    end: int = Field(ge=0)


class InputDocument(_Model):
    """What the user gave: a document to split into claims, or a ready list of claims."""

    text: str
    language: Language
    origin: str = Field(description="file path, URL or '-' for stdin")
    kind: Literal["document", "claims"] = "document"
    format: Literal["txt", "md", "html", "pdf", "claims"] = "txt"
    title: str | None = None
    claims: list[ClaimInput] = Field(default_factory=list, description="set when kind='claims'")


class ClaimInput(_Model):
    """One line of a ``--claims`` list: its id is kept in the report."""

    id: str
    text: str
    span: Span | None = None


class Claim(_Model):
    """An atomic, self-contained claim on the checklist."""

    id: str
    text: str = Field(description="self-contained wording: subject named, pronouns resolved")
    original: str = Field(description="the words as they stand in the input")
    span: Span | None = Field(default=None, description="where `original` sits in the input text")
    language: Language = "en"
    type: str = "statement"  # education, employment, role, authorship, award, quantity, summary …
    context: str | None = Field(default=None, description="heading the claim sits under")
    checkworthy: float | None = Field(default=None, ge=0.0, le=1.0, description="how worth checking (LLM checklist)")
    queries: list[str] = Field(default_factory=list, description="first search queries (LLM checklist)")


class Source(_Model):
    """A citable document: what the report prints beside a quote."""

    url: str
    title: str | None = None
    published: str | None = Field(
        default=None, description="ISO date (YYYY, YYYY-MM or YYYY-MM-DD), never invented"
    )
    published_origin: str | None = Field(
        default=None, description="where the date came from: meta, front-matter, url, pdf, api …"
    )
    kind: SourceKind = SourceKind.UNKNOWN
    language: Language | None = None
    content_hash: str | None = None
    provider: str | None = None


class PageSpan(_Model):
    """Where page ``page`` (1-based) of a PDF sits in the document text."""

    page: int = Field(ge=1)
    start: int
    end: int


class Document(_Model):
    """A read source: metadata plus its full main text (the text quotes are checked against)."""

    source: Source
    text: str
    pages: list[PageSpan] = Field(default_factory=list)
    path: str | None = Field(default=None, description="local file, for corpus documents")

    def page_at(self, offset: int) -> int | None:
        for p in self.pages:
            if p.start <= offset < p.end:
                return p.page
        return None


class Passage(_Model):
    """A few sentences of a document; the unit of retrieval."""

    id: str
    doc_url: str
    text: str
    start: int = Field(description="offset of `text` in the document text")
    end: int
    page: int | None = None
    context: str | None = Field(
        default=None,
        description="the document's title: indexed with the passage, never part of a quote",
    )

    @property
    def index_text(self) -> str:
        """What retrieval sees: the title, then the passage."""
        return f"{self.context}\n{self.text}" if self.context else self.text


class SearchResult(_Model):
    """One hit of a search provider (web, scholarly API or the local corpus)."""

    url: str
    title: str | None = None
    snippet: str = ""
    published: str | None = None
    provider: str
    rank: int = 0
    score: float | None = None
    passage: Passage | None = Field(default=None, description="set by the local corpus")


class RankedPassage(_Model):
    """A passage ranked for one claim, with the signals the judge may use."""

    passage: Passage
    source: Source
    score: float = Field(description="fused score, higher is better")
    lexical: float = 0.0
    semantic: float = Field(default=0.0, description="cosine similarity claim ↔ passage")


class Evidence(_Model):
    """A verbatim quote from a source, with its stance towards the claim."""

    quote: str
    stance: Stance = Stance.MENTIONS
    source: Source
    page: int | None = None
    passage_id: str | None = None


class RationalePart(_Model):
    """One sentence of a rationale as a catalogue message: its key (``judge.missing``) and the
    values of its fields (a list fills a field as :data:`veracity.messages.LIST_FIELDS` says)."""

    key: str
    values: dict[str, RationaleValue] = Field(default_factory=dict)


class Verdict(_Model):
    label: Label
    confidence: float = Field(ge=0.0, le=1.0)
    rationale: str
    rationale_parts: list[RationalePart] | None = Field(
        default=None,
        description="the rationale as catalogue messages, to word it in either language; absent "
                    "for rationales a language model wrote and for verdicts stored before parts",
    )

    def parts_text(self, lang: str | None) -> str | None:
        """The rationale worded from its parts in ``lang``, or None without parts."""
        if not self.rationale_parts:
            return None
        return rationale_text([(p.key, p.values) for p in self.rationale_parts], lang)

    def rationale_in(self, lang: str | None) -> str:
        """The rationale in ``lang``: worded from its parts when they are what the rationale
        says in one of the two languages, else the stored text (a model's words, an old row, a
        rationale something was appended to after the judge)."""
        if not self.rationale_parts or not any(self.parts_text(lg) == self.rationale for lg in LANGS):
            return self.rationale
        return self.parts_text(lang) or self.rationale


def not_checked_verdict(error: str, lang: str) -> Verdict:
    """The placeholder verdict of a row whose verdict could not be obtained: ``unverifiable``
    with confidence 0, its rationale naming the error (the row's ``status`` says ``not_checked``)."""
    text = message("verdict.not_checked", lang, error=" ".join(error.split()))
    return Verdict(label=Label.UNVERIFIABLE, confidence=0.0, rationale=text)


class Research(_Model):
    """How the research agent reached a row's verdict (absent without the agent)."""

    state: Literal["settled", "exhausted"]
    rounds: int = Field(ge=0, description="rounds the claim took part in")
    queries: list[str] = Field(default_factory=list, description="search queries planned for the claim")
    reason: str | None = Field(default=None, description="why research stopped (exhausted)")


ClaimStatus = Literal["checked", "not_checked"]
"""``not_checked``: no verdict could be obtained (the model or the research failed); the row's
verdict is a placeholder (``unverifiable``, confidence 0) and ``error`` says why."""


class ClaimReport(_Model):
    """One row of the report table."""

    id: str
    text: str
    original: str | None = None
    span: Span | None = None
    type: str = "statement"
    verdict: Verdict
    evidence: list[Evidence] = Field(default_factory=list, max_length=5)
    research: Research | None = None
    status: ClaimStatus = Field(
        default="checked",
        description="not_checked: the verdict could not be obtained (see error); resume the run to check it",
    )
    error: str | None = Field(default=None, description="why a not-checked claim has no verdict")


class Stats(_Model):
    seconds: float = 0.0
    llm_calls: int = 0
    prompt_tokens: int = 0
    completion_tokens: int = 0
    searches: int = 0
    fetches: int = 0
    documents: int = 0
    passages: int = 0
    quotes_dropped: int = Field(default=0, description="quotes removed for not being verbatim")
    cost_usd: float = Field(default=0.0, description="LLM cost from the configured price table")
    rounds: int = Field(default=0, description="agent rounds (plan → search → read → judge)")
    llm_cached: int = Field(default=0, description="LLM answers taken from the cache")
    skipped_files: list[str] = Field(default_factory=list)
    fetch_failures: list[str] = Field(default_factory=list, description="URLs that could not be read")
    untrusted_sources: list[str] = Field(
        default_factory=list,
        description="sources left out of the evidence because they address the checker (prompt injection)",
    )


class Summary(_Model):
    total: int
    counts: dict[str, int] = Field(
        description="rows per verdict label; a not-checked row carries the placeholder label unverifiable"
    )
    not_checked: int = Field(default=0, description="rows whose verdict could not be obtained")


class SourceCoverage(_Model):
    """How one search source answered during a run."""

    name: str
    kind: str = Field(description="corpus, web, scholarly or reference")
    queries: int = 0
    results: int = 0
    errors: int = 0
    status: Literal["ok", "degraded", "failed"] = "ok"
    error: str | None = Field(default=None, description="the first error, one line")


class Coverage(_Model):
    """What the run consulted: each source, the pages read and the corpus documents used."""

    sources: list[SourceCoverage] = Field(default_factory=list)
    pages_read: int = 0
    pages_failed: int = 0
    corpus_documents_used: int = 0


class Report(_Model):
    """The result of a run. The summary is computed from the rows, never written."""

    schema_: str = Field(default=REPORT_SCHEMA, alias="schema", serialization_alias="schema")
    run_id: str
    language: Language
    judge: str
    uses_llm: bool = False
    created: str = Field(default_factory=lambda: datetime.now(UTC).isoformat(timespec="seconds"))
    input: str | None = None
    title: str | None = None
    claims: list[ClaimReport]
    stats: Stats = Field(default_factory=Stats)
    coverage: Coverage | None = Field(default=None, description="sources consulted (absent in old reports)")

    model_config = ConfigDict(extra="forbid", populate_by_name=True)

    @model_validator(mode="before")
    @classmethod
    def _drop_computed_summary(cls, data: Any) -> Any:
        """Accept the report's own JSON: ``summary`` is derived, so it is ignored on input."""
        if isinstance(data, dict) and "summary" in data:
            data = {k: v for k, v in data.items() if k != "summary"}
        return data

    @computed_field  # type: ignore[prop-decorator]
    @property
    def summary(self) -> Summary:
        counts = {label.value: 0 for label in Label}
        for c in self.claims:
            counts[c.verdict.label.value] += 1
        not_checked = sum(1 for c in self.claims if c.status == "not_checked")
        return Summary(total=len(self.claims), counts=counts, not_checked=not_checked)

    @property
    def complete(self) -> bool:
        """Whether every claim got a verdict (no row is ``not_checked``)."""
        return all(c.status == "checked" for c in self.claims)

    def to_json_dict(self) -> dict:
        return self.model_dump(mode="json", by_alias=True)


InputDocument.model_rebuild()
