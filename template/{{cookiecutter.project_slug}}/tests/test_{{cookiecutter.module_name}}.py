{% if cookiecutter.custom_params -%}
{% include "custom_tests.jinja" %}
{%- else -%}
{% import cookiecutter.family_file as family with context -%}
"""{{ cookiecutter.class_name }} against scipy.stats, with hypothesis properties."""

import importlib
import math
import subprocess
import sys
from importlib.metadata import entry_points

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import stats

from {{ cookiecutter.import_name }} import {{ cookiecutter.class_name }}

trapezoid = getattr(np, "trapezoid", None) or np.trapz
EXAMPLE = {{ cookiecutter.class_name }}({{ family.example }})
PARAMS = st.fixed_dictionaries(
    {
{%- for name, strategy in family.strategies.items() %}
        "{{ name }}": {{ strategy }},
{%- endfor %}
    }
)


def reference(p):
    return {{ family.scipy }}


def points(p):
    ref = reference(p)
    grid = np.linspace(ref.ppf(0.001), ref.ppf(0.999), 101)
    return {{ "np.unique(np.floor(grid))" if family.discrete else "grid" }}


def test_pdf_and_cdf_match_scipy():
    p = EXAMPLE.params
    x = points(p)
    np.testing.assert_allclose(EXAMPLE.pdf(x), reference(p).{{ "pmf" if family.discrete else "pdf" }}(x), rtol=1e-9)
    np.testing.assert_allclose(EXAMPLE.cdf(x), reference(p).cdf(x), rtol=1e-9, atol=1e-14)


def test_mean_and_stdev_match_scipy():
    assert EXAMPLE.mean == pytest.approx(reference(EXAMPLE.params).mean(), rel=1e-12)
    assert EXAMPLE.stdev == pytest.approx(reference(EXAMPLE.params).std(), rel=1e-12)


def test_repr_is_course_style():
    text = repr(EXAMPLE)
    assert text.startswith(f"mean {EXAMPLE.mean}, standard deviation {EXAMPLE.stdev}, ")


@settings(max_examples=40, deadline=None)
@given(PARAMS)
def test_values_match_scipy_for_any_parameters(p):
    dist = {{ cookiecutter.class_name }}(**p)
    x = points(p)
    np.testing.assert_allclose(dist.cdf(x), reference(p).cdf(x), rtol=1e-7, atol=1e-12)


@settings(max_examples=40, deadline=None)
@given(PARAMS)
def test_cdf_is_monotone_within_zero_and_one(p):
    cdf = {{ cookiecutter.class_name }}(**p).cdf(points(p))
    assert np.all(np.diff(cdf) >= 0)
    assert np.all((cdf >= 0) & (cdf <= 1))


@settings(max_examples=40, deadline=None)
@given(PARAMS)
def test_total_probability_is_one(p):
    dist = {{ cookiecutter.class_name }}(**p)
    ref = reference(p)
{%- if family.discrete %}
    support = np.arange(0, ref.ppf(1 - 1e-13) + 1)
    assert dist.pdf(support).sum() == pytest.approx(1, abs=1e-9)
{%- else %}
    x = ref.ppf(np.linspace(1e-7, 1 - 1e-7, 20_001))
    assert trapezoid(dist.pdf(x), x) == pytest.approx(1, abs=1e-3)
{%- endif %}


@pytest.mark.parametrize("seed", [0, 1])
def test_fit_recovers_parameters_from_a_large_sample(seed):
    fitted = {{ cookiecutter.class_name }}.fit(EXAMPLE.sample(50_000, seed=seed))
    for name, value in EXAMPLE.params.items():
        assert fitted.params[name] == pytest.approx(value, rel=0.05, abs=0.02), name


def test_sample_is_reproducible_with_a_seed():
    np.testing.assert_array_equal(EXAMPLE.sample(20, seed=7), EXAMPLE.sample(20, seed=7))


@settings(max_examples=200, deadline=None)
@given(st.lists(st.floats(allow_nan=False, allow_infinity=False), max_size=30))
def test_fit_gives_finite_parameters_or_a_value_error(data):
    try:
        params, reason = {{ cookiecutter.class_name }}.fit(data).params, "fitted"
    except ValueError as error:
        params, reason = {}, str(error)
    assert reason
    assert all(math.isfinite(value) for value in params.values())


@pytest.mark.parametrize(
    ("data", "reason"),
    [
{%- for data, reason in family.unfit %}
        ({{ data }}, "{{ reason }}"),
{%- endfor %}
    ],
)
def test_fit_refuses_data_it_cannot_fit_with_a_reason(data, reason):
    with pytest.raises(ValueError, match=reason):
        {{ cookiecutter.class_name }}.fit(data)


def test_read_data_file_keeps_the_parameters(tmp_path):
    path = tmp_path / "numbers.txt"
    path.write_text("1\n2\n\n3\n")
    dist = {{ cookiecutter.class_name }}({{ family.example }})
    assert dist.read_data_file(path) == [1.0, 2.0, 3.0]
    assert dist.data == [1.0, 2.0, 3.0]
    assert dist.params == EXAMPLE.params


@pytest.mark.parametrize(
    "kwargs",
    [
{%- for case in family.bad %}
        "{{ case }}",
{%- endfor %}
    ],
)
def test_bad_parameters_raise_naming_the_parameter(kwargs):
    with pytest.raises(ValueError, match="|".join(EXAMPLE.params)):
        eval(f"{{ cookiecutter.class_name }}({kwargs})")

{% if family.add %}
def test_sum_stays_in_the_family():
    total = {{ cookiecutter.class_name }}({{ family.add[0] }}) + {{ cookiecutter.class_name }}({{ family.add[1] }})
    assert isinstance(total, {{ cookiecutter.class_name }})
    assert total.params == pytest.approx({{ family.add[2] }})
{% else %}
def test_sum_is_refused_with_a_clear_error():
    with pytest.raises(TypeError, match=r"{{ cookiecutter.family | replace('-', ' ') }}|{{ cookiecutter.class_name }}"):
        EXAMPLE + EXAMPLE
{% endif %}

def test_plugin_registers_the_class_by_its_import_path():
    (point,) = entry_points(group="distkit", name="{{ cookiecutter.import_name }}")
    calls = []
    point.load().register_distributions(lambda *args, **kwargs: calls.append((args, kwargs)))
    [((path,), kwargs)] = calls
    module, _, qualname = path.partition(":")
    assert getattr(importlib.import_module(module), qualname) is {{ cookiecutter.class_name }}
    assert kwargs["name"] == {{ cookiecutter.class_name }}.name
    assert kwargs["description"] == {{ cookiecutter.class_name }}.__doc__.strip()


def test_loading_the_plugin_imports_no_numpy():
    code = "import sys, {{ cookiecutter.import_name }}.plugin; print('numpy' in sys.modules)"
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == "False"
{%- endif %}
