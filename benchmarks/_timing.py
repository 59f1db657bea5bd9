"""Timing helpers shared by the benchmarks: run a command several times, report medians."""

from __future__ import annotations

import os
import shutil
import statistics
import subprocess
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any


def median_seconds(
    command: Sequence[str],
    *,
    runs: int = 7,
    env: dict[str, str] | None = None,
    cwd: Path | None = None,
    warmup: int = 1,
) -> float:
    """The median wall time of `command` over `runs` runs, after `warmup` untimed runs."""
    times = []
    for i in range(warmup + runs):
        start = time.perf_counter()
        subprocess.run(
            command,
            env=env,
            cwd=cwd,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            check=True,
        )
        if i >= warmup:
            times.append(time.perf_counter() - start)
    return statistics.median(times)


def median_time(function: Callable[[], Any], repeats: int) -> float:
    """The median seconds of `repeats` calls of `function`, after one warm-up call."""
    function()
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        function()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def find_tool(name: str) -> str | None:
    """A peer tool from $DISTKIT_BENCH_PEERS/bin (a venv of peers) or PATH."""
    peers = os.environ.get("DISTKIT_BENCH_PEERS")
    if peers and (Path(peers) / "bin" / name).exists():
        return str(Path(peers) / "bin" / name)
    return shutil.which(name)


def print_table(rows: list[tuple[str, float]], baseline: str) -> None:
    """Print names, medians in ms and the ratio of each to the `baseline` row."""
    base = dict(rows)[baseline]
    width = max(len(name) for name, _ in rows)
    print(f"{'command'.ljust(width)}  {'median':>9}  {'x ' + baseline:>12}")
    for name, seconds in rows:
        print(f"{name.ljust(width)}  {seconds * 1000:7.0f} ms  {seconds / base:11.2f}x")
