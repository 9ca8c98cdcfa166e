"""The ``veracity`` command: a thin shell over :mod:`veracity.pipeline` and the store.

Exit codes: 0 success · 1 unexpected failure · 2 bad usage or bad input · 3 store or language
model failure · 130 interrupted.
"""

from __future__ import annotations

import asyncio
import sys
from collections.abc import Callable, Coroutine, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any, NoReturn

import click

from veracity.errors import VeracityError
from veracity.messages import message

if TYPE_CHECKING:
    from veracity.config import Settings
    from veracity.events import ProgressCallback
    from veracity.run.spec import RunSpec
    from veracity.types import Report

EXIT_HELP = """\b
Exit codes:
  0   success
  1   unexpected failure (a bug: please report it)
  2   bad usage or bad input (missing/empty/binary/oversized/undecodable file,
      malformed PDF, bad claims list, unknown or ambiguous run id, missing corpus
      folder or one without a readable document)
  3   the store (SQLite database) or the language model could not be used
  5   the run is incomplete: some claims could not be checked (the model or the
      research failed); the report lists them and `veracity resume RUN_ID` finishes them
  130 interrupted
"""

EXIT_INCOMPLETE = 5


def fail(err: BaseException | str, code: int) -> NoReturn:
    """Print ``veracity: error: <err>`` on stderr (one line) and exit with ``code``."""
    click.echo(f"veracity: error: {err}", err=True)
    sys.exit(code)


@contextmanager
def one_line_errors(interrupted: str = "interrupted") -> Iterator[None]:
    """Turn what the block raises into one error line and the exit code: a
    :class:`VeracityError` its own, Ctrl-C 130 (with ``interrupted`` as the message), anything
    else 1 — never a traceback."""
    try:
        yield
    except VeracityError as err:
        fail(err, err.exit_code)
    except KeyboardInterrupt:
        fail(RuntimeError(interrupted), 130)
    except Exception as err:  # pragma: no cover - last resort: one line, not a traceback
        fail(RuntimeError(f"unexpected failure: {type(err).__name__}: {err}"), 1)


def _write_output(text: str, output: Path | None) -> None:
    if output is None:
        click.echo(text, nl=not text.endswith("\n"))
        return
    try:
        output.parent.mkdir(parents=True, exist_ok=True)
        output.write_text(text, encoding="utf-8")
    except OSError as err:
        raise click.UsageError(f"cannot write {output}: {err.strerror or err}") from err


class _Commands(click.Group):
    """The command group, with commands that live in other packages (the server, batch)
    imported only when they are asked for, so that ``veracity check`` loads none of them."""

    lazy: dict[str, str] = {  # noqa: RUF012 - read-only table
        "batch": "veracity.batch.cli:batch",
        "serve": "veracity.server.cli:serve",
    }

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted([*super().list_commands(ctx), *self.lazy])

    def invoke(self, ctx: click.Context) -> Any:
        """A bad ``VERACITY_*`` setting, whichever command reads it, is one line and exit 2."""
        from veracity.config import settings_error

        try:
            return super().invoke(ctx)
        except Exception as err:
            problem = settings_error(err)
            if problem is None:
                raise
            fail(problem, problem.exit_code)

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        target = self.lazy.get(cmd_name)
        if target is None:
            return super().get_command(ctx, cmd_name)
        import importlib

        module, attr = target.split(":")
        command = getattr(importlib.import_module(module), attr)
        assert isinstance(command, click.Command)
        return command


@click.group(cls=_Commands, context_settings={"help_option_names": ["-h", "--help"]}, epilog=EXIT_HELP)
@click.version_option(package_name="veracity")
def main() -> None:
    """veracity — evidence-grounded fact-checking.

    Turns a document into a checklist of atomic claims, researches each claim and writes a
    report with graded verdicts and verbatim, cited evidence.
    """


@main.command(epilog=EXIT_HELP)
@click.argument("input", metavar="INPUT")
@click.option("--claims", "claims_mode", is_flag=True, help="INPUT is a list of claims: one per line, or JSONL with id and claim.")
@click.option("--corpus", "corpus", multiple=True, type=click.Path(path_type=Path), help="Folder of html/md/txt/pdf files to search (repeatable).")
@click.option("--lang", type=click.Choice(["auto", "zh", "en"]), default="auto", show_default=True, help="Language of the report (auto = the input's).")
@click.option("--format", "fmt", type=click.Choice(["md", "html", "json", "claimreview"]), default="md", show_default=True,
              help="Report format (claimreview: schema.org ClaimReview JSON-LD).")
@click.option("-o", "--output", type=click.Path(path_type=Path, dir_okay=False), help="Write the report here instead of stdout.")
@click.option("--db", type=click.Path(path_type=Path, dir_okay=False), help="SQLite store (default: user data dir; env VERACITY_DB_PATH).")
@click.option("--max-bytes", type=int, help="Largest input file accepted (default 50 MB; env VERACITY_MAX_INPUT_BYTES).")
@click.option("--max-claims", type=int, help="Refuse documents with more claims than this (default 500).")
@click.option("--provider", "provider_names", multiple=True, metavar="NAME",
              help="Search provider to use besides the corpus (repeatable; see `veracity providers`).")
@click.option("--offline", is_flag=True, help="Read web pages only from the store's fetch cache.")
@click.option("--allow-host", "allow_hosts", multiple=True, metavar="HOST",
              help="Let the reader fetch from this private host/IP/CIDR (e.g. a local SearXNG).")
@click.option("--llm", "llm_url", metavar="URL",
              help="OpenAI-compatible endpoint for the research agent (env VERACITY_LLM_BASE_URL).")
@click.option("--model", metavar="NAME", help="Model for every agent stage (env VERACITY_LLM_MODEL).")
@click.option("--no-llm", is_flag=True, help="Use the offline evidence-match judge even when an LLM is configured.")
@click.option("--cache", is_flag=True,
              help="Answer LLM calls and corpus searches from the store when the same request was answered before.")
@click.option("--max-rounds", type=click.IntRange(1, 20), help="Agent rounds (plan, search, read, judge); default 3.")
@click.option("--concurrency", type=click.IntRange(1, 256), default=4, show_default=True,
              help="Claims researched at once.")
@click.option("-q", "--quiet", is_flag=True, help="No progress on stderr.")
def check(
    input: str,
    claims_mode: bool,
    corpus: tuple[Path, ...],
    lang: str,
    fmt: str,
    output: Path | None,
    db: Path | None,
    max_bytes: int | None,
    max_claims: int | None,
    provider_names: tuple[str, ...],
    offline: bool,
    allow_hosts: tuple[str, ...],
    llm_url: str | None,
    model: str | None,
    no_llm: bool,
    cache: bool,
    max_rounds: int | None,
    concurrency: int,
    quiet: bool,
) -> None:
    """Fact-check INPUT (a file path, an http(s) URL, or - for stdin).

    The report goes to stdout (or -o FILE) in the chosen format; progress goes to stderr.
    With an LLM endpoint (--llm or VERACITY_LLM_BASE_URL) the research agent writes the
    checklist, plans searches over several rounds and judges each claim; without one the
    offline evidence-match judge decides.
    """
    settings = settings_from_flags(db=db, llm_url=llm_url, model=model, no_llm=no_llm, max_input_bytes=max_bytes,
                                   max_claims=max_claims, max_rounds=max_rounds)
    if not corpus and not provider_names and not quiet:
        click.echo(message("cli.no_sources", lang), err=True)
    from veracity.run.spec import RunSpec

    spec = RunSpec(
        corpus=[str(c) for c in corpus], providers=list(provider_names), claims=claims_mode,
        report_lang=None if lang == "auto" else lang, offline=offline, allow_hosts=list(allow_hosts),
        cache=cache, concurrency=concurrency,
    )
    _run_and_print(
        lambda progress: _run_check(input, spec, settings=settings, progress=progress),
        fmt=fmt, lang=None, output=output, quiet=quiet, what="checked", say_lang=None if lang == "auto" else lang,
    )


def settings_from_flags(
    *, db: Path | None = None, llm_url: str | None = None, model: str | None = None, no_llm: bool = False,
    **knobs: object,
) -> Settings:
    """The settings (``VERACITY_*``) with a command's flags over them: ``--db``, ``--llm``,
    ``--model``, ``--no-llm`` (no endpoint: the offline judge) and settings given by name
    (``max_rounds=3``; ``None`` leaves a setting as it is)."""
    from veracity.config import Settings

    updates: dict[str, Any] = {k: v for k, v in knobs.items() if v is not None}
    if db is not None:
        updates["db_path"] = db
    if llm_url:
        updates["llm_base_url"] = llm_url
    if model:
        updates["llm_model"] = model
    if no_llm:
        updates["llm_base_url"] = None
    return Settings(**updates)  # flags are validated like the environment


def _run_and_print(
    start: Callable[[ProgressCallback], Coroutine[Any, Any, Report]],
    *,
    fmt: str,
    lang: str | None,
    output: Path | None,
    quiet: bool,
    what: str,
    say_lang: str | None = None,
) -> None:
    """Run a check or resume with the live view, write the report, and turn every failure
    into one error line and its exit code. What it says on stderr is in ``say_lang`` (None:
    the checklist's language while it runs, then the report's)."""
    from veracity.progress import LiveProgress
    from veracity.report import render

    live = LiveProgress(enabled=not quiet, lang=say_lang)
    with one_line_errors(), live:
        report = asyncio.run(start(live.handle))
    _write_output(render(report, fmt, lang), output)
    say = say_lang or report.language
    if not quiet:
        s = report.summary
        counts = message("cli.count_sep", say).join(
            message("cli.count", say, name=message(f"label.{k}", say) if say == "zh" else k, n=v)
            for k, v in s.counts.items() if v
        )
        click.echo(
            message(
                "cli.done_one" if s.total == 1 else "cli.done", say, run=report.run_id,
                what=message("cli.resumed" if what == "resumed" else "cli.checked", say), n=s.total, counts=counts,
                seconds=f"{report.stats.seconds:.1f}", llm=_llm_figures(report, say),
                written=message("cli.written", say, path=output) if output else "",
            ),
            err=True,
        )
        if report.stats.skipped_files:
            click.echo(skipped_files_line(report.stats.skipped_files, lang=say), err=True)
    if not report.complete:
        n = report.summary.not_checked
        first = next(c.error for c in report.claims if c.status == "not_checked")
        click.echo(
            message("cli.incomplete", say, run=report.run_id, n=n, total=report.summary.total, first=first),
            err=True,
        )
        sys.exit(EXIT_INCOMPLETE)


def skipped_files_line(skipped: list[str], shown: int = 3, *, lang: str | None = None) -> str:
    """``veracity: note: 3 corpus files skipped: a.docx (unsupported file type .docx), …`` —
    one line from the report's ``"path: reason"`` entries (file names, reasons shortened), in
    ``lang`` (the reasons stay as the corpus wrote them)."""
    from veracity.errors import one_line

    items = []
    for entry in skipped[:shown]:
        path, sep, reason = entry.partition(": ")
        name = Path(path).name or path
        items.append(f"{name} ({_clip(' '.join(reason.split()), 60)})" if sep else _clip(entry, 80))
    more = message("cli.skipped_more", lang, n=len(skipped) - shown) if len(skipped) > shown else ""
    key = "cli.skipped_one" if len(skipped) == 1 else "cli.skipped"
    line = message(key, lang, n=len(skipped), items=message("cli.skipped_sep", lang).join(items), more=more)
    return one_line(line, 1000)


def _llm_figures(report: Report, lang: str | None = None) -> str:
    """"; 34 LLM calls (2 cached), 51,200 tokens, $0.0123, 2 rounds" — empty for a run without a model."""
    st = report.stats
    if not report.uses_llm:
        return ""
    cached = message("cli.llm_cached", lang, n=st.llm_cached) if st.llm_cached else ""
    tokens = st.prompt_tokens + st.completion_tokens
    return message("cli.llm", lang, calls=st.llm_calls, cached=cached, tokens=f"{tokens:,}",
                   cost=f"{st.cost_usd:.4f}", rounds=st.rounds)


async def _run_check(input: str, spec: RunSpec, *, settings: Settings, progress: ProgressCallback) -> Report:
    """One CLI run: the pipeline with the store, providers and reader the flags name (built for
    the run; a URL input is read with the store's fetch cache too, and honours --offline)."""
    from veracity.pipeline import run_check
    from veracity.run.tools import Shared

    return await run_check(input, spec, Shared(), settings=settings, progress=progress)


@main.command(epilog=EXIT_HELP)
@click.argument("run_id")
@click.option("--format", "fmt", type=click.Choice(["md", "html", "json", "claimreview"]), default="md", show_default=True, help="Report format.")
@click.option("-o", "--output", type=click.Path(path_type=Path, dir_okay=False), help="Write the report here instead of stdout.")
@click.option("--db", type=click.Path(path_type=Path, dir_okay=False), help="SQLite store (default: user data dir; env VERACITY_DB_PATH).")
@click.option("-q", "--quiet", is_flag=True, help="No progress on stderr.")
def resume(run_id: str, fmt: str, output: Path | None, db: Path | None, quiet: bool) -> None:
    """Finish RUN_ID, a run that stopped before its end (killed, crashed or failed).

    Claims that already have a verdict are kept; the rest are researched with the run's own
    input, corpus and providers (as recorded in the store). Searches and pages the run already
    got come from the store's caches, so nothing is sent twice. A finished run is printed as is.
    """
    from veracity.config import Settings
    from veracity.resume import resume_run
    from veracity.run.tools import Shared

    settings = Settings()
    if db is not None:
        settings = settings.model_copy(update={"db_path": db})
    run_id = resolve_run_arg(run_id, settings.db_path)  # an id, a unique prefix, or latest
    _run_and_print(
        lambda progress: resume_run(run_id, Shared(), settings=settings, progress=progress),
        fmt=fmt, lang=None, output=output, quiet=quiet, what="resumed",
    )


@main.command(name="providers")
@click.argument("names", nargs=-1, metavar="[NAME]...")
@click.option("--check", is_flag=True, help="Send one live query to each configured provider and show how it answered.")
@click.option("--query", metavar="TEXT", help="The query --check sends (default: Alan Turing).")
@click.option("--timeout", type=click.FloatRange(min=0.1), default=10.0, show_default=True,
              help="Seconds per request with --check.")
@click.option("--json", "as_json", is_flag=True, help="Print the rows as JSON.")
def providers_cmd(names: tuple[str, ...], check: bool, query: str | None, timeout: float, as_json: bool) -> None:
    """List the search providers (all, or the NAMEs): whether each is configured and what it needs.

    Nothing is sent without --check, so a configured provider is only "configured": its host
    may still be unreachable. With --check each configured provider gets one live query (no
    retries) and the table shows its status (ok, failed, not configured), the time in ms, the
    number of results and the error.
    """
    import json

    from veracity.search.registry import CHECK_QUERY, check_providers, provider_status

    with one_line_errors():
        if check:
            checks = asyncio.run(check_providers(list(names), query=query or CHECK_QUERY, timeout=timeout))
            table = [[c.name, c.kind, c.status, "" if c.ms is None else str(c.ms),
                      "" if c.results is None else str(c.results), c.error or ""] for c in checks]
            header = ["name", "kind", "status", "ms", "results", "error"]
            dumped = [c.model_dump() for c in checks]
        else:
            rows = provider_status(names=list(names))
            table = [[r.name, r.kind, "configured" if r.configured else f"needs {r.needs}"] for r in rows]
            header = []
            dumped = [r.model_dump() for r in rows]
    if as_json:
        click.echo(json.dumps(dumped, indent=2))
        return
    lines = ([header] if header else []) + table
    widths = [max(len(cell) for cell in col) for col in zip(*lines, strict=True)]
    for line in lines:
        click.echo("  ".join(cell.ljust(w) for cell, w in zip(line, widths, strict=True)).rstrip())
    if not check:
        click.echo("\nconfigured: set up, not tested; `veracity providers --check` sends each one live query", err=True)
    click.echo("the local corpus is always available with --corpus DIR", err=True)
    click.echo(_llm_status(), err=True)


def _llm_status() -> str:
    """One line on the research agent's model: which endpoint and models, or how to set one."""
    from veracity.config import Settings
    from veracity.llm.openai_chat import public_endpoint

    settings = Settings()
    if not settings.llm_base_url:
        return "language model: none (offline judge); set VERACITY_LLM_BASE_URL to use the research agent"
    models = {stage: settings.model_for(stage) for stage in ("checklist", "plan", "judge")}
    shown = (settings.llm_model if len(set(models.values())) == 1
             else ", ".join(f"{k}={v}" for k, v in models.items()))
    return f"language model: {shown} at {public_endpoint(settings.llm_base_url)}"


@main.command(epilog=EXIT_HELP)
@click.argument("run_id")
@click.option("--format", "fmt", type=click.Choice(["md", "html", "json", "claimreview"]), default="md", show_default=True,
              help="Report format (claimreview: schema.org ClaimReview JSON-LD).")
@click.option("--lang", type=click.Choice(["auto", "zh", "en"]), default="auto", show_default=True,
              help="Language of the report, its labels and the offline judge's rationales (auto = the run's).")
@click.option("-o", "--output", type=click.Path(path_type=Path, dir_okay=False))
@click.option("--db", type=click.Path(path_type=Path, dir_okay=False), help="SQLite store.")
def show(run_id: str, fmt: str, lang: str, output: Path | None, db: Path | None) -> None:
    """Re-render a stored run in any format.

    RUN_ID is a run's id, a unique prefix of one, or ``latest`` (the newest run). With
    ``--lang``, the offline judge's rationales are worded in that language too; a language
    model's rationales, and those of runs stored before rationales kept their parts, are shown
    as written.
    """
    from veracity.config import Settings
    from veracity.report import render
    from veracity.store import Store

    path = db or Settings().db_path
    try:
        with Store.for_reading(path) as store:
            report = store.load_report(store.resolve_run_id(run_id))
    except VeracityError as err:
        fail(err, err.exit_code)
    _write_output(render(report, fmt, None if lang == "auto" else lang), output)


def resolve_run_arg(ref: str, db: Path | None) -> str:
    """The id of the run that a RUN_ID argument names — an id, a unique prefix of one, or
    ``latest`` — in the store at ``db`` (default: the settings'); one error line and exit 2
    when none or several match."""
    from veracity.config import Settings
    from veracity.store import Store

    try:
        with Store.for_reading(db or Settings().db_path) as store:
            return store.resolve_run_id(ref)
    except VeracityError as err:
        fail(err, err.exit_code)


_VERDICT_ORDER = ("true", "mostly_true", "partly_true", "false", "misattributed", "unverifiable",
                  "not_checked", "not_judged")


def verdict_summary(counts: dict[str, int]) -> str:
    """``3 true, 1 mostly true, 2 unverifiable, 1 not checked`` (labels in scale order)."""
    order = [*_VERDICT_ORDER, *sorted(set(counts) - set(_VERDICT_ORDER))]
    return ", ".join(f"{counts[k]} {k.replace('_', ' ')}" for k in order if counts.get(k))


def run_title(run: dict[str, Any]) -> str:
    """What a run checked, for a listing: the document's title, else the input's file name
    (the URL for a web page, ``stdin`` for ``-``)."""
    title = " ".join(str(run.get("title") or "").split())
    if title:
        return title
    source = str(run.get("input") or "").strip()
    if source in ("", "-"):
        return "stdin" if source == "-" else ""
    if source.lower().startswith(("http://", "https://")):
        return source
    return Path(source).name or source


def _short_time(stamp: str | None) -> str:
    """``2025-05-01T12:00:07+00:00`` → ``2025-05-01 12:00`` (the store keeps UTC)."""
    text = str(stamp or "")
    return text[:16].replace("T", " ") if len(text) >= 16 and text[10:11] == "T" else text


def _clip(text: str, n: int) -> str:
    return text if len(text) <= n else text[: n - 1] + "…"


def text_table(header: list[str], rows: list[list[str]], right: tuple[int, ...] = ()) -> list[str]:
    """Rows as aligned text columns (two spaces apart) under ``header``; the last column is
    left unpadded, ``right`` holds the indexes of right-aligned columns. Widths are terminal
    cells, so Chinese titles line up too."""
    from rich.cells import cell_len

    widths = [max(cell_len(r[i]) for r in [header, *rows]) for i in range(len(header))]
    lines = []
    for r in [header, *rows]:
        cells = []
        for i, cell in enumerate(r):
            pad = " " * (widths[i] - cell_len(cell)) if i < len(r) - 1 else ""
            cells.append(pad + cell if i in right else cell + pad)
        lines.append("  ".join(cells).rstrip())
    return lines


@main.command(name="runs")
@click.option("--db", type=click.Path(path_type=Path, dir_okay=False), help="SQLite store.")
@click.option("-n", "--limit", type=int, default=20, show_default=True)
@click.option("--json", "as_json", is_flag=True, help="One JSON object per run (verdict counts included).")
def runs(db: Path | None, limit: int, as_json: bool) -> None:
    """List recent runs in the store, newest first: id, status, when, language, claims,
    title (or the input's file name) and verdict counts."""
    import json

    from veracity.config import Settings
    from veracity.store import Store

    path = db or Settings().db_path
    try:
        with Store.for_reading(path) as store:
            rows = store.list_runs(limit=limit)
            counts = store.verdict_counts([str(r["id"]) for r in rows])
    except VeracityError as err:
        fail(err, err.exit_code)
    if not rows:
        click.echo("no runs yet", err=True)
        return
    if as_json:
        for r in rows:
            click.echo(json.dumps({**r, "verdicts": counts.get(str(r["id"]), {})}, ensure_ascii=False, default=str))
        return
    table = []
    for r in rows:
        verdicts = counts.get(str(r["id"]), {})
        table.append([
            str(r["id"]), str(r.get("status") or ""), _short_time(r.get("created")),
            str(r.get("language") or ""), str(sum(verdicts.values())),
            _clip(run_title(r), 48), verdict_summary(verdicts) or "-",
        ])
    header = ["ID", "STATUS", "CREATED (UTC)", "LANG", "CLAIMS", "TITLE", "VERDICTS"]
    for line in text_table(header, table, right=(4,)):
        click.echo(line)


@main.command(name="calls", epilog=EXIT_HELP)
@click.argument("run_id")
@click.option("--db", type=click.Path(path_type=Path, dir_okay=False), help="SQLite store.")
@click.option("--full", is_flag=True, help="Print each call's messages and answer too.")
@click.option("--json", "as_json", is_flag=True, help="One JSON object per call (prompts included).")
def calls(run_id: str, db: Path | None, full: bool, as_json: bool) -> None:
    """List the language-model calls of RUN_ID: stage, model, mode, tokens, latency, cost.

    RUN_ID is a run's id, a unique prefix of one, or ``latest`` (the newest run).
    """
    from veracity.config import Settings
    from veracity.store import Store

    try:
        with Store.for_reading(db or Settings().db_path) as store:
            run_id = store.resolve_run_id(run_id)
            rows = store.llm_calls(run_id)
    except VeracityError as err:
        fail(err, err.exit_code)
    if not rows:
        click.echo(f"run {run_id} made no language-model calls", err=True)
        return
    lines: list[str] = []
    if not as_json:
        header = ["#", "STAGE", "MODEL", "MODE", "TOKENS IN+OUT", "LATENCY", "COST", "NOTES"]
        lines = text_table(header, [
            [str(i), c.stage, c.model, c.mode, f"{c.prompt_tokens}+{c.completion_tokens}",
             f"{c.latency_ms:.0f} ms", f"${c.cost_usd:.5f}",
             " ".join([f for f, on in (("cached", c.cached), ("repair", c.repair)) if on]
                      + ([f"error: {' '.join(c.error.split())}"] if c.error else []))]
            for i, c in enumerate(rows, start=1)
        ], right=(0, 4, 5, 6))
        click.echo(lines[0])
    for i, c in enumerate(rows, start=1):
        if as_json:
            click.echo(c.model_dump_json())
            continue
        click.echo(lines[i])
        if full:
            for m in c.messages:
                click.echo(f"      [{m.get('role')}]\n{m.get('content', '')}\n")
            click.echo(f"      [answer]\n{c.response or ''}\n")


@main.command(name="eval", epilog=EXIT_HELP)
@click.argument("dataset", type=click.Choice(["wice", "factcheck-bench", "jsonl"]))
@click.option("--data", type=click.Path(path_type=Path, exists=True), required=True,
              help="wice: claim/dev.jsonl · factcheck-bench: its folder · jsonl: a file of "
                   '{"id", "claim", "label", "evidence"} with labels on veracity\'s scale')
@click.option("--judge", "judge_name", type=click.Choice(["evidence-match", "llm"]), default="evidence-match",
              show_default=True, help="Judge to evaluate; llm uses VERACITY_LLM_BASE_URL / VERACITY_LLM_MODEL.")
@click.option("--limit", type=int, help="Evaluate a random sample of N items.")
@click.option("--seed", type=int, default=0, show_default=True, help="Seed of the sample.")
@click.option("-o", "--output", type=click.Path(path_type=Path, dir_okay=False), help="Write the figures as JSON.")
@click.option("-q", "--quiet", is_flag=True)
def eval_cmd(
    dataset: str,
    data: Path,
    judge_name: str,
    limit: int | None,
    seed: int,
    output: Path | None,
    quiet: bool,
) -> None:
    """Measure a judge (offline or LLM) on a labelled claim set."""
    import json

    from veracity.evaluation import (
        DATASETS,
        load_factcheck_bench,
        load_jsonl,
        load_wice,
        markdown_table,
        run_eval,
    )
    from veracity.types import Label

    if dataset == "wice":
        items = list(load_wice(data))
    elif dataset == "factcheck-bench":
        items = list(load_factcheck_bench(data))
    else:
        items = list(load_jsonl(data))
    classes, fold = DATASETS.get(dataset, ([label.value for label in Label], None))
    if not items:
        fail(ValueError(f"no items in {data}"), 2)

    def tick(i: int, n: int) -> None:
        if not quiet and (i % 25 == 0 or i == n):
            click.echo(f"  {i}/{n}", err=True)

    judge, usage = None, None
    if judge_name == "llm":
        from veracity.config import Settings
        from veracity.evaluation import llm_judge_for_eval

        try:
            judge, usage = llm_judge_for_eval(Settings())
        except VeracityError as err:
            fail(err, err.exit_code)
    judge_for, note = None, None
    if judge_name == "evidence-match" and dataset == "factcheck-bench":
        from veracity.evaluation import out_of_fold_judges

        judge_for = out_of_fold_judges()
        note = "out of fold: the offline judge's model is trained on Factcheck-Bench; each claim is judged by the model fitted without its fold"
    try:
        result = run_eval(items, classes, limit=limit, seed=seed, progress=tick, fold=fold,
                          judge=judge, usage=usage, judge_for=judge_for)
    except VeracityError as err:
        fail(err, err.exit_code)
    if note:
        result["note"] = note
    result["dataset"] = dataset
    result["data"] = str(data)
    click.echo(markdown_table(result, classes))
    if output:
        _write_output(json.dumps(result, ensure_ascii=False, indent=2), output)


if __name__ == "__main__":  # pragma: no cover
    main()
