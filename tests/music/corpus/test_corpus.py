"""distkit.music.corpus: folders of the user's music and music21 names as N-voice piano rolls."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pretty_midi
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from distkit.errors import CorpusError
from distkit.music import corpus as corpus_module
from distkit.music.corpus import Piece, load_corpus, roll_from_parts, split_pieces


@pytest.fixture(autouse=True)
def private_cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    folder = tmp_path / "cache"
    monkeypatch.setenv("DISTKIT_CACHE_DIR", str(folder))
    return folder


def write_piece(path: Path, seed: int, *, order: tuple[int, ...] = (0, 1, 2, 3)) -> None:
    """Four tracks a fifth or more apart, written in the given track order."""
    rng = np.random.default_rng(seed)
    midi = pretty_midi.PrettyMIDI(initial_tempo=120)
    tops = 72 + rng.integers(0, 5, size=12)
    for voice in order:
        track = pretty_midi.Instrument(program=0, name=f"voice {voice}")
        for step, top in enumerate(tops):
            pitch = int(top) - 9 * voice
            track.notes.append(pretty_midi.Note(80, pitch, step * 0.5, step * 0.5 + 0.5))
        midi.instruments.append(track)
    midi.write(str(path))


def folder_of(tmp_path: Path, count: int) -> Path:
    folder = tmp_path / "music"
    folder.mkdir()
    for index in range(count):
        write_piece(folder / f"piece{index:02d}.mid", index, order=(2, 0, 3, 1))
    return folder


def test_a_folder_of_midi_files_becomes_four_voice_rolls_top_voice_first(tmp_path: Path) -> None:
    corpus = load_corpus(folder_of(tmp_path, 4))
    assert [piece.id for piece in corpus.pieces] == [f"piece{i:02d}.mid" for i in range(4)]
    roll = corpus.pieces[0].roll
    assert roll.shape == (4, 48, 128)  # 12 quarter notes at 4 steps per quarter
    means = [np.nonzero(roll[voice])[1].mean() for voice in range(4)]
    assert means == sorted(means, reverse=True)
    assert "kept 4 pieces in 4 voices" in corpus.summary()


def test_a_corrupt_file_is_named_skipped_and_reported(tmp_path: Path) -> None:
    folder = folder_of(tmp_path, 3)
    (folder / "broken.mid").write_bytes(b"MThd\x00\x00\x00\x06garbage")
    lines: list[str] = []
    corpus = load_corpus(folder, log=lines.append)
    assert len(corpus.pieces) == 3
    assert [skipped.file for skipped in corpus.skipped] == ["broken.mid"]
    assert len(lines) == 1
    assert lines[0].startswith("skipped broken.mid: ")
    assert "\n" not in lines[0]
    assert "skipped 1" in corpus.summary()


def _long_note_file(ticks: int) -> bytes:
    """A 36-byte MIDI file: one tick per quarter note, one note `ticks` quarter notes long."""
    import struct

    def chunk(kind: bytes, body: bytes) -> bytes:
        return kind + struct.pack(">I", len(body)) + body

    delta = bytes([0x80 | (ticks >> 21) & 0x7F, 0x80 | (ticks >> 14) & 0x7F])
    delta += bytes([0x80 | (ticks >> 7) & 0x7F, ticks & 0x7F])
    track = b"\x00\x90\x3c\x40" + delta + b"\x80\x3c\x00\x00\xff\x2f\x00"
    return chunk(b"MThd", struct.pack(">HHH", 0, 1, 1)) + chunk(b"MTrk", track)


def test_a_tiny_midi_file_that_lasts_for_ever_is_skipped_before_music21_reads_it(
    tmp_path: Path,
) -> None:
    """music21 would build a measure for each of its half a million bars, for minutes, until
    memory ran out; it is refused by its length in the header's ticks, at once."""
    folder = folder_of(tmp_path, 3)
    (folder / "long.mid").write_bytes(_long_note_file(2_000_000))
    lines: list[str] = []
    corpus = load_corpus(folder, log=lines.append)
    assert len(corpus.pieces) == 3
    assert lines == ["skipped long.mid: 8000000 steps long; at most 200000 are read"]


def test_an_empty_folder_and_too_few_pieces_are_one_line_errors(tmp_path: Path) -> None:
    empty = tmp_path / "empty"
    empty.mkdir()
    with pytest.raises(CorpusError, match="no MIDI, MusicXML, kern or ABC files") as error:
        load_corpus(empty)
    assert "\n" not in str(error.value)
    few = tmp_path / "few"
    few.mkdir()
    write_piece(few / "one.mid", 0)
    with pytest.raises(CorpusError, match="only 1 readable piece"):
        load_corpus(few)


@pytest.mark.parametrize("source", ["", "  "])
def test_no_source_is_refused_rather_than_read_as_the_current_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, source: str
) -> None:
    monkeypatch.chdir(tmp_path)
    with pytest.raises(CorpusError, match="no corpus given"):
        load_corpus(source)


def test_an_unknown_name_is_refused(tmp_path: Path) -> None:
    with pytest.raises(CorpusError, match="neither a folder nor a corpus name"):
        load_corpus("no-such-corpus-anywhere")
    with pytest.raises(CorpusError, match="not a folder"):
        load_corpus(str(tmp_path / "missing" / "folder"))


def test_pieces_are_parsed_once_then_read_from_the_cache(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = folder_of(tmp_path, 3)
    first = load_corpus(folder)

    def no_parsing(*_: object) -> None:
        raise AssertionError("parsed again")

    monkeypatch.setattr(corpus_module, "_read_parts", no_parsing)
    again = load_corpus(folder)
    assert again.key == first.key
    for a, b in zip(first.pieces, again.pieces, strict=True):
        assert a.id == b.id
        assert np.array_equal(a.roll, b.roll)
    write_piece(folder / "piece00.mid", 99)  # new content: a new key, so it is parsed again
    with pytest.raises(CorpusError):  # every file now "fails" to parse in this test
        load_corpus(folder)


def test_one_track_of_chords_is_split_by_range() -> None:
    chords = [(0, 4, p) for p in (48, 60, 64, 67)] + [(4, 8, p) for p in (50, 62, 65)]
    roll = roll_from_parts([chords], voices=4)
    tops = [[int(np.flatnonzero(roll[v, step])[0]) for v in range(4)] for step in (0, 4)]
    assert tops[0] == [67, 64, 60, 48]
    assert tops[1][0] == 65
    assert tops[1][3] == 50
    with pytest.raises(ValueError, match="without chords"):
        roll_from_parts([[(0, 4, 60), (4, 8, 62)]], voices=4)
    with pytest.raises(ValueError, match="has 2 parts"):
        roll_from_parts([[(0, 4, 60)], [(0, 4, 48)]], voices=4)


def piece(id: str, work: str, tops: list[int]) -> Piece:
    roll = np.zeros((1, 4 * len(tops), 128), dtype=bool)
    for index, pitch in enumerate(tops):
        roll[0, 4 * index : 4 * index + 4, pitch] = True
    return Piece(id=id, work=work, roll=roll)


@settings(max_examples=30, deadline=None)
@given(st.lists(st.integers(0, 5), min_size=1, max_size=40))
def test_the_split_is_a_partition_that_keeps_each_work_together(works: list[int]) -> None:
    rng = np.random.default_rng(len(works))
    pieces = [
        piece(f"p{i}", f"work {w}", list(60 + rng.integers(-7, 8, size=12)))
        for i, w in enumerate(works)
    ]
    parts = split_pieces(pieces)
    ids = sorted(p.id for part in parts.values() for p in part)
    assert ids == sorted(p.id for p in pieces)
    home = {p.work: name for name, part in parts.items() for p in part}
    assert all(p.work in home for p in pieces)
    assert sum(len(part) for part in parts.values()) == len(pieces)
    for name, part in parts.items():
        assert all(home[p.work] == name for p in part)


def test_near_copies_of_one_tune_share_a_split_across_works() -> None:
    tune = [60, 62, 64, 65, 67, 65, 64, 62, 60, 67, 72, 60]
    pieces = [piece(f"copy{i}", f"work {i}", [p + i for p in tune]) for i in range(12)]
    parts = split_pieces(pieces)
    assert sorted(len(part) for part in parts.values()) == [0, 0, 12]


KERN = """**kern\t**kern\t**kern\t**kern
*clefF4\t*clefGv2\t*clefG2\t*clefG2
*M4/4\t*M4/4\t*M4/4\t*M4/4
4C\t4G\t4e\t4cc
4D\t4A\t4f\t4dd
4E\t4B\t4g\t4ee
4C\t4c\t4e\t4cc
*-\t*-\t*-\t*-
"""


def test_kern_files_are_read_and_other_voice_counts_skipped_before_parsing(
    tmp_path: Path,
) -> None:
    folder = tmp_path / "kern"
    folder.mkdir()
    for index in range(3):
        (folder / f"four{index}.krn").write_text(KERN)
    five = KERN.replace("**kern\t**kern", "**kern\t**kern\t**kern", 1)
    (folder / "five.krn").write_text(five)
    corpus = load_corpus(folder)
    assert len(corpus.pieces) == 3
    roll = corpus.pieces[0].roll
    assert [int(np.flatnonzero(roll[v, 0])[0]) for v in range(4)] == [72, 64, 55, 48]
    assert [str(s) for s in corpus.skipped] == [
        "five.krn: has 5 parts with notes; 4 are needed (or one of chords)"
    ]
