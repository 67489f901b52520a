"""``briefgen api``: one brief on demand from a warm process (Starlette on uvicorn, 127.0.0.1).

In: ``POST /briefs`` with an article, as the seed format (``text/plain``: an optional
``date YYYY-MM-DD`` line, then the body), as Markdown with front matter (``text/markdown``),
or as JSON ``{"text", "date", "title", "language", "source"}``. Out: the brief as PDF
(default), HTML or facts JSON, chosen by ``?format=pdf|html|json`` or else by ``Accept``.
``GET /healthz`` says the service is up and which models are loaded.

Briefs are made by ``concurrency`` render workers (:mod:`.workers`): child processes that
each keep one :class:`~briefgen.pipeline.Pipeline`, so the spaCy pipelines, the geocoder
and WeasyPrint stay loaded; facts are cached as for the CLI. Limits come from ``api:`` in
the configuration: a body over ``max_body_kb`` gets 413; more than ``queue`` requests
waiting for a worker get 429; a brief that takes longer than ``timeout`` seconds gets 504
and one whose worker grows past ``max_memory_mb`` gets 503: in both cases its worker is
killed and replaced, and the service stays up. Every error is JSON ``{"error": ...}``.
"""

from __future__ import annotations

import asyncio
import hashlib
import json
import re
import tempfile
from dataclasses import dataclass
from pathlib import Path

from ..config import Config
from ..errors import BriefgenError

FORMATS = {"pdf": "application/pdf", "html": "text/html; charset=utf-8", "json": "application/json"}


@dataclass
class Job:
    """One request's article: its file text and the suffix that says how to read it."""

    text: str
    suffix: str  # ".txt" or ".md"
    article_id: str | None = None  # the id the CLI gives (its file's name), else one from the text


def job_of(body: bytes, content_type: str) -> Job:
    """The article a request carries; a :class:`BriefgenError` says what is wrong with it."""
    kind = content_type.split(";")[0].strip().lower()
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError:
        raise BriefgenError("the request body is not UTF-8") from None
    if kind == "application/json":
        return _json_job(text)
    if kind in ("text/markdown", "text/x-markdown"):
        return Job(text, ".md")
    return Job(text, ".txt")


def _json_job(text: str) -> Job:
    """``{"text", "date", "title", "language", "source"}`` as Markdown with front matter."""
    import yaml

    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise BriefgenError(f"invalid JSON: {exc.msg} (line {exc.lineno})") from None
    if not isinstance(data, dict) or not isinstance(data.get("text"), str) or not data["text"].strip():
        raise BriefgenError('JSON must be an object with a non-empty "text"')
    unknown = sorted(set(data) - {"text", "date", "title", "language", "source"})
    if unknown:
        raise BriefgenError(f"unknown JSON field(s): {', '.join(unknown)}")
    meta = {k: str(data[k]) for k in ("title", "date", "language", "source") if data.get(k) is not None}
    front = yaml.safe_dump(meta, allow_unicode=True, sort_keys=False) if meta else ""
    return Job(f"---\n{front}---\n\n{data['text']}", ".md")


def format_of(query: str | None, accept: str) -> str:
    """``?format=`` wins; else the first of PDF, HTML, JSON that ``Accept`` names; else PDF."""
    if query:
        if query not in FORMATS:
            raise BriefgenError(f"unknown format {query!r}; use one of {', '.join(FORMATS)}")
        return query
    accept = accept.lower()
    for name, mime in (("pdf", "application/pdf"), ("html", "text/html"), ("json", "application/json")):
        if mime in accept:
            return name
    return "pdf"


def id_of(value: str | None) -> str | None:
    """``?id=``: an article id (letters, digits, ``.``, ``_``, ``-``), as the file name gives it."""
    if value is None:
        return None
    if not re.fullmatch(r"[\w][\w.-]{0,99}", value):
        raise BriefgenError(f"invalid id {value!r}: letters, digits, '.', '_' and '-' only")
    return value


class BriefMaker:
    """Makes one brief from a job with a warm pipeline (in a render worker process)."""

    def __init__(self, config: Config):
        from ..pipeline import Pipeline

        self.config = config
        self.pipeline = Pipeline(config, warn=lambda message: None)

    def warm(self) -> None:
        """Load now what the first brief would wait for: every configured spaCy model, the
        geocoder, the templates, WeasyPrint and its fonts."""
        from ..extract import load_model

        for lang, name in self.config.models.items():
            load_model(name, lang)
        self.pipeline.extractor  # noqa: B018 - builds the geocoder
        self.pipeline.renderer.warm()

    def make(self, job: Job, fmt: str) -> bytes:
        name = job.article_id or "api-" + hashlib.sha256(job.text.encode("utf-8")).hexdigest()[:12]
        with tempfile.TemporaryDirectory(prefix="briefgen-api-") as tmp:
            path = Path(tmp) / f"{name}{job.suffix}"
            path.write_text(job.text, encoding="utf-8")
            article = self.pipeline.read(path)
            facts = self.pipeline.facts(article, overrides=False)
        if fmt == "json":
            return facts.to_json().encode("utf-8")
        html = self.pipeline.html(article, facts)
        return html.encode("utf-8") if fmt == "html" else self.pipeline.pdf(html)


def make_app(config: Config, maker=None, on_exit=None):
    """The Starlette application. ``maker`` (default: a :class:`BriefMaker` made in each
    worker) is sent to the render workers, so it must pickle; ``on_exit`` is called when the
    server shuts down."""
    import contextlib

    from starlette.applications import Starlette
    from starlette.requests import Request
    from starlette.responses import JSONResponse, Response
    from starlette.routing import Route

    from .workers import RenderKilled, RenderWorker

    settings = config.api
    pool = {"free": None, "all": [], "idle": set(), "waiting": 0}

    def error(status: int, message: str) -> JSONResponse:
        return JSONResponse({"error": message}, status_code=status)

    async def healthz(request: Request) -> JSONResponse:
        for worker in list(pool["idle"]):
            worker.check_ready()
        warm = bool(pool["all"]) and all(w.ready for w in pool["all"])
        return JSONResponse({"status": "ok", "warm": warm, "models": config.models, "workers": len(pool["all"])})

    async def briefs(request: Request) -> Response:
        limit = settings.max_body_kb * 1024
        declared = request.headers.get("content-length")
        if declared is not None and declared.isdigit() and int(declared) > limit:
            return error(413, f"the article is larger than api.max_body_kb ({settings.max_body_kb} KB)")
        body = b""
        async for chunk in request.stream():
            body += chunk
            if len(body) > limit:
                return error(413, f"the article is larger than api.max_body_kb ({settings.max_body_kb} KB)")
        try:
            job = job_of(body, request.headers.get("content-type", "text/plain"))
            fmt = format_of(request.query_params.get("format"), request.headers.get("accept", ""))
            job.article_id = id_of(request.query_params.get("id"))
        except BriefgenError as exc:
            return error(400, str(exc))
        free = pool["free"]
        if free.empty() and pool["waiting"] >= settings.queue:
            return error(429, f"busy: {settings.concurrency} brief(s) in progress and {pool['waiting']} waiting")
        pool["waiting"] += 1
        try:
            worker = await free.get()
        finally:
            pool["waiting"] -= 1
        pool["idle"].discard(worker)
        try:
            data = await asyncio.get_running_loop().run_in_executor(
                None, worker.run, job, fmt, settings.timeout, settings.max_memory_mb)
        except RenderKilled as exc:
            return error(exc.status, str(exc))
        except BriefgenError as exc:
            return error(422, str(exc))
        finally:
            pool["idle"].add(worker)
            free.put_nowait(worker)
        return Response(data, media_type=FORMATS[fmt])

    @contextlib.asynccontextmanager
    async def lifespan(app):
        pool["free"] = asyncio.Queue()
        try:
            for _ in range(settings.concurrency):
                worker = RenderWorker(config, maker)
                pool["all"].append(worker)
                pool["idle"].add(worker)
                pool["free"].put_nowait(worker)
            yield
        finally:
            for worker in pool["all"]:
                worker.close()
            if on_exit is not None:
                on_exit()

    return Starlette(routes=[Route("/healthz", healthz), Route("/briefs", briefs, methods=["POST"])],
                     lifespan=lifespan)


def run_api(config: Config, port: int | None = None) -> None:
    """Serve until interrupted (Ctrl-C, SIGTERM), on 127.0.0.1 only; ``out/api.json`` says
    where while it runs, so that ``briefgen brief`` finds it."""
    import uvicorn

    from .daemon import remove_port_file, write_port_file

    port = port or config.api.port
    # uvicorn re-raises SIGTERM once it has shut down: the port file goes in the app's shutdown
    app = make_app(config, on_exit=lambda: remove_port_file(config))
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    try:
        _serve(server, config, port, write_port_file)
    finally:
        remove_port_file(config)


def _serve(server, config: Config, port: int, write_port_file) -> None:
    """Run the server; write the port file once it listens."""
    import threading

    def announce() -> None:
        while not server.started and not server.should_exit:
            threading.Event().wait(0.05)
        if server.started:
            write_port_file(config, port)

    threading.Thread(target=announce, daemon=True).start()
    server.run()
