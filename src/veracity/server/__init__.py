"""The HTTP server: a JSON API (and a web page) over veracity's public Python API.

* :mod:`veracity.server.app` — :func:`create_app` and :class:`ServerConfig`: the FastAPI app;
* :mod:`veracity.server.jobs` — the job runner (checks run a few at a time, resumed after a restart);
* :mod:`veracity.server.sse` — per-job event logs and their server-sent-event streams;
* :mod:`veracity.server.inputs` — submissions (JSON or multipart) turned into stored job requests;
* :mod:`veracity.server.parsing` — submissions read in processes of their own, with a time limit;
* :mod:`veracity.server.http` — the error body and the request-size guard;
* :mod:`veracity.server.web` — the page at ``/``;
* :mod:`veracity.server.cli` — ``veracity serve``.

Names are imported lazily: ``import veracity.server`` loads neither FastAPI nor uvicorn.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from veracity._lazy import lazy_getattr

if TYPE_CHECKING:
    from veracity.server.app import ServerConfig, create_app

__all__ = ["ServerConfig", "create_app"]

__getattr__ = lazy_getattr(__name__, {"ServerConfig": "app", "create_app": "app"})
