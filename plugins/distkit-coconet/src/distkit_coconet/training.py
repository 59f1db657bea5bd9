"""Masked-voice training of the infiller, on one process or under torchrun with DDP.

Each rank draws its own crops, transpositions and masks (seeded by the run's seed and its rank);
all ranks start from the same weights and DDP averages their gradients. Rank 0 alone evaluates
on the validation split and writes the weights: the checkpoint with the lowest validation loss.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import torch
import torch.nn.functional as F
from torch.nn.parallel import DistributedDataParallel

from distkit.music.training.checkpoints import checkpoint_record, cpu_state, save_checkpoint
from distkit.music.training.distributed import process_group, rank_seed, rank_zero_log
from distkit_coconet.data import TOKENS, TokenSet, random_masks, sample_batch
from distkit_coconet.network import Infiller, network_input

if TYPE_CHECKING:
    from distkit.music.chorales import Chorale


@dataclass(frozen=True)
class TrainConfig:
    """Everything a training run depends on; stored beside the weights."""

    iterations: int = 20000
    batch_size: int = 64
    channels: int = 128
    stacks: int = 2
    learning_rate: float = 1e-3
    weight_decay: float = 1e-4
    seed: int = 0
    threads: int = 1
    log_every: int = 100
    checkpoint_every: int = 500
    validation_crops: int = 256
    limit: int | None = None  # parse only the first N chorale files (quick runs, tests)


def train(
    config: TrainConfig,
    out: Path,
    *,
    chorales: Sequence[Chorale] | None = None,
    log: Callable[[str], None] = print,
) -> dict[str, float]:
    """Train on the train split, keep the weights best on the validation split; rank 0 writes."""
    torch.set_num_threads(config.threads)
    with process_group("gloo") as (rank, world):
        return _train(config, out, chorales, rank_zero_log(log, rank), rank, world)


def splits(chorales: Sequence[Chorale] | None, limit: int | None) -> tuple[TokenSet, TokenSet]:
    """Train-split tokens, and validation tokens (the train ones when the split has none)."""
    from distkit.music.chorales import load_chorales, split_chorales

    parts = split_chorales(chorales if chorales is not None else load_chorales(limit=limit))
    return (
        TokenSet.from_chorales(parts["train"]),
        TokenSet.from_chorales(parts["validation"] or parts["train"]),
    )


def masked_loss(network: Any, tokens: torch.Tensor, hidden: torch.Tensor) -> torch.Tensor:
    """Mean cross-entropy of the hidden alto, tenor and bass cells given the visible ones."""
    logits = network(network_input(tokens, hidden))
    target = tokens[:, 1:]
    losses = F.cross_entropy(
        logits.reshape(-1, TOKENS), target.clamp(min=0).reshape(-1), reduction="none"
    )
    weights = hidden.reshape(-1).float()
    return (losses * weights).sum() / weights.sum().clamp(min=1)


def validation_batches(
    data: TokenSet, crops: int, seed: int
) -> list[tuple[torch.Tensor, torch.Tensor]]:
    """Fixed crops and masks of the validation split, the same at every checkpoint."""
    rng = np.random.default_rng([seed, 10**6])
    tokens = sample_batch(data, crops, rng)
    hidden = random_masks(tokens, rng)
    return [
        (torch.from_numpy(tokens[s : s + 64]), torch.from_numpy(hidden[s : s + 64]))
        for s in range(0, crops, 64)
    ]


def validation_loss(network: Infiller, batches: list[tuple[torch.Tensor, torch.Tensor]]) -> float:
    was_training = network.training
    network.eval()
    total = count = 0.0
    with torch.no_grad():
        for tokens, hidden in batches:
            cells = float(hidden.sum())
            total += float(masked_loss(network, tokens, hidden)) * cells
            count += cells
    network.train(was_training)
    return total / max(count, 1.0)


def _train(
    config: TrainConfig,
    out: Path,
    chorales: Sequence[Chorale] | None,
    log: Callable[[str], None],
    rank: int,
    world: int,
) -> dict[str, float]:
    torch.manual_seed(config.seed)  # the same initial weights on every rank
    network = Infiller(config.channels, config.stacks)
    rng = np.random.default_rng(rank_seed(config.seed, rank))
    if chorales is None:
        log("Loading the Bach chorales (parsed from music21 on first use: about 2 minutes)")
    train_set, validation = splits(chorales, config.limit)
    log(
        f"{len(train_set.pieces)} training chorales ({train_set.steps} steps), "
        f"{len(validation.pieces)} validation chorales; {world} process(es)"
    )
    model: Any = DistributedDataParallel(network) if world > 1 else network
    optimizer = torch.optim.AdamW(
        network.parameters(), lr=config.learning_rate, weight_decay=config.weight_decay
    )
    schedule = torch.optim.lr_scheduler.LambdaLR(
        optimizer,
        lambda i: 0.1 + 0.9 * 0.5 * (1 + math.cos(math.pi * min(i / config.iterations, 1))),
    )
    per_rank = max(1, config.batch_size // world)
    held_out = (
        validation_batches(validation, config.validation_crops, config.seed) if rank == 0 else []
    )
    best = math.inf
    metrics: dict[str, float] = {}
    started = time.perf_counter()
    for iteration in range(1, config.iterations + 1):
        tokens = sample_batch(train_set, per_rank, rng)
        hidden = random_masks(tokens, rng)
        loss = masked_loss(model, torch.from_numpy(tokens), torch.from_numpy(hidden))
        optimizer.zero_grad(set_to_none=True)
        torch.autograd.backward(loss)
        optimizer.step()
        schedule.step()
        if iteration % config.log_every == 0:
            seconds = (time.perf_counter() - started) / iteration
            log(f"iteration {iteration}: loss {loss.item():.4f} ({seconds:.3f} s/iteration)")
        checkpoint = iteration % config.checkpoint_every == 0 or iteration == config.iterations
        if checkpoint and rank == 0:
            current = validation_loss(network, held_out)
            improved = current < best
            log(f"validation at {iteration}: loss {current:.4f}" + (" (best)" if improved else ""))
            if improved:
                best = current
                metrics = {"validation_loss": current, "iteration": float(iteration)}
                save_weights(network, out, config, iteration, metrics)
    if rank == 0:
        log(f"trained in {time.perf_counter() - started:.0f} s; best validation loss {best:.4f}")
    return metrics


def save_weights(
    network: Infiller, out: Path, config: TrainConfig, iteration: int, metrics: dict[str, float]
) -> None:
    """Write the network's weights with the run's settings, whole."""
    record = checkpoint_record(
        config,
        iteration,
        metrics,
        network=cpu_state(network),
        channels=network.channels,
        stacks=network.stacks,
    )
    save_checkpoint(record, out)
