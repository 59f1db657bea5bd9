"""The distribution families that `distkit new` knows: one Jinja file each in the template."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from distkit.errors import NotFoundError

_DESCRIPTION = re.compile(r'{%\s*set description = "(.*?)"\s*%}')


def template_dir() -> Path:
    """The cookiecutter template: packaged as distkit/template, or template/ in a checkout."""
    package = Path(__file__).parent.parent
    packaged = package / "template"
    return packaged if packaged.is_dir() else package.parent / "template"


@dataclass(frozen=True)
class Family:
    """One family: its registry name and one-line description."""

    name: str
    description: str


def families() -> list[Family]:
    """Every family in template/templates/families/, sorted by name."""
    found = []
    for path in sorted((template_dir() / "templates" / "families").glob("*.jinja")):
        match = _DESCRIPTION.search(path.read_text(encoding="utf-8"))
        found.append(Family(path.stem, match.group(1) if match else ""))
    return found


def get_family(name: str) -> Family:
    """The family called `name`, or NotFoundError listing the known ones and the closest."""
    known = {family.name: family for family in families()}
    if name in known:
        return known[name]
    import difflib

    close = difflib.get_close_matches(name, known, n=1)
    hint = f"; did you mean {close[0]!r}?" if close else ""
    raise NotFoundError(f"unknown family {name!r} (known: {', '.join(known)}){hint}")
