"""Store stage: the SQLite record of every run (see :mod:`veracity.store.db`).

Schema changes are append-only migrations in :mod:`veracity.store.migrations`.
"""

from __future__ import annotations

from veracity.store.db import Store, content_hash
from veracity.store.migrations import MIGRATIONS, SCHEMA_VERSION

__all__ = ["MIGRATIONS", "SCHEMA_VERSION", "Store", "content_hash"]
