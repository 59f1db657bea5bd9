"""Relearning the chorale HMM on any four-voice corpus, and registering it as a named model.

Each piece's key comes from its notes (every voice, duration-weighted, against the
Krumhansl-Kessler profiles); the tables and the context classifier are learned from the
corpus's training split (split by work and by tune, as every corpus is) exactly as the shipped
ones are from the chorales' (`learning.learn_model`), and so is the ornamentation layer
(`ornament_learning`). The result is stored in the user's data folder
(`distkit.music.user_models`): `tables.npz`, `context.npz` and `ornaments.npz` beside the
record, and `from_folder` builds the ChoraleHMM that harmonizes with them.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal, TypeVar

from distkit.errors import ModelRegistryError
from distkit.interrupts import temporary_folder

if TYPE_CHECKING:
    import numpy as np
    from numpy.typing import NDArray

    from distkit.music.corpus import Piece
    from distkit.music.hmm.model import ChoraleHMM
    from distkit.music.user_models import UserModelRecord

VOICES = 4
TABLES_FILE = "tables.npz"
CONTEXT_FILE = "context.npz"
ORNAMENTS_FILE = "ornaments.npz"
FACTORY = "distkit.music.hmm.relearning:from_folder"
CHOIR = (52, 52, 52, 52)
"""General MIDI choir aahs for every voice, as chorale-hmm writes them."""


@dataclass(frozen=True)
class KeyedPiece:
    """A corpus piece with the key heard in its notes: what the HMM's learning reads."""

    id: str
    roll: NDArray[np.bool_]
    tonic: int
    mode: Literal["major", "minor"]


def piece_key(roll: NDArray[Any]) -> tuple[int, Literal["major", "minor"]]:
    """The tonic pitch class and mode of a (voices, steps, 128) roll: the Krumhansl-Kessler key
    of its sounding steps, every voice counted."""
    import numpy as np

    from distkit.music.melody.events import estimate_key

    steps = np.asarray(roll).sum(axis=tuple(range(np.ndim(roll) - 1)))
    key = estimate_key([(int(pitch), int(steps[pitch])) for pitch in np.flatnonzero(steps)])
    return key.tonic, key.mode


def keyed_pieces(pieces: Iterable[Piece]) -> list[KeyedPiece]:
    """`pieces` with their keys (see `piece_key`)."""
    return [KeyedPiece(piece.id, piece.roll, *piece_key(piece.roll)) for piece in pieces]


def train_named_hmm(
    source: str,
    name: str,
    *,
    taken: Sequence[str] | None = None,
    force: bool = False,
    epochs: int | None = None,
    log: Callable[[str], None] = print,
) -> UserModelRecord:
    """Relearn the HMM on the corpus `source` and register it as the user model `name`.

    The name and the corpus are checked before anything is learned (a ModelRegistryError or a
    CorpusError, one line each); `taken` are the names of the installed models (all registered
    music models when None). `epochs` of the context classifier default to the shipped
    model's. Returns the stored model's record.
    """
    from dataclasses import replace

    from distkit.errors import CorpusError
    from distkit.music.corpus import training_corpus
    from distkit.music.hmm.context_training import Training, save_context
    from distkit.music.hmm.learning import learn_model, save_tables
    from distkit.music.hmm.ornament_learning import learn_ornaments, save_ornaments
    from distkit.music.user_models import check_new_name, register_model

    if taken is None:
        from distkit.plugins import get_registry

        taken = [registration.name for registration in get_registry().music_models]
    check_new_name(name, taken, force=force)
    corpus, parts = training_corpus(source, voices=VOICES, log=log)
    pieces = keyed_pieces(parts["train"])
    if not any(piece.roll[VOICES - 1].any() for piece in pieces):
        raise CorpusError(f"{corpus.source}: the lowest voice never sounds; nothing to learn")
    modes = {mode: sum(piece.mode == mode for piece in pieces) for mode in ("major", "minor")}
    log(f"learning from {len(pieces)} training pieces ({modes['major']} major, "
        f"{modes['minor']} minor)")  # fmt: skip
    training = Training() if epochs is None else replace(Training(), epochs=epochs)
    tables, context = learn_model(pieces, training)
    ornaments = learn_ornaments(pieces)
    with temporary_folder(prefix="distkit-hmm-") as scratch:
        files = {
            TABLES_FILE: Path(scratch) / TABLES_FILE,
            CONTEXT_FILE: Path(scratch) / CONTEXT_FILE,
            ORNAMENTS_FILE: Path(scratch) / ORNAMENTS_FILE,
        }
        save_tables(tables, files[TABLES_FILE])
        save_context(context, str(files[CONTEXT_FILE]))
        save_ornaments(ornaments, files[ORNAMENTS_FILE])
        return register_model(
            name,
            files,
            factory=FACTORY,
            style=name,
            voices=corpus.voice_names or ("voice 1", "voice 2", "voice 3", "voice 4"),
            programs=CHOIR,
            corpus=corpus.source,
            description=(
                f"chorale HMM relearned on {corpus.source} ({len(pieces)} pieces); numpy only"
            ),
            details={
                "summary": corpus.summary(),
                "corpus_key": corpus.key,
                "modes": modes,
                "states": [len(tables.major.bass), len(tables.minor.bass)],
                "context_epochs": training.epochs,
            },
            force=force,
        )


def from_folder(folder: Path, record: Any) -> ChoraleHMM:
    """The HMM a user relearned and registered (see distkit.music.user_models); one registered
    before the ornamentation layer (no ornaments.npz) keeps the bass's passing notes alone."""
    from distkit.music.hmm.context import read_context
    from distkit.music.hmm.model import ChoraleHMM
    from distkit.music.hmm.ornaments import read_ornaments
    from distkit.music.hmm.tables import read_tables

    ornaments = folder / ORNAMENTS_FILE
    return ChoraleHMM(
        tables=_stored(folder, TABLES_FILE, read_tables),
        context=_stored(folder, CONTEXT_FILE, lambda path: read_context(str(path))),
        ornaments=_stored(folder, ORNAMENTS_FILE, read_ornaments) if ornaments.is_file() else None,
    )


T = TypeVar("T")


def _stored(folder: Path, name: str, read: Callable[[Path], T]) -> T:
    """`read` of the stored model's file `name`; one line naming it when it is damaged."""
    try:
        return read(folder / name)
    except (OSError, ValueError, KeyError) as error:
        raise ModelRegistryError(
            f"{name} of the model stored in {folder} cannot be read ({type(error).__name__}); "
            f"forget the model with `distkit models remove {folder.name}` and train it again"
        ) from None
