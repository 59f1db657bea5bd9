"""The errors a user can cause or meet. Their messages are sentences a user can read.

The library raises these; only the CLI turns them into one line on stderr and an exit code.
"""

from __future__ import annotations


class DistkitError(Exception):
    """A failed operation (exit code 1): tests failed, an upload was refused, a tool broke."""

    exit_code = 1


class UsageError(DistkitError):
    """The user asked for something that cannot be done as asked (exit code 2)."""

    exit_code = 2


class NotFoundError(UsageError):
    """A distribution, music model, family or file that does not exist."""


class DataFileError(UsageError, ValueError):
    """A data file that cannot be read as one number per line."""


class FitRefused(DataFileError):
    """Data that a distribution cannot be fitted to (negative values for gamma, non-integers
    for poisson); `reason` says why without the file name, and `needs` names a parameter that
    the user could give to make the fit possible (binomial's n), if there is one."""

    def __init__(self, path: object, name: str, reason: str, *, needs: str | None = None) -> None:
        super().__init__(f"{path}: cannot fit {name} to this data: {reason}")
        self.reason = reason
        self.needs = needs


class ParameterNeeded(ValueError):
    """Raised by a distribution's `fit` when the data alone cannot fix `parameter` (counts
    out of an unknown number of trials): the user can give it (`fit --param n=20`)."""

    def __init__(self, message: str, parameter: str) -> None:
        super().__init__(message)
        self.parameter = parameter


class MidiError(UsageError):
    """A MIDI file that is missing, unreadable, or has no notes to work with."""


class CorpusError(UsageError):
    """A corpus that is not a folder or a known corpus name, or holds too little music to use."""


class ModelRegistryError(UsageError):
    """A named user model that does not exist, already exists, or cannot be stored or read."""


class OutputExists(UsageError):
    """An output file that exists, where replacing it was not asked for; `path` is the file."""

    def __init__(self, path: object) -> None:
        super().__init__(f"{path} already exists")
        self.path = path


class CannotRegenerate(UsageError):
    """A music model without `infill`, asked to regenerate a passage; `model` is its name."""

    def __init__(self, model: str, able: list[str]) -> None:
        others = f"; models that can: {', '.join(able)}" if able else ""
        super().__init__(f"music model {model!r} cannot regenerate a passage (no infill){others}")
        self.model, self.able = model, able


class MelodyTextError(UsageError):
    """A melody written as text with a token that is not a note, a rest or a length."""


class StudioError(DistkitError):
    """The studio's web server could not start (its port is taken, say)."""


class StudioBusyError(StudioError):
    """The studio already runs as many harmonizations as it allows at once."""


class TargetExistsError(UsageError):
    """The folder `distkit new` would write exists, and replacing it was not asked for.

    `replaceable` says whether asking would help: only a package folder distkit made is ever
    replaced, never a file, a link or somebody else's folder.
    """

    def __init__(self, message: str, *, replaceable: bool = False) -> None:
        super().__init__(message)
        self.replaceable = replaceable


class TargetBusyError(TargetExistsError):
    """Another `distkit new` is writing the same folder at this moment."""


class Interrupted(DistkitError):
    """A signal arrived while a package folder was being put in place, too late to undo it."""


class SignalReceived(BaseException):
    """Raised inside a critical section to unwind it when SIGINT or SIGTERM arrived; the
    signal is delivered again once everything is cleaned up (distkit.scaffold.placing)."""

    def __init__(self, signum: int) -> None:
        super().__init__(signum)
        self.signum = signum


class PublishError(DistkitError):
    """An upload the index refused, or a package that did not install back."""


class AlreadyPublished(PublishError):
    """This version's files are already on the index."""


class InsecureTransport(UsageError):
    """Credentials would travel in clear text (plain http to another machine)."""


class MissingCredentials(UsageError):
    """An upload with no credentials from any source."""


class TargetConflict(UsageError):
    """More than one upload target was named."""


class ConfirmationNeeded(UsageError):
    """A step that needs the user's yes, asked where no one can answer."""


class PlaceholderMetadata(PublishError):
    """Placeholder author, email or URLs in a package bound for a public index."""


class LocalIndexError(DistkitError):
    """The local index cannot start, stop or be trusted as it stands."""


class IndexAnswerError(PublishError):
    """An index whose answer is not a Simple API page (garbage, wrong types, cut, too big)."""


class SimilarName(PublishError):
    """A project name the index would refuse as too similar to `existing` projects (PyPI's
    "ultranormalized" comparison)."""

    def __init__(self, message: str, *, existing: list[str]) -> None:
        super().__init__(message)
        self.existing = existing


class KeyringFailed(DistkitError):
    """The keyring raised when asked for a password (a locked or broken backend)."""


class TestsFailed(DistkitError):
    """A package's tests ran and some failed."""

    __test__ = False  # not a pytest test class


class PluginError(DistkitError):
    """A plugin that failed to import, to validate, or to run its hook."""


class ToolError(DistkitError):
    """A wrapped tool (tox, build, twine, pip) failed.

    Carries the command that ran and one tip on what to do next.
    """

    def __init__(self, message: str, *, command: list[str] | None = None, hint: str = "") -> None:
        super().__init__(message)
        self.command = command or []
        self.hint = hint

    def __str__(self) -> str:
        text = super().__str__()
        if self.hint:
            text = f"{text} ({self.hint})"
        return text


class GitError(DistkitError):
    """A git repository that is missing, dirty, or a git command that failed."""


class ReleaseError(DistkitError):
    """A package whose version or CHANGELOG cannot be bumped as asked."""


class UpdateConflict(DistkitError):
    """A template update whose changes clash with the user's edits (left as conflict markers);
    `paths` names the files, relative to the repository."""

    def __init__(self, message: str, *, paths: list[str] | None = None) -> None:
        super().__init__(message)
        self.paths = paths or []


class UntrackedInTheWay(UpdateConflict):
    """A template update that would write over files git does not track (an ignored .env,
    say); nothing was changed, and `paths` names them."""


class TemplateError(DistkitError):
    """A template that cannot be fetched or rendered (its hook refused, a git URL failed)."""


class HookFailed(TemplateError):
    """A template's hook script exited with an error; the message ends with its last line."""


class TemplateSyntaxProblem(TemplateError):
    """A template file that is not valid Jinja: `file` (relative to the template) and `line`."""

    def __init__(self, message: str, *, file: str, line: int | None) -> None:
        super().__init__(message)
        self.file = file
        self.line = line


class UnknownAnswer(UsageError):
    """An answer given for a question the template does not ask; `name` is the question."""

    def __init__(self, message: str, *, name: str) -> None:
        super().__init__(message)
        self.name = name


def describe(error: BaseException) -> str:
    """Any error as one line: its type and the first line of its message."""
    message = str(error).strip().splitlines()
    return f"{type(error).__name__}: {message[0]}" if message else type(error).__name__
