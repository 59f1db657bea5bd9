"""What the PyTorch music-model plugins share when they train under torchrun.

Joining the process group torchrun describes in the environment, each rank's own seed, and a
log that only rank 0 writes, the device a rank computes on, and how a rank's process ends. torch
is imported only when there is more than one process to join or a device to choose (distkit's
`torch` extra).
"""

from __future__ import annotations

import atexit
import os
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from typing import Any

_joined: list[bool] = []


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
    _joined.append(True)
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


def end_if_joined(code: str | int | None = 0) -> None:
    """End this process at once with `code` (as `sys.exit(code)` would end it) if it joined a
    process group, once its Python exit handlers have run and its output is flushed; else
    return, for the caller to exit as usual. For entry points only.

    torch's C++ teardown as such a process exits, after `destroy_process_group`, sometimes finds a
    thread still running and aborts ("terminate called without an active exception", SIGABRT):
    about 1 run in 24 of two CPU trainings at once, after the work was done and saved. torchrun then
    reports the whole run as failed.
    """
    if not _joined:
        return
    status = exit_status(code)
    with suppress(Exception):
        atexit._run_exitfuncs()
    for stream in (sys.stdout, sys.stderr):
        with suppress(Exception):
            stream.flush()
    os._exit(status)


def exit_status(code: str | int | None) -> int:
    """The status `sys.exit(code)` ends a process with; a message is written to stderr first."""
    if code is None:
        return 0
    if isinstance(code, int):
        return code & 0xFF
    print(code, file=sys.stderr)
    return 1
