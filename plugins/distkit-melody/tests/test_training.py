"""Training learns, resumes where it stopped, and runs under torchrun with two CPU processes."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
import torch
from distkit_melody.training import TrainConfig, train

TINY = {
    "batch_size": 8, "width": 32, "layers": 1, "heads": 2, "context": 32, "log_every": 2,
    "validation_tunes": 30, "limit": 1, "learning_rate": 3e-3, "warmup": 2,
}  # fmt: skip


def validation_readings(lines: list[str]) -> list[float]:
    return [float(line.split()[4]) for line in lines if line.startswith("validation at")]


@pytest.mark.slow
def test_a_short_run_lowers_the_validation_nll(tune_cache: Path, tmp_path: Path) -> None:
    lines: list[str] = []
    config = TrainConfig(iterations=60, checkpoint_every=20, **TINY)  # type: ignore[arg-type]
    metrics = train(config, tmp_path / "w.pt", log=lines.append)
    readings = validation_readings(lines)
    assert len(readings) == 3
    assert readings[-1] < readings[0] - 0.3
    assert metrics["validation_nll"] == pytest.approx(min(readings), abs=1e-4)
    record = torch.load(tmp_path / "w.pt", weights_only=True)
    assert record["shape"]["width"] == 32
    assert all(value.dtype == torch.float16 for value in record["network"].values())


@pytest.mark.slow
def test_a_stopped_run_resumes_from_its_last_checkpoint(tune_cache: Path, tmp_path: Path) -> None:
    first: list[str] = []
    train(
        TrainConfig(iterations=4, checkpoint_every=2, **TINY),
        tmp_path / "w.pt",  # type: ignore[arg-type]
        log=first.append,
    )
    again: list[str] = []
    train(
        TrainConfig(iterations=6, checkpoint_every=2, **TINY),
        tmp_path / "w.pt",  # type: ignore[arg-type]
        log=again.append,
    )
    assert any(line.startswith("resumed at iteration 5") for line in again)
    assert not any(line.startswith("validation at 2") for line in again)
    assert any(line.startswith("validation at 6") for line in again)


@pytest.mark.slow
def test_train_runs_under_torchrun_with_two_cpu_processes(tune_cache: Path, tmp_path: Path) -> None:
    out = tmp_path / "ddp.pt"
    command = [
        sys.executable, "-m", "torch.distributed.run", "--standalone", "--nproc_per_node", "2",
        "-m", "distkit_melody.training", "--iterations", "4", "--limit", "1",
        "--batch-size", "8", "--width", "32", "--layers", "1", "--heads", "2", "--context", "32",
        "--checkpoint-every", "2", "--log-every", "2", "--validation-tunes", "20",
        "--out", str(out),
    ]  # fmt: skip
    env = {**os.environ, "DISTKIT_CACHE_DIR": str(tune_cache), "CUDA_VISIBLE_DEVICES": ""}
    result = subprocess.run(command, capture_output=True, text=True, env=env, timeout=600)

    assert result.returncode == 0, result.stderr[-2000:]
    assert "2 process(es)" in result.stdout
    assert result.stdout.count("validation at 4") == 1
    assert out.with_name("ddp.pt.resume0").exists()
    assert out.with_name("ddp.pt.resume1").exists()
    record = torch.load(out, weights_only=True)
    assert record["config"]["batch_size"] == 8
