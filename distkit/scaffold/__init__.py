"""`distkit new`: the answers (context), the families the template knows, and rendering."""

from distkit.scaffold.context import (
    LICENSES,
    build_context,
    parse_custom_params,
    user_defaults,
    validate,
)
from distkit.scaffold.rendering import create, next_steps, render, skeleton_module

__all__ = [
    "LICENSES",
    "build_context",
    "create",
    "next_steps",
    "parse_custom_params",
    "render",
    "skeleton_module",
    "user_defaults",
    "validate",
]
