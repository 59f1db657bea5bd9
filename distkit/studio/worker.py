"""One harmonization in a process of its own: `python -m distkit.studio.worker`.

The studio starts one of these per job, so that a model that hangs, loops or raises anything
(KeyboardInterrupt included) costs one process the server can kill, never a server thread.
The request is one JSON line on stdin; the answer is one JSON line on the process's original
stdout, after any `{"progress": fraction}` lines from a model that reports its progress.
Whatever the model prints goes to stderr (file descriptor 1 points there while it runs), so its
output can never corrupt the answer. When stdin closes (the studio stopped, or died) the worker
exits at once.
"""

from __future__ import annotations

import json
import os
import sys
import threading
import time
from collections.abc import Callable
from typing import IO, Any

from distkit.errors import DistkitError, UsageError


def main() -> None:
    """Read one request, harmonize it, write one answer; exit when the studio goes away."""
    answer_stream = os.fdopen(os.dup(1), "w", encoding="utf-8")
    os.dup2(2, 1)  # the model's prints (Python's or C's) go to stderr, never into the answer
    sys.stdout = sys.stderr
    line = sys.stdin.readline()
    threading.Thread(target=_exit_when_stdin_closes, daemon=True).start()
    _answer(answer_stream, _run(line, _reporter(answer_stream)))


def _reporter(stream: IO[str]) -> Callable[[float], None]:
    """A progress callback for the model: a `{"progress": fraction}` line, a few a second."""
    last = [0.0]

    def report(fraction: float) -> None:
        now = time.monotonic()
        if now - last[0] < 0.2 or not isinstance(fraction, int | float):
            return
        last[0] = now
        _answer(stream, {"progress": min(1.0, max(0.0, float(fraction)))})

    return report


def _run(line: str, progress: Callable[[float], None]) -> dict[str, Any]:
    try:
        from distkit.studio.api import run_request

        return {"result": run_request(json.loads(line), progress)}
    except UsageError as error:
        return {"error": str(error), "usage": True}
    except DistkitError as error:
        return {"error": str(error), "usage": False}
    except RecursionError:
        return {"error": "the request is nested too deeply", "usage": True}
    except KeyboardInterrupt:  # the studio's own Ctrl-C never reaches a worker (own session)
        return {"error": "the model stopped itself with KeyboardInterrupt", "usage": False}
    except BaseException as error:
        detail = str(error).strip().splitlines()
        name = type(error).__name__
        return {"error": f"the model failed: {name}: {detail[0]}" if detail else name}


def _answer(stream: IO[str], answer: dict[str, Any]) -> None:
    stream.write(json.dumps(answer) + "\n")
    stream.flush()


def _exit_when_stdin_closes() -> None:
    while sys.stdin.readline():
        pass
    os._exit(0)  # the studio closed the pipe: nobody wants the answer any more


if __name__ == "__main__":
    main()
