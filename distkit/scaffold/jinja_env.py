"""The Jinja environment `distkit new` renders with: the template's files, and any short text
(a file or folder name, a default in cookiecutter.json) as a template of its own, all compiled
once into the user's cache folder, so a later run skips Jinja's compiling."""

from __future__ import annotations

import contextlib
import os
import sys
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from distkit import __version__

TEXT = "text:"
"""The prefix that names a text as a template: `env.get_template(TEXT + text)`."""


def environment(folders: Sequence[str] = ()) -> Any:
    """A strict environment that loads templates from `folders` and texts named TEXT + text."""
    import jinja2

    return jinja2.Environment(
        loader=jinja2.ChoiceLoader(
            [jinja2.FunctionLoader(_text_source), jinja2.FileSystemLoader(list(folders))]
        ),
        keep_trailing_newline=True,
        undefined=jinja2.StrictUndefined,
        bytecode_cache=_bytecode_cache(jinja2),
    )


def render_text(env: Any, text: str, variables: Mapping[str, Any]) -> str:
    """`text` rendered as a template (compiled once, then read from the cache)."""
    rendered: str = env.get_template(TEXT + text).render(variables)
    return rendered


def _text_source(name: str) -> str | None:
    return name[len(TEXT) :] if name.startswith(TEXT) else None


def _bytecode_cache(jinja2: Any) -> Any:
    """Compiled templates kept in the user's cache folder (keyed by each template's name and
    source checksum); None where the folder cannot be made."""

    class QuietCache(jinja2.FileSystemBytecodeCache):  # type: ignore[misc]
        def dump_bytecode(self, bucket: Any) -> None:
            with contextlib.suppress(OSError):  # a full or read-only cache: compile next time
                super().dump_bytecode(bucket)

    folder = _user_cache() / f"jinja-{__version__}"
    try:
        folder.mkdir(parents=True, exist_ok=True, mode=0o700)
    except OSError:
        return None
    return QuietCache(str(folder))


def _user_cache() -> Path:
    """distkit's cache folder: XDG's on Linux (as platformdirs says, without importing it)."""
    if not sys.platform.startswith("linux"):
        from platformdirs import user_cache_path

        return user_cache_path("distkit")
    base = os.environ.get("XDG_CACHE_HOME", "").strip()
    return (Path(base) if os.path.isabs(base) else Path.home() / ".cache") / "distkit"
