"""The next version, the pyproject line and the CHANGELOG section `distkit release` writes."""

from __future__ import annotations

import datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st
from packaging.version import Version

from distkit.errors import ReleaseError, UsageError
from distkit.release.version_bump import (
    date_changelog,
    next_version,
    project_version,
    set_project_version,
)


@pytest.mark.parametrize(
    ("current", "spec", "expected"),
    [
        ("0.1.0", "patch", "0.1.1"),
        ("0.1.0", "minor", "0.2.0"),
        ("0.1.9", "major", "1.0.0"),
        ("1.2", "patch", "1.2.1"),
        ("0.2.0rc1", "patch", "0.2.0"),
        ("0.2.0rc1", "minor", "0.2.0"),
        ("0.2.0rc1", "major", "1.0.0"),
        ("1.0.0b2", "major", "1.0.0"),
        ("0.2.1rc1", "minor", "0.3.0"),
        ("0.1.0.post1", "patch", "0.1.1"),
        ("0.1.1.dev3", "patch", "0.1.1"),
        ("1!2.0.0", "minor", "1!2.1.0"),
        ("0.1.0", "0.2.0rc1", "0.2.0rc1"),
        ("0.2.0rc1", "0.2.0rc2", "0.2.0rc2"),
        ("0.1.0", "v1.0", "1.0"),
    ],
)
def test_next_version(current: str, spec: str, expected: str) -> None:
    assert next_version(current, spec) == expected


@pytest.mark.parametrize("spec", ["0.1.0", "0.0.9", "0.1.0rc1", "banana", "0.2.0+local"])
def test_a_version_not_above_the_current_one_is_refused(spec: str) -> None:
    with pytest.raises(UsageError):
        next_version("0.1.0", spec)


versions = st.builds(
    lambda parts, pre: ".".join(map(str, parts)) + pre,
    st.lists(st.integers(0, 30), min_size=1, max_size=4),
    st.sampled_from(["", "a1", "b2", "rc1", ".post1", ".dev1"]),
)


@given(versions, st.sampled_from(["major", "minor", "patch"]))
def test_a_bump_is_a_final_release_above_the_current_version(current: str, part: str) -> None:
    bumped = Version(next_version(current, part))
    assert bumped > Version(current)
    assert not bumped.is_prerelease
    assert not bumped.is_postrelease


PYPROJECT = """\
[build-system]
requires = ["hatchling"]
version = "9.9.9"

[project]
name = "demo"  # the name
version = '0.1.0'   # bumped by distkit release
dependencies = []

[tool.other]
version = "1.0"
"""


def test_only_the_project_version_changes_byte_for_byte() -> None:
    text = PYPROJECT.replace("\n", "\r\n")
    bumped = set_project_version(text, "0.1.1")
    assert project_version(bumped) == "0.1.1"
    assert bumped == text.replace("version = '0.1.0'", "version = '0.1.1'")


def test_a_dynamic_version_cannot_be_bumped() -> None:
    with pytest.raises(ReleaseError, match="no static version"):
        project_version('[project]\nname = "x"\ndynamic = ["version"]\n')


CHANGELOG = """\
# Changelog

## Unreleased

- Faster pdf.

## 0.1.0

- First release.
"""


def test_the_unreleased_entries_move_under_the_version_and_date() -> None:
    dated = date_changelog(CHANGELOG, "0.1.1", datetime.date(2026, 12, 1))
    assert dated == CHANGELOG.replace("## Unreleased\n", "## Unreleased\n\n## 0.1.1 - 2026-12-01\n")


def test_a_changelog_without_an_unreleased_section_is_refused() -> None:
    with pytest.raises(ReleaseError, match="Unreleased"):
        date_changelog("# Changelog\n\n## 0.1.0\n", "0.1.1", datetime.date(2026, 12, 1))
