"""The plugin manager and the registry of what plugins provide.

Entry points in the `distkit` group are loaded one by one, each under `plugin_code`
(distkit.plugins.guard), so a plugin that fails to import, to validate, or to run its hook is
recorded as broken and never takes distkit down. What a plugin may register, and how it is
checked, is distkit.plugins.registration's job.
"""

from __future__ import annotations

import difflib
import functools
import importlib
import os
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from importlib.metadata import Distribution, EntryPoint, distribution, entry_points
from types import ModuleType
from typing import Any

import pluggy

from distkit.errors import NotFoundError, PluginError, UsageError, describe
from distkit.plugins import hookspecs
from distkit.plugins.guard import plugin_code
from distkit.plugins.info import PluginInfo
from distkit.plugins.registration import (
    DISTRIBUTION,
    MUSIC_MODEL,
    Kind,
    Registrar,
    Registration,
    same_name,
)

GROUP = "distkit"
LOAD_ENV = "DISTKIT_LOAD_PLUGINS"
DISABLED_ENV = "DISTKIT_DISABLED_PLUGINS"
BUILTIN_MODULES = (
    "distkit.default_plugins.distributions",
    "distkit.default_plugins.music",
    "distkit.default_plugins.user_models",
)


def _names_from_env(variable: str) -> set[str] | None:
    value = os.environ.get(variable)
    if value is None:
        return None
    return {part.strip() for part in value.split(",") if part.strip()}


@dataclass(frozen=True)
class TemplateEntry:
    """A cookiecutter template a plugin provides: a folder or a git URL."""

    name: str
    location: str
    plugin: str
    description: str = ""


class Registry:
    """The loaded plugins and what they registered. Build one with `load_registry()`."""

    def __init__(self, manager: pluggy.PluginManager, plugins: dict[str, PluginInfo]) -> None:
        self.manager = manager
        self.plugins = plugins

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
        """One sentence for each thing that went wrong in a plugin, errors first."""
        return [
            f"plugin {info.name!r} {message}"
            for kind in ("errors", "warnings")
            for info in self.plugins.values()
            for message in getattr(info, kind)
        ]

    def distribution(self, name: str) -> type[Any]:
        """The distribution class registered as `name` or `PLUGIN:NAME`."""
        return self.lookup(DISTRIBUTION, name).cls

    def music_model(self, name: str) -> type[Any]:
        """The music-model class registered as `name` or `PLUGIN:NAME`."""
        return self.lookup(MUSIC_MODEL, name).cls

    def lookup(self, kind: Kind, name: str) -> Registration:
        """The registration of `name` or `PLUGIN:NAME`, ignoring case unless that is ambiguous
        and an exact match settles it; UsageError naming the choices when nothing does."""
        registrations = self.distributions if kind == DISTRIBUTION else self.music_models
        plugin, _, bare = name.strip().rpartition(":")
        matches = [
            r
            for r in registrations
            if same_name(r.name, bare) and (not plugin or same_name(r.plugin, plugin))
        ]
        if len(matches) > 1:
            exact = [r for r in matches if r.name == bare and (not plugin or r.plugin == plugin)]
            matches = exact if len(exact) == 1 else matches
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

    def add_commands(self, cli: Any) -> None:
        """Let every plugin add its click commands to `cli`, a click group."""

        def call(plugin: str, function: Callable[..., Any], argnames: Iterable[str]) -> Any:
            before = set(cli.commands)
            try:
                return function(**{a: cli for a in argnames if a == "cli"})
            finally:
                self.plugins[plugin].commands = sorted(set(cli.commands) - before)

        self._call_each("register_commands", call)

    def _collect(self, hook_name: str, kind: Kind) -> list[Registration]:
        registrations: list[Registration] = []

        def call(plugin: str, function: Callable[..., Any], argnames: Iterable[str]) -> Any:
            found: list[Registration] = []
            kwargs = {"register": Registrar(self.plugins[plugin], kind, found)}
            result = function(**{a: kwargs[a] for a in argnames})
            registrations.extend(found)
            return result

        self._call_each(hook_name, call)
        return registrations

    def _call_each(
        self, hook_name: str, call: Callable[[str, Callable[..., Any], Iterable[str]], Any]
    ) -> None:
        """Call each plugin's implementation on its own, so one that raises spoils only itself."""
        caller = getattr(self.manager.hook, hook_name)
        for impl in caller.get_hookimpls():
            info = self.plugins[impl.plugin_name]
            if impl.hookwrapper or impl.wrapper:
                info.errors.append(
                    f"implements {hook_name} as a wrapper, which distkit does not call"
                )
                continue
            try:
                with info.timed(), plugin_code(info.name, f"in {hook_name}", interruptible=False):
                    result = call(info.name, impl.function, impl.argnames)
            except PluginError as error:
                info.fail(error)
                continue
            if result is not None:
                way = (
                    "cli.add_command(...)" if hook_name == "register_commands" else "register(...)"
                )
                info.warnings.append(
                    f"returned a {type(result).__name__} from {hook_name}, which distkit "
                    f"ignores (call {way} instead)"
                )


def _register(
    manager: pluggy.PluginManager, plugins: dict[str, PluginInfo], info: PluginInfo, obj: object
) -> None:
    plugins[info.name] = info
    try:
        manager.register(obj, name=info.name)
    except Exception as error:
        info.errors.append(f"is invalid: {describe(error)}")


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
                f"is invalid: {describe(error)} (a misspelled @hookimpl?)"
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
    """Import the entry point's module, timed, with what it prints sent to stderr."""
    info = PluginInfo(name=ep.name, module=ep.value, dist=ep.dist)
    try:
        with info.timed(), plugin_code(ep.name, f"to import {ep.value}", interruptible=False):
            module = ep.load()
    except PluginError as error:
        info.fail(error)
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
