"""Submissions read in a separate process, with a time limit.

Reading a submission — decoding, the HTML/PDF/Markdown parse and the rule checklist that checks
its size — is CPU work on untrusted input, and some of it runs in C with the GIL held (``re``,
lxml): in the server's own process one hostile upload could stop every other request. Here each
submission is read by :func:`parse_submission` in a process of its own (forked from a
``forkserver`` that has the parsing modules loaded, ``spawn`` where there is none), and
:class:`SubmissionParser` waits for it in a thread: the event loop never runs the parse, and a
parse that passes the time limit (``VERACITY_PARSE_TIMEOUT``) is killed and refused with
:class:`ParseRefused` 422 ``parse_timeout``.

A process per submission (rather than a pool) means a killed parse leaves nothing to repair:
the next submission starts a fresh process, which costs a few milliseconds from the forkserver.
This module imports only what the parse needs, so that the forkserver stays small.
"""

from __future__ import annotations

import asyncio
import contextlib
import multiprocessing
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any

# loaded once in the forkserver, so that a parse process starts with them imported
PRELOAD = ("veracity.server.parsing", "veracity.ingest", "veracity.checklist.rules",
           "veracity.reader.html", "veracity.reader.pdf")

_SUFFIX_CHARS = frozenset("abcdefghijklmnopqrstuvwxyz0123456789")


@dataclass(frozen=True)
class ParseTask:
    """One submission to read. ``filename``: an uploaded file's (safe) name, read like a file of
    that suffix; None: pasted text or a claims list, read like standard input (``claims``: as a
    claims list). ``shown`` names the input in error messages, ``origin`` becomes the document's
    origin and ``title`` (when given) its title."""

    data: bytes
    filename: str | None
    origin: str
    shown: str
    max_bytes: int
    max_claims: int
    claims: bool = False
    title: str | None = None


class ParseRefused(Exception):
    """A submission that cannot be checked; ``status`` and ``code`` go to the API's error body."""

    def __init__(self, message: str, *, status: int = 400, code: str = "bad_input") -> None:
        super().__init__(" ".join(message.split()))
        self.status = status
        self.code = code


def _refusal(err: Exception, name: str, shown: str) -> ParseRefused:
    """An ingest refusal naming ``shown`` instead of ``name`` (a temporary path, standard input)."""
    from veracity.errors import InputTooLarge

    message = str(err).replace(name, shown)
    if isinstance(err, InputTooLarge):
        return ParseRefused(message, status=413, code="too_large")
    return ParseRefused(message)


def _upload_suffix(filename: str) -> str:
    suffix = Path(filename).suffix.lower()
    ok = 2 <= len(suffix) <= 11 and all(c in _SUFFIX_CHARS for c in suffix[1:])
    return suffix if ok else ""


def parse_submission(task: ParseTask) -> dict[str, Any]:
    """The submission read as the CLI reads it — :func:`veracity.ingest.read_input`, then the rule
    checklist's size check (:func:`veracity.checklist.rules.split_claims` with the claim cap) —
    as the :class:`~veracity.types.InputDocument` JSON a job keeps. Raises
    :class:`ParseRefused` for input that cannot be checked. Runs in the parse process (and
    anywhere else: it is a plain function)."""
    from veracity.checklist.rules import split_claims
    from veracity.errors import InputError
    from veracity.ingest import read_input

    try:
        if task.filename is None:
            import io

            try:
                doc = read_input("-", claims=task.claims, max_bytes=task.max_bytes, stdin=io.BytesIO(task.data))
            except InputError as err:
                raise _refusal(err, "standard input", task.shown) from None
        else:
            with tempfile.TemporaryDirectory(prefix="veracity-upload-") as tmp:
                path = Path(tmp) / ("input" + _upload_suffix(task.filename))
                path.write_bytes(task.data)
                try:
                    doc = read_input(path, max_bytes=task.max_bytes)
                except InputError as err:
                    raise _refusal(err, str(path), task.shown) from None
        update: dict[str, Any] = {"origin": task.origin}
        if task.title:
            update["title"] = task.title
        doc = doc.model_copy(update=update)
        split_claims(doc, max_claims=task.max_claims)  # a document with too many claims is refused now
    except InputError as err:
        raise ParseRefused(str(err)) from None
    return doc.model_dump(mode="json")


def _child(conn: Connection, task: ParseTask) -> None:
    """The parse process: read ``task``, send ``("ok", doc)``, ``("refused", status, code,
    message)`` or ``("crashed", message)``."""
    outcome: tuple[Any, ...]
    try:
        outcome = ("ok", parse_submission(task))
    except ParseRefused as err:
        outcome = ("refused", err.status, err.code, str(err))
    except BaseException as err:  # a bug or a resource limit: reported, not raised in a child
        outcome = ("crashed", f"{type(err).__name__}: {' '.join(str(err).split())[:300]}")
    try:
        conn.send(outcome)
    finally:
        conn.close()


def parse_context() -> Any:
    """The multiprocessing context parse processes come from: ``forkserver`` (its server loads
    :data:`PRELOAD` once) where the platform has it, else ``spawn``."""
    if "forkserver" in multiprocessing.get_all_start_methods():
        ctx = multiprocessing.get_context("forkserver")
        ctx.set_forkserver_preload(list(PRELOAD))
        return ctx
    return multiprocessing.get_context("spawn")


class _OneParse:
    """One parse process, driven from a worker thread; :meth:`kill` may be called from any thread."""

    def __init__(self, ctx: Any, task: ParseTask, timeout: float) -> None:
        self._ctx = ctx
        self._task = task
        self._timeout = timeout
        self._lock = threading.Lock()
        self._proc: Any = None
        self._killed = False

    def kill(self) -> None:
        with self._lock:
            self._killed = True
            if self._proc is not None:
                with contextlib.suppress(Exception):  # already reaped or gone: nothing to kill
                    self._proc.kill()

    def run(self) -> tuple[Any, ...]:
        """Start the process and wait for its answer: the child's outcome, ``("timeout",
        seconds)`` or ``("crashed", message)``."""
        t0 = time.monotonic()
        receiver, sender = self._ctx.Pipe(duplex=False)
        try:
            with self._lock:
                if self._killed:
                    return ("crashed", "the parse was cancelled")
                self._proc = self._ctx.Process(target=_child, args=(sender, self._task), daemon=True,
                                               name="veracity-parse")
                self._proc.start()
            sender.close()  # the child holds the only writer: its exit is an end of file here
            left = max(0.0, self._timeout - (time.monotonic() - t0))
            if not receiver.poll(left):
                return ("timeout", self._timeout)
            try:
                return tuple(receiver.recv())
            except (EOFError, OSError):
                self._proc.join(5)
                return ("crashed", f"the parse process ended without an answer (exit code {self._proc.exitcode})")
        finally:
            self.kill()
            if self._proc is not None:
                self._proc.join(5)
            receiver.close()
            sender.close()


class SubmissionParser:
    """Reads submissions in their own processes, at most ``slots`` at once, each within
    ``timeout`` seconds (see the module docstring). Use it inside the server's loop."""

    def __init__(self, *, timeout: float, slots: int = 2) -> None:
        self.timeout = timeout
        self.slots = max(1, slots)
        self._ctx = parse_context()
        self._sem = asyncio.Semaphore(self.slots)
        self._threads = ThreadPoolExecutor(max_workers=self.slots, thread_name_prefix="veracity-parse")
        self._live: set[_OneParse] = set()

    async def start(self, timeout: float = 120.0) -> None:
        """Start the forkserver (it loads the parsing modules) with one small parse, so that the
        first submission does not wait for it."""
        warm = ParseTask(data=b"Warm up.", filename=None, origin="warm-up", shown="text",
                         max_bytes=1024, max_claims=10)
        await self._run(warm, timeout=max(timeout, self.timeout))

    async def parse(self, task: ParseTask) -> dict[str, Any]:
        """The document of ``task`` (see :func:`parse_submission`), read in its own process.
        Raises :class:`ParseRefused`: the input's refusal, or 422 ``parse_timeout`` past the
        time limit; 500 ``internal_error`` when the process failed."""
        outcome = await self._run(task, timeout=self.timeout)
        kind = outcome[0]
        if kind == "ok":
            return dict(outcome[1])
        if kind == "refused":
            raise ParseRefused(str(outcome[3]), status=int(outcome[1]), code=str(outcome[2]))
        if kind == "timeout":
            raise ParseRefused(
                f"reading the submission took longer than this server allows ({self.timeout:g} s, "
                "VERACITY_PARSE_TIMEOUT) and was stopped", status=422, code="parse_timeout",
            )
        raise ParseRefused(f"the submission could not be read: {outcome[1]}", status=500, code="internal_error")

    async def _run(self, task: ParseTask, *, timeout: float) -> tuple[Any, ...]:
        async with self._sem:
            one = _OneParse(self._ctx, task, timeout)
            self._live.add(one)
            try:
                return await asyncio.get_running_loop().run_in_executor(self._threads, one.run)
            finally:  # a cancelled request (client gone, server stopping) kills its parse too
                one.kill()
                self._live.discard(one)

    def close(self) -> None:
        """Kill the parses still running and stop the waiting threads."""
        for one in list(self._live):
            one.kill()
        self._threads.shutdown(wait=False, cancel_futures=True)


__all__ = ["PRELOAD", "ParseRefused", "ParseTask", "SubmissionParser", "parse_context", "parse_submission"]
