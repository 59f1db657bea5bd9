"""The options every PyTorch plugin's `train` command shares, for the plugins' command layer.

`training_options(...)` adds --iterations, --out, --seed, --batch-size, --learning-rate,
--threads, --checkpoint-every, --log-every, --limit and --force, each named as the field of the
plugin's TrainConfig it fills, with the plugin's own defaults; `refuse_overwrite` is the one
check of where the weights go; `console_script` is a plugin's own console script. This module
is command-line code (it imports click): only the plugins' cli modules import it.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import click

from distkit.music.training.distributed import end_if_joined

F = TypeVar("F", bound=Callable[..., Any])


def training_options(
    *,
    iterations: int,
    out: str,
    batch_size: int = 64,
    learning_rate: float = 1e-3,
    threads: int = 1,
    checkpoint_every: int = 100,
    log_every: int = 25,
) -> Callable[[F], F]:
    """Decorate a click command with the shared training options and these defaults."""
    positive = click.IntRange(min=1)
    options = [
        click.option("--iterations", type=positive, default=iterations, show_default=True),
        click.option(
            "--out",
            type=click.Path(dir_okay=False, path_type=Path),
            default=Path(out),
            show_default=True,
            help="Where to write the weights (rewritten at each checkpoint).",
        ),
        click.option("--seed", type=click.IntRange(0, 2**32 - 1), default=0, show_default=True),
        click.option(
            "--batch-size",
            type=positive,
            default=batch_size,
            show_default=True,
            help="Across all processes.",
        ),
        click.option("--learning-rate", default=learning_rate, show_default=True),
        click.option(
            "--threads",
            type=positive,
            default=threads,
            show_default=True,
            help="CPU threads per process.",
        ),
        click.option(
            "--checkpoint-every", type=positive, default=checkpoint_every, show_default=True
        ),
        click.option("--log-every", type=positive, default=log_every, show_default=True),
        click.option("--limit", type=positive, default=None, help="Use the first N chorales only."),
        click.option("--force", is_flag=True, help="Overwrite --out if it exists."),
    ]

    def decorate(command: F) -> F:
        for option in reversed(options):
            command = option(command)
        return command

    return decorate


def refuse_overwrite(out: Path, *, force: bool, shipped: Path) -> None:
    """A usage error, before any work, when `out` exists or is the plugin's shipped file and
    --force was not given, or when its folder is missing (the run would be lost at its first
    write)."""
    if not out.parent.is_dir():
        raise click.UsageError(f"{out.parent} is not a folder; create it first.")
    if out.exists() and not force:
        raise click.UsageError(f"{out} exists; pass --force to overwrite it.")
    if out.resolve() == shipped.resolve() and not force:
        raise click.UsageError("refusing to overwrite the shipped file without --force.")


def console_script(group: click.Group) -> Callable[[], None]:
    """The entry point of a plugin's own console script (`distkit-bach`, ...): `group` run as
    click runs it, ended as a torchrun rank must end when a command joined a process group."""

    def main() -> None:
        try:
            group.main()
        except SystemExit as ending:
            end_if_joined(ending.code)
            raise

    return main
