"""The plugin is found through its entry point and adds its commands."""

from __future__ import annotations

import json
import subprocess
import sys

from click.testing import CliRunner
from distkit_bach.cli import bach

from distkit.music.testing import listing_with_only


def test_distkit_list_shows_bach_unet_from_the_entry_point() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "distkit", "list", "--json"],
        capture_output=True,
        text=True,
        check=True,
    )
    models = json.loads(result.stdout)["music_models"]
    assert {"name": "bach-unet", "plugin": "distkit_bach"}.items() <= next(
        m for m in models if m["name"] == "bach-unet"
    ).items()


def test_distkit_gains_the_bach_train_command() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "distkit", "bach", "train", "--help"],
        capture_output=True,
        text=True,
        check=True,
    )
    assert "--iterations" in result.stdout


def test_plugin_commands_do_not_import_torch() -> None:
    code = "import sys, distkit_bach.plugin, distkit_bach.cli; print('torch' in sys.modules)"
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.stdout.strip() == "False"


def test_train_refuses_to_overwrite_weights_without_force(tmp_path) -> None:  # type: ignore[no-untyped-def]
    out = tmp_path / "weights.pt"
    out.write_bytes(b"keep me")
    result = CliRunner().invoke(bach, ["train", "--out", str(out)])
    assert result.exit_code == 2
    assert "--force" in result.output
    assert out.read_bytes() == b"keep me"


def test_distkit_compose_uses_the_model_the_teacher_s_panel_ranks_best(tmp_path) -> None:  # type: ignore[no-untyped-def]
    from distkit_bach.model import BachUNet

    from distkit.music.base import recorded_panel
    from distkit.music.compose import panel_rank
    from distkit.music.hmm import ChoraleHMM
    from distkit.music.midi import read_arrangement

    bach, hmm = recorded_panel(BachUNet), recorded_panel(ChoraleHMM)
    assert bach is not None
    assert hmm is not None
    best = (
        "bach-unet (plugin distkit_bach)" if panel_rank(bach) > panel_rank(hmm) else "chorale-hmm"
    )
    out = tmp_path / "twinkle.mid"
    result = subprocess.run(
        [sys.executable, "-m", "distkit", "compose", "--example", "-o", str(out)],
        capture_output=True,
        text=True,
        check=True,
    )
    assert f"with {best}" in result.stdout
    arrangement = read_arrangement(out)
    assert arrangement.shape[0] == 4
    assert all(arrangement[voice].any() for voice in range(4))


def test_distkit_list_with_the_plugin_imports_neither_numpy_nor_torch() -> None:
    """The models are registered by their import paths and their class modules import light, so
    that listing costs next to nothing (issue 19, item 11)."""
    listed, heavy = listing_with_only("distkit_bach")
    assert "teacher's panel" in listed
    assert heavy == ""
