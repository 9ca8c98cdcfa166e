"""The local corpus: folders of html/md/txt/pdf files behind the search-provider protocol.

On disk, under ``settings.cache_dir / "corpus" / <key>`` (key: sha256 of the sorted resolved
folder list, first 16 hex digits)::

    CURRENT                 name of the live version folder (replaced atomically)
    v-<stamp>/manifest.json files seen (relative path, size, mtime_ns, sha256, status) + params
    v-<stamp>/documents.jsonl   the parsed documents, texts included
    v-<stamp>/index/        the hybrid (BM25 + embedding) index
    docs/<key>.json|.npy    one parsed document, its passages and their embeddings

``open()`` stats every file; when nothing changed since the live version it loads that version
as is (no parsing, no embedding). Otherwise it re-parses only new or changed files (a file whose
bytes are unchanged is found again in ``docs/`` by content hash), rebuilds the BM25 part over all
passages, writes a new version folder under a temporary name and switches ``CURRENT`` to it, so a
crash never leaves a half-written index behind.

A file that cannot be read is listed in ``skipped`` with the reason and the run goes on; it is
retried when its size or mtime changes (or, after "permission denied", once it is readable).
Files of a type the corpus cannot read (``.docx``, ``.xlsx``, images…) are listed there too
("unsupported file type .docx"). A folder that yields no readable document at all is a
:class:`~veracity.errors.CorpusError`: when it holds no file of a supported type the constructor
says so, when every such file fails to load :meth:`LocalCorpus.open` does. Files with identical
bytes are indexed once (``duplicates``); when two different files claim the same URL, the later
one is named by its ``file://`` URL instead. When the cache folder cannot be written the index
is built in memory for the run.
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import json
import os
import shutil
import threading
import time
import uuid
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from veracity.config import Settings
from veracity.corpus.loaders import (
    SUPPORTED_SUFFIXES,
    display_path,
    file_url,
    has_corpus_files,
    load_file,
    scan_corpus_files,
    unsupported_reason,
)
from veracity.corpus.passages import split_passages
from veracity.errors import CorpusError, VeracityError, one_line
from veracity.evidence.embed import Embedder
from veracity.types import Document, Passage, SearchResult, Source

try:  # POSIX advisory locks; elsewhere builds are not serialised between processes
    import fcntl
except ImportError:  # pragma: no cover
    fcntl = None  # type: ignore[assignment]

if TYPE_CHECKING:  # ranking is imported lazily so that importing the corpus stays cheap
    from veracity.evidence.ranking import Hit, HybridIndex

__all__ = ["LocalCorpus"]

FORMAT_VERSION = 3  # 2: source kinds by domain; 3: titles indexed with passages
_EMBED_BATCH = 256


@dataclass
class _Entry:
    """One file as the manifest records it."""

    root: int
    path: str  # relative to its root folder, with "/" separators
    size: int
    mtime_ns: int
    sha256: str | None = None
    status: str = "ok"  # ok | skipped | duplicate
    reason: str = ""

    @property
    def stat_key(self) -> tuple[int, str, int, int]:
        return (self.root, self.path, self.size, self.mtime_ns)


def _atomic_write(path: Path, data: bytes) -> None:
    tmp = path.with_name(f".{path.name}.{uuid.uuid4().hex}.tmp")
    tmp.write_bytes(data)
    os.replace(tmp, path)


class LocalCorpus:
    """Search provider over local folders; see the module docstring for the on-disk layout.

    After :meth:`open`: ``documents`` holds every indexed document, ``skipped`` one
    ``"path: reason"`` line per file that could not be read, ``parsed`` how many files were
    parsed by this open (0 when the cached index was reused) and ``reused`` whether it was.
    """

    name = "corpus"

    def __init__(
        self,
        dirs: list[Path],
        *,
        settings: Settings,
        embedder: Embedder,
        progress: Callable[[str], None] | None = None,
    ) -> None:
        if not dirs:
            raise CorpusError("no corpus folder given")
        resolved: list[Path] = []
        for d in dirs:
            d = Path(d).expanduser()
            if not d.exists():
                raise CorpusError(f"corpus folder not found: {d}")
            if not d.is_dir():
                raise CorpusError(f"corpus path is not a folder: {d}")
            resolved.append(d.resolve())
        self.dirs: list[Path] = sorted(set(resolved))
        for d in self.dirs:
            if not has_corpus_files(d):
                raise CorpusError(_no_supported_files(d))
        self.settings = settings
        self.embedder = embedder
        self.progress = progress
        key = hashlib.sha256("\n".join(map(str, self.dirs)).encode("utf-8")).hexdigest()[:16]
        # the format version is part of the path: a new parser or index layout never reads an old cache
        self.cache_path: Path = Path(settings.cache_dir) / "corpus" / f"v{FORMAT_VERSION}-{key}"
        self.documents: list[Document] = []
        self.skipped: list[str] = []
        self.duplicates: list[str] = []
        self.parsed = 0
        self.reused = False
        self._index: HybridIndex | None = None
        self._rows: dict[str, int] | None = None
        self._queries: dict[str, np.ndarray] = {}  # query text → embedding, oldest first
        # queries of concurrent searches waiting for one batched embedding (see _vector_for)
        self._waiting: dict[str, asyncio.Future[np.ndarray]] = {}
        self._flush: asyncio.Task[None] | None = None
        self._by_url: dict[str, Document] = {}
        self._lock = threading.Lock()
        self._opened = False
        self._fingerprint: str | None = None  # computed once per opening
        self._persist = True  # False when the cache folder cannot be written
        self._files: list[_Entry] = []  # every file of the last opening, with its status

    # --- public API ----------------------------------------------------------------------------

    @property
    def passages(self) -> list[Passage]:
        """Every indexed passage (a copy of the list)."""
        return list(self._index.passages) if self._index is not None else []

    @property
    def passage_count(self) -> int:
        return len(self._index.passages) if self._index is not None else 0

    def open(self) -> None:
        """Build the index, or load it from the cache when no file changed. Idempotent (and,
        once open, lock-free: runs call it from the event loop while searches hold the lock)."""
        if self._opened:
            return
        with self._lock:
            if self._opened:
                return
            started = time.perf_counter()
            try:
                self.cache_path.mkdir(parents=True, exist_ok=True)
                probe = self.cache_path / f".probe-{uuid.uuid4().hex}"
                probe.write_bytes(b"")
                probe.unlink()
            except OSError as err:
                self._persist = False
                self._say(
                    f"corpus: cache folder {self.cache_path} is not writable ({err.strerror or err});"
                    " the index is built in memory for this run only"
                )
            entries = self._scan()
            with self._file_lock():
                if not self._try_load(entries):
                    self._build(entries)
            self._require_documents()
            self._by_url = {}
            for doc in self.documents:
                self._by_url.setdefault(doc.source.url, doc)
                self._by_url.setdefault(doc.source.url.rstrip("/"), doc)
            self._opened = True
            self._say(
                f"corpus: {len(self.documents)} documents, {self.passage_count} passages, "
                f"{len(self.skipped)} skipped ({'cached index' if self.reused else 'indexed'} "
                f"in {time.perf_counter() - started:.1f}s)"
            )

    @property
    def fingerprint(self) -> str:
        """A short hash of what the corpus holds (each document's URL and text) and how it is
        indexed: equal fingerprints give equal search results, so they may be cached.
        Computed once per opening (it hashes every document); :meth:`refresh` renews it."""
        self.open()
        if self._fingerprint is None:
            digest = hashlib.sha256(json.dumps(self._params(), sort_keys=True).encode("utf-8"))
            for doc in sorted(self.documents, key=lambda d: d.source.url):
                digest.update(doc.source.url.encode("utf-8") + b"\0")
                digest.update(hashlib.sha256(doc.text.encode("utf-8")).digest())
            self._fingerprint = digest.hexdigest()[:16]
        return self._fingerprint

    def refresh(self) -> None:
        """Look at the folders again (for a long-lived process): re-index what changed."""
        with self._lock:
            self._opened = False
            self._fingerprint = None
        self.open()

    async def search(
        self, query: str, *, limit: int = 10, lang: str | None = None
    ) -> list[SearchResult]:
        """One result per top passage, best first. ``lang`` is ignored: the embeddings are
        multilingual and the corpus is searched as a whole."""
        vec = await self._vector_for(query) if query.strip() and limit > 0 else None
        hits = await asyncio.to_thread(self.search_sync, query, limit, vec)
        results: list[SearchResult] = []
        for rank, (passage, hit) in enumerate(hits, start=1):
            doc = self._by_url.get(passage.doc_url)
            results.append(
                SearchResult(
                    url=passage.doc_url,
                    title=doc.source.title if doc else None,
                    snippet=passage.text,
                    published=doc.source.published if doc else None,
                    provider=self.name,
                    rank=rank,
                    score=hit.score,
                    passage=passage,
                )
            )
        return results

    def search_sync(
        self, query: str, k: int = 10, query_vec: np.ndarray | None = None
    ) -> list[tuple[Passage, Hit]]:
        """The ``k`` best passages for ``query`` with their fused scores (``query_vec``: its
        embedding, when the caller has it)."""
        self.open()
        if self._index is None or not query.strip() or k <= 0:
            return []
        with self._lock:  # the embedder is not guaranteed to be thread-safe
            vec = query_vec if query_vec is not None else self._query_vector(query)
            hits = self._index.search(query, k, query_vec=vec)
        return [(self._index.passages[h.index], h) for h in hits]

    async def _vector_for(self, query: str) -> np.ndarray:
        """The query's embedding. Searches started together (a round's claims) wait one loop
        turn and are embedded in one batch: one embedder call for many claims, not one each."""
        vec = self._queries.get(query)
        if vec is not None:
            return vec
        loop = asyncio.get_running_loop()
        fut = self._waiting.get(query)
        if fut is None or fut.get_loop() is not loop:
            fut = self._waiting[query] = loop.create_future()
        flush = self._flush
        if flush is None or flush.done() or flush.get_loop() is not loop:
            self._flush = loop.create_task(self._embed_waiting(loop))
        return await asyncio.shield(fut)

    async def _embed_waiting(self, loop: asyncio.AbstractEventLoop) -> None:
        """Embed the waiting queries in batches until none waits (see :meth:`_vector_for`)."""
        while True:
            await asyncio.sleep(0)  # the searches started in this loop turn join the batch
            batch = {q: f for q, f in self._waiting.items() if f.get_loop() is loop}
            if not batch:
                self._flush = None
                return
            for q in batch:
                del self._waiting[q]
            try:
                vecs = await asyncio.to_thread(self.query_vectors, list(batch))
            except BaseException as err:  # every waiting search sees the failure
                for f in batch.values():
                    if not f.done():
                        f.set_exception(err)
                if not isinstance(err, Exception):
                    raise
                continue
            for f, vec in zip(batch.values(), vecs, strict=True):
                if not f.done():
                    f.set_result(vec)

    def query_vectors(self, queries: Sequence[str]) -> list[np.ndarray]:
        """The embeddings of query texts, those not remembered yet in one embedder call
        (remembered: a claim is searched, then ranked)."""
        with self._lock:
            known = {q: v for q in queries if (v := self._queries.get(q)) is not None}
            wanted = [q for q in queries if q not in known]
            if wanted:
                fresh = np.asarray(self.embedder.embed(wanted), dtype=np.float32)
                for q, vec in zip(wanted, fresh, strict=True):
                    known[q] = vec
                    self._remember(q, vec)
            return [known[q] for q in queries]

    def _query_vector(self, query: str) -> np.ndarray:
        vec = self._queries.get(query)
        if vec is None:
            vec = np.asarray(self.embedder.embed([query]), dtype=np.float32)[0]
            self._remember(query, vec)
        return vec

    def _remember(self, query: str, vec: np.ndarray) -> None:
        """Keep a query's vector (the 4,096 most recent); the caller holds the lock."""
        if len(self._queries) >= 4096:
            self._queries.pop(next(iter(self._queries)))
        self._queries[query] = vec

    def vector_of(self, passage_id: str) -> np.ndarray | None:
        """The stored embedding of an indexed passage (None for one the index lacks)."""
        index = self._index
        if index is None:
            return None
        rows = self._rows
        if rows is None or len(rows) != len(index.passages):
            rows = self._rows = {p.id: i for i, p in enumerate(index.passages)}
        row = rows.get(passage_id)
        return None if row is None else index.embeddings[row]

    def get_document(self, url: str) -> Document:
        """The indexed document with this URL (trailing ``/`` ignored); ``KeyError`` if none."""
        doc = self._by_url.get(url) or self._by_url.get(url.rstrip("/"))
        if doc is None:
            raise KeyError(url)
        return doc

    def source_for(self, url: str) -> Source:
        return self.get_document(url).source

    # --- scanning ------------------------------------------------------------------------------

    def _params(self) -> dict[str, Any]:
        return {
            "format": FORMAT_VERSION,
            "embedder": self.embedder.name,
            "dim": self.embedder.dim,
            "sentences": self.settings.passage_sentences,
            "max_chars": self.settings.passage_max_chars,
            "max_bytes": self.settings.max_corpus_file_bytes,
        }

    def _scan(self) -> list[_Entry]:
        entries: list[_Entry] = []
        for root_no, root in enumerate(self.dirs):
            supported, unsupported = scan_corpus_files([root])
            for path in supported:
                rel = path.relative_to(root).as_posix()
                try:
                    st = path.stat()
                except OSError as err:
                    entries.append(_Entry(root_no, rel, -1, -1, status="skipped", reason=str(err)))
                    continue
                entries.append(_Entry(root_no, rel, st.st_size, st.st_mtime_ns))
            for path in unsupported:  # listed as skipped, with the reason, never parsed
                try:
                    st = path.stat()
                except OSError:  # gone since the walk: nothing to list
                    continue
                entries.append(_Entry(root_no, path.relative_to(root).as_posix(), st.st_size,
                                      st.st_mtime_ns, status="skipped", reason=unsupported_reason(path)))
        entries.sort(key=lambda e: (e.root, e.path))
        return entries

    def _require_documents(self) -> None:
        """Raise :class:`CorpusError` when a folder gave no readable document (every file
        of a supported type failed to load), naming the first files and why."""
        for root_no, root in enumerate(self.dirs):
            mine = [e for e in self._files if e.root == root_no]
            if any(e.status in ("ok", "duplicate") for e in mine):
                continue
            skipped = [e for e in mine if e.status == "skipped"]
            shown = "; ".join(f"{display_path(e.path)}: {e.reason}" for e in skipped[:3])
            more = f"; and {len(skipped) - 3} more" if len(skipped) > 3 else ""
            files = "file" if len(skipped) == 1 else "files"
            raise CorpusError(one_line(
                f"corpus folder {display_path(root)} has no readable documents: "
                f"{len(skipped)} {files} skipped ({shown}{more})"
            ))

    @contextlib.contextmanager
    def _file_lock(self) -> Iterator[None]:
        if fcntl is None or not self._persist:
            yield
            return
        with (self.cache_path / ".lock").open("a+") as fh:
            fcntl.flock(fh, fcntl.LOCK_EX)
            try:
                yield
            finally:
                fcntl.flock(fh, fcntl.LOCK_UN)

    def _current_version(self) -> Path | None:
        if not self._persist:
            return None
        try:
            name = (self.cache_path / "CURRENT").read_text(encoding="utf-8").strip()
        except OSError:
            return None
        version = self.cache_path / name
        return version if name and (version / "manifest.json").is_file() else None

    def _read_manifest(self) -> dict[str, Any] | None:
        version = self._current_version()
        if version is None:
            return None
        try:
            manifest = json.loads((version / "manifest.json").read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return None
        return manifest if isinstance(manifest, dict) else None

    # --- warm path -----------------------------------------------------------------------------

    def _try_load(self, entries: list[_Entry]) -> bool:
        manifest = self._read_manifest()
        version = self._current_version()
        if manifest is None or version is None or manifest.get("params") != self._params():
            return False
        old = [_Entry(**e) for e in manifest.get("files", [])]
        if sorted(e.stat_key for e in old) != sorted(e.stat_key for e in entries):
            return False
        if any(e.size < 0 for e in entries) or any(
            e.status == "skipped" and self._readable_again(e) for e in old
        ):
            return False
        try:
            documents = [
                Document.model_validate_json(line)
                for line in (version / "documents.jsonl").read_text(encoding="utf-8").splitlines()
                if line.strip()
            ]
            index = None
            if manifest.get("passages", 0):
                from veracity.evidence.ranking import HybridIndex

                index = HybridIndex.load(
                    version / "index", self.embedder, rrf_k=self.settings.rrf_k
                )
        except Exception as err:  # a damaged cache is rebuilt, never fatal
            self._say(f"corpus: cached index unreadable, rebuilding ({err})")
            return False
        self.documents = documents
        self._index = index
        self.skipped = [self._skip_line(e) for e in old if e.status == "skipped"]
        self.duplicates = [self._skip_line(e) for e in old if e.status == "duplicate"]
        self._files = old
        self.parsed = 0
        self.reused = True
        return True

    # --- build ---------------------------------------------------------------------------------

    def _readable_again(self, entry: _Entry) -> bool:
        """A file skipped for its permissions is retried once it can be read (chmod does not
        change the mtime); files skipped for their content wait for a change of content."""
        path = self.dirs[entry.root] / entry.path
        return entry.reason == "permission denied" and os.access(path, os.R_OK)

    def _skip_line(self, entry: _Entry) -> str:
        return display_path(f"{self.dirs[entry.root] / entry.path}: {entry.reason}")

    def _doc_key(self, sha: str, path: Path) -> str:
        """Cache key of one parsed file: its bytes, its location (file:// URLs depend on it)
        and the parameters that shape passages and embeddings."""
        salt = json.dumps([str(path.resolve()), self._params()], sort_keys=True)
        return f"{sha[:32]}-{hashlib.sha256(salt.encode('utf-8')).hexdigest()[:16]}"

    def _load_cached(self, key: str) -> tuple[Document, list[Passage], np.ndarray] | None:
        docs_dir = self.cache_path / "docs"
        try:
            data = json.loads((docs_dir / f"{key}.json").read_text(encoding="utf-8"))
            emb = np.load(docs_dir / f"{key}.npy", allow_pickle=False)
            doc = Document.model_validate(data["document"])
            passages = [Passage.model_validate(p) for p in data["passages"]]
        except (OSError, ValueError, KeyError, TypeError):
            return None
        if emb.shape != (len(passages), self.embedder.dim):
            return None
        return doc, passages, emb

    def _store_cached(
        self, key: str, doc: Document, passages: list[Passage], emb: np.ndarray
    ) -> None:
        if not self._persist:
            return
        docs_dir = self.cache_path / "docs"
        docs_dir.mkdir(parents=True, exist_ok=True)
        tmp = docs_dir / f".{key}.{uuid.uuid4().hex}.npy"
        with tmp.open("wb") as fh:
            np.save(fh, np.asarray(emb, dtype=np.float32), allow_pickle=False)
        os.replace(tmp, docs_dir / f"{key}.npy")
        payload = {
            "document": doc.model_dump(mode="json"),
            "passages": [p.model_dump(mode="json") for p in passages],
        }
        _atomic_write(docs_dir / f"{key}.json", json.dumps(payload).encode("ascii"))

    def _build(self, entries: list[_Entry]) -> None:
        manifest = self._read_manifest() or {}
        same_params = manifest.get("params") == self._params()
        old = {e.stat_key: e for e in (_Entry(**x) for x in manifest.get("files", []))}
        max_bytes = self.settings.max_corpus_file_bytes
        sentences = self.settings.passage_sentences
        max_chars = self.settings.passage_max_chars

        # 1. every file to (document, passages, embeddings or None when still to embed)
        loaded: list[tuple[_Entry, str, Document, list[Passage], np.ndarray | None]] = []
        readable = [e for e in entries if e.status != "skipped"]  # not unsupported, not unstatable
        changed = sum(1 for e in readable if not (same_params and e.stat_key in old))
        if changed:
            files = "file" if len(readable) == 1 else "files"
            self._say(f"corpus: indexing {len(readable)} {files} ({changed} new or changed)")
        self.parsed = 0
        for entry in entries:
            path = self.dirs[entry.root] / entry.path
            if entry.status == "skipped":
                continue
            prev = old.get(entry.stat_key) if same_params else None
            if prev is not None and prev.status == "skipped" and not self._readable_again(prev):
                entry.status, entry.reason = "skipped", prev.reason
                continue
            sha = prev.sha256 if prev is not None and prev.status != "skipped" else None
            try:
                if sha is None:
                    sha = hashlib.sha256(path.read_bytes()).hexdigest()
                key = self._doc_key(sha, path)
                cached = self._load_cached(key)
                if cached is not None:
                    doc, passages, emb = cached
                    loaded.append((entry, key, doc, passages, emb))
                else:
                    doc = load_file(path, max_bytes=max_bytes)
                    self.parsed += 1
                    sha = doc.source.content_hash or sha
                    key = self._doc_key(sha, path)
                    passages = split_passages(doc, sentences=sentences, max_chars=max_chars)
                    loaded.append((entry, key, doc, passages, None))
                entry.sha256 = sha
            except (VeracityError, OSError, ValueError) as err:
                entry.status, entry.reason = "skipped", _reason(err, path)
                self._say(f"corpus: skipped {self._skip_line(entry)}")

        # 2. embed the passages of newly parsed files in large batches
        todo = [item for item in loaded if item[4] is None]
        if todo:
            texts = [p.index_text for item in todo for p in item[3]]
            self._say(f"corpus: embedding {len(texts)} passages from {len(todo)} files")
            vectors = self._embed(texts)
            pos = 0
            for i, (entry, key, doc, passages, _) in enumerate(loaded):
                if loaded[i][4] is None:
                    emb = vectors[pos : pos + len(passages)]
                    pos += len(passages)
                    loaded[i] = (entry, key, doc, passages, emb)
                    self._store_cached(key, doc, passages, emb)

        # 3. duplicates and URL clashes, then the combined index
        documents: list[Document] = []
        all_passages: list[Passage] = []
        all_vectors: list[np.ndarray] = []
        seen_hash: dict[str, str] = {}
        seen_url: set[str] = set()
        for entry, _key, doc, passages, vectors_or_none in loaded:
            path = self.dirs[entry.root] / entry.path
            content = doc.source.content_hash or entry.sha256 or ""
            if content in seen_hash:
                entry.status, entry.reason = "duplicate", f"same content as {seen_hash[content]}"
                continue
            seen_hash[content] = str(path)
            url = doc.source.url
            if url.rstrip("/") in seen_url:  # two different files claim one URL
                url = file_url(path)
                doc.source.url = url
            seen_url.add(url.rstrip("/"))
            documents.append(doc)
            all_passages.extend(
                p if p.doc_url == url else p.model_copy(update={"doc_url": url}) for p in passages
            )
            assert vectors_or_none is not None
            all_vectors.append(vectors_or_none)

        index = None
        if all_passages:
            from veracity.evidence.ranking import HybridIndex

            matrix = np.concatenate(all_vectors, axis=0).astype(np.float32, copy=False)
            index = HybridIndex(all_passages, matrix, self.embedder, rrf_k=self.settings.rrf_k)
        self.documents = documents
        self._index = index
        self.skipped = [self._skip_line(e) for e in entries if e.status == "skipped"]
        self.duplicates = [self._skip_line(e) for e in entries if e.status == "duplicate"]
        self._files = entries
        self.reused = False
        self._write_version(entries, documents, index, len(all_passages))

    def _embed(self, texts: list[str]) -> np.ndarray:
        """Embed ``texts`` (rows in their order). Each distinct text is embedded once, and
        batches hold texts of similar length, which helps embedders that pad a batch."""
        unique: dict[str, int] = {}
        slot = [unique.setdefault(t, len(unique)) for t in texts]
        distinct = list(unique)
        vectors = np.zeros((len(distinct), self.embedder.dim), dtype=np.float32)
        order = sorted(range(len(distinct)), key=lambda i: len(distinct[i]))
        step = max(len(distinct) // 10, _EMBED_BATCH)
        next_report = step
        for start in range(0, len(order), _EMBED_BATCH):
            idx = order[start : start + _EMBED_BATCH]
            vectors[idx] = np.asarray(self.embedder.embed([distinct[i] for i in idx]), np.float32)
            done = start + len(idx)
            if done >= next_report and done < len(distinct):
                self._say(f"corpus: embedded {done}/{len(distinct)} distinct passages")
                next_report += step
        return vectors[slot] if texts else vectors

    def _write_version(
        self,
        entries: list[_Entry],
        documents: list[Document],
        index: HybridIndex | None,
        n_passages: int,
    ) -> None:
        if not self._persist:
            return
        name = f"v-{time.time_ns()}-{uuid.uuid4().hex[:8]}"
        tmp = self.cache_path / f".tmp-{name}"
        tmp.mkdir(parents=True)
        try:
            if index is not None:
                (tmp / "index").mkdir()
                index.save(tmp / "index")
            with (tmp / "documents.jsonl").open("w", encoding="utf-8") as fh:
                for doc in documents:
                    fh.write(doc.model_dump_json() + "\n")
            manifest = {
                "params": self._params(),
                "dirs": [str(d) for d in self.dirs],
                "passages": n_passages,
                "files": [e.__dict__ for e in entries],
            }
            (tmp / "manifest.json").write_text(json.dumps(manifest), "ascii")
            os.replace(tmp, self.cache_path / name)
        except BaseException:
            shutil.rmtree(tmp, ignore_errors=True)
            raise
        _atomic_write(self.cache_path / "CURRENT", name.encode("utf-8"))
        self._collect_garbage(name, entries)

    def _collect_garbage(self, live: str, entries: list[_Entry]) -> None:
        """Drop old versions, leftovers of crashed builds and cached files no longer present."""
        for child in self.cache_path.iterdir():
            if child.is_dir() and child.name != live and child.name.startswith(("v-", ".tmp-v-")):
                shutil.rmtree(child, ignore_errors=True)
        docs_dir = self.cache_path / "docs"
        if not docs_dir.is_dir():
            return
        keep = {
            self._doc_key(e.sha256, self.dirs[e.root] / e.path)
            for e in entries
            if e.sha256 and e.status != "skipped"
        }
        for f in docs_dir.iterdir():
            stem = f.name.split(".")[0] if not f.name.startswith(".") else ""
            if stem not in keep:
                with contextlib.suppress(OSError):
                    f.unlink()

    def _say(self, message: str) -> None:
        if self.progress is not None:
            self.progress(message)


def _no_supported_files(root: Path) -> str:
    """Why a folder without a single file of a supported type cannot be a corpus."""
    kinds = "/".join(sorted(s.lstrip(".") for s in SUPPORTED_SUFFIXES))
    _, other = scan_corpus_files([root])
    if not other:
        return f"corpus folder {display_path(root)} has no readable documents: it holds no {kinds} files"
    names = ", ".join(display_path(p.relative_to(root)) for p in other[:3])
    more = f" and {len(other) - 3} more" if len(other) > 3 else ""
    files = "file" if len(other) == 1 else "files"
    return one_line(
        f"corpus folder {display_path(root)} has no readable documents: it holds no {kinds} files, "
        f"only {len(other)} {files} of other types ({names}{more})"
    )


def _reason(err: BaseException, path: Path) -> str:
    """The error message without the path prefix the loaders put in front."""
    msg = str(err) or type(err).__name__
    prefix = f"{path}: "
    return msg[len(prefix) :] if msg.startswith(prefix) else msg
