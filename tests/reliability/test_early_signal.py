"""A Ctrl-C that lands while the `distkit` console script is still importing (the first tens
of milliseconds) ends it as one that lands later does: `Aborted!`, exit 1, no traceback."""

from __future__ import annotations

import subprocess
import sys

INTERRUPTED_IMPORT = """
import builtins, sys

real_import = builtins.__import__

def interrupted(name, *args, **kwargs):
    if name == "click":  # the first thing distkit.cli imports: where a user's Ctrl-C lands
        raise KeyboardInterrupt
    return real_import(name, *args, **kwargs)

builtins.__import__ = interrupted
sys.argv = ["distkit", "list"]
from distkit.entry import main
main()
"""


def test_ctrl_c_while_the_script_imports_is_aborted_without_a_traceback() -> None:
    done = subprocess.run(
        [sys.executable, "-c", INTERRUPTED_IMPORT], capture_output=True, text=True, timeout=60
    )
    assert done.stderr == "Aborted!\n"
    assert done.returncode == 1
    assert done.stdout == ""
