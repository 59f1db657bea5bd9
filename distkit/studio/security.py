"""The studio's front gate: every request carries the token, names our Host, and stays small.

A pure ASGI middleware, so nothing reaches a route before it passes. The token (as Jupyter's)
keeps other local users and other web pages from driving the studio; the Host check defeats
DNS rebinding; the body cap keeps an upload from filling memory.
"""

from __future__ import annotations

import asyncio
import contextlib
import secrets
from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any
from urllib.parse import parse_qs

from distkit.music.limits import MAX_MIDI_BYTES

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]

TOKEN_HEADER = b"x-distkit-token"
MAX_BODY = MAX_MIDI_BYTES + 64 * 1024
"""The largest MIDI file compose reads, and room for a request's other fields."""
BODY_SECONDS = 30  # a client that trickles its body is cut off, not waited for
PUBLIC_PATHS = frozenset({"/favicon.ico"})  # the icon browsers fetch on their own, no secret
SECURITY_HEADERS = [
    (
        b"content-security-policy",
        b"default-src 'self'; img-src 'self' data: blob:; media-src 'self' data: blob:; "
        b"style-src 'self'; script-src 'self'; connect-src 'self'; frame-ancestors 'none'",
    ),
    (b"x-content-type-options", b"nosniff"),
    (b"referrer-policy", b"no-referrer"),
    (b"cache-control", b"no-store"),
]


def new_token() -> str:
    """A fresh random token for one run of the studio."""
    return secrets.token_urlsafe(32)


def allowed_hosts(port: int) -> frozenset[str]:
    """The Host headers a browser sends for the studio on 127.0.0.1:`port`."""
    return frozenset({f"127.0.0.1:{port}", f"localhost:{port}"})


class Guard:
    """Refuses (403) a request without the token or with a foreign Host, (413) a large body."""

    def __init__(
        self, app: ASGIApp, *, token: str, hosts: frozenset[str], max_body: int = MAX_BODY
    ) -> None:
        self.app = app
        self.token = token.encode()
        self.hosts = hosts
        self.max_body = max_body

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "lifespan":
            await self.app(scope, receive, send)
            return
        if scope["type"] != "http":
            await send({"type": "websocket.close", "code": 1008})
            return
        headers = dict(scope["headers"])
        if headers.get(b"host", b"").decode("latin-1") not in self.hosts:
            await _plain(send, 403, "forbidden: this studio answers on 127.0.0.1 only")
            return
        if scope.get("path") in PUBLIC_PATHS and scope.get("method") == "GET":
            await self.app(scope, receive, _with_headers(send))  # the browser asks without a token
            return
        if not self._has_token(scope, headers):
            await _plain(send, 403, "forbidden: open the studio with the link it printed")
            return
        declared = headers.get(b"content-length", b"0")
        if not declared.isdigit() or int(declared) > self.max_body:
            await _plain(send, 413, f"request too large: at most {self.max_body} bytes")
            return
        try:
            async with asyncio.timeout(BODY_SECONDS):
                body = await self._read_body(receive)
        except TimeoutError:
            await _plain(send, 408, f"the request body took over {BODY_SECONDS} s to arrive")
            return
        except asyncio.CancelledError:  # the studio is stopping: no traceback for this client
            with contextlib.suppress(Exception):
                await _plain(send, 503, "the studio is stopping")
            return
        if body is None:
            await _plain(send, 413, f"request too large: at most {self.max_body} bytes")
            return
        await self.app(scope, _replay(body, receive), _with_headers(send))

    def _has_token(self, scope: Scope, headers: dict[bytes, bytes]) -> bool:
        given = headers.get(TOKEN_HEADER)
        if given is None:
            query = parse_qs(scope.get("query_string", b"").decode("latin-1"))
            given = query.get("token", [""])[0].encode("latin-1")
        return secrets.compare_digest(given, self.token)

    async def _read_body(self, receive: Receive) -> bytes | None:
        """The whole body, or None once it passes `max_body` (chunked bodies included)."""
        chunks, size = [], 0
        while True:
            message = await receive()
            if message["type"] != "http.request":
                return b""
            chunk = message.get("body", b"")
            size += len(chunk)
            if size > self.max_body:
                return None
            chunks.append(chunk)
            if not message.get("more_body", False):
                return b"".join(chunks)


def _replay(body: bytes, receive: Receive) -> Receive:
    sent = False

    async def replay() -> Message:
        nonlocal sent
        if sent:
            return await receive()
        sent = True
        return {"type": "http.request", "body": body, "more_body": False}

    return replay


def _with_headers(send: Send) -> Send:
    async def wrapped(message: Message) -> None:
        if message["type"] == "http.response.start":
            message["headers"] = [*message.get("headers", []), *SECURITY_HEADERS]
        await send(message)

    return wrapped


async def _plain(send: Send, status: int, text: str) -> None:
    body = text.encode() + b"\n"
    headers = [(b"content-type", b"text/plain; charset=utf-8"), *SECURITY_HEADERS]
    headers.append((b"content-length", str(len(body)).encode()))
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": body})
