"""The plugin subsystem: the manager and registry (`manager`), what a plugin registers
(`registration`), running plugin code under a guard (`guard`), the hook specs (`hookspecs`), and
the descriptions the CLI and the studio show (`describe`)."""

from __future__ import annotations

from distkit.plugins.guard import plugin_code
from distkit.plugins.info import PluginInfo
from distkit.plugins.manager import Registry, TemplateEntry, get_registry, load_registry
from distkit.plugins.registration import (
    DISTRIBUTION,
    MUSIC_MODEL,
    Kind,
    Registration,
    missing_members,
)

__all__ = [
    "DISTRIBUTION",
    "MUSIC_MODEL",
    "Kind",
    "PluginInfo",
    "Registration",
    "Registry",
    "TemplateEntry",
    "get_registry",
    "load_registry",
    "missing_members",
    "plugin_code",
]
