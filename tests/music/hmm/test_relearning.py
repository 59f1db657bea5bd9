"""Relearning chorale-hmm on any four-voice corpus (`distkit models train-hmm`), registered as a
named model that `distkit list` shows and `compose --model` harmonizes with."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pretty_midi
import pytest

from distkit.music.base import STEPS_PER_QUARTER
from distkit.music.corpus import Piece
from distkit.music.hmm.key import beat_grid, estimate_key
from distkit.music.hmm.learning import ABSENT_MODE_PRIOR, learn_model
from distkit.music.hmm.model import ChoraleHMM
from distkit.music.hmm.relearning import KeyedPiece, keyed_pieces, piece_key

from .conftest import melody

DISTKIT = str(Path(sys.executable).with_name("distkit"))
TRIADS = {"I": (0, 4, 7), "IV": (5, 9, 0), "V": (7, 11, 2), "vi": (9, 0, 4)}
"""The only chords of the toy corpus (C major), as pitch classes."""
CENTRES = (74, 66, 58, 46)


def toy_roll(seed: int, beats: int = 16) -> np.ndarray:
    """A C major piece in four voices, one triad of TRIADS per beat, ending V-I; each voice on
    the chord tone nearest its centre (the bass on the root)."""
    rng = np.random.default_rng(seed)
    names = [str(name) for name in rng.choice(list(TRIADS), size=beats - 2)] + ["V", "I"]
    roll = np.zeros((4, beats * STEPS_PER_QUARTER, 128), dtype=bool)
    for beat, name in enumerate(names):
        tones = TRIADS[name]
        for voice, centre in enumerate(CENTRES):
            classes = tones[:1] if voice == 3 else tones[voice % 3 :] + tones[: voice % 3]
            pitch = min(
                (p for p in range(centre - 6, centre + 7) if p % 12 in classes[:2]),
                key=lambda p: abs(p - centre),
            )
            roll[voice, beat * STEPS_PER_QUARTER : (beat + 1) * STEPS_PER_QUARTER, pitch] = True
    return roll


def write_midi(roll: np.ndarray, path: Path) -> None:
    midi = pretty_midi.PrettyMIDI(initial_tempo=120)  # a step is a sixteenth: 0.125 s
    for voice in range(4):
        track = pretty_midi.Instrument(program=52, name=f"part {voice}")
        for beat in range(roll.shape[1] // STEPS_PER_QUARTER):
            (pitch,) = np.flatnonzero(roll[voice, beat * STEPS_PER_QUARTER])
            track.notes.append(pretty_midi.Note(80, int(pitch), beat * 0.5, beat * 0.5 + 0.5))
        midi.instruments.append(track)
    midi.write(str(path))


def toy_folder(folder: Path, count: int) -> Path:
    folder.mkdir(parents=True)
    for index in range(count):
        write_midi(toy_roll(index), folder / f"toy{index:02d}.mid")
    return folder


def beat_classes(arrangement: np.ndarray, voices: slice) -> list[set[int]]:
    """The pitch classes the given voices sound at each beat's first step."""
    onsets = arrangement[voices, ::STEPS_PER_QUARTER]
    return [
        {int(p) % 12 for p in np.flatnonzero(onsets[:, beat].any(axis=0))}
        for beat in range(onsets.shape[1])
    ]


TUNE = melody(*[(p, 4) for p in (72, 76, 77, 74, 79, 77, 76, 74)], (72, 8))


def test_a_piece_s_key_is_heard_in_all_its_voices() -> None:
    assert piece_key(toy_roll(3)) == (0, "major")
    shifted = np.roll(toy_roll(3), 2, axis=2)  # up a tone: D major
    assert piece_key(shifted) == (2, "major")


def test_the_relearned_model_harmonizes_with_the_corpus_s_chords_only() -> None:
    pieces = [Piece(f"toy{i}", f"toy{i}", toy_roll(i)) for i in range(12)]
    tables, context = learn_model(keyed_pieces(pieces))
    arrangement = ChoraleHMM(tables=tables, context=context).harmonize(TUNE)
    triads = [set(tones) for tones in TRIADS.values()]
    lower = beat_classes(arrangement, slice(1, 4))
    assert all(any(classes <= triad for triad in triads) for classes in lower if classes)
    assert np.array_equal(arrangement[0], TUNE)
    bach = beat_classes(ChoraleHMM().harmonize(TUNE), slice(1, 4))
    assert bach != lower  # the shipped model, learned from Bach, harmonizes otherwise


def test_a_corpus_in_one_mode_never_hears_the_other() -> None:
    keyed = [KeyedPiece(f"toy{i}", toy_roll(i), 0, "major") for i in range(6)]
    tables, _ = learn_model(keyed)
    assert tables.mode_prior[1] / tables.mode_prior[0] == pytest.approx(ABSENT_MODE_PRIOR)
    a_minor = melody(*[(p, 4) for p in (69, 71, 72, 71, 69, 68, 69)])
    assert estimate_key(beat_grid(np.argmax(a_minor, axis=1)), tables)[1] == "major"


@pytest.fixture
def env(tmp_path: Path) -> dict[str, str]:
    return {
        **os.environ,
        "DISTKIT_DATA_DIR": str(tmp_path / "data"),
        "DISTKIT_CACHE_DIR": str(tmp_path / "cache"),
    }


def run(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [DISTKIT, *args], env=env, capture_output=True, text=True, timeout=300, check=False
    )


def test_train_hmm_registers_a_model_that_list_and_compose_use(
    tmp_path: Path, env: dict[str, str]
) -> None:
    folder = toy_folder(tmp_path / "toy", 12)
    (folder / "broken.mid").write_bytes(b"MThd\x00\x00\x00\x06not really midi")
    trained = run(env, "models", "train-hmm", "--corpus", str(folder), "--name", "toy-hmm",
                  "--epochs", "2")  # fmt: skip
    assert trained.returncode == 0, trained.stderr
    assert "skipped broken.mid: " in trained.stdout
    assert "kept 12 pieces in 4 voices" in trained.stdout
    assert "registered toy-hmm" in trained.stdout
    stored = tmp_path / "data" / "models" / "toy-hmm"
    assert sorted(p.name for p in stored.iterdir()) == [
        "context.npz",
        "model.json",
        "ornaments.npz",
        "tables.npz",
    ]

    listed = json.loads(run(env, "list", "--json").stdout)["music_models"]
    mine = next(model for model in listed if model["name"] == "toy-hmm")
    assert mine["corpus"] == str(folder)
    assert mine["created"][:4].isdigit()

    out = tmp_path / "toy.mid"
    composed = run(env, "compose", "--notes", "C5 E5 F5 D5 G5 F5 E5 D5 C5:2", "--model",
                   "toy-hmm", "-o", str(out))  # fmt: skip
    assert composed.returncode == 0, composed.stderr
    assert "with toy-hmm (plugin distkit.user_models)" in composed.stdout
    tracks = pretty_midi.PrettyMIDI(str(out)).instruments
    assert len(tracks) == 4
    triads = [set(tones) for tones in TRIADS.values()]
    for beat in range(9):
        sounding = {
            n.pitch % 12 for t in tracks[1:] for n in t.notes if n.start <= beat * 0.5 < n.end
        }
        assert any(sounding <= triad for triad in triads), (beat, sounding)

    again = run(env, "models", "train-hmm", "--corpus", str(folder), "--name", "toy-hmm")
    assert again.returncode == 2
    assert again.stderr.strip().count("\n") == 0
    assert "registered already" in again.stderr


@pytest.mark.parametrize("files", [0, 2])
def test_a_corpus_too_small_is_one_line_and_nothing_is_registered(
    tmp_path: Path, env: dict[str, str], files: int
) -> None:
    folder = toy_folder(tmp_path / "small", files)
    (folder / "notes.txt").write_text("not music")
    refused = run(env, "models", "train-hmm", "--corpus", str(folder), "--name", "small")
    assert refused.returncode == 2
    assert refused.stderr.strip().count("\n") == 0, refused.stderr
    assert refused.stderr.startswith("Error: ")
    assert "Traceback" not in refused.stderr
    assert not (tmp_path / "data" / "models" / "small").exists()


def test_the_name_of_an_installed_model_is_refused_before_reading(
    tmp_path: Path, env: dict[str, str]
) -> None:
    refused = run(env, "models", "train-hmm", "--corpus", str(tmp_path / "nothing-here"),
                  "--name", "chorale-hmm")  # fmt: skip
    assert refused.returncode == 2
    assert "is the name of an installed model" in refused.stderr


@pytest.mark.parametrize("damaged", ["tables.npz", "context.npz", "ornaments.npz"])
def test_a_damaged_file_of_a_stored_model_is_named_with_the_way_out(
    tmp_path: Path, damaged: str
) -> None:
    from distkit.errors import ModelRegistryError
    from distkit.music.hmm import relearning
    from distkit.music.hmm.context_training import save_context
    from distkit.music.hmm.learning import save_tables
    from distkit.music.hmm.model import ChoraleHMM
    from distkit.music.hmm.ornament_learning import save_ornaments

    folder = tmp_path / "toy-hmm"
    folder.mkdir()
    shipped = ChoraleHMM()
    assert shipped.context is not None
    assert shipped.ornaments is not None
    save_tables(shipped.tables, folder / "tables.npz")
    save_context(shipped.context, str(folder / "context.npz"))
    save_ornaments(shipped.ornaments, folder / "ornaments.npz")
    assert relearning.from_folder(folder, None) is not None
    (folder / damaged).write_bytes(b"not an npz at all")
    with pytest.raises(ModelRegistryError, match=rf"^{damaged} of .* remove toy-hmm` and train"):
        relearning.from_folder(folder, None)
