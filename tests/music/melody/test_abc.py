"""The ABC reader: the notation the folk collections use, and agreement with music21."""

from __future__ import annotations

from fractions import Fraction

import pytest

from distkit.music.melody.abc import AbcError, key_signature, read_tune, split_tunes
from distkit.music.melody.folk import _tune


def notes(body: str, header: str = "M:4/4\nL:1/8\nK:C") -> list[tuple[int | None, float]]:
    tune = read_tune("1", [*header.splitlines(), body])
    return [(pitch, float(length * 16)) for pitch, _, length in tune.notes]


@pytest.mark.parametrize(
    ("field", "signature"),
    [
        ("G", {"F": 1}),
        ("Ador", {"F": 1}),
        ("Bb", {"B": -1, "E": -1}),
        ("E Minor", {"F": 1}),
        ("Dmix", {"F": 1}),
        ("Gm", {"B": -1, "E": -1}),
        ("F#m", {"F": 1, "C": 1, "G": 1}),
        ("C", {}),
    ],
)
def test_key_signatures(field, signature):
    assert key_signature(field) == signature


def test_pitches_octaves_and_lengths():
    assert notes("C D, c c' z2 E/ F3/2") == [
        (60, 2), (50, 2), (72, 2), (84, 2), (None, 4), (64, 1), (65, 3),
    ]  # fmt: skip


def test_an_accidental_lasts_to_the_bar_line_and_the_key_signature_applies():
    assert [p for p, _ in notes("^c c | c f", "M:4/4\nL:1/4\nK:D")] == [73, 73, 73, 78]
    assert [p for p, _ in notes("=f f | f", "M:4/4\nL:1/4\nK:G")] == [77, 77, 78]


def test_broken_rhythm_triplets_ties_and_chords():
    assert notes("A>B c<d") == [(69, 3), (71, 1), (72, 1), (74, 3)]
    assert [length for _, length in notes("(3ABc d")] == pytest.approx([4 / 3] * 3 + [2])
    assert notes("A2-A2 B") == [(69, 8), (71, 2)]
    assert notes("[CEG]2 [Ac]") == [(67, 4), (72, 2)]


def test_grace_notes_chord_symbols_and_decorations_are_skipped():
    assert notes('{g}A "Am"B !trill!c ~d .e Hf uG vA') == [
        (69, 2), (71, 2), (72, 2), (74, 2), (76, 2), (77, 2), (67, 2), (69, 2),
    ]  # fmt: skip


def test_a_pickup_sits_at_the_end_of_its_bar():
    tune = read_tune("1", ["M:3/4", "L:1/4", "K:C", "G | c2 d | e3 |]"])
    placed = _tune(tune, "x/y/1")
    assert placed is None  # fewer than 8 notes is no tune
    tune = read_tune("1", ["M:3/4", "L:1/4", "K:C", "G | c d e | f e d | c B A | G3 |]"])
    placed = _tune(tune, "x/y/1")
    assert placed is not None
    assert placed.positions.tolist()[:5] == [8, 0, 4, 8, 0]
    assert tune.bar == Fraction(3, 4)


def test_a_tune_without_a_metre_is_refused():
    with pytest.raises(AbcError):
        read_tune("1", ["M:none", "K:C", "CDEF GABc"])


def test_split_tunes_reads_each_x_field():
    text = "% header\nX:1\nT:One\nK:C\nC\n\nX:2\nT:Two\nK:G\nD\n"
    assert [number for number, _ in split_tunes(text)] == ["1", "2"]


@pytest.mark.slow
def test_the_reader_agrees_with_music21_on_most_tunes():
    """Both on the sixteenth-note grid. music21 drops notes under some decorations (`Hg3`) and
    lets an accidental lapse inside its bar, and this reader does not read a K: line inside a
    tune (a known gap); on the rest the two readings are the same notes."""
    music21 = pytest.importorskip("music21")
    from distkit.music.melody.folk import _parse_file, corpus_files

    path = next(p for p in corpus_files() if p.parent.name == "oneills1850")
    ours = {tune.id: tune for tune in _parse_file(path)}
    scores = music21.converter.parse(path, forceSource=True).scores
    same = compared = 0
    for score in list(scores)[:30]:
        tune = ours.get(f"oneills1850/{path.stem}/{score.metadata.number}")
        if tune is None:
            continue
        theirs: list[int] = []
        for n in score.flatten().notes:
            start, end = (round(float(t) * 4) for t in (n.offset, n.offset + n.quarterLength))
            if type(n).__name__ != "Note" or end <= start:  # shorter than the sixteenth grid
                continue
            held = n.tie is not None and n.tie.type in ("stop", "continue")
            if not (held and theirs and theirs[-1] == n.pitch.midi):  # a tie holds one note
                theirs.append(n.pitch.midi)
        compared += 1
        same += theirs == tune.pitches[tune.pitches >= 0].tolist()
    assert compared >= 25
    assert same >= 0.8 * compared
