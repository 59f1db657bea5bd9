"""docs/distributions.md's examples run and print what their comments say."""

from __future__ import annotations

import contextlib
import io
import re
from pathlib import Path

import pytest

DOC = Path(__file__).parents[2] / "docs" / "distributions.md"
BLOCKS = re.findall(r"```python\n(.*?)```", DOC.read_text(), flags=re.DOTALL)


@pytest.mark.parametrize("block", BLOCKS, ids=[f"example{i}" for i in range(len(BLOCKS))])
def test_example_prints_what_its_comments_say(block: str) -> None:
    expected = [
        line.split("# ", 1)[1].strip()
        for line in block.splitlines()
        if line.startswith("print(") and "# " in line
    ]
    output = io.StringIO()
    with contextlib.redirect_stdout(output):
        exec(compile(block, str(DOC), "exec"), {})
    assert [line.strip() for line in output.getvalue().splitlines()] == expected


def test_the_doc_has_examples() -> None:
    assert len(BLOCKS) >= 2
