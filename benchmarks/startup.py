"""Start-up time: distkit's --help, --version and list against `python -c pass` and the peers.

Run: python benchmarks/startup.py [--runs N]
Peers (hatch, poetry, cookiecutter, twine, tox) are taken from $DISTKIT_BENCH_PEERS/bin or PATH;
a missing one is skipped with a note. The last part times `distkit list` with 200 throwaway
plugins installed (real dist-info with entry points on PYTHONPATH).
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from _timing import find_tool, median_seconds, print_table

PEERS = ["hatch", "poetry", "cookiecutter", "twine", "tox"]

PLUGIN = '''import pluggy
hookimpl = pluggy.HookimplMarker("distkit")


class Flat{i}:
    """Plugin number {i}."""
    name = "flat{i}"
    def pdf(self, x): return x
    def cdf(self, x): return x
    def sample(self, size, seed=None): return []
    @classmethod
    def fit(cls, data): return cls()
    def read_data_file(self, path): pass


@hookimpl
def register_distributions(register):
    register(Flat{i})
'''


def make_plugins(root: Path, count: int) -> None:
    for i in range(count):
        (root / f"bench_plugin_{i}.py").write_text(PLUGIN.format(i=i))
        info = root / f"bench_plugin_{i}-1.0.dist-info"
        info.mkdir()
        (info / "METADATA").write_text(
            f"Metadata-Version: 2.1\nName: bench-plugin-{i}\nVersion: 1.0\n"
        )
        (info / "entry_points.txt").write_text(f"[distkit]\nflat{i} = bench_plugin_{i}\n")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=9)
    args = parser.parse_args()
    distkit = [sys.executable, "-m", "distkit"]
    rows = [
        ("python -c pass", median_seconds([sys.executable, "-c", "pass"], runs=args.runs)),
        ("distkit --help", median_seconds([*distkit, "--help"], runs=args.runs)),
        ("distkit --version", median_seconds([*distkit, "--version"], runs=args.runs)),
        ("distkit list", median_seconds([*distkit, "list"], runs=args.runs)),
    ]
    for peer in PEERS:
        path = find_tool(peer)
        if path is None:
            print(f"(skipped {peer}: not on PATH or in $DISTKIT_BENCH_PEERS)")
            continue
        rows.append((f"{peer} --help", median_seconds([path, "--help"], runs=args.runs)))
    print_table(rows, "python -c pass")

    with tempfile.TemporaryDirectory() as tmp:
        make_plugins(Path(tmp), 200)
        env = {**os.environ, "PYTHONPATH": tmp}
        env.pop("DISTKIT_LOAD_PLUGINS", None)
        with_plugins = median_seconds([*distkit, "list"], runs=args.runs, env=env)
    print(
        f"\ndistkit list with 200 plugins installed: {with_plugins * 1000:.0f} ms"
        f" (goal: under 500 ms)"
    )
    help_ratio = dict(rows)["distkit --help"] / dict(rows)["python -c pass"]
    print(f"distkit --help / python -c pass: {help_ratio:.2f}x (goal: within 3x)")


if __name__ == "__main__":
    main()
