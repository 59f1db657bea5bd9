"""`python -m distkit.music.melody [--out PATH]`: refit the shipped folk n-gram tables (needs
music21's corpus; the orders are chosen on the validation tunes)."""

from __future__ import annotations

import argparse
from pathlib import Path

from distkit.music.melody.fitting import DATA, fit_tables

parser = argparse.ArgumentParser(prog="python -m distkit.music.melody", description=__doc__)
parser.add_argument("--out", type=Path, default=DATA / "ngram.npz")
fit_tables(parser.parse_args().out)
