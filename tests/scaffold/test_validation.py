"""Bad names and existing folders: one clear error and nothing on disk."""

from __future__ import annotations

from pathlib import Path

import pytest

from distkit import scaffold
from distkit.errors import NotFoundError, TargetExistsError, UsageError
from distkit.scaffold import rendering


@pytest.mark.parametrize(
    ("values", "message"),
    [
        ({"project_name": "-bad-"}, "PEP 508"),
        ({"project_name": "two words"}, "PEP 508"),
        ({"project_name": "os"}, "standard-library"),
        ({"project_name": "json"}, "standard-library"),
        ({"project_name": "class"}, "identifier"),
        ({"project_name": "9lives"}, "identifier"),
        ({"license": "GPL"}, "license"),
        ({"version": "one"}, "version"),
        ({"project_name": "numpy"}, "a package the new package needs"),
        ({"project_name": "distkit"}, "a package the new package needs"),
        ({"project_name": "a" * 101}, "longer than 100"),
        ({"email": "nobody"}, "not an email address"),
        ({"full_name": "Ada\nLovelace"}, "printable"),
        ({"module_name": "../../../../escaped"}, "module name"),
        ({"module_name": "poisson import x; import os as"}, "module name"),
        ({"module_name": "__init__"}, "module name"),
        ({"module_name": "special"}, "module name"),
        ({"class_name": 'Poisson"; import os; x = "'}, "class name"),
        ({"class_name": "../Escaped"}, "class name"),
        ({"class_name": "Distribution"}, "class name"),
        ({"class_name": "FloatArray"}, "class name"),
        ({"import_name": "caf\u00e9"}, "not a Python identifier"),
        ({"family_file": "families/gamma.jinja"}, "family_file cannot be set"),
        ({"family_file": "../../../../etc/passwd"}, "family_file cannot be set"),
        ({"custom_params": "x=1.0"}, "custom_params cannot be set"),
        ({"project_slug": "../elsewhere"}, "does not normalise"),
        ({"year": "20\n26"}, "not a year"),
        ({"version": " 1.0\n"}, "PEP 440"),
        ({"email": 'a"b@example.org'}, "not an email address"),
        ({"project_name": "distkit-cli"}, "distkit's own"),
        ({"project_name": "Distkit_CLI"}, "distkit's own"),
        ({"project_name": "click"}, "a package distkit needs"),
        ({"project_name": "Jinja2"}, "a package distkit needs"),
        ({"project_name": "MarkupSafe"}, "a package distkit needs"),
        ({"project_name": "my-pkg", "import_name": "yaml"}, "belongs to"),
    ],
)
def test_bad_values_write_nothing(tmp_path: Path, values: dict[str, str], message: str) -> None:
    with pytest.raises(UsageError, match=message):
        scaffold.create("poisson", tmp_path / "out", values)
    assert not (tmp_path / "out").exists()


def test_unknown_family_suggests_the_closest(tmp_path: Path) -> None:
    with pytest.raises(NotFoundError, match=r"known: bernoulli, .*did you mean 'lognormal'"):
        scaffold.create("lognormol", tmp_path / "out")
    assert not (tmp_path / "out").exists()


def test_a_folder_distkit_did_not_make_is_never_replaced(tmp_path: Path) -> None:
    target = tmp_path / "distkit-poisson"
    target.mkdir()
    (target / "mine.txt").write_text("keep")
    for force in (False, True):
        with pytest.raises(TargetExistsError, match="distkit did not make it") as raised:
            scaffold.create("poisson", tmp_path, force=force)
        assert not raised.value.replaceable
    assert [p.name for p in target.iterdir()] == ["mine.txt"]


def test_a_package_distkit_made_is_replaced_only_with_force(tmp_path: Path) -> None:
    target = scaffold.create("poisson", tmp_path, {"full_name": "Old Author"})
    with pytest.raises(TargetExistsError, match="already exists") as raised:
        scaffold.create("poisson", tmp_path, {"full_name": "New Author"})
    assert raised.value.replaceable
    assert "Old Author" in (target / "LICENSE").read_text()
    scaffold.create("poisson", tmp_path, {"full_name": "New Author"}, force=True)
    assert "New Author" in (target / "LICENSE").read_text()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["cookiecutterrc", "distkit-poisson"]


def test_error_while_rendering_leaves_no_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def fail(context: object, destination: Path) -> None:
        (destination / "half.txt").write_text("half")
        raise OSError("disk full")

    monkeypatch.setattr(rendering, "render", fail)
    with pytest.raises(OSError, match="disk full"):
        scaffold.create("poisson", tmp_path / "out" / "deeper")
    assert not (tmp_path / "out").exists()


def test_error_while_rendering_keeps_an_output_folder_that_was_there(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def fail(context: object, destination: Path) -> None:
        raise OSError("disk full")

    monkeypatch.setattr(rendering, "render", fail)
    (tmp_path / "out").mkdir()
    with pytest.raises(OSError, match="disk full"):
        scaffold.create("poisson", tmp_path / "out")
    assert list((tmp_path / "out").iterdir()) == []


def test_quotes_in_the_author_name_make_valid_toml(tmp_path: Path) -> None:
    import tomllib

    name = 'Dwayne "The Rock" Johnson \\ Jos\u00e9'
    target = scaffold.create("poisson", tmp_path, {"full_name": name})
    project = tomllib.loads((target / "pyproject.toml").read_text())["project"]
    assert project["authors"] == [{"name": name, "email": "you@example.com"}]


@pytest.mark.parametrize("family", ["plugin", "import", "class"])
def test_a_custom_family_that_cannot_be_its_own_module_is_refused(
    tmp_path: Path, family: str
) -> None:
    with pytest.raises(UsageError, match="cannot be a module name"):
        scaffold.create(family, tmp_path / "out", custom="s")
    assert not (tmp_path / "out").exists()


def test_a_missing_named_user_config_is_an_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("COOKIECUTTER_CONFIG", str(tmp_path / "nope.yaml"))
    with pytest.raises(UsageError, match="no such cookiecutter config file"):
        scaffold.user_defaults()


def test_a_user_config_without_a_mapping_is_an_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    config = tmp_path / "rc.yaml"
    config.write_text("just a string\n")
    monkeypatch.setenv("COOKIECUTTER_CONFIG", str(config))
    with pytest.raises(UsageError, match="default_context must be a mapping"):
        scaffold.user_defaults()


def test_user_config_supplies_defaults(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    config = tmp_path / "rc.yaml"
    config.write_text("default_context:\n  full_name: Grace Hopper\n  license: BSD-3-Clause\n")
    monkeypatch.setenv("COOKIECUTTER_CONFIG", str(config))
    target = scaffold.create("beta", tmp_path / "out", scaffold.user_defaults())
    assert "Grace Hopper" in (target / "LICENSE").read_text()


def test_derived_names_from_the_user_config_are_used_when_valid(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    config = tmp_path / "rc.yaml"
    config.write_text("default_context:\n  module_name: counts\n  class_name: Counts\n")
    monkeypatch.setenv("COOKIECUTTER_CONFIG", str(config))
    target = scaffold.create("poisson", tmp_path / "out", scaffold.user_defaults())
    assert "from .counts import Counts" in (target / "src/distkit_poisson/__init__.py").read_text()


def test_a_traversing_module_name_from_the_user_config_writes_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    config = tmp_path / "rc.yaml"
    config.write_text("default_context:\n  module_name: ../../../../escaped\n")
    monkeypatch.setenv("COOKIECUTTER_CONFIG", str(config))
    with pytest.raises(UsageError, match="module name"):
        scaffold.create("poisson", tmp_path / "out", scaffold.user_defaults())
    assert sorted(p.name for p in tmp_path.iterdir()) == ["cookiecutterrc", "rc.yaml"]


def test_render_refuses_a_name_that_leaves_the_folder(tmp_path: Path) -> None:
    context = scaffold.build_context("poisson")
    context["module_name"] = "../../escaped"  # as if validation had missed it
    (tmp_path / "out").mkdir()
    with pytest.raises(UsageError, match="not allowed"):
        rendering.render(context, tmp_path / "out")
    assert not list(tmp_path.rglob("escaped*"))


def test_bad_yaml_in_the_user_config_is_one_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    config = tmp_path / "rc.yaml"
    config.write_text("default_context:\n  full_name: [unclosed\n  email: a@b.c\n")
    monkeypatch.setenv("COOKIECUTTER_CONFIG", str(config))
    with pytest.raises(
        UsageError, match=r"not valid YAML \(.* at line \d+, column \d+\)"
    ) as raised:
        scaffold.user_defaults()
    assert "\n" not in str(raised.value)


@pytest.mark.parametrize("value", ["[a, b]", "{a: 1}", "null", "yes"])
def test_a_user_config_value_that_is_not_text_is_an_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, value: str
) -> None:
    config = tmp_path / "rc.yaml"
    config.write_text(f"default_context:\n  full_name: {value}\n")
    monkeypatch.setenv("COOKIECUTTER_CONFIG", str(config))
    with pytest.raises(UsageError, match="'full_name' must be text"):
        scaffold.user_defaults()


def test_a_user_config_that_is_a_fifo_is_refused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import os

    fifo = tmp_path / "rc.yaml"
    os.mkfifo(fifo)
    monkeypatch.setenv("COOKIECUTTER_CONFIG", str(fifo))
    with pytest.raises(UsageError, match="not a regular file"):
        scaffold.user_defaults()


def test_distkits_own_requirements_come_from_its_metadata() -> None:
    from importlib.metadata import requires

    from packaging.requirements import Requirement
    from packaging.utils import canonicalize_name

    from distkit.scaffold.context import distkit_requirements

    direct = {canonicalize_name(Requirement(line).name) for line in requires("distkit-cli") or []}
    assert direct <= distkit_requirements()
    assert {"distkit-cli", "click", "markupsafe"} <= distkit_requirements()


def test_an_output_path_through_a_file_or_a_fifo_is_one_line(tmp_path: Path) -> None:
    import os

    fifo = tmp_path / "fifo"
    os.mkfifo(fifo)
    (tmp_path / "file").write_text("mine\n")
    for output, shown in ((fifo, fifo), (tmp_path / "file" / "sub", tmp_path / "file")):
        with pytest.raises(UsageError, match=f"^{shown} is not a folder; give an output folder"):
            scaffold.create("poisson", output, {})
    assert (tmp_path / "file").read_text() == "mine\n"
