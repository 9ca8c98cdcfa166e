"""Reader stage: URL or bytes → :class:`~veracity.types.Document`.

* :mod:`~veracity.reader.fetch` — :class:`Reader`, the network side (redirects, size caps,
  sniffing, retries, politeness, cache);
* :mod:`~veracity.reader.safety` — the SSRF guard every URL passes first;
* :mod:`~veracity.reader.html` and :mod:`~veracity.reader.pdf` — the pure parsers.

Names are imported lazily, so ``import veracity.reader`` stays cheap.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from veracity._lazy import lazy_getattr

if TYPE_CHECKING:
    from veracity.reader.fetch import FetchCache, MemoryFetchCache, Reader
    from veracity.reader.html import parse_html
    from veracity.reader.pdf import parse_pdf
    from veracity.reader.safety import URLPolicy, check_url, check_url_sync, is_public_address

__all__ = [
    "FetchCache",
    "MemoryFetchCache",
    "Reader",
    "URLPolicy",
    "check_url",
    "check_url_sync",
    "is_public_address",
    "parse_html",
    "parse_pdf",
]

_WHERE = {
    "FetchCache": "fetch",
    "MemoryFetchCache": "fetch",
    "Reader": "fetch",
    "URLPolicy": "safety",
    "check_url": "safety",
    "check_url_sync": "safety",
    "is_public_address": "safety",
    "parse_html": "html",
    "parse_pdf": "pdf",
}


__getattr__ = lazy_getattr(__name__, _WHERE)
