"""``veracity batch``: a thin shell over :func:`veracity.batch.runner.run_local` and
:func:`veracity.batch.ray_runner.run_ray`, with a progress bar and a summary table on stderr.
The lead registers :data:`batch` on the ``veracity`` group."""

from __future__ import annotations

import asyncio
import sys
import time
from pathlib import Path
from types import TracebackType
from typing import TYPE_CHECKING

import click

from veracity.cli import fail, one_line_errors, settings_from_flags
from veracity.errors import VeracityError

if TYPE_CHECKING:
    from rich.console import Console
    from rich.progress import Progress, TaskID

    from veracity.batch.runner import BatchEvent, BatchSummary
    from veracity.batch.triage import DocumentRow

EXIT_SOME_FAILED = 4

BATCH_EXIT_HELP = """\b
Exit codes:
  0   every document was checked (or had been, in an earlier run)
  1   unexpected failure (a bug: please report it)
  2   bad usage or bad input: a missing INPUT, a folder without documents,
      a bad --rate, --format or provider name, a missing corpus folder,
      an output folder in use by another batch, --ray without ray installed
  3   the store (SQLite database) could not be used
  4   the batch ran, but some documents failed (see summary.json; run the same
      command again to retry them)
  130 interrupted (run the same command again to go on where it stopped)
"""


class BatchView:
    """The batch's progress on stderr: a bar with documents done/failed, claims per second
    and the time left (a plain line per document when stderr is not a terminal)."""

    def __init__(self, *, enabled: bool = True, console: Console | None = None) -> None:
        from rich.console import Console

        self.enabled = enabled
        self.console = console or Console(stderr=True)
        self.total = 0
        self.finished = 0
        self.failed = 0
        self.claims: dict[str, int] = {}  # key → claims settled (finished documents: all)
        self.note: str | None = None  # printed once the batch has work to do
        self._t0 = time.monotonic()
        self._progress: Progress | None = None
        self._task: TaskID | None = None

    def __enter__(self) -> BatchView:
        if self.enabled and self.console.is_terminal:
            from rich.progress import (
                BarColumn,
                MofNCompleteColumn,
                Progress,
                TextColumn,
                TimeElapsedColumn,
                TimeRemainingColumn,
            )

            self._progress = Progress(
                TextColumn("[bold]documents"), BarColumn(), MofNCompleteColumn(),
                TextColumn("{task.fields[failed]} failed"), TextColumn("{task.fields[rate]} claims/s"),
                TimeElapsedColumn(), TextColumn("ETA"), TimeRemainingColumn(),
                console=self.console, transient=True,
            )
            self._progress.__enter__()
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None,
    ) -> None:
        if self._progress is not None:
            self._progress.__exit__(exc_type, exc, tb)
            self._progress = None

    def _rate(self) -> str:
        elapsed = time.monotonic() - self._t0
        return f"{sum(self.claims.values()) / elapsed:.1f}" if elapsed > 0 else "0.0"

    def handle(self, event: BatchEvent) -> None:
        """Update the view with one :class:`~veracity.batch.runner.BatchEvent`."""
        if not self.enabled:
            return
        if event.type == "planned":
            self.total = event.total
            self.finished = event.skipped
            self._t0 = time.monotonic()
            if self._progress is not None:
                self._task = self._progress.add_task("batch", total=event.total, completed=event.skipped,
                                                     failed=0, rate="0.0")
            todo = event.total - event.skipped
            self._line(f"{event.total} documents: {event.skipped} done already, {todo} to check")
            if self.note and todo:
                self._line(f"note: {self.note}")
        elif event.type == "claim" and event.key:
            self.claims[event.key] = self.claims.get(event.key, 0) + 1
        elif event.type in ("done", "failed"):
            self.finished += 1
            if event.type == "done" and event.key:
                self.claims[event.key] = event.claims
                self._line(f"[{self.finished}/{self.total}] done {event.key}: {event.claims} claims", plain_only=True)
            else:
                self.failed += 1
                self._line(f"[{self.finished}/{self.total}] failed {event.key}: {event.message}")
            if self._progress is not None and self._task is not None:
                self._progress.advance(self._task)
        elif event.type == "warning" and event.message:
            self._line(f"note: {event.key + ': ' if event.key else ''}{event.message}")
        if self._progress is not None and self._task is not None:
            self._progress.update(self._task, failed=self.failed, rate=self._rate())

    def _line(self, text: str, *, plain_only: bool = False) -> None:
        """Print a line above the bar (or alone without one); ``plain_only``: only without."""
        if self._progress is not None:
            if not plain_only:
                self._progress.console.print(text, markup=False, highlight=False)
        else:
            self.console.print(text, markup=False, highlight=False)


def print_summary(summary: BatchSummary, console: Console, *, out_dir: Path) -> None:
    """The final tables: documents, claims, verdicts, LLM use, cost and time; then the
    documents, those with problems first (:func:`print_documents`)."""
    from rich.table import Table

    table = Table(title="veracity batch", show_header=False, title_justify="left")
    table.add_column(style="bold")
    table.add_column()
    done = f"{summary.done} done ({summary.incomplete} incomplete)" if summary.incomplete else f"{summary.done} done"
    docs = f"{summary.documents_total} ({done}, {summary.failed} failed, {summary.skipped} from earlier runs)"
    table.add_row("documents", docs)
    table.add_row("claims", f"{summary.claims} ({summary.claims_checked} checked now)")
    verdicts = ", ".join(f"{k} {v}" for k, v in summary.verdicts.items() if v) or "none"
    table.add_row("verdicts", verdicts)
    if summary.llm_calls or summary.llm_cached:
        cached = f" ({summary.llm_cached} cached)" if summary.llm_cached else ""
        table.add_row("LLM", f"{summary.llm_calls} calls{cached}, {summary.tokens:,} tokens, ${summary.cost_usd:.4f}")
    runner = f"{summary.runner}, {summary.workers} worker(s)" if summary.runner == "ray" else summary.runner
    table.add_row("time", f"{summary.seconds:.1f} s, {summary.claims_per_second:.2f} claims/s ({runner})")
    console.print(table)
    print_documents(summary, console)
    console.print(f"reports, summary.json and summary.csv in {out_dir}", markup=False, highlight=False)


TRIAGE_ROWS = 20
"""Documents listed on stderr at the end of a batch (all of them are in summary.csv)."""


def _verdicts_text(row: DocumentRow) -> str:
    from veracity.types import Label

    parts = [f"{row.verdicts[label.value]} {label.value}" for label in Label if row.verdicts.get(label.value)]
    if row.not_checked:
        parts.append(f"{row.not_checked} not checked")
    return ", ".join(parts) or "-"


def print_documents(summary: BatchSummary, console: Console, *, limit: int = TRIAGE_ROWS) -> None:
    """The documents in triage order (failed, incomplete, then by worst verdict), at most
    ``limit`` of them: name, status, worst verdict, verdict counts and error."""
    from rich.table import Table
    from rich.text import Text

    rows = summary.documents
    if not rows:
        return
    table = Table(title="documents, problems first", title_justify="left")
    table.add_column("document", overflow="fold")
    table.add_column("status")
    table.add_column("worst")
    table.add_column("claims", overflow="fold")
    table.add_column("error", overflow="fold")
    for row in rows[:limit]:
        error = row.error or ""
        if len(error) > 160:
            error = error[:159] + "…"
        table.add_row(Text(row.name), row.status, row.worst.value if row.worst else "-",
                      _verdicts_text(row), Text(error))
    console.print(table)
    if len(rows) > limit:
        console.print(f"… and {len(rows) - limit} more documents in summary.csv", markup=False, highlight=False)


def _formats(value: str) -> list[str]:
    from veracity.batch.runner import FORMATS

    wanted = [f.strip().lower() for f in value.split(",") if f.strip()]
    bad = [f for f in wanted if f not in FORMATS]
    if bad or not wanted:
        raise click.BadParameter(f"{value!r}: give one or more of {', '.join(FORMATS)}, comma-separated",
                                 param_hint="--format")
    return list(dict.fromkeys(wanted))


@click.command("batch", epilog=BATCH_EXIT_HELP)
@click.argument("input", metavar="INPUT_DIR|FILE.jsonl", type=click.Path(path_type=Path))
@click.option("-o", "--output", "out_dir", required=True, type=click.Path(path_type=Path, file_okay=False),
              help="Output folder: one report per document (and format), plus summary.json and summary.csv.")
@click.option("--corpus", "corpus", multiple=True, type=click.Path(path_type=Path),
              help="Folder of html/md/txt/pdf files to search (repeatable).")
@click.option("--provider", "providers", multiple=True, metavar="NAME",
              help="Search provider besides the corpus (repeatable; see `veracity providers`).")
@click.option("--rate", "rates", multiple=True, metavar="NAME=N/s",
              help="Request rate for a provider, over the defaults (wikipedia=5/s, arxiv=1/3s, 60/min; 'off': none).")
@click.option("--concurrency", type=click.IntRange(1, 256), default=4, show_default=True,
              help="Documents checked at once (per Ray worker with --ray).")
@click.option("--claim-concurrency", type=click.IntRange(1, 256), default=4, show_default=True,
              help="Claims researched at once within a document.")
@click.option("--format", "fmt", default="json,md", show_default=True, metavar="md,html,json,claimreview",
              help="Which report files to write for each document (claimreview: schema.org ClaimReview"
                   " JSON-LD, <name>.claimreview.json).")
@click.option("--db", type=click.Path(path_type=Path, dir_okay=False),
              help="SQLite store with the job table and the runs (default: user data dir; env VERACITY_DB_PATH).")
@click.option("--lang", type=click.Choice(["auto", "zh", "en"]), default="auto", show_default=True,
              help="Language of the reports (auto = each document's).")
@click.option("--cache", is_flag=True, help="Answer LLM calls and corpus searches from the store when asked before.")
@click.option("--llm", "llm_url", metavar="URL", help="OpenAI-compatible endpoint (env VERACITY_LLM_BASE_URL).")
@click.option("--model", metavar="NAME", help="Model for every agent stage (env VERACITY_LLM_MODEL).")
@click.option("--no-llm", is_flag=True, help="Use the offline evidence-match judge even when an LLM is configured.")
@click.option("--ray", "ray_address", is_flag=False, flag_value="local", default=None, metavar="[ADDRESS]",
              help="Run on Ray: alone, a local cluster; with ADDRESS (HEAD:6379, auto), that cluster"
                   " (put it after INPUT, or write --ray=ADDRESS).")
@click.option("--ray-workers", type=click.IntRange(1, 4096), help="Ray workers to start (default: one per CPU).")
@click.option("--worker-db", type=click.Path(path_type=Path, file_okay=False),
              help="Folder (on every node) for the Ray workers' stores, kept between runs (default: a temp folder).")
@click.option("-q", "--quiet", is_flag=True, help="No progress or summary on stderr.")
def batch(
    input: Path, out_dir: Path, corpus: tuple[Path, ...], providers: tuple[str, ...], rates: tuple[str, ...],
    concurrency: int, claim_concurrency: int, fmt: str, db: Path | None, lang: str, cache: bool,
    llm_url: str | None, model: str | None, no_llm: bool, ray_address: str | None, ray_workers: int | None,
    worker_db: Path | None, quiet: bool,
) -> None:
    """Fact-check every document of INPUT_DIR (its .txt/.md/.html/.pdf files, recursively) or
    of FILE.jsonl (one {"id", "text"} object per line; "claims": [...] instead of "text"
    checks a list of claims) into OUT_DIR.

    Each document gets OUT_DIR/<name>.<format> for each --format (its path with / turned
    into __), OUT_DIR/summary.json holds the batch's figures and one row per document, and
    OUT_DIR/summary.csv the same rows (status done / incomplete / failed, verdict counts,
    worst verdict, report file), problems first. Documents are jobs in the store: running
    the same command again skips documents that are done, retries failed and incomplete
    ones and finishes runs a killed batch left behind. A document that cannot be read or
    checked fails alone; the others go on.

    Search providers are rate-limited per provider (see --rate), across all documents and,
    with --ray, across all workers.
    """
    from veracity.batch.runner import BatchOptions
    from veracity.search.ratelimit import parse_rate_options

    formats = _formats(fmt)
    try:
        if not input.exists():
            from veracity.errors import InputNotFound

            raise InputNotFound(f"{input}: no such file or folder")
        overrides = parse_rate_options(rates)
        settings = settings_from_flags(db=db, llm_url=llm_url, model=model, no_llm=no_llm)
        options = BatchOptions(
            input=input, out_dir=out_dir, corpus=list(corpus), providers=list(providers), rates=overrides,
            concurrency=concurrency, claim_concurrency=claim_concurrency, formats=formats,  # type: ignore[arg-type]
            report_lang=None if lang == "auto" else lang, cache=cache,  # type: ignore[arg-type]
        )
    except VeracityError as err:
        fail(err, err.exit_code)
    view = BatchView(enabled=not quiet)
    if not corpus and not providers:
        view.note = "no --corpus and no --provider given; every claim will be unverifiable"
    with one_line_errors("interrupted; run the same command again to go on"), view:
        if ray_address is not None:
            from veracity.batch.ray_runner import run_ray

            summary = asyncio.run(run_ray(
                options, settings, address=ray_address, workers=ray_workers,
                worker_db=str(worker_db) if worker_db else None, progress=view.handle,
            ))
        else:
            from veracity.batch.runner import run_local

            summary = asyncio.run(run_local(options, settings, progress=view.handle))
    if not quiet:
        print_summary(summary, view.console, out_dir=out_dir)
    sys.exit(EXIT_SOME_FAILED if summary.failed else 0)

