"""Specification of distkit.files.writing: output files appear whole or not at all."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest

from distkit.errors import UsageError
from distkit.files.writing import staged


def test_the_files_appear_at_their_targets_when_the_block_ends(tmp_path: Path) -> None:
    targets = [tmp_path / "a.mid", tmp_path / "b.png"]
    with staged(targets) as temporaries:
        for temporary, text in zip(temporaries, ("midi", "png"), strict=True):
            assert temporary.parent == tmp_path
            assert temporary.name.startswith(".")
            temporary.write_text(text)
        assert not any(target.exists() for target in targets)
    assert [t.read_text() for t in targets] == ["midi", "png"]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.mid", "b.png"]


def interrupted_while_writing(target: Path) -> None:
    with staged([target]) as (temporary,):
        temporary.write_text("half a fi")
        raise KeyboardInterrupt


def test_an_error_in_the_block_leaves_no_file_at_all(tmp_path: Path) -> None:
    with pytest.raises(KeyboardInterrupt):
        interrupted_while_writing(tmp_path / "a.mid")
    assert list(tmp_path.iterdir()) == []


def overtaken_while_writing(targets: list[Path], rival: Path) -> None:
    with staged(targets) as temporaries:
        for temporary in temporaries:
            temporary.write_text("new")
        rival.write_text("someone else's")


def test_a_file_that_appeared_meanwhile_is_kept_and_nothing_is_placed(tmp_path: Path) -> None:
    first, second = tmp_path / "a.mid", tmp_path / "b.png"
    with pytest.raises(UsageError, match=r"b.png appeared while composing; it was left as it is"):
        overtaken_while_writing([first, second], rival=second)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["b.png"]
    assert second.read_text() == "someone else's"


def test_replace_writes_over_an_existing_file_and_a_symlink_itself(tmp_path: Path) -> None:
    elsewhere = tmp_path / "elsewhere.mid"
    elsewhere.write_text("keep")
    (tmp_path / "a.mid").write_text("old")
    (tmp_path / "b.mid").symlink_to(elsewhere)
    with staged([tmp_path / "a.mid", tmp_path / "b.mid"], replace=True) as temporaries:
        for temporary in temporaries:
            temporary.write_text("new")
    assert (tmp_path / "a.mid").read_text() == "new"
    assert not (tmp_path / "b.mid").is_symlink()
    assert elsewhere.read_text() == "keep"


def test_a_new_file_gets_the_usual_permissions(tmp_path: Path) -> None:
    previous = os.umask(0o022)
    try:
        with staged([tmp_path / "a.mid"]) as (temporary,):
            temporary.write_text("x")
    finally:
        os.umask(previous)
    assert stat.S_IMODE((tmp_path / "a.mid").stat().st_mode) == 0o644
