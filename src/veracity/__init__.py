"""veracity — evidence-grounded fact-checking.

Public API::

    import veracity
    report = veracity.check("profile.md", corpus=["corpus/"])
    print(veracity.render(report, "md"))

``check`` / ``acheck`` return a :class:`Report`; ``render`` turns it into md, html or json.
What a caller already holds (a store, an opened corpus, provider objects, a model, a judge) is
lent with ``tools=veracity.Shared(...)``; how to check is a :class:`RunSpec` or its keywords.
Heavy modules are imported on first use, so ``import veracity`` stays cheap.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from veracity.types import (
    Claim,
    ClaimReport,
    Document,
    Evidence,
    InputDocument,
    Label,
    Passage,
    Report,
    SearchResult,
    Source,
    SourceKind,
    Stance,
    Verdict,
)

if TYPE_CHECKING:
    from veracity.config import Settings
    from veracity.pipeline import acheck, check
    from veracity.report import render
    from veracity.resume import aresume
    from veracity.run.spec import RunSpec
    from veracity.run.tools import Shared
    from veracity.store import Store

__version__ = "0.1.0"

_LAZY = {
    "check": "veracity.pipeline",
    "acheck": "veracity.pipeline",
    "aresume": "veracity.resume",
    "render": "veracity.report",
    "Settings": "veracity.config",
    "Store": "veracity.store",
    "RunSpec": "veracity.run.spec",
    "Shared": "veracity.run.tools",
}


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'veracity' has no attribute {name!r}")
    import importlib

    return getattr(importlib.import_module(module), name)


__all__ = [
    "Claim",
    "ClaimReport",
    "Document",
    "Evidence",
    "InputDocument",
    "Label",
    "Passage",
    "Report",
    "RunSpec",
    "SearchResult",
    "Settings",
    "Shared",
    "Source",
    "SourceKind",
    "Stance",
    "Store",
    "Verdict",
    "acheck",
    "aresume",
    "check",
    "render",
]
