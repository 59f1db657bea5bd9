"""The `distkit` console script: Ctrl-C while distkit is still importing ends it as Ctrl-C does
once the command runs (`Aborted!` and exit 1), not with a traceback through the imports."""

from __future__ import annotations

import sys


def main() -> None:
    try:
        from distkit.cli import main as run
    except KeyboardInterrupt:
        sys.stderr.write("Aborted!\n")
        raise SystemExit(1) from None
    run()
