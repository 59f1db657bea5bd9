"""The torchrun helpers the PyTorch music plugins share."""

from __future__ import annotations

import subprocess
import sys

import pytest

from distkit.music.distributed import process_group, rank_seed, rank_zero_log


def test_each_rank_draws_its_own_seed_from_the_run_s_seed() -> None:
    seeds = [rank_seed(0, rank) for rank in range(4)]
    assert len(set(seeds)) == 4
    assert seeds == [rank_seed(0, rank) for rank in range(4)]
    assert rank_seed(1, 0) not in seeds


def test_only_rank_zero_logs() -> None:
    lines: list[str] = []
    rank_zero_log(lines.append, 0)("kept")
    rank_zero_log(lines.append, 1)("dropped")
    assert lines == ["kept"]


def test_a_single_process_needs_no_process_group_and_no_torch(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.delenv("WORLD_SIZE", raising=False)
    with process_group() as (rank, world):
        assert (rank, world) == (0, 1)
    code = (
        "import sys; from distkit.music.distributed import process_group\n"
        "with process_group() as group: pass\n"
        "print('torch' in sys.modules)"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.stdout.strip() == "False", result.stderr
