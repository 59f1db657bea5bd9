"""benchmarks/style_eval.py's rules for choosing a style model's sampler on validation."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from typing import Any

from distkit.music.metrics import FAULTS, Figure

BENCHMARK = Path(__file__).parents[3] / "benchmarks" / "style_eval.py"


def style_eval() -> Any:
    spec = importlib.util.spec_from_file_location("style_eval", BENCHMARK)
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["style_eval"] = module
    spec.loader.exec_module(module)
    return module


def rates(**values: float) -> dict[str, Figure]:
    return {name: Figure(values.get(name, 0.0), 0.0, 0.0) for name in FAULTS}


def test_the_distance_is_zero_at_the_corpus_and_grows_either_way() -> None:
    module = style_eval()
    corpus = rates(crossings=15.0, spacing_over_octave=16.0)
    assert module.fault_distance(corpus, corpus) == 0.0
    fewer = module.fault_distance(rates(crossings=1.0, spacing_over_octave=16.0), corpus)
    more = module.fault_distance(rates(crossings=60.0, spacing_over_octave=16.0), corpus)
    assert fewer > 0
    assert more > 0
    assert module.fault_distance(rates(crossings=4.0, spacing_over_octave=16.0), corpus) < fewer


def test_the_faults_rule_takes_the_nearest_and_breaks_near_ties_by_frames() -> None:
    module = style_eval()
    rows = {
        "tight": {"fault_distance": 1.50, "mean_frame": 0.30},
        "loose": {"fault_distance": 1.00, "mean_frame": 0.10},
        "close": {"fault_distance": 1.005, "mean_frame": 0.20},
    }
    assert module.choose(rows, "faults") == "close"
    assert module.choose(rows, "frames") == "tight"
    del rows["close"]
    assert module.choose(rows, "faults") == "loose"
