"""Harmonizing by annealed blocked Gibbs sampling, and the model's log-likelihood of Bach.

Sampling follows Coconet (Huang et al. 2017, section 5): start with alto, tenor and bass all
hidden; at each of `passes` steps hide a random share of their cells, falling linearly from all
of them to `floor` over the first `anneal` part of the run, and redraw the hidden cells from the
network's conditionals. The soprano is never hidden. With a `lower_grid` the lower voices' cells
are hidden and drawn a grid block at a time (`tied_cells`). Optional final `sweeps` redraw one
voice at every other step (every other grid block) at a time, so that each redrawn cell's
neighbours are fixed and the rules (`rules.py`) see exactly the notes it will sound against.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
import torch

from distkit.music.base import STEPS_PER_QUARTER
from distkit_coconet.data import TOKENS
from distkit_coconet.network import network_input
from distkit_coconet.register import register_penalties
from distkit_coconet.rules import contrary_outer, fault_counts, inner_leaps
from distkit_coconet.settings import GibbsSettings
from distkit_coconet.tokens import REST

if TYPE_CHECKING:
    from collections.abc import Callable

    from numpy.typing import NDArray

    from distkit_coconet.network import Infiller


def hidden_share(step: int, settings: GibbsSettings) -> float:
    """The share of alto-tenor-bass cells redrawn at pass `step` (0-based)."""
    fall = max(1.0, settings.anneal * settings.passes)
    return max(settings.floor, 1.0 - step * (1.0 - settings.floor) / fall)


def temperature_at(step: int, settings: GibbsSettings) -> float:
    """The sampling temperature at pass `step`: cooling geometrically to the final one."""
    if settings.passes <= 1:
        return settings.final_temperature
    ratio = settings.final_temperature / settings.temperature
    return float(settings.temperature * ratio ** (step / (settings.passes - 1)))


def gibbs(
    network: Infiller,
    soprano: NDArray[np.int64],
    settings: GibbsSettings,
    seed: int | None = None,
    allowed: NDArray[np.bool_] | None = None,
    tonic: int | None = None,
    known: NDArray[np.int64] | None = None,
    redraw: NDArray[np.bool_] | None = None,
    progress: Callable[[float], None] | None = None,
    heard: NDArray[np.int64] | None = None,
) -> tuple[NDArray[np.int64], NDArray[np.float64]]:
    """(chains, 4, steps) tokens: `soprano` (steps,) with alto, tenor and bass sampled under it
    in each of `settings.chains` independent chains; and each chain's pseudo-NLL per cell.

    `allowed` (3, steps, TOKENS), if given, limits the tokens each lower cell may take; the
    melody's `tonic` pitch class, if given, lets the rules judge leading notes. With `known`
    (3, steps) tokens and a `redraw` mask (3, steps), only the masked cells are ever hidden and
    drawn (Gibbs sampling under the mask); the others keep their known tokens. `progress`, if
    given, hears the share of the sampler's steps done after each step. `heard` (steps,), if
    given, is the soprano the rules judge against (the melody as written, when the network is
    shown a plainer line: `melody_shown`); otherwise they judge `soprano`.
    """
    chain = _Chain(network, settings, allowed, tonic, seed, np.asarray(soprano, dtype=np.int64))
    if heard is not None:
        chain.heard = torch.from_numpy(np.asarray(heard, dtype=np.int64))
    if settings.register_weight:
        chain.register = register_penalties(soprano if heard is None else heard)[:, None]
    steps, chains = len(soprano), settings.chains
    open_cells = torch.ones((3, steps), dtype=torch.bool)
    if known is not None and redraw is not None:
        chain.tokens[:, 1:] = torch.from_numpy(np.asarray(known, dtype=np.int64))
        open_cells = torch.from_numpy(np.asarray(redraw, dtype=bool))
    if settings.lower_grid > 1:
        barred = None if chain.barred is None else chain.barred.numpy()
        chain.tied = torch.from_numpy(tied_cells(settings.lower_grid, barred, open_cells.numpy()))
        block = torch.arange(steps) // settings.lower_grid
        same_block = block[1:] == block[:-1]
        chain.joined = chain.tied[:, 1:] & chain.tied[:, :-1] & same_block
    total = settings.passes + settings.sweeps * 6
    tell = progress or (lambda share: None)
    with torch.no_grad():
        for step in range(settings.passes):
            if step == 0:
                hidden = torch.ones((chains, 3, steps), dtype=torch.bool)
            else:
                share = hidden_share(step, settings)
                hidden = torch.rand((chains, 3, steps), generator=chain.source) < share
            chain.redraw(hidden & open_cells, temperature_at(step, settings), steer=step > 0)
            tell((step + 1) / total)
        block_parity = torch.arange(steps) // max(settings.lower_grid, 1) % 2
        for sweep in range(settings.sweeps):
            for voice in range(3):
                for parity in (0, 1):
                    hidden = torch.zeros((chains, 3, steps), dtype=torch.bool)
                    hidden[:, voice, block_parity == parity] = True
                    chain.redraw(hidden & open_cells, settings.final_temperature, steer=True)
                    tell((settings.passes + 6 * sweep + 2 * voice + parity + 1) / total)
        scores = pseudo_nll(network, chain.tokens) / (3 * steps)
    return chain.tokens.numpy(), scores.double().numpy()


def off_eighth_changes(lines: torch.Tensor, joined: torch.Tensor | None = None) -> torch.Tensor:
    """(chains, 3, steps, TOKENS): for each lower cell and token, how many changes of note (or
    rest) it would make on an off-eighth step: arriving there from the step before, or, on the
    step before one, leaving for it. `lines` (chains, 3, steps) are the neighbours. `joined`
    (3, steps - 1), if given, marks neighbouring cells drawn as one token (a `lower_grid`
    block), which cannot differ: no change is counted between them."""
    odd = torch.arange(1, lines.shape[-1], 2)
    return _across(lines, odd, joined, same=False)


def beat_holds(lines: torch.Tensor, joined: torch.Tensor | None = None) -> torch.Tensor:
    """(chains, 3, steps, TOKENS): for each lower cell and token, how many times it would hold
    the voice's note (or rest) over a beat, with no new note on it: on a beat, the same token
    as the step before; on the step before a beat, the same token as the beat. `lines` and
    `joined` as for `off_eighth_changes`."""
    beats = torch.arange(0, lines.shape[-1], STEPS_PER_QUARTER)[1:]
    return _across(lines, beats, joined, same=True)


def _across(
    lines: torch.Tensor, at: torch.Tensor, joined: torch.Tensor | None, *, same: bool
) -> torch.Tensor:
    """(chains, 3, steps, TOKENS): at each step of `at` (all above 0), whether a token there
    would equal (`same`) or differ from the token of the step before, and at the step before,
    whether it would equal or differ from the token there; none between `joined` cells."""
    chains, voices, steps = lines.shape
    counts = torch.zeros((chains, voices, steps, TOKENS))
    candidate = torch.arange(TOKENS)
    arriving = candidate == lines[:, :, at - 1, None]
    leaving = candidate == lines[:, :, at, None]
    if not same:
        arriving, leaving = ~arriving, ~leaving
    arriving, leaving = arriving.float(), leaving.float()
    if joined is not None:
        apart = (~joined[:, at - 1]).float()[None, :, :, None]
        arriving, leaving = arriving * apart, leaving * apart
    counts[:, :, at] += arriving
    counts[:, :, at - 1] += leaving
    return counts


def tied_cells(
    grid: int, barred: NDArray[np.bool_] | None, open_cells: NDArray[np.bool_]
) -> NDArray[np.bool_]:
    """(3, steps): the lower cells drawn a grid block at a time. A block of `grid` steps (the
    last one may be shorter) is tied when each of its cells is open and bars the same tokens
    (in `barred`, (3, steps, TOKENS)) as the block's first cell does."""
    steps = open_cells.shape[1]
    block = np.arange(steps) // grid
    same = np.ones((3, steps), dtype=bool)
    if barred is not None:
        same = (barred == barred[:, block * grid]).all(axis=-1)
    fine = same & open_cells
    blocks = -(-steps // grid)
    padded = np.ones((3, blocks * grid), dtype=bool)
    padded[:, :steps] = fine
    whole = padded.reshape(3, blocks, grid).all(axis=-1)
    tied: NDArray[np.bool_] = whole[:, block]
    return tied


class _Chain:
    """The state of the sampler's chains and what steers each redraw."""

    def __init__(
        self,
        network: Infiller,
        settings: GibbsSettings,
        allowed: NDArray[np.bool_] | None,
        tonic: int | None,
        seed: int | None,
        soprano: NDArray[np.int64],
    ) -> None:
        self.network, self.settings, self.tonic = network, settings, tonic
        self.barred = None if allowed is None else torch.from_numpy(~np.asarray(allowed, bool))
        self.source = torch.Generator().manual_seed(0 if seed is None else seed)
        self.tokens = torch.zeros((settings.chains, 4, len(soprano)), dtype=torch.int64)
        self.tokens[:, 0] = torch.from_numpy(soprano)
        self.heard: torch.Tensor | None = None
        self.tied: torch.Tensor | None = None
        self.joined: torch.Tensor | None = None
        """(3, steps - 1): neighbouring lower cells in one tied block, drawn as one token."""
        self.register: torch.Tensor | None = None
        """(3, 1, TOKENS): each lower voice's register penalties (`register_penalties`)."""

    def redraw(self, hidden: torch.Tensor, temperature: float, *, steer: bool) -> None:
        """Draw the `hidden` cells afresh, in place, from the network's conditionals."""
        tokens = self.tokens
        if self.tied is not None:
            hidden = hidden | (self._per_block(hidden, "any") & self.tied)
        logits = self.network(network_input(tokens, hidden))
        if self.settings.rest_penalty:
            logits[..., REST] -= self.settings.rest_penalty
        if self.register is not None:
            logits = logits - self.settings.register_weight * self.register
        if self.settings.offbeat_penalty and steer:
            changes = off_eighth_changes(tokens[:, 1:], self.joined)
            logits = logits - self.settings.offbeat_penalty * changes
        if self.settings.held_beat_penalty and steer:
            holds = beat_holds(tokens[:, 1:], self.joined)
            logits = logits - self.settings.held_beat_penalty * holds
        if self.settings.inner_leap_penalty and steer:
            leaps = inner_leaps(tokens, joined=self.joined)
            logits = logits - self.settings.inner_leap_penalty * leaps
        judged = tokens
        if self.heard is not None:
            judged = tokens.clone()
            judged[:, 0] = self.heard
        if self.settings.contrary_bonus and steer:
            contrary = contrary_outer(judged, joined=self._joined(3))
            logits[:, 2] = logits[:, 2] + self.settings.contrary_bonus * contrary
        logits = logits / temperature
        if self.settings.rule_weight and steer:
            faults = [
                fault_counts(judged, voice, self.tonic, self._joined(voice)) for voice in (1, 2, 3)
            ]
            logits = logits - self.settings.rule_weight * torch.stack(faults, dim=1)
        if self.barred is not None:
            logits = logits.masked_fill(self.barred, float("-inf"))
        drawn = self._draw(logits)
        if self.tied is not None:
            cells = torch.where(self.tied[..., None], torch.log_softmax(logits, dim=-1), 0.0)
            together = self._draw(self._per_block(cells, "sum"))
            drawn = torch.where(self.tied, self._per_step(together, hidden.shape[-1]), drawn)
        tokens[:, 1:] = torch.where(hidden, drawn, tokens[:, 1:])

    def _joined(self, voice: int) -> torch.Tensor | None:
        """(steps - 1): voice `voice`'s (1-3) neighbouring cells drawn as one token, if any."""
        return None if self.joined is None else self.joined[voice - 1]

    def _draw(self, logits: torch.Tensor) -> torch.Tensor:
        """One token per row of `logits` (..., TOKENS), from their softmax."""
        rows = torch.softmax(logits.reshape(-1, TOKENS), dim=-1)
        return torch.multinomial(rows, 1, generator=self.source).view(logits.shape[:-1])

    def _per_block(self, cells: torch.Tensor, how: str) -> torch.Tensor:
        """(chains, 3, blocks, ...): `cells` (chains, 3, steps, ...) combined over each block
        of `lower_grid` steps: by `any` (a mask, then spread back to the steps) or `sum`."""
        grid = self.settings.lower_grid
        steps = cells.shape[2]
        blocks = -(-steps // grid)
        shape = (*cells.shape[:2], blocks * grid, *cells.shape[3:])
        padded = torch.zeros(shape, dtype=cells.dtype)
        padded[:, :, :steps] = cells
        grouped = padded.view(*cells.shape[:2], blocks, grid, *cells.shape[3:])
        if how == "any":
            return self._per_step(grouped.any(dim=3), steps)
        return grouped.sum(dim=3)

    def _per_step(self, blocks: torch.Tensor, steps: int) -> torch.Tensor:
        """Each block's value repeated over its `lower_grid` steps, cut to `steps`."""
        return blocks.repeat_interleave(self.settings.lower_grid, dim=2)[:, :, :steps]


def pseudo_nll(network: Infiller, tokens: torch.Tensor) -> torch.Tensor:
    """Per chain, the summed negative log conditional of each alto-tenor-bass cell given all
    others (each voice hidden in turn at every step)."""
    batch, _, steps = tokens.shape
    total = torch.zeros(batch)
    for voice in range(3):
        hidden = torch.zeros((batch, 3, steps), dtype=torch.bool)
        hidden[:, voice] = True
        logits = network(network_input(tokens, hidden))[:, voice]
        picked = torch.log_softmax(logits, -1).gather(-1, tokens[:, voice + 1, :, None])
        total -= picked.squeeze(-1).sum(-1)
    return total


def nll_per_cell(
    network: Infiller, tokens: NDArray[np.int64], seed: int = 0, chunk: int = 48
) -> float:
    """The network's negative log-likelihood of Bach's alto, tenor and bass, in nats per cell.

    An orderless model is a proper autoregressive model for any one order of the cells: reveal
    them in a random order, and score each given the soprano and the cells revealed before it.
    The true cells are known, so every step of the order runs as one batch.
    """
    cells = 3 * tokens.shape[1]
    order = np.random.default_rng(seed).permutation(cells)
    rank = np.empty(cells, dtype=np.int64)
    rank[order] = np.arange(cells)
    rank_grid = torch.from_numpy(rank.reshape(3, -1))
    given = torch.from_numpy(np.asarray(tokens, dtype=np.int64))[None]
    total: float = 0.0
    with torch.no_grad():
        for start in range(0, cells, chunk):
            positions = torch.arange(start, min(start + chunk, cells))
            hidden = rank_grid[None] >= positions[:, None, None]
            batch = given.expand(len(positions), -1, -1)
            logits = network(network_input(batch, hidden))
            log_probs = torch.log_softmax(logits, -1)
            voice, step = np.divmod(order[start : start + len(positions)], tokens.shape[1])
            rows = torch.arange(len(positions))
            target = given[0, torch.from_numpy(voice) + 1, torch.from_numpy(step)]
            total -= float(
                log_probs[rows, torch.from_numpy(voice), torch.from_numpy(step), target].sum()
            )
    return float(total / cells)
