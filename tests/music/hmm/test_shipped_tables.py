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
    path = tmp_path / "tables.npz"
    subprocess.run(
        [sys.executable, "-m", "distkit.music.hmm", "-o", str(path)],
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
