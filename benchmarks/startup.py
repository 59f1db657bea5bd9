"""Start-up time: distkit's --help, --version and list against `python -c pass` and the peers.

Run: python benchmarks/startup.py [--runs N]
Peers (hatch, poetry, cookiecutter, twine, tox) are taken from $DISTKIT_BENCH_PEERS/bin or PATH;
a missing one is skipped with a note. The last part times `distkit list` with 200 throwaway
plugins installed (real dist-info with entry points on PYTHONPATH), and then `distkit list` in
a fresh venv with 50 real `distkit new` packages installed against one with none (goal: 1.3x;
needs uv; --real 0 skips it), and `distkit list` with this repo's two PyTorch music plugins
loaded against none (goal: at most 1.1x; --torch-plugins 0 skips it).
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
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


REPO = Path(__file__).resolve().parent.parent


def venv_with(root: Path, packages: list[Path]) -> Path:
    """A fresh venv at `root` with distkit (editable) and `packages` installed; its bin folder."""
    subprocess.run(["uv", "venv", "--quiet", "--python", sys.executable, root], check=True)
    python = root / "bin" / "python"
    install = ["uv", "pip", "install", "--quiet", "--compile-bytecode", "--python", python]
    install += ["-e", REPO, *packages]
    subprocess.run(list(map(str, install)), check=True)
    return root / "bin"


def real_packages(root: Path, count: int) -> list[Path]:
    """`count` packages made by `distkit new`: each family under several project names."""
    from distkit import scaffold
    from distkit.scaffold.families import families

    names = [f.name for f in families()]
    made = []
    for i in range(count):
        family = names[i % len(names)]
        values = {"project_name": f"bench-{family}-{i}"}
        made.append(scaffold.create(family, root / "packages", values))
    return made


def interleaved_medians(
    commands: list[list[str]],
    runs: int,
    env: dict[str, str],
    extra_env: list[dict[str, str]] | None = None,
) -> tuple[float, ...]:
    """Median wall time of each command, run in turn (after one warm-up each), so that a change
    in the machine's load during the measurement falls on all of them alike; `extra_env` adds
    variables per command."""
    times: list[list[float]] = [[] for _ in commands]
    extras = extra_env or [{} for _ in commands]
    for turn in range(runs + 1):
        for command, measured, extra in zip(commands, times, extras, strict=True):
            start = time.perf_counter()
            subprocess.run(command, env={**env, **extra}, stdout=subprocess.DEVNULL, check=True)
            if turn:
                measured.append(time.perf_counter() - start)
    return tuple(statistics.median(measured) for measured in times)


def list_with_real_packages(count: int, runs: int) -> tuple[float, float]:
    """Median `distkit list` time in a venv with none and with `count` generated packages."""
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        bare = venv_with(root / "bare", [])
        full = venv_with(root / "full", real_packages(root, count))
        # As a user runs it: all plugins load, and bytecode is cached (pip compiles on install).
        unset = {"DISTKIT_LOAD_PLUGINS", "PYTHONDONTWRITEBYTECODE"}
        env = {k: v for k, v in os.environ.items() if k not in unset}
        none, some = interleaved_medians(
            [[str(bare / "distkit"), "list"], [str(full / "distkit"), "list"]], runs, env
        )
        listed = subprocess.run(
            [full / "distkit", "list"], env=env, capture_output=True, text=True, check=True
        ).stdout
    assert listed.count("bench_") >= count, "not every generated package is listed"
    return none, some


TORCH_PLUGINS = "distkit_bach,distkit_coconet"


def list_with_torch_plugins(runs: int) -> tuple[float, float]:
    """Median `distkit list` time with no plugin entry point loaded and with the two PyTorch
    music plugins (installed in this environment), in paired, interleaved runs."""
    from importlib.metadata import entry_points

    installed = {entry.name for entry in entry_points(group="distkit")}
    missing = set(TORCH_PLUGINS.split(",")) - installed
    if missing:
        raise SystemExit(f"install {', '.join(sorted(missing))} first (pip install -e plugins/...)")
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    command = [sys.executable, "-m", "distkit", "list"]
    none, both = interleaved_medians(
        [command, command],
        runs,
        env,
        [{"DISTKIT_LOAD_PLUGINS": ""}, {"DISTKIT_LOAD_PLUGINS": TORCH_PLUGINS}],
    )
    return none, both


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=9)
    parser.add_argument("--real", type=int, default=50, help="generated packages (0: skip)")
    parser.add_argument(
        "--torch-plugins", type=int, default=11, help="paired runs with the two plugins (0: skip)"
    )
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
    if args.torch_plugins:
        none, both = list_with_torch_plugins(args.torch_plugins)
        print(
            f"distkit list: {none * 1000:.0f} ms with no plugins, {both * 1000:.0f} ms with "
            f"distkit-bach and distkit-coconet: {both / none:.2f}x (goal: at most 1.1x)"
        )
    if args.real:
        none, some = list_with_real_packages(args.real, max(args.runs, 21))
        print(
            f"distkit list: {none * 1000:.0f} ms with no plugins, {some * 1000:.0f} ms with "
            f"{args.real} `distkit new` packages: {some / none:.2f}x (goal: at most 1.3x)"
        )


if __name__ == "__main__":
    main()
