"""Fixtures for the studio: a real `distkit studio` process on a free loopback port, test music
models installed as a real plugin, and headless Chromium (Debian's) driven by Playwright."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]

MODELS = """
import os
import time

import numpy as np
import pluggy

hookimpl = pluggy.HookimplMarker("distkit")


class Parallel:
    name = "parallel"
    description = "Fourths, octaves and two octaves under the melody."

    def harmonize(self, melody, *, seed=None):
        melody = np.asarray(melody, dtype=bool)
        return np.stack([melody] + [np.roll(melody, -s, axis=1) for s in (5, 12, 24)])


class Crashes:
    name = "crashes"
    description = "Raises whenever it is asked to harmonize."

    def harmonize(self, melody, *, seed=None):
        raise RuntimeError("out of tune")


class Slow:
    name = "slow"
    description = "Parallel voices, after 60 steps of 0.1 s; each step is logged to a file."

    def harmonize(self, melody, *, seed=None):
        log = os.environ.get("DISTKIT_TEST_STEPS")
        for step in range(60):
            time.sleep(0.1)
            if log:
                with open(log, "a") as file:
                    file.write(f"{os.getpid()} {step}\\n")
        return Parallel().harmonize(melody)


class Reports:
    name = "reports"
    description = "Parallel voices after 30 steps of 0.1 s, telling its progress."

    def harmonize(self, melody, *, seed=None, progress=None):
        for step in range(30):
            time.sleep(0.1)
            if progress is not None:
                progress((step + 1) / 30)
        return Parallel().harmonize(melody)


class Hangs:
    name = "hangs"
    description = "Never answers."

    def harmonize(self, melody, *, seed=None):
        while True:
            time.sleep(1)


class Interrupts:
    name = "interrupts"
    description = "Raises KeyboardInterrupt itself."

    def harmonize(self, melody, *, seed=None):
        raise KeyboardInterrupt


class Seeded:
    name = "seeded"
    description = "A different alto for every seed."

    def harmonize(self, melody, *, seed=None):
        arrangement = Parallel().harmonize(melody)
        shift = 3 + (seed or 0) % 5
        arrangement[1] = np.roll(np.asarray(melody, dtype=bool), -shift, axis=1)
        return arrangement


class Talks:
    name = "talks"
    description = "Prints while it works, to stdout."

    def harmonize(self, melody, *, seed=None):
        for _ in range(5):
            print("talks: thinking")
            time.sleep(0.1)
        return Parallel().harmonize(melody)


class Continues:
    name = "continues"
    style = "toy-style"
    description = "Continues a melody by repeating its last note a beat at a time."
    voices = ("violin", "viola", "cello", "double bass")
    programs = (40, 41, 42, 43)

    def harmonize(self, melody, *, seed=None):
        return Parallel().harmonize(melody)

    def continue_melody(self, melody, bars, *, seed=None, close=False):
        melody = np.asarray(melody, dtype=bool)
        last = int(np.flatnonzero(melody.any(axis=0))[-1]) if melody.any() else 60
        more = np.zeros((bars * 16, 128), dtype=bool)
        for beat in range(bars * 4):
            more[beat * 4 : beat * 4 + 3, last] = True
        return np.concatenate([melody, more])


class Infills:
    name = "infills"
    style = "toy-style"
    description = "Parallel voices; regenerating puts the alto a fifth under the melody."

    def harmonize(self, melody, *, seed=None):
        return Parallel().harmonize(melody)

    def infill(self, arrangement, mask, *, seed=None):
        result = np.array(arrangement, dtype=bool)
        fifth = np.roll(result[0], -7, axis=1)
        for voice in range(1, 4):
            result[voice][mask[voice]] = fifth[mask[voice]]
        return result


@hookimpl
def register_music_models(register):
    models = (Parallel, Crashes, Slow, Reports, Hangs, Interrupts, Seeded, Talks)
    for model in (*models, Continues, Infills):
        register(model)
"""


@dataclass
class Studio:
    """A running studio: its link (with the token), address parts and process."""

    url: str
    port: int
    token: str
    process: subprocess.Popen[str]

    def stop(self) -> tuple[int, str, str]:
        """Ctrl-C the studio as a user would; its exit code, stdout and stderr."""
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGINT)
        out, err = self.process.communicate(timeout=30)
        return self.process.returncode, out, err


@pytest.fixture(scope="session")
def model_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A folder holding an installed package whose entry point adds the test models."""
    site = tmp_path_factory.mktemp("site")
    (site / "distkit_studio_test_models.py").write_text(MODELS)
    info = site / "distkit_studio_test-1.0.dist-info"
    info.mkdir()
    (info / "METADATA").write_text(
        "Metadata-Version: 2.1\nName: distkit-studio-test\nVersion: 1.0\n"
    )
    (info / "entry_points.txt").write_text("[distkit]\nstudio-test = distkit_studio_test_models\n")
    return site


def start_studio(*args: str, env: dict[str, str] | None = None, **popen: Any) -> Studio:
    """`distkit studio --no-browser` in a subprocess, once it prints its link."""
    process = subprocess.Popen(
        [sys.executable, "-m", "distkit", "studio", "--no-browser", *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, **(env or {})},
        **popen,
    )
    assert process.stdout is not None
    line = process.stdout.readline()
    if "token=" not in line:
        process.kill()
        raise AssertionError(f"the studio did not start: {line!r} {process.stderr.read()!r}")
    url = line.split()[-1]
    port = int(url.split(":")[2].split("/")[0])
    return Studio(url, port, url.split("token=")[1], process)


def model_env(model_site: Path, tmp_path: Path) -> dict[str, str]:
    """The environment that installs the test models, with a cache folder of the test's own
    and a file where the slow model logs its steps."""
    return {
        "PYTHONPATH": os.pathsep.join([str(model_site), os.environ.get("PYTHONPATH", "")]),
        "DISTKIT_LOAD_PLUGINS": "studio-test",
        "XDG_CACHE_HOME": str(tmp_path / "cache"),
        "DISTKIT_TEST_STEPS": str(tmp_path / "steps.log"),
    }


@pytest.fixture
def studio(model_site: Path, tmp_path: Path) -> Iterator[Studio]:
    """The studio with the built-in chorale-hmm and the test models (parallel, crashes, slow,
    hangs, interrupts, seeded)."""
    running = start_studio(env=model_env(model_site, tmp_path))
    yield running
    running.stop()


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    """Debian's headless Chromium under Playwright; skipped where it is not installed."""
    if not CHROMIUM.exists():
        pytest.skip(f"{CHROMIUM} is missing (apt-get install chromium chromium-driver)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser: Any, tmp_path: Path) -> Iterator[Any]:
    """A fresh page that accepts downloads; any request off loopback is blocked and recorded."""
    context = browser.new_context(accept_downloads=True, viewport={"width": 1200, "height": 900})
    outside: list[str] = []

    def guard(route: Any) -> None:
        url = route.request.url
        if url.startswith(("http://127.0.0.1:", "data:", "blob:", "file:")):
            route.continue_()
        else:
            outside.append(url)
            route.abort()

    context.route("**/*", guard)
    page = context.new_page()
    page.outside_requests = outside
    yield page
    context.close()
    assert outside == [], f"the page tried to reach {outside}"
