"""Specification of distkit.music.compose: harmonizing with a registered model, checked."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from distkit.errors import NotFoundError, PluginError, UsageError
from distkit.music.compose import Outputs, check_outputs, default_model, harmonize
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


def test_the_default_model_is_chorale_hmm_without_bach_unet() -> None:
    assert default_model() == "chorale-hmm"


@pytest.mark.usefixtures("with_fake_bach")
def test_the_default_model_is_bach_unet_when_it_is_installed() -> None:
    assert default_model() == "bach-unet"
    assert harmonize(example_melody()).model == "bach-unet"


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
