"""benchmarks/melody_eval.py's rule for choosing the sampling on validation."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType

import pytest

from distkit.music.melody.continuation import Sampling

BENCHMARKS = Path(__file__).resolve().parents[3] / "benchmarks"


@pytest.fixture(scope="module")
def melody_eval() -> Iterator[ModuleType]:
    sys.path.insert(0, str(BENCHMARKS))
    try:
        import melody_eval

        yield melody_eval
    finally:
        sys.path.remove(str(BENCHMARKS))


REAL = {"in_scale": 0.97, "leaps": 0.15, "copies_8": 0.40, "copies_12": 0.005}


def reading(**changes: float) -> dict[str, list[float]]:
    values = {**REAL, **changes}
    return {name: [value, value, value] for name, value in values.items()}


def test_the_sweep_starts_with_plain_sampling_and_grows_stronger(melody_eval: ModuleType) -> None:
    assert melody_eval.SWEEP[0] == Sampling()
    assert len(set(melody_eval.SWEEP)) == len(melody_eval.SWEEP)
    weights = [s.out_of_scale for s in melody_eval.SWEEP]
    assert weights == sorted(weights, reverse=True)


@pytest.mark.parametrize(
    ("changes", "admissible", "bounded"),
    [
        ({}, True, True),
        ({"in_scale": 0.969}, False, True),
        ({"leaps": 0.16}, False, False),
        ({"copies_8": 0.41}, False, False),
        ({"copies_12": 0.009}, True, True),  # under 1 % is the goal, though the real is lower
        ({"copies_12": 0.011}, False, False),
    ],
)
def test_admissible_means_every_goal_on_validation(
    melody_eval: ModuleType, changes: dict[str, float], admissible: bool, bounded: bool
) -> None:
    real = reading()
    assert melody_eval.admissible(reading(**changes), real) is admissible
    assert melody_eval.bounded(reading(**changes), real) is bounded


@pytest.mark.parametrize(
    ("changes", "guarded"),
    [
        ({"copies_8": 0.0}, True),
        ({"copies_8": 0.009}, True),
        ({"copies_8": 0.01}, False),  # the goal is under 1 %
        ({"copies_8": 0.0, "leaps": 0.16}, False),
    ],
)
def test_guarded_means_copies_under_one_percent_and_leaps_no_more_than_real(
    melody_eval: ModuleType, changes: dict[str, float], guarded: bool
) -> None:
    assert melody_eval.guarded(reading(**changes), reading()) is guarded


def test_the_guard_and_weight_ladders_go_from_mild_to_strong(melody_eval: ModuleType) -> None:
    assert list(melody_eval.GUARD_LADDER) == sorted(melody_eval.GUARD_LADDER, reverse=True)
    assert melody_eval.GUARD_LADDER[-1] == 0.0
    ladder = melody_eval.OUT_OF_SCALE_LADDER
    assert list(ladder) == sorted(ladder, reverse=True)
