"""distkit's built-in commands, one thin click module each.

COMMANDS names each with its module and one-line help, so `distkit --help` imports none of them.
"""

from __future__ import annotations

# name -> (module, attribute, one-line help)
COMMANDS: dict[str, tuple[str, str, str]] = {
    "new": ("distkit.commands.new", "new", "Render a complete package for a distribution family."),
    "list": (
        "distkit.commands.listing",
        "list_command",
        "List registered distributions and music models.",
    ),
    "plugins": (
        "distkit.commands.plugins",
        "plugins_command",
        "List installed plugins, their hooks and errors.",
    ),
    "fit": ("distkit.commands.fit", "fit", "Fit a distribution to a data file."),
    "test": ("distkit.commands.test", "test", "Run a package's tox environments and summarise."),
    "build": ("distkit.commands.build", "build", "Build sdist and wheel, then twine check them."),
    "publish": (
        "distkit.commands.publish",
        "publish",
        "Preflight, upload with twine, verify by installing back.",
    ),
    "index": (
        "distkit.commands.index",
        "index",
        "Start, stop or inspect the embedded local index.",
    ),
    "compose": ("distkit.commands.compose", "compose", "Harmonize a melody with a music model."),
    "models": ("distkit.commands.models", "models", "List or remove the music models you trained."),
    "update": (
        "distkit.commands.update",
        "update",
        "Merge the template's newer version into a package.",
    ),
    "release": (
        "distkit.commands.release",
        "release",
        "Bump the version, date the CHANGELOG, commit and tag.",
    ),
    "studio": (
        "distkit.commands.studio",
        "studio",
        "Play, harmonize, hear and share a melody in the browser.",
    ),
}
