"""The command layer's output: strict JSON, how registered classes are described, warnings."""

from __future__ import annotations

import json
import math
from typing import TYPE_CHECKING, Any

import click
from click.testing import CliRunner
from hypothesis import given
from hypothesis import strategies as st

from distkit.commands._output import echo_json, finite, warn_problems
from distkit.plugins import get_registry
from distkit.plugins.describe import description, parameters

if TYPE_CHECKING:
    from conftest import PluginSite


def strict_loads(text: str) -> Any:
    def refuse(constant: str) -> None:
        raise ValueError(f"{constant} is not JSON")

    return json.loads(text, parse_constant=refuse)


def printed_json(data: Any) -> str:
    @click.command()
    def show() -> None:
        echo_json(data)

    result = CliRunner().invoke(show)
    assert result.exit_code == 0, result.output
    return result.stdout


def test_echo_json_prints_null_for_nan_and_infinities() -> None:
    text = printed_json({"a": math.nan, "b": [math.inf, -math.inf, 1.5], "c": {"d": (math.nan,)}})
    assert strict_loads(text) == {"a": None, "b": [None, None, 1.5], "c": {"d": [None]}}


JSONISH = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(),
    lambda inner: st.lists(inner) | st.dictionaries(st.text(), inner),
)


@given(JSONISH)
def test_echo_json_output_parses_for_any_value_and_keeps_the_finite_ones(value: Any) -> None:
    assert strict_loads(printed_json(value)) == json.loads(json.dumps(finite(value)))


@given(st.floats())
def test_finite_keeps_a_float_exactly_when_it_is_finite(number: float) -> None:
    assert finite(number) == (number if math.isfinite(number) else None)


def test_each_plugin_problem_is_warned_once_per_command(plugin_site: PluginSite) -> None:
    plugin_site.add("broken", "raise ImportError('no such thing')\n")

    @click.command()
    def twice() -> None:
        registry = get_registry()
        warn_problems(registry)
        warn_problems(registry)

    result = CliRunner().invoke(twice)
    warnings = [line for line in result.stderr.splitlines() if "'broken'" in line]
    assert len(warnings) == 1
    assert "plugin 'broken' failed to import" in warnings[0]
    assert len(CliRunner().invoke(twice).stderr.splitlines()) == 1  # a new command warns again


def test_a_class_is_described_by_its_description_else_its_docstring(
    plugin_site: PluginSite,
) -> None:
    plugin_site.add_distribution("alpha", "triangle")
    registration = get_registry().lookup("distribution", "triangle")
    assert description(registration) == "A triangle distribution that does not know distkit exists."
    assert parameters(registration) == ["low", "high"]
