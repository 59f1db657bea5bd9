"""The MusicModel base class and the piano-roll conventions every music model follows.

A piano roll is a plain numpy array of booleans, 128 MIDI pitches on the last axis, 4 time steps
per quarter note. A melody is (steps, 128); an arrangement is (4, steps, 128) with the tracks in
the order soprano (the melody), alto, tenor, bass.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar

if TYPE_CHECKING:
    import numpy as np
    from numpy.typing import NDArray

STEPS_PER_QUARTER = 4
PITCHES = 128
VOICES = ("soprano", "alto", "tenor", "bass")
BAR_STEPS = 4 * STEPS_PER_QUARTER
MAJOR_SCALE = (0, 2, 4, 5, 7, 9, 11)
MINOR_SCALE = (0, 2, 3, 5, 7, 8, 10, 11)
SATB_RANGES = ((60, 79), (55, 74), (48, 69), (40, 62))
"""Lowest and highest MIDI pitch of soprano (C4-G5), alto (G3-D5), tenor (C3-A4), bass (E2-D4)."""


def as_melody(melody: Any) -> NDArray[np.bool_]:
    """`melody` as a (steps, 128) bool roll, or a ValueError naming the shape it has."""
    import numpy as np

    roll = np.asarray(melody).astype(bool)
    if roll.ndim != 2 or roll.shape[1] != PITCHES:
        raise ValueError(f"a melody is a (steps, {PITCHES}) piano roll, got shape {roll.shape}")
    return roll


def as_tracks(roll: Any) -> NDArray[np.bool_]:
    """A (steps, 128) or (tracks, steps, 128) roll as (tracks, steps, 128) bool."""
    import numpy as np

    tracks = np.asarray(roll).astype(bool)
    if tracks.ndim == 2:
        tracks = tracks[np.newaxis]
    if tracks.ndim != 3 or tracks.shape[2] != PITCHES:
        raise ValueError(
            f"a piano roll is (steps, {PITCHES}) or (tracks, steps, {PITCHES}), "
            f"got shape {tracks.shape}"
        )
    return tracks


def highest_pitches(roll: Any) -> NDArray[np.int64]:
    """The highest sounding pitch at each step of a (..., steps, 128) roll; -1 where silent."""
    import numpy as np

    roll = np.asarray(roll)
    highest = roll.shape[-1] - 1 - np.argmax(roll[..., ::-1], axis=-1)
    return np.where(roll.any(axis=-1), highest, -1).astype(np.int64)


def melody_final(line: Any) -> int | None:
    """The pitch class of the last note of a melody line (steps,) (-1 at rests), or None if silent.

    A chorale tune's final is the tonic of its mode, and a harmonization closes with it in the
    bass: Bach does on 262 of the 272 training chorales (music21's key of his score names the
    bass's final note on 230; the other endings are modal, mostly Phrygian closes on the final).
    """
    import numpy as np

    sounding = np.asarray(line)[np.asarray(line) >= 0]
    return int(sounding[-1]) % 12 if sounding.size else None


def note_runs(tracks: Any) -> NDArray[np.int64]:
    """Every note of a (tracks, steps, 128) roll as rows (track, pitch, start, end), end exclusive.

    A note is a maximal run of steps at one pitch in one track.
    """
    import numpy as np

    padded = np.pad(np.asarray(tracks).astype(np.int8), ((0, 0), (1, 1), (0, 0)))
    edges = np.diff(padded, axis=1).transpose(0, 2, 1)
    track, pitch, start = np.nonzero(edges == 1)
    end = np.nonzero(edges == -1)[2]
    return np.column_stack([track, pitch, start, end]).astype(np.int64)


def panel_path(cls: type[Any]) -> Path | None:
    """Where a model class keeps its recorded panel summary (`panel_file`, "package:path")."""
    spec = getattr(cls, "panel_file", "")
    if not isinstance(spec, str) or ":" not in spec:
        return None
    from importlib import resources

    package, _, name = spec.partition(":")
    return Path(str(resources.files(package).joinpath(name)))


def recorded_panel(cls: type[Any]) -> dict[str, Any] | None:
    """The panel summary the evaluation recorded for a model class, or None if it has none."""
    import json

    try:
        path = panel_path(cls)
        record = json.loads(path.read_text()) if path is not None else None
    except (OSError, ValueError, TypeError, ModuleNotFoundError):  # TypeError: not a package
        return None
    return record if isinstance(record, dict) else None


def panel_note(cls: type[Any]) -> str:
    """A short note of a model's recorded panel for listings, or "" when it has none."""
    record = recorded_panel(cls)
    if record is None:
        return ""
    try:
        return (
            f" [teacher's panel: {int(record['goals_met'])}/{int(record['goals'])} goals, "
            f"beat chord {float(record['beat_chord']):.2f}]"
        )
    except (TypeError, KeyError, ValueError):
        return ""


class MusicModel:
    """A model that writes alto, tenor and bass under a melody.

    Subclasses set `name` and `description` and implement `harmonize`. A plugin's class need not
    subclass this one; it only needs the same members. A model that gives a likelihood may also
    define `negative_log_likelihood(arrangement) -> float`, nats per alto/tenor/bass cell of a
    (4, steps, 128) arrangement given its soprano; the teacher's panel then reports it.
    """

    name: ClassVar[str] = ""
    description: ClassVar[str] = ""
    panel_file: ClassVar[str] = ""
    """Optional "package:path" of the JSON summary `benchmarks/music_eval.py --record` writes."""

    def harmonize(self, melody: NDArray[Any], *, seed: int | None = None) -> NDArray[np.bool_]:
        """The melody as the soprano plus three accompaniment tracks: (4, steps, 128) bool."""
        raise NotImplementedError
