"""pytest fixtures for music-model plugins' tests (distkit's own PyTorch plugins use them).

Import the ones a test suite needs into its conftest.py:

    from distkit.music.testing import chorale_cache, few_chorales, scale_melody

`listing_with_only(entry_point)` runs `distkit list` in a fresh interpreter with only that
plugin's entry point loaded and says which heavy modules (numpy, torch) the listing imported:
none, when the plugin registers by import path and its class modules stay light.

`chorale_cache` parses the first FEW corpus chorales into a private cache folder (and points
DISTKIT_CACHE_DIR at it, so subprocesses read it too); `few_chorales` gives them; `scale_melody`
is a C major scale up and down. Needs pytest (distkit's `test` extra) and, for the chorales,
music21 (the `chorales` extra).
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest

from distkit.music.chorales import Chorale, load_chorales

FEW = 8


@pytest.fixture(scope="session")
def chorale_cache(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """A cache folder holding the first FEW corpus chorales, used by subprocesses too."""
    folder = tmp_path_factory.mktemp("distkit-cache")
    patch = pytest.MonkeyPatch()
    patch.setenv("DISTKIT_CACHE_DIR", str(folder))
    load_chorales(limit=FEW)
    yield folder
    patch.undo()


@pytest.fixture(scope="session")
def few_chorales(chorale_cache: Path) -> list[Chorale]:
    return load_chorales(limit=FEW)


@pytest.fixture
def scale_melody() -> np.ndarray[tuple[int, int], np.dtype[np.bool_]]:
    """C major scale up and down in quarter notes from C5, 72 steps (not a window multiple)."""
    melody = np.zeros((72, 128), dtype=bool)
    pitches = [72, 74, 76, 77, 79, 77, 76, 74, 72, 71, 72, 74, 76, 74, 72, 71, 72, 72]
    for index, pitch in enumerate(pitches):
        melody[4 * index : 4 * index + 4, pitch] = True
    return melody


LISTING = (
    "import sys\n"
    "from distkit.cli import main\n"
    "sys.argv = ['distkit', 'list']\n"
    "try:\n    main()\nexcept SystemExit:\n    pass\n"
    "print(','.join(m for m in ('numpy', 'torch') if m in sys.modules), file=sys.stderr)\n"
)


def listing_with_only(entry_point: str) -> tuple[str, str]:
    """What `distkit list` prints with only `entry_point` loaded (the built-ins too), and the
    heavy modules it imported, comma-separated ("" for none)."""
    env = {**os.environ, "DISTKIT_LOAD_PLUGINS": entry_point}
    done = subprocess.run(
        [sys.executable, "-c", LISTING], capture_output=True, text=True, check=True, env=env
    )
    return done.stdout, done.stderr.strip()
