"""docs/distributions.md's examples run and print what their comments say."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from tests.doc_examples import assert_prints_what_its_comments_say

DOC = Path(__file__).parents[2] / "docs" / "distributions.md"
BLOCKS = re.findall(r"```python\n(.*?)```", DOC.read_text(), flags=re.DOTALL)


@pytest.mark.parametrize("block", BLOCKS, ids=[f"example{i}" for i in range(len(BLOCKS))])
def test_example_prints_what_its_comments_say(block: str) -> None:
    assert_prints_what_its_comments_say(block, DOC)


def test_the_doc_has_examples() -> None:
    assert len(BLOCKS) >= 2
