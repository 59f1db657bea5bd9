"""Running the studio: bind 127.0.0.1, serve the app with uvicorn, open the browser.

The socket is bound before uvicorn starts (with SO_REUSEADDR, so a restart on the same port
works at once), so a taken port is one StudioError, not a log line from deep inside the server.
The browser is never given the token on its command line, where `ps` shows it to every user:
it opens a page in a private folder (0700, the page 0600) that sends it on to the studio.
Ctrl-C stops the server, kills the model workers, and gives open connections one second.
"""

from __future__ import annotations

import contextlib
import errno
import html
import os
import shutil
import signal
import socket
import tempfile
import threading
import time
import webbrowser
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from types import FrameType
from typing import Any

from distkit.errors import StudioError
from distkit.studio.jobs import JOB_SECONDS, MAX_JOBS
from distkit.studio.security import new_token

HOST = "127.0.0.1"


@dataclass(frozen=True)
class Address:
    """Where a running studio answers."""

    port: int
    token: str

    @property
    def url(self) -> str:
        """The link that opens the studio, token included."""
        return f"http://{HOST}:{self.port}/?token={self.token}"

    @property
    def public_url(self) -> str:
        """The address without the token, safe to show anywhere."""
        return f"http://{HOST}:{self.port}/"


def bind(port: int) -> socket.socket:
    """A listening socket on 127.0.0.1:`port` (0 for any free port); StudioError if taken."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    # Reuse a port whose last connections wait in TIME-WAIT; on Linux a port another socket
    # listens on still refuses (EADDRINUSE), so this never shares a live port.
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind((HOST, port))
        sock.listen(128)
    except OSError as error:
        sock.close()
        if error.errno == errno.EADDRINUSE:
            raise StudioError(f"port {port} on {HOST} is in use by another program") from None
        reason = error.strerror or type(error).__name__
        raise StudioError(f"port {port} on {HOST} could not be opened: {reason}") from None
    return sock


def launch_page(url: str) -> Path:
    """A page, readable by this user only, that sends a browser on to `url`; its folder is
    the caller's to remove."""
    folder = Path(tempfile.mkdtemp(prefix="distkit-studio-"))  # mode 0700
    page = folder / "open.html"
    target = html.escape(url, quote=True)
    descriptor = os.open(page, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(descriptor, "w", encoding="utf-8") as file:
        file.write(
            '<!DOCTYPE html><meta charset="utf-8">'
            f'<meta http-equiv="refresh" content="0;url={target}">'
            f'<title>distkit studio</title><p><a href="{target}">Open distkit studio</a></p>\n'
        )
    return page


def serve(
    *,
    port: int = 0,
    open_browser: bool = True,
    on_ready: Callable[[Address, bool], None] | None = None,
    max_jobs: int = MAX_JOBS,
    job_seconds: float = JOB_SECONDS,
) -> None:
    """Serve the studio until Ctrl-C. `on_ready(address, opened)` runs once it answers;
    `opened` says whether a browser was opened at its link. At most `max_jobs`
    harmonizations run at once, each stopped after `job_seconds`."""
    import platformdirs
    import uvicorn

    from distkit.plugins import get_registry
    from distkit.studio.app import create_app
    from distkit.studio.jobs import TIMES_FILE, Jobs

    sock = bind(port)
    address = Address(sock.getsockname()[1], new_token())
    get_registry()  # load the plugins once, before requests arrive from several threads
    jobs = Jobs(
        limit=max_jobs,
        seconds=job_seconds,
        times_file=Path(platformdirs.user_cache_dir("distkit")) / TIMES_FILE,
    )
    config = uvicorn.Config(
        create_app(token=address.token, port=address.port, jobs=jobs),
        log_level="warning",
        access_log=False,  # the access log would write the token of every URL
        lifespan="off",
        timeout_graceful_shutdown=1,  # a slow client cannot hold the server after Ctrl-C
        timeout_keep_alive=5,
    )
    server = _quiet_server(config)
    pages: list[Path] = []

    def announce() -> None:
        while not server.started and not server.should_exit:
            time.sleep(0.05)
        if server.started:
            opened = False
            if open_browser:
                pages.append(launch_page(address.url))
                opened = webbrowser.open(pages[-1].as_uri())
            if on_ready is not None:
                on_ready(address, opened)

    threading.Thread(target=announce, daemon=True).start()
    try:
        server.run(sockets=[sock])
    except KeyboardInterrupt:
        pass
    finally:
        jobs.close()
        sock.close()
        for page in pages:
            shutil.rmtree(page.parent, ignore_errors=True)


def _server_class() -> type[Any]:
    import uvicorn

    class Server(uvicorn.Server):  # type: ignore[misc]
        """uvicorn's server, stopped by Ctrl-C or SIGTERM without re-raising the signal
        afterwards (which would interrupt the closing event loop mid-request)."""

        @contextlib.contextmanager
        def capture_signals(self) -> Iterator[None]:
            if threading.current_thread() is not threading.main_thread():
                yield
                return
            stops = (signal.SIGINT, signal.SIGTERM)
            originals = {number: signal.signal(number, self.stop) for number in stops}
            try:
                yield
            finally:
                for number, handler in originals.items():
                    signal.signal(number, handler)

        def stop(self, number: int, frame: FrameType | None) -> None:
            """First signal: stop serving; a second one: stop without waiting at all."""
            if self.should_exit:
                self.force_exit = True
            self.should_exit = True

    return Server


def _quiet_server(config: Any) -> Any:
    """A uvicorn server for `config` that stops on signals without re-raising them."""
    return _server_class()(config)
