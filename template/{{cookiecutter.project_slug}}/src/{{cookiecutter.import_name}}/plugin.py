"""Registers {{ cookiecutter.class_name }} with distkit through the `distkit` entry point."""

from __future__ import annotations

from typing import Any, Callable

import pluggy

from .{{ cookiecutter.module_name }} import {{ cookiecutter.class_name }}

hookimpl = pluggy.HookimplMarker("distkit")


@hookimpl
def register_distributions(register: Callable[[type], Any]) -> None:
    register({{ cookiecutter.class_name }})
