"""The plugin is found through its entry point, adds its commands, and harmonizes in compose."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from distkit.music.testing import listing_with_only


def test_distkit_list_shows_bach_coconet_from_the_entry_point() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "distkit", "list", "--json"],
        capture_output=True,
        text=True,
        check=True,
    )
    models = json.loads(result.stdout)["music_models"]
    entry = next(m for m in models if m["name"] == "bach-coconet")
    assert entry["plugin"] == "distkit_coconet"
    assert "Coconet" in entry["description"]


def test_distkit_gains_the_coconet_commands() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "distkit", "coconet", "--help"],
        capture_output=True,
        text=True,
        check=True,
    )
    assert "train" in result.stdout
    assert "tune" in result.stdout


def test_listing_and_the_plugin_s_commands_do_not_import_torch() -> None:
    code = (
        "import sys, distkit_coconet.plugin, distkit_coconet.cli;"
        "from distkit.plugins import get_registry;"
        "[r.name for r in get_registry().music_models];"
        "print('torch' in sys.modules)"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.stdout.strip() == "False", result.stderr


@pytest.mark.slow
def test_distkit_compose_harmonizes_with_the_shipped_weights(tmp_path: Path) -> None:
    from distkit.music.midi import read_arrangement

    out = tmp_path / "twinkle.mid"
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "distkit",
            "compose",
            "--example",
            "--model",
            "bach-coconet",
            "-o",
            str(out),
        ],
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stderr
    assert "bach-coconet" in result.stdout
    arrangement = read_arrangement(out)
    assert arrangement.shape[0] == 4
    assert all(arrangement[voice].any() for voice in range(4))


def test_tune_refuses_a_file_that_is_not_weights_in_one_line(tmp_path: Path) -> None:

    from click.testing import CliRunner
    from distkit_coconet.cli import coconet

    junk = tmp_path / "junk.pt"
    junk.write_bytes(b"\x00not torch\xff" * 10)
    fifo = tmp_path / "fifo.pt"
    os.mkfifo(fifo)
    for bad in (junk, fifo):
        result = CliRunner().invoke(
            coconet, ["tune", "--weights", str(bad), "--out", str(tmp_path / "s.json")]
        )
        assert result.exit_code == 2, result.output
        assert "--weights" in result.output
        assert "Traceback" not in result.output
        assert not (tmp_path / "s.json").exists()


def test_tune_keeps_an_existing_log_without_force(tmp_path: Path) -> None:
    from click.testing import CliRunner
    from distkit_coconet.cli import coconet

    log = tmp_path / "s.json.log.json"
    log.write_text("keep me")
    result = CliRunner().invoke(coconet, ["tune", "--out", str(tmp_path / "s.json")])
    assert result.exit_code == 2
    assert "--force" in result.output
    assert log.read_text() == "keep me"


def test_distkit_list_with_the_plugin_imports_neither_numpy_nor_torch() -> None:
    """The models are registered by their import paths and their class modules import light, so
    that listing costs next to nothing (issue 19, item 11)."""
    listed, heavy = listing_with_only("distkit_coconet")
    assert "teacher's panel" in listed
    assert heavy == ""


def test_choosing_a_chain_by_its_faults_imports_no_evaluation_code() -> None:
    """Models never import evaluation code: the sampler counts faults with voice_leading."""
    code = (
        "import sys\n"
        "import numpy as np\n"
        "from distkit_coconet.model import best_chain\n"
        "from distkit_coconet.settings import GibbsSettings\n"
        "roll = np.zeros((4, 16, 128), dtype=bool)\n"
        "roll[0, :, 72] = roll[1, :, 67] = roll[2, :, 64] = roll[3, :, 48] = True\n"
        "chosen = best_chain([roll, roll], np.zeros(2), GibbsSettings(fault_weight=1.0))\n"
        "print(chosen, 'distkit.music.voice_leading' in sys.modules, "
        "'distkit.music.metrics' in sys.modules)\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.split() == ["0", "True", "False"]
