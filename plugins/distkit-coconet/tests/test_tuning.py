"""The sampler's settings are chosen on validation chorales by the teacher's panel."""

from __future__ import annotations

from pathlib import Path

import pytest
import torch
from distkit_coconet.network import Infiller
from distkit_coconet.settings import GibbsSettings
from distkit_coconet.training import TrainConfig, save_weights
from distkit_coconet.tuning import CHOOSING, grid, tune, tune_in_stages

from distkit.music.chorales import Chorale


def test_a_grid_varies_the_named_settings_and_keeps_the_rest() -> None:
    base = GibbsSettings(passes=7, floor=0.2)
    settings = grid(base, {"chains": (1, 2), "final_temperature": (0.5, 1.0, 2.0)})
    assert len(settings) == 6
    assert {(s.chains, s.final_temperature) for s in settings} == {
        (c, t) for c in (1, 2) for t in (0.5, 1.0, 2.0)
    }
    assert all(s.passes == 7 and s.floor == 0.2 for s in settings)


@pytest.fixture(scope="module")
def weights(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("weights") / "tiny.pt"
    torch.manual_seed(0)
    save_weights(Infiller(channels=8, stacks=1), path, TrainConfig(), 0, {})
    return path


def test_the_candidate_with_most_goals_then_best_beat_chords_wins(
    weights: Path, few_chorales: list[Chorale]
) -> None:
    candidates = [GibbsSettings(passes=2, final_temperature=t) for t in (1.0, 0.3)]
    best, rows = tune(weights, few_chorales[:2], candidates, log=lambda _: None)
    assert len(rows) == 2
    ranked = max(rows, key=lambda row: (row["goals_met"], row["panel"]["beat_chord"]))
    assert best == GibbsSettings(**ranked["settings"])


def test_stages_skip_choosing_rules_for_a_single_chain(
    weights: Path, few_chorales: list[Chorale]
) -> None:
    stages = [{"passes": (2,)}, {key: values for key, values in CHOOSING.items()}]
    stages[1]["chains"] = (1, 2)
    stages[0]["dominant_before"] = (False, True)
    _, rows = tune_in_stages(weights, few_chorales[:1], stages, log=lambda _: None)
    singles = [row["settings"] for row in rows[1:] if row["settings"]["chains"] == 1]
    assert singles == [{**singles[0], "fault_weight": 0.0, "cadence_weight": 0.0}]
    assert len(rows) == 1 + 1 + 2 * 2  # no dominant before without a close, no weights for one


def test_two_worker_processes_score_exactly_as_one(
    weights: Path, few_chorales: list[Chorale]
) -> None:
    candidates = [GibbsSettings(passes=2, rule_weight=w) for w in (0.0, 10.0)]
    one = tune(weights, few_chorales[:2], candidates, log=lambda _: None)
    two = tune(weights, few_chorales[:2], candidates, log=lambda _: None, workers=2)
    assert one == two


def test_what_no_stage_varies_is_kept_from_the_start(
    weights: Path, few_chorales: list[Chorale]
) -> None:
    start = GibbsSettings(melody_rests="held", melody_grid=2, lower_grid=2, offbeat_penalty=1.0)
    best, rows = tune_in_stages(
        weights, few_chorales[:1], [{"passes": (2, 3)}], log=lambda _: None, start=start
    )
    kept = (best.melody_rests, best.melody_grid, best.lower_grid, best.offbeat_penalty)
    assert kept == ("held", 2, 2, 1.0)
    assert all(row["settings"]["melody_grid"] == 2 for row in rows)
    assert all(row["settings"]["lower_grid"] == 2 for row in rows)


def test_what_tune_keeps_from_the_shipped_settings_are_all_sampler_settings() -> None:
    from dataclasses import fields

    from distkit_coconet.settings import CHOSEN_BY_TEXTURE

    names = {field.name for field in fields(GibbsSettings)}
    assert set(CHOSEN_BY_TEXTURE) <= names
    assert "offbeat_penalty" in CHOSEN_BY_TEXTURE
