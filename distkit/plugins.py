"""The plugin manager and the registry of what plugins provide.

Entry points in the `distkit` group are loaded one by one, so a plugin that fails to import, to
validate, or to run its hook is recorded as broken and never takes distkit down. Classes are
accepted by what they have, not by their base class.
"""

from __future__ import annotations

import contextlib
import difflib
import functools
import importlib
import inspect
import os
import sys
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from importlib.metadata import Distribution, EntryPoint, distribution, entry_points
from types import ModuleType
from typing import Any, cast

import pluggy

from distkit import hookspecs
from distkit.errors import DistkitError, NotFoundError, PluginError, UsageError

GROUP = "distkit"
LOAD_ENV = "DISTKIT_LOAD_PLUGINS"
DISABLED_ENV = "DISTKIT_DISABLED_PLUGINS"
BUILTIN_MODULES = ("distkit.default_plugins.distributions", "distkit.default_plugins.music")

DISTRIBUTION = "distribution"
MUSIC_MODEL = "music model"
REQUIRED_MEMBERS: dict[str, tuple[str, ...]] = {
    DISTRIBUTION: ("pdf", "cdf", "sample", "fit", "read_data_file"),
    MUSIC_MODEL: ("harmonize",),
}


@dataclass
class PluginInfo:
    """One plugin: a built-in module or an entry point, working or broken."""

    name: str
    module: str
    dist: Distribution | None = None
    builtin: bool = False
    hooks: list[str] = field(default_factory=list)
    commands: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)

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


@dataclass(frozen=True, eq=False)
class Registration:
    """A class registered by a plugin under its `name`: the class itself, or its import path
    ("module:Class") to be imported when first used, so that listing imports nothing heavy."""

    name: str
    target: type[Any] | str
    plugin: str
    kind: str
    given_description: str | None = None

    @property
    def qualified_name(self) -> str:
        return f"{self.plugin}:{self.name}"

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
        if problem:
            raise PluginError(f"plugin {self.plugin!r} registered {self.target}, {problem}")
        if found.name != self.name:
            raise PluginError(
                f"plugin {self.plugin!r} registered {self.target} as {self.name!r}, "
                f"but its name is {found.name!r}"
            )
        return cast("type[Any]", found)

    @property
    def class_path(self) -> str:
        if isinstance(self.target, str):
            return self.target
        return f"{self.target.__module__}:{self.target.__qualname__}"

    @property
    def description(self) -> str:
        if self.given_description is not None:
            text = self.given_description
        elif self.loaded:
            text = getattr(self.cls, "description", None) or inspect.getdoc(self.cls) or ""
        else:
            text = ""
        lines = str(text).strip().splitlines()
        return lines[0] if lines else ""

    @property
    def parameters(self) -> list[str] | None:
        """The constructor's parameter names; None while a lazily registered class is not
        imported."""
        if not self.loaded:
            return None
        try:
            signature = inspect.signature(self.cls)
        except (TypeError, ValueError):
            return []
        return [
            p.name
            for p in signature.parameters.values()
            if p.kind in (p.POSITIONAL_OR_KEYWORD, p.KEYWORD_ONLY)
        ]


@dataclass(frozen=True)
class TemplateEntry:
    """A cookiecutter template a plugin provides: a folder or a git URL."""

    name: str
    location: str
    plugin: str
    description: str = ""


@contextlib.contextmanager
def plugin_code(plugin: str, action: str, *, interruptible: bool = True) -> Iterator[None]:
    """Run a plugin's code: what it prints goes to stderr, and whatever it raises (SystemExit
    included) becomes a PluginError naming the plugin. distkit's own errors pass through, and
    so does Ctrl-C when `interruptible` (a user stopping a long fit is not the plugin's fault).
    """
    try:
        with contextlib.redirect_stdout(sys.stderr):
            yield
    except DistkitError:
        raise
    except KeyboardInterrupt:
        if interruptible:
            raise
        raise PluginError(f"plugin {plugin!r} failed {action}: KeyboardInterrupt") from None
    except BaseException as error:
        raise PluginError(f"plugin {plugin!r} failed {action}: {_describe(error)}") from error


def class_problem(cls: object, kind: str) -> str | None:
    """Why `cls` cannot be registered as a `kind`, or None."""
    if not isinstance(cls, type):
        return f"which is not a class but {type(cls).__name__!r} object"
    missing = missing_members(cls, kind)
    return f"which is not a {kind}: it lacks {', '.join(missing)}" if missing else None


def missing_members(cls: object, kind: str) -> list[str]:
    """What `cls` lacks to count as a `kind` (a distribution or a music model)."""
    missing = [m for m in REQUIRED_MEMBERS[kind] if not callable(getattr(cls, m, None))]
    name = getattr(cls, "name", None)
    if not isinstance(name, str) or not name:
        missing.insert(0, "name")
    return missing


def _path_problem(path: str, name: str | None) -> str | None:
    """Why a class registered by its import path cannot be taken, or None."""
    module, _, qualname = path.partition(":")
    dotted = all(part.isidentifier() for part in f"{module}.{qualname}".split("."))
    if not (module and qualname and dotted):
        return "which is not an import path of the form 'package.module:Class'"
    if not isinstance(name, str) or not name:
        return "an import path, without the name=... it is registered under"
    return None


def _names_from_env(variable: str) -> set[str] | None:
    value = os.environ.get(variable)
    if value is None:
        return None
    return {part.strip() for part in value.split(",") if part.strip()}


def _describe(error: BaseException) -> str:
    message = str(error).strip().splitlines()
    return f"{type(error).__name__}: {message[0]}" if message else type(error).__name__


class Registry:
    """The loaded plugins and what they registered. Build one with `load_registry()`."""

    def __init__(self, manager: pluggy.PluginManager, plugins: dict[str, PluginInfo]) -> None:
        self.manager = manager
        self.plugins = plugins
        self._warned = False

    @functools.cached_property
    def distributions(self) -> list[Registration]:
        return self._collect("register_distributions", DISTRIBUTION)

    @functools.cached_property
    def music_models(self) -> list[Registration]:
        return self._collect("register_music_models", MUSIC_MODEL)

    @functools.cached_property
    def templates(self) -> list[TemplateEntry]:
        """The cookiecutter templates plugins registered (`register_templates`)."""
        found: list[TemplateEntry] = []

        def call(plugin: str, function: Callable[..., Any], argnames: Iterable[str]) -> None:
            def register(name: str, location: Any, *, description: str = "") -> None:
                found.append(TemplateEntry(str(name), str(location), plugin, description))

            function(**{a: register for a in argnames if a == "register"})

        self._call_each("register_templates", call)
        return found

    @property
    def problems(self) -> list[str]:
        """One sentence for each thing that went wrong in a plugin."""
        return [
            f"plugin {info.name!r} {error}"
            for info in self.plugins.values()
            for error in info.errors
        ]

    def take_warnings(self) -> list[str]:
        """The problems, the first time they are asked for; nothing after (warn once)."""
        if self._warned:
            return []
        self._warned = True
        return self.problems

    def distribution(self, name: str) -> type[Any]:
        """The distribution class registered as `name` or `PLUGIN:NAME`."""
        return self._lookup(self.distributions, DISTRIBUTION, name).cls

    def music_model(self, name: str) -> type[Any]:
        """The music-model class registered as `name` or `PLUGIN:NAME`."""
        return self._lookup(self.music_models, MUSIC_MODEL, name).cls

    def lookup(self, kind: str, name: str) -> Registration:
        registrations = self.distributions if kind == DISTRIBUTION else self.music_models
        return self._lookup(registrations, kind, name)

    def add_commands(self, cli: Any) -> None:
        """Let every plugin add its click commands to `cli`, a click group."""

        def call(plugin: str, function: Callable[..., Any], argnames: Iterable[str]) -> None:
            before = set(cli.commands)
            function(**{a: cli for a in argnames if a == "cli"})
            self.plugins[plugin].commands = sorted(set(cli.commands) - before)

        self._call_each("register_commands", call)

    def _lookup(self, registrations: list[Registration], kind: str, name: str) -> Registration:
        wanted = name.strip().lower()
        plugin, _, bare = wanted.rpartition(":")
        matches = [
            r
            for r in registrations
            if r.name.lower() == bare and (not plugin or r.plugin.lower() == plugin)
        ]
        if len(matches) == 1:
            return matches[0]
        if matches:
            choices = " or ".join(r.qualified_name for r in matches)
            providers = " and ".join(repr(r.plugin) for r in matches)
            raise UsageError(
                f"the {kind} {bare!r} is provided by plugins {providers}; pick one: {choices}"
            )
        known = sorted({r.name for r in registrations})
        hint = difflib.get_close_matches(bare, known, n=1)
        message = f"no {kind} named {name!r}" + (f"; did you mean {hint[0]!r}?" if hint else ".")
        message += f" Known: {', '.join(known) or 'none'}."
        raise NotFoundError(message)

    def _collect(self, hook_name: str, kind: str) -> list[Registration]:
        registrations: list[Registration] = []

        def make_register(plugin: str, found: list[Registration]) -> Callable[[Any], None]:
            def register(
                cls: Any, *, name: str | None = None, description: str | None = None
            ) -> None:
                if isinstance(cls, str):
                    problem = _path_problem(cls, name)
                    if problem:
                        self.plugins[plugin].errors.append(f"registered {cls!r}, {problem}")
                        return
                    assert name is not None
                    found.append(Registration(name, cls, plugin, kind, description))
                    return
                problem = class_problem(cls, kind)
                if problem:
                    label = getattr(cls, "__name__", repr(cls))
                    self.plugins[plugin].errors.append(f"registered {label}, {problem}")
                    return
                found.append(Registration(cls.name, cls, plugin, kind, description))

            return register

        def call(plugin: str, function: Callable[..., Any], argnames: Iterable[str]) -> None:
            found: list[Registration] = []
            kwargs = {"register": make_register(plugin, found)}
            function(**{a: kwargs[a] for a in argnames})
            registrations.extend(found)

        self._call_each(hook_name, call)
        return registrations

    def _call_each(
        self, hook_name: str, call: Callable[[str, Callable[..., Any], Iterable[str]], None]
    ) -> None:
        """Call each plugin's implementation on its own, so one that raises spoils only itself."""
        caller = getattr(self.manager.hook, hook_name)
        for impl in caller.get_hookimpls():
            if impl.hookwrapper or impl.wrapper:
                self.plugins[impl.plugin_name].errors.append(
                    f"implements {hook_name} as a wrapper, which distkit does not call"
                )
                continue
            try:
                with plugin_code(impl.plugin_name, f"in {hook_name}", interruptible=False):
                    call(impl.plugin_name, impl.function, impl.argnames)
            except PluginError as error:
                message = str(error).removeprefix(f"plugin {impl.plugin_name!r} ")
                self.plugins[impl.plugin_name].errors.append(message)


def _register(
    manager: pluggy.PluginManager, plugins: dict[str, PluginInfo], info: PluginInfo, obj: object
) -> None:
    plugins[info.name] = info
    try:
        manager.register(obj, name=info.name)
    except Exception as error:
        info.errors.append(f"is invalid: {_describe(error)}")


def _check_pending(manager: pluggy.PluginManager, plugins: dict[str, PluginInfo]) -> None:
    """Drop each plugin that implements a hook with no spec, then note every plugin's hooks."""
    while True:
        try:
            manager.check_pending()
            break
        except pluggy.PluginValidationError as error:
            name = manager.get_name(error.plugin)
            manager.unregister(error.plugin)
            plugins[str(name)].errors.append(
                f"is invalid: {_describe(error)} (a misspelled @hookimpl?)"
            )
    for name, plugin in manager.list_name_plugin():
        if plugin is None:  # blocked
            continue
        callers = manager.get_hookcallers(plugin) or []
        plugins[name].hooks = sorted(caller.name for caller in callers)


def _own_distribution() -> Distribution | None:
    try:
        return distribution("distkit-cli")
    except ImportError:
        return None


def _entry_points(only: set[str] | None, disabled: set[str]) -> list[EntryPoint]:
    found = [
        ep
        for ep in entry_points(group=GROUP)
        if (only is None or ep.name in only) and ep.name not in disabled
    ]
    return sorted(found, key=lambda ep: (ep.name, ep.value))


def _load_entry_point(ep: EntryPoint) -> tuple[PluginInfo, ModuleType | None]:
    info = PluginInfo(name=ep.name, module=ep.value, dist=ep.dist)
    try:
        with plugin_code(ep.name, f"to import {ep.value}", interruptible=False):
            module = ep.load()
    except PluginError as error:
        info.errors.append(str(error).removeprefix(f"plugin {ep.name!r} "))
        return info, None
    return info, module


def load_registry() -> Registry:
    """Build a plugin manager from the built-ins and every `distkit` entry point."""
    manager = pluggy.PluginManager(GROUP)
    manager.add_hookspecs(hookspecs)
    disabled = _names_from_env(DISABLED_ENV) or set()
    for name in disabled:
        manager.set_blocked(name)
    plugins: dict[str, PluginInfo] = {}

    own_dist = _own_distribution()
    for module_name in BUILTIN_MODULES:
        name = "distkit." + module_name.rpartition(".")[2]
        if name in disabled:
            continue
        info = PluginInfo(name, module_name, own_dist, builtin=True)
        _register(manager, plugins, info, importlib.import_module(module_name))

    for ep in _entry_points(_names_from_env(LOAD_ENV), disabled):
        if ep.name in plugins:
            info = PluginInfo(ep.name, ep.value, ep.dist)
            info.errors.append("was skipped: another plugin already uses this entry-point name")
            plugins[f"{ep.name} ({ep.value})"] = info
            continue
        info, module = _load_entry_point(ep)
        if module is None:
            plugins[info.name] = info
        else:
            _register(manager, plugins, info, module)
    _check_pending(manager, plugins)
    return Registry(manager, plugins)


@functools.cache
def get_registry() -> Registry:
    """The process's registry, built once on first use (`get_registry.cache_clear()` rebuilds)."""
    return load_registry()
