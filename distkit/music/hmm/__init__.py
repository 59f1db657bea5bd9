"""chorale-hmm, the built-in harmonizer: tables learned from Bach, Viterbi decoding, voicing."""

from distkit.music.hmm.model import ChoraleHMM, shipped_tables

__all__ = ["ChoraleHMM", "shipped_tables"]
