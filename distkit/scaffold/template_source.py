"""Templates other than the built-in one: a folder, a git repository (path or URL), or one a
plugin provides. They are rendered with cookiecutter itself, so their hooks, prompts,
~/.cookiecutterrc and replay files work as with `cookiecutter`.

A git template is cloned into a temporary folder and checked out at a commit, which the
package records, so `distkit update` can render the same commit again.

A password in a template URL (`https://alice:SECRET@host/lab.git`) never leaves memory: the
source keeps the URL without its userinfo, which is what is shown and recorded, and git gets the
user name and password from a credential helper that reads them from its environment.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import unquote

from distkit import git
from distkit.errors import GitError, NotFoundError, TemplateError, UsageError
from distkit.files.json_input import read_json
from distkit.files.reading import MiB
from distkit.interrupts import temporary_folder

_REF = re.compile(r"[\w][\w./@{}^~+-]{0,199}")
MAX_COOKIECUTTER_JSON = MiB
# A credential helper that answers git's "get" with what distkit put in git's environment.
_HELPER = (
    '!f() { if [ "$1" = get ]; then printf "username=%s\\npassword=%s\\n" '
    '"$DISTKIT_GIT_USERNAME" "$DISTKIT_GIT_PASSWORD"; fi; }; f'
)
_URL = re.compile(r"^(?:[a-z][a-z0-9+.-]*://|git@|[\w.-]+@[\w.-]+:)", re.IGNORECASE)


@dataclass(frozen=True)
class TemplateSource:
    """Where a template lives: `location` is a folder or git URL; `name` what the package
    records (the URL, the folder's absolute path, or "plugin:NAME"). A password the URL held
    is in `username`/`password`, never in `name` or `location`."""

    name: str
    location: str
    username: str = field(default="", repr=False)
    password: str = field(default="", repr=False)

    @property
    def is_git(self) -> bool:
        if _URL.match(self.location):
            return True
        return git.toplevel(Path(self.location)) == Path(self.location).resolve()


def resolve(spec: str) -> TemplateSource:
    """The template `spec` names: a git URL, a folder, or a template a plugin registered."""
    if _URL.match(spec):
        clean, username, password = split_credentials(spec)
        return TemplateSource(clean, clean, username, password)
    if spec.startswith("plugin:") or not Path(spec).exists():
        name = spec.removeprefix("plugin:")
        templates = plugin_templates()
        if name in templates:
            return TemplateSource(f"plugin:{name}", templates[name])
        known = ", ".join(sorted(templates)) or "none"
        raise NotFoundError(
            f"no template {spec!r}: not a folder, a git URL, or a plugin's template ({known})"
        )
    folder = Path(spec).resolve()
    if not (folder / "cookiecutter.json").is_file():
        raise UsageError(f"{spec} is not a cookiecutter template (it has no cookiecutter.json)")
    return TemplateSource(str(folder), str(folder))


def split_credentials(url: str) -> tuple[str, str, str]:
    """`url` without a user name and password, and the two (percent-decoded). The userinfo
    is everything between "://" and the last "@", since a password may hold a raw "@" or "/";
    a user name alone (`ssh://git@host/...`) is no secret and stays in the URL."""
    scheme, separator, rest = url.partition("://")
    userinfo, at, address = rest.rpartition("@")
    if not separator or not at or ":" not in userinfo:
        return url, "", ""
    username, _, password = userinfo.partition(":")
    return f"{scheme}://{address}", unquote(username), unquote(password)


def plugin_templates() -> dict[str, str]:
    """Every template the installed plugins registered: name -> folder or git URL."""
    from distkit.plugins import get_registry

    return {entry.name: entry.location for entry in get_registry().templates}


@contextmanager
def checked_out(source: TemplateSource, ref: str | None = None) -> Iterator[tuple[Path, str]]:
    """The template as a folder, with its commit ("" when it is not in git): a git template
    is cloned into a temporary folder and checked out at `ref` (a commit, tag or branch;
    default: its HEAD)."""
    if ref is not None and (not _REF.fullmatch(ref) or ".." in ref):
        raise TemplateError(f"{ref!r} is not a git commit, tag or branch name")
    if not source.is_git:
        if ref:
            raise TemplateError(f"{source.name} is not a git repository; it has no version {ref}")
        yield Path(source.location), ""
        return
    with temporary_folder(prefix="distkit-template-") as scratch:
        stem = re.sub(r"\.git$", "", source.location.rstrip("/").rpartition("/")[2]) or "template"
        clone = Path(scratch) / re.sub(r"[^\w.-]", "_", stem.rpartition(":")[2])
        try:
            _clone(source, Path(scratch), clone)
            commit = _commit_of(clone, ref or "HEAD")
            git.run(clone, "checkout", "--quiet", "--detach", commit)
        except GitError as error:
            raise TemplateError(f"cannot fetch the template {source.name}: {error}") from None
        yield clone, git.head(clone)


def _clone(source: TemplateSource, scratch: Path, clone: Path) -> None:
    """`git clone` with the source's user name and password, if any, given to git through a
    credential helper and its environment (never on a command line or in a file)."""
    options: list[str] = []
    env: dict[str, str] = {}
    if source.password or source.username:
        options = ["-c", "credential.helper=", "-c", f"credential.helper={_HELPER}"]
        env = {"DISTKIT_GIT_USERNAME": source.username, "DISTKIT_GIT_PASSWORD": source.password}
    git.run(
        scratch,
        *options,
        "clone",
        "--quiet",
        "--no-checkout",
        "--",
        source.location,
        str(clone),
        env=env,
    )


def _commit_of(clone: Path, ref: str) -> str:
    """The commit `ref` names in a fresh clone: a commit, a tag, or a branch of the origin."""
    for name in (ref, f"origin/{ref}"):
        found = git.run(
            clone,
            "rev-parse",
            "--verify",
            "--quiet",
            "--end-of-options",
            f"{name}^{{commit}}",
            check=False,
        )
        if found.returncode == 0:
            return found.stdout.strip()
    raise TemplateError(f"the template has no commit, tag or branch {ref!r}")


def variables(template: Path) -> dict[str, Any]:
    """The questions a template's cookiecutter.json declares, with their defaults (read as a
    regular file of at most 1 MiB, nested at most 100 levels)."""
    path = template / "cookiecutter.json"
    try:
        data = read_json(path, what="cookiecutter.json", max_bytes=MAX_COOKIECUTTER_JSON)
    except UsageError as error:
        raise TemplateError(f"the template's cookiecutter.json cannot be used: {error}") from None
    except OSError as error:
        raise TemplateError(f"{path} cannot be read: {error.strerror or error}") from None
    if not isinstance(data, dict):
        raise TemplateError(f"{path} is not a JSON object")
    return data
