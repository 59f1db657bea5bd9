"""Named music models a user trained: stored in the user's data folder, registered like any model.

Each lives in `<data folder>/models/NAME/`: `model.json` (what it is: the factory that builds it,
its style, voices, General MIDI programs, corpus and date) beside its weights. The data folder is
DISTKIT_DATA_DIR when set, else the platform's user data folder. distkit's `user_models`
built-in plugin registers one music-model class per stored model; harmonizing imports the
factory (a plugin's `module:function(folder, record)`) and asks the model it returns.
"""

from __future__ import annotations

import contextlib
import datetime
import errno
import fcntl
import json
import os
import re
import shutil
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar

from distkit.errors import ModelRegistryError, NotFoundError, UsageError
from distkit.files.reading import read_regular

if TYPE_CHECKING:
    import numpy as np
    from numpy.typing import NDArray

RECORD = "model.json"
NAME_PATTERN = re.compile(r"[a-z0-9][a-z0-9._-]{0,63}")


def data_dir() -> Path:
    """The user's data folder: DISTKIT_DATA_DIR if set, else the platform's."""
    override = os.environ.get("DISTKIT_DATA_DIR")
    if override:
        return Path(override)
    import platformdirs

    return Path(platformdirs.user_data_dir("distkit"))


def models_dir() -> Path:
    return data_dir() / "models"


def training_dir(name: str) -> Path:
    """Where a named model's run keeps its checkpoints until it is registered."""
    return data_dir() / "training" / check_name(name)


@contextlib.contextmanager
def training_run(name: str) -> Iterator[Path]:
    """`training_dir(name)`, held by this run for as long as the `with` lasts: a second run
    for the same name (which would share its checkpoint files) is a ModelRegistryError at
    once. Under torchrun only rank 0 holds it; the other ranks follow rank 0."""
    folder = training_dir(name)
    if int(os.environ.get("RANK", "0")) != 0:
        yield folder
        return
    folder.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(folder.parent / f".{name}.lock", os.O_RDWR | os.O_CREAT, 0o600)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise ModelRegistryError(
                f"a run training {name!r} is in progress in another process; wait for it to "
                "end, or train under another name"
            ) from None
        yield folder
    finally:
        os.close(fd)


@dataclass(frozen=True)
class UserModelRecord:
    """What `model.json` says about one stored model."""

    name: str
    factory: str
    style: str
    voices: tuple[str, ...]
    programs: tuple[int, ...]
    corpus: str
    created: str
    description: str = ""
    folder: Path = field(default=Path())
    details: dict[str, Any] = field(default_factory=dict)

    def to_json(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "factory": self.factory,
            "style": self.style,
            "voices": list(self.voices),
            "programs": list(self.programs),
            "corpus": self.corpus,
            "created": self.created,
            "description": self.description,
            "details": self.details,
        }

    @classmethod
    def from_json(cls, data: dict[str, Any], folder: Path) -> UserModelRecord:
        """The record `data` holds; ValueError (or KeyError, TypeError) when it is damaged."""
        programs = tuple(int(p) for p in data["programs"])
        if not all(0 <= p <= 127 for p in programs):
            raise ValueError(f"General MIDI programs are 0-127, not {list(programs)}")
        if len(programs) != len(data["voices"]):
            raise ValueError("it names a different number of voices and programs")
        return cls(
            name=str(data["name"]),
            factory=str(data["factory"]),
            style=str(data["style"]),
            voices=tuple(str(v) for v in data["voices"]),
            programs=programs,
            corpus=str(data["corpus"]),
            created=str(data["created"]),
            description=str(data.get("description", "")),
            folder=folder,
            details=dict(data.get("details", {})),
        )


def check_name(name: str) -> str:
    """`name` if it can name a stored model (lower-case letters, digits, '.', '_', '-'), else a
    ModelRegistryError."""
    if not NAME_PATTERN.fullmatch(name):
        raise ModelRegistryError(
            f"{name!r} cannot name a model: use 1-64 lower-case letters, digits, '.', '_' or '-', "
            "starting with a letter or digit"
        )
    return name


def check_new_name(name: str, taken: Iterable[str] = (), *, force: bool = False) -> None:
    """A ModelRegistryError, before any training, when `name` cannot be registered: not a
    valid name, the name of an installed model (`taken`), or stored already without `force`."""
    check_name(name)
    if name.casefold() in {other.casefold() for other in taken} - {r.name for r in list_models()}:
        raise ModelRegistryError(f"{name!r} is the name of an installed model; choose another")
    if (models_dir() / name).exists() and not force:
        raise ModelRegistryError(
            f"a model named {name!r} is registered already; remove it with "
            f"`distkit models remove {name}` or train with --force to replace it"
        )


def register_model(
    name: str,
    files: dict[str, Path],
    *,
    factory: str,
    style: str,
    voices: Iterable[str],
    programs: Iterable[int],
    corpus: str,
    description: str = "",
    details: dict[str, Any] | None = None,
    force: bool = False,
) -> UserModelRecord:
    """Store a trained model under `name`: copy `files` (stored name -> source) into its folder
    with its record, whole (a folder built aside, then moved in). Replaces a stored model of that
    name only with `force`."""
    check_name(name)
    record = UserModelRecord(
        name=name,
        factory=factory,
        style=style,
        voices=tuple(voices),
        programs=tuple(programs),
        corpus=corpus,
        created=datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds"),
        description=description,
        details=details or {},
    )
    root = models_dir()
    root.mkdir(parents=True, exist_ok=True)
    target = root / name
    if target.exists() and not force:
        raise ModelRegistryError(f"a model named {name!r} is registered already")
    staging = root / f".{name}.{os.getpid()}.partial"
    shutil.rmtree(staging, ignore_errors=True)
    staging.mkdir()
    try:
        for stored, source in files.items():
            shutil.copyfile(source, staging / stored)
        (staging / RECORD).write_text(json.dumps(record.to_json(), indent=1) + "\n")
        if not force:
            _claim(staging, target)
        else:
            old = root / f".{name}.{os.getpid()}.old"
            if target.exists():
                target.replace(old)
            staging.replace(target)
            shutil.rmtree(old, ignore_errors=True)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return UserModelRecord.from_json(record.to_json(), target)


def _claim(staging: Path, target: Path) -> None:
    """Move `staging` to the name `target` unless a model took that name meanwhile (another
    process registering it at the same moment): a rename onto a folder that holds files fails,
    so the first one placed is kept and the other is a ModelRegistryError."""
    try:
        os.rename(staging, target)
    except OSError as error:
        if error.errno not in (errno.ENOTEMPTY, errno.EEXIST, errno.ENOTDIR):
            raise
        raise ModelRegistryError(
            f"a model named {target.name!r} was registered meanwhile, by another run; it was "
            "left as it is"
        ) from None


def list_models() -> list[UserModelRecord]:
    """Every stored model whose record can be read, by name."""
    return [found for found in _stored() if isinstance(found, UserModelRecord)]


def damaged_models() -> dict[str, str]:
    """Each stored model's folder whose record cannot be read, by name, with why."""
    return dict(found for found in _stored() if isinstance(found, tuple))


def _stored() -> list[UserModelRecord | tuple[str, str]]:
    """Each stored model's record, or its folder's name and why the record cannot be read."""
    root = models_dir()
    if not root.is_dir():
        return []
    found: list[UserModelRecord | tuple[str, str]] = []
    for folder in sorted(root.iterdir()):
        if folder.name.startswith(".") or not NAME_PATTERN.fullmatch(folder.name):
            continue
        try:
            data = json.loads(read_regular(folder / RECORD, max_bytes=1 << 20))
            record = UserModelRecord.from_json(data, folder)
        except (OSError, ValueError, KeyError, TypeError, RecursionError, UsageError) as error:
            found.append((folder.name, f"{type(error).__name__}: {error}"))  # not waited on
            continue
        if record.name != folder.name:
            found.append((folder.name, f"its record names the model {record.name!r}"))
        else:
            found.append(record)
    return found


def find_model(name: str) -> UserModelRecord:
    for record in list_models():
        if record.name == name:
            return record
    raise NotFoundError(f"no model named {name!r} is registered (see `distkit models list`)")


def remove_model(name: str) -> UserModelRecord | None:
    """Forget a stored model: its folder is deleted, and its record returned, or None when the
    record could not be read (a damaged model is removed too). NotFoundError when there is
    none."""
    folder = models_dir() / name
    stored = NAME_PATTERN.fullmatch(name) and folder.is_dir() and not folder.is_symlink()
    if not stored:
        raise NotFoundError(f"no model named {name!r} is registered (see `distkit models list`)")
    record = next((r for r in list_models() if r.name == name), None)
    doomed = folder.with_name(f".{name}.{os.getpid()}.removed")
    folder.replace(doomed)
    shutil.rmtree(doomed, ignore_errors=True)
    return record


class UserModel:
    """A stored model as a music-model class: `model_class(record)` makes one per record."""

    name: ClassVar[str] = ""
    description: ClassVar[str] = ""
    style: ClassVar[str] = ""
    voices: ClassVar[tuple[str, ...]] = ()
    programs: ClassVar[tuple[int, ...]] = ()
    corpus: ClassVar[str] = ""
    created: ClassVar[str] = ""
    record: ClassVar[UserModelRecord]

    def harmonize(self, melody: NDArray[Any], *, seed: int | None = None) -> NDArray[np.bool_]:
        """Ask the model the record's factory builds from the stored folder."""
        import importlib

        module, _, attribute = self.record.factory.partition(":")
        build = getattr(importlib.import_module(module), attribute)
        model = build(self.record.folder, self.record)
        answer: NDArray[np.bool_] = model.harmonize(melody, seed=seed)
        return answer


def model_class(record: UserModelRecord) -> type[UserModel]:
    """A music-model class for one stored model."""
    description = record.description or f"trained on {record.corpus}"
    return type(
        f"UserModel[{record.name}]",
        (UserModel,),
        {
            "name": record.name,
            "description": f"{description} (your model, {record.created[:10]})",
            "style": record.style,
            "voices": record.voices,
            "programs": record.programs,
            "corpus": record.corpus,
            "created": record.created,
            "record": record,
        },
    )
