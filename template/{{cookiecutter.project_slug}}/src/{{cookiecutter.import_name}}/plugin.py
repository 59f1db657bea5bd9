{% import cookiecutter.family_file as family with context -%}
"""Registers {{ cookiecutter.class_name }} with distkit by import path (the `distkit` entry point).

This module imports only pluggy: distkit imports the class, and so numpy, when it is used.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pluggy

hookimpl = pluggy.HookimplMarker("distkit")

CLASS_PATH = "{{ cookiecutter.import_name }}.{{ cookiecutter.module_name }}:{{ cookiecutter.class_name }}"
NAME = "{{ cookiecutter.family }}"
{% set quoted = family.description | tojson -%}
{% if quoted | length > 85 -%}
DESCRIPTION = (
    {{ quoted }}
)
{%- else -%}
DESCRIPTION = {{ quoted }}
{%- endif %}


@hookimpl
def register_distributions(register: Callable[..., Any]) -> None:
    register(CLASS_PATH, name=NAME, description=DESCRIPTION)
