"""What distkit knows of one plugin: where it comes from, its hooks, and what went wrong."""

from __future__ import annotations

import contextlib
import time
import traceback
from collections.abc import Iterator
from dataclasses import dataclass, field
from importlib.metadata import Distribution

from distkit.errors import PluginError

SLOW_SECONDS = 1.0


@dataclass
class PluginInfo:
    """One plugin: a built-in module or an entry point, working or broken.

    `errors` make it broken; `warnings` (slow to load, a class registered twice, a hook that
    returns something) do not. `tracebacks` keep the full story of each error, for `--debug`.
    """

    name: str
    module: str
    dist: Distribution | None = None
    builtin: bool = False
    hooks: list[str] = field(default_factory=list)
    commands: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    tracebacks: list[str] = field(default_factory=list)
    seconds: float = 0.0

    @property
    def ok(self) -> bool:
        return not self.errors

    @property
    def package(self) -> str | None:
        """The installed distribution that provides the plugin (read only when asked: slow)."""
        return self.dist.metadata["Name"] if self.dist is not None else None

    @property
    def version(self) -> str | None:
        return self.dist.version if self.dist is not None else None

    def fail(self, error: PluginError) -> None:
        """Record `error`, raised by this plugin's code, and its traceback."""
        self.errors.append(str(error).removeprefix(f"plugin {self.name!r} "))
        cause = error.__cause__ or error
        self.tracebacks.append("".join(traceback.format_exception(cause)))

    @contextlib.contextmanager
    def timed(self) -> Iterator[None]:
        """Add the time spent inside to `seconds`; warn once when the total passes a second."""
        started = time.perf_counter()
        try:
            yield
        finally:
            slow_before = self.seconds > SLOW_SECONDS
            self.seconds += time.perf_counter() - started
            if self.seconds > SLOW_SECONDS and not slow_before:
                self.warnings.append(
                    f"took {self.seconds:.1f} s to load, which every command that loads plugins "
                    "waits for"
                )
