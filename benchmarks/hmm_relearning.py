"""Does relearning chorale-hmm on a corpus help on that corpus? (VALIDATION pieces only.)

    python benchmarks/hmm_relearning.py palestrina [--beats 64]

Relearns the HMM on the corpus's training split (as `distkit models train-hmm` does), then
harmonizes the top voice of the first `--beats` beats of each validation piece with it and with
the shipped chorale-hmm, and scores both against the piece's real voices: beat-chord accuracy and
frame accuracy of the three lower voices, with 95 % bootstrap intervals over pieces. The test
split is not read.
"""

from __future__ import annotations

import argparse
import time

import numpy as np

from distkit.music.base import STEPS_PER_QUARTER
from distkit.music.corpus import load_corpus
from distkit.music.hmm.learning import learn_model
from distkit.music.hmm.model import ChoraleHMM
from distkit.music.hmm.relearning import keyed_pieces
from distkit.music.metrics import beat_chord_accuracy, frame_accuracy


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("source", help="a music21 corpus name or a folder of four-voice music")
    parser.add_argument("--beats", type=int, default=64, help="beats of each piece scored")
    parser.add_argument("--resamples", type=int, default=2000)
    options = parser.parse_args()
    corpus = load_corpus(options.source, voices=4)
    parts = corpus.split()
    started = time.perf_counter()
    tables, context = learn_model(keyed_pieces(parts["train"]))
    seconds = time.perf_counter() - started
    print(f"{corpus.summary()}; relearned on {len(parts['train'])} pieces in {seconds:.0f} s")
    models = {"relearned": ChoraleHMM(tables=tables, context=context), "chorale-hmm": ChoraleHMM()}
    rows: dict[str, list[tuple[float, float, float, float]]] = {name: [] for name in models}
    for piece in parts["validation"]:
        roll = piece.roll[:, : options.beats * STEPS_PER_QUARTER]
        if not roll[0].any():
            continue
        for name, model in models.items():
            out = model.harmonize(roll[0])
            chord = beat_chord_accuracy(out, roll)
            frames = [frame_accuracy(out[voice], roll[voice]) for voice in (1, 2, 3)]
            hits, total = sum(f.hits for f in frames), sum(f.total for f in frames)
            rows[name].append((chord.hits, chord.total, hits, total))
    rng = np.random.default_rng(0)
    for name, found in rows.items():
        table = np.array(found)
        picks = [rng.integers(0, len(table), len(table)) for _ in range(options.resamples)]
        ratios = np.array([_ratios(table[pick]) for pick in picks])
        low, high = np.percentile(ratios, [2.5, 97.5], axis=0)
        chord, frames = _ratios(table)
        print(
            f"{name}: {len(table)} validation pieces; beat chord {chord:.3f} "
            f"[{low[0]:.3f}, {high[0]:.3f}]; lower-voice frames {frames:.3f} "
            f"[{low[1]:.3f}, {high[1]:.3f}]"
        )


def _ratios(table: np.ndarray) -> tuple[float, float]:
    return (
        float(table[:, 0].sum() / max(table[:, 1].sum(), 1)),
        float(table[:, 2].sum() / max(table[:, 3].sum(), 1)),
    )


if __name__ == "__main__":
    main()
