"""Listing the installed models imports neither numpy nor torch (ARCHITECTURE: register by
import path, class modules as light as the contract), with this plugin installed."""

from __future__ import annotations

import os
import subprocess
import sys


def test_distkit_list_with_the_plugin_imports_neither_numpy_nor_torch() -> None:
    code = (
        "import sys\n"
        "from distkit.cli import main\n"
        "sys.argv = ['distkit', 'list']\n"
        "try:\n    main()\nexcept SystemExit:\n    pass\n"
        "print(','.join(m for m in ('numpy', 'torch') if m in sys.modules), file=sys.stderr)\n"
    )
    env = {**os.environ, "DISTKIT_LOAD_PLUGINS": "distkit_melody"}
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, env=env
    )
    assert "distkit_melody" in done.stdout
    assert done.stderr.strip() == ""
