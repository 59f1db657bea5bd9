"""BachCoconet: the music model that distkit's `compose` calls.

numpy and torch are imported inside the functions that need them, so that `distkit list`, which
imports this class to show its panel, stays as light as the plugin contract asks.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from distkit.music.base import STEPS_PER_QUARTER, as_melody, highest_pitches, melody_final
from distkit_coconet.settings import GibbsSettings, read_settings
from distkit_coconet.tokens import LOWEST_PITCH, MAX_SHIFT, PITCH_SPAN, REST, TOKENS

if TYPE_CHECKING:
    from collections.abc import Callable

    import numpy as np
    from numpy.typing import NDArray

    from distkit_coconet.network import Infiller

WEIGHTS = Path(__file__).parent / "weights" / "bach-coconet.pt"
SAMPLER = Path(__file__).parent / "weights" / "sampler.json"
SOPRANO_LOW, SOPRANO_HIGH = 57 - MAX_SHIFT, 81 + MAX_SHIFT
"""The soprano's range in training (MIDI 57-81) widened by the transpositions it was shown."""


class BachCoconet:
    """Alto, tenor and bass under a melody, by Gibbs sampling from a Coconet-style network."""

    name = "bach-coconet"
    description = (
        "Coconet-style infiller (dilated convolutions, Gibbs sampling) trained on 272 Bach "
        "chorales; writes alto, tenor and bass"
    )
    style = "bach-chorale"
    panel_file = "distkit_coconet:weights/panel.json"

    def __init__(self, weights: Path | None = None, settings: GibbsSettings | None = None) -> None:
        self.weights = weights or WEIGHTS
        self.settings = settings or shipped_settings()

    def harmonize(
        self,
        melody: NDArray[Any],
        *,
        seed: int | None = None,
        progress: Callable[[float], None] | None = None,
    ) -> NDArray[np.bool_]:
        """The melody as the soprano plus three sampled voices: (4, steps, 128) bool.

        `progress`, if given, hears the share of the sampler's steps done (the studio's bar).
        """
        import numpy as np

        from distkit_coconet.data import decode
        from distkit_coconet.sampling import gibbs

        melody = as_melody(melody)
        arrangement = np.zeros((4, *melody.shape), dtype=bool)
        arrangement[0] = melody
        if not melody.any():
            return arrangement
        line, shift = soprano_line(melody)
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
            candidate[1:] = _shift_octaves(decode(tokens[1:]), -shift)
            candidates.append(candidate)
        return candidates[best_chain(candidates, nlls, self.settings)]

    def infill(
        self, arrangement: NDArray[Any], mask: NDArray[Any], *, seed: int | None = None
    ) -> NDArray[np.bool_]:
        """`arrangement` (4, steps, 128) with alto, tenor and bass redrawn where `mask`
        (4, steps) is True, by Gibbs sampling under the mask: the network sees every kept note,
        and only the masked cells are ever hidden and drawn. Everything else is kept exactly."""
        import numpy as np

        from distkit_coconet.data import decode
        from distkit_coconet.sampling import gibbs

        given = np.asarray(arrangement).astype(bool)
        redraw = np.asarray(mask).astype(bool).copy()
        redraw[0] = False
        if not redraw.any() or not given[0].any():
            return given.copy()
        line, shift = soprano_line(given[0])
        key = key_of(given[0])
        allowed = None
        if self.settings.close_on_tonic:
            allowed = tonic_close(line, key, dominant_before=self.settings.dominant_before)
        known = _tokens_in_range(highest_pitches(given[1:]), shift)
        network = load_network(self.weights)
        shown, heard = melody_views(line, self.settings)
        chains, nlls = gibbs(
            network,
            shown,
            self.settings,
            seed,
            allowed,
            key[0],
            known=known,
            redraw=redraw[1:],
            heard=heard,
        )
        candidates = []
        for tokens in chains:
            candidate = given.copy()
            drawn = _shift_octaves(decode(tokens[1:]), -shift)
            candidate[1:][redraw[1:]] = drawn[redraw[1:]]
            candidates.append(candidate)
        return candidates[best_chain(candidates, nlls, self.settings)]

    def negative_log_likelihood(self, arrangement: NDArray[Any], *, seed: int = 0) -> float:
        """Nats per alto/tenor/bass cell of `arrangement` (4, steps, 128) under the network."""
        import numpy as np

        from distkit_coconet.data import encode
        from distkit_coconet.sampling import nll_per_cell

        return nll_per_cell(load_network(self.weights), encode(np.asarray(arrangement)), seed)


def melody_views(
    line: NDArray[np.int64], settings: GibbsSettings
) -> tuple[NDArray[np.int64], NDArray[np.int64] | None]:
    """The soprano tokens the network is shown (`melody_shown.shown_line` under `settings`), and
    the melody as written for the rules to judge, or None when the two are the same line."""
    import numpy as np

    from distkit_coconet.melody_shown import shown_line

    shown = shown_line(line, settings.melody_rests, settings.melody_grid)
    return shown, (None if np.array_equal(shown, line) else line)


def _shift_octaves(roll: NDArray[np.bool_], shift: int) -> NDArray[np.bool_]:
    import numpy as np

    moved = np.roll(roll, shift, axis=-1)
    if shift > 0:
        moved[..., :shift] = False
    elif shift < 0:
        moved[..., shift:] = False
    return moved


def _tokens_in_range(lines: NDArray[np.int64], shift: int) -> NDArray[np.int64]:
    """Voice lines (voices, steps) of MIDI pitches (-1 silent) moved `shift` semitones, as
    tokens; a pitch outside the network's range moves by octaves into it (what the network
    reads of a kept note; the note itself is kept as it was)."""
    import numpy as np

    pitches = lines + shift
    top = LOWEST_PITCH + PITCH_SPAN
    pitches = np.where(
        pitches < LOWEST_PITCH, LOWEST_PITCH + (pitches - LOWEST_PITCH) % 12, pitches
    )
    pitches = np.where(pitches >= top, top - 12 + (pitches - top) % 12, pitches)
    return np.where(lines >= 0, pitches - LOWEST_PITCH, REST).astype(np.int64)


def best_chain(
    candidates: list[NDArray[np.bool_]], nlls: NDArray[np.float64], settings: GibbsSettings
) -> int:
    """The chain to keep: lowest pseudo-NLL per cell, plus the weighted faults and cadence."""
    import numpy as np

    if len(candidates) == 1:
        return 0
    scores = np.array(nlls, dtype=float)
    if settings.fault_weight or settings.cadence_weight:
        from distkit.music.voice_leading import FAULTS, beats

        tonic = key_of(candidates[0][0])[0]
        final = melody_final(highest_pitches(candidates[0][0]))
        for index, candidate in enumerate(candidates):
            faults = sum(count(candidate, tonic) for count in FAULTS.values())
            scores[index] += settings.fault_weight * faults / max(beats(candidate), 1.0)
            bass = highest_pitches(candidate[3])
            last = bass[bass >= 0]
            off_tonic = not last.size or int(last[-1]) % 12 != final
            scores[index] += settings.cadence_weight * off_tonic
    return int(np.argmin(scores))


def tonic_close(
    line: NDArray[np.int64], key: tuple[int, str], *, dominant_before: bool = False
) -> NDArray[np.bool_] | None:
    """Allowed tokens (3, steps, TOKENS) that put the melody's final (the pitch class of its last
    note, `melody_final`) in the bass under that note, and rests after it; None for a silent
    line.

    With `dominant_before` and a final that is the `key`'s tonic, the bass of the beat before
    that note must be the dominant (an authentic close); a modal final is approached freely.
    """
    import numpy as np

    pitches = np.where(line != REST, line + LOWEST_PITCH, -1)
    final_class = melody_final(pitches)
    if final_class is None:
        return None
    sounding = np.flatnonzero(line != REST)
    start = int(sounding[-1])
    while start > 0 and line[start - 1] == line[sounding[-1]]:
        start -= 1
    allowed = np.ones((3, len(line), TOKENS), dtype=bool)
    classes = (np.arange(TOKENS) + LOWEST_PITCH) % 12
    pitched = np.arange(TOKENS) < REST
    allowed[2, start : sounding[-1] + 1] = (classes == final_class) & pitched
    allowed[:, sounding[-1] + 1 :] = ~pitched
    beat = start // STEPS_PER_QUARTER * STEPS_PER_QUARTER
    authentic = final_class == key[0] % 12
    if dominant_before and authentic and beat >= STEPS_PER_QUARTER:
        allowed[2, beat - STEPS_PER_QUARTER : beat] = (classes == (final_class + 7) % 12) & pitched
    return allowed


def key_of(melody: NDArray[np.bool_]) -> tuple[int, str]:
    """The melody's tonic and mode, as distkit's chorale HMM hears them."""
    from distkit.music.hmm import shipped_tables
    from distkit.music.hmm.key import beat_grid, estimate_key

    return estimate_key(beat_grid(highest_pitches(melody)), shipped_tables())


def soprano_line(melody: NDArray[np.bool_]) -> tuple[NDArray[np.int64], int]:
    """The melody's top line as soprano tokens, and the octave shift that brought it in range.

    The whole line moves by octaves towards the training soprano's range; single notes still
    outside it move by further octaves.
    """
    import numpy as np

    top = highest_pitches(melody)
    sounding = top >= 0
    mean = float(top[sounding].mean())
    shift = 12 * round((69 - mean) / 12)
    moved = top + shift
    while np.any(sounding & (moved < SOPRANO_LOW)):
        moved = np.where(sounding & (moved < SOPRANO_LOW), moved + 12, moved)
    while np.any(sounding & (moved > SOPRANO_HIGH)):
        moved = np.where(sounding & (moved > SOPRANO_HIGH), moved - 12, moved)
    tokens = np.where(sounding, moved - LOWEST_PITCH, REST).astype(np.int64)
    return tokens, shift


def shipped_settings() -> GibbsSettings:
    """The sampler settings chosen on the validation split, or the defaults before that."""
    return read_settings(SAMPLER)


@cache
def load_network(weights: Path) -> Infiller:
    """The network in evaluation mode, from a weights file written by training."""
    import torch

    from distkit_coconet.network import Infiller

    record = torch.load(weights, map_location="cpu", weights_only=True)
    network = Infiller(record["channels"], record["stacks"])
    network.load_state_dict(record["network"])
    return network.eval()
