"""Importing distkit.distributions is cheap, so `distkit list` stays fast."""

from __future__ import annotations

import subprocess
import sys


def test_import_loads_no_numpy_scipy_or_matplotlib() -> None:
    script = (
        "import sys, distkit.distributions as d; d.Gaussian, d.Binomial; "
        "print(sorted(m for m in ('numpy', 'scipy', 'matplotlib') if m in sys.modules))"
    )
    result = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == "[]"


def test_classes_answer_name_and_discrete_without_loading_numpy() -> None:
    script = (
        "import sys; from distkit.distributions import Binomial, Gaussian; "
        "print(Gaussian.name, Gaussian.discrete, Binomial.name, Binomial.discrete, "
        "'numpy' in sys.modules)"
    )
    result = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=True
    )
    assert result.stdout.split() == ["gaussian", "False", "binomial", "True", "False"]
