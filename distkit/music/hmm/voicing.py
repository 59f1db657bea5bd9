"""Spreading the chorale HMM's chords over alto, tenor and bass with smooth voice leading.

Each beat's candidates are the pitches of its chord inside each voice's SATB range (the bass on
the chord's bass note). Dynamic programming picks one candidate per beat, minimising a cost: how
far the voices move, a bass moving the way the soprano moves, consecutive fifths and octaves
(similar motion costs more than contrary), a leading note that does not rise over a V-I bass,
crossed or widely spaced voices, chord notes left out, a doubled leading note, distance from
each voice's usual pitch, and (with the context classifier) how unlikely the distance from the
soprano down to the bass is on that beat. With a random generator, one path is drawn from the
same lattice instead, with probability proportional to exp(-cost / TEMPERATURE): another take,
whose likeliest member is the decoding.
"""

from __future__ import annotations

from itertools import combinations
from typing import TYPE_CHECKING

import numpy as np

from distkit.music.base import SATB_RANGES

if TYPE_CHECKING:
    from numpy.typing import NDArray

    from distkit.music.hmm.decoding import Harmony
    from distkit.music.hmm.tables import ChoraleTables

CANDIDATES = 60
CROSSING = 10.0
UNISON = 2.0
SPACING = 3.0
MISSING = 16.0
DOUBLED_LEADING_NOTE = 3.0
CENTRE = 1.0
LEAP = 4
PARALLEL = 20.0
ALTERNATIVES = 3
HIDDEN = 8.0
HARMONY = 5.0
FORBIDDEN = -1e8
CONTRARY_PERFECT = 12.0
LEADING_NOTE = 15.0
MOTION = np.array([0.5, 0.5, 0.25])
OUTER = 3.0
SIMILAR_OUTER = 2.0
"""Cost of the bass moving the way the soprano moves from one beat to the next: of 0, 1, 2, 4
and 8, the one whose similar, contrary and oblique motion of the outer voices came nearest
Bach's on the validation chorales within the fault rates (benchmarks/hmm_outer_motion.py;
docs/music-evaluation.md, "Outer voices")."""
TEMPERATURE = 2.0
"""Cost units per nat when a take is drawn from the voicing lattice (see `voice_chords`): of 1,
2 and 5, the most varied takes whose seams stayed within the whole pieces' fault rate on the
validation chorales (docs/music-evaluation.md, "Regenerating a passage")."""
_PAIRS = list(combinations(range(4), 2))


def voice_chords(
    harmony: Harmony,
    beats: NDArray[np.int64],
    tables: ChoraleTables,
    fixed: NDArray[np.int64] | None = None,
    fixed_ends: NDArray[np.int64] | None = None,
    rng: np.random.Generator | None = None,
) -> NDArray[np.int64]:
    """Alto, tenor and bass pitches (3, beats) for the chords; -1 on beats without a chord.
    `fixed` (3, beats) holds the pitch a voice must have on a beat (-1 where it is free), so
    that a redrawn passage joins the notes kept around it; `fixed_ends` (3, beats), where not
    -1, the pitch a fixed voice ends its beat on (a kept passing note), which is what the
    motion to the next beat starts from.

    Without `rng`, the cheapest path through the lattice of each beat's candidate voicings (of
    its chord and that chord's rivals). With it, a path drawn with probability proportional to
    exp(-cost / TEMPERATURE) (forward filtering, backward sampling), so the fixed voicings on
    both sides of a passage are boundary states whose transition costs count in every draw.

    A beat's candidates and the costs between two beats' candidates depend only on what those
    beats hear, so they are computed once for each distinct beat and pair of beats: a note held
    for a thousand bars costs one beat's work, plus a cheap step of the dynamic programme per
    beat (the work grows with the notes, not with how long they last).
    """
    first, last = _first_and_last(beats)
    sounding = [int(beat) for beat in np.flatnonzero(harmony.chords >= 0)]
    beat_options = _BeatOptions(harmony, tables, first, fixed, fixed_ends)
    steps: dict[tuple[int, int, int, int], tuple[NDArray[np.float64], NDArray[np.float64]]] = {}
    kinds: list[int] = []
    keys: list[tuple[int, int, int, int]] = []
    costs: list[NDArray[np.float64]] = []
    backs: list[NDArray[np.int16]] = []
    cost = np.zeros(0)
    previous = -1
    log_transition = np.log(tables.mode(harmony.mode).transition)
    for position, beat in enumerate(sounding):
        kind = beat_options.kind(beat)
        current, _, unary, chords = beat_options.options[kind]
        if position == 0:
            cost, back = unary, np.zeros(len(current), dtype=np.int64)
        else:
            before = int(last[sounding[position - 1]])
            key = (previous, kind, before, int(first[beat]))
            if key not in steps:
                _, previous_ends, _, previous_chords = beat_options.options[previous]
                moves = _transition_cost(
                    previous_ends, current, before, int(first[beat]), harmony.tonic
                )
                harmony_cost = HARMONY * log_transition[previous_chords[:, None], chords[None, :]]
                steps[key] = (moves, harmony_cost)
            moves, harmony_cost = steps[key]
            step = cost[:, None] + moves
            step = step - harmony_cost
            back = step.argmin(axis=0)
            cost = (step.min(axis=0) if rng is None else _soft_minimum(step)) + unary
            keys.append(key)
        kinds.append(kind)
        costs.append(cost)
        backs.append(back.astype(np.int16))
        previous = kind
    voices = np.full((3, len(beats)), -1, dtype=np.int64)
    if not sounding:
        return voices
    if rng is None:
        choice = int(np.argmin(cost))
        for beat, kind, pointers in zip(sounding[::-1], kinds[::-1], backs[::-1], strict=True):
            voices[:, beat] = beat_options.options[kind][0][choice]
            choice = int(pointers[choice])
        return voices
    choice = _draw(costs[-1], rng)
    voices[:, sounding[-1]] = beat_options.options[kinds[-1]][0][choice]
    for position in range(len(sounding) - 2, -1, -1):
        moves, harmony_cost = steps[keys[position]]
        choice = _draw(costs[position] + moves[:, choice] - harmony_cost[:, choice], rng)
        voices[:, sounding[position]] = beat_options.options[kinds[position]][0][choice]
    return voices


def _soft_minimum(step: NDArray[np.float64]) -> NDArray[np.float64]:
    """-TEMPERATURE * log sum exp(-step / TEMPERATURE) over the previous beat (axis 0): the
    cost of reaching each candidate summed over every way there, as the minimum is for one."""
    least = step.min(axis=0)
    total = np.exp(-(step - least) / TEMPERATURE).sum(axis=0)
    soft: NDArray[np.float64] = least - TEMPERATURE * np.log(total)
    return soft


def _draw(cost: NDArray[np.float64], rng: np.random.Generator) -> int:
    """An index drawn with probability proportional to exp(-cost / TEMPERATURE)."""
    weights = np.exp(-(cost - cost.min()) / TEMPERATURE)
    return int(rng.choice(len(weights), p=weights / weights.sum()))


class _BeatOptions:
    """Each distinct beat's candidate voicings (k, 3), the pitches they end the beat on (k, 3),
    their own costs (k,) and chords (k,), numbered in the order met; beats that hear the same
    thing share a number."""

    def __init__(
        self,
        harmony: Harmony,
        tables: ChoraleTables,
        first: NDArray[np.int64],
        fixed: NDArray[np.int64] | None,
        fixed_ends: NDArray[np.int64] | None,
    ):
        self.harmony, self.tables, self.first = harmony, tables, first
        self.fixed, self.fixed_ends = fixed, fixed_ends
        self.numbers: dict[tuple[object, ...], int] = {}
        self.options: list[
            tuple[NDArray[np.int64], NDArray[np.int64], NDArray[np.float64], NDArray[np.int64]]
        ] = []

    def kind(self, beat: int) -> int:
        harmony = self.harmony
        key = (
            int(self.first[beat]),
            int(harmony.chords[beat]),
            None if harmony.emission is None else harmony.emission[beat].tobytes(),
            None if harmony.bass_gaps is None else harmony.bass_gaps[beat].tobytes(),
            self._fixed(beat),
            self._ends(beat),
        )
        if key not in self.numbers:
            self.numbers[key] = len(self.options)
            self.options.append(self._options(beat))
        return self.numbers[key]

    def _fixed(self, beat: int) -> tuple[int, int, int]:
        if self.fixed is None:
            return (-1, -1, -1)
        alto, tenor, bass = (int(pitch) for pitch in self.fixed[:, beat])
        return alto, tenor, bass

    def _ends(self, beat: int) -> tuple[int, int, int]:
        """The pitch each fixed voice ends the beat on (-1: as it began, or free)."""
        if self.fixed is None or self.fixed_ends is None:
            return (-1, -1, -1)
        ends = np.where(self.fixed[:, beat] >= 0, self.fixed_ends[:, beat], -1)
        alto, tenor, bass = (int(pitch) for pitch in ends)
        return alto, tenor, bass

    def _options(
        self, beat: int
    ) -> tuple[NDArray[np.int64], NDArray[np.int64], NDArray[np.float64], NDArray[np.int64]]:
        harmony, tables = self.harmony, self.tables
        model = tables.mode(harmony.mode)
        soprano = int(self.first[beat])
        fixed = self._fixed(beat)
        parts = []
        for chord in _chord_options(harmony, beat):
            classes = np.flatnonzero(np.roll(model.chords[chord], harmony.tonic))
            bass = (int(model.bass[chord]) + harmony.tonic) % 12
            voicing, own = _candidates(
                soprano, classes, bass, harmony.tonic, tables.voice_centre, fixed
            )
            if harmony.emission is not None:
                own = own - HARMONY * harmony.emission[beat, chord]
            if harmony.bass_gaps is not None:
                own = own + OUTER * _gap_cost(harmony.bass_gaps[beat], soprano, voicing)
            parts.append((voicing, own, np.full(len(voicing), chord)))
        voicings = np.concatenate([p[0] for p in parts])
        ends = np.array(self._ends(beat))
        return (
            voicings,
            np.where(ends >= 0, ends, voicings),
            np.concatenate([p[1] for p in parts]),
            np.concatenate([p[2] for p in parts]),
        )


def _gap_cost(
    gaps: NDArray[np.float64], soprano: int, voicings: NDArray[np.int64]
) -> NDArray[np.float64]:
    """Minus the log-probability of each voicing's soprano-to-bass distance (the least likely
    distance's, outside the classifier's range)."""
    distance = soprano - voicings[:, 2]
    inside = (distance >= 0) & (distance < len(gaps))
    cost: NDArray[np.float64] = -np.where(
        inside, gaps[np.clip(distance, 0, len(gaps) - 1)], gaps.min()
    )
    return cost


def _chord_options(harmony: Harmony, beat: int) -> list[int]:
    """The decoded chord of a beat and, with emissions known, its ALTERNATIVES likeliest rivals."""
    chosen = int(harmony.chords[beat])
    if harmony.emission is None or not ALTERNATIVES:
        return [chosen]
    ranked = np.argsort(-harmony.emission[beat], kind="stable")
    allowed = ranked[harmony.emission[beat, ranked] > FORBIDDEN]
    rivals = [int(c) for c in allowed if int(c) != chosen][:ALTERNATIVES]
    return [chosen, *rivals]


def _first_and_last(beats: NDArray[np.int64]) -> tuple[NDArray[np.int64], NDArray[np.int64]]:
    """The first and the last sounding melody pitch of each beat (-1 if none)."""
    sounding = beats >= 0
    first = np.take_along_axis(beats, sounding.argmax(axis=1)[:, None], axis=1)[:, 0]
    last_index = beats.shape[1] - 1 - sounding[:, ::-1].argmax(axis=1)
    last = np.take_along_axis(beats, last_index[:, None], axis=1)[:, 0]
    return first, last


def _candidates(
    soprano: int,
    classes: NDArray[np.int64],
    bass: int,
    tonic: int,
    centre: NDArray[np.float64],
    fixed: tuple[int, int, int] = (-1, -1, -1),
) -> tuple[NDArray[np.int64], NDArray[np.float64]]:
    """The cheapest voicings (k, 3) of a chord as alto, tenor, bass, and their own costs; a voice
    with a `fixed` pitch (not -1) has that pitch alone."""
    ranges = [np.arange(low, high + 1) for low, high in SATB_RANGES[1:]]
    alto, tenor = (r[np.isin(r % 12, classes)] for r in ranges[:2])
    low = ranges[2][ranges[2] % 12 == bass]
    alto, tenor, low = (
        np.array([pitch]) if pitch >= 0 else pitches
        for pitch, pitches in zip(fixed, (alto, tenor, low), strict=True)
    )
    grid = np.stack(np.meshgrid(alto, tenor, low, indexing="ij"), axis=-1).reshape(-1, 3)
    satb = np.column_stack([np.full(len(grid), soprano), grid])
    gaps = satb[:, :-1] - satb[:, 1:]
    cost = CROSSING * (gaps < 0).sum(axis=1) + UNISON * (gaps == 0).sum(axis=1)
    cost = cost + SPACING * (gaps[:, :2] > 12).sum(axis=1)
    heard = np.zeros((len(grid), 12), dtype=bool)
    for voice in range(4):
        heard[np.arange(len(grid)), satb[:, voice] % 12] = True
    cost = cost + MISSING * (~heard[:, classes]).sum(axis=1)
    leading = (satb % 12 == (tonic + 11) % 12).sum(axis=1) > 1
    cost = cost + DOUBLED_LEADING_NOTE * leading
    cost = cost + CENTRE * (((grid - centre) / 6) ** 2).sum(axis=1)
    keep = np.argsort(cost, kind="stable")[:CANDIDATES]
    return grid[keep], cost[keep].astype(np.float64)


def _unresolved_leading_notes(
    before: NDArray[np.int64], after: NDArray[np.int64], tonic: int
) -> NDArray[np.int64]:
    """(k1, k2) count of alto and tenor leading notes that do not rise over a V-I bass."""
    v_to_i = ((before[:, None, 2] - tonic) % 12 == 7) & ((after[None, :, 2] - tonic) % 12 == 0)
    leading = (before[:, None, :2] - tonic) % 12 == 11
    rises = after[None, :, :2] == before[:, None, :2] + 1
    count: NDArray[np.int64] = (leading & ~rises).sum(axis=-1) * v_to_i
    return count


def _transition_cost(
    before: NDArray[np.int64],
    after: NDArray[np.int64],
    soprano_before: int,
    soprano_after: int,
    tonic: int,
) -> NDArray[np.float64]:
    """Cost (k1, k2) of moving from each voicing in `before` to each in `after`: motion, leaps,
    consecutive fifths and octaves (similar or contrary motion), unresolved leading notes."""
    distance = np.abs(after[None, :, :] - before[:, None, :])
    cost = (distance * MOTION).sum(axis=-1) + np.maximum(distance - LEAP, 0)[..., :2].sum(axis=-1)
    old = np.column_stack([np.full(len(before), soprano_before), before])
    new = np.column_stack([np.full(len(after), soprano_after), after])
    for upper, lower in _PAIRS:
        if upper == 0 and min(soprano_before, soprano_after) < 0:
            continue
        was = (old[:, upper] - old[:, lower]) % 12
        now = (new[:, upper] - new[:, lower]) % 12
        up = np.sign(new[None, :, upper] - old[:, None, upper])
        down = np.sign(new[None, :, lower] - old[:, None, lower])
        perfect = (was[:, None] == now[None, :]) & np.isin(now, (0, 7))[None, :]
        cost = cost + PARALLEL * (perfect & (up == down) & (up != 0))
        cost = cost + CONTRARY_PERFECT * (perfect & (up == -down) & (up != 0))
    cost = cost + LEADING_NOTE * _unresolved_leading_notes(before, after, tonic)
    if min(soprano_before, soprano_after) >= 0 and soprano_after != soprano_before:
        way = np.sign(soprano_after - soprano_before)
        bass_way = np.sign(after[None, :, 2] - before[:, None, 2])
        cost = cost + SIMILAR_OUTER * (bass_way == way)
        if abs(soprano_after - soprano_before) > 2:
            into = np.isin((soprano_after - after[:, 2]) % 12, (0, 7))[None, :]
            was = ((soprano_before - before[:, 2]) % 12)[:, None] != (
                soprano_after - after[:, 2]
            ) % 12
            cost = cost + HIDDEN * ((bass_way == way) & into & was)
    result: NDArray[np.float64] = cost.astype(np.float64)
    return result
