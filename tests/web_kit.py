"""A local web for whole runs: a SearXNG-style JSON search endpoint and the pages it finds,
served by one HTTP server on 127.0.0.1 in a thread.

``LocalWeb`` holds what is served (``pages``: path → (content type, bytes)) and the search
answer (``answer(query)`` → SearXNG result dicts; by default every page ranked by the words it
shares with the query), and counts the requests by path. :func:`serving` starts the server,
builds the content for its base URL and stops it afterwards. The web-run tests and
``bench/bench_web.py`` use it; :class:`WordEmbedder` is a model-free embedder for such runs.
"""

from __future__ import annotations

import json
import re
import threading
import zlib
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
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


class LocalWeb:
    """The server's content and a count of the requests it answered, by path."""

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


def _handler(web: LocalWeb) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, format: str, *args: Any) -> None:  # keep test output clean
            pass

        def do_GET(self) -> None:
            parts = urlsplit(self.path)
            with web.lock:
                web.requests[parts.path] += 1
            if parts.path == "/search":
                params = parse_qs(parts.query)
                if params.get("format") != ["json"]:
                    send(self, 403, "text/plain", b"json format not enabled")
                    return
                query = params.get("q", [""])[0]
                with web.lock:
                    web.queries.append(query)
                answer = {"query": query, "results": web.answer(query)}
                send(self, 200, "application/json", json.dumps(answer).encode())
            elif parts.path in web.pages:
                ctype, page = web.pages[parts.path]
                send(self, 200, ctype, page)
            else:
                send(self, 404, "text/plain", b"not found")

    return Handler


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    request_queue_size = 128  # a run opens dozens of connections at once; 5 makes some wait 1 s


@contextmanager
def serving(web: LocalWeb) -> Iterator[LocalWeb]:
    """Serve ``web`` on 127.0.0.1 (a free port) in a thread until the block ends."""
    httpd = _Server(("127.0.0.1", 0), _handler(web))
    web.build(f"http://127.0.0.1:{httpd.server_address[1]}")
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield web
    finally:
        httpd.shutdown()
        httpd.server_close()
