"""`distkit new NAME --custom PARAMS`: a parameter name that would break the generated class
(`super`, `check_finite`, `__class__`, `__dict__`, a keyword, a builtin, a member of the base
class) is a usage error in one line, and every name accepted makes a class that can be made."""

from __future__ import annotations

import builtins
import keyword
import os
import subprocess
import sys
from pathlib import Path

import pytest

from distkit import scaffold
from distkit.errors import UsageError
from distkit.scaffold.context import _base_module_names

TIMEOUT = 120


@pytest.mark.parametrize(
    "name", ["super", "check_finite", "__class__", "__dict__", "class", "match", "self", "np"]
)
def test_a_name_that_breaks_the_class_is_refused_in_one_line(tmp_path: Path, name: str) -> None:
    env = dict(os.environ, COOKIECUTTER_CONFIG=str(tmp_path / "none.yaml"))
    (tmp_path / "none.yaml").write_text("default_context: {}\n")
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "distkit",
            "new",
            "weibull",
            "--custom",
            f"{name}=1",
            "--no-input",
            "-o",
            str(tmp_path / "out"),
        ],
        env=env,
        capture_output=True,
        text=True,
        timeout=TIMEOUT,
        cwd=tmp_path,
    )
    assert done.returncode == 2, done.stdout + done.stderr
    assert "Traceback" not in done.stderr
    assert len(done.stderr.strip().splitlines()) == 1, done.stderr
    assert f"{name!r} cannot be a parameter name" in done.stderr
    assert not (tmp_path / "out").exists()


def test_every_builtin_keyword_dunder_and_base_member_is_refused() -> None:
    names = {*dir(builtins), *keyword.kwlist, *keyword.softkwlist, *_base_module_names()}
    names |= {"__init__", "__class__", "__dict__", "__slots__", "_private"}
    accepted = []
    for name in sorted(n for n in names if n.isidentifier()):
        try:
            scaffold.parse_custom_params(f"{name}=1")
        except UsageError:
            continue
        accepted.append(name)
    assert accepted == []


def test_accepted_names_make_a_class_that_can_be_made(tmp_path: Path) -> None:
    params = "shape=2,scale=1,k=3,low=0,high=1,loc=0,rate=2,alpha=1,beta=1,size=4,x=1"
    package = scaffold.create("skewed", tmp_path, custom=params)
    code = (
        "from distkit_skewed import Skewed\n"
        "made = Skewed()\n"
        "print(sorted(made.params.items()))\n"
        "print(Skewed(shape=5.0).shape)\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code],
        env=dict(os.environ, PYTHONPATH=str(package / "src")),
        capture_output=True,
        text=True,
        timeout=TIMEOUT,
    )
    assert done.returncode == 0, done.stderr
    assert "('shape', 2.0)" in done.stdout
    assert done.stdout.strip().endswith("5.0")
