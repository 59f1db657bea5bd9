"""A few folk tunes (the first ABC file of the corpus) parsed into a private cache."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from distkit.music.melody.folk import load_tunes

FILES = 1


@pytest.fixture(scope="session")
def tune_cache(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """A cache folder holding the tunes of the corpus's first ABC file, for subprocesses too."""
    folder = tmp_path_factory.mktemp("distkit-cache")
    patch = pytest.MonkeyPatch()
    patch.setenv("DISTKIT_CACHE_DIR", str(folder))
    load_tunes(limit=FILES)
    yield folder
    patch.undo()
