"""The answers a package is rendered with: template defaults, user config, validation."""

from __future__ import annotations

import datetime
import json
import keyword
import math
import os
import re
import sys
from collections.abc import Mapping
from pathlib import Path

from packaging.utils import canonicalize_name
from packaging.version import InvalidVersion, Version

from distkit.errors import UsageError
from distkit.scaffold.families import get_family, template_dir

LICENSES = ("MIT", "BSD-3-Clause", "Apache-2.0")
_PEP508_NAME = re.compile(r"^([A-Z0-9]|[A-Z0-9][A-Z0-9._-]*[A-Z0-9])$", re.IGNORECASE)
_FAMILY_NAME = re.compile(r"^[a-z][a-z0-9]*(-[a-z0-9]+)*$")
# Members of the generated base class that a custom parameter must not shadow.
_RESERVED_PARAMS = {"name", "discrete", "labels", "data", "params", "mean", "stdev", "pdf", "cdf"}
_RESERVED_PARAMS |= {"sample", "fit", "read_data_file", "self"}
CUSTOM_FILE = "custom.jinja"
# The generated package's own modules, and the packages it imports or is tested with.
_TEMPLATE_MODULES = {"plugin", "_base", "_special"}
_DEPENDENCIES = {"numpy", "pluggy", "scipy", "hypothesis", "pytest", "distkit", "pip"}
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
MAX_NAME = 100


def user_defaults() -> dict[str, str]:
    """cookiecutter's default_context from COOKIECUTTER_CONFIG or ~/.cookiecutterrc, if any."""
    named = os.environ.get("COOKIECUTTER_CONFIG")
    path = Path(named or Path.home() / ".cookiecutterrc")
    if not path.is_file():
        if named:
            raise UsageError(f"COOKIECUTTER_CONFIG names {path}, which is not a file")
        return {}
    import yaml  # type: ignore[import-untyped]

    try:
        config = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except yaml.YAMLError as error:
        raise UsageError(f"{path}: not valid YAML ({error})") from None
    defaults = config.get("default_context", {}) if isinstance(config, dict) else None
    if not isinstance(defaults, dict):
        raise UsageError(f"{path}: default_context must be a mapping of names to values")
    return {str(key): str(value) for key, value in defaults.items()}


def parse_custom_params(text: str) -> str:
    """`--custom`'s "shape=2, scale" as the template's "shape=2.0,scale=1.0" (default 1.0).

    Raises UsageError for a name that is not a Python identifier, a keyword, a member of the
    generated class, or given twice, and for a default that is not a finite number.
    """
    params: dict[str, float] = {}
    for item in filter(None, (part.strip() for part in text.split(","))):
        name, _, default = (piece.strip() for piece in item.partition("="))
        if not name.isidentifier() or keyword.iskeyword(name) or name in _RESERVED_PARAMS:
            raise UsageError(f"--custom: {name!r} cannot be a parameter name")
        if name in params:
            raise UsageError(f"--custom: parameter {name!r} is given twice")
        try:
            value = float(default or "1.0")
        except ValueError:
            raise UsageError(f"--custom: default {default!r} of {name!r} is not a number") from None
        if not math.isfinite(value):
            raise UsageError(f"--custom: default of {name!r} must be finite, got {default}")
        params[name] = value
    if not params:
        raise UsageError("--custom needs at least one parameter, e.g. --custom 'shape=2,scale'")
    return ",".join(f"{name}={value!r}" for name, value in params.items())


def build_context(
    family: str, values: Mapping[str, str] | None = None, *, custom: str | None = None
) -> dict[str, str]:
    """The context for `family`: template defaults, then `values`, then derived names.

    With `custom` (the parameters, as `--custom` takes them) the family need not be known:
    the package gets a skeleton class with TODOs and the tests it must pass.
    """
    import jinja2

    given = dict(values or {})
    if custom is None:
        get_family(family)
    else:
        if not _FAMILY_NAME.match(family):
            raise UsageError(
                f"family name {family!r} must be lower-case letters and digits, "
                "words joined by '-' (e.g. 'weibull', 'half-normal')"
            )
        module = family.replace("-", "_")
        if keyword.iskeyword(module) or module in _TEMPLATE_MODULES or len(family) > MAX_NAME:
            raise UsageError(f"family name {family!r} cannot be a module name in the package")
        given.update(family_file=CUSTOM_FILE, custom_params=parse_custom_params(custom))
    declared = json.loads((template_dir() / "cookiecutter.json").read_text(encoding="utf-8"))
    context: dict[str, str] = {}
    env = jinja2.Environment(undefined=jinja2.StrictUndefined)
    for key, default in declared.items():
        if key.startswith("_"):
            continue
        if key == "family":
            context[key] = family
        elif key in given:
            context[key] = str(given[key])
        elif key == "year":
            context[key] = str(datetime.date.today().year)
        elif isinstance(default, list):
            context[key] = str(default[0])
        else:
            context[key] = env.from_string(str(default)).render(cookiecutter=context)
    validate(context)
    return context


def validate(context: Mapping[str, str]) -> None:
    """Raise UsageError for a name or value that would make a broken package."""
    project = context["project_name"]
    if not _PEP508_NAME.match(project):
        raise UsageError(f"project name {project!r} is not a valid PEP 508 / PyPI name")
    if len(project) > MAX_NAME:
        raise UsageError(f"project name {project[:20]}... is longer than {MAX_NAME} characters")
    if canonicalize_name(project) != context["project_slug"]:
        raise UsageError(f"project name {project!r} does not normalise to a folder name")
    name = context["import_name"]
    if not name.isidentifier() or keyword.iskeyword(name):
        raise UsageError(f"import name {name!r} is not a Python identifier")
    if name in sys.stdlib_module_names:
        raise UsageError(f"import name {name!r} would shadow the standard-library module")
    if name in _DEPENDENCIES:
        raise UsageError(f"import name {name!r} would shadow a package the new package needs")
    if not _EMAIL.match(context["email"]):
        raise UsageError(f"email {context['email']!r} is not an email address")
    if not context["full_name"].strip() or not context["full_name"].isprintable():
        raise UsageError(f"author name {context['full_name']!r} must be printable text")
    if context["license"] not in LICENSES:
        raise UsageError(f"license {context['license']!r} is not one of {', '.join(LICENSES)}")
    if not _is_version(context["version"]):
        raise UsageError(f"version {context['version']!r} is not a PEP 440 version")


def _is_version(text: str) -> bool:
    try:
        Version(text)
    except InvalidVersion:
        return False
    return True
