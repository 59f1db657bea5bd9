"""The command line: list, plugins, fit, errors, --debug, --version, plugin commands."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
import pytest
from click.testing import CliRunner

from distkit import __version__
from distkit.cli import cli

if TYPE_CHECKING:
    from conftest import PluginSite


@pytest.fixture
def gaussian_data(tmp_path: Path) -> Path:
    path = tmp_path / "heights.txt"
    values = np.random.default_rng(7).normal(170, 8, 5000)
    path.write_text("\n".join(f"{v:.6f}" for v in values) + "\n")
    return path


def test_version_matches_the_package() -> None:
    result = CliRunner().invoke(cli, ["--version"])
    assert result.exit_code == 0
    assert result.output == f"distkit, version {__version__}\n"


def test_python_dash_m_distkit_runs_the_cli() -> None:
    done = subprocess.run(
        [sys.executable, "-m", "distkit", "--version"], capture_output=True, text=True, check=True
    )
    assert done.stdout.strip() == f"distkit, version {__version__}"


def test_help_lists_every_builtin_command() -> None:
    result = CliRunner().invoke(cli, ["--help"])
    for name in ("new", "list", "plugins", "fit", "test", "build", "publish", "index", "compose"):
        assert f"\n  {name} " in result.output


def test_help_imports_no_heavy_library() -> None:
    code = (
        "import sys\n"
        "from distkit.cli import main\n"
        "sys.argv = ['distkit', '--help']\n"
        "try:\n    main()\nexcept SystemExit:\n    pass\n"
        "heavy = ('numpy', 'scipy', 'matplotlib', 'torch', 'cookiecutter', 'tox', 'twine', "
        "'pluggy', 'build')\n"
        "print(','.join(m for m in heavy if m in sys.modules), file=sys.stderr)\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stderr.strip() == ""


def test_list_shows_the_builtins_in_an_aligned_table() -> None:
    result = CliRunner().invoke(cli, ["list"])
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    header = next(line for line in lines if line.strip().startswith("NAME"))
    gaussian = next(line for line in lines if line.strip().startswith("gaussian"))
    assert header.index("PLUGIN") == gaussian.index("distkit.distributions")
    assert "mu, sigma" in gaussian


def test_list_json_is_stable_for_scripts() -> None:
    result = CliRunner().invoke(cli, ["list", "--json"])
    data = json.loads(result.stdout)
    assert set(data) == {"distributions", "music_models"}
    gaussian = next(d for d in data["distributions"] if d["name"] == "gaussian")
    assert gaussian == {
        "name": "gaussian",
        "plugin": "distkit.distributions",
        "class": "distkit.distributions.gaussian:Gaussian",
        "parameters": ["mu", "sigma"],
        "discrete": False,
        "description": "Gaussian with mean `mu` and standard deviation `sigma` (> 0).",
    }
    assert next(d for d in data["distributions"] if d["name"] == "binomial")["discrete"] is True


def test_list_warns_once_about_a_broken_plugin_and_still_lists(plugin_site: PluginSite) -> None:
    plugin_site.add("broken", "raise ImportError('no such thing')\n")
    plugin_site.add_distribution("triangle", "triangle")
    done = plugin_site.run("list")
    assert done.returncode == 0
    assert "triangle" in done.stdout
    warnings = [
        line
        for line in done.stderr.splitlines()
        if line.startswith("warning:") and " s to load" not in line  # a loaded machine is slow
    ]
    assert warnings == [
        "warning: plugin 'broken' failed to import "
        f"{plugin_site_module(plugin_site, 'broken')}: ImportError: no such thing "
        "(see `distkit plugins`)"
    ]
    assert "Traceback" not in done.stderr


def plugin_site_module(site: PluginSite, entry_name: str) -> str:
    info = next(site.root.glob("*.dist-info/entry_points.txt"))
    for path in site.root.glob("*.dist-info/entry_points.txt"):
        for line in path.read_text().splitlines():
            if line.startswith(f"{entry_name} = "):
                return line.split(" = ")[1]
    raise AssertionError(info)


def test_plugins_json_lists_broken_plugins_with_their_errors(plugin_site: PluginSite) -> None:
    plugin_site.add("broken", "raise ImportError('no such thing')\n")
    plugin_site.add_distribution("triangle", "triangle")
    done = plugin_site.run("plugins", "--json")
    assert done.returncode == 0
    plugins = {p["name"]: p for p in json.loads(done.stdout)}
    assert plugins["broken"]["ok"] is False
    assert "ImportError: no such thing" in plugins["broken"]["errors"][0]
    assert plugins["triangle"]["ok"] is True
    assert plugins["triangle"]["hooks"] == ["register_distributions"]
    assert plugins["triangle"]["version"] == "1.0"
    assert plugins["distkit.distributions"]["builtin"] is True


def test_plugins_table_marks_broken_plugins(plugin_site: PluginSite) -> None:
    plugin_site.add("broken", "raise ImportError('no such thing')\n")
    done = plugin_site.run("plugins")
    row = next(line for line in done.stdout.splitlines() if line.startswith("broken "))
    assert "BROKEN" in row
    assert "broken: failed to import" in done.stderr


def test_a_plugin_adds_a_command_through_register_commands(plugin_site: PluginSite) -> None:
    plugin_site.add(
        "greeter",
        """
        import click
        import pluggy
        hookimpl = pluggy.HookimplMarker("distkit")

        @hookimpl
        def register_commands(cli):
            @cli.command()
            @click.argument("who")
            def hello(who):
                "Say hello."
                click.echo(f"hello {who}")
        """,
    )
    done = plugin_site.run("hello", "world")
    assert done.stdout == "hello world\n", done.stderr
    listed = {p["name"]: p for p in json.loads(plugin_site.run("plugins", "--json").stdout)}
    assert listed["greeter"]["commands"] == ["hello"]
    row = next(line for line in plugin_site.run("plugins").stdout.splitlines() if "greeter" in line)
    assert row.rstrip().endswith("hello")


def test_a_plugin_command_that_raises_is_one_line_naming_the_plugin(
    plugin_site: PluginSite,
) -> None:
    plugin_site.add(
        "crasher",
        """
        import pluggy
        hookimpl = pluggy.HookimplMarker("distkit")

        @hookimpl
        def register_commands(cli):
            @cli.group()
            def crash():
                "A group whose command has a bug."

            @crash.command()
            def now():
                raise ValueError("a plugin bug")
        """,
    )
    done = plugin_site.run("crash", "now")
    assert done.returncode == 1
    assert done.stderr.splitlines() == [
        "Error: command 'crash' of plugin 'crasher' failed: ValueError: a plugin bug"
    ]


def test_fit_prints_the_parameters(gaussian_data: Path) -> None:
    result = CliRunner().invoke(cli, ["fit", "gaussian", str(gaussian_data)])
    assert result.exit_code == 0, result.output
    rows = dict(line.split() for line in result.output.splitlines()[2:])
    assert abs(float(rows["mu"]) - 170) < 0.5
    assert abs(float(rows["sigma"]) - 8) < 0.3
    assert rows["mean"] == rows["mu"]


def test_fit_json_gives_params_mean_stdev_and_n(gaussian_data: Path) -> None:
    result = CliRunner().invoke(cli, ["fit", "gaussian", str(gaussian_data), "--json"])
    data = json.loads(result.stdout)
    assert data["distribution"] == "gaussian"
    assert data["n"] == 5000
    assert set(data["params"]) == {"mu", "sigma"}
    assert data["mean"] == pytest.approx(data["params"]["mu"])
    assert data["stdev"] == pytest.approx(data["params"]["sigma"])


def test_fit_plot_writes_a_png_and_refuses_to_overwrite_it(
    gaussian_data: Path, tmp_path: Path
) -> None:
    png = tmp_path / "fit.png"
    result = CliRunner().invoke(cli, ["fit", "gaussian", str(gaussian_data), "--plot", str(png)])
    assert result.exit_code == 0, result.output
    assert png.read_bytes().startswith(b"\x89PNG")
    again = CliRunner().invoke(cli, ["fit", "gaussian", str(gaussian_data), "--plot", str(png)])
    assert again.exit_code == 2
    assert "already exists; use --force" in again.output
    forced = CliRunner().invoke(
        cli, ["fit", "gaussian", str(gaussian_data), "--plot", str(png), "--force"]
    )
    assert forced.exit_code == 0


def test_fit_plots_data_with_almost_no_spread(tmp_path: Path) -> None:
    data = tmp_path / "flat.txt"
    data.write_text("1\n1.0000000000000002\n")
    png = tmp_path / "flat.png"
    result = CliRunner().invoke(cli, ["fit", "gaussian", str(data), "--plot", str(png)])
    assert result.exit_code == 0, result.output
    assert png.read_bytes().startswith(b"\x89PNG")


@pytest.mark.parametrize(
    ("name", "complaint"), [("fit.txt", "must end in .png"), ("d.png", "is a folder")]
)
def test_fit_plot_needs_a_png_file_name(
    gaussian_data: Path, tmp_path: Path, name: str, complaint: str
) -> None:
    (tmp_path / "d.png").mkdir()
    args = ["fit", "gaussian", str(gaussian_data), "--plot", str(tmp_path / name), "--force"]
    result = CliRunner().invoke(cli, args)
    assert result.exit_code == 2
    assert complaint in result.output
    assert not (tmp_path / "fit.txt").exists()


def test_fit_an_unknown_distribution_is_one_line_and_exit_2(gaussian_data: Path) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "distkit", "fit", "gausian", str(gaussian_data)],
        capture_output=True,
        text=True,
    )
    assert done.returncode == 2
    assert done.stderr.splitlines() == [
        "Error: no distribution named 'gausian'; did you mean 'gaussian'?"
        " Known: binomial, gaussian."
    ]


@pytest.mark.parametrize(
    ("content", "problem"),
    [("", "empty"), ("\n\n", "empty"), ("1\nabc\n", "line 2"), ("1\nnan\n", "line 2")],
)
def test_fit_a_bad_data_file_is_one_line_naming_the_file(
    tmp_path: Path, content: str, problem: str
) -> None:
    path = tmp_path / "bad.txt"
    path.write_text(content)
    done = subprocess.run(
        [sys.executable, "-m", "distkit", "fit", "gaussian", str(path)],
        capture_output=True,
        text=True,
    )
    assert done.returncode == 2
    lines = done.stderr.splitlines()
    assert len(lines) == 1
    assert str(path) in lines[0]
    assert problem in lines[0]


def test_fit_a_missing_file_is_one_line(tmp_path: Path) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "distkit", "fit", "gaussian", str(tmp_path / "nope.txt")],
        capture_output=True,
        text=True,
    )
    assert done.returncode == 2
    assert len(done.stderr.splitlines()) == 1


def test_debug_shows_the_traceback(tmp_path: Path) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "distkit", "--debug", "fit", "gaussian", str(tmp_path / "no.txt")],
        capture_output=True,
        text=True,
    )
    assert done.returncode == 2
    assert "Traceback (most recent call last)" in done.stderr
    assert done.stderr.rstrip().splitlines()[-1].startswith("Error: ")


def test_fit_a_plugin_distribution_by_its_qualified_name(
    plugin_site: PluginSite, tmp_path: Path
) -> None:
    plugin_site.add_distribution("alpha", "triangle")
    plugin_site.add_distribution("beta", "triangle")
    data = tmp_path / "u.txt"
    data.write_text("0.5\n2.0\n1.0\n")
    ambiguous = plugin_site.run("fit", "triangle", str(data))
    assert ambiguous.returncode == 2
    assert "alpha:triangle or beta:triangle" in ambiguous.stderr
    done = plugin_site.run("fit", "beta:triangle", str(data), "--json")
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["params"] == {"low": 0.5, "high": 2.0}


def test_an_os_error_is_one_line_exit_1(tmp_path: Path) -> None:
    too_long = tmp_path / ("x" * 300)  # over the 255 bytes a file name may have
    result = CliRunner().invoke(cli, ["new", "poisson", "--no-input", "-o", str(too_long / "x")])
    assert result.exit_code == 1
    assert result.output.strip().splitlines() == [f"Error: File name too long: {too_long}"]


def test_a_missing_package_folder_is_a_usage_error(tmp_path: Path) -> None:
    for command in ("test", "build", "publish"):
        result = CliRunner().invoke(cli, [command, str(tmp_path / "nowhere")])
        assert result.exit_code == 2, command
        assert "does not exist" in result.output


def test_a_mistyped_option_is_one_line_naming_the_help_to_read() -> None:
    result = CliRunner().invoke(cli, ["list", "--bogus"], prog_name="distkit")
    assert result.exit_code == 2
    assert result.output.splitlines() == [
        "Error: No such option '--bogus'. (see 'distkit list --help')"
    ]


def test_a_plugin_command_hidden_by_a_built_in_is_reported(plugin_site: PluginSite) -> None:
    plugin_site.add(
        "shadow",
        """
        import click
        import pluggy
        hookimpl = pluggy.HookimplMarker("distkit")

        @hookimpl
        def register_commands(cli):
            @cli.command()
            def new():
                "Never reachable."
        """,
    )
    listed = {p["name"]: p for p in json.loads(plugin_site.run("plugins", "--json").stdout)}
    assert listed["shadow"]["errors"] == ["adds command 'new', which distkit's own 'new' hides"]


def test_a_group_given_no_command_is_one_line_naming_its_commands() -> None:
    result = CliRunner().invoke(cli, ["index"], prog_name="distkit")
    assert result.exit_code == 2
    assert result.output.splitlines() == [
        "Error: missing a command: one of start, status, stop, url (see 'distkit index --help')"
    ]


def test_a_plugin_group_given_no_command_is_one_line(plugin_site: PluginSite) -> None:
    plugin_site.add(
        "tools",
        """
        import pluggy
        hookimpl = pluggy.HookimplMarker("distkit")

        @hookimpl
        def register_commands(cli):
            @cli.group()
            def tools():
                "Tools."

            @tools.command()
            def sharpen():
                "Sharpen."
        """,
    )
    result = CliRunner().invoke(cli, ["tools"], prog_name="distkit")
    assert result.exit_code == 2
    assert result.output.splitlines() == [
        "Error: missing a command: one of sharpen (see 'distkit tools --help')"
    ]
