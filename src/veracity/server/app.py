"""The HTTP API: a FastAPI app over the public Python API (``run_check``, ``resume_run``, ``render``,
the store). :func:`create_app` builds it from a :class:`ServerConfig`.

Endpoints (JSON unless said otherwise)::

    GET  /healthz                         {"status": "ok", "version"}                (no auth)
    GET  /v1/sources                      providers offered, corpus folders, whether an LLM is set
    POST /v1/checks                       JSON {text | url | claims, options} or multipart (file)
                                          → 202 {"id", "status": "queued"}, Location header
    GET  /v1/checks?limit=N               {"checks": [summaries, newest first]}
    GET  /v1/checks/{id}                  status, run id, times, the JSON report once done, error
    GET  /v1/checks/{id}/events           text/event-stream: replay + live progress, then `end`
    GET  /v1/checks/{id}/report.html|md|json|claimreview.json   the rendered report (409 until done)
    GET  /docs, /openapi.json             the OpenAPI description                     (no auth)
    GET  /docs/assets/*                   Swagger UI's files, served here (no CDN)    (no auth)

Submitted text, claims and files are read (decoded, parsed, their claims counted) in a process
of their own within ``VERACITY_PARSE_TIMEOUT`` seconds (:mod:`veracity.server.parsing`), never
in the event loop. ``?download=1`` names a report ``veracity-<run id>-<title slug>.<fmt>``
(``filename*`` in UTF-8 for a title in another script).

Every error is ``{"error": {"status", "code", "message"}}``. Codes: ``bad_input`` (400: the
document cannot be read — empty, binary, malformed PDF, bad claims list, more sentences or
claims than the claim cap allows), ``bad_request`` (400:
JSON nested too deeply, a bad ``Content-Length``), ``unknown_provider`` (400), ``unauthorized``
(401), ``forbidden`` (403: another web site, see below), ``not_found`` (404), ``method_not_allowed`` (405), ``not_ready``
(409), ``too_large`` (413: body over ``max_body_bytes``, or input over the input limit),
``unsupported_media_type`` (415), ``invalid_request`` (422: the body or a parameter does not fit
the schema), ``parse_timeout`` (422: reading the submission passed the time limit and was
stopped), ``not_started`` (503), ``internal_error`` (500).

Auth: with a token configured every ``/v1/*`` request needs ``Authorization: Bearer <token>``
(compared in constant time); the page, static files, ``/healthz`` and the docs stay open. A
server on a non-loopback host must have a token (:func:`create_app` refuses otherwise); only
``127.0.0.0/8``, ``::1`` and the name ``localhost`` are loopback.

Other web sites (``forbidden``, 403): without a token the server answers only a ``Host`` of
``localhost``, ``127.0.0.1`` or ``[::1]`` (any port) or the address it is bound to (a DNS-rebinding
guard), and refuses a cross-origin request to ``/v1/*`` (an ``Origin`` other than its own, or
``Sec-Fetch-Site: cross-site``). With a token the bearer check stands instead of the origin check
(a cross-site page cannot send the header) and the ``Host`` check stays on a loopback bind.
JSON nested deeper than 64 levels is 400 ``bad_request``.
"""

from __future__ import annotations

import base64
import contextlib
import hashlib
import ipaddress
import json
import logging
import re
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

from fastapi import FastAPI, Query, Request
from fastapi.exceptions import RequestValidationError
from fastapi.openapi.utils import get_openapi
from fastapi.responses import JSONResponse, Response, StreamingResponse
from pydantic import BaseModel, ConfigDict, Field, SecretStr, ValidationError
from starlette.datastructures import UploadFile
from starlette.exceptions import HTTPException as StarletteHTTPException

from veracity import __version__
from veracity.config import Settings
from veracity.errors import ConfigError, JobNotFound
from veracity.report.html import REPORT_CSP
from veracity.server.http import (
    ApiError,
    BearerAuth,
    BodyLimit,
    LocalGuard,
    attachment_disposition,
    error_response,
    status_code_name,
)
from veracity.server.inputs import (
    BadInput,
    CheckBody,
    load_json,
    options_from_form,
    request_from_body,
    request_from_upload,
    validation_message,
)
from veracity.server.jobs import JobRequest, JobRunner
from veracity.server.parsing import SubmissionParser
from veracity.server.sse import EventHub, event_stream, parse_last_event_id
from veracity.store.jobs import Job

log = logging.getLogger("veracity.server")


class ServerConfig(BaseModel):
    """Everything :func:`create_app` needs. ``embedder`` and ``llm`` are hooks for tests and
    embedding programs (a loaded sentence encoder, a :class:`~veracity.llm.base.StructuredLLM`);
    by default the server loads the encoder and builds the model the settings describe
    (``VERACITY_LLM_BASE_URL``), or runs the offline judge without one."""

    model_config = ConfigDict(arbitrary_types_allowed=True)

    settings: Settings = Field(default_factory=Settings)
    db: Path | None = Field(default=None, description="SQLite store (default: the settings' db_path)")
    corpus: list[Path] = Field(default_factory=list, description="local corpus folders, opened once")
    token: SecretStr | None = Field(default=None, description="bearer token for /v1/* (required off loopback)")
    host: str = "127.0.0.1"
    port: int = 8000
    workers: int = Field(default=8, ge=1, le=64, description="checks run at once")
    parsers: int = Field(default=2, ge=1, le=32, description="submissions read at once, each in its own process")
    concurrency: int = Field(default=4, ge=1, le=256, description="claims researched at once in one check")
    max_body_bytes: int = Field(default=10 * 1024 * 1024, ge=1024, description="largest request body")
    providers: list[str] | None = Field(default=None, description="providers offered (default: the configured ones)")
    rates: dict[str, float | None] = Field(
        default_factory=dict, description="requests per second by provider over the defaults (None: no limit)",
    )
    keepalive: float = Field(default=15.0, gt=0, description="seconds between keep-alive comments on a stream")
    keep_logs: int = Field(default=200, ge=0, description="finished jobs whose events stay in memory")
    log_ttl: float = Field(default=3600.0, gt=0, description="seconds a finished job's events stay in memory")
    embedder: Any = None
    llm: Any = None

    def resolved_settings(self) -> Settings:
        return self.settings.model_copy(update={"db_path": self.db}) if self.db else self.settings


def is_loopback(host: str) -> bool:
    """Whether ``host`` (a ``--host`` value) is loopback: a literal loopback address
    (``127.0.0.0/8``, ``::1``, brackets allowed) or exactly the name ``localhost``. Other names —
    ``x.localhost`` included — are not: the socket binds to whatever the resolver says."""
    h = host.strip().lower()
    if h == "localhost":
        return True
    if h.startswith("[") and h.endswith("]"):
        h = h[1:-1]
    try:
        return ipaddress.ip_address(h).is_loopback
    except ValueError:
        return False


def build_shared_providers(names: list[str] | None, rates: dict[str, float | None]) -> list[Any]:
    """The providers a server offers — ``names``, or every configured one — built (an unknown
    or unconfigured name raises :class:`ConfigError`) and wrapped in one rate limiter."""
    from veracity.search.ratelimit import TokenBucketLimiter, limit_providers, resolve_rates
    from veracity.search.registry import build_providers, configured_names

    built = build_providers(configured_names() if names is None else names)
    return limit_providers(built, TokenBucketLimiter(resolve_rates(rates)))


class ServerState:
    """What the app holds between requests: the store, the runner and the event logs (made when
    the app starts, released when it stops)."""

    def __init__(self, config: ServerConfig) -> None:
        from veracity.corpus.index import LocalCorpus

        self.config = config
        self.settings = config.resolved_settings()
        self.token = config.token.get_secret_value() if config.token else None
        if not is_loopback(config.host) and not self.token:
            raise ConfigError(
                f"refusing to serve on {config.host} without a token: pass --token or set VERACITY_SERVER_TOKEN"
            )
        if config.embedder is None:
            from veracity.evidence.embed import UseEmbedder

            self.embedder: Any = UseEmbedder(threads=self.settings.embed_threads)
        else:
            self.embedder = config.embedder
        self.corpus = (
            LocalCorpus(list(config.corpus), settings=self.settings, embedder=self.embedder, progress=log.info)
            if config.corpus else None
        )
        # the search providers, built once (unknown or unconfigured names fail here) and shared
        # by every check, each behind one rate limit
        self._closers: list[Any] = build_shared_providers(config.providers, config.rates)
        self.searchers: dict[str, Any] = {p.name: p for p in self._closers}
        self.providers = list(self.searchers)
        self.store: Any = None
        self.runner: JobRunner | None = None
        self.hub = EventHub(keep_finished=config.keep_logs, ttl=config.log_ttl)
        # submissions are read in processes of their own, within the settings' time limit
        self.parser = SubmissionParser(timeout=self.settings.parse_timeout, slots=config.parsers)
        self._own_llm: Any = None
        self.llm: Any = config.llm

    async def start(self) -> None:
        """Open the store, load the encoder and the corpus, and start the queued jobs."""
        import asyncio

        from veracity.store import Store

        self.store = Store(self.settings.db_path)
        await self.parser.start()
        if self.llm is None and self.settings.llm_base_url:
            from veracity.llm import build_llm

            self.llm = self._own_llm = build_llm(self.settings)
        await asyncio.to_thread(self.embedder.embed, ["warm up"])
        if self.corpus is not None:
            await asyncio.to_thread(self.corpus.open)
        self.runner = JobRunner(
            store=self.store, settings=self.settings, embedder=self.embedder, corpus=self.corpus,
            llm=self.llm, hub=self.hub, workers=self.config.workers, concurrency=self.config.concurrency,
            providers=self.searchers,
        )
        await self.runner.start()

    async def stop(self) -> None:
        """Cancel running jobs (they resume at the next start) and release what :meth:`start` made."""
        if self.runner is not None:
            await self.runner.stop()
        self.parser.close()
        self.hub.abandon_all()
        from veracity.httputil import aclose_all

        await aclose_all([self._own_llm, *self._closers])
        if self.store is not None:
            self.store.close()

    def require_runner(self) -> JobRunner:
        if self.runner is None or self.runner.stopping:
            raise ApiError(503, "not_started", "the server has not started (or is stopping)")
        return self.runner


# --- response models (for the OpenAPI description) -----------------------------------------------


class ErrorInfo(BaseModel):
    status: int
    code: str
    message: str


class ErrorBody(BaseModel):
    error: ErrorInfo


class Health(BaseModel):
    status: str
    version: str


class ProviderView(BaseModel):
    name: str
    kind: str
    configured: bool


class SourcesView(BaseModel):
    providers: list[ProviderView]
    corpus: list[str] = Field(description="names of the server's corpus folders")
    llm: bool = Field(description="whether a language model (the research agent) is configured")


class CheckAccepted(BaseModel):
    id: str
    status: str


class _CheckState(BaseModel):
    """What every view of a check says: its id, status, run and times, and its error."""

    id: str
    status: str
    run_id: str | None
    created: str
    started: str | None
    finished: str | None
    error: str | None


class CheckView(_CheckState):
    report: dict[str, Any] | None = Field(description="the JSON report once the check is done")


class CheckSummary(_CheckState):
    source: str | None = Field(description="text, url, claims or file")
    title: str | None = Field(description="the report title, URL or file name")
    result: dict[str, Any] | None = Field(description="claims, verdict counts, LLM calls, tokens and cost once done")


class ChecksList(BaseModel):
    checks: list[CheckSummary]


ERRORS: dict[int | str, dict[str, Any]] = {
    code: {"model": ErrorBody} for code in (400, 401, 403, 404, 413, 415, 422)
}

_FORMATS = {
    "html": "text/html; charset=utf-8",
    "md": "text/markdown; charset=utf-8",
    "json": "application/json",
    "claimreview.json": "application/ld+json",
}
_RENDER_AS = {"claimreview.json": "claimreview"}  # URL suffix → report.render format, where they differ

_MULTIPART_SCHEMA: dict[str, Any] = {
    "type": "object",
    "required": ["file"],
    "properties": {
        "file": {"type": "string", "format": "binary", "description": "txt, md, html or pdf"},
        "lang": {"type": "string", "enum": ["auto", "zh", "en"]},
        "providers": {"type": "array", "items": {"type": "string"}, "description": "repeated or comma-separated"},
        "corpus": {"type": "boolean"},
        "max_rounds": {"type": "integer"},
        "title": {"type": "string"},
        "options": {"type": "string", "description": "the options as one JSON object (instead of the fields)"},
    },
}


def _summary(job: Job) -> CheckSummary:
    try:
        request: JobRequest | None = JobRequest.model_validate(job.request)
    except ValidationError:
        request = None
    return CheckSummary(
        id=job.id, status=job.status, run_id=job.run_id, created=job.created, started=job.started,
        finished=job.finished, error=job.error, source=request.source if request else None,
        title=request.describe() if request else None, result=job.result,
    )


def create_app(config: ServerConfig | None = None) -> FastAPI:
    """The API app for ``config``. The store, encoder, corpus and model are opened when the app
    starts (its lifespan) and released when it stops; an app is started once. Raises
    :class:`~veracity.errors.ConfigError` (non-loopback host without a token, a provider not
    configured) and :class:`~veracity.errors.CorpusError` (a corpus folder missing) at once."""
    config = config or ServerConfig()
    state = ServerState(config)

    @contextlib.asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        await state.start()
        try:
            yield
        finally:
            await state.stop()

    app = FastAPI(
        title="veracity", version=__version__, lifespan=lifespan,
        description="Evidence-grounded fact-checking: submit a document, follow its progress, read the report.",
        docs_url=None, redoc_url=None,  # /docs is served below from local assets, never a CDN
    )
    app.state.veracity = state
    app.add_middleware(BodyLimit, max_bytes=config.max_body_bytes)
    app.add_middleware(BearerAuth, token=state.token)
    # outermost: other web sites are refused before anything else. Without a token: a foreign
    # Host (DNS rebinding) anywhere, a cross-origin request on /v1/*. With one, the token guards
    # /v1/* (a browser cannot add it cross-site); a foreign Host is still refused on a loopback
    # bind, while off loopback clients reach the server by names it cannot know.
    app.add_middleware(LocalGuard, check_host=state.token is None or is_loopback(config.host),
                       check_origin=state.token is None, bound=(config.host, config.port))
    _error_handlers(app)
    _routes(app, state)
    _openapi(app, state)
    _docs(app)
    from veracity.server.web import mount_web

    mount_web(app)
    return app


DOCS_ASSETS = "/docs/assets"
"""Where the Swagger UI files of the ``fastapi-offline`` package are served."""


def docs_csp(html: str) -> str:
    """The Content-Security-Policy of the ``/docs`` page ``html``: scripts from this server and
    the page's own inline start-up script (by its hash), styles from here and inline (Swagger
    UI sets them), images from here and ``data:``, requests to this server only."""
    hashes = " ".join(
        "'sha256-" + base64.b64encode(hashlib.sha256(body.encode("utf-8")).digest()).decode("ascii") + "'"
        for body in re.findall(r"<script>(.*?)</script>", html, flags=re.S)
    )
    return (
        f"default-src 'self'; script-src 'self' {hashes}; style-src 'self' 'unsafe-inline'; "
        "img-src 'self' data:; font-src 'self' data:; connect-src 'self'; object-src 'none'; "
        "base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
    )


def _docs(app: FastAPI) -> None:
    """``GET /docs``: Swagger UI with its script, style and icon served from ``/docs/assets`` (the
    ``fastapi-offline`` package's copy), so the page works without the network."""
    from importlib import resources

    from fastapi.openapi.docs import get_swagger_ui_html
    from fastapi.responses import HTMLResponse
    from fastapi.staticfiles import StaticFiles

    rendered = get_swagger_ui_html(
        openapi_url=app.openapi_url or "/openapi.json", title=f"{app.title} · API",
        swagger_js_url=f"{DOCS_ASSETS}/swagger-ui-bundle.js", swagger_css_url=f"{DOCS_ASSETS}/swagger-ui.css",
        swagger_favicon_url=f"{DOCS_ASSETS}/favicon.png", oauth2_redirect_url=None,
        swagger_ui_parameters={"validatorUrl": None},  # no badge fetched from the validator's site
    )
    page = bytes(rendered.body).decode("utf-8")
    headers = {"Content-Security-Policy": docs_csp(page), "Referrer-Policy": "no-referrer",
               "Cache-Control": "no-cache"}

    def docs() -> HTMLResponse:
        return HTMLResponse(page, headers=headers)

    app.add_api_route("/docs", docs, methods=["GET"], response_class=HTMLResponse, include_in_schema=False)
    assets = Path(str(resources.files("fastapi_offline").joinpath("static")))
    app.mount(DOCS_ASSETS, StaticFiles(directory=assets), name="docs-assets")


def _error_handlers(app: FastAPI) -> None:
    async def api_error(_r: Request, err: Exception) -> Response:
        assert isinstance(err, ApiError)
        return error_response(err.status, err.code, err.message, headers=err.headers)

    async def http_error(request: Request, err: Exception) -> Response:
        assert isinstance(err, StarletteHTTPException)
        if err.status_code == 404:
            message = f"no route for {request.method} {request.url.path}"
        elif err.status_code == 405:
            message = f"{request.method} is not allowed on {request.url.path}"
        else:
            message = str(err.detail)
        return error_response(err.status_code, status_code_name(err.status_code), message,
                              headers=dict(err.headers or {}))

    async def invalid(_r: Request, err: Exception) -> Response:
        assert isinstance(err, RequestValidationError)
        return error_response(422, "invalid_request", validation_message(err.errors()))

    async def no_job(_r: Request, err: Exception) -> Response:
        return error_response(404, "not_found", str(err))

    async def unexpected(request: Request, err: Exception) -> Response:
        log.error("veracity server: %s %s failed", request.method, request.url.path, exc_info=err)
        return error_response(500, "internal_error", f"internal error: {type(err).__name__}")

    app.add_exception_handler(ApiError, api_error)
    app.add_exception_handler(StarletteHTTPException, http_error)
    app.add_exception_handler(RequestValidationError, invalid)
    app.add_exception_handler(JobNotFound, no_job)
    app.add_exception_handler(Exception, unexpected)


def _openapi(app: FastAPI, state: ServerState) -> None:
    """The schema, with the JSON body of ``POST /v1/checks`` (read by hand, so that one
    endpoint takes JSON and multipart) among the components."""

    def build() -> dict[str, Any]:
        if app.openapi_schema:
            return app.openapi_schema
        schema = get_openapi(title=app.title, version=app.version, description=app.description, routes=app.routes)
        components = schema.setdefault("components", {}).setdefault("schemas", {})
        body = CheckBody.model_json_schema(ref_template="#/components/schemas/{model}")
        components.update(body.pop("$defs", {}))
        components["CheckBody"] = body
        if state.token is not None:  # the docs' "Authorize" button sends the token on /v1/*
            schema["components"]["securitySchemes"] = {"bearer": {"type": "http", "scheme": "bearer"}}
            for path, operations in schema.get("paths", {}).items():
                if path.startswith("/v1/"):
                    for operation in operations.values():
                        operation["security"] = [{"bearer": []}]
        app.openapi_schema = schema
        return schema

    app.openapi = build  # type: ignore[method-assign]


def _routes(app: FastAPI, state: ServerState) -> None:
    def job_or_404(job_id: str) -> Job:
        runner = state.require_runner()
        return runner.store.get_job(job_id)

    @app.get("/healthz", response_model=Health, tags=["server"])
    def healthz() -> Health:
        """Liveness: always ok while the server answers."""
        return Health(status="ok", version=__version__)

    @app.get("/v1/sources", response_model=SourcesView, responses=ERRORS, tags=["checks"])
    def sources() -> SourcesView:
        """What a check can search: the providers (``configured``: offered by this server), the
        corpus folders, and whether the research agent's model is set."""
        from veracity.search.registry import ALL_PROVIDERS

        offered = set(state.providers)
        return SourcesView(
            providers=[ProviderView(name=i.name, kind=i.kind, configured=i.name in offered) for i in ALL_PROVIDERS],
            corpus=[d.name for d in state.corpus.dirs] if state.corpus is not None else [],
            llm=state.llm is not None or bool(state.settings.llm_base_url),
        )

    @app.post(
        "/v1/checks", status_code=202, response_model=CheckAccepted, responses=ERRORS, tags=["checks"],
        openapi_extra={"requestBody": {"required": True, "content": {
            "application/json": {"schema": {"$ref": "#/components/schemas/CheckBody"}},
            "multipart/form-data": {"schema": _MULTIPART_SCHEMA},
        }}},
    )
    async def submit(request: Request) -> JSONResponse:
        """Queue a check: JSON with exactly one of ``text``, ``url``, ``claims`` plus options, or
        a multipart upload (a ``file`` part plus the options as fields or one ``options`` JSON
        field). Text and files are read now: unusable input is refused here."""
        runner = state.require_runner()
        ctype = request.headers.get("content-type", "").split(";")[0].strip().lower()
        try:
            if ctype == "application/json":
                job_request = await _json_request(request, state)
            elif ctype == "multipart/form-data":
                job_request = await _upload_request(request, state)
            else:
                raise ApiError(415, "unsupported_media_type",
                               "send application/json or multipart/form-data")
        except BadInput as err:
            raise ApiError(err.status, err.code, str(err)) from None
        job = runner.submit(job_request)
        return JSONResponse({"id": job.id, "status": job.status}, status_code=202,
                            headers={"Location": f"/v1/checks/{job.id}"})

    @app.get("/v1/checks", response_model=ChecksList, responses=ERRORS, tags=["checks"])
    def list_checks(
        limit: int = Query(50, ge=1, le=500),
        status: str | None = Query(None, pattern="^(queued|running|done|failed)$"),
    ) -> ChecksList:
        """The latest checks, newest first."""
        store = state.require_runner().store
        jobs = store.list_jobs(kind="api", status=status, limit=limit, newest_first=True)  # type: ignore[arg-type]
        return ChecksList(checks=[_summary(j) for j in jobs])

    @app.get("/v1/checks/{job_id}", response_model=CheckView, responses=ERRORS, tags=["checks"])
    def get_check(job_id: str) -> CheckView:
        """One check: its status and, once done, the JSON report."""
        job = job_or_404(job_id)
        report = None
        if job.status == "done" and job.run_id:
            from veracity.report import render

            report = json.loads(render(state.require_runner().store.load_report(job.run_id), "json"))
        return CheckView(id=job.id, status=job.status, run_id=job.run_id, created=job.created,
                         started=job.started, finished=job.finished, report=report, error=job.error)

    @app.get(
        "/v1/checks/{job_id}/events", responses={**ERRORS, 200: {"content": {"text/event-stream": {}}}},
        tags=["checks"], response_class=StreamingResponse,
    )
    async def events(request: Request, job_id: str, last_event_id: int | None = Query(None, ge=0)) -> Response:
        """The check's progress as server-sent events: every earlier event (after
        ``Last-Event-ID``), then live ones, then ``end`` with the final status."""
        job_or_404(job_id)
        runner = state.require_runner()
        last = last_event_id if last_event_id is not None else parse_last_event_id(request.headers.get("last-event-id"))
        stream = event_stream(job_id, hub=state.hub, store=runner.store, last_id=last,
                              keepalive=state.config.keepalive)
        return StreamingResponse(stream, media_type="text/event-stream", headers={
            "Cache-Control": "no-cache, no-store", "X-Accel-Buffering": "no",
        })

    @app.get("/v1/checks/{job_id}/report.{fmt}", responses={**ERRORS, 409: {"model": ErrorBody}}, tags=["checks"])
    def report(
        job_id: str, fmt: str, download: bool = False,
        lang: str | None = Query(None, pattern="^(zh|en)$"),
    ) -> Response:
        """The finished report as ``html``, ``md``, ``json`` or ``claimreview.json`` (schema.org
        ClaimReview JSON-LD) (409 ``not_ready`` before);
        ``download=1`` sends it as an attachment."""
        if fmt not in _FORMATS:
            raise ApiError(404, "not_found", f"no report format {fmt!r}; use html, md, json or claimreview.json")
        job = job_or_404(job_id)
        if job.status != "done" or not job.run_id:
            detail = f"; it failed: {job.error}" if job.status == "failed" else ""
            raise ApiError(409, "not_ready", f"check {job_id} is {job.status}, its report is not ready{detail}")
        from veracity.report import render

        loaded = state.require_runner().store.load_report(job.run_id)
        text = render(loaded, _RENDER_AS.get(fmt, fmt), lang, org_name=state.settings.org_name)
        headers = {"Cache-Control": "no-store"}
        if fmt == "html":
            headers["Content-Security-Policy"] = REPORT_CSP
        if download:
            headers["Content-Disposition"] = attachment_disposition(job.run_id, loaded.title, fmt)
        return Response(text, media_type=_FORMATS[fmt], headers=headers)


async def _json_request(request: Request, state: ServerState) -> JobRequest:
    data = load_json(await request.body() or b"null", "the body")
    if not isinstance(data, dict):
        raise BadInput("the body must be a JSON object", status=422, code="invalid_request")
    try:
        body = CheckBody.model_validate(data)
    except ValidationError as err:
        raise BadInput(validation_message(err), status=422, code="invalid_request") from None
    return await request_from_body(body, settings=state.settings, allowed=state.providers, parser=state.parser)


async def _upload_request(request: Request, state: ServerState) -> JobRequest:
    form = await request.form(max_files=1, max_fields=20, max_part_size=1024 * 1024)
    try:
        upload = form.get("file")
        if not isinstance(upload, UploadFile):
            raise BadInput("a multipart submission needs a file part named file", status=422, code="invalid_request")
        fields: dict[str, list[str]] = {}
        for key, value in form.multi_items():
            if key == "file":
                continue
            if not isinstance(value, str):
                raise BadInput(f"form field {key} must be text, not a file", status=422, code="invalid_request")
            fields.setdefault(key, []).append(value)
        options = options_from_form(fields)
        data = await upload.read()
        return await request_from_upload(data, upload.filename, options, settings=state.settings,
                                         allowed=state.providers, parser=state.parser)
    finally:
        await form.close()
