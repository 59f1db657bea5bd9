"""Reading JSON that a user, a template or a client supplies: one clear error, never a crash.

Python's json parser recurses once per nested array or object, so a few kilobytes of `[[[[...`
raise RecursionError (a traceback, or a 500 in a server). `parse_json` counts the nesting first,
in one pass that does not recurse, and refuses text nested deeper than `max_depth` as an
ordinary UsageError. `read_json` reads the file through `read_regular` (regular files only,
size capped), so a FIFO or /dev/zero in place of a JSON file is refused too.
"""

from __future__ import annotations

import json
import os
from typing import Any

from distkit.errors import UsageError
from distkit.files.reading import MiB, read_regular

MAX_DEPTH = 100
MAX_JSON_BYTES = 4 * MiB


def nesting_depth(text: str) -> int:
    """The deepest nesting of arrays and objects in JSON `text` (brackets inside strings are
    not counted); a linear scan, whatever the text is."""
    depth = deepest = 0
    in_string = escaped = False
    for char in text:
        if in_string:
            if escaped:
                escaped = False
            elif char == "\\":
                escaped = True
            elif char == '"':
                in_string = False
        elif char == '"':
            in_string = True
        elif char in "[{":
            depth += 1
            deepest = max(deepest, depth)
        elif char in "]}":
            depth -= 1
    return deepest


def parse_json(text: str | bytes, *, source: str, max_depth: int = MAX_DEPTH) -> Any:
    """The value JSON `text` holds; UsageError naming `source` (a path, "the request body")
    when it is not UTF-8, not JSON, or nested deeper than `max_depth`."""
    if isinstance(text, bytes):
        try:
            text = text.decode("utf-8")
        except UnicodeDecodeError as error:
            raise UsageError(f"{source} is not UTF-8 text ({error.reason})") from None
    if nesting_depth(text) > max_depth:
        raise UsageError(f"{source} is nested more than {max_depth} levels deep")
    try:
        return json.loads(text)
    except json.JSONDecodeError as error:
        raise UsageError(f"{source} is not valid JSON: {error}") from None
    except RecursionError:  # cannot happen after the depth check; kept as a last guard
        raise UsageError(f"{source} is nested too deeply") from None


def read_json(
    path: str | os.PathLike[str],
    *,
    what: str = "JSON file",
    max_bytes: int = MAX_JSON_BYTES,
    max_depth: int = MAX_DEPTH,
) -> Any:
    """The value in the JSON file `path`: a regular file of at most `max_bytes`, nested at most
    `max_depth` deep; UsageError (one sentence naming the file) otherwise."""
    content = read_regular(path, max_bytes=max_bytes, what=what)
    return parse_json(content, source=str(path), max_depth=max_depth)
