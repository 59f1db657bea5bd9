"""Training the melody Transformer on the folk tunes' train split, alone or under torchrun.

Each rank draws its own windows (seeded by the run's seed and its rank); all ranks start from
the same weights and DDP averages their gradients. Rank 0 measures the validation split's
negative log-likelihood per event at each checkpoint and keeps the best weights. A run that is
stopped resumes from its last checkpoint (`<out>.resume`), its random draws included.

    torchrun --standalone --nproc-per-node 2 -m distkit_melody.training --out weights.pt
"""

from __future__ import annotations

import argparse
import math
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, fields
from pathlib import Path
from typing import Any

import numpy as np
import torch
from torch.nn.parallel import DistributedDataParallel

from distkit.music.training.checkpoints import save_checkpoint
from distkit.music.training.distributed import (
    end_if_joined,
    process_group,
    rank_seed,
    rank_zero_log,
)
from distkit_melody.data import Sequences, all_windows, packed_stream, random_batch, stack
from distkit_melody.network import MelodyTransformer


@dataclass(frozen=True)
class TrainConfig:
    """Everything a training run depends on; stored beside the weights."""

    iterations: int = 3000
    batch_size: int = 32
    width: int = 128
    layers: int = 4
    heads: int = 4
    context: int = 128
    dropout: float = 0.1
    learning_rate: float = 2e-3
    weight_decay: float = 0.01
    warmup: int = 100
    seed: int = 0
    threads: int = 1
    log_every: int = 50
    checkpoint_every: int = 250
    validation_tunes: int = 400
    time_limit: float = 0.0
    """Stop at the first checkpoint after this many seconds of this run (0: no limit)."""
    limit: int | None = None
    """Parse only the first `limit` ABC files of the corpus (quick runs, tests)."""


def splits(limit: int | None) -> tuple[Sequences, Sequences]:
    """The train and validation splits' events (validation: the train one when empty)."""
    from distkit.music.melody.folk import load_tunes, split_tunes

    parts = split_tunes(load_tunes(limit=limit))

    def sequences(tunes: list[Any]) -> Sequences:
        return Sequences.of([(t.events(), t.key.mode == "minor") for t in tunes])

    return sequences(parts["train"]), sequences(parts["validation"] or parts["train"])


def nll_per_event(network: MelodyTransformer, windows: list[dict[str, np.ndarray]]) -> float:
    """Mean negative log-likelihood per event (nats) over the windows."""
    was_training = network.training
    network.eval()
    total = count = 0.0
    with torch.no_grad():
        for start in range(0, len(windows), 32):
            batch = stack(windows[start : start + 32])
            loss, events = network.event_nll(batch, batch["target_pitch"], batch["target_duration"])
            total += float(loss)
            count += float(events)
    network.train(was_training)
    return total / max(count, 1.0)


def train(
    config: TrainConfig, out: Path, *, log: Callable[[str], None] = print
) -> dict[str, float]:
    """Train, keep the weights best on validation at `out`; rank 0 writes."""
    torch.set_num_threads(config.threads)
    with process_group("gloo") as (rank, world):
        return _train(config, out, rank_zero_log(log, rank), rank, world)


def _train(
    config: TrainConfig, out: Path, log: Callable[[str], None], rank: int, world: int
) -> dict[str, float]:
    torch.manual_seed(config.seed)
    network = MelodyTransformer(
        config.width, config.layers, config.heads, config.context, config.dropout
    )
    train_set, validation = splits(config.limit)
    log(
        f"{len(train_set.events)} training tunes ({train_set.count} events), "
        f"{len(validation.events)} validation tunes; {world} process(es); "
        f"{sum(p.numel() for p in network.parameters())} parameters"
    )
    rng = np.random.default_rng(rank_seed(config.seed, rank))
    held_out = Sequences(
        validation.events[: config.validation_tunes], validation.minor[: config.validation_tunes]
    )
    held_windows = all_windows(held_out, config.context) if rank == 0 else []
    model: Any = DistributedDataParallel(network) if world > 1 else network
    optimizer = torch.optim.AdamW(
        network.parameters(), lr=config.learning_rate, weight_decay=config.weight_decay
    )
    schedule = torch.optim.lr_scheduler.LambdaLR(optimizer, _learning_rate(config))
    resume = out.with_name(out.name + f".resume{rank}")
    start, best, metrics = 1, math.inf, {}
    if resume.exists():
        state = torch.load(resume, weights_only=False)
        network.load_state_dict(state["network"])
        optimizer.load_state_dict(state["optimizer"])
        schedule.load_state_dict(state["schedule"])
        rng.bit_generator.state = state["rng"]
        torch.set_rng_state(state["torch_rng"])
        start, best, metrics = state["iteration"] + 1, state["best"], state["metrics"]
        log(f"resumed at iteration {start} (best validation {best:.4f})")
    per_rank = max(1, config.batch_size // world)
    stream = packed_stream(train_set, np.random.default_rng(rank_seed(config.seed + 1, rank)))
    started = time.perf_counter()
    for iteration in range(start, config.iterations + 1):
        batch = random_batch(stream, per_rank, config.context, rng)
        loss, events = model(batch)  # through DDP's forward, which syncs the gradients
        optimizer.zero_grad(set_to_none=True)
        torch.autograd.backward(loss / events.clamp(min=1))
        torch.nn.utils.clip_grad_norm_(network.parameters(), 1.0)
        optimizer.step()
        schedule.step()
        if iteration % config.log_every == 0:
            seconds = (time.perf_counter() - started) / (iteration - start + 1)
            log(
                f"iteration {iteration}: train nll/event {float(loss.detach() / events):.4f} "
                f"({seconds:.2f} s/iteration)"
            )
        last = iteration == config.iterations
        out_of_time = config.time_limit and time.perf_counter() - started > config.time_limit
        if iteration % config.checkpoint_every == 0 or last:
            if rank == 0:
                current = nll_per_event(network, held_windows)
                improved = current < best
                log(
                    f"validation at {iteration}: nll/event {current:.4f}"
                    + (" (best)" if improved else "")
                )
                if improved:
                    best = current
                    metrics = {"validation_nll": current, "iteration": float(iteration)}
                    save_weights(network, out, config, iteration, metrics)
            save_checkpoint(
                {
                    "network": network.state_dict(),
                    "optimizer": optimizer.state_dict(),
                    "schedule": schedule.state_dict(),
                    "rng": rng.bit_generator.state,
                    "torch_rng": torch.get_rng_state(),
                    "iteration": iteration,
                    "best": best,
                    "metrics": metrics,
                },
                resume,
            )
            stop = torch.tensor(int(bool(out_of_time)))
            if world > 1:
                torch.distributed.all_reduce(stop)
            if int(stop):
                log(f"time limit reached at iteration {iteration}")
                break
    log(f"trained for {time.perf_counter() - started:.0f} s; best validation nll {best:.4f}")
    return metrics


def _learning_rate(config: TrainConfig) -> Callable[[int], float]:
    def factor(step: int) -> float:
        if step < config.warmup:
            return (step + 1) / config.warmup
        progress = min(1.0, (step - config.warmup) / max(1, config.iterations - config.warmup))
        return 0.05 + 0.95 * 0.5 * (1 + math.cos(math.pi * progress))

    return factor


def save_weights(
    network: MelodyTransformer,
    out: Path,
    config: TrainConfig,
    iteration: int,
    metrics: dict[str, float],
) -> None:
    """Write the weights (half precision: they ship as package data) and the run's settings."""
    record = {
        "network": {k: v.detach().cpu().half() for k, v in network.state_dict().items()},
        "shape": {
            "width": network.width,
            "layers": network.layers,
            "heads": network.heads,
            "context": network.context,
        },
        "iteration": iteration,
        "config": asdict(config),
        "metrics": metrics,
    }
    save_checkpoint(record, out)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description="Train the folk-melody Transformer.")
    parser.add_argument("--out", type=Path, required=True)
    for field in fields(TrainConfig):
        if field.name == "limit":
            parser.add_argument("--limit", type=int, default=None)
        else:
            kind = type(field.default)
            parser.add_argument(
                f"--{field.name.replace('_', '-')}", type=kind, default=field.default
            )
    args = vars(parser.parse_args(argv))
    out = args.pop("out")
    train(TrainConfig(**args), out, log=lambda line: print(line, flush=True))


if __name__ == "__main__":
    main()
    end_if_joined(0)
