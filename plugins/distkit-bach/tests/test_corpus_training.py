"""`distkit bach train --corpus SOURCE --name NAME` trains on any four-voice corpus, resumes from
its checkpoint and registers a named model; `distkit bach register` makes `--out` weights usable
by compose."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pretty_midi
import pytest
import torch
from distkit_bach.corpus_training import corpus_windows
from distkit_bach.networks import UNetGenerator
from distkit_bach.training import TrainConfig, save_weights, train_windows

from distkit.music.corpus import Piece

DISTKIT = str(Path(sys.executable).with_name("distkit"))
SHORT = [
    "--iterations", "4", "--checkpoint-every", "2", "--log-every", "2", "--batch-size", "4",
    "--critic-steps", "1", "--filters", "4", "--threads", "1",
]  # fmt: skip
TRIADS = ((0, 4, 7), (5, 9, 0), (7, 11, 2), (9, 0, 4))


def toy_roll(seed: int, beats: int = 16, octave: int = 0) -> np.ndarray:
    """Four voices of triads, one a beat (a quarter, 4 steps), `octave` octaves up."""
    rng = np.random.default_rng(seed)
    roll = np.zeros((4, 4 * beats, 128), dtype=bool)
    for beat in range(beats):
        tones = TRIADS[int(rng.integers(0, 4))] if beat < beats - 1 else TRIADS[0]
        for voice, centre in enumerate((74, 66, 58, 46)):
            wanted = tones[0] if voice == 3 else tones[voice % 3]
            pitch = next(p for p in range(centre, centre + 12) if p % 12 == wanted)
            roll[voice, 4 * beat : 4 * beat + 4, pitch + 12 * octave] = True
    return roll


def toy_folder(folder: Path, count: int, octave: int = 0) -> Path:
    """`count` four-track MIDI files of toy pieces (a quarter note is 0.5 s at 120 bpm)."""
    folder.mkdir(parents=True)
    for index in range(count):
        roll = toy_roll(index, octave=octave)
        midi = pretty_midi.PrettyMIDI(initial_tempo=120)
        for voice in range(4):
            track = pretty_midi.Instrument(program=52, name=f"part {voice}")
            for beat in range(roll.shape[1] // 4):
                (pitch,) = np.flatnonzero(roll[voice, 4 * beat])
                track.notes.append(pretty_midi.Note(80, int(pitch), beat * 0.5, beat * 0.5 + 0.5))
            midi.instruments.append(track)
        midi.write(str(folder / f"toy{index:02d}.mid"))
    return folder


@pytest.fixture
def env(tmp_path: Path) -> dict[str, str]:
    return {
        **os.environ,
        "DISTKIT_DATA_DIR": str(tmp_path / "data"),
        "DISTKIT_CACHE_DIR": str(tmp_path / "cache"),
        "CUDA_VISIBLE_DEVICES": "",
    }


def run(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [DISTKIT, *args], env=env, capture_output=True, text=True, timeout=600, check=False
    )


def test_pieces_out_of_the_network_s_range_are_moved_by_octaves_into_it() -> None:
    high = [Piece(f"p{i}", f"p{i}", toy_roll(i, octave=2)) for i in range(3)]  # up to MIDI 109
    windows = corpus_windows(high, "training", "toy")
    assert len(windows) == 3 * 3  # 16 beats: windows of 8 beats, hop 4
    played = np.flatnonzero(windows.rolls.any(axis=(0, 1, 2)))
    assert played.min() >= 36
    assert played.max() <= 83
    assert set(windows.tonics.tolist()) <= set(range(12))


@pytest.mark.slow
def test_a_corpus_trains_registers_and_compose_uses_it(tmp_path: Path, env: dict[str, str]) -> None:
    folder = toy_folder(tmp_path / "toy", 12)
    (folder / "broken.mid").write_bytes(b"MThd\x00\x00\x00\x06not really midi")
    trained = run(env, "bach", "train", "--corpus", str(folder), "--name", "toy-unet", *SHORT)
    assert trained.returncode == 0, trained.stderr
    assert "skipped broken.mid: " in trained.stdout
    assert "kept 12 pieces in 4 voices" in trained.stdout
    assert "validation at 4" in trained.stdout
    assert "registered toy-unet" in trained.stdout
    assert not (tmp_path / "data" / "training" / "toy-unet").exists()  # checkpoints cleaned up
    stored = tmp_path / "data" / "models" / "toy-unet"
    record = json.loads((stored / "model.json").read_text())
    assert record["factory"] == "distkit_bach.registry:from_folder"
    assert record["details"]["settings"]["iterations"] == 4
    assert torch.load(stored / "weights.pt", weights_only=True)["iteration"] == 4

    listed = json.loads(run(env, "list", "--json").stdout)["music_models"]
    mine = next(model for model in listed if model["name"] == "toy-unet")
    assert mine["corpus"] == str(folder)
    assert mine["style"] == "toy-unet"
    assert mine["created"][:4].isdigit()

    out = tmp_path / "toy.mid"
    composed = run(env, "compose", "--notes", "C5 E5 F5 D5 G5 F5 E5 D5 C5:2", "--model",
                   "toy-unet", "-o", str(out))  # fmt: skip
    assert composed.returncode == 0, composed.stderr
    assert "with toy-unet (plugin distkit.user_models)" in composed.stdout
    tracks = pretty_midi.PrettyMIDI(str(out)).instruments
    assert len(tracks) == 4
    assert [n.pitch for n in tracks[0].notes] == [72, 76, 77, 74, 79, 77, 76, 74, 72]

    again = run(env, "bach", "train", "--corpus", str(folder), "--name", "toy-unet", *SHORT)
    assert again.returncode == 2
    assert again.stderr.strip().count("\n") == 0
    assert "registered already" in again.stderr


@pytest.mark.parametrize(
    ("files", "junk", "extra", "says"),
    [
        (0, False, [], "no MIDI, MusicXML, kern or ABC files"),
        (0, True, [], "only 0 readable piece(s) in 4 voices (of 1 files)"),
        (2, True, [], "at least 3 are needed"),
        (12, False, ["--name", "chorale-hmm"], "is the name of an installed model"),
        (12, False, ["--limit", "3"], "--limit counts chorales"),
    ],
)
def test_refusals_are_one_line_before_any_training(
    tmp_path: Path, env: dict[str, str], files: int, junk: bool, extra: list[str], says: str
) -> None:
    folder = toy_folder(tmp_path / "music", files)
    if junk:
        (folder / "unreadable.mid").write_bytes(b"\x00" * 20)
    name = [] if "--name" in extra else ["--name", "mine"]
    refused = run(env, "bach", "train", "--corpus", str(folder), *name, *extra, *SHORT)
    assert refused.returncode == 2, refused.stdout
    assert refused.stderr.strip().count("\n") == 0, refused.stderr
    assert says in refused.stderr
    assert "training windows" not in refused.stdout
    assert not (tmp_path / "data" / "models").exists()


def test_corpus_without_name_is_a_usage_error(tmp_path: Path, env: dict[str, str]) -> None:
    refused = run(env, "bach", "train", "--corpus", str(tmp_path))
    assert refused.returncode == 2
    assert "--corpus SOURCE and --name NAME go together" in refused.stderr


def test_a_stopped_run_resumes_from_its_checkpoint(tmp_path: Path) -> None:
    pieces = [Piece(f"p{i}", f"p{i}", toy_roll(i)) for i in range(3)]
    windows = corpus_windows(pieces, "training", "toy")
    config = TrainConfig(
        iterations=6, batch_size=4, critic_steps=1, filters=4, threads=1,
        checkpoint_every=2, log_every=1,
    )  # fmt: skip
    out, checkpoint = tmp_path / "w.pt", tmp_path / "checkpoint.pt"

    def stop_at_five(line: str) -> None:
        if line.startswith("iteration 5:"):
            raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        train_windows(config, out, windows, windows, checkpoint=checkpoint, log=stop_at_five)
    assert torch.load(checkpoint, weights_only=True)["iteration"] == 4

    lines: list[str] = []
    train_windows(config, out, windows, windows, checkpoint=checkpoint, log=lines.append)
    assert "resuming at iteration 4" in lines
    assert not any(line.startswith(("iteration 1:", "iteration 4:")) for line in lines)
    assert torch.load(out, weights_only=True)["iteration"] == 6

    other = TrainConfig(iterations=2, batch_size=4, critic_steps=1, filters=4, threads=1)
    lines.clear()
    train_windows(other, out, windows, windows, checkpoint=checkpoint, log=lines.append)
    assert any("was written with other settings; starting afresh" in line for line in lines)


def test_out_weights_register_as_a_named_model_compose_uses(
    tmp_path: Path, env: dict[str, str]
) -> None:
    weights = tmp_path / "my-weights.pt"
    torch.manual_seed(0)
    save_weights(UNetGenerator(4), weights, TrainConfig(filters=4), 3, {"frame_accuracy": 0.1})
    registered = run(env, "bach", "register", str(weights), "--name", "my-bach")
    assert registered.returncode == 0, registered.stderr
    assert "registered my-bach" in registered.stdout
    listed = json.loads(run(env, "list", "--json").stdout)["music_models"]
    mine = next(model for model in listed if model["name"] == "my-bach")
    assert (mine["style"], mine["corpus"]) == ("bach-chorale", "bach")
    assert mine["voices"] == ["soprano", "alto", "tenor", "bass"]
    out = tmp_path / "mine.mid"
    composed = run(env, "compose", "--notes", "C5 D5 E5 C5", "--model", "my-bach", "-o", str(out))
    assert composed.returncode == 0, composed.stderr
    assert len(pretty_midi.PrettyMIDI(str(out)).instruments) == 4

    junk = tmp_path / "junk.pt"
    junk.write_bytes(b"not torch")
    refused = run(env, "bach", "register", str(junk), "--name", "junk")
    assert refused.returncode == 2
    assert refused.stderr.strip().count("\n") == 0
    assert "is not a weights file written by `distkit bach train`" in refused.stderr
    assert not (tmp_path / "data" / "models" / "junk").exists()

    fifo = tmp_path / "fifo.pt"
    os.mkfifo(fifo)
    piped = run(env, "bach", "register", str(fifo), "--name", "piped")  # under run's timeout
    assert piped.returncode == 2
    assert f"{fifo} is not a regular file; give a weights file" in piped.stderr


@pytest.mark.slow
def test_ctrl_c_registers_nothing_and_the_next_run_resumes(
    tmp_path: Path, env: dict[str, str]
) -> None:
    import signal
    import time

    folder = toy_folder(tmp_path / "toy", 6)
    args = [DISTKIT, "bach", "train", "--corpus", str(folder), "--name", "toy",
            "--iterations", "100000", "--checkpoint-every", "2", "--log-every", "1000",
            "--batch-size", "2", "--critic-steps", "1", "--filters", "4"]  # fmt: skip
    checkpoint = tmp_path / "data" / "training" / "toy" / "checkpoint.pt"
    first = subprocess.Popen(args, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    deadline = time.monotonic() + 300
    while not checkpoint.exists() and time.monotonic() < deadline and first.poll() is None:
        time.sleep(0.2)
    first.send_signal(signal.SIGINT)
    _, stderr = first.communicate(timeout=120)
    assert first.returncode != 0
    assert b"Traceback" not in stderr
    assert checkpoint.is_file()
    assert not (tmp_path / "data" / "models").exists()

    again = subprocess.Popen(
        args, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )
    assert again.stdout is not None
    seen = []
    for _ in range(8):
        seen.append(again.stdout.readline())
        if seen[-1].startswith("resuming at iteration "):
            break
    again.send_signal(signal.SIGINT)
    again.communicate(timeout=120)
    assert seen[-1].startswith("resuming at iteration "), seen
    assert not (tmp_path / "data" / "models").exists()


@pytest.mark.slow
def test_corpus_training_runs_under_torchrun_and_registers_once(
    tmp_path: Path, env: dict[str, str]
) -> None:
    folder = toy_folder(tmp_path / "toy", 6)
    command = [
        sys.executable, "-m", "torch.distributed.run", "--standalone", "--nproc_per_node", "2",
        "--no-python", str(Path(sys.executable).with_name("distkit-bach")), "train",
        "--corpus", str(folder), "--name", "ddp", *SHORT,
    ]  # fmt: skip
    result = subprocess.run(command, capture_output=True, text=True, env=env, timeout=300)
    assert result.returncode == 0, result.stderr[-2000:]
    assert "2 process(es)" in result.stdout
    assert result.stdout.count("registered ddp") == 1
    assert (tmp_path / "data" / "models" / "ddp" / "weights.pt").is_file()
