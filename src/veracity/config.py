"""Settings, read from ``VERACITY_*`` environment variables (and a ``.env`` file when present)."""

from __future__ import annotations

from pathlib import Path

from platformdirs import user_cache_dir, user_data_dir
from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

from veracity.errors import ConfigError


def default_db_path() -> Path:
    return Path(user_data_dir("veracity", appauthor=False)) / "veracity.sqlite"


def default_cache_dir() -> Path:
    return Path(user_cache_dir("veracity", appauthor=False))


class Settings(BaseSettings):
    """All knobs in one place. CLI flags override these for one run."""

    model_config = SettingsConfigDict(env_prefix="VERACITY_", env_file=".env", extra="ignore")

    db_path: Path = Field(default_factory=default_db_path, description="SQLite store")
    cache_dir: Path = Field(default_factory=default_cache_dir, description="corpus indexes")

    # input limits
    max_input_bytes: int = Field(default=50 * 1024 * 1024, ge=1, description="largest input file read")
    max_claims: int = Field(default=500, ge=1, le=100_000, description="checklist cap; longer inputs are refused")
    max_corpus_file_bytes: int = Field(default=50 * 1024 * 1024, ge=1)
    parse_timeout: float = Field(
        default=60.0, gt=0, le=3600,
        description="seconds the server may spend reading one submission (its own process; then refused)",
    )

    # retrieval
    embed_threads: int = Field(default=2, ge=1, le=256, description="BLAS threads for the sentence encoder")
    passage_sentences: int = Field(default=3, ge=1, le=50, description="sentences per passage")
    passage_max_chars: int = Field(default=600, ge=50, le=100_000)
    top_k: int = Field(default=8, ge=1, le=200, description="passages ranked per claim and shown to the judge")
    rrf_k: int = Field(default=60, ge=1, description="reciprocal-rank-fusion constant")
    max_evidence: int = Field(default=3, ge=1, le=5, description="evidence items per claim")

    # language model (the research agent); no base URL → the offline evidence-match judge
    llm_base_url: str | None = Field(default=None, description="OpenAI-compatible endpoint, e.g. http://localhost:8080/v1")
    llm_api_key: str | None = Field(default=None, description="bearer key for the endpoint")
    llm_model: str = Field(default="gpt-4o-mini", description="model for every stage without its own")
    llm_model_checklist: str | None = Field(default=None, description="model for the checklist stage")
    llm_model_plan: str | None = Field(default=None, description="model for query planning")
    llm_model_judge: str | None = Field(default=None, description="model for the verdicts")
    llm_timeout: float = Field(default=60.0, gt=0, description="seconds per LLM request")
    llm_retries: int = Field(
        default=3, ge=0, description="tries after the first on 429, 5xx, timeouts (attempts - 1)"
    )
    llm_concurrency: int = Field(default=8, ge=1, description="LLM requests in flight at once")
    llm_temperature: float = Field(default=0.0, ge=0.0, le=2.0)
    llm_max_output_tokens: int = Field(default=2048, ge=64)
    llm_prices: dict[str, tuple[float, float]] = Field(
        default_factory=lambda: dict(DEFAULT_PRICES),
        description="USD per million (prompt, completion) tokens by model name; JSON in the env",
    )

    # the agent's budget per run (defaults suit a document of about ten claims)
    max_rounds: int = Field(default=3, ge=1, description="plan → search → read → judge rounds")
    max_llm_calls: int = Field(default=80, ge=1)
    max_llm_tokens: int = Field(default=400_000, ge=1000, description="prompt + completion tokens")
    max_searches: int = Field(default=200, ge=1,
                              description="queries sent to search providers (a local corpus is not counted)")
    max_seconds: float = Field(default=900.0, gt=0, description="wall time of the research rounds")
    queries_per_round: int = Field(default=3, ge=1, le=8, description="queries planned per claim and round")
    read_per_claim: int = Field(default=3, ge=0, description="new web pages read per claim and round")

    # published output
    org_name: str = Field(
        default="veracity", min_length=1,
        description="the organisation named as author of ClaimReview output (--format claimreview)",
    )

    def model_for(self, stage: str) -> str:
        """The model a stage uses: its own setting, else ``llm_model``."""
        own = getattr(self, f"llm_model_{stage}", None)
        return str(own or self.llm_model)


def settings_error(err: BaseException) -> ConfigError | None:
    """A :class:`ConfigError` of one line for a settings failure (a ``VERACITY_*`` variable or a
    flag that does not validate, a JSON setting that does not parse), or ``None`` for anything
    else. "VERACITY_LLM_TIMEOUT: Input should be a valid number, unable to parse string as a
    number (got 'x')"."""
    from pydantic import ValidationError
    from pydantic_settings import SettingsError

    if isinstance(err, ValidationError) and err.title == Settings.__name__:
        parts = []
        for e in err.errors()[:3]:
            name = "VERACITY_" + "_".join(str(x) for x in e.get("loc", ())).upper()
            got = e.get("input")
            parts.append(f"{name}: {e.get('msg', 'invalid')}" + (f" (got {got!r})" if got is not None else ""))
        return ConfigError("bad setting: " + "; ".join(parts))
    if isinstance(err, SettingsError):
        return ConfigError(f"bad setting: {err}".splitlines()[0])
    return None


# USD per million tokens (prompt, completion), list prices as published by the vendors in 2025;
# override or extend with VERACITY_LLM_PRICES='{"my-model": [0.2, 0.6]}'. Unknown models cost 0.
DEFAULT_PRICES: dict[str, tuple[float, float]] = {
    "gpt-4o": (2.50, 10.00),
    "gpt-4o-mini": (0.15, 0.60),
    "gpt-4.1": (2.00, 8.00),
    "gpt-4.1-mini": (0.40, 1.60),
    "gpt-4.1-nano": (0.10, 0.40),
    "deepseek-chat": (0.27, 1.10),
    "deepseek-reasoner": (0.55, 2.19),
}
