"""distkit.files.json_input: JSON from a user, a template or a client is a value or one
UsageError, never a RecursionError, a hang or a read without end."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from distkit.errors import UsageError
from distkit.files.json_input import MAX_DEPTH, nesting_depth, parse_json, read_json

json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(), inner, max_size=3),
    max_leaves=20,
)


def nested(depth: int) -> str:
    return "[" * depth + "]" * depth


@given(json_values)
def test_nesting_depth_agrees_with_the_value(value: object) -> None:
    def depth(item: object) -> int:
        if isinstance(item, list):
            return 1 + max(map(depth, item), default=0)
        if isinstance(item, dict):
            return 1 + max(map(depth, item.values()), default=0)
        return 0

    assert nesting_depth(json.dumps(value)) == depth(value)


def test_brackets_and_escaped_quotes_inside_strings_are_not_nesting() -> None:
    assert nesting_depth(json.dumps({"a": '[[[{{{"\\'})) == 1
    text = ']]]"[['
    assert parse_json(json.dumps([text]), source="s") == [text]


def test_the_depth_limit_is_exact() -> None:
    assert parse_json(nested(MAX_DEPTH), source="s") is not None
    with pytest.raises(UsageError, match="nested more than 100 levels"):
        parse_json(nested(MAX_DEPTH + 1), source="s")


def test_very_deep_json_is_a_usage_error_not_a_recursion_error() -> None:
    with pytest.raises(UsageError, match="the request body is nested"):
        parse_json(nested(1_000_000).encode(), source="the request body")


@pytest.mark.parametrize(
    ("content", "complaint"),
    [(b"\xff\xfe", "not UTF-8"), (b"{'a': 1}", "not valid JSON"), (b"", "not valid JSON")],
)
def test_bad_bytes_are_one_sentence(content: bytes, complaint: str) -> None:
    with pytest.raises(UsageError, match=complaint):
        parse_json(content, source="x.json")


def test_read_json_refuses_a_fifo_and_a_large_file(tmp_path: Path) -> None:
    fifo = tmp_path / "fifo.json"
    os.mkfifo(fifo)
    with pytest.raises(UsageError, match="not a regular file"):
        read_json(fifo)
    big = tmp_path / "big.json"
    big.write_text("[" + "0," * 600 + "0]")
    with pytest.raises(UsageError, match="at most"):
        read_json(big, max_bytes=1000)
    assert len(read_json(big)) == 601
