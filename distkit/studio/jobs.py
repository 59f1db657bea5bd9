"""Harmonizations as jobs: each in a worker process, a few at a time, each with a time limit.

A job that outlives its limit, is cancelled, or is still running when the studio stops has its
process killed, so its work really stops. When `limit` jobs run, a new one is refused with a
StudioBusyError instead of waiting in a queue nobody sees. How long each model took is kept
(per model, in the user's cache folder) so the page can say how long a wait to expect.
"""

from __future__ import annotations

import contextlib
import json
import os
import secrets
import signal
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from distkit.errors import StudioBusyError

MAX_JOBS = 2
JOB_SECONDS = 300.0
KEPT_FINISHED = 32
TIMES_FILE = "studio-times.json"


@dataclass
class Job:
    """One harmonization: its worker, when it began, and how it ended (once it has)."""

    id: str
    model: str
    process: subprocess.Popen[str]
    started: float = field(default_factory=time.monotonic)
    state: str = "running"  # running, done, failed, cancelled, timed-out
    result: dict[str, Any] | None = None
    error: str = ""
    usage_error: bool = False
    progress: float | None = None
    stopping: bool = False  # cancelled or timed out: its worker is being killed
    seconds: float = 0.0

    def view(self, typical: float | None) -> dict[str, Any]:
        """What the page polls: state, seconds so far, the typical time, and the answer."""
        elapsed = self.seconds if self.state != "running" else time.monotonic() - self.started
        shown: dict[str, Any] = {
            "id": self.id,
            "state": self.state,
            "model": self.model,
            "elapsed": round(elapsed, 2),
            "typical": typical,
            "progress": self.progress,
        }
        if self.result is not None:
            shown["result"] = self.result
        if self.error:
            shown["error"] = self.error
        return shown


class Jobs:
    """The studio's running and recently finished harmonizations."""

    def __init__(
        self,
        *,
        limit: int = MAX_JOBS,
        seconds: float = JOB_SECONDS,
        times_file: Path | None = None,
    ) -> None:
        self.limit = limit
        self.seconds = seconds
        self.times_file = times_file
        self._jobs: dict[str, Job] = {}
        self._lock = threading.Lock()
        self._closed = False
        self._times: dict[str, float] = _read_times(times_file)

    def start(self, request: dict[str, Any], model: str) -> Job:
        """Start harmonizing `request` (checked already) in a new worker; StudioBusyError when
        `limit` jobs are running."""
        with self._lock:
            running = sum(job.state == "running" for job in self._jobs.values())
            if self._closed or running >= self.limit:
                raise StudioBusyError(
                    f"the studio is busy with {running} harmonization"
                    f"{'s' if running != 1 else ''}; wait for one to finish or cancel it"
                )
            process = subprocess.Popen(
                [sys.executable, "-m", "distkit.studio.worker"],
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                text=True,
                encoding="utf-8",
                start_new_session=True,  # the terminal's Ctrl-C is the studio's to handle
            )
            job = Job(secrets.token_hex(8), model, process)
            self._jobs[job.id] = job
            self._forget_old()
        assert process.stdin is not None
        process.stdin.write(json.dumps(request) + "\n")
        process.stdin.flush()
        threading.Thread(target=self._wait, args=(job,), daemon=True).start()
        return job

    def get(self, job_id: str) -> Job | None:
        """The job with this id, if the studio still knows it."""
        with self._lock:
            return self._jobs.get(job_id)

    def typical(self, model: str) -> float | None:
        """The seconds the last successful harmonization with `model` took, if any ran."""
        return self._times.get(model)

    def times(self) -> dict[str, float]:
        """Every model's last measured time, in seconds."""
        return dict(self._times)

    def cancel(self, job_id: str) -> bool:
        """Stop a running job's work now; False if there was no such running job."""
        job = self.get(job_id)
        if job is None or job.state != "running" or job.stopping:
            return False
        self._end(job, "cancelled", "cancelled")
        return True

    def close(self) -> None:
        """Kill every running job's worker (the studio is stopping)."""
        with self._lock:
            self._closed = True
            running = [job for job in self._jobs.values() if job.state == "running"]
        for job in running:
            self._end(job, "cancelled", "the studio stopped")

    def _wait(self, job: Job) -> None:
        """Read the worker's one answer line, within the time limit."""
        timer = threading.Timer(self.seconds, self._time_out, args=(job,))
        timer.daemon = True
        timer.start()
        answer = self._read_answer(job)
        timer.cancel()
        with self._lock:
            if job.state != "running" or job.stopping:
                return
            job.seconds = time.monotonic() - job.started
            if isinstance(answer, dict) and isinstance(answer.get("result"), dict):
                job.state, job.result = "done", answer["result"]
                self._times[job.model] = round(job.seconds, 1)
            else:
                job.state = "failed"
                job.usage_error = bool(isinstance(answer, dict) and answer.get("usage"))
                job.error = (
                    str(answer.get("error", "the model failed"))
                    if isinstance(answer, dict)
                    else "the model's process ended without an answer"
                )
        _kill(job.process)
        _write_times(self.times_file, self.times())

    def _read_answer(self, job: Job) -> Any:
        """The worker's answer line, noting its progress lines on the way; None if it ended
        without one."""
        assert job.process.stdout is not None
        while True:
            try:
                line = job.process.stdout.readline()
                answer = json.loads(line) if line else None
            except (OSError, ValueError):
                return None
            if not (isinstance(answer, dict) and set(answer) == {"progress"}):
                return answer
            if isinstance(answer["progress"], int | float):
                job.progress = float(answer["progress"])

    def _time_out(self, job: Job) -> None:
        self._end(job, "timed-out", f"the model took over {self.seconds:g} s and was stopped")

    def _end(self, job: Job, state: str, why: str) -> None:
        """Kill a running job's worker, then say how it ended (so that nobody sees it ended
        while its process still runs)."""
        with self._lock:
            if job.state != "running" or job.stopping:
                return
            job.stopping = True
        _kill(job.process)
        with self._lock:
            job.state, job.error = state, why
            job.seconds = time.monotonic() - job.started

    def _forget_old(self) -> None:
        finished = [job for job in self._jobs.values() if job.state != "running"]
        for job in finished[: max(0, len(finished) - KEPT_FINISHED)]:
            del self._jobs[job.id]


def _kill(process: subprocess.Popen[str]) -> None:
    """End a worker and anything it started (its own process group), and reap it."""
    if process.poll() is None:
        try:
            os.killpg(process.pid, signal.SIGKILL)
        except (ProcessLookupError, PermissionError):
            process.kill()
    for stream in (process.stdin, process.stdout):
        if stream is not None:
            with contextlib.suppress(OSError):
                stream.close()
    process.wait()


def _read_times(path: Path | None) -> dict[str, float]:
    if path is None:
        return {}
    try:
        with path.open("rb") as file:
            data = json.loads(file.read(64 * 1024))
    except (OSError, ValueError, RecursionError):
        return {}
    if not isinstance(data, dict):
        return {}
    return {
        str(name): float(value)
        for name, value in data.items()
        if isinstance(value, int | float) and not isinstance(value, bool) and 0 <= value < 1e6
    }


def _write_times(path: Path | None, times: dict[str, float]) -> None:
    """Keep the measured times for the next run; a cache, so failing to write is no error."""
    if path is None:
        return
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        scratch = path.with_name(f".{path.name}.{os.getpid()}")
        scratch.write_text(json.dumps(times, sort_keys=True), encoding="utf-8")
        os.replace(scratch, path)
    except OSError:
        pass
