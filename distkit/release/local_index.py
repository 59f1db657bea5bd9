"""The local package index: a pypiserver on 127.0.0.1, started on demand and reused.

Uploads need a password that distkit makes at first start and keeps in a file only this user
can read; pypiserver gets only its hash. The folder is this user's alone (mode 0700). A lock
serialises start and stop; a process is signalled only once it is known to be this user's
pypiserver serving this folder. The port is kept across restarts, so saved URLs stay valid.

The password goes only to the server distkit started and still owns: its process is alive and
holds every socket listening on the port (read from /proc/net/tcp and /proc/PID/fd, or from
`lsof`). A port that another process holds, another user's included, is never taken for the
index, however it answers.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import secrets
import signal
import socket
import stat
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from distkit.errors import LocalIndexError, UsageError

ENV_DIR = "DISTKIT_INDEX_DIR"
USERNAME = "distkit"


@dataclass(frozen=True)
class Server:
    """A running local index."""

    pid: int
    port: int
    authenticated: bool = True

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/"


def index_dir() -> Path:
    """Where the local index keeps its packages and state ($DISTKIT_INDEX_DIR overrides)."""
    if os.environ.get(ENV_DIR):
        return Path(os.environ[ENV_DIR])
    from platformdirs import user_data_dir

    return Path(user_data_dir("distkit")) / "index"


def status() -> Server | None:
    """The running server, found among this user's processes (no state file is trusted): one
    that holds its port and answers on it."""
    servers = _our_servers(index_dir())
    return next(
        (
            server
            for server in servers
            if holds_port(server.pid, server.port) and _healthy(server.port)
        ),
        None,
    )


def confirm(server: Server) -> None:
    """LocalIndexError unless `server` still runs and alone listens on its port; called right
    before its password is sent."""
    if not (_alive(server.pid) and holds_port(server.pid, server.port)):
        raise LocalIndexError(
            f"the local index (pid {server.pid}) no longer holds port {server.port}; "
            "nothing was sent (run `distkit index start` again)"
        )


def start(port: int | None = None, timeout: float = 30.0) -> Server:
    """Start the server in the background, or return the one already running.

    `port` picks the port (kept for later starts); by default the last one is used again.
    """
    root = _private_dir(index_dir())
    with _locked(root):
        running = status()
        if running and not running.authenticated:
            _terminate([running])  # started by an older distkit, open to every local user
            running = None
        if running and port and running.port != port:
            raise UsageError(f"the local index already runs on port {running.port}; stop it first")
        if running:
            return running
        return _launch(root, port or _saved_port(root) or free_port(), timeout)


def stop() -> bool:
    """Stop every server of this index; False when none was running."""
    root = index_dir()
    if not root.is_dir():
        return False
    with _locked(_private_dir(root)):
        servers = _our_servers(root)
        _terminate(servers)
        return bool(servers)


def _terminate(servers: list[Server]) -> None:
    for server in servers:
        with contextlib.suppress(ProcessLookupError):
            os.kill(server.pid, signal.SIGTERM)
    for server in servers:
        _wait_gone(server.pid)


def credentials() -> tuple[str, str]:
    """The username and password that uploads to the local index need (made at first start)."""
    secret = _private_dir(index_dir()) / "upload-password"
    if not secret.is_file():
        raise LocalIndexError("the local index has no credentials yet; start it first")
    _check_private(secret)
    return USERNAME, secret.read_text(encoding="utf-8").strip()


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _launch(root: Path, port: int, timeout: float) -> Server:
    if not _port_free(port):
        raise LocalIndexError(
            f"port {port} on 127.0.0.1 is held by another process, not by the local index; "
            "stop that process, or start the index on another port (`distkit index start --port`)"
        )
    packages = root / "packages"
    packages.mkdir(mode=0o700, exist_ok=True)
    htpasswd = _ensure_credentials(root)
    command = [sys.executable, "-m", "pypiserver", "run", "-i", "127.0.0.1", "-p", str(port)]
    command += ["-a", "update", "-P", str(htpasswd.resolve()), str(packages.resolve())]
    log_path = root / "server.log"
    if os.path.lexists(log_path) and not log_path.is_file():  # a FIFO would block the open
        log_path.unlink()
    with open(log_path, "ab") as log:
        process = subprocess.Popen(
            command, stdout=log, stderr=log, stdin=subprocess.DEVNULL, start_new_session=True
        )
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            in_use = "" if _port_free(port) else f"port {port} is in use; "
            raise LocalIndexError(
                f"the local index stopped at start ({in_use}see {root / 'server.log'})"
            )
        if holds_port(process.pid, port) and _healthy(port):
            _replace_text(root / "port", str(port))
            return Server(process.pid, port)
        time.sleep(0.1)
    process.terminate()
    raise LocalIndexError(f"the local index did not answer within {timeout:.0f} s")


def _ensure_credentials(root: Path) -> Path:
    """The htpasswd file pypiserver reads; the password itself goes to a 0600 file."""
    from passlib.apache import HtpasswdFile  # type: ignore[import-untyped]

    secret, htpasswd = root / "upload-password", root / "htpasswd"
    if not secret.is_file() or not htpasswd.is_file():
        password = secrets.token_urlsafe(24)
        for path in (secret, htpasswd):
            path.unlink(missing_ok=True)
        _write_private(secret, password + "\n")
        table = HtpasswdFile(new=True)
        table.set_password(USERNAME, password)
        _write_private(htpasswd, table.to_string().decode("utf-8"))
    _check_private(secret)
    return htpasswd


def _write_private(path: Path, text: str) -> None:
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as file:
        file.write(text)


def _replace_text(path: Path, text: str) -> None:
    """Write `text` beside `path`, then move it onto `path`, whatever is there (a FIFO in its
    place is replaced, not opened and waited on)."""
    temporary = path.with_name(f".{path.name}.{os.getpid()}.part")
    temporary.write_text(text, encoding="utf-8")
    os.replace(temporary, path)


def _private_dir(root: Path) -> Path:
    """`root`, made if missing; refused unless it is this user's and closed to others."""
    try:
        root.mkdir(mode=0o700, parents=True, exist_ok=True)
    except (FileExistsError, NotADirectoryError):
        raise UsageError(
            f"{root} is not a folder; the local index keeps its files in a folder "
            "(DISTKIT_INDEX_DIR names it)"
        ) from None
    _check_private(root)
    return root


def _check_private(path: Path) -> None:
    info = path.lstat()
    if stat.S_ISLNK(info.st_mode) or info.st_uid != os.getuid():
        raise LocalIndexError(f"{path} is not this user's own; refusing to use it")
    if info.st_mode & 0o077:
        raise LocalIndexError(
            f"{path} is open to other users (mode {stat.S_IMODE(info.st_mode):o}); "
            f"run `chmod go-rwx {path}`"
        )


@contextlib.contextmanager
def _locked(root: Path) -> Iterator[None]:
    fd = os.open(root / "lock", os.O_RDWR | os.O_CREAT, 0o600)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        os.close(fd)


def _saved_port(root: Path) -> int | None:
    """The port saved by the last start, if its file is a regular one that holds a port (a
    FIFO in its place is not waited on)."""
    from distkit.files.reading import read_regular

    try:
        port = int(read_regular(root / "port", max_bytes=64).decode("utf-8").strip())
    except (OSError, ValueError, UsageError):
        return None
    return port if 1024 <= port <= 65535 else None


def _our_servers(root: Path) -> list[Server]:
    """This user's pypiserver processes that serve `root`/packages."""
    packages = str((root / "packages").resolve())
    htpasswd = str((root / "htpasswd").resolve())
    found = []
    for pid, argv in _own_processes():
        if "pypiserver" in argv and packages in argv and "-p" in argv:
            index = argv.index("-p") + 1
            locked = "update" in argv and htpasswd in argv
            if index < len(argv) and argv[index].isdigit():
                found.append(Server(pid, int(argv[index]), locked))
    return found


def _own_processes() -> Iterator[tuple[int, list[str]]]:
    """(pid, argv) of this user's processes, read from /proc (or from `ps` without it)."""
    proc = Path("/proc")
    if not (proc / "self" / "cmdline").is_file():
        yield from _own_processes_from_ps()
        return
    for entry in proc.iterdir():
        if not entry.name.isdigit() or int(entry.name) == os.getpid():
            continue
        try:
            if entry.stat().st_uid != os.getuid():
                continue
            raw = (entry / "cmdline").read_bytes()
        except OSError:
            continue
        yield int(entry.name), raw.decode("utf-8", "replace").split("\0")


def _own_processes_from_ps() -> Iterator[tuple[int, list[str]]]:
    """(pid, argv split at spaces) of this user's processes, as `ps` lists them."""
    try:
        listing = subprocess.run(
            ["ps", "-ww", "-U", str(os.getuid()), "-o", "pid=,args="],
            capture_output=True,
            text=True,
            check=False,
        ).stdout
    except OSError:
        return
    for line in listing.splitlines():
        pid, _, args = line.strip().partition(" ")
        if pid.isdigit() and int(pid) != os.getpid():
            yield int(pid), args.split()


def _alive(pid: int) -> bool:
    with contextlib.suppress(ChildProcessError):
        os.waitpid(pid, os.WNOHANG)
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _wait_gone(pid: int, timeout: float = 10.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if not _alive(pid):
            return
        time.sleep(0.05)


def _port_free(port: int) -> bool:
    """Whether nothing listens on 127.0.0.1:`port` (connections closing there do not count:
    the server binds with SO_REUSEADDR too)."""
    with socket.socket() as sock:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind(("127.0.0.1", port))
        except OSError:
            return False
    return True


def _healthy(port: int) -> bool:
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/health", timeout=1) as response:
            return bool(response.status == 200)
    except OSError:
        return False


def holds_port(pid: int, port: int) -> bool:
    """Whether process `pid` holds every socket that listens for 127.0.0.1:`port` (and there
    is at least one)."""
    net = Path("/proc/net/tcp")
    if not net.is_file():
        return _holds_port_by_lsof(pid, port)
    listening = _listening_inodes(port)
    return bool(listening) and listening <= _socket_inodes(pid)


# Local addresses on which a listening socket receives connections to 127.0.0.1, as
# /proc/net/tcp{,6} writes them: 127.0.0.1 and 0.0.0.0; ::ffff:127.0.0.1 and ::.
_LOOPBACK_LISTENERS = {"0100007F", "00000000", "0000000000000000FFFF00000100007F", "0" * 32}


def _listening_inodes(port: int) -> set[str]:
    """The inodes of the sockets that listen on `port` for connections to 127.0.0.1."""
    found = set()
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        try:
            lines = Path(table).read_text(encoding="ascii").splitlines()[1:]
        except OSError:
            continue
        for line in lines:
            fields = line.split()
            if len(fields) < 10 or fields[3] != "0A":  # 0A: LISTEN
                continue
            address, _, hex_port = fields[1].partition(":")
            if int(hex_port, 16) == port and address.upper() in _LOOPBACK_LISTENERS:
                found.add(fields[9])
    return found


def _socket_inodes(pid: int) -> set[str]:
    """The inodes of the sockets process `pid` has open (empty when it cannot be read)."""
    inodes = set()
    try:
        descriptors = list(Path(f"/proc/{pid}/fd").iterdir())
    except OSError:
        return set()
    for fd in descriptors:
        try:
            target = os.readlink(fd)
        except OSError:
            continue
        if target.startswith("socket:["):
            inodes.add(target[len("socket:[") : -1])
    return inodes


def _holds_port_by_lsof(pid: int, port: int) -> bool:
    """`holds_port` where there is no /proc (macOS): the pids `lsof` says listen on `port`."""
    try:
        result = subprocess.run(
            ["lsof", "-nP", f"-iTCP:{port}", "-sTCP:LISTEN", "-t"],
            capture_output=True,
            text=True,
            check=False,
            timeout=10,
        )
    except (OSError, subprocess.TimeoutExpired):
        raise LocalIndexError(
            "cannot tell which process listens on the local index's port (no /proc, no lsof)"
        ) from None
    pids = {int(line) for line in result.stdout.split() if line.isdigit()}
    return pids == {pid}
