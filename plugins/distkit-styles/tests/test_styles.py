"""distkit-styles: a toy style trained from the user's MIDI files, and the shipped styles."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pretty_midi
import pytest
from distkit_styles.styles import STYLES

DISTKIT = str(Path(sys.executable).with_name("distkit"))
SHORT = [
    "--iterations", "4", "--checkpoint-every", "2", "--log-every", "2",
    "--batch-size", "4", "--channels", "8", "--stacks", "1",
]  # fmt: skip


def toy_folder(folder: Path, count: int = 30) -> Path:
    """`count` four-track MIDI files of a toy style: a scale tune over thirds, fifths, roots."""
    folder.mkdir(parents=True)
    scale = [0, 2, 4, 5, 7, 9, 11, 12]
    for index in range(count):
        rng = np.random.default_rng(index)
        tonic = 60 + int(rng.choice([0, 2, 5, 7]))
        degrees = [int(d) for d in rng.integers(0, 8, size=16)] + [0]
        midi = pretty_midi.PrettyMIDI(initial_tempo=120)
        for voice, below in enumerate((0, 3, 7, 12)):
            track = pretty_midi.Instrument(program=40 + voice, name=f"v{voice}")
            for beat, degree in enumerate(degrees):
                pitch = tonic + 12 + scale[degree] - below - (12 if voice == 3 else 0)
                track.notes.append(pretty_midi.Note(80, pitch, beat * 0.5, beat * 0.5 + 0.5))
            midi.instruments.append(track)
        midi.write(str(folder / f"tune{index:02d}.mid"))
    return folder


@pytest.fixture
def env(tmp_path: Path) -> dict[str, str]:
    return {
        **os.environ,
        "DISTKIT_DATA_DIR": str(tmp_path / "data"),
        "DISTKIT_CACHE_DIR": str(tmp_path / "cache"),
    }


def run(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [DISTKIT, *args], env=env, capture_output=True, text=True, timeout=600, check=False
    )


@pytest.mark.slow
def test_a_toy_style_trains_registers_composes_and_is_removed(
    tmp_path: Path, env: dict[str, str]
) -> None:
    folder = toy_folder(tmp_path / "toy")
    (folder / "broken.mid").write_bytes(b"MThd\x00\x00\x00\x06not really midi")
    trained = run(env, "coconet", "train", "--corpus", str(folder), "--name", "toy", *SHORT)
    assert trained.returncode == 0, trained.stderr
    assert "skipped broken.mid: " in trained.stdout
    assert "kept 30 pieces in 4 voices" in trained.stdout
    assert "registered toy" in trained.stdout
    assert not (tmp_path / "data" / "training" / "toy").exists()  # checkpoints cleaned up

    listed = json.loads(run(env, "list", "--json").stdout)["music_models"]
    toy = next(model for model in listed if model["name"] == "toy")
    assert toy["corpus"] == str(folder)
    assert toy["created"][:4].isdigit()

    out = tmp_path / "toy.mid"
    composed = run(env, "compose", "--notes", "C5 D5 E5 F5 G5:2 E5:2 C5:4", "--model", "toy",
                   "-o", str(out))  # fmt: skip
    assert composed.returncode == 0, composed.stderr
    assert "with toy (plugin distkit.user_models)" in composed.stdout
    assert len(pretty_midi.PrettyMIDI(str(out)).instruments) == 4

    sampler = tmp_path / "data" / "models" / "toy" / "sampler.json"
    sampler.write_text('{"passes": "many"}')  # a hand edit gone wrong
    refused = run(env, "compose", "--notes", "C5 D5 E5", "--model", "toy", "-o",
                  str(tmp_path / "refused.mid"))  # fmt: skip
    assert refused.returncode == 2
    assert refused.stderr == (
        f"Error: {sampler}: the sampler setting 'passes' must be a whole number, not 'many'\n"
    )
    assert not (tmp_path / "refused.mid").exists()
    sampler.unlink()

    again = run(env, "coconet", "train", "--corpus", str(folder), "--name", "toy", *SHORT)
    assert again.returncode == 2
    assert again.stderr.count("\n") == 1
    assert "registered already" in again.stderr

    assert run(env, "models", "remove", "toy").returncode == 0
    listed = json.loads(run(env, "list", "--json").stdout)["music_models"]
    assert "toy" not in {model["name"] for model in listed}


@pytest.mark.slow
def test_an_empty_folder_or_a_taken_name_is_one_line_before_training(
    tmp_path: Path, env: dict[str, str]
) -> None:
    empty = tmp_path / "empty"
    empty.mkdir()
    refused = run(env, "coconet", "train", "--corpus", str(empty), "--name", "toy", *SHORT)
    assert refused.returncode == 2
    assert refused.stderr.count("\n") == 1
    assert "no MIDI, MusicXML, kern or ABC files" in refused.stderr
    taken = run(env, "coconet", "train", "--corpus", str(empty), "--name", "bach-coconet")
    assert taken.returncode == 2
    assert "name of an installed model" in taken.stderr
    alone = run(env, "coconet", "train", "--corpus", str(empty))
    assert alone.returncode == 2
    assert "go together" in alone.stderr
    assert not (tmp_path / "data" / "models").exists()


def test_training_resumes_from_its_checkpoint(tmp_path: Path) -> None:
    from distkit_coconet.corpus_training import checkpoint_path, train_on_pieces
    from distkit_coconet.training import TrainConfig

    from distkit.music.corpus import load_corpus

    os.environ["DISTKIT_CACHE_DIR"] = str(tmp_path / "cache")
    try:
        corpus = load_corpus(toy_folder(tmp_path / "toy", count=6))
    finally:
        del os.environ["DISTKIT_CACHE_DIR"]
    pieces = list(corpus.pieces)
    out = tmp_path / "weights.pt"

    def train(iterations: int, *, channels: int = 8, extend: bool = False) -> list[str]:
        config = TrainConfig(
            iterations=iterations, batch_size=2, channels=channels, stacks=1, checkpoint_every=2
        )
        lines: list[str] = []
        train_on_pieces(config, out, pieces[:4], pieces[4:], log=lines.append, extend=extend)
        return lines

    train(4)
    assert checkpoint_path(out).is_file()
    again = train(4)
    assert any(line.startswith("resuming at iteration 4") for line in again)
    assert not any(line.startswith("iteration") for line in again)
    assert any("other settings; starting afresh" in line for line in train(6))
    extended = train(8, extend=True)
    assert any(line.startswith("extending from iteration 6") for line in extended)
    assert [line.split(":")[0] for line in extended if line.startswith("validation at")] == [
        "validation at 8"
    ]
    afresh = train(10, channels=16, extend=True)
    assert any("other settings; starting afresh" in line for line in afresh)


@pytest.mark.parametrize("style", sorted(STYLES))
def test_a_shipped_style_writes_its_named_instruments_within_their_ranges(
    style: str, tmp_path: Path, env: dict[str, str]
) -> None:
    spec = STYLES[style]
    out = tmp_path / f"{style}.mid"
    result = run(env, "compose", "--notes", "G4 A4 B4 C5 D5:2 B4:2 G4 A4 B4 A4 G4:4",
                 "--style", style, "--seed", "1", "-o", str(out))  # fmt: skip
    assert result.returncode == 0, result.stderr
    midi = pretty_midi.PrettyMIDI(str(out))
    assert [(i.name, i.program) for i in midi.instruments] == list(
        zip(spec.voices, spec.programs, strict=True)
    )
    for (low, high), instrument in zip(spec.ranges[1:], midi.instruments[1:], strict=True):
        pitches = [note.pitch for note in instrument.notes]
        assert pitches, instrument.name
        assert low <= min(pitches), instrument.name
        assert max(pitches) <= high, instrument.name


def test_the_licences_ship_with_the_weights() -> None:
    from importlib import resources

    licences = resources.files("distkit_styles").joinpath("licenses")
    notice = licences.joinpath("palestrina-notice.txt").read_text()
    assert "Copyright 2000, John Miller" in notice
    assert "music21" in licences.joinpath("music21-corpus-license.txt").read_text()


@pytest.mark.slow
def test_ctrl_c_registers_nothing_and_the_next_run_resumes(
    tmp_path: Path, env: dict[str, str]
) -> None:
    import signal
    import time

    folder = toy_folder(tmp_path / "toy", count=6)
    args = [DISTKIT, "coconet", "train", "--corpus", str(folder), "--name", "toy",
            "--iterations", "100000", "--checkpoint-every", "2", "--log-every", "1000",
            "--batch-size", "2", "--channels", "8", "--stacks", "1"]  # fmt: skip
    checkpoint = tmp_path / "data" / "training" / "toy" / "weights.pt.checkpoint"
    first = subprocess.Popen(args, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    deadline = time.monotonic() + 300
    while not checkpoint.exists() and time.monotonic() < deadline and first.poll() is None:
        time.sleep(0.2)
    first.send_signal(signal.SIGINT)
    first.communicate(timeout=120)
    assert first.returncode != 0
    assert checkpoint.is_file()
    assert not (tmp_path / "data" / "models").exists()
    again = subprocess.Popen(
        args, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )
    assert again.stdout is not None
    seen = [again.stdout.readline() for _ in range(3)]
    again.send_signal(signal.SIGINT)
    again.communicate(timeout=120)
    assert any(line.startswith("resuming at iteration ") for line in seen), seen
