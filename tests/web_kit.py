"""A local web site for whole runs: a SearXNG-style JSON search endpoint and the pages it
finds, served by the tests' one page server (``server_kit.LocalWeb``) on 127.0.0.1.

``Site`` holds what is served (``pages``: path → (content type, bytes)) and the search answer
(``answer(query)`` → SearXNG result dicts; by default every page ranked by the words it shares
with the query). :func:`serving` starts the server, builds the content for its base URL, routes
it and stops it afterwards; ``site.requests`` counts the requests by path. ``bench/bench_web.py``
uses it; :class:`WordEmbedder` is a model-free embedder for such runs.
"""

from __future__ import annotations

import json
import re
import threading
import zlib
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler
from typing import Any
from urllib.parse import parse_qs, urlsplit

import numpy as np

from veracity.testing.http import send

Pages = dict[str, tuple[str, bytes]]


class WordEmbedder:
    """Bag-of-words vectors (no model to load), keeping every call's texts in ``calls``; the
    tests' one stand-in for the sentence encoder."""

    name = "test-word-embedder"
    dim = 64

    def __init__(self) -> None:
        self.calls: list[list[str]] = []

    @property
    def texts(self) -> list[str]:
        """Every text embedded, in order."""
        return [t for call in self.calls for t in call]

    def embed(self, texts: list[str]) -> np.ndarray:
        self.calls.append(list(texts))
        out = np.zeros((len(texts), self.dim), dtype=np.float32)
        for i, text in enumerate(texts):
            for word in re.findall(r"\w+", text.lower()):
                out[i, zlib.crc32(word.encode()) % self.dim] += 1.0
        norms = np.linalg.norm(out, axis=1, keepdims=True)
        norms[norms == 0] = 1.0
        return out / norms


class Site:
    """The site's content, its search answer, and (while served) the requests by path."""

    def __init__(self, build: Callable[[str], Pages] | None = None, *, limit: int = 5) -> None:
        self.base = ""
        self.requests: Counter[str] = Counter()
        self.queries: list[str] = []
        self.lock = threading.Lock()
        self.pages: Pages = {}
        self.limit = limit
        self._build = build

    def build(self, base: str) -> None:
        self.base = base
        if self._build is not None:
            self.pages = self._build(base)

    def search_results(self, query: str) -> list[dict[str, Any]]:
        """The pages sharing most words with ``query`` (at least one), best first."""
        words = set(_words(query))
        scored = []
        for order, (path, (ctype, body)) in enumerate(self.pages.items()):
            if not ctype.startswith("text/html"):
                continue
            text = body.decode("utf-8", "replace")
            shared = len(words & set(_words(text)))
            if shared:
                scored.append((-shared, order, path, _title(text)))
        scored.sort()
        return [{"url": f"{self.base}{path}", "title": title, "content": title, "publishedDate": None}
                for _, _, path, title in scored[: self.limit]]

    def answer(self, query: str) -> list[dict[str, Any]]:
        return self.search_results(query)


def _words(text: str) -> list[str]:
    return [w for w in re.findall(r"[a-z0-9]+", text.casefold()) if len(w) > 3]


def _title(html: str) -> str:
    found = re.search(r"<title>(.*?)</title>", html, re.S)
    return found.group(1).strip() if found else ""


def html_page(url: str, title: str, body: str, published: str = "2021-05-04T09:30:00Z") -> bytes:
    """A small article page with its canonical URL, title and date in the head."""
    return f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<title>{title}</title>
<link rel="canonical" href="{url}">
<meta property="og:url" content="{url}">
<meta property="og:title" content="{title}">
<meta property="article:published_time" content="{published}">
</head><body>
<nav><a href="/">Home</a> | <a href="/about">About</a></nav>
<article><h1>{title}</h1>{body}</article>
<footer>Local test site.</footer>
</body></html>""".encode()


def _search(site: Site, h: BaseHTTPRequestHandler) -> None:
    """SearXNG's ``/search?q=…&format=json`` over the site's pages."""
    params = parse_qs(urlsplit(h.path).query)
    if params.get("format") != ["json"]:
        send(h, 403, "text/plain", b"json format not enabled")
        return
    query = params.get("q", [""])[0]
    with site.lock:
        site.queries.append(query)
    send(h, 200, "application/json", json.dumps({"query": query, "results": site.answer(query)}).encode())


@contextmanager
def serving(site: Site) -> Iterator[Site]:
    """Serve ``site`` on 127.0.0.1 (a free port) until the block ends."""
    from server_kit import serve_local_web

    with serve_local_web() as web:
        site.build(web.base)
        site.requests = web.requests
        web.routes["/search"] = lambda h: _search(site, h)
        for path, (ctype, body) in site.pages.items():
            web.routes[path] = lambda h, c=ctype, b=body: send(h, 200, c, b)
        yield site
