"""`distkit new --template` as an attacker and an impatient user see it, as real processes.

A password in the template's URL reaches git (through a credential helper) and nothing else:
no output, no answers file, no commit. A failing hook and a Jinja syntax error are one line
each. A deeply nested cookiecutter.json is one line. SIGTERM in the middle leaves no staging
or temporary folder.
"""

from __future__ import annotations

import base64
import contextlib
import functools
import json
import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import ClassVar

import pytest

TIMEOUT = 120
SECRET = "S3cr3t-p4ss"
USER = "alice"

SLOW_HOOK = """\
import os, time
marker = os.environ.get("DISTKIT_TEST_HOOK_MARKER")
if marker:
    with open(marker, "w") as file:
        file.write(str(os.getpid()))
    time.sleep(60)
"""


def git(cwd: Path, *args: str) -> str:
    done = subprocess.run(
        ["git", "-c", "user.name=T", "-c", "user.email=t@example.org", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        check=True,
    )
    return done.stdout


def make_template(
    root: Path, files: dict[str, str], *, hook: str | None = None, in_git: bool = True
) -> Path:
    """A small cookiecutter template at `root` (a git repository unless `in_git` is false)."""
    project = root / "{{cookiecutter.project_slug}}"
    project.mkdir(parents=True)
    (root / "cookiecutter.json").write_text(
        json.dumps({"project_name": "Lab", "project_slug": "{{ cookiecutter.project_name|lower }}"})
    )
    for name, text in files.items():
        (project / name).parent.mkdir(parents=True, exist_ok=True)
        (project / name).write_text(text)
    if hook is not None:
        (root / "hooks").mkdir()
        (root / "hooks" / "pre_gen_project.py").write_text(hook)
    if in_git:
        git(root, "init", "--quiet", "--initial-branch=main")
        git(root, "add", "--all")
        git(root, "commit", "--quiet", "-m", "v1")
    return root


def environment(tmp_path: Path, **extra: str) -> dict[str, str]:
    """A hermetic environment: no user git config, cookiecutter's files and TMPDIR in tmp_path."""
    (tmp_path / "tmp").mkdir(exist_ok=True)
    config = tmp_path / "cookiecutterrc"
    config.write_text(f"replay_dir: {tmp_path / 'replay'}\ndefault_context: {{}}\n")
    env = dict(os.environ)
    for variable in ("GIT_DIR", "GIT_WORK_TREE", "GIT_INDEX_FILE", "DISTKIT_TEST_HOOK_MARKER"):
        env.pop(variable, None)
    env.update(
        GIT_CONFIG_GLOBAL=str(tmp_path / "gitconfig"),
        GIT_CONFIG_NOSYSTEM="1",
        COOKIECUTTER_CONFIG=str(config),
        TMPDIR=str(tmp_path / "tmp"),
        DISTKIT_TEST_PAUSE="",
    )
    env.update(extra)
    return env


def distkit(env: dict[str, str], *args: str, cwd: Path | None = None) -> tuple[int, str, str]:
    try:
        done = subprocess.run(
            [sys.executable, "-m", "distkit", *args],
            env=env,
            cwd=cwd,
            capture_output=True,
            text=True,
            timeout=TIMEOUT,
        )
    except subprocess.TimeoutExpired:
        pytest.fail(f"distkit {' '.join(args)} hung")
    return done.returncode, done.stdout, done.stderr


def assert_one_line(code: int, stderr: str, expected_code: int = 1) -> None:
    assert code == expected_code, stderr
    assert "Traceback" not in stderr, stderr
    assert len(stderr.strip().splitlines()) == 1, stderr
    assert stderr.startswith("Error: "), stderr


class _AuthHandler(SimpleHTTPRequestHandler):
    """Serves a folder of bare repositories over git's dumb HTTP, to Basic auth only."""

    seen: ClassVar[list[str]] = []

    def do_GET(self) -> None:
        header = self.headers.get("Authorization", "")
        self.seen.append(header)
        expected = "Basic " + base64.b64encode(f"{USER}:{SECRET}".encode()).decode()
        if header != expected:
            self.send_response(401)
            self.send_header("WWW-Authenticate", 'Basic realm="lab"')
            self.send_header("Content-Length", "0")
            self.end_headers()
            return
        super().do_GET()

    def log_message(self, format: str, *args: object) -> None:
        """Quiet."""


@pytest.fixture
def private_server(tmp_path: Path) -> Iterator[tuple[str, Path, list[str]]]:
    """A loopback HTTP server holding lab.git behind Basic auth: (base URL, bare repo, headers)."""
    served = tmp_path / "served"
    served.mkdir()
    source = make_template(tmp_path / "lab", {"README.md": "# {{ cookiecutter.project_name }}\n"})
    bare = served / "lab.git"
    git(tmp_path, "clone", "--quiet", "--bare", str(source), str(bare))
    git(bare, "update-server-info")
    seen: list[str] = []
    handler = type("Handler", (_AuthHandler,), {"seen": seen})
    server = ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(handler, directory=served))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}", bare, seen
    finally:
        server.shutdown()
        server.server_close()


def everything_written(folder: Path) -> str:
    """Every file's bytes under `folder`, and the full git history (objects are compressed)."""
    texts = [p.read_bytes().decode("utf-8", "replace") for p in folder.rglob("*") if p.is_file()]
    if (folder / ".git").is_dir():
        texts.append(git(folder, "log", "--all", "-p", "--format=%H %s%n%b"))
    return "\n".join(texts)


def test_a_url_password_reaches_git_only(
    tmp_path: Path, private_server: tuple[str, Path, list[str]]
) -> None:
    base, bare, seen = private_server
    env = environment(tmp_path)
    url = f"{base.replace('://', f'://{USER}:{SECRET}@')}/lab.git"
    code, out, err = distkit(env, "new", "--template", url, "--no-input", "-o", str(tmp_path / "o"))
    assert code == 0, out + err
    assert any(header.startswith("Basic ") for header in seen)  # git did authenticate
    assert SECRET not in out + err
    package = tmp_path / "o" / "lab"
    record = json.loads((package / ".distkit-answers.json").read_text())
    assert record["template"] == f"{base}/lab.git"
    assert SECRET not in everything_written(package)
    assert f"from {base}/lab.git" in out

    # The user's own credential helper serves the update; the commit messages on both
    # branches name the clean URL.
    store = tmp_path / "credentials"
    store.write_text(f"http://{USER}:{SECRET}@{base.removeprefix('http://')}\n")
    git(
        tmp_path,
        "config",
        "--file",
        env["GIT_CONFIG_GLOBAL"],
        "credential.helper",
        f"store --file={store}",
    )
    work = tmp_path / "work"
    git(tmp_path, "clone", "--quiet", str(bare), str(work))
    (work / "{{cookiecutter.project_slug}}" / "NEWS.md").write_text("v2\n")
    git(work, "add", "--all")
    git(work, "commit", "--quiet", "-m", "v2")
    git(work, "push", "--quiet", "origin", "main")
    git(bare, "update-server-info")
    code, out, err = distkit(env, "update", str(package))
    assert code == 0, out + err
    assert (package / "NEWS.md").read_text() == "v2\n"
    assert SECRET not in out + err
    assert SECRET not in everything_written(package)


def test_a_failing_hook_is_one_line_with_the_hooks_reason(tmp_path: Path) -> None:
    hook = 'raise RuntimeError("the lab server is down")\n'
    template = make_template(tmp_path / "t", {"a.txt": "a\n"}, hook=hook, in_git=False)
    out = tmp_path / "out"
    code, _, err = distkit(
        environment(tmp_path), "new", "--template", str(template), "--no-input", "-o", str(out)
    )
    assert_one_line(code, err)
    assert "hook failed: RuntimeError: the lab server is down" in err
    assert not out.exists()


def test_a_jinja_syntax_error_names_the_file_and_line(tmp_path: Path) -> None:
    files = {"a.txt": "fine\n", "docs/b.txt": "line one\n{% if cookiecutter.x %}\nnever closed\n"}
    template = make_template(tmp_path / "t", files, in_git=False)
    code, _, err = distkit(
        environment(tmp_path),
        "new",
        "--template",
        str(template),
        "--no-input",
        "-o",
        str(tmp_path / "out"),
    )
    assert_one_line(code, err)
    assert "b.txt" in err
    assert "line " in err
    assert not (tmp_path / "out").exists()


def test_a_deeply_nested_cookiecutter_json_is_one_line(tmp_path: Path) -> None:
    template = make_template(tmp_path / "t", {"a.txt": "a\n"}, in_git=False)
    nested = '{"project_name": "Lab", "deep": ' + "[" * 100_000 + "]" * 100_000 + "}"
    (template / "cookiecutter.json").write_text(nested)
    code, _, err = distkit(
        environment(tmp_path),
        "new",
        "--template",
        str(template),
        "--no-input",
        "-o",
        str(tmp_path / "out"),
    )
    assert_one_line(code, err)
    assert "nested" in err


def wait_for(marker: Path, process: subprocess.Popen[str]) -> None:
    deadline = time.monotonic() + TIMEOUT
    while not marker.exists() or not marker.read_text():
        if process.poll() is not None:
            pytest.fail(f"distkit ended before the hook ran: {process.communicate()}")
        if time.monotonic() > deadline:
            process.kill()
            pytest.fail("the hook never ran")
        time.sleep(0.02)


def running(pid: int) -> bool:
    """Whether process `pid` still runs (a zombie waiting for its parent does not)."""
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rpartition(")")[2].split()[0]
    except (OSError, IndexError):
        return False
    return state not in ("Z", "X")


def end_hook(marker: Path) -> bool:
    """Whether the hook cookiecutter started had ended (distkit passes the signal on to it);
    a hook still running after 10 s is killed."""
    pid = int(marker.read_text())
    deadline = time.monotonic() + 10
    while running(pid) and time.monotonic() < deadline:
        time.sleep(0.05)
    if not running(pid):
        return True
    with contextlib.suppress(ProcessLookupError):
        os.kill(pid, signal.SIGKILL)
    return False


def stop(process: subprocess.Popen[str], how: str) -> None:
    """SIGTERM to distkit alone, or Ctrl-C as a terminal sends it: SIGINT to the whole group."""
    if how == "sigterm":
        process.send_signal(signal.SIGTERM)
    else:
        os.killpg(process.pid, signal.SIGINT)


def assert_stopped(process: subprocess.Popen[str], how: str, err: str) -> None:
    if how == "sigterm":
        assert process.returncode == -signal.SIGTERM, err
    else:  # click's "Aborted!", or the hook's own end as the reason, in one line
        assert process.returncode == 1, err
        assert len(err.strip().splitlines()) == 1, err
    assert "Traceback" not in err


@pytest.mark.parametrize("how", ["sigterm", "ctrl-c"])
def test_a_stop_during_new_template_leaves_no_staging_or_temporary_folder(
    tmp_path: Path, how: str
) -> None:
    template = make_template(tmp_path / "t", {"a.txt": "a\n"}, hook=SLOW_HOOK)
    marker = tmp_path / "hook-ran"
    env = environment(tmp_path, DISTKIT_TEST_HOOK_MARKER=str(marker))
    out = tmp_path / "out"
    out.mkdir()
    command = ["new", "--template", str(template), "--no-input", "-o", str(out)]
    process = subprocess.Popen(
        [sys.executable, "-m", "distkit", *command],
        env=env,
        text=True,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        start_new_session=True,
    )
    wait_for(marker, process)
    stop(process, how)
    try:
        process.wait(timeout=TIMEOUT)
    finally:
        hook_ended = end_hook(marker)  # it holds distkit's stdout open until it ends
    _, err = process.communicate(timeout=TIMEOUT)
    assert_stopped(process, how, err)
    assert hook_ended, "the template's hook ran on after distkit was stopped"
    assert list(out.iterdir()) == []
    assert list((tmp_path / "tmp").iterdir()) == []
