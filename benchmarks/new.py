"""Time `distkit new poisson --no-input` (git history included) against `hatch new`, paired.

Each repeat runs both commands back to back, each in a fresh empty folder, in alternating
order (so a burst of load on this shared machine hits both sides), and prints the ratio of
that pair; the summary is the median ratio and its spread over the pairs. Plain cookiecutter
on the same template is timed too when it is installed.

hatch comes from $DISTKIT_BENCH_PEERS/bin or PATH; when neither has it, it is installed
(hatch==HATCH_VERSION) into a temporary virtual environment for this run. Settings:
DISTKIT_BENCH_RUNS (pairs, default 15).
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))

from _timing import find_tool

TEMPLATE = Path(__file__).resolve().parent.parent / "template"
HATCH_VERSION = "1.18.2"


@contextmanager
def hatch_command() -> Iterator[str]:
    """A `hatch` executable: an installed one, or one in a throwaway venv."""
    found = find_tool("hatch")
    if found:
        yield found
        return
    with tempfile.TemporaryDirectory(prefix="bench-hatch-") as folder:
        print(f"note: installing hatch=={HATCH_VERSION} into a temporary venv", flush=True)
        subprocess.run([sys.executable, "-m", "venv", folder], check=True)
        pip = [f"{folder}/bin/python", "-m", "pip", "install", "--quiet"]
        subprocess.run([*pip, f"hatch=={HATCH_VERSION}"], check=True)
        yield f"{folder}/bin/hatch"


def isolated_env(home: str) -> dict[str, str]:
    """A new user's home (no config for any of the tools: no ~/.cookiecutterrc, no hatch
    config) and a git identity for distkit's first commit."""
    identity = {
        f"GIT_{role}_{field}": value
        for role in ("AUTHOR", "COMMITTER")
        for field, value in (("NAME", "Bench Mark"), ("EMAIL", "bench@example.org"))
    }
    unset = {"COOKIECUTTER_CONFIG", "PYTHONDONTWRITEBYTECODE"}  # warm-up writes .pyc as for a user
    env = {key: value for key, value in os.environ.items() if key not in unset}
    return {**env, **identity, "HOME": home, "XDG_CONFIG_HOME": f"{home}/.config"}


def seconds_in_fresh_folder(command: list[str], env: dict[str, str]) -> float:
    with tempfile.TemporaryDirectory(prefix="bench-new-") as folder:
        start = time.perf_counter()
        subprocess.run(
            command, cwd=folder, env=env, check=True, stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )  # fmt: skip
        elapsed = time.perf_counter() - start
        if command[0] == sys.executable:  # distkit: the history must really be there
            made = Path(folder) / "distkit-poisson"
            log = subprocess.run(
                ["git", "-C", str(made), "log", "--oneline"], capture_output=True, text=True
            )
            assert log.stdout.strip(), "distkit new made no git history"
    return elapsed


def quartiles(values: list[float]) -> tuple[float, float, float]:
    low, mid, high = statistics.quantiles(values, n=4, method="inclusive")
    return low, mid, high


def main() -> None:
    if {"-h", "--help"} & set(sys.argv[1:]):
        print(__doc__)
        return
    pairs = int(os.environ.get("DISTKIT_BENCH_RUNS", "15"))
    with tempfile.TemporaryDirectory(prefix="bench-home-") as home, hatch_command() as hatch:
        env = isolated_env(home)
        commands = {
            "distkit new": [sys.executable, "-m", "distkit", "new", "poisson", "--no-input"],
            "hatch new": [hatch, "new", "distkit-poisson"],
        }
        cookiecutter = find_tool("cookiecutter")
        if cookiecutter:
            commands["cookiecutter"] = [cookiecutter, "--no-input", str(TEMPLATE), "family=poisson"]
        for command in commands.values():  # warm-up: file caches, .pyc files
            seconds_in_fresh_folder(command, env)
        times: dict[str, list[float]] = {name: [] for name in commands}
        print("pair  " + "  ".join(f"{name:>12}" for name in commands) + "  distkit/hatch")
        for pair in range(pairs):
            order = list(commands) if pair % 2 == 0 else list(reversed(commands))
            for name in order:
                times[name].append(seconds_in_fresh_folder(commands[name], env))
            row = "  ".join(f"{times[name][-1] * 1000:9.0f} ms" for name in commands)
            ratio = times["distkit new"][-1] / times["hatch new"][-1]
            print(f"{pair + 1:4d}  {row}  {ratio:12.2f}")
    ratios = [d / h for d, h in zip(times["distkit new"], times["hatch new"], strict=True)]
    low, mid, high = quartiles(ratios)
    print(f"\n{pairs} pairs, each command in a fresh empty folder, order alternating")
    for name, values in times.items():
        print(f"{name:>12}: median {statistics.median(values) * 1000:.0f} ms")
    faster = sum(r < 1 for r in ratios)
    print(f"distkit new / hatch new: median ratio {mid:.2f} (quartiles {low:.2f}-{high:.2f}); "
          f"distkit faster in {faster} of {pairs} pairs")  # fmt: skip


if __name__ == "__main__":
    main()
