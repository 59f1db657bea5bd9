"""Generated packages end to end: fresh venv, their own tox suite (tests, ruff, mypy --strict),
build, twine, and distkit finding them, several of one family side by side."""

from __future__ import annotations

import configparser
import json
import re
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

from distkit import scaffold
from distkit.release.tox import tox_environment
from distkit.scaffold.families import families
from tests.scaffold.test_review import assert_reviewed_clean

REPO = Path(__file__).resolve().parents[2]
UV = shutil.which("uv")


def sh(
    *command: str | Path, cwd: Path, env: dict[str, str] | None = None, check: bool = True
) -> subprocess.CompletedProcess[str]:
    """Run a command outside any enclosing tox run's settings; fail the test if it fails."""
    result = subprocess.run(
        [str(part) for part in command],
        cwd=cwd,
        capture_output=True,
        text=True,
        env=env or tox_environment(),
    )
    if check:
        assert result.returncode == 0, f"{command}\n{result.stdout}\n{result.stderr}"
    return result


def fresh_venv(tmp_path: Path, *packages: str | Path) -> Path:
    """A new virtual environment with distkit and `packages` installed; its bin folder."""
    venv = tmp_path / "venv"
    sh(UV or "uv", "venv", "--quiet", "--python", sys.executable, venv, cwd=tmp_path)
    python = venv / "bin" / "python"
    sh(UV or "uv", "pip", "install", "--quiet", "--python", python, "-e", REPO, *packages,
       cwd=tmp_path)  # fmt: skip
    return venv / "bin"


def plugin_env() -> dict[str, str]:
    return {k: v for k, v in tox_environment().items() if k != "DISTKIT_LOAD_PLUGINS"}


def check_family(family: str, tmp_path: Path) -> None:
    target = scaffold.create(family, tmp_path)
    assert_reviewed_clean(target)  # sp-repo-review 0 fail, >= 60 pass; zizmor 0 findings
    sh(sys.executable, "-m", "ruff", "check", ".", cwd=target)
    sh(sys.executable, "-m", "ruff", "format", "--check", ".", cwd=target)
    sh(sys.executable, "-m", "tox", "run", "-e", "py,lint,type,docs", cwd=target)
    sh(sys.executable, "-m", "build", "--outdir", tmp_path / "dist", ".", cwd=target)
    wheels = sorted((tmp_path / "dist").iterdir())
    sh(sys.executable, "-m", "twine", "check", "--strict", *wheels, cwd=target)

    wheel = next(p for p in wheels if p.suffix == ".whl")
    bin_dir = fresh_venv(tmp_path, wheel)
    listed = sh(bin_dir / "distkit", "list", "--json", cwd=tmp_path, env=plugin_env()).stdout
    import_name = f"distkit_{family.replace('-', '_')}"
    assert {"name": family, "plugin": import_name}.items() <= _entry(listed, family).items()
    code = f"import {import_name}; print({import_name}.__version__)"
    version = sh(bin_dir / "python", "-c", code, cwd=tmp_path).stdout
    assert version.strip() == "0.1.0"


def _entry(listed: str, family: str) -> dict[str, object]:
    for entry in json.loads(listed)["distributions"]:
        if entry["name"] == family:
            return dict(entry)
    raise AssertionError(f"{family} not in {listed}")


@pytest.mark.slow
@pytest.mark.skipif(UV is None, reason="needs uv to make a fresh virtual environment")
def test_poisson_end_to_end(tmp_path: Path) -> None:
    check_family("poisson", tmp_path)


@pytest.mark.slow
@pytest.mark.families
@pytest.mark.skipif(UV is None, reason="needs uv to make a fresh virtual environment")
@pytest.mark.parametrize("family", [f.name for f in families() if f.name != "poisson"])
def test_every_family_end_to_end(family: str, tmp_path: Path) -> None:
    check_family(family, tmp_path)


@pytest.mark.slow
@pytest.mark.skipif(UV is None, reason="needs uv to make a fresh virtual environment")
def test_two_packages_of_one_family_coexist(tmp_path: Path) -> None:
    first = scaffold.create("poisson", tmp_path)
    second = scaffold.create("poisson", tmp_path, {"project_name": "poisson-two"})
    bin_dir = fresh_venv(tmp_path, "-e", first, "-e", second)
    data = tmp_path / "counts.txt"
    data.write_text("1\n3\n2\n4\n")
    for plugin in ("distkit_poisson", "poisson_two"):
        done = sh(bin_dir / "distkit", "fit", f"{plugin}:poisson", data, "--json", cwd=tmp_path,
                  env=plugin_env())  # fmt: skip
        assert json.loads(done.stdout)["plugin"] == plugin
    bare = sh(bin_dir / "distkit", "fit", "poisson", data, cwd=tmp_path, env=plugin_env(),
              check=False)  # fmt: skip
    assert bare.returncode == 2
    assert "distkit_poisson:poisson" in bare.stderr
    assert "poisson_two:poisson" in bare.stderr


def test_one_version_source_read_through_importlib_metadata(tmp_path: Path) -> None:
    target = scaffold.create("gamma", tmp_path, {"version": "2.3.4"})
    init = (target / "src/distkit_gamma/__init__.py").read_text()
    assert "2.3.4" not in init
    assert 'version("distkit-gamma")' in init
    project = tomllib.loads((target / "pyproject.toml").read_text())["project"]
    assert project["version"] == "2.3.4"


def test_classifiers_name_exactly_the_python_versions_tox_tests(tmp_path: Path) -> None:
    target = scaffold.create("beta", tmp_path)
    project = tomllib.loads((target / "pyproject.toml").read_text())["project"]
    classified = {
        c.rpartition(":: ")[2]
        for c in project["classifiers"]
        if re.fullmatch(r"Programming Language :: Python :: 3\.\d+", c)
    }
    tox = configparser.ConfigParser()
    tox.read(target / "tox.ini")
    envs = [e.strip() for e in tox["tox"]["env_list"].split(",")]
    tested = {f"3.{e[3:]}" for e in envs if re.fullmatch(r"py3\d+", e)}
    assert classified == tested
    assert project["requires-python"] == f">={min(tested, key=lambda v: int(v[2:]))}"
    assert {"lint", "type"} <= set(envs)
    assert project["urls"]


def test_entry_point_name_is_the_import_name(tmp_path: Path) -> None:
    target = scaffold.create("poisson", tmp_path, {"project_name": "poisson-two"})
    points = tomllib.loads((target / "pyproject.toml").read_text())["project"]["entry-points"]
    assert points["distkit"] == {"poisson_two": "poisson_two.plugin"}


def test_plugin_module_registers_by_import_path_and_imports_only_pluggy(tmp_path: Path) -> None:
    target = scaffold.create("lognormal", tmp_path)
    plugin = (target / "src/distkit_lognormal/plugin.py").read_text()
    imports = set(re.findall(r"^(?:from|import) ([\w.]+)", plugin, re.MULTILINE))
    assert imports == {"__future__", "collections.abc", "typing", "pluggy"}
    assert 'CLASS_PATH = "distkit_lognormal.lognormal:Lognormal"' in plugin


def test_no_hand_written_special_functions(tmp_path: Path) -> None:
    for family in families():
        target = scaffold.create(family.name, tmp_path / family.name)
        package = next((target / "src").iterdir())
        assert not (package / "_special.py").exists()
        pyproject = (target / "pyproject.toml").read_text()
        assert '"scipy>=' in pyproject.split("dependencies = ")[1].split("\n")[0]


def test_docs_plugin_example_is_the_rendered_plugin_and_registers_by_path(tmp_path: Path) -> None:
    doc = (REPO / "docs" / "new.md").read_text()
    (example,) = re.findall(r"```python\n(.*?)```", doc, re.DOTALL)
    target = scaffold.create("poisson", tmp_path)
    assert (target / "src/distkit_poisson/plugin.py").read_text() == example
    calls: list[tuple[tuple[object, ...], dict[str, object]]] = []
    namespace: dict[str, object] = {}
    exec(compile(example, "plugin.py", "exec"), namespace)
    register_distributions = namespace["register_distributions"]
    assert callable(register_distributions)
    register_distributions(lambda *args, **kwargs: calls.append((args, kwargs)))
    assert calls == [
        (
            ("distkit_poisson.poisson:Poisson",),
            {"name": "poisson", "description": namespace["DESCRIPTION"]},
        )
    ]


@pytest.mark.slow
@pytest.mark.families
@pytest.mark.skipif(UV is None, reason="needs uv to make a fresh virtual environment")
def test_a_custom_skeleton_once_filled_in_passes_its_own_tox(tmp_path: Path) -> None:
    from tests.scaffold.test_custom import RAYLEIGH_ANSWERS

    package = scaffold.create("rayleigh", tmp_path, custom="sigma=2")
    module = package / "src/distkit_rayleigh/rayleigh.py"
    code = module.read_text()
    for todo, answer in RAYLEIGH_ANSWERS.items():
        code = code.replace(todo, answer)
    module.write_text(code)
    assert_reviewed_clean(package)
    sh(sys.executable, "-m", "tox", "run", "-e", "py,lint,type,docs", cwd=package)
