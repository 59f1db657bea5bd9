{% import cookiecutter.family_file as family with context -%}
"""{{ family.description }}

`{{ cookiecutter.class_name }}` is imported on first use, so that distkit can list this plugin
without importing numpy and scipy.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .{{ cookiecutter.module_name }} import {{ cookiecutter.class_name }}

__all__ = ["{{ cookiecutter.class_name }}", "__version__"]


def __getattr__(name: str) -> Any:
    if name == "{{ cookiecutter.class_name }}":
        from .{{ cookiecutter.module_name }} import {{ cookiecutter.class_name }}

        return {{ cookiecutter.class_name }}
    if name == "__version__":
        from importlib.metadata import version

        return version("{{ cookiecutter.project_name }}")
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
