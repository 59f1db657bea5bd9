"""`distkit new` fed hostile names and user configs.

Whatever the name or the cookiecutter config holds, the run ends with exit 0 or 2, a refusal is
one line on stderr, no traceback, nothing is written outside the output folder, and a package
that is made contains only Python that parses.

The property tests run most examples in-process (click's CliRunner, the same command and
library, from the same working folder), which costs a fraction of a process start each; a
sample of the same hostile inputs, and every fixed case below, runs as a real process.
"""

from __future__ import annotations

import ast
import contextlib
import os
import subprocess
import sys
import tempfile
import traceback
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from distkit.cli import cli

TIMEOUT = 120
DEPTH = 8  # the output folder sits this deep in the sandbox, so `../` stays inside it
# Each context key, with values that are fine for it, so that runs that make a package are
# drawn as well as refusals.
VALID = {
    "full_name": ["Ada Lovelace", 'Dwayne "The Rock" Johnson', "Jos\u00e9 {{ x }}"],
    "email": ["ada@example.org"],
    "project_name": ["my-counts", "Counts.Dist"],
    "version": ["1.2.3", "2.0rc1"],
    "license": ["BSD-3-Clause", "Apache-2.0"],
    "year": ["2030"],
    "project_slug": ["distkit-poisson"],
    "import_name": ["distkit_poisson", "counts_pkg"],
    "module_name": ["counts", "poisson"],
    "class_name": ["Counts", "Poisson"],
    "family_file": ["families/poisson.jinja"],
    "custom_params": [""],
}
KEYS = sorted(VALID)
FRAGMENTS = [
    "../",
    "..",
    "/",
    "\\",
    '"',
    "'",
    "{{ 7*7 }}",
    "{%",
    "\n",
    " ",
    "; import os",
    "poisson",
    "Poisson",
    "families/gamma.jinja",
    "\u00e9",
    "\u202e",
    "-",
    "_",
    ".",
    "x",
    "a@b.co",
    "1.0",
]
hostile = st.lists(st.one_of(st.sampled_from(FRAGMENTS), st.text(max_size=4)), max_size=6).map(
    "".join
)
project_names = st.one_of(
    hostile, st.from_regex(r"[A-Za-z0-9][A-Za-z0-9._-]{0,20}[A-Za-z0-9]", fullmatch=True)
).filter(lambda name: "\x00" not in name)


def tree(root: Path) -> dict[str, bytes]:
    return {
        p.relative_to(root).as_posix(): p.read_bytes() if p.is_file() else b"<dir>"
        for p in root.rglob("*")
    }


EMPTY_CONFIG = "default_context: {}\n"


def run_new(
    sandbox: Path, *args: str, config: str = EMPTY_CONFIG, in_process: bool = False
) -> tuple[int, str, str, Path]:
    """Run `distkit new poisson` from `sandbox` into a folder DEPTH levels below it, as a real
    process or (`in_process`) through CliRunner; an exception that escapes the command shows
    as a traceback on stderr either way."""
    out = sandbox.joinpath(*(f"d{i}" for i in range(DEPTH)), "out")
    out.parent.mkdir(parents=True, exist_ok=True)
    (sandbox / "rc.yaml").write_text(config, encoding="utf-8")
    env = {"COOKIECUTTER_CONFIG": str(sandbox / "rc.yaml"), "DISTKIT_TEST_PAUSE": ""}
    command = ["new", "poisson", "--no-input", "-o", str(out), *args]
    if in_process:
        with contextlib.chdir(out.parent):
            result = CliRunner().invoke(cli, command, env=env)
        stderr = result.stderr
        if result.exception is not None and not isinstance(result.exception, SystemExit):
            stderr += "".join(traceback.format_exception(result.exception))
        return result.exit_code, result.stdout, stderr, out
    try:
        done = subprocess.run(
            [sys.executable, "-m", "distkit", *command],
            cwd=out.parent,
            env=dict(os.environ, **env),
            capture_output=True,
            text=True,
            timeout=TIMEOUT,
        )
    except subprocess.TimeoutExpired:
        pytest.fail(f"distkit new hung on {args} with {config!r}")
    return done.returncode, done.stdout, done.stderr, out


def outside(sandbox: Path, out: Path) -> dict[str, bytes]:
    """The sandbox's tree, less the output folder."""
    return {k: v for k, v in tree(sandbox).items() if not (sandbox / k).is_relative_to(out)}


def assert_clean_outcome(sandbox: Path, config: str, result: tuple[int, str, str, Path]) -> None:
    code, stdout, stderr, out = result
    event(f"exit {code}")
    assert "Traceback" not in stderr, stderr
    assert code in (0, 2), (code, stdout, stderr)
    folders = [Path(*(f"d{i}" for i in range(depth + 1))).as_posix() for depth in range(DEPTH)]
    expected = {"rc.yaml": config.encode(), **dict.fromkeys(folders, b"<dir>")}
    assert outside(sandbox, out) == expected, "something was written outside the output folder"
    if code == 2:
        assert len(stderr.strip().splitlines()) == 1, stderr
        assert stderr.startswith("Error: ")
        assert not stdout
        assert not out.exists()
        return
    (package,) = out.iterdir()
    assert f"Created {package}" in stdout
    for source in package.rglob("*.py"):
        ast.parse(source.read_text(encoding="utf-8"), filename=str(source))


# Most examples run in-process; every PROCESS_EVERY-th as a real process, so the property also
# holds for what only a process shows (its exit status, stderr as the terminal gets it).
PROCESS_EVERY = 20
_runs = {"name": 0, "config": 0}


def _as_process(kind: str) -> bool:
    _runs[kind] += 1
    return _runs[kind] % PROCESS_EVERY == 1


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(name=project_names)
def test_any_project_name_is_made_or_refused_in_one_line(name: str) -> None:
    with tempfile.TemporaryDirectory(prefix="newsafe-") as folder:
        in_process = not _as_process("name")
        result = run_new(Path(folder), f"--project-name={name}", in_process=in_process)
        assert_clean_outcome(Path(folder), EMPTY_CONFIG, result)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    context=st.lists(st.sampled_from(KEYS), unique=True, max_size=4).flatmap(
        lambda keys: st.fixed_dictionaries(
            {key: st.one_of(hostile, st.sampled_from(VALID[key])) for key in keys}
        )
    )
)
def test_any_user_config_is_used_or_refused_in_one_line(context: dict[str, str]) -> None:
    config = yaml.safe_dump({"default_context": context}, allow_unicode=True)
    with tempfile.TemporaryDirectory(prefix="newsafe-") as folder:
        in_process = not _as_process("config")
        result = run_new(Path(folder), config=config, in_process=in_process)
        assert_clean_outcome(Path(folder), config, result)


@pytest.mark.parametrize(
    ("key", "value"),
    [
        ("module_name", "../../../../../../escaped"),
        ("module_name", "poisson import Poisson as X; import os #"),
        ("class_name", "../../../../../../Escaped"),
        ("class_name", 'Poisson"; import os; x = "'),
        ("import_name", "../../../../../../escaped"),
        ("project_slug", "../../../../../../escaped"),
        ("family_file", "../../../../../../etc/passwd"),
        ("family_file", "families/gamma.jinja"),
        ("custom_params", "x=__import__('os').system('true')"),
        ("year", "2026\nimport os"),
    ],
)
def test_a_traversal_or_code_in_the_user_config_writes_nothing(
    tmp_path: Path, key: str, value: str
) -> None:
    config = yaml.safe_dump({"default_context": {key: value}})
    code, stdout, stderr, _ = run_new(tmp_path, config=config)
    assert code == 2, (stdout, stderr)
    assert stderr.startswith("Error: ")
    assert len(stderr.strip().splitlines()) == 1, stderr
    assert "Traceback" not in stderr
    written = [p for p in tmp_path.rglob("*") if p.is_file() and p.name != "rc.yaml"]
    assert written == []


def test_bad_yaml_in_the_user_config_is_one_line(tmp_path: Path) -> None:
    code, _, stderr, _ = run_new(tmp_path, config="default_context:\n  a: [1\n  b: }\n")
    assert code == 2
    assert len(stderr.strip().splitlines()) == 1, stderr
    assert "not valid YAML" in stderr
    assert "line 3" in stderr
