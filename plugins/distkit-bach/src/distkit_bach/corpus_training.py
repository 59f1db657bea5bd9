"""Training the U-Net GAN on any four-voice corpus and registering it as a named user model.

The corpus (`distkit.music.corpus`: a music21 corpus name or a folder of the user's files) is
split by work and by tune; each piece gets the key heard in its notes (what the training's
in-scale figure reads), and is cut into the same 2-bar windows as the chorales. The run keeps its
weights and checkpoint in the data folder's `training/NAME/` (a run started again with the same
settings resumes), and rank 0 registers the weights with their settings, corpus, style and
voices (`distkit.music.user_models`); `registry.from_folder` loads them for compose.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Callable, Sequence
from dataclasses import asdict
from pathlib import Path
from typing import TYPE_CHECKING

from distkit.music.training.distributed import rank_zero_log

if TYPE_CHECKING:
    from distkit.music.corpus import Piece
    from distkit_bach.data import WindowSet
    from distkit_bach.training import TrainConfig

VOICES = 4


def corpus_windows(pieces: Sequence[Piece], split: str, source: str) -> WindowSet:
    """The pieces' 2-bar windows in which all four voices sound inside the network's range, each
    piece first moved by whole octaves to the middle of that range (harmonizing moves the
    melody to a soprano's register and the voices back); a CorpusError (one line) when there
    are none."""
    from dataclasses import replace

    import numpy as np

    from distkit.errors import CorpusError
    from distkit.music.chorales import transpose
    from distkit.music.hmm.relearning import keyed_pieces
    from distkit_bach.data import LOWEST_PITCH, PITCH_SPAN, window_set

    middle = LOWEST_PITCH + (PITCH_SPAN - 1) / 2
    centred = []
    for piece in keyed_pieces(pieces):
        used = np.flatnonzero(piece.roll.reshape(-1, piece.roll.shape[-1]).any(axis=0))
        shift = 12 * round((middle - (int(used[0]) + int(used[-1])) / 2) / 12) if used.size else 0
        centred.append(replace(piece, roll=transpose(piece.roll, shift)))
    try:
        return window_set(centred)
    except ValueError:
        raise CorpusError(
            f"{source}: no 2-bar window of the {split} split has all four voices sounding "
            f"within MIDI {LOWEST_PITCH}-{LOWEST_PITCH + PITCH_SPAN - 1}; give other music"
        ) from None


def train_named(
    source: str,
    name: str,
    config: TrainConfig,
    *,
    taken: Sequence[str] = (),
    force: bool = False,
    log: Callable[[str], None] = print,
) -> Path | None:
    """Train on the corpus `source` and register the result as the user model `name`.

    The name and the corpus (enough pieces, windows to learn from) are checked before training
    starts: a ModelRegistryError or a CorpusError, one line each. Rank 0 registers the weights
    and returns the model's folder; other ranks return None.
    """
    from distkit.music.corpus import training_corpus
    from distkit.music.user_models import check_new_name, register_model, training_run
    from distkit_bach.registry import CHOIR, FACTORY, WEIGHTS_FILE
    from distkit_bach.training import train_windows

    check_new_name(name, taken, force=force)
    with training_run(name) as folder:
        log_zero = rank_zero_log(log, int(os.environ.get("RANK", "0")))
        corpus, parts = training_corpus(source, voices=VOICES, log=log_zero)
        train_set = corpus_windows(parts["train"], "training", corpus.source)
        validation = parts["validation"] or parts["train"]
        held_out = corpus_windows(validation, "validation", corpus.source)
        weights = folder / WEIGHTS_FILE
        metrics = train_windows(
            config, weights, train_set, held_out, checkpoint=folder / "checkpoint.pt", log=log
        )
        if int(os.environ.get("RANK", "0")) != 0:
            return None
        record = register_model(
            name,
            {WEIGHTS_FILE: weights},
            factory=FACTORY,
            style=name,
            voices=corpus.voice_names or ("voice 1", "voice 2", "voice 3", "voice 4"),
            programs=CHOIR,
            corpus=corpus.source,
            description=(
                f"U-Net GAN trained on {corpus.source} ({len(parts['train'])} pieces, "
                f"{len(train_set)} windows)"
            ),
            details={
                "summary": corpus.summary(),
                "metrics": metrics,
                "corpus_key": corpus.key,
                "settings": asdict(config),
            },
            force=force,
        )
        shutil.rmtree(folder, ignore_errors=True)
        return record.folder
