"""Specification of `distkit compose --continue`, with the built-in models only."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest
from click.testing import CliRunner, Result

from distkit.cli import cli
from distkit.music.base import BAR_STEPS
from distkit.music.melody.events import melody_notes
from distkit.music.melody.model import FolkNgram
from distkit.music.melody_text import melody_from_text
from distkit.music.midi import read_arrangement
from distkit.plugins import get_registry

OPENING = "G4 G4 D5 D5 E5 E5 D5:2 C5 C5 B4 B4 A4 A4 G4:2"  # four bars in G major


@pytest.fixture(autouse=True)
def built_in_models_only(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("DISTKIT_LOAD_PLUGINS", "")
    get_registry.cache_clear()
    yield
    get_registry.cache_clear()


def compose(*args: str) -> Result:
    return CliRunner().invoke(cli, ["compose", "--notes", OPENING, *args])


def one_error_line(result: Result) -> str:
    assert "Traceback" not in result.output
    (line,) = result.stderr.strip().splitlines()
    return line


def test_continue_only_writes_the_melody_and_n_more_bars() -> None:
    result = compose("--continue", "3", "--continue-only", "--seed", "1", "-o", "out.mid")
    assert result.exit_code == 0, result.output
    assert "folk-ngram" in result.output
    (melody,) = read_arrangement("out.mid")
    assert melody.shape[0] == (4 + 3) * BAR_STEPS
    given = melody_from_text(OPENING)
    assert np.array_equal(melody[: given.shape[0] - 1], given[:-1])


def test_close_ends_on_the_tonic_of_the_melodys_key() -> None:
    key = FolkNgram().key_of(melody_notes(melody_from_text(OPENING)))
    assert key.tonic == 7  # G
    for seed in range(3):
        result = compose(
            "--continue", "2", "--close", "--continue-only", "--seed", str(seed),
            "-o", f"closed{seed}.mid",
        )  # fmt: skip
        assert result.exit_code == 0, result.output
        (melody,) = read_arrangement(f"closed{seed}.mid")
        sounding = np.flatnonzero(melody.any(axis=1))
        assert sounding[-1] == melody.shape[0] - 1
        assert int(np.flatnonzero(melody[sounding[-1]])[-1]) % 12 == key.tonic


def test_continue_then_harmonizes_the_whole_in_four_tracks() -> None:
    result = compose("--continue", "2", "--seed", "2", "-o", "four.mid")
    assert result.exit_code == 0, result.output
    assert "Harmonized" in result.output
    arrangement = read_arrangement("four.mid")
    assert arrangement.shape[0] == 4
    assert arrangement.shape[1] == 6 * BAR_STEPS


@pytest.mark.parametrize("bars", ["0", "-2", "65", "100000000000000000000000"])
def test_a_bad_number_of_bars_is_one_line_and_writes_nothing(bars: str) -> None:
    result = compose("--continue", bars, "-o", "out.mid")
    assert result.exit_code == 2
    assert "number of bars" in one_error_line(result)
    assert not Path("out.mid").exists()


def test_a_number_of_bars_that_is_not_a_number_is_one_line() -> None:
    result = compose("--continue", "four")
    assert result.exit_code == 2
    assert "--continue" in one_error_line(result)


@pytest.mark.parametrize("flag", [["--close"], ["--continue-only"], ["--melody-model", "x"]])
def test_continuation_options_need_continue(flag: list[str]) -> None:
    result = compose(*flag)
    assert result.exit_code == 2
    assert "--continue N" in one_error_line(result)


def test_a_melody_model_does_not_harmonize() -> None:
    result = compose("--model", "folk-ngram", "-o", "out.mid")
    assert result.exit_code == 2
    assert "melody model" in one_error_line(result)


def test_a_harmonizer_cannot_continue_a_melody() -> None:
    result = compose("--continue", "2", "--melody-model", "chorale-hmm", "-o", "out.mid")
    assert result.exit_code == 2
    assert "folk-ngram" in one_error_line(result)


def test_an_existing_output_is_kept_without_force() -> None:
    Path("out.mid").write_bytes(b"keep")
    result = compose("--continue", "2", "--continue-only", "-o", "out.mid")
    assert result.exit_code == 2
    assert Path("out.mid").read_bytes() == b"keep"


@pytest.mark.slow
def test_continue_in_a_real_process(tmp_path: Path) -> None:
    command = [
        sys.executable, "-m", "distkit", "compose", "--notes", OPENING, "--continue", "2",
        "--close", "--continue-only", "--seed", "4", "-o", str(tmp_path / "real.mid"),
    ]  # fmt: skip
    env = {"DISTKIT_LOAD_PLUGINS": "", "PATH": "/usr/bin:/bin"}
    done = subprocess.run(command, capture_output=True, text=True, timeout=300, env=env)
    assert done.returncode == 0, done.stderr
    assert "Continued melody by 2 bars with folk-ngram" in done.stdout
    assert read_arrangement(tmp_path / "real.mid").shape == (1, 6 * BAR_STEPS, 128)


def test_the_readmes_continue_examples_run() -> None:
    import shlex

    readme = Path(__file__).resolve().parents[3] / "README.md"
    lines = [
        line.split("#")[0]
        for line in readme.read_text().splitlines()
        if line.startswith("distkit compose") and "--continue" in line
    ]
    assert len(lines) >= 2
    for line in lines:
        result = CliRunner().invoke(cli, [*shlex.split(line)[1:], "--seed", "0"])
        assert result.exit_code == 0, result.output
    assert Path("tune.mid").exists()
    assert Path("melody-continued.mid").exists()
    (jig,) = read_arrangement("jig.mid")  # an eighth's pickup and 2 + 2 bars of 6/8
    assert jig.shape[0] == 2 + 4 * 12


def test_a_midi_melody_is_continued_too() -> None:
    from distkit.music.midi import write_arrangement

    write_arrangement(melody_from_text(OPENING)[None], "tune.mid")
    result = CliRunner().invoke(
        cli, ["compose", "tune.mid", "--continue", "2", "--continue-only", "-o", "longer.mid"]
    )
    assert result.exit_code == 0, result.output
    assert read_arrangement("longer.mid").shape == (1, 6 * BAR_STEPS, 128)


@pytest.mark.slow
def test_compose_with_the_shipped_ngram_imports_neither_torch_nor_music21() -> None:
    code = (
        "import sys; from click.testing import CliRunner; from distkit.cli import cli; "
        "r = CliRunner().invoke(cli, ['compose', '--notes', 'G4 A4 B4 C5', '--continue', '2', "
        "'--continue-only', '-o', 'light.mid']); assert r.exit_code == 0, r.output; "
        "assert 'torch' not in sys.modules and 'music21' not in sys.modules, 'heavy import'"
    )
    env = {"DISTKIT_LOAD_PLUGINS": "", "PATH": "/usr/bin:/bin"}
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env)
    assert done.returncode == 0, done.stderr


WALTZ = "G4 C5:2 E5 G5:2 E5 D5:2 C5 D5 E5 F5"  # a one-beat pickup, then four bars of 3/4


def test_continue_in_three_four_adds_bars_of_three_beats() -> None:
    result = compose("--continue", "2", "--metre", "3/4", "--continue-only", "-o", "waltz.mid")
    assert result.exit_code == 0, result.output
    assert "(in 3/4)" in result.output
    (melody,) = read_arrangement("waltz.mid")
    given = melody_from_text(OPENING).shape[0]  # 64 steps: 5 bars and a third of 3/4
    assert melody.shape[0] == -(-given // 12) * 12 + 2 * 12


def test_a_pickup_moves_the_bar_lines() -> None:
    melody = melody_from_text(WALTZ)  # 52 steps: a pickup of 4, then 4 bars of 12
    result = CliRunner().invoke(
        cli,
        [
            "compose", "--notes", WALTZ, "--continue", "2", "--metre", "3/4", "--pickup", "1",
            "--continue-only", "--seed", "3", "-o", "waltz.mid",
        ],
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    assert "1-beat pickup" in result.output
    assert "6 bars" in result.output
    (continued,) = read_arrangement("waltz.mid")
    assert continued.shape[0] == melody.shape[0] + 2 * 12
    assert np.array_equal(continued[: melody.shape[0] - 1], melody[:-1])


@pytest.mark.parametrize(
    ("args", "words"),
    [
        (["--metre", "3/5"], "a metre is N/D"),
        (["--metre", "three"], "a metre is N/D"),
        (["--metre", "0/4"], "4 whole notes"),
        (["--metre", "65/16"], "4 whole notes"),
        (["--metre", "3/4", "--pickup", "3"], "shorter than a bar of 3/4"),
        (["--pickup", "-1"], "shorter than a bar of 4/4"),
        (["--pickup", "0.1"], "whole number of sixteenths"),
        (["--pickup", "nan"], "shorter than a bar"),
        (["--pickup", "one"], "number of beats"),
    ],
)
def test_a_bad_metre_or_pickup_is_one_usage_line_and_writes_nothing(
    args: list[str], words: str
) -> None:
    result = compose("--continue", "2", *args, "--continue-only", "-o", "out.mid")
    assert result.exit_code == 2
    assert words in one_error_line(result)
    assert not Path("out.mid").exists()


@pytest.mark.parametrize("flag", [["--metre", "3/4"], ["--pickup", "1"]])
def test_metre_and_pickup_need_continue(flag: list[str]) -> None:
    result = compose(*flag, "-o", "out.mid")
    assert result.exit_code == 2
    assert "go with --continue N" in one_error_line(result)


@pytest.mark.slow
def test_continue_in_three_four_in_a_real_process(tmp_path: Path) -> None:
    """Continued in 3/4 after a pickup and harmonized: four tracks, bars of 12 steps."""
    command = [
        sys.executable, "-m", "distkit", "compose", "--notes", WALTZ, "--continue", "2",
        "--metre", "3/4", "--pickup", "1", "--close", "--seed", "4",
        "-o", str(tmp_path / "waltz.mid"),
    ]  # fmt: skip
    env = {"DISTKIT_LOAD_PLUGINS": "", "PATH": "/usr/bin:/bin"}
    done = subprocess.run(command, capture_output=True, text=True, timeout=300, env=env)
    assert done.returncode == 0, done.stderr
    assert "Continued melody (in 3/4, 1-beat pickup) by 2 bars with folk-ngram" in done.stdout
    arrangement = read_arrangement(tmp_path / "waltz.mid")
    assert arrangement.shape == (4, 4 + 6 * 12, 128)
    soprano = arrangement[0]
    sounding = np.flatnonzero(soprano.any(axis=1))
    assert sounding[-1] == arrangement.shape[1] - 1  # --close holds the tonic to the end
    assert int(np.flatnonzero(soprano[sounding[-1]])[-1]) % 12 == 0  # C major


def test_a_bad_metre_in_a_real_process_is_one_line(tmp_path: Path) -> None:
    command = [
        sys.executable, "-m", "distkit", "compose", "--notes", WALTZ, "--continue", "2",
        "--metre", "7/3", "-o", str(tmp_path / "bad.mid"),
    ]  # fmt: skip
    env = {"DISTKIT_LOAD_PLUGINS": "", "PATH": "/usr/bin:/bin"}
    done = subprocess.run(command, capture_output=True, text=True, timeout=300, env=env)
    assert done.returncode == 2
    assert len(done.stderr.strip().splitlines()) == 1, done.stderr
    assert "metre" in done.stderr
    assert not (tmp_path / "bad.mid").exists()
