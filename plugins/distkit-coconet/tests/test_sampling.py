"""The annealed Gibbs sampler and the likelihood of Bach's voices."""

from __future__ import annotations

import itertools
import math
from dataclasses import replace
from typing import cast

import numpy as np
import pytest
import torch
from distkit_coconet.data import REST, TOKENS, encode
from distkit_coconet.network import Infiller, network_input
from distkit_coconet.sampling import (
    GibbsSettings,
    beat_holds,
    gibbs,
    hidden_share,
    nll_per_cell,
    off_eighth_changes,
    temperature_at,
    tied_cells,
)

from distkit.music.chorales import Chorale


@pytest.fixture(scope="module")
def network() -> Infiller:
    torch.manual_seed(3)
    return Infiller(channels=16, stacks=1).eval()


def test_the_hidden_share_falls_from_all_to_the_floor_then_stays() -> None:
    settings = GibbsSettings(passes=100, floor=0.1, anneal=0.5)
    shares = [hidden_share(step, settings) for step in range(100)]
    assert shares[0] == 1.0
    assert all(a >= b for a, b in itertools.pairwise(shares))
    assert shares[50:] == [0.1] * 50


def test_the_temperature_cools_to_the_final_one() -> None:
    settings = GibbsSettings(passes=10, temperature=1.0, final_temperature=0.1)
    assert temperature_at(0, settings) == 1.0
    assert temperature_at(9, settings) == pytest.approx(0.1)


def test_sampling_keeps_the_soprano_is_seeded_and_fills_every_lower_cell(
    network: Infiller,
) -> None:
    soprano = np.array([40, 40, 42, 42, REST, 44, 44, 44] * 4)
    settings = GibbsSettings(passes=6, chains=3)
    first, scores = gibbs(network, soprano, settings, seed=5)
    assert first.shape == (3, 4, 32)
    assert scores.shape == (3,)
    assert (first[:, 0] == soprano).all()
    assert ((first[:, 1:] >= 0) & (first[:, 1:] < TOKENS)).all()
    assert not np.array_equal(first[0], first[1])
    assert np.array_equal(first, gibbs(network, soprano, settings, seed=5)[0])
    assert not np.array_equal(first, gibbs(network, soprano, settings, seed=6)[0])


def test_the_sampler_reports_its_progress_step_by_step_up_to_one(network: Infiller) -> None:
    heard: list[float] = []
    settings = GibbsSettings(passes=4, chains=1, sweeps=1)
    gibbs(network, np.array([40, 42, 44, 45] * 4), settings, seed=1, progress=heard.append)
    assert len(heard) == 4 + 6
    assert heard == sorted(heard)
    assert heard[0] > 0
    assert heard[-1] == pytest.approx(1.0)


def test_each_chain_s_score_is_its_mean_negative_log_conditional(network: Infiller) -> None:
    soprano = np.array([40, 42, 44, 45] * 4)
    chains, scores = gibbs(network, soprano, GibbsSettings(passes=3, chains=2), seed=1)
    for tokens, score in zip(chains, scores, strict=True):
        total = 0.0
        for voice in range(3):
            hidden = torch.zeros(1, 3, 16, dtype=torch.bool)
            hidden[0, voice] = True
            with torch.no_grad():
                logits = network(network_input(torch.from_numpy(tokens)[None], hidden))
            log_probs = torch.log_softmax(logits[0, voice], -1)
            total -= float(log_probs[torch.arange(16), torch.from_numpy(tokens[voice + 1])].sum())
        assert score == pytest.approx(total / 48, rel=1e-4)


def test_the_likelihood_is_the_chain_rule_over_one_random_order(network: Infiller) -> None:
    rng = np.random.default_rng(0)
    tokens = rng.integers(0, TOKENS, (4, 6))
    cells = 18
    order = np.random.default_rng(9).permutation(cells)
    hidden = torch.ones(1, 3, 6, dtype=torch.bool)
    given = torch.from_numpy(tokens)[None]
    total = 0.0
    with torch.no_grad():
        for cell in order:
            voice, step = divmod(int(cell), 6)
            logits = network(network_input(given, hidden))[0, voice, step]
            total -= float(torch.log_softmax(logits, -1)[tokens[voice + 1, step]])
            hidden[0, voice, step] = False
    assert nll_per_cell(network, tokens, seed=9, chunk=5) == pytest.approx(total / cells, rel=1e-5)


def test_an_untrained_network_is_near_uniform_on_bach(
    network: Infiller, few_chorales: list[Chorale]
) -> None:
    nll = nll_per_cell(network, encode(few_chorales[0].roll))
    assert abs(nll - math.log(TOKENS)) < 1.0


def test_the_rules_steer_the_sampler_away_from_consecutive_fifths_and_octaves(
    network: Infiller,
) -> None:
    from distkit_coconet.data import decode

    from distkit.music.metrics import consecutives

    soprano = np.array([40, 42, 44, 45, 47, 45, 44, 42] * 4)

    def faults(rule_weight: float) -> int:
        settings = GibbsSettings(passes=30, chains=8, rule_weight=rule_weight)
        chains, _ = gibbs(network, soprano, settings, seed=2)
        return sum(
            consecutives(decode(tokens), "similar") + consecutives(decode(tokens), "contrary")
            for tokens in chains
        )

    free, steered = faults(0.0), faults(20.0)
    assert free >= 10
    assert steered <= free // 5


def test_after_a_sweep_with_hard_rules_no_consecutive_or_hidden_perfects_remain(
    network: Infiller,
) -> None:
    from distkit_coconet.data import decode

    from distkit.music.metrics import consecutives, hidden_perfects

    soprano = np.array([40, 42, 44, 45, 47, 45, 44, 42] * 4)
    settings = GibbsSettings(passes=4, chains=8, rule_weight=1000.0, sweeps=1)
    chains, _ = gibbs(network, soprano, settings, seed=4)
    for tokens in chains:
        roll = decode(tokens)
        assert consecutives(roll, "similar") + consecutives(roll, "contrary") == 0
        assert hidden_perfects(roll) == 0


def test_the_rules_judge_the_heard_melody_and_the_network_only_the_shown_one(
    network: Infiller, monkeypatch: pytest.MonkeyPatch
) -> None:
    import distkit_coconet.sampling as sampling

    shown = np.full(32, 40, dtype=np.int64)  # a held note, as a rest held over is shown
    heard = np.where(np.arange(32) % 8 < 4, 40, REST).astype(np.int64)
    heard[16:] = 47  # the melody as written: rests, then another note
    plain = GibbsSettings(passes=6, rule_weight=0.0)
    assert np.array_equal(
        gibbs(network, shown, plain, seed=1)[0],
        gibbs(network, shown, plain, seed=1, heard=heard)[0],
    )
    judged: list[np.ndarray] = []
    counts = sampling.fault_counts

    def recording(
        tokens: torch.Tensor,
        voice: int,
        tonic: int | None = None,
        joined: torch.Tensor | None = None,
    ) -> torch.Tensor:
        judged.append(tokens[:, 0].numpy().copy())
        return counts(tokens, voice, tonic, joined)

    monkeypatch.setattr(sampling, "fault_counts", recording)
    ruled = GibbsSettings(passes=6, rule_weight=100.0)
    chains = gibbs(network, shown, ruled, seed=1, heard=heard)[0]
    assert judged
    assert all(np.array_equal(soprano[0], heard) for soprano in judged)
    assert np.array_equal(chains[0, 0], shown)  # what the network was shown
    judged.clear()
    gibbs(network, shown, ruled, seed=1)
    assert judged
    assert all(np.array_equal(soprano[0], shown) for soprano in judged)


def test_with_a_lower_grid_the_lower_voices_change_only_on_its_lines(network: Infiller) -> None:
    soprano = np.array([40, 41, 42, 43, 44, 45, 46, 47] * 4 + [48, 49, 50])
    loose, _ = gibbs(network, soprano, GibbsSettings(passes=8, chains=4), seed=2)
    grid, _ = gibbs(network, soprano, GibbsSettings(passes=8, chains=4, lower_grid=2), seed=2)
    lower = grid[:, 1:]
    assert (lower[..., 1::2] == lower[..., 0:-1:2]).all()
    assert (loose[:, 1:, 1::2] != loose[:, 1:, 0:-1:2]).any()
    assert np.array_equal(
        grid, gibbs(network, soprano, GibbsSettings(passes=8, chains=4, lower_grid=2), seed=2)[0]
    )


def test_a_lower_grid_ties_only_blocks_that_are_open_and_bar_the_same_tokens() -> None:
    open_cells = np.ones((3, 7), dtype=bool)
    open_cells[1, 2] = False
    barred = np.zeros((3, 7, TOKENS), dtype=bool)
    barred[2, 5, 3] = True
    tied = tied_cells(2, barred, open_cells)
    assert tied[0].tolist() == [True] * 7
    assert tied[1].tolist() == [True, True, False, False, True, True, True]
    assert tied[2].tolist() == [True, True, True, True, False, False, True]
    assert tied_cells(2, None, open_cells)[2].all()


def test_a_lower_grid_keeps_known_cells_and_the_allowed_tokens(network: Infiller) -> None:
    soprano = np.array([40, 42, 44, 45] * 6)
    steps = soprano.size
    known = np.full((3, steps), 30)
    redraw = np.zeros((3, steps), dtype=bool)
    redraw[:, 5:17] = True
    allowed = np.zeros((3, steps, TOKENS), dtype=bool)
    allowed[:, :, 20:40] = True
    allowed[2, -3:, :] = False
    allowed[2, -3:, 24:26] = True  # the bass's last three cells: the block [20, 21] is mixed
    settings = GibbsSettings(passes=6, chains=8, lower_grid=2)
    tokens, _ = gibbs(network, soprano, settings, seed=1, known=known, redraw=redraw)
    assert (tokens[:, 1:][:, ~redraw] == 30).all()
    lower = tokens[:, 1:, 6:16]
    assert (lower[..., 1::2] == lower[..., ::2]).all()
    tokens, _ = gibbs(network, soprano, settings, seed=1, allowed=allowed)
    assert ((tokens[:, 1:] >= 20) & (tokens[:, 1:] < 40)).all()
    assert np.isin(tokens[:, 3, -3:], (24, 25)).all()
    assert not np.isin(tokens[:, 3, -4], (24, 25)).all()  # drawn alone, not tied to step 21


def test_with_a_lower_grid_a_sweep_redraws_every_other_block(
    network: Infiller, monkeypatch: pytest.MonkeyPatch
) -> None:
    """So that the cells it redraws have fixed neighbours, as they do without a grid."""
    import distkit_coconet.sampling as sampling

    seen: list[torch.Tensor] = []

    def spy(tokens: torch.Tensor, hidden: torch.Tensor) -> torch.Tensor:
        seen.append(hidden.clone())
        return network_input(tokens, hidden)

    monkeypatch.setattr(sampling, "network_input", spy)
    soprano = np.array([40, 41, 42, 43] * 4)
    gibbs(network, soprano, GibbsSettings(passes=1, sweeps=1, lower_grid=2), seed=0)
    sweeps = seen[1:7]
    for index, hidden in enumerate(sweeps):
        voice, parity = divmod(index, 2)
        expected = torch.zeros((1, 3, 16), dtype=torch.bool)
        expected[0, voice] = (torch.arange(16) // 2 % 2) == parity
        assert torch.equal(hidden, expected)


def _plain_and_penalized(
    network: Infiller, soprano: np.ndarray, seed: int, **penalty: float
) -> tuple[np.ndarray, np.ndarray]:
    """Chains drawn with no penalty, and with `penalty`; the penalty at 0 changes nothing."""
    settings = GibbsSettings(passes=12, chains=6, final_temperature=1.0)
    plain, _ = gibbs(network, soprano, settings, seed=seed)
    off = dict.fromkeys(penalty, 0.0)
    assert np.array_equal(plain, gibbs(network, soprano, replace(settings, **off), seed=seed)[0])
    return plain, gibbs(network, soprano, replace(settings, **penalty), seed=seed)[0]


def test_the_motion_penalties_leave_the_first_unsteered_pass_alone(network: Infiller) -> None:
    """On the first pass every lower cell is hidden, so its neighbours say nothing yet."""
    soprano = np.array([40, 41, 42, 43, 44, 45, 46, 47] * 4)
    settings = GibbsSettings(passes=1, chains=4, final_temperature=1.0)
    plain, _ = gibbs(network, soprano, settings, seed=1)
    penalties = {
        "offbeat_penalty": 20.0,
        "inner_leap_penalty": 20.0,
        "contrary_bonus": 20.0,
        "held_beat_penalty": 20.0,
    }
    assert np.array_equal(plain, gibbs(network, soprano, replace(settings, **penalties), seed=1)[0])
    steered = replace(settings, passes=3, **penalties)
    assert not np.array_equal(
        gibbs(network, soprano, replace(settings, passes=3), seed=1)[0],
        gibbs(network, soprano, steered, seed=1)[0],
    )


def test_a_rest_penalty_makes_the_lower_voices_rest_less(network: Infiller) -> None:
    soprano = np.array([40, 40, 42, 42, 44, 44, 45, 45] * 8)
    plain, damped = _plain_and_penalized(network, soprano, 4, rest_penalty=4.0)
    assert (damped[:, 1:] == REST).mean() < (plain[:, 1:] == REST).mean() / 4
    assert (plain[:, 1:] == REST).mean() > 0


def test_off_eighth_changes_count_a_change_on_an_odd_sixteenth_from_both_sides() -> None:
    lines = torch.tensor([[[5, 5, 7, 7, 7, 9]]]).expand(1, 3, 6)
    counts = off_eighth_changes(lines)
    assert counts.shape == (1, 3, 6, TOKENS)
    # step 1 (odd): arriving from step 0's 5; step 0 (even): leaving for step 1's 5
    assert counts[0, 0, 1, 5] == 0
    assert counts[0, 0, 1, 7] == 1
    assert counts[0, 0, 0, 5] == 0
    assert counts[0, 0, 0, 9] == 1
    # step 3 (odd): its neighbours hold 7 before it; step 2 leaves for step 3's 7
    assert counts[0, 0, 3, 7] == 0
    assert counts[0, 0, 3, REST] == 1
    assert counts[0, 0, 2, 7] == 0
    assert counts[0, 0, 2, 9] == 1
    # step 4 (even) looks at step 5 (odd): a 9 there; step 5 arrives from step 4's 7
    assert counts[0, 0, 4, 9] == 0
    assert counts[0, 0, 4, 7] == 1
    assert counts[0, 0, 5, 7] == 0
    assert counts[0, 0, 5, 9] == 1


def test_no_off_eighth_change_is_counted_between_cells_drawn_as_one_token() -> None:
    lines = torch.tensor([[[5, 6, 7, 8, 9], [5, 6, 7, 8, 9], [5, 6, 7, 8, 9]]])
    joined = torch.zeros((3, 4), dtype=torch.bool)
    joined[0, 0] = joined[0, 2] = True  # the alto's steps 0-1 and 2-3 are blocks
    counts = off_eighth_changes(lines, joined)
    free = off_eighth_changes(lines)
    assert not counts[0, 0].any()
    assert free[0, 0].any()
    assert torch.equal(counts[0, 1:], free[0, 1:])


def test_with_a_lower_grid_of_eighths_the_offbeat_penalty_changes_nothing(
    network: Infiller,
) -> None:
    soprano = np.array([40, 41, 42, 43, 44, 45, 46, 47] * 4)
    settings = GibbsSettings(passes=8, chains=4, final_temperature=1.0, lower_grid=2)
    plain, _ = gibbs(network, soprano, settings, seed=6)
    penalized, _ = gibbs(network, soprano, replace(settings, offbeat_penalty=5.0), seed=6)
    assert np.array_equal(plain, penalized)


def test_an_offbeat_penalty_keeps_the_lower_voices_changing_on_the_eighths(
    network: Infiller,
) -> None:
    soprano = np.array([40, 41, 42, 43, 44, 45, 46, 47] * 8)
    plain, gridded = _plain_and_penalized(network, soprano, 2, offbeat_penalty=20.0)

    def off_eighth_share(tokens: np.ndarray) -> float:
        lower = tokens[:, 1:]
        changes = lower[..., 1:] != lower[..., :-1]
        return float(changes[..., 0::2].sum() / changes.sum())

    assert off_eighth_share(plain) > 0.3
    assert off_eighth_share(gridded) < 0.02


def test_an_inner_leap_penalty_keeps_alto_and_tenor_from_leaping(network: Infiller) -> None:
    soprano = np.array([40, 40, 52, 52, 38, 38, 50, 50] * 8)
    plain, smooth = _plain_and_penalized(network, soprano, 3, inner_leap_penalty=20.0)

    def leaps(tokens: np.ndarray, voice: int) -> float:
        line = tokens[:, voice]
        both = (line[:, 1:] < REST) & (line[:, :-1] < REST)
        return float((both & (np.abs(np.diff(line, axis=1)) > 7)).sum())

    assert leaps(plain, 1) + leaps(plain, 2) > 10
    assert leaps(smooth, 1) + leaps(smooth, 2) < (leaps(plain, 1) + leaps(plain, 2)) / 5


def test_a_contrary_bonus_moves_the_bass_against_the_melody_from_beat_to_beat(
    network: Infiller,
) -> None:
    soprano = np.array([40] * 4 + [44] * 4 + [41] * 4 + [47] * 4 + [43] * 4 + [39] * 4)
    plain, contrary = _plain_and_penalized(network, soprano, 0, contrary_bonus=20.0)

    def contrary_share(tokens: np.ndarray) -> float:
        beats = tokens[:, [0, 3], ::4]
        sounding = (beats[..., 1:] < REST) & (beats[..., :-1] < REST)
        both = sounding.all(axis=1)
        moves = np.sign(np.diff(beats, axis=-1))
        return float(((moves[:, 0] * moves[:, 1] < 0) & both).sum() / both.sum())

    assert contrary_share(plain) < 0.6
    assert contrary_share(contrary) > 0.9


def test_beat_holds_count_a_note_held_over_a_beat_from_both_sides() -> None:
    lines = torch.tensor([[[5, 5, 5, 7, 7, 7, 7, 9, 9]]]).expand(1, 3, 9)
    counts = beat_holds(lines)
    assert counts.shape == (1, 3, 9, TOKENS)
    # the beat at step 4: the 7 before it would be held over it; any other token starts a note
    assert counts[0, 0, 4, 7] == 1
    assert counts[0, 0, 4, 9] == 0
    assert counts[0, 0, 4, REST] == 0
    # step 3, before the beat: the beat's 7 would be held from it
    assert counts[0, 0, 3, 7] == 1
    assert counts[0, 0, 3, 5] == 0
    # the beat at step 8 follows a 9: holding it over the beat counts from both sides
    assert counts[0, 0, 8, 9] == 1
    assert counts[0, 0, 7, 9] == 1
    assert not counts[0, 0, [0, 1, 2, 5, 6]].any()  # neither on a beat nor just before one
    joined = torch.zeros((3, 8), dtype=torch.bool)
    joined[1, 3] = True  # the tenor's steps 3 and 4 drawn as one token
    apart = beat_holds(lines, joined)
    assert not apart[0, 1, [3, 4]].any()
    assert torch.equal(apart[0, 1, 7:], counts[0, 1, 7:])
    assert torch.equal(apart[0, 0], counts[0, 0])


class _Holding(torch.nn.Module):
    """A stand-in network whose every lower cell strongly prefers one token: left alone, each
    voice holds one note all the way."""

    def forward(self, given: torch.Tensor) -> torch.Tensor:
        logits = torch.zeros((given.shape[0], 3, given.shape[-1], TOKENS))
        logits[..., 30] = 9.0
        return logits


def test_a_held_beat_penalty_makes_the_lower_voices_start_a_note_on_each_beat() -> None:
    soprano = np.array([40] * 16 + [43] * 16 + [45] * 16)
    network = cast("Infiller", _Holding())
    plain, moving = _plain_and_penalized(network, soprano, 1, held_beat_penalty=20.0)

    def held_share(tokens: np.ndarray) -> float:
        lower = tokens[:, 1:]
        return float((lower[..., 4::4] == lower[..., 3:-1:4]).mean())

    assert held_share(plain) > 0.9
    assert held_share(moving) < 0.1


def test_a_rest_held_over_a_beat_counts_and_a_melody_shorter_than_a_beat_has_no_beat() -> None:
    rests = torch.tensor([[[3, REST, REST, REST, REST, 5]]]).expand(1, 3, 6)
    counts = beat_holds(rests)
    assert counts[0, 2, 4, REST] == counts[0, 2, 3, REST] == 1
    assert counts[0, 2, 4, 3] == 0
    for steps in (1, 2, 3, 4):
        assert not beat_holds(torch.zeros((1, 3, steps), dtype=torch.int64)).any()


@pytest.mark.parametrize("steps", [1, 2, 3, 4, 5])
def test_every_steering_term_draws_a_melody_of_a_few_steps(network: Infiller, steps: int) -> None:
    soprano = np.array([40, 44, 41, 47, 43][:steps])
    settings = GibbsSettings(
        passes=3,
        rule_weight=5.0,
        offbeat_penalty=1.0,
        inner_leap_penalty=1.0,
        contrary_bonus=1.0,
        held_beat_penalty=1.0,
        rest_penalty=1.0,
        register_weight=1.0,
    )
    for grid in (1, 2):
        chains, _ = gibbs(network, soprano, replace(settings, lower_grid=grid), seed=0, tonic=4)
        assert chains.shape == (1, 4, steps)
