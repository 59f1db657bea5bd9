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
from functools import cache
from pathlib import Path

from distkit.errors import UsageError
from distkit.files.reading import read_regular
from distkit.scaffold.families import get_family, template_dir
from distkit.scaffold.jinja_env import environment, render_text

LICENSES = ("MIT", "BSD-3-Clause", "Apache-2.0")
_PEP508_NAME = re.compile(r"^([A-Z0-9]|[A-Z0-9][A-Z0-9._-]*[A-Z0-9])$", re.IGNORECASE)
_FAMILY_NAME = re.compile(r"^[a-z][a-z0-9]*(-[a-z0-9]+)*$")
# Members of the generated base class, and names the generated class's module imports or its
# methods use, that a custom parameter must not shadow (builtins, keywords, soft keywords and
# names starting with "_", dunders included, are refused as well: see _is_parameter_name).
_RESERVED_PARAMS = {"name", "discrete", "labels", "data", "params", "mean", "stdev", "pdf", "cdf"}
_RESERVED_PARAMS |= {"sample", "fit", "read_data_file", "self", "cls", "logpdf"}
_RESERVED_PARAMS |= {"np", "npt", "annotations", "Distribution", "FloatArray", "as_data"}
_RESERVED_PARAMS |= {"check_finite", "check_positive", "check_probability", "as_counts"}
_RESERVED_PARAMS |= {"finite_mean", "finite_range", "moments", "math", "Path", "Any", "ClassVar"}
CUSTOM_FILE = "custom.jinja"
# The generated package's own modules (and tests/test_<module>.py files), and the packages it
# imports or is tested with.
_TEMPLATE_MODULES = {"plugin", "_base", "_special", "special", "readme"}
_DEPENDENCIES = {"numpy", "pluggy", "scipy", "hypothesis", "pytest", "distkit", "pip"}
# Names the generated modules import, which the distribution class must not shadow.
_IMPORTED_NAMES = {"Distribution", "FloatArray", "Any", "ClassVar", "Callable", "Path"}
_EMAIL = re.compile(r"^[^@\s\"'\\<>,;]+@[^@\s\"'\\<>,;]+\.[^@\s\"'\\<>,;]+$")
_MODULE_NAME = re.compile(r"^[a-z][a-z0-9_]*$")
_CLASS_NAME = re.compile(r"^[A-Z][A-Za-z0-9]*$")
_YEAR = re.compile(r"^[0-9]{4}$")
DISTKIT = "distkit-cli"
MAX_NAME = 100
MAX_CONFIG_BYTES = 1024 * 1024


def canonicalize_name(name: str) -> str:
    """PEP 503 normalisation, as packaging.utils.canonicalize_name does it; importing that
    module pulls in packaging.tags, a tenth of `distkit new`'s time."""
    return re.sub(r"[-_.]+", "-", name).lower()


def user_defaults() -> dict[str, str]:
    """cookiecutter's default_context from COOKIECUTTER_CONFIG or ~/.cookiecutterrc, if any."""
    named = os.environ.get("COOKIECUTTER_CONFIG")
    path = Path(named or Path.home() / ".cookiecutterrc")
    if not named and not path.exists():
        return {}
    import yaml  # type: ignore[import-untyped]

    text = read_regular(path, max_bytes=MAX_CONFIG_BYTES, what="cookiecutter config file")
    try:
        config = yaml.safe_load(text) or {}
    except yaml.YAMLError as error:
        raise UsageError(f"{path}: not valid YAML ({_yaml_problem(error)})") from None
    defaults = config.get("default_context", {}) if isinstance(config, dict) else None
    if not isinstance(defaults, dict):
        raise UsageError(f"{path}: default_context must be a mapping of names to values")
    for key, value in defaults.items():
        if isinstance(value, bool) or not isinstance(value, str | int | float):
            raise UsageError(f"{path}: default_context's {key!r} must be text, not {value!r}")
    return {str(key): str(value) for key, value in defaults.items()}


def _yaml_problem(error: Exception) -> str:
    """A YAML error in one line: what is wrong and where."""
    problem = " ".join(str(getattr(error, "problem", None) or error).split())
    mark = getattr(error, "problem_mark", None)
    if mark is None:
        return problem
    return f"{problem} at line {mark.line + 1}, column {mark.column + 1}"


def parse_custom_params(text: str) -> str:
    """`--custom`'s "shape=2, scale" as the template's "shape=2.0,scale=1.0" (default 1.0).

    Raises UsageError for a name that is not a Python identifier, a keyword, a member of the
    generated class, or given twice, and for a default that is not a finite number.
    """
    params: dict[str, float] = {}
    for item in filter(None, (part.strip() for part in text.split(","))):
        name, _, default = (piece.strip() for piece in item.partition("="))
        if not _is_parameter_name(name):
            raise UsageError(
                f"--custom: {name!r} cannot be a parameter name (a plain identifier, not a "
                "Python keyword or builtin, not starting with '_', nor a name the generated "
                "class uses)"
            )
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


def _is_parameter_name(name: str) -> bool:
    import builtins

    return (
        name.isascii()
        and name.isidentifier()
        and not name.startswith("_")
        and not keyword.iskeyword(name)
        and not keyword.issoftkeyword(name)
        and not hasattr(builtins, name)
        and name not in _RESERVED_PARAMS
        and name not in _base_module_names()
    )


@cache
def _base_module_names() -> frozenset[str]:
    """Every name the generated package's `_base` module defines or imports, with the members
    of its Distribution class: read from the template, so a member added there is reserved."""
    import ast

    base = template_dir() / "{{cookiecutter.project_slug}}/src/{{cookiecutter.import_name}}"
    try:
        tree = ast.parse((base / "_base.py").read_text(encoding="utf-8"))
    except (OSError, SyntaxError):
        return frozenset()
    names: set[str] = set()
    statements = list(tree.body)
    while statements:
        node = statements.pop()
        if isinstance(node, ast.ClassDef):
            statements.extend(node.body)  # its members; the bodies of its methods are not read
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
            names.add(node.name)
        elif isinstance(node, ast.Import | ast.ImportFrom):
            names.update((alias.asname or alias.name).partition(".")[0] for alias in node.names)
        elif isinstance(node, ast.Assign | ast.AnnAssign):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            names.update(t.id for t in targets if isinstance(t, ast.Name))
    return frozenset(names)


def build_context(
    family: str, values: Mapping[str, str] | None = None, *, custom: str | None = None
) -> dict[str, str]:
    """The context for `family`: template defaults, then `values`, then derived names.

    With `custom` (the parameters, as `--custom` takes them) the family need not be known:
    the package gets a skeleton class with TODOs and the tests it must pass.
    """
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
    env = environment()
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
        elif "{" not in str(default):  # plain text: nothing for Jinja to compile
            context[key] = str(default)
        else:
            context[key] = render_text(env, str(default), {"cookiecutter": context})
    if custom is None:
        _refuse_derived(context, {"family_file": f"families/{family}.jinja", "custom_params": ""})
    validate(context)
    return context


def _refuse_derived(context: Mapping[str, str], expected: Mapping[str, str]) -> None:
    for key, value in expected.items():
        if context[key] != value:
            raise UsageError(
                f"{key} cannot be set (distkit chooses it from the family); "
                "remove it from default_context"
            )


def validate(context: Mapping[str, str]) -> None:
    """Raise UsageError for a name or value that would make a broken package, write outside
    its folder, end up as code, or replace distkit or a package distkit needs when installed."""
    project = context["project_name"]
    if not _PEP508_NAME.match(project):
        raise UsageError(f"project name {project!r} is not a valid PEP 508 / PyPI name")
    if len(project) > MAX_NAME:
        raise UsageError(f"project name {project[:20]}... is longer than {MAX_NAME} characters")
    if canonicalize_name(project) != context["project_slug"]:
        raise UsageError(f"project name {project!r} does not normalise to a folder name")
    name = context["import_name"]
    if not name.isascii() or not name.isidentifier() or keyword.iskeyword(name):
        raise UsageError(f"import name {name!r} is not a Python identifier")
    if name in sys.stdlib_module_names:
        raise UsageError(f"import name {name!r} would shadow the standard-library module")
    if name in _DEPENDENCIES:
        raise UsageError(f"import name {name!r} would shadow a package the new package needs")
    _refuse_distkit_names(project, name)
    _check_code_names(context)
    _check_text(context)


def _refuse_distkit_names(project: str, import_name: str) -> None:
    """Refuse names whose package, once installed, would replace distkit or a package it needs.

    The whole list (distkit's dependencies and theirs) is read only for a name that is
    installed, so a new name costs a few look-ups, not a scan of every installed package.
    """
    from importlib import util

    canonical = canonicalize_name(project)
    if canonical == DISTKIT:
        raise UsageError(
            f"project name {project!r} is distkit's own; installing it would replace distkit"
        )
    if canonical in _direct_requirements() or (
        _is_installed(canonical) and canonical in distkit_requirements()
    ):
        raise UsageError(
            f"project name {project!r} is a package distkit needs; installing it would replace it"
        )
    try:
        found = util.find_spec(import_name) is not None
    except (ImportError, ValueError):
        found = True
    if not found:
        return
    from importlib import metadata

    for owner in metadata.packages_distributions().get(import_name, []):
        if canonicalize_name(owner) in distkit_requirements():
            raise UsageError(
                f"import name {import_name!r} belongs to {owner}, which distkit needs; "
                "installing the package would overwrite it"
            )


def _direct_requirements() -> set[str]:
    """The canonical names distkit's own metadata requires (extras included)."""
    folder = _installed().get(DISTKIT)
    if folder is None:
        return set()
    metadata = folder / ("PKG-INFO" if folder.suffix == ".egg-info" else "METADATA")
    try:
        text = metadata.read_text(encoding="utf-8", errors="replace")
    except OSError:
        return set()
    header = text.split("\n\n", 1)[0]
    return {
        canonicalize_name(_requirement_name(line.partition(":")[2]))
        for line in header.splitlines()
        if line.startswith("Requires-Dist:")
    }


def _requirement_name(line: str) -> str:
    return re.split(r"[\s\[;<>=!~(@]", line.strip(), maxsplit=1)[0]


def _is_installed(name: str) -> bool:
    return name in _installed()


@cache
def _installed() -> dict[str, Path]:
    """The distributions installed on sys.path, by canonical name, with their .dist-info or
    .egg-info folder: one directory listing per path entry, where importlib.metadata's import
    alone costs more than all of `distkit new`'s rendering."""
    found: dict[str, Path] = {}
    for entry in sys.path:
        folder = Path(entry or ".")
        try:
            names = os.listdir(folder)
        except OSError:
            continue
        for item in names:
            stem, dot, kind = item.rpartition(".")
            if dot and kind in ("dist-info", "egg-info"):
                found.setdefault(canonicalize_name(stem.split("-")[0]), folder / item)
    return found


@cache
def distkit_requirements() -> frozenset[str]:
    """Canonical names of distkit and of every installed package it needs, directly (extras
    included) or through another."""
    from importlib import metadata

    from packaging.requirements import InvalidRequirement, Requirement

    installed = {canonicalize_name(d.metadata["Name"] or ""): d for d in metadata.distributions()}
    found: set[str] = {DISTKIT}
    todo: list[str] = [DISTKIT]
    while todo:
        name = todo.pop()
        distribution = installed.get(canonicalize_name(name))
        for line in (distribution.requires or []) if distribution else []:
            try:
                requirement = Requirement(line)
            except InvalidRequirement:
                continue
            marker = requirement.marker
            if name != DISTKIT and marker is not None and not marker.evaluate({"extra": ""}):
                continue
            needed = canonicalize_name(requirement.name)
            if needed not in found:
                found.add(needed)
                todo.append(needed)
    return frozenset(found)


def _check_code_names(context: Mapping[str, str]) -> None:
    """module_name and class_name end up as file names and as code: plain identifiers only."""
    module = context["module_name"]
    if (
        not _MODULE_NAME.match(module)
        or keyword.iskeyword(module)
        or module in _TEMPLATE_MODULES
        or len(module) > MAX_NAME
    ):
        raise UsageError(
            f"module name {module!r} must be lower-case letters, digits and '_', not a keyword "
            f"nor one of {', '.join(sorted(_TEMPLATE_MODULES))}"
        )
    cls = context["class_name"]
    if (
        not _CLASS_NAME.match(cls)
        or keyword.iskeyword(cls)
        or cls in _IMPORTED_NAMES
        or len(cls) > MAX_NAME
    ):
        raise UsageError(
            f"class name {cls!r} must be a CapWords identifier (letters and digits) and not "
            f"one of {', '.join(sorted(_IMPORTED_NAMES))}"
        )
    family_file = context["family_file"]
    if not (family_file == CUSTOM_FILE or re.fullmatch(r"families/[a-z0-9-]+\.jinja", family_file)):
        raise UsageError(f"family_file {family_file!r} is not one of the template's family files")
    params = context["custom_params"]
    if (family_file == CUSTOM_FILE) != bool(params) or (
        params and parse_custom_params(params) != params
    ):
        raise UsageError(f"custom_params {params!r} do not match the family file {family_file!r}")


def _check_text(context: Mapping[str, str]) -> None:
    """The free-text values: printable, one line, and of the form their field needs."""
    email = context["email"]
    if not _EMAIL.match(email) or not email.isprintable():
        raise UsageError(f"email {email!r} is not an email address")
    full_name = context["full_name"]
    if not full_name.strip() or not full_name.isprintable() or len(full_name) > 200:
        raise UsageError(f"author name {full_name[:40]!r} must be printable text")
    if context["license"] not in LICENSES:
        raise UsageError(f"license {context['license']!r} is not one of {', '.join(LICENSES)}")
    if not _is_version(context["version"]):
        raise UsageError(f"version {context['version']!r} is not a PEP 440 version")
    if not _YEAR.match(context["year"]):
        raise UsageError(f"year {context['year']!r} is not a year")


def _is_version(text: str) -> bool:
    if _PLAIN_RELEASE.fullmatch(text):  # the usual answer, checked without importing packaging
        return True
    if not text.isascii() or text != "".join(text.split()):
        return False
    from packaging.version import InvalidVersion, Version

    try:
        Version(text)
    except InvalidVersion:
        return False
    return True


_PLAIN_RELEASE = re.compile(r"(0|[1-9][0-9]*)(\.(0|[1-9][0-9]*)){0,3}")
