"""The shipped HMM tables are what the training split teaches (tests/core checks the wheel)."""

from __future__ import annotations

import subprocess
import sys
from dataclasses import fields
from pathlib import Path

import numpy as np
import pytest

from distkit.music.hmm import shipped_tables
from distkit.music.hmm.tables import ModeTables, read_tables

ROOT = Path(__file__).resolve().parents[3]


@pytest.mark.slow
def test_relearning_from_the_training_split_reproduces_the_shipped_tables(
    tmp_path: Path,
) -> None:
    pytest.importorskip("music21")
    path, context = tmp_path / "tables.npz", tmp_path / "context.npz"
    subprocess.run(
        [sys.executable, "-m", "distkit.music.hmm", "-o", str(path), "--context-output", context],
        check=True,
        capture_output=True,
    )
    relearned, shipped = read_tables(path), shipped_tables()
    for mode in ("major", "minor"):
        for field in fields(ModeTables):
            np.testing.assert_allclose(
                getattr(relearned.mode(mode), field.name),
                getattr(shipped.mode(mode), field.name),
                err_msg=f"{mode} {field.name}: run `python -m distkit.music.hmm` to refresh",
            )


@pytest.mark.slow
def test_retraining_the_context_classifier_reproduces_the_shipped_one(tmp_path: Path) -> None:
    """Training is seeded; what may differ between machines is floating-point summation order,
    so the retrained classifier must agree with the shipped one on the validation beats."""
    pytest.importorskip("music21")
    from distkit.music.chorales import load_chorales, split_chorales
    from distkit.music.hmm.context import examples, read_context
    from distkit.music.hmm.model import shipped_context

    path, context = tmp_path / "tables.npz", tmp_path / "context.npz"
    subprocess.run(
        [sys.executable, "-m", "distkit.music.hmm", "-o", str(path), "--context-output", context],
        check=True,
        capture_output=True,
    )
    retrained, shipped = read_context(str(context)), shipped_context()
    inputs, labels, _ = examples(split_chorales(load_chorales())["validation"], shipped_tables())
    major = (labels >= 0) & (labels < shipped.major_states)
    ours = retrained.log_posteriors(inputs[major], "major").argmax(axis=1)
    theirs = shipped.log_posteriors(inputs[major], "major").argmax(axis=1)
    assert (ours == theirs).mean() >= 0.97, "run `python -m distkit.music.hmm` to refresh"
