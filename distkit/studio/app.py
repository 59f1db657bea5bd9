"""The studio's web app: the page, its two static files, and a small JSON API over `api`.

Every route sits behind `security.Guard`. A failed operation (a model that raises, a bad
melody) answers `{"error": "one line"}` with a 4xx status; the server keeps running.
"""

from __future__ import annotations

import html
import sys
import traceback
from collections.abc import Callable
from importlib import resources
from typing import Any

from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, Response
from starlette.routing import Route

from distkit.errors import DistkitError, UsageError
from distkit.studio import api
from distkit.studio.security import Guard, allowed_hosts

STATIC = {"studio.js": "text/javascript; charset=utf-8", "studio.css": "text/css; charset=utf-8"}


def create_app(*, token: str, port: int) -> Guard:
    """The studio for a server on 127.0.0.1:`port` that every request must give `token` to."""
    page = _static("index.html").replace("{{token}}", html.escape(token, quote=True))

    async def index(request: Request) -> Response:
        return HTMLResponse(page)

    async def static(request: Request) -> Response:
        name = request.path_params["name"]
        if name not in STATIC:
            return Response("not found\n", 404, media_type="text/plain")
        return Response(_static(name), media_type=STATIC[name])

    async def melody(request: Request) -> Response:
        return await _answer(api.melody_from_midi, await request.body())

    async def export(request: Request) -> Response:
        kind = request.path_params["kind"]
        body = await _json(request)
        download = await run_in_threadpool(_attempt, api.export, kind, body)
        if isinstance(download, Response):
            return download
        return Response(
            download.content,
            media_type=download.media_type,
            headers={"content-disposition": f'attachment; filename="{download.filename}"'},
        )

    routes = [
        Route("/", index),
        Route("/static/{name}", static),
        Route("/api/models", _getter(api.models)),
        Route("/api/examples", _getter(api.examples)),
        Route(
            "/api/parse", _poster(lambda body: api.parse_text(_get(body, "text"))), methods=["POST"]
        ),
        Route("/api/text", _poster(api.to_text), methods=["POST"]),
        Route("/api/melody", melody, methods=["POST"]),
        Route("/api/harmonize", _poster(api.harmonize), methods=["POST"]),
        Route("/api/export/{kind}", export, methods=["POST"]),
    ]
    return Guard(Starlette(routes=routes), token=token, hosts=allowed_hosts(port))


def _getter(function: Callable[[], Any]) -> Callable[[Request], Any]:
    async def endpoint(request: Request) -> Response:
        return await _answer(lambda _: function(), None)

    return endpoint


def _poster(function: Callable[[Any], Any]) -> Callable[[Request], Any]:
    async def endpoint(request: Request) -> Response:
        return await _answer(function, await _json(request))

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
    except Exception as error:  # the page shows one line; the traceback goes to the terminal
        traceback.print_exc(file=sys.stderr)
        return JSONResponse({"error": f"internal error: {type(error).__name__}: {error}"}, 500)


async def _json(request: Request) -> Any:
    try:
        return await request.json()
    except ValueError:
        return None


def _get(body: Any, name: str) -> Any:
    if not isinstance(body, dict):
        raise UsageError("the request needs a JSON object")
    return body.get(name)


def _static(name: str) -> str:
    return resources.files("distkit.studio").joinpath("static", name).read_text("utf-8")
