"""Checkpoints of a training run: the weights and the settings that made them, written whole."""

from __future__ import annotations

from dataclasses import asdict
from pathlib import Path
from typing import Any


def checkpoint_record(
    config: Any, iteration: int, metrics: dict[str, float], **model: Any
) -> dict[str, Any]:
    """What a checkpoint holds: the model's own entries (weights, sizes), the run's settings (a
    dataclass), the iteration it was taken at and the validation figures then."""
    return {**model, "iteration": iteration, "config": asdict(config), "metrics": metrics}


def save_checkpoint(record: dict[str, Any], out: Path) -> None:
    """Write `record` with torch.save beside `out` and move it into place, so that a run stopped
    mid-write keeps the checkpoint it had."""
    import torch

    out.parent.mkdir(parents=True, exist_ok=True)
    partial = out.with_name(out.name + ".partial")
    torch.save(record, partial)
    partial.replace(out)


def cpu_state(module: Any) -> dict[str, Any]:
    """A module's weights, detached and on the CPU, as a checkpoint stores them."""
    return {name: value.detach().cpu() for name, value in module.state_dict().items()}
