"""A Coconet-style harmonizer trained on any four-voice corpus: a style, or a user's own music.

This module imports neither numpy nor torch (listing models reads its classes' style and voices).

Subclasses (or the classes made for named user models) say where the weights and sampler
settings are, the style, the voices' names, General MIDI programs and ranges; harmonizing moves
the melody by octaves towards the style's melody range, samples the three lower voices, and
folds each of them by octaves into its instrument's range.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar

from distkit.music.base import as_melody, highest_pitches
from distkit_coconet.settings import GibbsSettings, read_settings
from distkit_coconet.tokens import LOWEST_PITCH, MAX_SHIFT, PITCH_SPAN, REST

if TYPE_CHECKING:
    from collections.abc import Callable

    import numpy as np
    from numpy.typing import NDArray

DEFAULT_RANGES = ((60, 81), (53, 74), (48, 69), (36, 62))


class CorpusCoconet:
    """Three voices under a melody, sampled from an infiller trained on a corpus."""

    name: ClassVar[str] = ""
    description: ClassVar[str] = ""
    style: ClassVar[str] = ""
    voices: ClassVar[tuple[str, ...]] = ("voice 1", "voice 2", "voice 3", "voice 4")
    programs: ClassVar[tuple[int, ...]] = (52, 52, 52, 52)
    ranges: ClassVar[tuple[tuple[int, int], ...]] = DEFAULT_RANGES
    melody_centre: ClassVar[int] = 69
    weights_file: ClassVar[str] = ""
    """Path of the weights; the sampler's settings are in `sampler_file` when it exists."""
    sampler_file: ClassVar[str] = ""
    panel_file: ClassVar[str] = ""
    """Where the recorded panel summary is ("package:path"), if one was recorded."""

    def __init__(self, weights: Path | None = None, settings: GibbsSettings | None = None) -> None:
        self.weights = weights or Path(self.weights_file)
        self.settings = settings or (
            read_settings(Path(self.sampler_file)) if self.sampler_file else GibbsSettings()
        )

    def harmonize(
        self,
        melody: NDArray[Any],
        *,
        seed: int | None = None,
        progress: Callable[[float], None] | None = None,
    ) -> NDArray[np.bool_]:
        """The melody as the top voice plus three sampled voices: (4, steps, 128) bool.

        `progress`, if given, hears the share of the sampler's steps done (the studio's bar).
        """
        import numpy as np

        from distkit_coconet.data import decode
        from distkit_coconet.model import (
            _shift_octaves,
            best_chain,
            key_of,
            load_network,
            melody_views,
            tonic_close,
        )
        from distkit_coconet.sampling import gibbs

        melody = as_melody(melody)
        arrangement = np.zeros((4, *melody.shape), dtype=bool)
        arrangement[0] = melody
        if not melody.any():
            return arrangement
        line, shift = melody_line(melody, self.melody_centre, self.ranges[0])
        key = key_of(melody)
        allowed = None
        if self.settings.close_on_tonic:
            allowed = tonic_close(line, key, dominant_before=self.settings.dominant_before)
        network = load_network(self.weights)
        shown, heard = melody_views(line, self.settings)
        chains, nlls = gibbs(
            network, shown, self.settings, seed, allowed, key[0], progress=progress, heard=heard
        )
        candidates = []
        for tokens in chains:
            candidate = arrangement.copy()
            lower = decode(tokens[1:])
            for voice in range(3):
                low, high = self.ranges[voice + 1]
                candidate[voice + 1] = fold_voice(_shift_octaves(lower[voice], -shift), low, high)
            candidates.append(candidate)
        return candidates[best_chain(candidates, nlls, self.settings)]

    def negative_log_likelihood(self, arrangement: NDArray[Any], *, seed: int = 0) -> float:
        """Nats per lower-voice cell of `arrangement` (4, steps, 128) under the network."""
        import numpy as np

        from distkit_coconet.corpus_training import fold_roll
        from distkit_coconet.data import encode
        from distkit_coconet.model import load_network
        from distkit_coconet.sampling import nll_per_cell

        folded = fold_roll(np.asarray(arrangement), LOWEST_PITCH, LOWEST_PITCH + PITCH_SPAN - 1)
        return nll_per_cell(load_network(self.weights), encode(folded), seed)


def fold_voice(roll: NDArray[np.bool_], low: int, high: int) -> NDArray[np.bool_]:
    """A (steps, 128) voice with each note outside [low, high] moved by octaves into it."""
    import numpy as np

    folded = np.zeros_like(roll)
    for pitch in np.flatnonzero(roll.any(axis=0)):
        target = int(pitch)
        while target < low and target + 12 <= 127:
            target += 12
        while target > high and target - 12 >= 0:
            target -= 12
        folded[:, target] |= roll[:, pitch]
    return folded


def melody_line(
    melody: NDArray[np.bool_], centre: int, melody_range: tuple[int, int]
) -> tuple[NDArray[np.int64], int]:
    """The melody's top line as tokens, and the octave shift that brought it in range.

    The whole line moves by octaves so that its mean lies near `centre`; single notes still
    outside the range the network saw (the style's top-voice range widened by the
    transpositions of training, and the network's own range) move by further octaves.
    """
    import numpy as np

    top = highest_pitches(melody)
    sounding = top >= 0
    shift = 12 * round((centre - float(top[sounding].mean())) / 12)
    moved = top + shift
    low = max(melody_range[0] - MAX_SHIFT, LOWEST_PITCH)
    high = min(melody_range[1] + MAX_SHIFT, LOWEST_PITCH + PITCH_SPAN - 1)
    while np.any(sounding & (moved < low)):
        moved = np.where(sounding & (moved < low), moved + 12, moved)
    while np.any(sounding & (moved > high)):
        moved = np.where(sounding & (moved > high), moved - 12, moved)
    tokens = np.where(sounding, moved - LOWEST_PITCH, REST).astype(np.int64)
    return tokens, shift


def from_folder(folder: Path, record: Any) -> CorpusCoconet:
    """The model a user trained and registered (see distkit.music.user_models)."""
    details = dict(record.details)
    model_class = type(
        f"CorpusCoconet[{record.name}]",
        (CorpusCoconet,),
        {
            "name": record.name,
            "style": record.style,
            "voices": tuple(record.voices),
            "programs": tuple(record.programs),
            "weights_file": str(folder / "weights.pt"),
            "sampler_file": str(folder / "sampler.json"),
            "ranges": tuple(tuple(pair) for pair in details.get("ranges", DEFAULT_RANGES)),
            "melody_centre": int(details.get("melody_centre", 69)),
        },
    )
    return model_class()
