"""docs/music.md: its Python example runs and prints what its comments say; its options exist."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from click.testing import CliRunner

from distkit.cli import cli
from distkit.plugins import get_registry
from tests.doc_examples import assert_prints_what_its_comments_say

pytestmark = pytest.mark.usefixtures("test_models")

DOC = Path(__file__).parents[2] / "docs" / "music.md"
BLOCKS = re.findall(r"```python\n(.*?)```", DOC.read_text(), flags=re.DOTALL)


def test_the_python_example_prints_what_its_comments_say(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("DISTKIT_DISABLED_PLUGINS")
    get_registry.cache_clear()
    monkeypatch.chdir(tmp_path)
    (block,) = BLOCKS
    assert_prints_what_its_comments_say(block, DOC)
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        "twinkle-harmonized.mid",
        "twinkle.png",
        "twinkle.wav",
    ]


def test_every_option_in_the_doc_is_an_option_of_compose() -> None:
    help_text = CliRunner().invoke(cli, ["compose", "--help"]).output
    documented = set(re.findall(r"`(-o|--[a-z]+)", DOC.read_text()))
    assert documented >= {"-o", "--example", "--model", "--png", "--wav", "--seed", "--force"}
    assert all(option in help_text for option in documented)
