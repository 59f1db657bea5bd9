{% import cookiecutter.family_file as family with context -%}
"""The README's usage example runs as written and prints the right values."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import numpy as np
import pytest
{%- if not cookiecutter.custom_params %}
from scipy import stats
{%- endif %}

from {{ cookiecutter.import_name }} import {{ cookiecutter.class_name }}

README = Path(__file__).parent.parent / "README.md"
EXAMPLE = {{ cookiecutter.class_name }}({{ family.example }})
POINTS = np.array({{ family.points }}, dtype=float)
NUMBER = re.compile(r"[-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?")


def numbers(line: str) -> list[float]:
    return [float(text) for text in NUMBER.findall(line)]


@pytest.fixture(scope="module")
def printed() -> list[str]:
    (example,) = re.findall(r"```python\n(.*?)```", README.read_text(), re.DOTALL)
    lines: list[str] = []
    namespace = {"print": lambda *args: lines.append(" ".join(map(str, args)))}
    exec(compile(example, str(README), "exec"), namespace)
    return lines


{% if cookiecutter.custom_params -%}
def test_readme_prints_the_sample_moments(printed: list[str]) -> None:
    sample = EXAMPLE.sample(50_000, seed=1)
    mean, stdev = numbers(printed[0])
    assert mean == pytest.approx(sample.mean(), rel=0.05, abs=0.02)
    assert stdev == pytest.approx(sample.std(), rel=0.05, abs=0.02)


def test_readme_prints_a_cdf_that_rises(printed: list[str]) -> None:
    cdf = np.array(numbers(printed[2]))
    assert cdf.shape == POINTS.shape
    assert np.all(np.diff(cdf) >= 0)
{%- else -%}
def reference():
    p = EXAMPLE.params
    return {{ family.scipy }}


def test_readme_prints_mean_and_stdev(printed: list[str]) -> None:
    assert numbers(printed[0]) == pytest.approx([reference().mean(), reference().std()])


def test_readme_prints_the_{{ "mass" if family.discrete else "density" }}(printed: list[str]) -> None:
    expected = reference().{{ "pmf" if family.discrete else "pdf" }}(POINTS)
    assert numbers(printed[1]) == pytest.approx(expected, rel=1e-6, abs=1e-8)


def test_readme_prints_the_cdf(printed: list[str]) -> None:
    assert numbers(printed[2]) == pytest.approx(reference().cdf(POINTS), rel=1e-6, abs=1e-8)
{%- endif %}


def test_readme_prints_fitted_parameters_close_to_the_example(printed: list[str]) -> None:
    fitted = ast.literal_eval(printed[3])
    assert fitted.keys() == EXAMPLE.params.keys()
    for name, value in EXAMPLE.params.items():
        assert fitted[name] == pytest.approx(value, rel=0.05, abs=0.02), name
