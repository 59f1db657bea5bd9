"""What the PyTorch music-model plugins share when they train under torchrun.

Joining the process group torchrun describes in the environment, each rank's own seed, and a
log that only rank 0 writes, and the device a rank computes on. torch is imported only when there
is more than one process to join or a device to choose (distkit's `torch` extra).
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any


def rank_seed(seed: int, rank: int) -> int:
    """The seed of one rank's random draws: distinct per rank, fixed by the run's seed."""
    import numpy as np

    return int(np.random.SeedSequence([seed, rank]).generate_state(1)[0])


@contextmanager
def process_group(backend: str | None = None) -> Iterator[tuple[int, int]]:
    """(rank, world size) of this process; under torchrun, inside the joined process group.

    `backend` defaults to nccl when CUDA is available and gloo otherwise.
    """
    world = int(os.environ.get("WORLD_SIZE", "1"))
    if world <= 1:
        yield 0, 1
        return
    import torch
    import torch.distributed as dist

    if not dist.is_initialized():
        dist.init_process_group(backend or ("nccl" if torch.cuda.is_available() else "gloo"))
    try:
        yield dist.get_rank(), world
        dist.barrier()  # a rank that left early and tore the group down aborted its peers' work
    finally:
        dist.destroy_process_group()


def rank_device(rank: int) -> Any:
    """The torch device one rank computes on: its own GPU when there are any, else the CPU."""
    import torch

    if torch.cuda.is_available():
        index = int(os.environ.get("LOCAL_RANK", rank)) % torch.cuda.device_count()
        torch.cuda.set_device(index)
        return torch.device("cuda", index)
    return torch.device("cpu")


def rank_zero_log(log: Callable[[str], None], rank: int) -> Callable[[str], None]:
    """`log` on rank 0; a log that drops every line on the other ranks."""
    return log if rank == 0 else _drop


def _drop(_: str) -> None:
    pass
