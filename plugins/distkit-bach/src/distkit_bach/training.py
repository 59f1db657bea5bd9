"""WGAN-GP training of the U-Net generator, on one process or under torchrun with DDP.

`train` learns from the chorales' train split; `train_windows` from any windows (a corpus's,
see `corpus_training`), and, given a checkpoint path, writes there every `checkpoint_every`
iterations what it needs to carry on (both networks, both optimizers, the iteration) and resumes
from it when started again with the same settings.
"""

from __future__ import annotations

import time
import warnings
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import torch
import torch.nn.functional as F
from torch.nn.parallel import DistributedDataParallel

from distkit.music.training.checkpoints import checkpoint_record, cpu_state, save_checkpoint
from distkit.music.training.distributed import (
    process_group,
    rank_device,
    rank_seed,
    rank_zero_log,
)
from distkit_bach.data import WindowSet, crop, sample_batch, window_set
from distkit_bach.evaluation import accompaniment_metrics
from distkit_bach.inference import binarize
from distkit_bach.networks import Critic, UNetGenerator

if TYPE_CHECKING:
    from distkit.music.chorales import Chorale


@dataclass(frozen=True)
class TrainConfig:
    """Everything a training run depends on; stored beside the weights."""

    iterations: int = 1500
    batch_size: int = 64
    critic_steps: int = 2
    filters: int = 16
    learning_rate: float = 1e-3
    gradient_penalty: float = 10.0
    reconstruction_weight: float = 10.0
    seed: int = 0
    threads: int = 2
    log_every: int = 25
    checkpoint_every: int = 100
    limit: int | None = None  # parse only the first N chorale files (quick runs, tests)


def train(
    config: TrainConfig,
    out: Path,
    *,
    chorales: Sequence[Chorale] | None = None,
    log: Callable[[str], None] = print,
) -> dict[str, float]:
    """Train from the train split, evaluate on the validation split; rank 0 writes `out`."""
    with process_group() as (rank, world):
        rank_log = rank_zero_log(log, rank)
        if chorales is None:
            rank_log(
                "Loading the Bach chorales (parsed from music21 on first use: about 2 minutes)"
            )
        train_set, validation = _datasets(chorales, config.limit)
        return _train(config, out, train_set, validation, rank_log, rank, world, None)


def train_windows(
    config: TrainConfig,
    out: Path,
    train_set: WindowSet,
    validation: WindowSet,
    *,
    checkpoint: Path | None = None,
    log: Callable[[str], None] = print,
) -> dict[str, float]:
    """Train on `train_set`, evaluate on `validation`; rank 0 writes `out` and, if given, the
    `checkpoint` a run started again with the same settings resumes from."""
    with process_group() as (rank, world):
        return _train(
            config, out, train_set, validation, rank_zero_log(log, rank), rank, world, checkpoint
        )


def _datasets(chorales: Sequence[Chorale] | None, limit: int | None) -> tuple[WindowSet, WindowSet]:
    """Train-split windows, and validation windows (train ones when the split has none)."""
    from distkit.music.chorales import load_chorales, split_chorales

    splits = split_chorales(chorales if chorales is not None else load_chorales(limit=limit))
    return window_set(splits["train"]), window_set(splits["validation"] or splits["train"])


def _train(
    config: TrainConfig,
    out: Path,
    train_set: WindowSet,
    validation: WindowSet,
    log: Callable[[str], None],
    rank: int,
    world: int,
    checkpoint_file: Path | None,
) -> dict[str, float]:
    torch.set_num_threads(config.threads)
    # The gradient penalty's double backward leaves one grad in a layout DDP copies; harmless.
    warnings.filterwarnings("ignore", message="Grad strides do not match bucket view strides")
    device = rank_device(rank)
    torch.manual_seed(config.seed)  # the same initial weights on every rank
    log(f"{len(train_set)} training windows, {len(validation)} validation windows")
    log(f"{world} process(es), {config.critic_steps} critic steps per generator step")
    generator, critic = UNetGenerator(config.filters).to(device), Critic(config.filters).to(device)
    betas = (0.5, 0.9)
    g_opt = torch.optim.Adam(generator.parameters(), lr=config.learning_rate, betas=betas)
    c_opt = torch.optim.Adam(critic.parameters(), lr=config.learning_rate, betas=betas)
    start = 0
    if checkpoint_file is not None and checkpoint_file.is_file():
        state = torch.load(checkpoint_file, map_location=device, weights_only=True)
        if state["config"] == asdict(config):
            generator.load_state_dict(state["generator"])
            critic.load_state_dict(state["critic"])
            g_opt.load_state_dict(state["generator_optimizer"])
            c_opt.load_state_dict(state["critic_optimizer"])
            start = int(state["iteration"])
            log(f"resuming at iteration {start}")
        else:
            log(f"{checkpoint_file} was written with other settings; starting afresh")
    g_model: Any = generator
    c_model: Any = critic
    if world > 1:
        g_model, c_model = DistributedDataParallel(generator), DistributedDataParallel(critic)
    rng = np.random.default_rng([config.seed, rank, start])
    per_rank = max(1, config.batch_size // world)
    torch.manual_seed(rank_seed(config.seed + start, rank))  # each rank its own noise and mixes

    def batch() -> tuple[torch.Tensor, torch.Tensor]:
        rolls, _ = sample_batch(train_set, per_rank, rng)
        tensor = torch.from_numpy(rolls).to(device)
        return tensor[:, :1], tensor[:, 1:]

    metrics: dict[str, float] = {}
    if rank == 0:
        metrics = evaluate(generator, validation, seed=config.seed)
        log(_format(start, metrics))
    started = time.perf_counter()
    for iteration in range(start + 1, config.iterations + 1):
        for _ in range(config.critic_steps):
            melody, real = batch()
            with torch.no_grad():
                fake = torch.sigmoid(g_model(melody, torch.randn_like(melody)))
            c_loss, distance = _critic_loss(c_model, melody, real, fake, config.gradient_penalty)
            c_opt.zero_grad(set_to_none=True)
            torch.autograd.backward(c_loss)
            c_opt.step()
        melody, real = batch()
        logits = g_model(melody, torch.randn_like(melody))
        critic.requires_grad_(False)
        adversarial = -critic(melody, torch.sigmoid(logits)).mean()
        critic.requires_grad_(True)
        reconstruction = F.binary_cross_entropy_with_logits(logits, real, reduction="none")
        g_loss = adversarial + config.reconstruction_weight * reconstruction.sum(-1).mean()
        g_opt.zero_grad(set_to_none=True)
        g_loss.backward()
        g_opt.step()
        if iteration % config.log_every == 0:
            seconds = (time.perf_counter() - started) / (iteration - start)
            log(
                f"iteration {iteration}: critic {c_loss.item():.3f} wasserstein {distance:.3f} "
                f"generator {g_loss.item():.3f} reconstruction "
                f"{reconstruction.sum(-1).mean().item():.3f} ({seconds:.2f} s/iteration)"
            )
        checkpoint = iteration % config.checkpoint_every == 0 or iteration == config.iterations
        if checkpoint and rank == 0:
            metrics = evaluate(generator, validation, seed=config.seed)
            log(_format(iteration, metrics))
            save_weights(generator, out, config, iteration, metrics)
            if checkpoint_file is not None:
                state = {
                    "generator": cpu_state(generator),
                    "critic": cpu_state(critic),
                    "generator_optimizer": g_opt.state_dict(),
                    "critic_optimizer": c_opt.state_dict(),
                    "config": asdict(config),
                    "iteration": iteration,
                }
                save_checkpoint(state, checkpoint_file)
    return metrics


def _critic_loss(
    critic: Any, melody: torch.Tensor, real: torch.Tensor, fake: torch.Tensor, weight: float
) -> tuple[torch.Tensor, float]:
    """Wasserstein critic loss with gradient penalty, from one forward pass of the critic."""
    mix = torch.rand(len(real), 1, 1, 1, device=real.device)
    between = (mix * real + (1 - mix) * fake).requires_grad_(True)
    scores = critic(melody.repeat(3, 1, 1, 1), torch.cat([real, fake, between]))
    real_score, fake_score, between_score = scores.chunk(3)
    (gradient,) = torch.autograd.grad(between_score.sum(), between, create_graph=True)
    penalty = ((gradient.flatten(1).norm(dim=1) - 1) ** 2).mean()
    distance = real_score.mean() - fake_score.mean()
    return -distance + weight * penalty, float(distance.item())


def evaluate(generator: UNetGenerator, data: WindowSet, *, seed: int = 0) -> dict[str, float]:
    """Harmonize each held-out window's soprano and compare the result with Bach's voices."""
    device = next(generator.parameters()).device
    melody = torch.from_numpy(crop(data.rolls[:, :1]).astype(np.float32)).to(device)
    noise = torch.randn(melody.shape, generator=torch.Generator().manual_seed(seed)).to(device)
    was_training = generator.training
    generator.eval()
    with torch.no_grad():
        notes = binarize(torch.sigmoid(generator(melody, noise)))
    generator.train(was_training)
    return accompaniment_metrics(notes.cpu().numpy(), data)


def _format(iteration: int, metrics: dict[str, float]) -> str:
    return f"validation at {iteration}: " + " ".join(f"{k} {v:.3f}" for k, v in metrics.items())


def save_weights(
    generator: UNetGenerator,
    out: Path,
    config: TrainConfig,
    iteration: int,
    metrics: dict[str, float],
) -> None:
    """Write the generator's weights with the run's settings, whole."""
    record = checkpoint_record(
        config, iteration, metrics, generator=cpu_state(generator), filters=generator.filters
    )
    save_checkpoint(record, out)
