"""Run a package's tox environments and summarize the results."""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

from distkit.errors import TestsFailed, ToolError, UsageError
from distkit.interrupts import temporary_folder, unwinding

# Set by tox inside its own environments; tox 4 would read them as its settings, so a tox run
# started from within a tox environment (distkit's own tests, for one) would share its work dir.
OUTER_TOX_VARIABLES = ("TOX_WORK_DIR", "TOX_ENV_DIR", "TOX_ENV_NAME", "TOX_PACKAGE")


@dataclass
class EnvResult:
    """One tox environment's outcome; a skipped one (no interpreter) counts as passed."""

    name: str
    passed: bool
    seconds: float
    skipped: bool = False

    @property
    def status(self) -> str:
        if self.skipped:
            return "skipped"
        return "passed" if self.passed else "FAILED"


@dataclass
class TestReport:
    """All environments tox ran, and the wall time of the whole run."""

    envs: list[EnvResult] = field(default_factory=list)
    seconds: float = 0.0
    returncode: int = 0

    @property
    def passed(self) -> bool:
        return self.returncode == 0 and all(env.passed for env in self.envs)

    @property
    def failed(self) -> list[str]:
        """The names of the environments that failed."""
        return [env.name for env in self.envs if not env.passed]

    def raise_for_failure(self) -> None:
        """Raise TestsFailed naming the failed environments, if any failed."""
        if not self.passed and not self.envs:  # a tox.ini tox cannot use, or no such env
            raise TestsFailed(
                f"tox ran no environment (it exited with {self.returncode}); its output above "
                "says why"
            )
        if not self.passed:
            failed = ", ".join(self.failed) or f"tox exited with {self.returncode}"
            raise TestsFailed(f"tests failed ({failed})")

    def summary(self) -> str:
        """E.g. `1/2 envs passed (1 skipped) in 3.0 s`; skipped environments are not counted."""
        ran = [env for env in self.envs if not env.skipped]
        skipped = len(self.envs) - len(ran)
        passed = sum(env.passed for env in ran)
        note = f" ({skipped} skipped)" if skipped else ""
        return f"{passed}/{len(ran)} envs passed{note} in {self.seconds:.1f} s"


def has_tox_config(path: Path) -> bool:
    """Whether `path` holds a tox configuration tox 4 would load."""
    if (path / "tox.ini").is_file() or (path / "tox.toml").is_file():
        return True
    for name, marker in (("pyproject.toml", b"[tool.tox"), ("setup.cfg", b"[tox:tox]")):
        file = path / name
        if file.is_file() and marker in file.read_bytes():
            return True
    return False


@dataclass(frozen=True)
class EnvProgress:
    """A tox environment that started or finished; `seconds` is set when it finished."""

    name: str
    state: Literal["started", "passed", "FAILED", "skipped"]
    seconds: float | None = None

    def line(self) -> str:
        """E.g. `py: started`, `py: passed (3.2 s)`."""
        took = f" ({self.seconds:.1f} s)" if self.seconds is not None else ""
        return f"{self.name}: {self.state}{took}"


Progress = Callable[[EnvProgress], None]
# "py: commands[0]> pytest" or "py: skipped because ..." (the env started) and "py: OK ✔ in
# 1.2 seconds", "  py: FAIL code 1 (3.0=setup[..]+cmd[..] seconds)" (it finished).
STARTED = re.compile(r"^([A-Za-z0-9_][\w.-]*): (?:[\w-]+(?:\[\d+\])?> |skipped because)")
FINISHED = re.compile(r"^\s*([A-Za-z0-9_][\w.-]*): (OK|FAIL|SKIP)\b(.*)$")
SECONDS = re.compile(r"in ([0-9.]+) seconds|\(([0-9.]+)[=\s]")
OUTCOMES: dict[str, Literal["passed", "FAILED", "skipped"]] = {
    "OK": "passed",
    "FAIL": "FAILED",
    "SKIP": "skipped",
}


@dataclass
class _ProgressReader:
    """Turns tox's live output into one start and one finish event per environment."""

    progress: Progress
    started: set[str] = field(default_factory=set)
    finished: set[str] = field(default_factory=set)

    def feed(self, line: str) -> None:
        done = FINISHED.match(line)
        if done:
            name = done.group(1)
            if name in self.finished:
                return
            self.start(name)
            self.finished.add(name)
            timing = SECONDS.search(done.group(3))
            seconds = float(timing.group(1) or timing.group(2)) if timing else None
            self.progress(EnvProgress(name, OUTCOMES[done.group(2)], seconds))
            return
        begun = STARTED.match(line)
        if begun:
            self.start(begun.group(1))

    def start(self, name: str) -> None:
        if name not in self.started:
            self.started.add(name)
            self.progress(EnvProgress(name, "started"))

    def close(self, envs: list[EnvResult]) -> None:
        """Report the environments whose finish tox's output did not show."""
        for env in envs:
            if env.name not in self.finished:
                self.start(env.name)
                self.finished.add(env.name)
                outcome = "SKIP" if env.skipped else "OK" if env.passed else "FAIL"
                self.progress(EnvProgress(env.name, OUTCOMES[outcome], env.seconds))


def run_tox(
    path: Path,
    tox_args: list[str] | None = None,
    runner: str = "uv-venv-runner",
    echo: Callable[[str], None] | None = None,
    progress: Progress | None = None,
) -> TestReport:
    """Run tox in `path` (environments in parallel), streaming its lines to `echo` and each
    environment's start and finish to `progress`."""
    if (path / "pyproject.toml").is_file():
        from distkit.release.build import project_table

        project_table(path)  # a pyproject.toml tox cannot read is one line here, not a traceback
    if not has_tox_config(path):
        raise UsageError(f"no tox configuration in {path} (add a tox.ini, or run pytest yourself)")
    with unwinding("tox was stopped"), temporary_folder(prefix="distkit-tox-") as tmp:
        journal = Path(tmp) / "result.json"
        command = [sys.executable, "-m", "tox", "run-parallel", "--parallel", "auto"]
        command += ["--parallel-no-spinner", "--parallel-live", "--result-json", str(journal)]
        command += ["--runner", runner, *(tox_args or [])]
        started = time.perf_counter()
        try:
            process = subprocess.Popen(
                command,
                cwd=path,
                stdout=subprocess.PIPE,
                stderr=subprocess.STDOUT,
                text=True,
                errors="replace",
                env=tox_environment(),
            )
        except OSError as exc:
            raise ToolError(f"cannot run tox: {exc}", command=command) from exc
        assert process.stdout is not None
        reader = _ProgressReader(progress) if progress else None
        try:
            for line in process.stdout:
                if echo:
                    echo(line.rstrip("\n"))
                if reader:
                    reader.feed(line.rstrip("\n"))
            returncode = process.wait()
        except BaseException:  # Ctrl-C, a signal, a closed stdout: tox must not run on alone
            stop_tox(process)
            raise
        report = TestReport(seconds=time.perf_counter() - started, returncode=returncode)
        report.envs = _read_journal(journal)
        if reader:
            reader.close(report.envs)
    return report


def stop_tox(process: subprocess.Popen[str], patience: float = 15.0) -> None:
    """Stop a tox run and wait for it, so that nothing it started runs on and nothing writes
    into its folder after distkit removes it: SIGINT first, on which tox stops its
    environments' processes itself, then SIGTERM, then SIGKILL, each after `patience` seconds."""
    for signum in (signal.SIGINT, signal.SIGTERM, signal.SIGKILL):
        if process.poll() is not None:
            return
        process.send_signal(signum)
        try:
            process.wait(timeout=patience)
        except subprocess.TimeoutExpired:
            continue


def tox_environment() -> dict[str, str]:
    """This process's environment, less what an enclosing tox run set for itself.

    uv is told not to download a Python that is missing (unless the user says otherwise): a
    tox environment for an interpreter this machine lacks is skipped at once, instead of uv
    reaching out to the internet for one.
    """
    env = {k: v for k, v in os.environ.items() if k not in OUTER_TOX_VARIABLES}
    env["PY_COLORS"] = "0"
    env.setdefault("UV_PYTHON_DOWNLOADS", "never")
    return env


def _read_journal(journal: Path) -> list[EnvResult]:
    """The environments tox ran, from its --result-json journal.

    tox 4 lists every environment of the configuration there, and gives a "result" only to
    those it ran: the others (not selected with -e, or packaging environments) are left out.
    """
    if not journal.is_file():
        return []
    data = json.loads(journal.read_text(encoding="utf-8"))
    results = []
    for name, env in data.get("testenvs", {}).items():
        result = env.get("result")
        if name.startswith(".pkg") or not isinstance(result, dict):
            continue
        results.append(
            EnvResult(
                name,
                passed=bool(result.get("success")),
                seconds=float(result.get("duration", 0.0)),
                skipped=bool(result.get("skipped")),
            )
        )
    return results
