"""What a plugin registers, and what it must have to be taken: classes are accepted by what they
have, not by their base class, under a name that `NAME` and `PLUGIN:NAME` look-ups reach."""

from __future__ import annotations

import functools
import importlib
from dataclasses import dataclass
from typing import Any, Final, Literal, cast

from distkit.errors import PluginError
from distkit.plugins.guard import plugin_code
from distkit.plugins.info import PluginInfo

Kind = Literal["distribution", "music model"]
DISTRIBUTION: Final = "distribution"
MUSIC_MODEL: Final = "music model"

REQUIRED_MEMBERS: Final[dict[Kind, tuple[str, ...]]] = {
    DISTRIBUTION: ("pdf", "cdf", "sample", "fit", "read_data_file"),
    MUSIC_MODEL: ("harmonize",),
}


def class_problem(cls: object, kind: Kind) -> str | None:
    """Why `cls` cannot be registered as a `kind`, or None."""
    if not isinstance(cls, type):
        return "which is not a class (register the class itself)"
    missing = missing_members(cls, kind)
    return f"which is not a {kind}: it lacks {', '.join(missing)}" if missing else None


def missing_members(cls: object, kind: Kind) -> list[str]:
    """What `cls` lacks to count as a `kind` (a distribution or a music model)."""
    missing = [m for m in REQUIRED_MEMBERS[kind] if not callable(getattr(cls, m, None))]
    name = getattr(cls, "name", None)
    if not isinstance(name, str) or not name:
        missing.insert(0, "name")
    return missing


def name_problem(name: str) -> str | None:
    """Why `name` cannot be a registry key, or None: `PLUGIN:NAME` splits at the last ':', and
    a name is typed on a command line."""
    if ":" in name:
        return f"whose name {name!r} contains ':', which separates PLUGIN:NAME"
    if not name.isprintable() or any(c.isspace() for c in name):
        return f"whose name {name!r} contains spaces or unprintable characters"
    return None


def path_problem(path: str, name: object) -> str | None:
    """Why a class registered by its import path cannot be taken, or None."""
    module, _, qualname = path.partition(":")
    dotted = all(part.isidentifier() for part in f"{module}.{qualname}".split("."))
    if not (module and qualname and dotted):
        return "which is not an import path of the form 'package.module:Class'"
    if not isinstance(name, str) or not name:
        return "an import path, without the name=... it is registered under"
    return None


def same_name(a: str, b: str) -> bool:
    """Whether two names are one for look-ups, which ignore case."""
    return a.casefold() == b.casefold()


@dataclass(frozen=True, eq=False)
class Registration:
    """A class registered by a plugin under its `name`: the class itself, or its import path
    ("module:Class") to be imported when first used, so that listing imports nothing heavy.
    `given_description` is the one the plugin gave when it registered, if any (what a user is
    shown is the command layer's choice: distkit.plugins.describe)."""

    name: str
    target: type[Any] | str
    plugin: str
    kind: Kind
    given_description: str | None = None

    @property
    def qualified_name(self) -> str:
        return f"{self.plugin}:{self.name}"

    @property
    def class_path(self) -> str:
        if isinstance(self.target, str):
            return self.target
        return f"{self.target.__module__}:{self.target.__qualname__}"

    @property
    def loaded(self) -> bool:
        """Whether the class is imported (always, for a class registered as itself)."""
        return not isinstance(self.target, str) or "cls" in self.__dict__

    @functools.cached_property
    def cls(self) -> type[Any]:
        """The class, imported on first use; PluginError naming the plugin if that fails."""
        if not isinstance(self.target, str):
            return self.target
        module_name, _, qualname = self.target.partition(":")
        with plugin_code(self.plugin, f"importing {self.target}", interruptible=False):
            found: Any = importlib.import_module(module_name)
            for part in qualname.split("."):
                found = getattr(found, part)
            problem = class_problem(found, self.kind)
            if problem is None and found.name != self.name:
                problem = f"which is named {found.name!r}, not {self.name!r}"
        if problem:
            raise PluginError(f"plugin {self.plugin!r} registered {self.target}, {problem}")
        return cast("type[Any]", found)


class Registrar:
    """The `register` callback one plugin's hook receives: checks what it is given, records
    what is wrong on the plugin, and keeps what is right."""

    def __init__(self, info: PluginInfo, kind: Kind, found: list[Registration]) -> None:
        self.info, self.kind, self.found = info, kind, found

    def __call__(
        self, cls: Any, *, name: str | None = None, description: str | None = None
    ) -> None:
        label = _label(cls)
        if isinstance(cls, str):
            problem = path_problem(cls, name)
        else:
            problem = class_problem(cls, self.kind)
            if problem is None and name not in (None, cls.name):
                problem = f"which is named {cls.name!r}, not {name!r}"
            name = cls.name if problem is None else name
        if problem is None:
            problem = name_problem(cast("str", name))
        if problem is None and not isinstance(description, str | None):
            problem = f"with a description that is a {type(description).__name__}, not a str"
        if problem:
            self.info.errors.append(f"registered {label}, {problem}")
            return
        assert name is not None
        self._keep(Registration(name, cls, self.info.name, self.kind, description), label)

    def _keep(self, new: Registration, label: str) -> None:
        twin = next((r for r in self.found if same_name(r.name, new.name)), None)
        if twin is None:
            self.found.append(new)
        elif twin.target is new.target or twin.class_path == new.class_path:
            self.info.warnings.append(f"registered {label} twice; distkit keeps one")
        else:
            self.info.errors.append(
                f"registered two {self.kind} classes named {twin.name!r} and {new.name!r} "
                f"({twin.class_path} and {new.class_path}); distkit keeps the first"
            )


def _label(registered: object) -> str:
    """How a registered thing is named in a message (never its repr: that is plugin code)."""
    if isinstance(registered, str):
        return repr(registered)
    if isinstance(registered, type):
        return registered.__name__
    return f"a {type(registered).__name__!r} object"
