"""Named user models (the data folder's registry), `distkit models`, `list` by style, and
`compose --style`, with a factory written in the test (no torch)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pretty_midi
import pytest
from click.testing import CliRunner

from distkit.cli import cli
from distkit.errors import ModelRegistryError, NotFoundError
from distkit.music import user_models
from distkit.music.user_models import list_models, model_class, register_model, remove_model
from distkit.plugins import get_registry

FACTORY = """
import numpy as np


class Below:
    def __init__(self, folder, record):
        self.steps = int((folder / "weights.txt").read_text())

    def harmonize(self, melody, *, seed=None):
        melody = np.asarray(melody, dtype=bool)
        voices = [np.roll(melody, -self.steps * k, axis=1) for k in (1, 2, 3)]
        return np.stack([melody, *voices])


def build(folder, record):
    return Below(folder, record)
"""


@pytest.fixture
def data_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, test_models: None) -> Path:
    """A private data folder, and a factory module the stored models name."""
    folder = tmp_path / "data"
    monkeypatch.setenv("DISTKIT_DATA_DIR", str(folder))
    site = tmp_path / "site"
    site.mkdir()
    (site / "toy_factory.py").write_text(FACTORY)
    monkeypatch.syspath_prepend(str(site))
    get_registry.cache_clear()
    return folder


def store(tmp_path: Path, name: str, *, style: str = "toy", force: bool = False) -> Path:
    weights = tmp_path / f"{name}-weights.txt"
    weights.write_text("5")
    record = register_model(
        name,
        {"weights.txt": weights},
        factory="toy_factory:build",
        style=style,
        voices=("lead", "second", "third", "ground"),
        programs=(40, 40, 41, 42),
        corpus="my-folder",
        force=force,
    )
    get_registry.cache_clear()
    return record.folder


def test_a_stored_model_is_listed_registered_and_removed(data_dir: Path, tmp_path: Path) -> None:
    folder = store(tmp_path, "mine")
    assert folder == data_dir / "models" / "mine"
    assert [r.name for r in list_models()] == ["mine"]
    cls = model_class(list_models()[0])
    assert (cls.name, cls.style, cls.voices, cls.corpus) == (
        "mine",
        "toy",
        ("lead", "second", "third", "ground"),
        "my-folder",
    )
    assert get_registry().music_model("mine").style == "toy"
    remove_model("mine")
    assert list_models() == []
    with pytest.raises(NotFoundError, match="no model named 'mine'"):
        remove_model("mine")


def test_a_fifo_or_a_folder_in_a_models_record_s_place_is_skipped_not_waited_on(
    data_dir: Path, tmp_path: Path
) -> None:
    import os

    store(tmp_path, "mine")
    for name, make in (("piped", os.mkfifo), ("foldered", os.mkdir)):
        folder = data_dir / "models" / name
        folder.mkdir()
        make(folder / "model.json")
    assert [r.name for r in list_models()] == ["mine"]


@pytest.mark.parametrize(
    ("damage", "why"),
    [
        (lambda record: "{bad", "JSONDecodeError"),
        (lambda record: json.dumps({**json.loads(record), "programs": [999, 1, 2, 3]}), "0-127"),
        (lambda record: json.dumps({**json.loads(record), "name": "other"}), "names the model"),
    ],
)
def test_a_model_with_a_damaged_record_is_named_and_can_be_removed(
    data_dir: Path, tmp_path: Path, damage: Any, why: str
) -> None:
    folder = store(tmp_path, "mine")
    record = folder / "model.json"
    record.write_text(damage(record.read_text()))
    assert list_models() == []
    listed = CliRunner().invoke(cli, ["models", "list"])
    assert listed.exit_code == 0
    assert "warning: the model 'mine' cannot be used, its record is damaged" in listed.stderr
    assert why in listed.stderr
    removed = CliRunner().invoke(cli, ["models", "remove", "mine"])
    assert removed.exit_code == 0, removed.output
    assert removed.stdout == "Removed mine (its record was damaged).\n"
    assert not folder.exists()
    store(tmp_path, "mine")
    assert [r.name for r in list_models()] == ["mine"]


def test_a_model_registered_meanwhile_by_another_run_is_kept(
    data_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Two runs registering one name at once: the one placed first is kept, the other one is
    refused (it had passed the check before the first was placed)."""
    real_copy = user_models.shutil.copyfile

    def copy_while_another_run_places_its_model(source: Path, target: Path) -> object:
        theirs = data_dir / "models" / "mine"
        theirs.mkdir(parents=True, exist_ok=True)
        (theirs / "model.json").write_text("theirs")
        return real_copy(source, target)

    monkeypatch.setattr(user_models.shutil, "copyfile", copy_while_another_run_places_its_model)
    with pytest.raises(ModelRegistryError, match="registered meanwhile, by another run"):
        store(tmp_path, "mine")
    assert (data_dir / "models" / "mine" / "model.json").read_text() == "theirs"
    assert sorted(p.name for p in (data_dir / "models").iterdir()) == ["mine"]


def test_names_are_checked_and_nothing_is_replaced_without_force(
    data_dir: Path, tmp_path: Path
) -> None:
    for bad in ("", "Upper", "a b", "../up", "x:y", "-dash"):
        with pytest.raises(ModelRegistryError, match="cannot name a model"):
            store(tmp_path, bad)
    store(tmp_path, "mine")
    with pytest.raises(ModelRegistryError, match="registered already"):
        store(tmp_path, "mine")
    with pytest.raises(ModelRegistryError, match="registered already"):
        user_models.check_new_name("mine")
    with pytest.raises(ModelRegistryError, match="name of an installed model"):
        user_models.check_new_name("parallel", ["parallel", "mine"])
    user_models.check_new_name("mine", ["parallel", "mine"], force=True)
    store(tmp_path, "mine", style="other", force=True)
    assert list_models()[0].style == "other"
    assert sorted(p.name for p in (data_dir / "models").iterdir()) == ["mine"]


def test_a_damaged_record_is_left_out_not_fatal(data_dir: Path, tmp_path: Path) -> None:
    store(tmp_path, "good")
    broken = data_dir / "models" / "broken"
    broken.mkdir()
    (broken / "model.json").write_text("{not json")
    assert [r.name for r in list_models()] == ["good"]


def test_models_command_lists_and_removes(data_dir: Path, tmp_path: Path) -> None:
    runner = CliRunner()
    empty = runner.invoke(cli, ["models", "list"])
    assert empty.exit_code == 0
    assert "No models of yours yet" in empty.output
    store(tmp_path, "mine")
    listed = runner.invoke(cli, ["models", "list", "--json"])
    assert json.loads(listed.output)[0]["corpus"] == "my-folder"
    assert "mine" in runner.invoke(cli, ["models", "list"]).output
    removed = runner.invoke(cli, ["models", "remove", "mine"])
    assert removed.exit_code == 0
    assert "Removed mine" in removed.output
    missing = runner.invoke(cli, ["models", "remove", "mine"])
    assert missing.exit_code == 2
    assert missing.output.count("\n") == 1
    assert "no model named 'mine'" in missing.output


def test_list_groups_models_by_style_and_json_shows_it(data_dir: Path, tmp_path: Path) -> None:
    store(tmp_path, "mine")
    runner = CliRunner()
    listed = json.loads(runner.invoke(cli, ["list", "--json"]).output)["music_models"]
    mine = next(m for m in listed if m["name"] == "mine")
    assert (mine["style"], mine["corpus"], mine["programs"]) == (
        "toy",
        "my-folder",
        [40, 40, 41, 42],
    )
    assert next(m for m in listed if m["name"] == "parallel")["style"] is None
    table = runner.invoke(cli, ["list"]).output.splitlines()
    assert table.index("  toy") < next(i for i, line in enumerate(table) if "mine" in line)
    assert "  (no style given)" in table


def test_compose_with_a_stored_model_writes_its_named_instruments(
    data_dir: Path, tmp_path: Path
) -> None:
    store(tmp_path, "mine")
    out = tmp_path / "out.mid"
    result = CliRunner().invoke(
        cli, ["compose", "--notes", "C5 D5 E5 F5 G5:2", "--model", "mine", "-o", str(out)]
    )
    assert result.exit_code == 0, result.output
    midi = pretty_midi.PrettyMIDI(str(out))
    assert [(i.name, i.program) for i in midi.instruments] == [
        ("lead", 40),
        ("second", 40),
        ("third", 41),
        ("ground", 42),
    ]
    assert [n.pitch for n in midi.instruments[1].notes][:2] == [67, 69]  # 5 semitones below


def test_compose_style_picks_a_model_of_that_style(data_dir: Path, tmp_path: Path) -> None:
    store(tmp_path, "b-second", style="toy")
    store(tmp_path, "a-first", style="toy")
    runner = CliRunner()
    out = tmp_path / "styled.mid"
    result = runner.invoke(
        cli, ["compose", "--notes", "C5 D5 E5", "--style", "toy", "-o", str(out)]
    )
    assert result.exit_code == 0, result.output
    assert "with a-first" in result.output  # no panel recorded: the first registered
    other = tmp_path / "other.mid"
    unknown = runner.invoke(cli, ["compose", "--notes", "C5", "--style", "jazz", "-o", str(other)])
    assert unknown.exit_code == 2
    assert "no installed music model has the style 'jazz'; installed styles: toy" in unknown.output
    both = runner.invoke(
        cli, ["compose", "--notes", "C5", "--style", "toy", "--model", "a-first", "-o", str(other)]
    )
    assert both.exit_code == 2
    assert "not both" in both.output


def test_a_second_run_training_one_name_is_refused_while_the_first_runs(
    data_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    with user_models.training_run("mine") as folder:
        assert folder == data_dir / "training" / "mine"
        with (
            pytest.raises(ModelRegistryError, match="a run training 'mine' is in progress"),
            user_models.training_run("mine"),
        ):
            pass
        with user_models.training_run("yours"):
            pass
        monkeypatch.setenv("RANK", "1")  # a second rank of the same torchrun follows rank 0
        with user_models.training_run("mine") as same:
            assert same == folder
    monkeypatch.delenv("RANK")
    with user_models.training_run("mine"):
        pass
