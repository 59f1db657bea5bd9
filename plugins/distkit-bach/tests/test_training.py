"""Training really learns, and runs unchanged under torchrun with two CPU processes."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
import torch
from distkit_bach.data import window_set
from distkit_bach.model import BachUNet, load_generator
from distkit_bach.networks import UNetGenerator
from distkit_bach.training import TrainConfig, evaluate, save_weights, train

from distkit.music.chorales import Chorale, split_of
from distkit.music.metrics import panel, summarise


@pytest.mark.slow
def test_a_short_run_moves_the_generator_towards_its_training_slice(
    few_chorales: list[Chorale], tmp_path: Path
) -> None:
    tiny = [c for c in few_chorales if split_of(c.id) == "train"][:2]
    config = TrainConfig(
        iterations=100, batch_size=16, critic_steps=1, seed=5, threads=1, checkpoint_every=1000
    )
    slice_windows = window_set(tiny)
    torch.manual_seed(config.seed)
    before = evaluate(UNetGenerator(config.filters), slice_windows)

    train(config, tmp_path / "w.pt", chorales=tiny, log=lambda _: None)
    after = evaluate(load_generator(tmp_path / "w.pt"), slice_windows)

    assert after["frame_accuracy"] > before["frame_accuracy"] + 0.06
    assert after["in_range"] > max(0.95, before["in_range"])
    untrained = tmp_path / "untrained.pt"
    torch.manual_seed(config.seed)
    save_weights(UNetGenerator(config.filters), untrained, config, 0, {})
    frames_before, frames_after = (
        _panel_frames(weights, tiny) for weights in (untrained, tmp_path / "w.pt")
    )
    assert frames_after > frames_before + 0.05


def _panel_frames(weights: Path, chorales: list[Chorale]) -> float:
    """Frame accuracy of alto, tenor and bass on the teacher's panel, over whole chorales."""
    tallies = [
        panel(BachUNet(weights).harmonize(c.roll[0], seed=0), c.roll, c.tonic, c.fermatas)
        for c in chorales
    ]
    figures = summarise(tallies, resamples=10)
    return sum(figures[f"frame_{voice}"].value for voice in ("alto", "tenor", "bass")) / 3


@pytest.mark.slow
def test_train_runs_under_torchrun_with_two_cpu_processes(
    chorale_cache: Path, tmp_path: Path
) -> None:
    out = tmp_path / "ddp.pt"
    command = [
        sys.executable, "-m", "torch.distributed.run", "--standalone", "--nproc_per_node", "2",
        "--no-python",
        str(Path(sys.executable).with_name("distkit-bach")), "train", "--iterations", "3",
        "--limit", "8", "--critic-steps", "1", "--batch-size", "8", "--threads", "1",
        "--out", str(out),
    ]  # fmt: skip
    env = {**os.environ, "DISTKIT_CACHE_DIR": str(chorale_cache), "CUDA_VISIBLE_DEVICES": ""}
    result = subprocess.run(command, capture_output=True, text=True, env=env, timeout=300)

    assert result.returncode == 0, result.stderr[-2000:]
    assert "2 process(es)" in result.stdout
    assert result.stdout.count("validation at 3") == 1
    assert torch.load(out, weights_only=True)["iteration"] == 3
