"""Running cookiecutter on a template that is not distkit's own, with one clear error.

cookiecutter reports a failing hook by logging a traceback, lets a Jinja syntax error escape
as a long traceback, and leaves each hook's rendered script in the system's temporary folder.
`render` runs it with its logger quiet, the hooks' stderr kept (the last line of a failing
hook's stderr is the reason given), its temporary files in a folder that is removed, and every
failure turned into a TemplateError of one line that names the file and line where it can.
"""

from __future__ import annotations

import logging
import os
import sys
import tempfile
from collections.abc import Iterator, Mapping
from contextlib import contextmanager, suppress
from pathlib import Path
from typing import Any, BinaryIO

from distkit.errors import HookFailed, SignalReceived, TemplateError, TemplateSyntaxProblem
from distkit.interrupts import temporary_folder
from distkit.scaffold.template_source import variables

MAX_REASON = 300


def render(
    template: Path,
    output_dir: Path,
    *,
    answers: Mapping[str, Any] | None = None,
    no_input: bool = False,
    replay: bool = False,
) -> tuple[Path, dict[str, Any]]:
    """Run cookiecutter on `template` into `output_dir`; return the project folder it made and
    the answers it used (read back from cookiecutter's replay file)."""
    import jinja2
    from cookiecutter.exceptions import CookiecutterException, FailedHookException
    from cookiecutter.main import cookiecutter

    variables(template)  # cookiecutter.json read safely first: a deeply nested one is one line
    extra = dict(answers) if answers else None
    with _quiet_logger(), _own_temporary_folder(), _kept_stderr() as hooks_said:
        try:
            made, context = _run(cookiecutter, template, output_dir, extra, no_input, replay)
        except FailedHookException as error:
            reason = _last_line(hooks_said.read()) or _first_line(error)
            raise HookFailed(f"the template's hook failed: {reason}") from None
        except jinja2.TemplateSyntaxError as error:
            where = error.filename or error.name or "a file name"
            raise TemplateSyntaxProblem(
                f"the template's {_shown(where, template)} has a Jinja syntax error at line "
                f"{error.lineno}: {_first_line(error)}",
                file=_shown(where, template),
                line=error.lineno,
            ) from None
        except (CookiecutterException, jinja2.TemplateError) as error:
            raise TemplateError(f"the template failed: {_first_line(error)}") from None
        except (OSError, ValueError, TypeError, KeyError, RecursionError) as error:
            raise TemplateError(f"the template failed: {_first_line(error)}") from None
    chosen = {k: v for k, v in context["cookiecutter"].items() if not k.startswith("_")}
    return Path(made), chosen


def _run(
    cookiecutter: Any,
    template: Path,
    output_dir: Path,
    extra: dict[str, Any] | None,
    no_input: bool,
    replay: bool,
) -> tuple[str, dict[str, Any]]:
    """cookiecutter's run and the context it used; SIGTERM or SIGHUP, which unwind it, are
    passed on to the hook it is running, which would otherwise run on alone."""
    from cookiecutter.config import get_user_config
    from cookiecutter.replay import load

    try:
        made = cookiecutter(
            str(template),
            no_input=no_input,
            replay=replay or None,
            extra_context=extra,
            output_dir=str(output_dir),
        )
    except SignalReceived as stopped:  # Ctrl-C reaches the hook from the terminal already
        _signal_children(stopped.signum)
        raise
    return made, load(get_user_config()["replay_dir"], template.resolve().name)


def _signal_children(signum: int) -> None:
    """Send `signum` to this process's child processes (Linux's /proc; elsewhere nothing)."""
    me = str(os.getpid())
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rpartition(")")[2].split()
        except OSError:
            continue
        if len(fields) > 1 and fields[1] == me:
            with suppress(OSError):
                os.kill(int(stat.parent.name), signum)


def _shown(where: str, template: Path) -> str:
    """A template file's name relative to the template, as its author knows it."""
    path = Path(where)
    if path.is_absolute() and path.is_relative_to(template.resolve()):
        return path.relative_to(template.resolve()).as_posix()
    return where


def _first_line(error: BaseException) -> str:
    message = getattr(error, "message", None) or str(error)
    lines = str(message).strip().splitlines()
    return lines[0][:MAX_REASON] if lines else type(error).__name__


def _last_line(text: str) -> str:
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    return lines[-1][:MAX_REASON] if lines else ""


@contextmanager
def _quiet_logger() -> Iterator[None]:
    """cookiecutter's log (a traceback for a failed hook) kept off the terminal."""
    logger = logging.getLogger("cookiecutter")
    handler = logging.NullHandler()
    propagate = logger.propagate
    logger.addHandler(handler)
    logger.propagate = False
    try:
        yield
    finally:
        logger.removeHandler(handler)
        logger.propagate = propagate


@contextmanager
def _own_temporary_folder() -> Iterator[None]:
    """tempfile's default folder pointed, for the block, at a folder removed afterwards: the
    hook scripts cookiecutter writes there (and never deletes) go with it."""
    with temporary_folder(prefix="distkit-cookiecutter-") as scratch:
        before = tempfile.tempdir
        tempfile.tempdir = scratch
        try:
            yield
        finally:
            tempfile.tempdir = before


class _Kept:
    """What the hooks wrote to stderr, readable once the block is over."""

    def __init__(self, file: BinaryIO) -> None:
        self.file = file

    def read(self) -> str:
        self.file.seek(0)
        return self.file.read().decode("utf-8", "replace")


@contextmanager
def _kept_stderr() -> Iterator[_Kept]:
    """File descriptor 2 sent to a temporary file for the block, so that the hooks cookiecutter
    runs (child processes) write there; it is passed on to the real stderr when the block ends
    well, and read for the reason when a hook fails."""
    sys.stderr.flush()
    with tempfile.TemporaryFile() as file:
        saved = os.dup(2)
        os.dup2(file.fileno(), 2)
        kept = _Kept(file)
        failed = True
        try:
            yield kept
            failed = False
        finally:
            sys.stderr.flush()
            os.dup2(saved, 2)
            os.close(saved)
            if not failed:
                said = kept.read()
                if said:
                    sys.stderr.write(said)
                    sys.stderr.flush()
