"""Run a documentation example and compare what it prints with its `# expected` comments."""

from __future__ import annotations

import contextlib
import io
from pathlib import Path


def assert_prints_what_its_comments_say(block: str, source: Path) -> None:
    """Each `print(...)  # text` line of `block` must print `text`, in order."""
    expected = [
        line.split("# ", 1)[1].strip()
        for line in block.splitlines()
        if line.startswith("print(") and "# " in line
    ]
    output = io.StringIO()
    with contextlib.redirect_stdout(output):
        exec(compile(block, str(source), "exec"), {})
    assert [line.strip() for line in output.getvalue().splitlines()] == expected
