"""Settings, read from ``VERACITY_*`` environment variables (and a ``.env`` file when present)."""

from __future__ import annotations

from pathlib import Path

from platformdirs import user_cache_dir, user_data_dir
from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict


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
    max_input_bytes: int = Field(default=50 * 1024 * 1024, description="largest input file read")
    max_claims: int = Field(default=500, description="checklist cap; longer inputs are refused")
    max_corpus_file_bytes: int = Field(default=50 * 1024 * 1024)

    # retrieval
    embed_threads: int = Field(default=2, description="BLAS threads for the sentence encoder")
    passage_sentences: int = Field(default=3, description="sentences per passage")
    passage_max_chars: int = Field(default=600)
    top_k: int = Field(default=8, description="passages ranked per claim and shown to the judge")
    rrf_k: int = Field(default=60, description="reciprocal-rank-fusion constant")
    max_evidence: int = Field(default=3, ge=1, le=5, description="evidence items per claim")
