"""Worker processes under a time limit: results in order, failures and hangs as outcomes."""

from __future__ import annotations

import os
import time

from distkit.distributions.workers import Job, run_jobs


def square(x: int) -> int:
    return x * x


def fail() -> None:
    raise ValueError("no good\nsecond line")


def hang() -> None:
    time.sleep(600)


def die() -> None:
    os._exit(3)


def test_outcomes_come_back_in_order_with_failures_and_hangs_as_reasons() -> None:
    jobs = [Job("a", square, (3,)), Job("b", fail), Job("c", hang), Job("d", die)]
    jobs += [Job(str(i), square, (i,)) for i in range(10)]
    seen: list[tuple[int, int]] = []
    outcomes = run_jobs(
        jobs, workers=2, time_limit=2, progress=lambda done, total: seen.append((done, total))
    )
    assert [o.key for o in outcomes] == [job.key for job in jobs]
    assert outcomes[0].value == 9
    assert outcomes[1].error == "no good"
    assert outcomes[2].error == "timed out after 2 s (its worker was stopped)"
    assert outcomes[3].error == "its worker died (exit code 3)"
    assert [o.value for o in outcomes[4:]] == [i * i for i in range(10)]
    assert seen[-1] == (14, 14)


def test_no_jobs_is_no_outcomes() -> None:
    assert run_jobs([], workers=2, time_limit=1) == []


def process() -> int:
    return os.getpid()


def test_a_job_marked_here_runs_in_this_process_beside_the_workers() -> None:
    jobs = [Job("w", process), Job("h", process, here=True), Job("f", fail, here=True)]
    jobs += [Job("c", hang), Job("s", square, (4,), here=True)]
    seen: list[tuple[int, int]] = []
    outcomes = run_jobs(
        jobs, workers=2, time_limit=2, progress=lambda done, total: seen.append((done, total))
    )
    assert [o.key for o in outcomes] == ["w", "h", "f", "c", "s"]
    assert outcomes[0].value != os.getpid()
    assert outcomes[1].value == os.getpid()
    assert outcomes[2].error == "no good"
    assert outcomes[3].error == "timed out after 2 s (its worker was stopped)"
    assert outcomes[4].value == 16
    assert seen == [(i, 5) for i in range(1, 6)]


def test_jobs_all_marked_here_start_no_worker() -> None:
    outcomes = run_jobs(
        [Job(str(i), process, here=True) for i in range(3)], workers=2, time_limit=1
    )
    assert [o.value for o in outcomes] == [os.getpid()] * 3
