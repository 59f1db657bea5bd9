"""What `compose` imports holds the models and their inference, never their training or the
teacher's panel (ARCHITECTURE.md: models never import evaluation code)."""

from __future__ import annotations

import json
import subprocess
import sys

TRAINING_AND_EVALUATION = (
    "distkit.music.metrics",
    "distkit.music.chorales",
    "distkit.music.hmm.learning",
    "distkit.music.hmm.context_training",
    "distkit.music.training",
)


def test_harmonizing_with_the_built_in_model_imports_no_training_or_evaluation_code() -> None:
    script = (
        "import json, sys\n"
        "from distkit.music.compose import harmonize\n"
        "from distkit.music.example import example_melody\n"
        "harmonize(example_melody(), 'chorale-hmm')\n"
        "print(json.dumps(sorted(m for m in sys.modules if m.startswith('distkit'))))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=True, timeout=120
    )
    loaded = json.loads(result.stdout)
    assert "distkit.music.hmm.context" in loaded  # the classifier runs: the check sees imports
    assert [m for m in loaded if m.startswith(TRAINING_AND_EVALUATION)] == []
