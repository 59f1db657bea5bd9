"""Run jobs in parallel worker processes, each under a time limit.

Each job runs in a forked worker process, so a fit that hangs (a scipy optimiser that never
converges, a plugin that sleeps) is killed at its limit instead of being waited on, and a
crash takes only that job down. A job marked `here` (distkit's own fits, whose work is bounded)
runs in this process while the workers run the others: starting workers for it would cost more
than the job. Where the platform cannot fork, jobs run one after another in this process,
without a limit.
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

from distkit.interrupts import unwinding

Progress = Callable[[int, int], None]


@dataclass(frozen=True)
class Job:
    """`function(*args)`, known by `key`."""

    key: str
    function: Callable[..., Any]
    args: tuple[Any, ...] = ()
    here: bool = False  # bounded work that needs no time limit: run in this process


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
    if "fork" not in multiprocessing.get_all_start_methods() or all(job.here for job in jobs):
        return _run_here(jobs, progress)
    return _Pool(jobs, max(workers, 1), time_limit, progress).run()


def _run_here(jobs: Sequence[Job], progress: Progress | None) -> list[Outcome]:
    outcomes = []
    for done, job in enumerate(jobs, start=1):
        outcomes.append(_outcome_here(job))
        if progress is not None:
            progress(done, len(jobs))
    return outcomes


def _outcome_here(job: Job) -> Outcome:
    try:
        return Outcome(job.key, value=job.function(*job.args))
    except Exception as error:  # a job's failure is its outcome
        return Outcome(job.key, error=_reason(error))


def _reason(error: BaseException) -> str:
    text = str(error).strip().splitlines()[0] if str(error).strip() else ""
    return text or type(error).__name__


def _serve(connection: Any, jobs: Sequence[Job]) -> None:
    """A worker: run each job index received, send back ("ok", value) or ("error", reason),
    until told to stop (None) or its parent goes away."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the parent handles Ctrl-C and stops us
    while True:
        try:
            index = connection.recv()
        except (EOFError, OSError):
            break
        if index is None:
            break
        job = jobs[index]
        try:
            message: tuple[str, Any] = ("ok", job.function(*job.args))
        except BaseException as error:  # everything is reported, nothing escapes
            message = ("error", _reason(error))
        try:
            payload = pickle.dumps(message, protocol=pickle.HIGHEST_PROTOCOL)
        except Exception as error:  # an unpicklable result is a failed job
            payload = pickle.dumps(("error", f"its result cannot be sent: {error}"))
        try:
            connection.send_bytes(payload)
        except OSError:  # the parent is gone: nobody is waiting for this
            break
    connection.close()
    os._exit(0)  # no atexit handlers or buffers of the parent's run twice


@dataclass
class _Worker:
    process: Any
    connection: Any
    index: int | None = None  # the job it runs
    deadline: float = 0.0


class _Pool:
    """Long-lived forked workers (no fork per job); one that overruns its job's limit is
    killed and replaced."""

    def __init__(
        self, jobs: Sequence[Job], workers: int, time_limit: float, progress: Progress | None
    ) -> None:
        self.jobs = list(jobs)
        self.size = min(workers, sum(not job.here for job in self.jobs))
        self.time_limit = time_limit
        self.progress = progress
        self.context = multiprocessing.get_context("fork")
        self.outcomes: list[Outcome | None] = [None] * len(self.jobs)
        self.workers: list[_Worker] = []
        self.done = 0

    def run(self) -> list[Outcome]:
        with unwinding("the fits were stopped"):
            return self._run()

    def _run(self) -> list[Outcome]:
        waiting = [i for i, job in enumerate(self.jobs) if not job.here][::-1]
        here = [i for i, job in enumerate(self.jobs) if job.here][::-1]
        try:
            self.workers = [self._spawn() for _ in range(self.size)]
            while self.done < len(self.jobs):
                for worker in self.workers:
                    if worker.index is None and waiting:
                        self._assign(worker, waiting.pop())
                if here:
                    index = here.pop()
                    self._record(index, _outcome_here(self.jobs[index]))
                    self._collect(block=False)
                else:
                    self._collect()
            for worker in self.workers:
                worker.connection.send(None)
        finally:
            for worker in self.workers:  # Ctrl-C or an error here: leave nothing behind
                if worker.index is not None:
                    worker.process.kill()
                worker.process.join(timeout=2)
                if worker.process.is_alive():
                    worker.process.kill()
                    worker.process.join()
                worker.connection.close()
        return [outcome for outcome in self.outcomes if outcome is not None]

    def _spawn(self) -> _Worker:
        ours, theirs = self.context.Pipe(duplex=True)
        process = self.context.Process(target=_serve, args=(theirs, self.jobs), daemon=True)
        process.start()
        theirs.close()
        return _Worker(process, ours)

    def _assign(self, worker: _Worker, index: int) -> None:
        worker.index = index
        worker.deadline = time.monotonic() + self.time_limit
        worker.connection.send(index)

    def _collect(self, *, block: bool = True) -> None:
        from multiprocessing.connection import wait

        busy = [w for w in self.workers if w.index is not None]
        if not busy:
            return
        timeout = max(min(w.deadline for w in busy) - time.monotonic(), 0.0) if block else 0.0
        ready = wait([w.connection for w in busy], timeout=timeout)
        for worker in busy:
            if worker.connection in ready:
                try:
                    status, value = pickle.loads(worker.connection.recv_bytes())
                except (EOFError, OSError, pickle.UnpicklingError):
                    worker.process.join()
                    code = worker.process.exitcode
                    self._replace(worker, "error", f"its worker died (exit code {code})")
                    continue
                index, worker.index = worker.index, None
                assert index is not None
                self._finish(index, status, value)
            elif worker.deadline <= time.monotonic():
                limit = f"{self.time_limit:g}"
                self._replace(
                    worker, "error", f"timed out after {limit} s (its worker was stopped)"
                )

    def _replace(self, worker: _Worker, status: str, reason: str) -> None:
        """Stop `worker` (its job failed with `reason`) and put a fresh one in its place."""
        index = worker.index
        worker.process.kill()
        worker.process.join()
        worker.connection.close()
        self.workers[self.workers.index(worker)] = self._spawn()
        assert index is not None
        self._finish(index, status, reason)

    def _finish(self, index: int, status: str, value: Any) -> None:
        key = self.jobs[index].key
        if status == "ok":
            self._record(index, Outcome(key, value=value))
        else:
            self._record(index, Outcome(key, error=str(value)))

    def _record(self, index: int, outcome: Outcome) -> None:
        self.outcomes[index] = outcome
        self.done += 1
        if self.progress is not None:
            self.progress(self.done, len(self.jobs))
