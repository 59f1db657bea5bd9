"""Running the studio: bind 127.0.0.1, serve the app with uvicorn, open the browser.

The socket is bound before uvicorn starts, so a taken port is one StudioError, not a log line
from deep inside the server.
"""

from __future__ import annotations

import socket
import threading
import time
import webbrowser
from collections.abc import Callable
from dataclasses import dataclass

from distkit.errors import StudioError
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
    try:
        sock.bind((HOST, port))
        sock.listen(128)
    except OSError as error:
        sock.close()
        reason = "is in use" if port else f"could not be opened ({error.strerror})"
        raise StudioError(f"port {port} on {HOST} {reason}; the studio needs a free port") from None
    return sock


def serve(
    *,
    port: int = 0,
    open_browser: bool = True,
    on_ready: Callable[[Address, bool], None] | None = None,
) -> None:
    """Serve the studio until Ctrl-C. `on_ready(address, opened)` runs once it answers;
    `opened` says whether a browser was opened at its link."""
    import uvicorn

    from distkit.plugins import get_registry
    from distkit.studio.app import create_app

    sock = bind(port)
    address = Address(sock.getsockname()[1], new_token())
    get_registry()  # load the plugins once, before requests arrive from several threads
    config = uvicorn.Config(
        create_app(token=address.token, port=address.port),
        log_level="warning",
        access_log=False,  # the access log would write the token of every URL
        lifespan="off",
    )
    server = uvicorn.Server(config)

    def announce() -> None:
        while not server.started and not server.should_exit:
            time.sleep(0.05)
        if server.started:
            opened = open_browser and webbrowser.open(address.url)
            if on_ready is not None:
                on_ready(address, opened)

    threading.Thread(target=announce, daemon=True).start()
    try:
        server.run(sockets=[sock])
    except KeyboardInterrupt:
        pass
    finally:
        sock.close()
