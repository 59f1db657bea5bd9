"""Specification of distkit.music.chorales: parsing, caching, splitting, windows, transposition."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

pytest.importorskip("music21")

from distkit.music.chorales import (
    SAME_TUNE,
    Chorale,
    load_chorales,
    soprano_intervals,
    soprano_similarity,
    split_chorales,
    split_of,
    transpose,
    tunes,
    windows,
)


@pytest.fixture(scope="module")
def cache(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("cache")


@pytest.fixture
def few(cache: Path, monkeypatch: pytest.MonkeyPatch) -> list[Chorale]:
    monkeypatch.setenv("DISTKIT_CACHE_DIR", str(cache))
    return load_chorales(limit=6)


def test_chorales_are_four_voice_rolls_at_four_steps_per_quarter(few: list[Chorale]) -> None:
    assert few
    for chorale in few:
        assert chorale.roll.dtype == bool
        assert chorale.roll.shape[0] == 4
        assert chorale.roll.shape[2] == 128
        assert chorale.roll.shape[1] % 4 == 0
        assert chorale.roll.any(axis=(1, 2)).all()
        assert 0 <= chorale.tonic <= 11
        assert chorale.mode in {"major", "minor"}


def test_voices_sit_in_satb_order(few: list[Chorale]) -> None:
    for chorale in few:
        mean_pitch = [np.nonzero(voice)[1].mean() for voice in chorale.roll]
        assert mean_pitch == sorted(mean_pitch, reverse=True)


def test_scores_without_exactly_four_parts_are_left_out(few: list[Chorale]) -> None:
    assert "bwv1.6" not in {chorale.id for chorale in few}


def test_cache_is_written_with_a_version_and_read_back_identically(
    few: list[Chorale], cache: Path
) -> None:
    [path] = cache.glob("bach-chorales-v*-first6.npz")
    again = load_chorales(limit=6)
    assert [c.id for c in again] == [c.id for c in few]
    for a, b in zip(few, again, strict=True):
        assert np.array_equal(a.roll, b.roll)
        assert (a.tonic, a.mode) == (b.tonic, b.mode)
    assert path.stat().st_size < 50_000


def test_refresh_rebuilds_a_damaged_cache(few: list[Chorale], cache: Path) -> None:
    [path] = cache.glob("bach-chorales-v*-first6.npz")
    path.write_bytes(b"not a cache")
    rebuilt = load_chorales(limit=6, refresh=True)
    assert [c.id for c in rebuilt] == [c.id for c in few]


@pytest.fixture(scope="module")
def fourteen(cache: Path) -> list[Chorale]:
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("DISTKIT_CACHE_DIR", str(cache))
        return load_chorales(limit=14)


def test_split_of_a_tune_is_pinned_and_roughly_80_10_10() -> None:
    assert [split_of(i) for i in ("bwv398", "bwv197.7-a", "bwv102.7", "bwv113.8")] == [
        "train",
        "test",
        "validation",
        "test",
    ]
    ids = [f"bwv{n}" for n in range(250, 650)]
    splits = [split_of(i) for i in ids]
    share = {name: splits.count(name) / len(ids) for name in ("train", "validation", "test")}
    assert 0.7 < share["train"] < 0.9
    assert 0.05 < share["validation"] < 0.15
    assert 0.05 < share["test"] < 0.15


def test_split_of_the_first_fourteen_chorales_is_pinned(fourteen: list[Chorale]) -> None:
    splits = {name: [c.id for c in part] for name, part in split_chorales(fourteen).items()}
    assert splits == {
        "train": [
            "bwv10.7", "bwv101.7", "bwv102.7", "bwv103.6", "bwv104.6",
            "bwv108.6", "bwv11.6", "bwv110.7", "bwv111.6", "bwv112.5",
        ],
        "validation": [],
        "test": ["bwv113.8", "bwv114.7"],
    }  # fmt: skip


def test_no_test_soprano_has_a_near_copy_in_train(fourteen: list[Chorale]) -> None:
    splits = split_chorales(fourteen)
    for held_out in splits["test"] + splits["validation"]:
        for seen in splits["train"]:
            similarity = soprano_similarity(
                soprano_intervals(held_out.roll), soprano_intervals(seen.roll)
            )
            assert similarity < SAME_TUNE, (held_out.id, seen.id)


def _tune(pitches: list[int], name: str, *, passing: bool = False, shift: int = 0) -> Chorale:
    """A chorale whose soprano plays `pitches` a beat each, optionally with passing eighths."""
    roll = np.zeros((4, 4 * len(pitches), 128), dtype=bool)
    for beat, pitch in enumerate(pitches):
        roll[:, 4 * beat : 4 * beat + 4, pitch + shift - 12 * np.arange(4)] = True
        following = pitches[min(beat + 1, len(pitches) - 1)]
        if passing and abs(following - pitch) == 4:
            roll[0, 4 * beat + 2 : 4 * beat + 4] = False
            roll[0, 4 * beat + 2 : 4 * beat + 4, (pitch + following) // 2 + shift] = True
    return Chorale(id=name, roll=roll, tonic=0, mode="major")


HYMN = [67, 67, 69, 71, 67, 71, 72, 74, 72, 71, 69, 67, 64, 66, 67]
OTHER = [60, 64, 62, 65, 64, 67, 65, 69, 67, 72, 71, 69, 67, 65, 64]


def test_similarity_sees_through_transposition_and_passing_notes() -> None:
    plain = soprano_intervals(_tune(HYMN, "a").roll)
    dressed = soprano_intervals(_tune(HYMN, "b", passing=True, shift=-3).roll)
    assert soprano_similarity(plain, dressed) == 1.0
    assert soprano_similarity(plain, soprano_intervals(_tune(OTHER, "c").roll)) < SAME_TUNE


def test_harmonizations_of_one_tune_share_a_split() -> None:
    chorales = [
        _tune(HYMN, "bwv908", shift=2),
        _tune(OTHER, "bwv901"),
        _tune([*HYMN[:-2], 62, 60], "bwv909", shift=-1),
    ]
    groups = sorted(sorted(c.id for c in group) for group in tunes(chorales))
    assert groups == [["bwv901"], ["bwv908", "bwv909"]]
    assert (split_of("bwv908"), split_of("bwv909")) == ("validation", "train")
    where = {c.id: name for name, part in split_chorales(chorales).items() for c in part}
    assert where == {"bwv901": "train", "bwv908": "validation", "bwv909": "validation"}


def test_split_chorales_keeps_every_chorale_once(few: list[Chorale]) -> None:
    splits = split_chorales(few)
    assert set(splits) == {"train", "validation", "test"}
    assert sorted(c.id for part in splits.values() for c in part) == sorted(c.id for c in few)


def test_windows_cut_every_hop_steps() -> None:
    roll = np.arange(4 * 100 * 128).reshape(4, 100, 128)
    cut = windows(roll, length=32, hop=16)
    assert cut.shape == (5, 4, 32, 128)
    assert np.array_equal(cut[2], roll[:, 32:64])


def test_windows_of_a_short_roll_are_empty() -> None:
    assert windows(np.zeros((4, 20, 128), dtype=bool)).shape == (0, 4, 32, 128)


def test_transpose_shifts_pitches_and_refuses_to_leave_midi_range() -> None:
    roll = np.zeros((4, 8, 128), dtype=bool)
    roll[0, :, 60] = True
    assert np.flatnonzero(transpose(roll, 5)[0, 0]).tolist() == [65]
    assert np.flatnonzero(transpose(roll, -12)[0, 0]).tolist() == [48]
    with pytest.raises(ValueError, match="outside MIDI"):
        transpose(roll, 70)
