"""Training really learns, and runs unchanged under torchrun with two CPU processes."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
import torch
from click.testing import CliRunner
from distkit_coconet.cli import coconet
from distkit_coconet.model import BachCoconet
from distkit_coconet.network import Infiller
from distkit_coconet.settings import GibbsSettings
from distkit_coconet.training import TrainConfig, save_weights, train

from distkit.music.chorales import Chorale, split_of
from distkit.music.metrics import panel, summarise


def test_train_refuses_to_overwrite_weights_without_force(tmp_path: Path) -> None:
    out = tmp_path / "weights.pt"
    out.write_bytes(b"keep me")
    result = CliRunner().invoke(coconet, ["train", "--out", str(out)])
    assert result.exit_code == 2
    assert "--force" in result.output
    assert out.read_bytes() == b"keep me"


@pytest.mark.slow
def test_a_short_run_moves_the_harmonies_towards_bach_on_its_training_slice(
    few_chorales: list[Chorale], tmp_path: Path
) -> None:
    tiny = [c for c in few_chorales if split_of(c.id) == "train"][:3]
    config = TrainConfig(
        iterations=400,
        batch_size=16,
        channels=64,
        stacks=1,
        learning_rate=3e-3,
        seed=2,
        checkpoint_every=150,
    )
    untrained = tmp_path / "untrained.pt"
    torch.manual_seed(config.seed)
    save_weights(Infiller(config.channels, config.stacks), untrained, config, 0, {})
    lines: list[str] = []

    metrics = train(config, tmp_path / "w.pt", chorales=tiny, log=lines.append)

    losses = [float(line.split()[4]) for line in lines if line.startswith("validation at")]
    assert len(losses) == 3
    assert losses[-1] < losses[0]
    assert metrics["validation_loss"] == pytest.approx(min(losses), abs=1e-4)
    before, after = (_panel(weights, tiny) for weights in (untrained, tmp_path / "w.pt"))
    assert after["beat_chord"] > before["beat_chord"] + 0.08
    frames = ("frame_alto", "frame_tenor", "frame_bass")
    assert sum(after[f] for f in frames) > sum(before[f] for f in frames) + 0.5
    nll_before, nll_after = (
        BachCoconet(w).negative_log_likelihood(tiny[0].roll) for w in (untrained, tmp_path / "w.pt")
    )
    assert nll_after < nll_before - 0.5


def _panel(weights: Path, chorales: list[Chorale]) -> dict[str, float]:
    model = BachCoconet(weights, GibbsSettings(passes=24, final_temperature=0.3))
    tallies = [
        panel(model.harmonize(c.roll[0], seed=0), c.roll, c.tonic, c.fermatas) for c in chorales
    ]
    return {name: figure.value for name, figure in summarise(tallies, resamples=10).items()}


@pytest.mark.slow
def test_train_runs_under_torchrun_with_two_cpu_processes(
    chorale_cache: Path, tmp_path: Path
) -> None:
    out = tmp_path / "ddp.pt"
    command = [
        sys.executable, "-m", "torch.distributed.run", "--standalone", "--nproc_per_node", "2",
        "--no-python",
        str(Path(sys.executable).with_name("distkit-coconet")), "train", "--iterations", "4",
        "--limit", "8", "--batch-size", "8", "--channels", "16", "--stacks", "1",
        "--checkpoint-every", "2", "--log-every", "2", "--out", str(out),
    ]  # fmt: skip
    env = {**os.environ, "DISTKIT_CACHE_DIR": str(chorale_cache), "CUDA_VISIBLE_DEVICES": ""}
    result = subprocess.run(command, capture_output=True, text=True, env=env, timeout=300)

    assert result.returncode == 0, result.stderr[-2000:]
    assert "2 process(es)" in result.stdout
    assert result.stdout.count("validation at 4") == 1
    record = torch.load(out, weights_only=True)
    assert record["config"]["batch_size"] == 8
    assert record["iteration"] in (2, 4)
