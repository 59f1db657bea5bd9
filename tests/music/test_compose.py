"""Specification of distkit.music.compose: harmonizing with a registered model, checked."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from distkit.errors import NotFoundError, PluginError, UsageError
from distkit.music.base import recorded_panel
from distkit.music.compose import (
    Outputs,
    check_outputs,
    default_model,
    harmonize,
    panel_rank,
)
from distkit.music.example import example_melody
from distkit.plugins import get_registry

pytestmark = pytest.mark.usefixtures("test_models")


def test_harmonize_gives_the_melody_and_three_voices_of_its_length() -> None:
    melody = example_melody()
    result = harmonize(melody, "parallel")
    assert result.arrangement.shape == (4, 192, 128)
    assert result.arrangement.dtype == np.bool_
    assert np.array_equal(result.arrangement[0], melody)
    assert (result.model, result.plugin, result.bars) == ("parallel", "music-test", 12)


RANKED = """
import pluggy

from distkit_music_test_models import Parallel

hookimpl = pluggy.HookimplMarker("distkit")


class Better(Parallel):
    name = "better"
    panel_file = "PACKAGE:better.json"


class Worse(Parallel):
    name = "worse"
    panel_file = "PACKAGE:worse.json"


class Unrecorded(Parallel):
    name = "unrecorded"


@hookimpl
def register_music_models(register):
    for model in MODELS:
        register(model)
"""


def _install_ranked(site: Path, models: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """A plugin package whose models carry recorded panels; the built-in chorale-hmm enabled."""
    name = f"distkit_music_test_ranked_{site.name.replace('-', '_')}"
    package = site / name
    package.mkdir()
    code = RANKED.replace("MODELS", f"({models},)").replace("PACKAGE", name)
    (package / "__init__.py").write_text(code)
    (package / "better.json").write_text(json.dumps({"goals_met": 12, "beat_chord": 0.9}))
    (package / "worse.json").write_text(json.dumps({"goals_met": 1, "beat_chord": 0.1}))
    info = site / "distkit_music_test_ranked-1.0.dist-info"
    info.mkdir()
    (info / "METADATA").write_text("Metadata-Version: 2.1\nName: ranked\nVersion: 1.0\n")
    (info / "entry_points.txt").write_text(f"[distkit]\nranked = {name}\n")
    monkeypatch.syspath_prepend(str(site))
    monkeypatch.setenv("DISTKIT_LOAD_PLUGINS", "music-test,fake-bach,ranked")
    monkeypatch.delenv("DISTKIT_DISABLED_PLUGINS")
    get_registry.cache_clear()


def test_the_built_in_chorale_hmm_is_registered_with_a_recorded_panel(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.delenv("DISTKIT_DISABLED_PLUGINS")
    get_registry.cache_clear()
    [registration] = [r for r in get_registry().music_models if r.name == "chorale-hmm"]
    assert registration.plugin == "distkit.music"
    record = recorded_panel(registration.cls)
    assert record is not None
    assert record["split"] == "test"


def test_the_default_is_the_model_whose_recorded_panel_ranks_best(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _install_ranked(tmp_path, "Worse, Better, Unrecorded", monkeypatch)
    assert default_model() == "better"
    assert harmonize(example_melody()).model == "better"


def test_an_installed_model_is_not_the_default_for_being_installed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _install_ranked(tmp_path, "Worse, Unrecorded", monkeypatch)
    names = {r.name for r in get_registry().music_models}
    assert {"bach-unet", "worse", "unrecorded", "chorale-hmm"} <= names
    assert default_model() == "chorale-hmm"


def test_without_any_recorded_panel_the_default_is_chorale_hmm() -> None:
    assert default_model() == "chorale-hmm"


def test_a_panel_record_without_the_ranking_fields_ranks_last() -> None:
    assert panel_rank({}) < panel_rank({"goals_met": 0, "beat_chord": 0.0})


def test_an_unknown_model_is_not_found_and_the_known_ones_are_named() -> None:
    with pytest.raises(NotFoundError, match="Known: changes-melody, crashes, parallel"):
        harmonize(example_melody(), "bach")


def test_a_model_that_returns_the_wrong_shape_is_a_plugin_error() -> None:
    with pytest.raises(PluginError, match=r"'wrong-shape' \(plugin 'music-test'\) returned shape"):
        harmonize(example_melody(), "wrong-shape")


def test_a_model_that_changes_the_melody_is_a_plugin_error() -> None:
    with pytest.raises(PluginError, match="changed the melody"):
        harmonize(example_melody(), "changes-melody")


def test_a_model_that_raises_is_a_plugin_error_that_says_why() -> None:
    with pytest.raises(PluginError, match=r"'crashes'.*failed: RuntimeError: out of tune"):
        harmonize(example_melody(), "crashes")


def test_a_melody_without_notes_is_a_usage_error() -> None:
    with pytest.raises(UsageError, match="no notes"):
        harmonize(np.zeros((16, 128), dtype=bool), "parallel")


def test_the_built_in_chorale_hmm_harmonizes_the_example(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("DISTKIT_DISABLED_PLUGINS")
    get_registry.cache_clear()
    melody = example_melody()
    result = harmonize(melody, seed=0)
    assert (result.model, result.plugin) == ("chorale-hmm", "distkit.music")
    assert result.arrangement.shape == (4, 192, 128)
    assert result.arrangement[1:].any(axis=2).mean() > 0.5


@pytest.mark.parametrize(
    "outputs",
    [
        Outputs(Path("a.txt")),
        Outputs(Path("a.mid"), png=Path("a.jpg")),
        Outputs(Path("a.midi"), wav=Path("a.mp3")),
    ],
)
def test_each_output_needs_its_format_s_file_name_ending(outputs: Outputs) -> None:
    with pytest.raises(UsageError, match="must end in"):
        check_outputs(outputs)


def test_distkit_list_shows_each_model_s_recorded_panel(monkeypatch: pytest.MonkeyPatch) -> None:
    from click.testing import CliRunner

    from distkit.cli import cli

    monkeypatch.delenv("DISTKIT_DISABLED_PLUGINS")
    get_registry.cache_clear()
    listed = json.loads(CliRunner().invoke(cli, ["list", "--json"]).output)["music_models"]
    panels = {model["name"]: model["panel"] for model in listed}
    assert panels["chorale-hmm"]["goals"] == 12
    assert panels["parallel"] is None
    table = CliRunner().invoke(cli, ["list"]).output
    assert "[teacher's panel: " in next(
        line for line in table.splitlines() if "chorale-hmm" in line
    )
