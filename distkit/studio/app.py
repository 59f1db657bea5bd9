"""The studio's web app: the page, its static files, and a small JSON API over `api`.

Every route sits behind `security.Guard`. A failed operation (a model that raises, a bad
melody) answers `{"error": "one line"}` with a 4xx status; the server keeps running. A
harmonization is a job (`jobs.Jobs`): started with POST /api/jobs, polled with GET
/api/jobs/ID, stopped with DELETE /api/jobs/ID.
"""

from __future__ import annotations

import html
import json
import sys
import tempfile
import traceback
from collections.abc import Callable
from importlib import resources
from pathlib import Path
from typing import Any

from starlette.applications import Starlette
from starlette.background import BackgroundTask
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import FileResponse, HTMLResponse, JSONResponse, Response
from starlette.routing import Route

from distkit.errors import DistkitError, StudioBusyError, UsageError
from distkit.studio import api
from distkit.studio.jobs import Jobs
from distkit.studio.security import Guard, allowed_hosts

STATIC = {"studio.js": "text/javascript; charset=utf-8", "studio.css": "text/css; charset=utf-8"}
FAVICON = (
    '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 16 16">'
    '<rect width="16" height="16" rx="3" fill="#1f6feb"/>'
    '<path d="M6 3v7.5a2 2 0 1 0 1 1.7V6l5-1v4.5a2 2 0 1 0 1 1.7V2z" fill="#fff"/></svg>'
)


class BadRequest(Exception):
    """A request body that is not the JSON asked for (answered 400, one line)."""


def create_app(*, token: str, port: int, jobs: Jobs | None = None) -> Guard:
    """The studio for a server on 127.0.0.1:`port` that every request must give `token` to."""
    page = _static("index.html").replace("{{token}}", html.escape(token, quote=True))
    work = jobs or Jobs()

    async def index(request: Request) -> Response:
        return HTMLResponse(page)

    async def favicon(request: Request) -> Response:
        return Response(FAVICON, media_type="image/svg+xml")

    async def static(request: Request) -> Response:
        name = request.path_params["name"]
        if name not in STATIC:
            return Response("not found\n", 404, media_type="text/plain")
        return Response(_static(name), media_type=STATIC[name])

    async def melody(request: Request) -> Response:
        track = request.query_params.get("track")
        number = int(track) if track and track.isdigit() and len(track) < 4 else None
        content = await request.body()
        return await _answer(lambda _: api.melody_from_midi(content, number), None)

    async def models(request: Request) -> Response:
        return await _answer(lambda _: api.models(times=work.times()), None)

    async def start_job(request: Request) -> Response:
        try:
            body = await _json(request)
            task = body.get("task", "harmonize") if isinstance(body, dict) else "harmonize"
            check = {"continue": api.continue_request, "infill": api.infill_request}
            checked = check.get(task, api.harmonize_request)(body)
            job = work.start(checked, checked["model"] or "")
        except StudioBusyError as error:
            return JSONResponse({"error": str(error), "busy": True}, 503)
        except (DistkitError, BadRequest) as error:
            return JSONResponse({"error": str(error)}, 400)
        return JSONResponse(job.view(work.typical(job.model)), 202)

    async def job_state(request: Request) -> Response:
        job = work.get(request.path_params["id"])
        if job is None:
            return JSONResponse({"error": "no such harmonization (the studio restarted?)"}, 404)
        if request.method == "DELETE":
            await run_in_threadpool(work.cancel, job.id)  # kills and reaps its worker
        return JSONResponse(job.view(work.typical(job.model)))

    async def export(request: Request) -> Response:
        kind = request.path_params["kind"]
        try:
            body = await _json(request)
        except BadRequest as error:
            return JSONResponse({"error": str(error)}, 400)
        folder = tempfile.mkdtemp(prefix="distkit-studio-")
        cleanup = BackgroundTask(_remove, Path(folder))
        download = await run_in_threadpool(_attempt, api.export, kind, body, Path(folder))
        if isinstance(download, Response):
            _remove(Path(folder))
            return download
        return FileResponse(
            download.path,
            media_type=download.media_type,
            filename=download.filename,
            background=cleanup,
        )

    routes = [
        Route("/", index),
        Route("/favicon.ico", favicon),
        Route("/static/{name}", static),
        Route("/api/settings", _getter(api.settings)),
        Route("/api/models", models),
        Route("/api/examples", _getter(api.examples)),
        Route(
            "/api/parse", _poster(lambda body: api.parse_text(_get(body, "text"))), methods=["POST"]
        ),
        Route("/api/text", _poster(api.to_text), methods=["POST"]),
        Route("/api/melody", melody, methods=["POST"]),
        Route("/api/jobs", start_job, methods=["POST"]),
        Route("/api/jobs/{id}", job_state, methods=["GET", "DELETE"]),
        Route("/api/export/{kind}", export, methods=["POST"]),
    ]
    return Guard(Starlette(routes=routes), token=token, hosts=allowed_hosts(port))


def _getter(function: Callable[[], Any]) -> Callable[[Request], Any]:
    async def endpoint(request: Request) -> Response:
        return await _answer(lambda _: function(), None)

    return endpoint


def _poster(function: Callable[[Any], Any]) -> Callable[[Request], Any]:
    async def endpoint(request: Request) -> Response:
        try:
            body = await _json(request)
        except BadRequest as error:
            return JSONResponse({"error": str(error)}, 400)
        return await _answer(function, body)

    return endpoint


async def _answer(function: Callable[[Any], Any], argument: Any) -> Response:
    """`function(argument)` run off the event loop, as JSON; a failure as `{"error"}`."""
    result = await run_in_threadpool(_attempt, function, argument)
    return result if isinstance(result, Response) else JSONResponse(result)


def _attempt(function: Callable[..., Any], *arguments: Any) -> Any:
    """`function(*arguments)`, or the error response that says in one line why it failed."""
    try:
        return function(*arguments)
    except DistkitError as error:
        status = 400 if isinstance(error, UsageError) else 422
        return JSONResponse({"error": str(error)}, status)
    except RecursionError:
        return JSONResponse({"error": "the request is nested too deeply"}, 400)
    except Exception as error:  # the page shows one line; the traceback goes to the terminal
        traceback.print_exc(file=sys.stderr)
        return JSONResponse({"error": f"internal error: {type(error).__name__}: {error}"}, 500)


async def _json(request: Request) -> Any:
    """The request's JSON body; BadRequest (one line) for bytes that are not JSON, or JSON
    nested deeper than Python's parser goes."""
    body = await request.body()
    try:
        return json.loads(body)
    except RecursionError:
        raise BadRequest("the request body is nested too deeply") from None
    except ValueError:
        raise BadRequest("the request body is not JSON") from None


def _get(body: Any, name: str) -> Any:
    if not isinstance(body, dict):
        raise UsageError("the request needs a JSON object")
    return body.get(name)


def _remove(folder: Path) -> None:
    import shutil

    shutil.rmtree(folder, ignore_errors=True)


def _static(name: str) -> str:
    return resources.files("distkit.studio").joinpath("static", name).read_text("utf-8")
