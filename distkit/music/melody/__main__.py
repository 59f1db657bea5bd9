"""`python -m distkit.music.melody [--out PATH]`: refit the shipped folk n-gram tables (needs
music21's corpus; the orders are chosen on the validation tunes). With `--runs`: rebuild the
index of the train split's 8-note runs that the sampler's copy guard reads."""

from __future__ import annotations

import argparse
from pathlib import Path

from distkit.music.melody.fitting import DATA, fit_tables
from distkit.music.melody.runs import RUNS_FILE, build_runs

parser = argparse.ArgumentParser(prog="python -m distkit.music.melody", description=__doc__)
parser.add_argument("--out", type=Path, help="where to write [the shipped file]")
parser.add_argument("--runs", action="store_true", help="build the training-run index")
args = parser.parse_args()
if args.runs:
    build_runs(args.out or DATA / RUNS_FILE)
else:
    fit_tables(args.out or DATA / "ngram.npz")
