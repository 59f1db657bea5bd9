"""The hooks a distkit plugin implements. A plugin may implement any of them."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Protocol

import pluggy

hookspec = pluggy.HookspecMarker("distkit")
hookimpl = pluggy.HookimplMarker("distkit")


class Register(Protocol):
    """The `register` callback: a class, or its import path with the name and description."""

    def __call__(
        self, cls: type[Any] | str, *, name: str | None = None, description: str | None = None
    ) -> None: ...


@hookspec
def register_distributions(register: Register) -> None:
    """Call `register(cls)` for each distribution class the plugin provides.

    Or `register("package.module:Class", name="NAME", description="one line")`: the class is
    then imported only when it is used, so `distkit list` stays fast.
    """


@hookspec
def register_music_models(register: Register) -> None:
    """Call `register(cls)` for each music-model class the plugin provides (or its import path,
    with `name=` and `description=`, as for distributions)."""


@hookspec
def register_commands(cli: Any) -> None:
    """Add click commands to the `distkit` group, e.g. `cli.add_command(my_command)`."""


@hookspec
def register_templates(register: Callable[..., None]) -> None:
    """Call `register(name, location, description="one line")` for each cookiecutter template
    the plugin provides (a folder, e.g. one inside the plugin's package, or a git URL), so that
    `distkit new --template NAME` renders it."""
