"""docs/plugins.md: its example is built, installed and run; every hook is documented and tested."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from distkit.plugins import hookspecs

ROOT = Path(__file__).resolve().parents[2]
PLUGINS_DOC = ROOT / "docs" / "plugins.md"
BLOCK = re.compile(
    r"```(?:python|toml)\n# file: (?P<path>\S+)(?P<append> \(append\))?\n(?P<body>.*?)```", re.S
)


def hook_names() -> list[str]:
    return [name for name in dir(hookspecs) if name.startswith("register_")]


def write_example(target: Path) -> None:
    for match in BLOCK.finditer(PLUGINS_DOC.read_text()):
        path = target / match["path"]
        path.parent.mkdir(parents=True, exist_ok=True)
        with path.open("a" if match["append"] else "w") as handle:
            handle.write(match["body"])


@pytest.mark.parametrize("hook", hook_names())
def test_every_hook_has_a_section_in_the_plugin_docs(hook: str) -> None:
    assert f"### `{hook}`" in PLUGINS_DOC.read_text()


@pytest.mark.parametrize("hook", hook_names())
def test_every_hook_is_exercised_by_a_test(hook: str) -> None:
    tests = (ROOT / "tests" / "core").glob("test_*.py")
    uses = [p for p in tests if p.name != "test_docs.py" and f"def {hook}(" in p.read_text()]
    assert uses, f"no test implements {hook}"


@pytest.mark.slow
def test_the_documented_example_installs_and_works(tmp_path: Path) -> None:
    project = tmp_path / "distkit-triangle"
    write_example(project)
    site = tmp_path / "site"
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "install",
            "--quiet",
            "--no-deps",
            "--target",
            str(site),
            str(project),
        ],
        check=True,
    )
    env = {**os.environ, "PYTHONPATH": str(site), "DISTKIT_LOAD_PLUGINS": "distkit_triangle"}

    tests = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", str(project / "tests")],
        env=env,
        capture_output=True,
        text=True,
        cwd=project,
    )
    assert tests.returncode == 0, tests.stdout + tests.stderr
    assert "3 passed" in tests.stdout

    listing = subprocess.run(
        [sys.executable, "-m", "distkit", "list", "--json"],
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    data = json.loads(listing.stdout)
    triangle = next(d for d in data["distributions"] if d["name"] == "triangle")
    assert triangle == {
        "name": "triangle",
        "plugin": "distkit_triangle",
        "class": "distkit_triangle.triangle:Triangle",
        "parameters": None,
        "discrete": None,
        "description": "Symmetric triangular distribution on [low, high].",
    }
    assert [m["plugin"] for m in data["music_models"] if m["name"] == "octaves"] == [
        "distkit_triangle"
    ]

    values = tmp_path / "values.txt"
    values.write_text("\n".join(str(v) for v in (1.0, 2.0, 3.0, 2.5, 1.5)))
    for name in ("triangle", "distkit_triangle:triangle"):
        fitted = subprocess.run(
            [sys.executable, "-m", "distkit", "fit", name, str(values), "--json"],
            env=env,
            capture_output=True,
            text=True,
            check=True,
        )
        assert json.loads(fitted.stdout)["mean"] == pytest.approx(2.0)

    harmonized = subprocess.run(
        [
            sys.executable,
            "-c",
            "import sys\n"
            "import numpy as np\n"
            "from distkit.plugins import get_registry\n"
            "registry = get_registry()\n"
            "registry.distributions, registry.music_models\n"
            "print(sorted(m for m in sys.modules if m.startswith('distkit_triangle')))\n"
            "model = registry.music_model('distkit_triangle:octaves')()\n"
            "melody = np.zeros((16, 128), bool); melody[:, 72] = True\n"
            "out = model.harmonize(melody)\n"
            "print(out.shape, [int(np.argmax(v[0])) for v in out])",
        ],
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    assert harmonized.stdout.splitlines() == [
        "['distkit_triangle', 'distkit_triangle.plugin']",  # registered, nothing heavy imported
        "(4, 16, 128) [72, 67, 60, 48]",
    ]
