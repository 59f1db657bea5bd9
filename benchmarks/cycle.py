"""The whole cycle new -> test -> build -> publish (local index) -> verify, by distkit and by hand.

Both sides start from empty folders and a fresh local index; each step runs once (a first run is
what a user meets). By hand means cookiecutter + tox (virtualenv runner, envs one after another)
+ python -m build + pypi-server + twine + venv/pip, the way the course teaches it.

    python benchmarks/cycle.py
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PY = sys.executable


def timed(label: str, command: list[str], **kwargs: object) -> float:
    start = time.perf_counter()
    subprocess.run(command, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, **kwargs)  # type: ignore[call-overload]
    seconds = time.perf_counter() - start
    print(f"  {label:<34} {seconds:6.1f} s", flush=True)
    return seconds


def distkit_cycle(work: Path) -> float:
    env = {**os.environ, "DISTKIT_INDEX_DIR": str(work / "index")}
    package = str(work / "distkit-poisson")
    dk = [PY, "-m", "distkit"]
    total = timed("distkit new", [*dk, "new", "poisson", "--no-input", "-o", str(work)], env=env)
    total += timed("distkit test", [*dk, "test", package], env=env)
    total += timed("distkit build", [*dk, "build", package], env=env)
    publish = [*dk, "publish", package, "--local", "--no-tests"]
    total += timed("distkit publish --local (+verify)", publish, env=env)
    subprocess.run([*dk, "index", "stop"], env=env, check=True, stdout=subprocess.DEVNULL)
    return total


def by_hand_cycle(work: Path) -> float:
    package = work / "distkit-poisson"
    template = str(ROOT / "template")
    total = timed("cookiecutter", ["cookiecutter", template, "--no-input", "-o", str(work)])
    total += timed("tox (virtualenv)", [PY, "-m", "tox", "--runner", "virtualenv"], cwd=package)
    total += timed("python -m build", [PY, "-m", "build", str(package)])
    total += twine_and_pip(work, package)
    return total


def twine_and_pip(work: Path, package: Path) -> float:
    from distkit.release.local_index import free_port

    port = free_port()
    (work / "packages").mkdir()
    start = time.perf_counter()
    serve = ["pypi-server", "run", "-i", "127.0.0.1", "-p", str(port), "-a", ".", "-P", "."]
    server = subprocess.Popen([*serve, str(work / "packages")], stderr=subprocess.DEVNULL)
    try:
        while True:
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{port}/health", timeout=1).close()
                break
            except OSError:
                time.sleep(0.1)
        url = f"http://127.0.0.1:{port}/"
        env = {**os.environ, "TWINE_USERNAME": "me", "TWINE_PASSWORD": "local"}
        dists = [str(p) for p in (package / "dist").iterdir()]
        timed("twine upload", ["twine", "upload", "--repository-url", url, *dists], env=env)
        venv = work / "venv"
        timed("python -m venv", [PY, "-m", "venv", "--system-site-packages", str(venv)])
        pip = [str(venv / "bin" / "python"), "-m", "pip", "install", "--no-deps"]
        timed(
            "pip install from the index",
            [*pip, "--index-url", url + "simple/", "distkit-poisson==0.1.0"],
        )
        timed(
            "import + entry point",
            [str(venv / "bin" / "python"), "-c", "import distkit_poisson.plugin"],
        )
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait()
    seconds = time.perf_counter() - start
    print(f"  {'(server start + upload + verify)':<34} {seconds:6.1f} s")
    return seconds


def main() -> None:
    with tempfile.TemporaryDirectory(prefix="distkit-bench-") as tmp:
        (Path(tmp) / "dk").mkdir()
        (Path(tmp) / "hand").mkdir()
        print("distkit:")
        ours = distkit_cycle(Path(tmp) / "dk")
        print("by hand:")
        theirs = by_hand_cycle(Path(tmp) / "hand")
    print(f"\ndistkit {ours:.1f} s, by hand {theirs:.1f} s: distkit is {theirs / ours:.2f}x faster")


if __name__ == "__main__":
    main()
