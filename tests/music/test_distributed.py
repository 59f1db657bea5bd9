"""The torchrun helpers the PyTorch music plugins share."""

from __future__ import annotations

import subprocess
import sys
import types

import pytest

from distkit.music.training import distributed as distributed_module
from distkit.music.training.distributed import process_group, rank_seed, rank_zero_log


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
        "import sys; from distkit.music.training.distributed import process_group\n"
        "with process_group() as group: pass\n"
        "print('torch' in sys.modules)"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.stdout.strip() == "False", result.stderr


class FakeDistributed:
    """Just enough of torch.distributed to watch what process_group calls, and in what order."""

    def __init__(self) -> None:
        self.calls: list[str] = []

    def is_initialized(self) -> bool:
        return False

    def init_process_group(self, backend: str) -> None:
        self.calls.append(f"init {backend}")

    def get_rank(self) -> int:
        return 1

    def barrier(self) -> None:
        self.calls.append("barrier")

    def destroy_process_group(self) -> None:
        self.calls.append("destroy")


@pytest.fixture
def fake_torch(monkeypatch: pytest.MonkeyPatch) -> FakeDistributed:
    distributed = FakeDistributed()
    torch = types.ModuleType("torch")
    torch.cuda = types.SimpleNamespace(is_available=lambda: False)  # type: ignore[attr-defined]
    torch.distributed = distributed  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "torch", torch)
    monkeypatch.setitem(sys.modules, "torch.distributed", distributed)  # type: ignore[arg-type]
    monkeypatch.setenv("WORLD_SIZE", "2")
    monkeypatch.setattr(distributed_module, "_joined", [])  # this process must still exit as usual
    return distributed


def test_ranks_wait_for_each_other_before_the_group_is_torn_down(
    fake_torch: FakeDistributed,
) -> None:
    with process_group() as (rank, world):
        assert (rank, world) == (1, 2)
    assert fake_torch.calls == ["init gloo", "barrier", "destroy"]


def test_a_failing_rank_tears_the_group_down_without_waiting(fake_torch: FakeDistributed) -> None:
    with pytest.raises(RuntimeError), process_group():
        raise RuntimeError("boom")
    assert fake_torch.calls == ["init gloo", "destroy"]


ENDING = """
import atexit, sys
from distkit.music.training import distributed
if {joined}:
    distributed._joined.append(True)
atexit.register(lambda: print("exit handler ran", flush=True))
print("work done")
try:
    distributed.end_if_joined({code})
    sys.exit({code})
finally:
    print("finally ran")
"""


@pytest.mark.parametrize(
    ("code", "status"), [("0", 0), ("3", 3), ("None", 0), ("'no corpus here'", 1)]
)
def test_a_rank_that_joined_a_group_ends_at_once_with_its_status_output_and_exit_handlers(
    code: str, status: int
) -> None:
    script = ENDING.format(joined=True, code=code)
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True)
    assert result.returncode == status, result.stderr
    assert result.stdout == "work done\nexit handler ran\n"  # not "finally ran": no unwinding
    assert result.stderr == ("no corpus here\n" if status == 1 else "")


def test_a_process_that_joined_no_group_exits_as_sys_exit_does() -> None:
    script = ENDING.format(joined=False, code="3")
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True)
    assert result.returncode == 3, result.stderr
    assert result.stdout == "work done\nfinally ran\nexit handler ran\n"


def test_distkit_s_console_script_ends_a_rank_at_once() -> None:
    script = (
        "import sys\n"
        "from distkit.music.training import distributed\n"
        "distributed._joined.append(True)\n"
        "import atexit; atexit.register(lambda: print('exit handler ran', flush=True))\n"
        "from distkit.cli import main\n"
        "sys.argv = ['distkit', '--version']\n"
        "try:\n"
        "    main()\n"
        "finally:\n"
        "    print('finally ran')\n"
    )
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert result.stdout.endswith("exit handler ran\n")
    assert "finally ran" not in result.stdout


def test_a_plugin_s_console_script_ends_a_rank_at_once() -> None:
    script = (
        "import atexit, click\n"
        "from distkit.music.training import distributed\n"
        "from distkit.music.training.options import console_script\n"
        "@click.command()\n"
        "def train():\n"
        "    distributed._joined.append(True)\n"
        "    print('trained')\n"
        "    raise SystemExit(4)\n"
        "atexit.register(lambda: print('exit handler ran', flush=True))\n"
        "try:\n"
        "    console_script(train)()\n"
        "finally:\n"
        "    print('finally ran')\n"
    )
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True)
    assert result.returncode == 4, result.stderr
    assert result.stdout == "trained\nexit handler ran\n"
