"""`python -m distkit.music.hmm [-o PATH] [--context-output PATH] [--ornaments-output PATH]`:
relearn the shipped tables, retrain the context classifier and count the ornamentation layer's
figures (needs music21; about a minute)."""

from __future__ import annotations

import argparse
from pathlib import Path

from distkit.music.hmm.model import CONTEXT, ORNAMENTS, TABLES


def main(argv: list[str] | None = None) -> None:
    """Parse the options, relearn, and say what was written; a file that cannot be written is
    one line and exit status 1."""
    from distkit.music.hmm.learning import regenerate

    parser = argparse.ArgumentParser(description=__doc__)
    data = Path(__file__).parent / "data"
    parser.add_argument("-o", "--output", type=Path, default=data / TABLES)
    parser.add_argument("--context-output", type=Path, help=f"default: {CONTEXT} beside the tables")
    parser.add_argument(
        "--ornaments-output", type=Path, help=f"default: {ORNAMENTS} beside the tables"
    )
    options = parser.parse_args(argv)
    context = options.context_output or options.output.parent / CONTEXT
    ornaments = options.ornaments_output or options.output.parent / ORNAMENTS
    try:
        regenerate(options.output, context, ornaments)
    except OSError as error:
        parser.exit(
            1, f"error: cannot write {error.filename or options.output}: {error.strerror}\n"
        )
    for path in (options.output, context, ornaments):
        print(f"wrote {path} ({path.stat().st_size / 1024:.0f} KiB)")


if __name__ == "__main__":
    main()
