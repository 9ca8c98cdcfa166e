"""Store stage: the SQLite record of every run (see :mod:`veracity.store.db`).

Schema changes are append-only migrations in :mod:`veracity.store.migrations`.
"""

from __future__ import annotations

from veracity.store.db import Store, content_hash
from veracity.store.jobs import JOB_STATUSES, Job, JobKind, JobStatus, new_job_id
from veracity.store.migrations import MIGRATIONS, SCHEMA_VERSION

__all__ = [
    "JOB_STATUSES", "MIGRATIONS", "SCHEMA_VERSION", "Job", "JobKind", "JobStatus", "Store",
    "content_hash", "new_job_id",
]
