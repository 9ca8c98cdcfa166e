"""The run spec: everything a run records about how it was asked, typed.

A run stores its spec in the store's ``options`` column when it starts; :func:`veracity.resume.resume_run`,
the server's job runner and the batch runner read it back with :meth:`RunSpec.load`, which also
reads the untyped dicts older runs stored (a missing entry takes its default; entries a caller
added, such as the batch's ``batch`` and ``key``, are kept as they are).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any, TypedDict

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from veracity.config import Settings
from veracity.errors import InputError
from veracity.types import InputDocument

__all__ = ["RUN_KNOBS", "RunKnobs", "RunOptions", "RunSpec"]

# Settings that change what a run finds or concludes. They are recorded with the run, and a
# resumed run researches its remaining claims with the same values.
RUN_KNOBS = ("top_k", "max_evidence", "rrf_k", "passage_sentences", "passage_max_chars", "max_claims")


class RunKnobs(BaseModel):
    """The values of :data:`RUN_KNOBS` a run was started with (None: not recorded)."""

    model_config = ConfigDict(extra="ignore")

    top_k: int | None = None
    max_evidence: int | None = None
    rrf_k: int | None = None
    passage_sentences: int | None = None
    passage_max_chars: int | None = None
    max_claims: int | None = None

    @classmethod
    def of(cls, settings: Settings) -> RunKnobs:
        return cls.model_validate({k: getattr(settings, k) for k in RUN_KNOBS})

    def apply(self, settings: Settings) -> Settings:
        """``settings`` with the recorded values in place of its own."""
        update = {k: v for k, v in self.model_dump().items() if v is not None}
        return settings.model_copy(update=update) if update else settings


class RunOptions(TypedDict, total=False):
    """The fields of a :class:`RunSpec` a caller gives, as keywords (``acheck(source, **options)``)."""

    corpus: Sequence[str | Path]
    providers: Sequence[str]
    claims: bool
    lang: str
    report_lang: str | None
    concurrency: int
    cache: bool
    offline: bool
    allow_hosts: Sequence[str]


class RunSpec(BaseModel):
    """How a run was asked: its input, where it searched, how it judged."""

    model_config = ConfigDict(extra="allow")  # a caller's own entries (the batch and its key)

    input: InputDocument | None = Field(default=None, description="the input document itself")
    corpus: list[str] = Field(default_factory=list, description="the corpus folders searched")
    providers: list[str] = Field(default_factory=list, description="the search providers, by name")
    offline: bool = Field(default=False, description="pages only from the store's fetch cache")
    allow_hosts: list[str] = Field(default_factory=list, description="the SSRF guard's allow-list")
    lang: str = "auto"
    report_lang: str | None = None
    claims: bool = Field(default=False, description="the input was a list of claims")
    subject: str | None = Field(default=None, description="the judge's subject")
    concurrency: int = 4
    agent: bool = Field(default=False, description="researched by the LLM agent")
    cache: bool = Field(default=False, description="LLM answers and corpus searches from the caches")
    settings: RunKnobs = Field(default_factory=RunKnobs)

    @classmethod
    def load(cls, options: Mapping[str, Any] | None) -> RunSpec:
        """The spec of a stored ``options`` dict, old or new (entries that are null or of
        another shape in an old dict take their default)."""
        data = {k: v for k, v in (options or {}).items() if v is not None or k in ("report_lang", "subject")}
        try:
            return cls.model_validate(data)
        except ValidationError:
            clean = {}
            for key, value in data.items():
                try:
                    cls.model_validate({key: value})
                except ValidationError:
                    continue
                clean[key] = value
            return cls.model_validate(clean)

    @classmethod
    def given(cls, spec: RunSpec | None = None, **options: Any) -> RunSpec:
        """``spec`` (default: an empty one) with the caller's ``options`` (:class:`RunOptions`)
        in place of its own values. A keyword that is not one of them raises :class:`TypeError`."""
        unknown = sorted(set(options) - set(RunOptions.__optional_keys__))
        if unknown:
            raise TypeError(f"unexpected keyword argument{'s' if len(unknown) > 1 else ''}: {', '.join(unknown)}"
                            " (a store, corpus, providers, reader, embedder, model or judge is lent with"
                            " tools=Shared(...))")
        update = dict(options)
        for key in ("corpus", "providers", "allow_hosts"):
            if key in update:
                values = update[key]
                if isinstance(values, str | Path) or not all(isinstance(v, str | Path) for v in values):
                    raise TypeError(f"{key}= takes a list of names or paths (lend opened corpora and"
                                    " provider objects with tools=Shared(...))")
                update[key] = [str(v) for v in values]
        if spec is None:
            return cls.model_validate(update)
        return cls.model_validate({**spec.model_dump(), **update}) if update else spec

    def record(self) -> dict[str, Any]:
        """The dict the store keeps."""
        return self.model_dump(mode="json")

    def extras(self) -> dict[str, Any]:
        """The entries a caller added (not fields of the spec)."""
        return dict(self.model_extra or {})

    def recorded(self, doc: InputDocument) -> bool:
        """Whether the run recorded this very document as its input."""
        return self.input is not None and self.input.model_dump(mode="json") == doc.model_dump(mode="json")

    def document(self, run_id: str) -> InputDocument:
        """The recorded input; :class:`InputError` when the run was stored without it."""
        if self.input is None:
            raise InputError(
                f"run {run_id} cannot be resumed: it was recorded without its input (by an older veracity)"
            )
        return self.input
