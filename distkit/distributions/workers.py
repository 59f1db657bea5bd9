"""Run jobs in parallel worker processes, each under a time limit.

Each job runs in its own forked process, so a fit that hangs (a scipy optimiser that never
converges, a plugin that sleeps) is killed at its limit instead of being waited on, and a
crash takes only that job down. Where the platform cannot fork, jobs run one after another in
this process, without a limit.
"""

from __future__ import annotations

import multiprocessing
import os
import pickle
import signal
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

Progress = Callable[[int, int], None]


@dataclass(frozen=True)
class Job:
    """`function(*args)`, known by `key`."""

    key: str
    function: Callable[..., Any]
    args: tuple[Any, ...] = ()


@dataclass(frozen=True)
class Outcome:
    """What a job gave: `value`, or `error` (a sentence) when it failed or ran out of time."""

    key: str
    value: Any = None
    error: str | None = None


def default_jobs() -> int:
    """The processes to use: one per CPU this process may run on."""
    try:
        return max(len(os.sched_getaffinity(0)), 1)
    except AttributeError:
        return max(os.cpu_count() or 1, 1)


def run_jobs(
    jobs: Sequence[Job],
    *,
    workers: int,
    time_limit: float,
    progress: Progress | None = None,
) -> list[Outcome]:
    """Run every job, at most `workers` at a time, each killed after `time_limit` seconds;
    the outcomes come back in the order of `jobs`."""
    if "fork" not in multiprocessing.get_all_start_methods():
        return _run_here(jobs, progress)
    return _Pool(jobs, max(workers, 1), time_limit, progress).run()


def _run_here(jobs: Sequence[Job], progress: Progress | None) -> list[Outcome]:
    outcomes = []
    for done, job in enumerate(jobs, start=1):
        try:
            outcomes.append(Outcome(job.key, value=job.function(*job.args)))
        except Exception as error:  # a job's failure is its outcome
            outcomes.append(Outcome(job.key, error=_reason(error)))
        if progress is not None:
            progress(done, len(jobs))
    return outcomes


def _reason(error: BaseException) -> str:
    text = str(error).strip().splitlines()[0] if str(error).strip() else ""
    return text or type(error).__name__


def _child(connection: Any, job: Job) -> None:
    """In the worker: run the job and send back ("ok", value) or ("error", reason)."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the parent handles Ctrl-C and kills us
    try:
        message: tuple[str, Any] = ("ok", job.function(*job.args))
    except BaseException as error:  # everything is reported, nothing escapes
        message = ("error", _reason(error))
    try:
        connection.send_bytes(pickle.dumps(message, protocol=pickle.HIGHEST_PROTOCOL))
    except Exception as error:  # an unpicklable result is a failed job
        connection.send_bytes(pickle.dumps(("error", f"its result cannot be sent: {error}")))
    connection.close()
    os._exit(0)  # no atexit handlers or buffers of the parent's run twice


@dataclass
class _Running:
    index: int
    process: Any
    deadline: float


class _Pool:
    def __init__(
        self, jobs: Sequence[Job], workers: int, time_limit: float, progress: Progress | None
    ) -> None:
        self.jobs = list(jobs)
        self.workers = workers
        self.time_limit = time_limit
        self.progress = progress
        self.context = multiprocessing.get_context("fork")
        self.outcomes: list[Outcome | None] = [None] * len(self.jobs)
        self.running: dict[Any, _Running] = {}
        self.done = 0

    def run(self) -> list[Outcome]:
        waiting = list(range(len(self.jobs)))[::-1]
        try:
            while waiting or self.running:
                while waiting and len(self.running) < self.workers:
                    self._start(waiting.pop())
                self._collect()
        finally:
            for entry in self.running.values():  # Ctrl-C or an error here: leave nothing behind
                entry.process.kill()
                entry.process.join()
        return [outcome for outcome in self.outcomes if outcome is not None]

    def _start(self, index: int) -> None:
        receiver, sender = self.context.Pipe(duplex=False)
        process = self.context.Process(target=_child, args=(sender, self.jobs[index]), daemon=True)
        process.start()
        sender.close()
        self.running[receiver] = _Running(index, process, time.monotonic() + self.time_limit)

    def _collect(self) -> None:
        from multiprocessing.connection import wait

        now = time.monotonic()
        timeout = max(min(entry.deadline for entry in self.running.values()) - now, 0.0)
        for receiver in wait(list(self.running), timeout=timeout):
            entry = self.running.pop(receiver)  # type: ignore[call-overload]
            try:
                status, value = pickle.loads(receiver.recv_bytes())  # type: ignore[union-attr]
            except (EOFError, OSError, pickle.UnpicklingError):
                entry.process.join()
                status, value = "error", f"its worker died (exit code {entry.process.exitcode})"
            receiver.close()  # type: ignore[union-attr]
            entry.process.join()
            self._finish(entry.index, status, value)
        now = time.monotonic()
        for receiver, entry in list(self.running.items()):
            if entry.deadline <= now:
                entry.process.kill()
                entry.process.join()
                receiver.close()
                del self.running[receiver]
                limit = f"{self.time_limit:g}"
                self._finish(
                    entry.index, "error", f"timed out after {limit} s (its worker was stopped)"
                )

    def _finish(self, index: int, status: str, value: Any) -> None:
        key = self.jobs[index].key
        if status == "ok":
            self.outcomes[index] = Outcome(key, value=value)
        else:
            self.outcomes[index] = Outcome(key, error=str(value))
        self.done += 1
        if self.progress is not None:
            self.progress(self.done, len(self.jobs))
