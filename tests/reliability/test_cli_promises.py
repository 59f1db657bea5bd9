"""The one-line promise across the command line, in real processes (issue 10): a closed pipe
ends quietly, running out of memory is one line, a plugin's exit is not distkit's exit code,
and --json is JSON (no NaN, no Infinity)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from tests.reliability.plugin_packages import HEADER, TIMEOUT, hook, install, shape

CLOSED_PIPE = 141


def distkit(
    *args: str, site: Path | None = None, plugins: str = "", **options: Any
) -> subprocess.CompletedProcess[Any]:
    env = {**os.environ, "DISTKIT_LOAD_PLUGINS": plugins}
    if site is not None:
        env["PYTHONPATH"] = str(site)
    options.setdefault("capture_output", "stdout" not in options)
    return subprocess.run(
        [sys.executable, "-m", "distkit", *args], env=env, timeout=TIMEOUT, **options
    )


@pytest.fixture
def values(tmp_path: Path) -> Path:
    path = tmp_path / "values.txt"
    path.write_text("1\n2\n3\n4\n")
    return path


@pytest.mark.parametrize(
    "args", [("list",), ("list", "--json"), ("plugins",), ("plugins", "--json"), ("fit",)]
)
def test_a_reader_that_went_away_ends_the_command_quietly(
    args: tuple[str, ...], values: Path
) -> None:
    read, write = os.pipe()
    os.close(read)  # like `distkit list | head -1` once head has its line
    try:
        if args == ("fit",):
            args = ("fit", "gaussian", str(values), "--json")
        done = distkit(*args, stdout=write, stderr=subprocess.PIPE)
    finally:
        os.close(write)
    assert done.returncode == CLOSED_PIPE
    assert done.stderr == b""


def test_help_into_a_closed_pipe_is_quiet_too() -> None:
    read, write = os.pipe()
    os.close(read)
    try:
        done = distkit("--help", stdout=write, stderr=subprocess.PIPE)
    finally:
        os.close(write)
    assert done.returncode != 0
    assert done.stderr == b""


def test_head_of_the_list_gets_its_line_and_nothing_else_is_said() -> None:
    done = subprocess.run(
        f"'{sys.executable}' -m distkit list | head -1",
        shell=True,
        capture_output=True,
        text=True,
        timeout=TIMEOUT,
        env={**os.environ, "DISTKIT_LOAD_PLUGINS": ""},
    )
    assert done.stdout == "Distributions\n"
    assert done.stderr == ""


def test_running_out_of_memory_in_a_fit_is_one_line(tmp_path: Path, values: Path) -> None:
    code = shape("hungry", fit="raise MemoryError('Unable to allocate 74.5 GiB for an array')")
    install(tmp_path, "hungry", HEADER + code + hook("register_distributions", "register(Shape)"))
    done = distkit("fit", "hungry", str(values), site=tmp_path, plugins="hungry", text=True)
    assert done.returncode == 1
    (line,) = done.stderr.splitlines()
    assert line.startswith("Error: ")
    assert "Unable to allocate 74.5 GiB" in line


def test_a_fit_to_infinite_parameters_is_one_line_and_no_json(tmp_path: Path, values: Path) -> None:
    code = shape("wild", fit="return cls(float('-inf'), float('inf'))")
    install(tmp_path, "wild", HEADER + code + hook("register_distributions", "register(Shape)"))
    done = distkit("fit", "wild", str(values), "--json", site=tmp_path, plugins="wild", text=True)
    assert done.returncode == 2, done.stderr
    assert done.stdout == ""
    assert done.stderr.count("\n") == 1
    assert "low=-inf, high=inf is not finite" in done.stderr


MODEL_THAT_EXITS = """
class Quitter:
    name = "quitter"
    description = "Exits instead of harmonizing."

    def harmonize(self, melody, *, seed=None):
        sys.exit(3)
"""


def test_a_music_model_that_exits_is_one_line_not_its_exit_code(tmp_path: Path) -> None:
    site = tmp_path / "site"
    site.mkdir()
    install(
        site,
        "quitter",
        HEADER + hook("register_music_models", "register(Quitter)", before=MODEL_THAT_EXITS),
    )
    done = distkit(
        "compose",
        "--example",
        "--model",
        "quitter",
        site=site,
        plugins="quitter",
        text=True,
        cwd=tmp_path,
    )
    assert done.returncode == 1
    (line,) = done.stderr.splitlines()
    assert line.startswith("Error: ")
    assert "SystemExit: 3" in line
    assert list(tmp_path.iterdir()) == [site]
