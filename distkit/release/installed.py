"""What a verify install holds, read so that the package cannot sway the answer: metadata read
from the venv's files by this process, entry points loaded in a child whose exit status alone
counts, and the sha256 of files."""

from __future__ import annotations

import hashlib
import subprocess
from pathlib import Path

from distkit.errors import PublishError
from distkit.release import simple_api
from distkit.release.tool import trim_error


def metadata(venv: Path, name: str) -> tuple[str, list[str]]:
    """The installed version and `distkit` entry points, read from the venv's files by this
    process, so that nothing the package prints can change the answer."""
    import importlib.metadata

    found = [
        dist
        for site in venv.glob("lib/python*/site-packages")
        for dist in importlib.metadata.distributions(path=[str(site)])
        if simple_api.normalize(dist.metadata["Name"] or "") == simple_api.normalize(name)
    ]
    if not found:
        raise PublishError(f"{name} is not installed in the verify environment")
    eps = [f"{e.name} = {e.value}" for e in found[0].entry_points if e.group == "distkit"]
    return str(found[0].version), eps


def load_entry_points(python: Path, name: str) -> None:
    """Import `name`'s `distkit` entry points with `python`; PublishError when one fails."""
    code = (
        "import importlib.metadata as m, sys\n"
        "for e in m.distribution(sys.argv[1]).entry_points:\n"
        "    if e.group == 'distkit': e.load()\n"
    )
    result = subprocess.run(
        [str(python), "-c", code, name], capture_output=True, text=True, errors="replace"
    )
    if result.returncode != 0:
        reason = trim_error(result.stdout + result.stderr, keep=2)
        raise PublishError(f"{name} installed but its distkit entry point failed to load: {reason}")


def sha256(path: Path) -> str:
    """The hex sha256 of the file at `path`."""
    digest = hashlib.sha256()
    with path.open("rb") as file:
        for block in iter(lambda: file.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()
