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


def test_existing_folder_is_left_alone_without_force(tmp_path: Path) -> None:
    target = tmp_path / "distkit-poisson"
    target.mkdir()
    (target / "mine.txt").write_text("keep")
    with pytest.raises(TargetExistsError, match="--force"):
        scaffold.create("poisson", tmp_path)
    assert [p.name for p in target.iterdir()] == ["mine.txt"]


def test_force_replaces_the_folder(tmp_path: Path) -> None:
    target = tmp_path / "distkit-poisson"
    target.mkdir()
    (target / "mine.txt").write_text("old")
    scaffold.create("poisson", tmp_path, force=True)
    assert not (target / "mine.txt").exists()
    assert (target / "pyproject.toml").is_file()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["cookiecutterrc", "distkit-poisson"]


def test_error_while_rendering_leaves_no_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def fail(context: object, destination: Path) -> None:
        destination.mkdir()
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
    with pytest.raises(UsageError, match="not a file"):
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
