"""Time `distkit new poisson --no-input` against hatch new, poetry new, putup and cookiecutter.

Peers come from $DISTKIT_BENCH_PEERS/bin (e.g. a venv at /tmp/peers) or PATH; a missing one is
skipped with a note. Every run writes into a fresh empty folder.
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))

from _timing import find_tool, print_table

TEMPLATE = Path(__file__).resolve().parent.parent / "template"


def commands() -> dict[str, list[str] | None]:
    """Each contender's command line, or None where the tool is not installed."""
    hatch, poetry, putup = find_tool("hatch"), find_tool("poetry"), find_tool("putup")
    cookiecutter = find_tool("cookiecutter")
    return {
        "distkit new": [sys.executable, "-m", "distkit", "new", "poisson", "--no-input"],
        "cookiecutter (same template)": cookiecutter
        and [cookiecutter, "--no-input", str(TEMPLATE), "family=poisson"],
        "hatch new": hatch and [hatch, "new", "distkit-poisson"],
        "putup": putup and [putup, "distkit-poisson"],
        "poetry new": poetry and [poetry, "new", "distkit-poisson"],
    }


def median_in_fresh_folders(command: list[str], runs: int, env: dict[str, str]) -> float:
    """Median wall time of `command`, each run (plus one warm-up) in a new empty folder."""
    times = []
    for i in range(runs + 1):
        with tempfile.TemporaryDirectory() as folder:
            start = time.perf_counter()
            subprocess.run(
                command,
                cwd=folder,
                env=env,
                check=True,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
            )
            if i:
                times.append(time.perf_counter() - start)
    return statistics.median(times)


def main() -> None:
    runs = int(os.environ.get("DISTKIT_BENCH_RUNS", "7"))
    with tempfile.TemporaryDirectory() as home:
        identity = {
            f"GIT_{role}_{field}": value
            for role in ("AUTHOR", "COMMITTER")
            for field, value in (("NAME", "Bench Mark"), ("EMAIL", "bench@example.org"))
        }
        env = {**os.environ, **identity, "HOME": home, "COOKIECUTTER_CONFIG": f"{home}/rc"}
        (Path(home) / "rc").write_text(
            f"cookiecutters_dir: {home}/cc\nreplay_dir: {home}/replay\ndefault_context: {{}}\n"
        )
        rows = []
        for name, command in commands().items():
            if command is None:
                print(f"note: {name} not found (set DISTKIT_BENCH_PEERS); skipped")
                continue
            rows.append((name, median_in_fresh_folders(command, runs, env)))
    print(f"median of {runs} runs, each in a fresh folder")
    print_table(rows, "distkit new")


if __name__ == "__main__":
    main()
