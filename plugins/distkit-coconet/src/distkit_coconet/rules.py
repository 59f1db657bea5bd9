"""Voice-leading faults each candidate pitch would make, for steering the Gibbs sampler.

For one lower voice, every token it could take at every step is checked against the current
notes of the other three voices at the step before and the step after: consecutive fifths or
octaves (the interval class stays perfect while both voices move, in similar or contrary
motion, as `distkit.music.metrics.consecutives` counts them) and, for the bass against the
soprano, hidden fifths and octaves (similar motion into a perfect interval with a soprano leap,
as `hidden_perfects` counts them); and leaps of more than an octave within the voice
(`wide_leaps`, here from step to step: a rest between two notes is not looked across).
"""

from __future__ import annotations

import torch

from distkit.music.base import STEPS_PER_QUARTER
from distkit_coconet.data import LOWEST_PITCH, PITCH_SPAN, TOKENS

PERFECT = (0, 7)


def _perfect(interval: torch.Tensor) -> torch.Tensor:
    classes = interval % 12
    return (classes == PERFECT[0]) | (classes == PERFECT[1])


def _moves(a: torch.Tensor, b: torch.Tensor) -> torch.Tensor:
    return torch.sign(b - a)


def fault_counts(
    tokens: torch.Tensor, voice: int, tonic: int | None = None, joined: torch.Tensor | None = None
) -> torch.Tensor:
    """(chains, steps, TOKENS): the faults voice `voice` (1-3) would make with each token at
    each step, the other cells as they are in `tokens` (chains, 4, steps). Rests make none.

    Given the `tonic` (pitch class of the token's pitch, MIDI LOWEST_PITCH + token), leading
    notes in alto or tenor that leave a V-I bass other than up a semitone count too. `joined`
    (steps - 1), if given, marks the voice's neighbouring cells drawn as one token (a
    `lower_grid` block): the voice cannot move between them, so no fault is counted there.
    """
    chains, _, steps = tokens.shape
    pair = _apart(joined)
    lines = _lines(tokens)
    candidate = torch.arange(TOKENS).view(1, 1, TOKENS)
    counts = torch.zeros((chains, steps, TOKENS))
    valid_candidate = candidate < PITCH_SPAN
    for other in range(4):
        if other == voice:
            continue
        sign = 1 if other > voice else -1  # intervals are read from the upper voice down
        mine, theirs = lines[:, voice, :, None], lines[:, other, :, None]
        for before, after in ((slice(None, -1), slice(1, None)), (slice(1, None), slice(None, -1))):
            # before: the neighbour step; after: this step (first pass: step t-1 -> t).
            near_mine, near_theirs = mine[:, before], theirs[:, before]
            here_theirs = theirs[:, after]
            heard = (near_mine >= 0) & (near_theirs >= 0) & (here_theirs >= 0) & valid_candidate
            near_interval = sign * (near_mine - near_theirs)
            here_interval = sign * (candidate - here_theirs)
            same_perfect = _perfect(near_interval) & ((near_interval - here_interval) % 12 == 0)
            both_move = (candidate != near_mine) & (here_theirs != near_theirs)
            fault = (heard & same_perfect & both_move).float() * pair
            if before.start is None:
                counts[:, 1:] += fault
            else:
                counts[:, :-1] += fault
    if voice == 3:
        counts += _hidden_outer(lines, pair)
    if tonic is not None:
        counts += _unresolved_leading_notes(lines, voice, (tonic - LOWEST_PITCH) % 12, pair)
    return counts + _wide_leaps(lines[:, voice], joined=joined)


def _apart(joined: torch.Tensor | None) -> torch.Tensor | float:
    """(1, steps - 1, 1): 1 between neighbouring cells drawn apart, 0 between `joined` ones."""
    return 1.0 if joined is None else (~joined).float().view(1, -1, 1)


def inner_leaps(
    tokens: torch.Tensor, over: int = 7, joined: torch.Tensor | None = None
) -> torch.Tensor:
    """(chains, 3, steps, TOKENS): leaps of more than `over` semitones that each token would
    make in alto or tenor from the note before or to the note after, the other cells as they
    are in `tokens` (chains, 4, steps); the bass (the last of the 3) counts none. `joined`
    (3, steps - 1), if given, marks the neighbouring cells drawn as one token (a `lower_grid`
    block), between which no leap can be made."""
    chains, _, steps = tokens.shape
    lines = _lines(tokens)
    counts = torch.zeros((chains, 3, steps, TOKENS))
    for voice in (1, 2):
        apart = None if joined is None else joined[voice - 1]
        counts[:, voice - 1] = _wide_leaps(lines[:, voice], over, apart)
    return counts


def contrary_outer(
    tokens: torch.Tensor, beat: int = STEPS_PER_QUARTER, joined: torch.Tensor | None = None
) -> torch.Tensor:
    """(chains, steps, TOKENS): for the bass, how many moves against the soprano each token
    would make from beat to beat (a beat: every `beat`-th step from the first), the other cells
    as they are in `tokens` (chains, 4, steps): from the bass of the beat before, or to the bass
    of the beat after, where the soprano moves between the two beats and each voice sounds on
    both, as the style check counts contrary motion. Off the beats and for a rest, none.
    `joined` (steps - 1), if given, marks neighbouring bass cells drawn as one token: no move is
    counted between two beats joined all the way."""
    chains, _, steps = tokens.shape
    counts = torch.zeros((chains, steps, TOKENS))
    beats = torch.arange(0, steps, beat)
    if beats.numel() < 2:
        return counts
    lines = _lines(tokens)
    top, bass = lines[:, 0, beats, None], lines[:, 3, beats, None]
    candidate = torch.arange(TOKENS).view(1, 1, TOKENS)
    way = _moves(top[:, :-1], top[:, 1:])
    moving = (top[:, :-1] >= 0) & (top[:, 1:] >= 0) & (way != 0) & (candidate < PITCH_SPAN)
    if joined is not None:
        together = torch.stack([joined[start : start + beat].all() for start in beats[:-1]])
        moving = moving & ~together.view(1, -1, 1)
    arriving = moving & (bass[:, :-1] >= 0) & (_moves(bass[:, :-1], candidate) == -way)
    leaving = moving & (bass[:, 1:] >= 0) & (_moves(candidate, bass[:, 1:]) == -way)
    counts[:, beats[1:]] += arriving.float()
    counts[:, beats[:-1]] += leaving.float()
    return counts


def _lines(tokens: torch.Tensor) -> torch.Tensor:
    """Pitch tokens as they are, rests far below any pitch."""
    pitched = (tokens < PITCH_SPAN) & (tokens >= 0)
    return torch.where(pitched, tokens, torch.full_like(tokens, -10_000))


def _unresolved_leading_notes(
    lines: torch.Tensor, voice: int, tonic: int, pair: torch.Tensor | float = 1.0
) -> torch.Tensor:
    """Alto or tenor leaving a leading note, other than up a semitone, as the bass goes from
    the dominant (step t) to the tonic (step t + 1); `tonic` is a token pitch class. `pair`
    weighs each step t -> t + 1 (`_apart`)."""
    chains, _, steps = lines.shape
    candidate = torch.arange(TOKENS).view(1, 1, TOKENS)
    counts = torch.zeros((chains, steps, TOKENS))
    pitched = candidate < PITCH_SPAN

    def degree(pitch: torch.Tensor, step: int) -> torch.Tensor:
        return (pitch >= 0) & ((pitch - tonic) % 12 == step)

    bass_a, bass_b = lines[:, 3, :-1, None], lines[:, 3, 1:, None]
    if voice == 3:
        for upper in (1, 2):
            a, b = lines[:, upper, :-1, None], lines[:, upper, 1:, None]
            left = degree(a, 11) & (b >= 0) & (b != a) & (b != a + 1)
            arriving = left & degree(bass_a, 7) & pitched & degree(candidate, 0)
            counts[:, 1:] += arriving.float() * pair
            leaving = left & pitched & degree(candidate, 7) & degree(bass_b, 0)
            counts[:, :-1] += leaving.float() * pair
        return counts
    if voice not in (1, 2):
        return counts
    v_to_i = degree(bass_a, 7) & degree(bass_b, 0)
    a, b = lines[:, voice, :-1, None], lines[:, voice, 1:, None]
    arriving = degree(a, 11) & pitched & (candidate != a) & (candidate != a + 1)
    counts[:, 1:] += (v_to_i & arriving).float() * pair
    leaving = pitched & degree(candidate, 11) & (b >= 0) & (b != candidate) & (b != candidate + 1)
    counts[:, :-1] += (v_to_i & leaving).float() * pair
    return counts


def _wide_leaps(
    line: torch.Tensor, over: int = 12, joined: torch.Tensor | None = None
) -> torch.Tensor:
    """Leaps of more than `over` semitones (an octave) from the note before, or to the note
    after, each step; none between neighbours `joined` (steps - 1) marks as drawn together."""
    chains, steps = line.shape
    candidate = torch.arange(TOKENS).view(1, 1, TOKENS)
    counts = torch.zeros((chains, steps, TOKENS))
    pitched = candidate < PITCH_SPAN
    before, after = line[:, :-1, None], line[:, 1:, None]
    arriving = pitched & (before >= 0) & ((candidate - before).abs() > over)
    leaving = pitched & (after >= 0) & ((after - candidate).abs() > over)
    if joined is not None:
        arriving = arriving & ~joined.view(1, -1, 1)
        leaving = leaving & ~joined.view(1, -1, 1)
    counts[:, 1:] += arriving.float()
    counts[:, :-1] += leaving.float()
    return counts


def _hidden_outer(lines: torch.Tensor, pair: torch.Tensor | float = 1.0) -> torch.Tensor:
    """Hidden fifths/octaves the bass would make with the soprano, arriving at each step from
    the step before, or leaving it for the step after; `pair` weighs each step (`_apart`)."""
    chains, _, steps = lines.shape
    candidate = torch.arange(TOKENS).view(1, 1, TOKENS)
    counts = torch.zeros((chains, steps, TOKENS))
    top, bass = lines[:, 0, :, None], lines[:, 3, :, None]
    top_a, top_b = top[:, :-1], top[:, 1:]
    leap = (top_b - top_a).abs() > 2
    sounding = (top_a >= 0) & (top_b >= 0) & (candidate < PITCH_SPAN)
    # arriving: the bass's step-before note is known, the candidate is the note it moves to
    arriving = _hidden(top_a, top_b, bass[:, :-1], candidate)
    counts[:, 1:] += (sounding & (bass[:, :-1] >= 0) & leap & arriving).float() * pair
    # leaving: the candidate is the note the bass moves from
    leaving = _hidden(top_a, top_b, candidate, bass[:, 1:])
    counts[:, :-1] += (sounding & (bass[:, 1:] >= 0) & leap & leaving).float() * pair
    return counts


def _hidden(
    top_a: torch.Tensor, top_b: torch.Tensor, bass_a: torch.Tensor, bass_b: torch.Tensor
) -> torch.Tensor:
    """Similar motion of soprano and bass into a perfect interval from another interval."""
    similar = (_moves(top_a, top_b) == _moves(bass_a, bass_b)) & (_moves(top_a, top_b) != 0)
    after = top_b - bass_b
    return similar & _perfect(after) & ((top_a - bass_a) % 12 != after % 12)
