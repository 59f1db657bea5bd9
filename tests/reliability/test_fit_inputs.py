"""`distkit fit` on any data file, as a real subprocess under a timeout: never a traceback,
never a hang, exit 0, 1 or 2, and --json output that always parses (without NaN or Infinity).

Data files come from hypothesis (random bytes, numbers of every size, words, blank lines),
and from the special files a user might pass by mistake (a FIFO, /dev/zero, a huge file).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

pytestmark = pytest.mark.slow

TIMEOUT = 60  # seconds; a run that takes longer is a hang
SETTINGS = settings(
    max_examples=100,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)

EXTREMES = ["1e308", "-1e308", "5e-324", "1e-320", "0", "-0", "1" * 400, "1e400", "nan", "-inf"]
number_text = st.one_of(
    st.floats(allow_nan=True, allow_infinity=True).map(repr),
    st.integers(-(10**20), 10**20).map(str),
    st.integers(0, 30).map(str),
    st.sampled_from(EXTREMES),
)
line = st.one_of(
    number_text,
    number_text.map(lambda text: f"  {text}\r"),
    st.text(max_size=8),
    st.just(""),
)
numbers_file = st.lists(number_text, min_size=1, max_size=60).map(lambda ls: "\n".join(ls) + "\n")
mixed_file = st.lists(line, max_size=40).map("\n".join)
data_file = st.one_of(
    numbers_file.map(str.encode),
    mixed_file.map(lambda text: text.encode("utf-8", "surrogatepass")),
    st.binary(max_size=300),
)
command = st.sampled_from(
    [
        ["gaussian"],
        ["binomial"],
        ["binomial", "--param", "n=30"],
        ["--best"],
    ]
)


def distkit(
    *args: str | Path, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    environment = {**os.environ, "DISTKIT_LOAD_PLUGINS": "", **(env or {})}
    try:
        return subprocess.run(
            [sys.executable, "-m", "distkit", *map(str, args)],
            capture_output=True,
            text=True,
            errors="replace",
            timeout=TIMEOUT,
            env=environment,
        )
    except subprocess.TimeoutExpired:
        pytest.fail(f"distkit {' '.join(map(str, args))} hung for {TIMEOUT} s")


def check(result: subprocess.CompletedProcess[str], *, as_json: bool) -> None:
    assert "Traceback" not in result.stderr, result.stderr
    assert "Warning" not in result.stderr, result.stderr
    assert result.returncode in {0, 1, 2}, result.stderr
    if result.returncode:
        assert len(result.stderr.strip().splitlines()) == 1, result.stderr
        assert result.stderr.startswith("Error: ")
    elif as_json:
        json.loads(result.stdout, parse_constant=_no_constants)


def _no_constants(name: str) -> None:
    raise AssertionError(f"--json printed {name}, which is not JSON")


@SETTINGS
@given(content=data_file, args=command)
def test_any_data_file_gives_a_result_or_one_line(
    tmp_path: Path, content: bytes, args: list[str]
) -> None:
    path = tmp_path / "data.txt"
    path.write_bytes(content)
    if args == ["--best"]:
        check(distkit("fit", "--best", path, "--json"), as_json=True)
    else:
        check(distkit("fit", args[0], path, *args[1:], "--json"), as_json=True)


@settings(SETTINGS, max_examples=15)
@given(content=numbers_file.map(str.encode))
def test_plotting_any_numbers_gives_a_png_or_one_line(tmp_path: Path, content: bytes) -> None:
    path = tmp_path / "data.txt"
    path.write_bytes(content)
    png = tmp_path / "fit.png"
    result = distkit("fit", "binomial", path, "--param", "n=10000000000", "--plot", png, "--force")
    check(result, as_json=False)


@pytest.mark.parametrize("kind", ["fifo", "dev-zero", "folder", "huge", "missing"])
def test_special_files_are_one_line_and_never_hang(tmp_path: Path, kind: str) -> None:
    path = tmp_path / "data"
    if kind == "fifo":
        os.mkfifo(path)
    elif kind == "dev-zero":
        path = Path("/dev/zero")
    elif kind == "folder":
        path.mkdir()
    elif kind == "huge":
        with open(path, "wb") as file:
            file.truncate(2 * 1024**3)  # sparse: takes no disk, but is over the limit
    result = distkit("fit", "gaussian", path)
    check(result, as_json=False)
    assert result.returncode == 2


SLOW_FIT = '''
import sys
import time

import numpy as np
import pluggy

hookimpl = pluggy.HookimplMarker("distkit")


class Slow:
    """A distribution whose fit takes a minute."""

    name = "slow"
    params = {}
    mean = stdev = 0.0

    def pdf(self, x):
        return np.zeros_like(x)

    cdf = pdf

    def sample(self, size, seed=None):
        return np.zeros(size)

    @classmethod
    def fit(cls, data):
        print("fitting", flush=True)
        time.sleep(60)
        return cls()

    def read_data_file(self, path):
        pass


@hookimpl
def register_distributions(register):
    register(Slow)
'''


def test_ctrl_c_stops_a_long_plugin_fit_at_once_without_a_traceback(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import signal

    from tests.core.conftest import PluginSite

    monkeypatch.setenv("DISTKIT_LOAD_PLUGINS", "")  # restored after the test; the site sets it
    site = PluginSite(tmp_path)
    site.add("slowplugin", SLOW_FIT)
    data = tmp_path / "data.txt"
    data.write_text("1\n2\n")
    env = {**os.environ, "PYTHONPATH": str(tmp_path), "DISTKIT_LOAD_PLUGINS": "slowplugin"}
    process = subprocess.Popen(
        [sys.executable, "-m", "distkit", "fit", "slow", str(data)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
    )
    assert process.stderr is not None
    assert process.stderr.readline().strip() == "fitting"  # the plugin's print, on stderr
    process.send_signal(signal.SIGINT)
    _, stderr = process.communicate(timeout=TIMEOUT)  # the fit sleeps far longer than this
    assert process.returncode == 1
    assert "Traceback" not in stderr
    assert stderr.strip() == "Aborted!"
