"""What `distkit new` writes, and that it matches plain cookiecutter on the same template."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

import distkit
from distkit import scaffold
from distkit.scaffold import context, rendering
from distkit.scaffold.answers import ANSWERS_FILE, read_answers
from distkit.scaffold.families import families, template_dir
from tests.scaffold.conftest import files_under

POISSON_FILES = {
    ".distkit-answers.json",
    ".github/dependabot.yml",
    ".github/workflows/publish.yml",
    ".github/workflows/template-sync.yml",
    ".github/workflows/test.yml",
    ".gitignore",
    ".pre-commit-config.yaml",
    ".readthedocs.yaml",
    "CHANGELOG.md",
    "LICENSE",
    "README.md",
    "docs/index.md",
    "mkdocs.yml",
    "pyproject.toml",
    "tox.ini",
    "src/distkit_poisson/__init__.py",
    "src/distkit_poisson/_base.py",
    "src/distkit_poisson/plugin.py",
    "src/distkit_poisson/poisson.py",
    "src/distkit_poisson/py.typed",
    "tests/test_poisson.py",
    "tests/test_readme.py",
}


def test_poisson_package_has_exactly_these_files(tmp_path: Path) -> None:
    target = scaffold.create("poisson", tmp_path)
    assert target == tmp_path / "distkit-poisson"
    assert files_under(target) == POISSON_FILES


def test_the_package_records_its_template_version_and_answers(tmp_path: Path) -> None:
    target = scaffold.create("poisson", tmp_path, {"full_name": "Ada Lovelace"})
    answers = read_answers(target)
    assert (answers.template, answers.version) == ("builtin", distkit.__version__)
    assert answers.context["full_name"] == "Ada Lovelace"
    assert answers.context["family"] == "poisson"


def test_hyphenated_family_maps_to_module_and_class(tmp_path: Path) -> None:
    target = scaffold.create("negative-binomial", tmp_path)
    module = target / "src/distkit_negative_binomial/negative_binomial.py"
    assert "class NegativeBinomial(Distribution):" in module.read_text()
    assert (
        'distkit_negative_binomial = "distkit_negative_binomial.plugin"'
        in (target / "pyproject.toml").read_text()
    )


def test_same_output_as_cookiecutter(tmp_path: Path) -> None:
    from cookiecutter.main import cookiecutter

    values = {"full_name": "Ada Lovelace", "email": "ada@example.org", "license": "Apache-2.0"}
    ours = scaffold.create("gamma", tmp_path / "ours", values)
    theirs = Path(
        cookiecutter(
            str(template_dir()),
            no_input=True,
            output_dir=str(tmp_path / "theirs"),
            extra_context={"family": "gamma", **values},
        )
    )
    assert files_under(ours) == files_under(theirs) | {ANSWERS_FILE}
    for name in files_under(theirs):
        assert (ours / name).read_bytes() == (theirs / name).read_bytes(), name


@pytest.mark.parametrize("license_id", scaffold.LICENSES)
def test_license_file_matches_the_spdx_expression(tmp_path: Path, license_id: str) -> None:
    target = scaffold.create("laplace", tmp_path, {"license": license_id, "full_name": "A B"})
    first_line = (target / "LICENSE").read_text().strip().splitlines()[0]
    expected = {"MIT": "MIT License", "BSD-3-Clause": "BSD 3-Clause License"}
    assert first_line.strip() == expected.get(license_id, "Apache License")
    assert f'license = "{license_id}"' in (target / "pyproject.toml").read_text()


def test_cookiecutter_json_lists_every_family_file() -> None:
    declared = json.loads((template_dir() / "cookiecutter.json").read_text())["family"]
    assert sorted(declared) == [family.name for family in families()]


def test_byte_compiled_template_files_are_not_rendered(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """pip byte-compiles the installed template's .py files; the package must not get them."""
    import compileall
    import shutil

    installed = tmp_path / "installed-template"
    shutil.copytree(template_dir(), installed)
    compileall.compile_dir(installed, quiet=1)
    assert list(installed.rglob("*.pyc"))
    for module in (context, rendering):
        monkeypatch.setattr(module, "template_dir", lambda: installed)
    target = scaffold.create("poisson", tmp_path / "out")
    assert files_under(target) == POISSON_FILES
