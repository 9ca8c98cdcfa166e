"""What ``POST /v1/checks`` accepts, turned into a stored :class:`~veracity.server.jobs.JobRequest`.

Text, claims lists and uploaded files are ingested at submission with the CLI's own reader
(:func:`veracity.ingest.read_input`) and the rule checklist's size check, so bad input is
refused at once with the error the CLI would print, and the job keeps the ingested
:class:`~veracity.types.InputDocument`. The reading runs in a process of its own with a time
limit (:mod:`veracity.server.parsing`), never in the server's event loop. Pasted text
is read like standard input (its format sniffed); an upload is read like a file of its name's
suffix; a claims list is read like ``veracity check --claims``. A URL is only checked for its
form here: the page is read when the job runs.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping, Sequence
from pathlib import PurePosixPath, PureWindowsPath
from typing import Any
from urllib.parse import urlsplit

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from veracity.config import Settings
from veracity.server.jobs import CheckOptions, JobRequest
from veracity.server.parsing import ParseRefused, ParseTask, SubmissionParser

TEXT_ORIGIN = "submitted text"
CLAIMS_ORIGIN = "submitted claims"
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


class ClaimItem(BaseModel):
    """One claim of a claims list, with its own id."""

    model_config = ConfigDict(extra="forbid")

    id: str = Field(min_length=1, max_length=200)
    claim: str = Field(min_length=1)


class CheckBody(CheckOptions):
    """The JSON body of ``POST /v1/checks``: exactly one of ``text``, ``url`` and ``claims``,
    plus the options."""

    text: str | None = Field(default=None, description="the document to check")
    url: str | None = Field(default=None, max_length=2000, description="an http(s) page to check")
    claims: list[str | ClaimItem] | None = Field(
        default=None, min_length=1, description="claims to check: strings, or {id, claim} objects",
    )

    @model_validator(mode="after")
    def _one_source(self) -> CheckBody:
        given = [k for k in ("text", "url", "claims") if getattr(self, k) is not None]
        if len(given) != 1:
            raise ValueError("give exactly one of text, url and claims" + (f" (got {', '.join(given)})" if given else ""))
        if self.text is not None and not self.text.strip():
            raise ValueError("text is empty")
        if self.url is not None:
            parts = urlsplit(self.url.strip())
            if parts.scheme.lower() not in ("http", "https") or not parts.hostname:
                raise ValueError("url must be an http(s) URL with a host")
        return self

    def options(self) -> CheckOptions:
        return CheckOptions.model_validate(self.model_dump(include=set(CheckOptions.model_fields)))


class BadInput(Exception):
    """A submission that cannot be checked; ``status`` and ``code`` go to the error body."""

    def __init__(self, message: str, *, status: int = 400, code: str = "bad_input") -> None:
        super().__init__(message)
        self.status = status
        self.code = code


MAX_JSON_DEPTH = 64
"""The deepest nesting of arrays and objects a JSON body (or ``options`` field) may have."""


def load_json(raw: str | bytes, what: str) -> Any:
    """``raw`` parsed as JSON. Text that is not JSON is :class:`BadInput` 422 ``invalid_request``
    (as before); JSON nested deeper than :data:`MAX_JSON_DEPTH` (which would otherwise blow the
    parser's recursion) or with a number too long to convert is 400 ``bad_request`` — never a
    500. ``what`` names the value in the message (``the body``, ``form field options``)."""
    try:
        value = json.loads(raw)
    except RecursionError:
        raise BadInput(f"{what} is nested too deeply (at most {MAX_JSON_DEPTH} levels)",
                       status=400, code="bad_request") from None
    except json.JSONDecodeError as err:
        raise BadInput(f"{what} is not valid JSON: {err}", status=422, code="invalid_request") from None
    except ValueError as err:  # e.g. an integer over Python's digit limit
        raise BadInput(f"{what} cannot be read: {err}", status=400, code="bad_request") from None
    if _too_deep(value, MAX_JSON_DEPTH):
        raise BadInput(f"{what} is nested too deeply (at most {MAX_JSON_DEPTH} levels)",
                       status=400, code="bad_request")
    return value


def _too_deep(value: Any, limit: int) -> bool:
    """Whether ``value`` nests lists and dicts more than ``limit`` levels (walked without recursion)."""
    stack: list[tuple[Any, int]] = [(value, 1)]
    while stack:
        item, depth = stack.pop()
        if isinstance(item, dict):
            children: Any = item.values()
        elif isinstance(item, list):
            children = item
        else:
            continue
        if depth > limit:
            return True
        stack.extend((child, depth + 1) for child in children if isinstance(child, (dict, list)))
    return False


async def _parse(parser: SubmissionParser, task: ParseTask) -> dict[str, Any]:
    """The document JSON of ``task``, read by ``parser``; its refusals as :class:`BadInput`."""
    try:
        return await parser.parse(task)
    except ParseRefused as err:
        raise BadInput(str(err), status=err.status, code=err.code) from None


def check_providers(names: Sequence[str], allowed: Sequence[str]) -> list[str]:
    """The request's providers, lower-cased and deduplicated; :class:`BadInput` for one the
    server does not offer."""
    wanted = list(dict.fromkeys(n.strip().lower() for n in names if n and n.strip()))
    refused = [n for n in wanted if n not in allowed]
    if refused:
        offered = ", ".join(allowed) or "none"
        raise BadInput(f"search provider(s) not offered by this server: {', '.join(refused)} (offered: {offered})",
                       code="unknown_provider")
    return wanted


async def request_from_body(
    body: CheckBody, *, settings: Settings, allowed: Sequence[str], parser: SubmissionParser,
) -> JobRequest:
    """The job request of a JSON submission (text and claims are ingested now, by ``parser``)."""
    options = body.options()
    options.providers = check_providers(options.providers, allowed)
    if body.url is not None:
        return JobRequest(source="url", url=body.url.strip(), options=options)
    if body.text is not None:
        task = ParseTask(data=body.text.encode("utf-8"), filename=None, origin=TEXT_ORIGIN, shown="text",
                         max_bytes=settings.max_input_bytes, max_claims=settings.max_claims, title=options.title)
        return JobRequest(source="text", input=await _parse(parser, task), options=options)
    assert body.claims is not None
    if len(body.claims) > settings.max_claims:
        raise BadInput(f"{len(body.claims)} claims, more than this server checks at once ({settings.max_claims})")
    lines = []
    for item in body.claims:
        obj = {"claim": item} if isinstance(item, str) else {"id": item.id, "claim": item.claim}
        lines.append(json.dumps(obj, ensure_ascii=False))
    task = ParseTask(data="\n".join(lines).encode("utf-8"), filename=None, origin=CLAIMS_ORIGIN, shown="claims",
                     max_bytes=settings.max_input_bytes, max_claims=settings.max_claims, claims=True,
                     title=options.title)
    return JobRequest(source="claims", input=await _parse(parser, task), options=options)


def safe_filename(name: str | None) -> str:
    """The last part of an uploaded file's name, without control characters (``upload`` when
    nothing is left)."""
    raw = name or ""
    base = PureWindowsPath(PurePosixPath(raw).name).name
    base = _CONTROL.sub("", base).strip()[:200]
    return base or "upload"


def _form_bool(value: str, name: str) -> bool:
    v = value.strip().lower()
    if v in ("1", "true", "yes", "on"):
        return True
    if v in ("0", "false", "no", "off", ""):
        return False
    raise BadInput(f"form field {name} must be true or false, not {value!r}", status=422, code="invalid_request")


def options_from_form(fields: Mapping[str, Sequence[str]]) -> CheckOptions:
    """The options of a multipart submission: one ``options`` field of JSON, or the options as
    separate fields (``providers`` repeated or comma-separated)."""
    unknown = sorted(set(fields) - {"options", "lang", "providers", "corpus", "max_rounds", "title"})
    if unknown:
        raise BadInput(f"unknown form field(s): {', '.join(unknown)}", status=422, code="invalid_request")
    data: dict[str, Any] = {}
    if "options" in fields:
        if len(fields) > 1:
            raise BadInput("give the options either as one options field or as separate fields, not both",
                           status=422, code="invalid_request")
        parsed = load_json(fields["options"][-1], "form field options")
        if not isinstance(parsed, dict):
            raise BadInput("form field options must be a JSON object", status=422, code="invalid_request")
        data = parsed
    else:
        if "lang" in fields:
            data["lang"] = fields["lang"][-1].strip()
        if "providers" in fields:
            data["providers"] = [p.strip() for v in fields["providers"] for p in v.split(",") if p.strip()]
        if "corpus" in fields:
            data["corpus"] = _form_bool(fields["corpus"][-1], "corpus")
        if "max_rounds" in fields and fields["max_rounds"][-1].strip():
            data["max_rounds"] = fields["max_rounds"][-1].strip()
        if "title" in fields and fields["title"][-1].strip():
            data["title"] = fields["title"][-1].strip()
    try:
        return CheckOptions.model_validate(data)
    except ValidationError as err:
        raise BadInput(validation_message(err), status=422, code="invalid_request") from None


async def request_from_upload(
    data: bytes, filename: str | None, options: CheckOptions, *, settings: Settings, allowed: Sequence[str],
    parser: SubmissionParser,
) -> JobRequest:
    """The job request of an uploaded file (ingested now, by ``parser``, as the CLI reads a file
    of its name)."""
    options.providers = check_providers(options.providers, allowed)
    name = safe_filename(filename)
    task = ParseTask(data=data, filename=name, origin=name, shown=name, max_bytes=settings.max_input_bytes,
                     max_claims=settings.max_claims, title=options.title)
    return JobRequest(source="file", input=await _parse(parser, task), options=options)


def validation_message(err: ValidationError | Sequence[Any]) -> str:
    """One line out of pydantic's (or FastAPI's) validation errors: ``where: what`` for the
    first few."""
    errors = err.errors() if isinstance(err, ValidationError) else list(err)
    parts = []
    for e in errors[:3]:
        loc = ".".join(str(p) for p in e.get("loc", ()) if p not in ("body",))
        msg = str(e.get("msg", "invalid")).removeprefix("Value error, ")
        parts.append(f"{loc}: {msg}" if loc else msg)
    more = f" (and {len(errors) - 3} more)" if len(errors) > 3 else ""
    return "; ".join(parts) + more if parts else "invalid request"
