"""Training the infiller on any four-voice corpus, resumably, on one process or under torchrun.

The pieces' voices are folded by octaves into the network's pitch range; each rank draws its
own crops, transpositions and masks (seeded by the run's seed, its rank and the iteration it
starts from), and rank 0 evaluates on the corpus's validation split and keeps the best weights.
Every `checkpoint_every` iterations rank 0 also writes a checkpoint (weights, optimizer, schedule,
best so far) beside the weights; a run started again with the same settings carries on from it.
"""

from __future__ import annotations

import math
import os
import shutil
import time
from collections.abc import Callable, Sequence
from dataclasses import asdict
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import torch
import torch.distributed as dist
from torch.nn.parallel import DistributedDataParallel

from distkit.music.training.checkpoints import save_checkpoint
from distkit.music.training.distributed import process_group, rank_seed, rank_zero_log
from distkit_coconet.data import (
    LOWEST_PITCH,
    PITCH_SPAN,
    TokenSet,
    encode,
    random_masks,
    sample_batch,
)
from distkit_coconet.network import Infiller
from distkit_coconet.training import (
    TrainConfig,
    masked_loss,
    save_weights,
    validation_batches,
    validation_loss,
)

if TYPE_CHECKING:
    from numpy.typing import NDArray

    from distkit.music.corpus import Piece

VOICES = 4


def fold_roll(roll: NDArray[Any], low: int = LOWEST_PITCH, high: int = LOWEST_PITCH + 63) -> Any:
    """A (voices, steps, 128) roll with each note outside [low, high] moved by octaves into it."""
    folded = np.zeros_like(roll, dtype=bool)
    for pitch in np.flatnonzero(roll.reshape(-1, roll.shape[-1]).any(axis=0)):
        target = int(pitch)
        while target < low:
            target += 12
        while target > high:
            target -= 12
        folded[..., target] |= roll[..., pitch].astype(bool)
    return folded


def token_set(pieces: Sequence[Piece]) -> TokenSet:
    """The pieces' four voices as tokens, folded into the network's range."""
    if not pieces:
        raise ValueError("no pieces to learn from")
    if any(piece.roll.shape[0] != VOICES for piece in pieces):
        raise ValueError(f"the infiller learns pieces in {VOICES} voices")
    high = LOWEST_PITCH + PITCH_SPAN - 1
    return TokenSet(tuple(encode(fold_roll(piece.roll, LOWEST_PITCH, high)) for piece in pieces))


def checkpoint_path(out: Path) -> Path:
    return out.with_name(out.name + ".checkpoint")


def train_on_pieces(
    config: TrainConfig,
    out: Path,
    train_pieces: Sequence[Piece],
    validation_pieces: Sequence[Piece],
    *,
    log: Callable[[str], None] = print,
    resume: bool = True,
    extend: bool = False,
) -> dict[str, float]:
    """Train on `train_pieces`, keep the weights best on `validation_pieces` in `out` (rank 0).

    With `extend`, a finished or stopped run whose checkpoint differs from `config` only in its
    iterations carries on to `config.iterations` (its learning rate follows the longer cosine
    from there: a warm restart) and keeps its best weights unless a later one beats them."""
    torch.set_num_threads(config.threads)
    with process_group("gloo") as (rank, world):
        rank_log = rank_zero_log(log, rank)
        return _train(
            config, out, train_pieces, validation_pieces, rank_log, rank, world, resume, extend
        )


def _train(
    config: TrainConfig,
    out: Path,
    train_pieces: Sequence[Piece],
    validation_pieces: Sequence[Piece],
    log: Callable[[str], None],
    rank: int,
    world: int,
    resume: bool,
    extend: bool = False,
) -> dict[str, float]:
    torch.manual_seed(config.seed)
    network = Infiller(config.channels, config.stacks)
    train_set = token_set(train_pieces)
    validation = token_set(validation_pieces or train_pieces)
    log(
        f"{len(train_set.pieces)} training pieces ({train_set.steps} steps), "
        f"{len(validation.pieces)} validation pieces; {world} process(es)"
    )
    optimizer = torch.optim.AdamW(
        network.parameters(), lr=config.learning_rate, weight_decay=config.weight_decay
    )
    schedule = torch.optim.lr_scheduler.LambdaLR(
        optimizer,
        lambda i: 0.1 + 0.9 * 0.5 * (1 + math.cos(math.pi * min(i / config.iterations, 1))),
    )
    start, best, metrics = 0, math.inf, {}
    saved = checkpoint_path(out)
    if resume and saved.is_file():
        state = torch.load(saved, map_location="cpu", weights_only=True)
        longer = extend and _same_but_iterations(state["config"], asdict(config))
        if state["config"] == asdict(config) or longer:
            network.load_state_dict(state["network"])
            optimizer.load_state_dict(state["optimizer"])
            schedule.load_state_dict(state["schedule"])
            start, best = int(state["iteration"]), float(state["best"])
            metrics = {k: float(v) for k, v in state["metrics"].items()}
            verb = "extending from" if longer else "resuming at"
            log(f"{verb} iteration {start} (best validation loss {best:.4f})")
        else:
            log(f"{saved} was written with other settings; starting afresh")
    model: Any = DistributedDataParallel(network) if world > 1 else network
    rng = np.random.default_rng(rank_seed(config.seed + start, rank))
    per_rank = max(1, config.batch_size // world)
    held_out = (
        validation_batches(validation, config.validation_crops, config.seed) if rank == 0 else []
    )
    started = time.perf_counter()
    for iteration in range(start + 1, config.iterations + 1):
        tokens = sample_batch(train_set, per_rank, rng)
        hidden = random_masks(tokens, rng)
        loss = masked_loss(model, torch.from_numpy(tokens), torch.from_numpy(hidden))
        optimizer.zero_grad(set_to_none=True)
        torch.autograd.backward(loss)
        optimizer.step()
        schedule.step()
        if iteration % config.log_every == 0:
            seconds = (time.perf_counter() - started) / (iteration - start)
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
            _save_checkpoint(saved, network, optimizer, schedule, config, iteration, best, metrics)
        if checkpoint and world > 1:
            dist.barrier()
    if rank == 0:
        log(f"trained in {time.perf_counter() - started:.0f} s; best validation loss {best:.4f}")
    return metrics


def _same_but_iterations(saved: dict[str, Any], wanted: dict[str, Any]) -> bool:
    return saved["iterations"] <= wanted["iterations"] and {**saved, "iterations": 0} == {
        **wanted,
        "iterations": 0,
    }


def _save_checkpoint(
    path: Path,
    network: Infiller,
    optimizer: torch.optim.Optimizer,
    schedule: Any,
    config: TrainConfig,
    iteration: int,
    best: float,
    metrics: dict[str, float],
) -> None:
    state = {
        "network": network.state_dict(),
        "optimizer": optimizer.state_dict(),
        "schedule": schedule.state_dict(),
        "config": asdict(config),
        "iteration": iteration,
        "best": best,
        "metrics": metrics,
    }
    save_checkpoint(state, path)


FACTORY = "distkit_coconet.corpus_model:from_folder"


def voice_ranges(pieces: Sequence[Piece]) -> dict[str, Any]:
    """Each voice's range in `pieces` (its 1st to 99th percentile pitch) and the top voice's
    mean pitch: where a model trained on them keeps its voices and moves its melody."""
    ranges, centre = [], 69
    for voice in range(VOICES):
        pitches = np.concatenate(
            [np.nonzero(piece.roll[voice])[1] for piece in pieces] or [np.zeros(0, int)]
        )
        if not pitches.size:
            ranges.append([48, 72])
            continue
        low, high = np.percentile(pitches, [1, 99])
        ranges.append([int(low), max(int(high), int(low) + 12)])
        if voice == 0:
            centre = round(float(pitches.mean()))
    return {"ranges": ranges, "melody_centre": centre}


def train_named(
    source: str,
    name: str,
    config: TrainConfig,
    *,
    taken: Sequence[str] = (),
    force: bool = False,
    log: Callable[[str], None] = print,
) -> Path | None:
    """Train on the corpus `source` and register the result as the user model `name`.

    The name and the corpus are checked before training starts (a ModelRegistryError or a
    CorpusError, one line each); skipped files are logged. Checkpoints live in the model's
    training folder, so a run started again carries on. Rank 0 registers the weights best on
    validation and returns the model's folder; other ranks return None.
    """
    from distkit.music.corpus import training_corpus
    from distkit.music.user_models import check_new_name, register_model, training_run

    check_new_name(name, taken, force=force)
    rank = int(os.environ.get("RANK", "0"))
    with training_run(name) as folder:
        corpus, parts = training_corpus(source, voices=VOICES, log=rank_zero_log(log, rank))
        weights = folder / "weights.pt"
        metrics = train_on_pieces(config, weights, parts["train"], parts["validation"], log=log)
        if rank != 0:
            return None
        voices = corpus.voice_names or ("voice 1", "voice 2", "voice 3", "voice 4")
        record = register_model(
            name,
            {"weights.pt": weights},
            factory=FACTORY,
            style=name,
            voices=voices,
            programs=(52, 52, 52, 52),
            corpus=corpus.source,
            description=(
                f"Coconet-style infiller trained on {corpus.source} ({len(parts['train'])} pieces)"
            ),
            details={
                "summary": corpus.summary(),
                "metrics": metrics,
                "corpus_key": corpus.key,
                **voice_ranges(parts["train"]),
            },
            force=force,
        )
        shutil.rmtree(folder, ignore_errors=True)
        return record.folder
