"""The live view on stderr: the checklist's settled and pending lists, as the seed keeps them.

Its words come from the message catalogue (``cli.*``) in the report's language: the one the
caller names, or else the language of the checklist's claims once they are known.
"""

from __future__ import annotations

from types import TracebackType

from rich.console import Console, Group
from rich.live import Live
from rich.table import Table
from rich.text import Text

from veracity.events import Event
from veracity.messages import MESSAGES, message
from veracity.text import detect_language
from veracity.types import Label

_COLOURS = {
    Label.TRUE.value: "green",
    Label.MOSTLY_TRUE.value: "green",
    Label.PARTLY_TRUE.value: "yellow",
    Label.FALSE.value: "red",
    Label.MISATTRIBUTED.value: "magenta",
    Label.UNVERIFIABLE.value: "bright_black",
}


def _both(key: str) -> str:
    """A heading of the live display in both languages ("settled · 已核查结论清单")."""
    return f"{message(key, 'en').lower()} · {message(key, 'zh')}"


def _short(text: str, n: int = 70) -> str:
    return text if len(text) <= n else text[: n - 1] + "…"


def _one_line(text: str) -> str:
    """``text`` with every run of whitespace (newlines included) made one space."""
    return " ".join(text.split())


class LiveProgress:
    """Progress callback target. Renders nothing when disabled. On a terminal it shows the
    live view; when stderr is not a terminal (a log file, a pipe) it writes one plain line per
    event instead — no colours, never wrapped, each claim whole on its line — so logs can be
    read and grepped line by line."""

    def __init__(self, *, enabled: bool = True, console: Console | None = None, lang: str | None = None) -> None:
        self.enabled = enabled
        self.lang = lang  # None: the checklist's language, once known
        self.console = console or Console(stderr=True)
        self.claims: dict[str, str] = {}
        self.settled: dict[str, str] = {}
        self.queries = 0
        self.llm_calls = 0
        self.llm_cached = 0
        self.round = 0
        self.status = message("cli.starting", lang)
        self._live: Live | None = None

    def __enter__(self) -> LiveProgress:
        if self.enabled and self.console.is_terminal:
            self._live = Live(self._render(), console=self.console, refresh_per_second=8, transient=True)
            self._live.__enter__()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        if self._live is not None:
            self._live.__exit__(exc_type, exc, tb)
            self._live = None

    def handle(self, event: Event) -> None:
        if not self.enabled:
            return
        if event.type == "claims_ready":
            self.claims = {c["id"]: c["text"] for c in event.claims}
            if self.lang is None and self.claims:
                self.lang = "zh" if detect_language(" ".join(self.claims.values())) == "zh" else "en"
            n = len(self.claims)
            self.status = self._say("cli.checklist_one" if n == 1 else "cli.checklist", n=n)
            self._plain(self.status)
        elif event.type == "corpus_ready":
            self.status = self._say("cli.corpus_ready", detail=event.message or "")
            self._plain(self.status)
        elif event.type == "query_sent":
            self.queries += 1
        elif event.type == "round_started":
            self.round = event.round or self.round + 1
            settled = len(self.settled)
            self.status = self._say("cli.round", round=self.round, pending=len(self.claims) - settled,
                                    settled=settled)
            self._plain(self.status)
        elif event.type == "llm_call":
            if event.message == "cached":
                self.llm_cached += 1
            else:
                self.llm_calls += 1
        elif event.type == "claim_settled" and event.claim_id:
            label = event.label or "?"
            self.settled[event.claim_id] = label
            self._plain(self._say(
                "cli.settled", id=event.claim_id, label=self._label(label), k=len(self.settled),
                n=len(self.claims), text=self.claims.get(event.claim_id, ""),
            ))
        elif event.type == "warning" and event.message:
            self._plain(self._say("cli.note", text=event.message))
        if self._live is not None:
            self._live.update(self._render())

    def _say(self, key: str, **values: object) -> str:
        return message(key, self.lang, **values)

    def _label(self, label: str) -> str:
        """A verdict label as the report names it (``true`` in English, 属实 in Chinese)."""
        key = f"label.{label}"
        return message(key, "zh") if self.lang == "zh" and key in MESSAGES else label

    def _plain(self, line: str) -> None:
        """One event as one line: written as is when the console is not a terminal (rich
        would wrap it at the console width), printed unwrapped on a terminal without the
        live view."""
        if self._live is not None or not self.enabled:
            return
        line = _one_line(line)
        if self.console.is_terminal:
            self.console.print(line, markup=False, highlight=False, emoji=False, soft_wrap=True)
            return
        out = self.console.file
        out.write(line + "\n")
        out.flush()

    def _render(self) -> Group:
        settled = Table(title=_both("web.settled_heading"), show_header=False, box=None, expand=False)
        for cid, label in self.settled.items():
            settled.add_row(cid, Text(self._label(label), style=_COLOURS.get(label, "")),
                            _short(self.claims.get(cid, "")))
        pending = Table(title=_both("web.pending_heading"), show_header=False, box=None, expand=False)
        for cid, text in self.claims.items():
            if cid not in self.settled:
                pending.add_row(cid, _short(text))
        line = self._say("cli.footer", status=self.status, settled=len(self.settled), n=len(self.claims),
                         searches=self.queries)
        if self.llm_calls or self.llm_cached:
            line += self._say("cli.footer_llm", calls=self.llm_calls)
            if self.llm_cached:
                line += self._say("cli.footer_cached", n=self.llm_cached)
        footer = Text(line, style="bold")
        return Group(settled, pending, footer)
