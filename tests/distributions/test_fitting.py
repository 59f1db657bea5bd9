"""`distkit fit NAME DATAFILE`: a plugin's class is held at arm's length, data are checked with
line numbers, known parameters pass through, and nothing but one line ever reaches the user."""

from __future__ import annotations

import json
import math
import textwrap
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from distkit.cli import cli
from tests.core.conftest import PluginSite

# A plugin distribution whose methods do what each test asks: {fit}, {params}, {pdf}, {extra}.
ODD = '''
import numpy as np
import pluggy

hookimpl = pluggy.HookimplMarker("distkit")


class Odd:
    """A distribution whose methods misbehave on purpose."""

    name = "odd"
    discrete = False

    def __init__(self, mu=0.0):
        self.mu = float(mu)
        self.mean = self.mu
        self.stdev = 1.0

    @property
    def params(self):
{params}

    def pdf(self, x):
{pdf}

    def cdf(self, x):
        return np.clip(np.asarray(x, dtype=float), 0, 1)

    def sample(self, size, seed=None):
        return np.zeros(size)

    @classmethod
    def fit(cls, data):
{fit}

    def read_data_file(self, path):
        pass
{extra}

@hookimpl
def register_distributions(register):
    register(Odd)
'''

GOOD = {
    "fit": "return cls(float(np.mean(data)))",
    "params": 'return {"mu": self.mu}',
    "pdf": "return np.exp(-((np.asarray(x, dtype=float) - self.mu) ** 2) / 2) / 2.5066",
    "extra": "",
}


def odd_plugin(site: PluginSite, **methods: str) -> None:
    code = {key: methods.get(key, value) for key, value in GOOD.items()}
    for key in ("fit", "params", "pdf"):
        code[key] = textwrap.indent(code[key], " " * 8)
    code["extra"] = textwrap.indent(code["extra"], " " * 4)
    site.add("oddplugin", ODD.format(**code))


@pytest.fixture
def data(tmp_path: Path) -> Path:
    path = tmp_path / "data.txt"
    path.write_text("0.1\n0.4\n0.35\n0.8\n")
    return path


def fit(*args: str | Path) -> Result:
    return CliRunner().invoke(cli, ["fit", *map(str, args)])


def one_line_error(result: Result, code: int, *words: str) -> None:
    assert result.exit_code == code, result.output
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert "Traceback" not in result.output
    for word in words:
        assert word in lines[0]


def test_a_well_behaved_plugin_class_fits(site: PluginSite, data: Path) -> None:
    odd_plugin(site)
    result = fit("odd", data, "--json")
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["params"] == {"mu": pytest.approx(0.4125)}


@pytest.mark.parametrize(
    ("body", "shown"),
    [
        ("raise TypeError('bad type')", "TypeError: bad type"),
        ("raise MemoryError()", "MemoryError"),
        ("return 1 / 0", "ZeroDivisionError"),
        ("raise SystemExit(3)", "SystemExit: 3"),
        ("return None", "returned NoneType, not a distribution"),
        ("return 42", "returned int, not a distribution"),
    ],
)
def test_anything_a_plugin_fit_raises_or_returns_wrongly_is_one_line_naming_it(
    site: PluginSite, data: Path, body: str, shown: str
) -> None:
    odd_plugin(site, fit=body)
    one_line_error(fit("odd", data), 1, "oddplugin", shown)


@pytest.mark.parametrize(
    ("params", "shown"),
    [
        ("return [self.mu]", "params is a list, not a mapping"),
        ('return {"mu": "abc"}', "not a number"),
        ("raise RuntimeError('no params')", "RuntimeError: no params"),
    ],
)
def test_params_that_are_not_a_mapping_of_numbers_are_refused(
    site: PluginSite, data: Path, params: str, shown: str
) -> None:
    odd_plugin(site, params=params)
    one_line_error(fit("odd", data, "--json"), 1, "oddplugin", shown)


def test_a_value_error_from_fit_is_a_data_error_with_its_reason(
    site: PluginSite, data: Path
) -> None:
    odd_plugin(site, fit="raise ValueError('odd data must be huge, got 0.1 at index 0')")
    one_line_error(fit("odd", data), 2, str(data), "odd data must be huge", "on line 1")


@pytest.mark.parametrize(
    ("pdf", "shown"),
    [
        ("return np.zeros(3)", "odd.pdf gave shape (3,)"),
        ("raise ArithmeticError('no pdf today')", "ArithmeticError: no pdf today"),
    ],
)
def test_a_pdf_of_the_wrong_shape_or_that_raises_under_plot_is_one_line(
    site: PluginSite, data: Path, tmp_path: Path, pdf: str, shown: str
) -> None:
    odd_plugin(site, pdf=pdf)
    png = tmp_path / "fit.png"
    one_line_error(fit("odd", data, "--plot", png), 1, "oddplugin", "plotting odd", shown)


def test_a_plot_fit_that_raises_is_one_line(site: PluginSite, data: Path, tmp_path: Path) -> None:
    odd_plugin(site, extra="def plot_fit(self, data, ax=None):\n    raise OSError('no ink')")
    one_line_error(fit("odd", data, "--plot", tmp_path / "f.png"), 1, "oddplugin", "no ink")


def test_what_a_plugin_prints_during_fit_keeps_json_valid(site: PluginSite, data: Path) -> None:
    odd_plugin(site, fit="print('hello from fit')\nreturn cls(1.0)")
    result = fit("odd", data, "--json")
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["params"] == {"mu": 1.0}
    assert "hello from fit" in result.stderr


def test_json_has_null_where_a_number_is_not_finite(site: PluginSite, data: Path) -> None:
    odd_plugin(site, fit="fitted = cls(1.0)\nfitted.stdev = float('inf')\nreturn fitted")
    result = fit("odd", data, "--json")
    assert result.exit_code == 0, result.output
    assert "Infinity" not in result.stdout
    assert json.loads(result.stdout)["stdev"] is None


def test_non_finite_fitted_parameters_are_a_data_error(site: PluginSite, data: Path) -> None:
    odd_plugin(site, fit="return cls(float('nan'))")
    one_line_error(fit("odd", data, "--json"), 2, "cannot fit odd", "mu=nan is not finite")


def test_huge_values_give_one_line_and_no_numpy_warning(tmp_path: Path) -> None:
    path = tmp_path / "big.txt"
    path.write_text("1e308\n-1e308\n1e308\n")
    result = fit("gaussian", path)
    one_line_error(result, 2, "cannot fit gaussian", "overflows")
    assert "RuntimeWarning" not in result.output


def test_discrete_family_refuses_non_integers_naming_the_first_line(tmp_path: Path) -> None:
    path = tmp_path / "heights.txt"
    path.write_text("3\n4\n169.96\n2.5\n")
    one_line_error(fit("binomial", path, "--param", "n=200"), 2, "line 3", "169.96")


def test_binomial_takes_counts_out_of_a_known_n(tmp_path: Path) -> None:
    path = tmp_path / "counts.txt"
    path.write_text("12\n8\n10\n10\n")
    result = fit("binomial", path, "--param", "n=20", "--json")
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["params"] == {"prob": 0.5, "size": 20}


def test_binomial_still_takes_zero_one_trials(tmp_path: Path) -> None:
    path = tmp_path / "trials.txt"
    path.write_text("0\n1\n1\n1\n")
    result = fit("binomial", path, "--json")
    assert json.loads(result.stdout)["params"] == {"prob": 0.75, "size": 4}


def test_binomial_counts_without_n_say_how_to_give_it_with_the_line(tmp_path: Path) -> None:
    path = tmp_path / "counts.txt"
    path.write_text("0\n1\n12\n")
    one_line_error(fit("binomial", path), 2, "on line 3", "--param n=N")


@pytest.mark.parametrize(
    ("param", "complaint"),
    [("n", "not NAME=VALUE"), ("n=x", "not a number"), ("k=3", "takes no parameter 'k'")],
)
def test_bad_params_are_usage_errors(tmp_path: Path, param: str, complaint: str) -> None:
    path = tmp_path / "counts.txt"
    path.write_text("1\n2\n")
    one_line_error(fit("binomial", path, "--param", param), 2, complaint)


@pytest.mark.parametrize("special", ["/dev/zero", "fifo"])
def test_only_regular_files_are_read(tmp_path: Path, special: str) -> None:
    import os

    path = Path(special)
    if special == "fifo":
        path = tmp_path / "fifo"
        os.mkfifo(path)
    one_line_error(fit("gaussian", path), 2, "not a regular file")


def test_discrete_plot_over_a_huge_range_draws_a_bounded_number_of_points(
    tmp_path: Path,
) -> None:
    from distkit.distributions import Binomial
    from distkit.distributions.plotting import MAX_POINTS, plot_fit

    data = [0.0, 1e10, 5e9, 2.5e9]
    ax = plot_fit(Binomial(0.5, 10**10), data)
    assert all(len(line.get_xdata()) <= MAX_POINTS for line in ax.get_lines())
    path = tmp_path / "wide.txt"
    path.write_text("\n".join(map(str, [0, 10**10, 5 * 10**9])) + "\n")
    result = fit("binomial", path, "--param", "n=10000000000", "--plot", tmp_path / "w.png")
    assert result.exit_code == 0, result.output
    assert math.isclose(Binomial.fit(data, n=10**10).p, 0.4375)
