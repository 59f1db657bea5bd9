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


@pytest.fixture(scope="module")
def relearned(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """The tables and the context classifier, relearned from the training split as a user
    would, by `python -m distkit.music.hmm`, into a folder of the test's own."""
    pytest.importorskip("music21")
    folder = tmp_path_factory.mktemp("relearned")
    path, context = folder / "tables.npz", folder / "context.npz"
    subprocess.run(
        [sys.executable, "-m", "distkit.music.hmm", "-o", str(path), "--context-output", context],
        check=True,
        capture_output=True,
    )
    return path, context


@pytest.mark.slow
def test_relearning_from_the_training_split_reproduces_the_shipped_tables(
    relearned: tuple[Path, Path],
) -> None:
    relearned_tables, shipped = read_tables(relearned[0]), shipped_tables()
    for mode in ("major", "minor"):
        for field in fields(ModeTables):
            np.testing.assert_allclose(
                getattr(relearned_tables.mode(mode), field.name),
                getattr(shipped.mode(mode), field.name),
                err_msg=f"{mode} {field.name}: run `python -m distkit.music.hmm` to refresh",
            )


@pytest.mark.slow
def test_retraining_the_context_classifier_reproduces_the_shipped_one(
    relearned: tuple[Path, Path],
) -> None:
    """Training is seeded; what may differ between machines is floating-point summation order,
    so the retrained classifier must agree with the shipped one on the validation beats."""
    from distkit.music.chorales import load_chorales, split_chorales
    from distkit.music.hmm.context import read_context
    from distkit.music.hmm.context_training import examples
    from distkit.music.hmm.model import shipped_context

    retrained, shipped = read_context(str(relearned[1])), shipped_context()
    inputs, labels, _ = examples(split_chorales(load_chorales())["validation"], shipped_tables())
    major = (labels >= 0) & (labels < shipped.major_states)
    minor = labels >= shipped.major_states
    for mode, rows in (("major", major), ("minor", minor)):
        ours = retrained.log_posteriors(inputs[rows], mode).argmax(axis=1)
        theirs = shipped.log_posteriors(inputs[rows], mode).argmax(axis=1)
        assert (ours == theirs).mean() >= 0.95, f"{mode}: run `python -m distkit.music.hmm`"
    ours = retrained.gap_log_probs(inputs).argmax(axis=1)
    theirs = shipped.gap_log_probs(inputs).argmax(axis=1)
    assert (ours == theirs).mean() >= 0.95, "distances: run `python -m distkit.music.hmm`"


@pytest.mark.slow
def test_the_retrained_classifier_moves_the_hmm_toward_bach_on_validation(
    relearned: tuple[Path, Path],
) -> None:
    """The classifier earns its place: with it, more of Bach's beat chords and bass notes on the
    first validation chorales than with the HMM's emissions alone."""
    from distkit.music.chorales import load_chorales, split_chorales
    from distkit.music.hmm import ChoraleHMM
    from distkit.music.hmm.context import read_context
    from distkit.music.metrics import panel, summarise

    chorales = split_chorales(load_chorales())["validation"][:15]
    tables = shipped_tables()

    def figures(model: ChoraleHMM) -> tuple[float, float]:
        rows = [panel(model.harmonize(c.roll[0]), c.roll, c.tonic, c.fermatas) for c in chorales]
        summary = summarise(rows, resamples=10)
        return summary["beat_chord"].value, summary["frame_bass"].value

    alone = figures(ChoraleHMM(tables))
    with_context = figures(ChoraleHMM(tables, read_context(str(relearned[1]))))
    assert with_context[0] >= alone[0] + 0.03, (alone, with_context)
    assert with_context[1] >= alone[1] + 0.03, (alone, with_context)


@pytest.mark.slow
def test_relearning_reproduces_the_shipped_ornaments(relearned: tuple[Path, Path]) -> None:
    """The ornamentation layer's figures are counted, not trained: the same to the bit's width
    of float32 (`python -m distkit.music.hmm` writes them beside the tables)."""
    from distkit.music.hmm.model import shipped_ornaments
    from distkit.music.hmm.ornaments import read_ornaments

    counted = read_ornaments(relearned[0].parent / "chorale_ornaments.npz")
    np.testing.assert_allclose(
        counted.figures,
        shipped_ornaments().figures,
        rtol=1e-6,
        err_msg="run `python -m distkit.music.hmm` to refresh",
    )
