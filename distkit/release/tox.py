"""Run a package's tox environments and summarize the results."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from distkit.errors import TestsFailed, ToolError, UsageError

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
    for name, marker in (("pyproject.toml", "[tool.tox"), ("setup.cfg", "[tox:tox]")):
        file = path / name
        if file.is_file() and marker in file.read_text(encoding="utf-8"):
            return True
    return False


def run_tox(
    path: Path,
    tox_args: list[str] | None = None,
    runner: str = "uv-venv-runner",
    echo: Callable[[str], None] | None = None,
) -> TestReport:
    """Run tox in `path` (environments in parallel), streaming its lines to `echo`."""
    if not has_tox_config(path):
        raise UsageError(f"no tox configuration in {path} (add a tox.ini, or run pytest yourself)")
    with tempfile.TemporaryDirectory(prefix="distkit-tox-") as tmp:
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
                env=tox_environment(),
            )
        except OSError as exc:
            raise ToolError(f"cannot run tox: {exc}", command=command) from exc
        assert process.stdout is not None
        for line in process.stdout:
            if echo:
                echo(line.rstrip("\n"))
        returncode = process.wait()
        report = TestReport(seconds=time.perf_counter() - started, returncode=returncode)
        report.envs = _read_journal(journal)
    return report


def tox_environment() -> dict[str, str]:
    """This process's environment, less what an enclosing tox run set for itself."""
    env = {k: v for k, v in os.environ.items() if k not in OUTER_TOX_VARIABLES}
    env["PY_COLORS"] = "0"
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
