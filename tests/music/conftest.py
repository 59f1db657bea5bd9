"""Fixtures for the music tests: small music models installed as a real plugin, and MIDI files.

The built-in `distkit.music` plugin is disabled by default so that these tests do not depend on
the chorale HMM; a test of the real model enables it again.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import mido
import pytest

from distkit.plugins import get_registry

MODELS = """
import numpy as np
import pluggy

hookimpl = pluggy.HookimplMarker("distkit")


def _below(melody, semitones):
    voice = np.roll(melody, -semitones, axis=1)
    voice[:, -semitones:] = False
    return voice


class Parallel:
    name = "parallel"
    description = "Fourths, octaves and two octaves under the melody."

    def harmonize(self, melody, *, seed=None):
        melody = np.asarray(melody, dtype=bool)
        return np.stack([melody] + [_below(melody, s) for s in (5, 12, 24)])


class WrongShape:
    name = "wrong-shape"

    def harmonize(self, melody, *, seed=None):
        return np.stack([melody] * 3)


class ChangesMelody:
    name = "changes-melody"

    def harmonize(self, melody, *, seed=None):
        return np.stack([_below(melody, s) for s in (1, 5, 12, 24)])


class Crashes:
    name = "crashes"

    def harmonize(self, melody, *, seed=None):
        raise RuntimeError("out of tune")


class TouchesKept(Parallel):
    name = "touches-kept"

    def infill(self, arrangement, mask, *, seed=None):
        redrawn = np.array(arrangement, dtype=bool)
        redrawn[1:, :, 30] = True  # a low note everywhere, inside the passage or not
        return redrawn


class FakeBach(Parallel):
    name = "bach-unet"


@hookimpl
def register_music_models(register):
    for model in (Parallel, WrongShape, ChangesMelody, Crashes, TouchesKept):
        register(model)
"""

FAKE_BACH = """
import pluggy

from distkit_music_test_models import FakeBach

hookimpl = pluggy.HookimplMarker("distkit")


@hookimpl
def register_music_models(register):
    register(FakeBach)
"""


BROKEN = """
import pluggy

hookimpl = pluggy.HookimplMarker("distkit")


@hookimpl
def register_music_models(register):
    raise RuntimeError("weights missing")
"""


@pytest.fixture(scope="session")
def model_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A folder with one installed package whose entry points add the test models."""
    site = tmp_path_factory.mktemp("site")
    (site / "distkit_music_test_models.py").write_text(MODELS)
    (site / "distkit_music_test_bach.py").write_text(FAKE_BACH)
    (site / "distkit_music_test_broken.py").write_text(BROKEN)
    info = site / "distkit_music_test-1.0.dist-info"
    info.mkdir()
    (info / "METADATA").write_text(
        "Metadata-Version: 2.1\nName: distkit-music-test\nVersion: 1.0\n"
    )
    entry_points = {
        "music-test": "distkit_music_test_models",
        "fake-bach": "distkit_music_test_bach",
        "broken": "distkit_music_test_broken",
    }
    lines = [f"{name} = {module}" for name, module in entry_points.items()]
    (info / "entry_points.txt").write_text("\n".join(["[distkit]", *lines, ""]))
    return site


@pytest.fixture
def test_models(model_site: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Load only the test models' plugin (the built-in chorale-hmm is disabled)."""
    monkeypatch.syspath_prepend(str(model_site))
    monkeypatch.setenv("DISTKIT_LOAD_PLUGINS", "music-test")
    monkeypatch.setenv("DISTKIT_DISABLED_PLUGINS", "distkit.music")
    get_registry.cache_clear()
    yield
    get_registry.cache_clear()


@pytest.fixture
def with_fake_bach(test_models: None, monkeypatch: pytest.MonkeyPatch) -> None:
    """Install a model named bach-unet as well, as the distkit-bach plugin would."""
    monkeypatch.setenv("DISTKIT_LOAD_PLUGINS", "music-test,fake-bach")
    get_registry.cache_clear()


@pytest.fixture
def with_broken_plugin(test_models: None, monkeypatch: pytest.MonkeyPatch) -> None:
    """Install a music plugin whose hook raises, next to the test models."""
    monkeypatch.setenv("DISTKIT_LOAD_PLUGINS", "music-test,broken")
    get_registry.cache_clear()


def write_midi(
    path: Path,
    tracks: list[list[tuple[int, int, int]]],
    *,
    drums: tuple[int, ...] = (),
    tempi: tuple[tuple[int, float], ...] = ((0, 120.0),),
    ticks_per_beat: int = 480,
) -> Path:
    """A type-1 MIDI file written with mido, not with distkit.

    `tracks` holds (pitch, start tick, end tick) notes; tracks whose index is in `drums` play on
    the drum channel; `tempi` holds (tick, quarter notes per minute) tempo changes.
    """
    midi = mido.MidiFile(type=1, ticks_per_beat=ticks_per_beat)
    conductor = [
        (tick, mido.MetaMessage("set_tempo", tempo=mido.bpm2tempo(bpm))) for tick, bpm in tempi
    ]
    midi.tracks.append(_track(conductor))
    for index, notes in enumerate(tracks):
        channel = 9 if index in drums else index
        events = []
        for pitch, start, end in notes:
            events.append(
                (start, mido.Message("note_on", note=pitch, velocity=90, channel=channel))
            )
            events.append((end, mido.Message("note_off", note=pitch, velocity=0, channel=channel)))
        midi.tracks.append(_track(events))
    midi.save(path)
    return path


def _track(events: list[tuple[int, Any]]) -> mido.MidiTrack:
    track = mido.MidiTrack()
    now = 0
    for tick, message in sorted(events, key=lambda event: (event[0], event[1].type != "note_off")):
        track.append(message.copy(time=tick - now))
        now = tick
    return track


@pytest.fixture
def melody_file(tmp_path: Path) -> Path:
    """Eight quarter notes, C D E F G A B C, at 120 bpm: 32 steps."""
    scale = [60, 62, 64, 65, 67, 69, 71, 72]
    return write_midi(
        tmp_path / "scale.mid", [[(p, i * 480, (i + 1) * 480) for i, p in enumerate(scale)]]
    )


@pytest.fixture
def make_midi() -> Callable[..., Path]:
    return write_midi


BAD_FILES = {
    "missing": "does not exist",
    "corrupt": "is not a readable MIDI file",
    "empty": "has no notes",
    "no-tracks": "has no tracks, so no notes",
    "drum-only": "has only drum notes",
}


@pytest.fixture(params=sorted(BAD_FILES))
def bad_midi(request: pytest.FixtureRequest, tmp_path: Path) -> tuple[Path, str]:
    """A MIDI path that cannot give a melody, and what its error says."""
    kind: str = request.param
    path = tmp_path / f"{kind}.mid"
    if kind == "corrupt":
        path.write_bytes(b"MThd this is not really a MIDI file")
    elif kind == "empty":
        write_midi(path, [[]])
    elif kind == "no-tracks":
        import mido

        mido.MidiFile().save(path)
    elif kind == "drum-only":
        write_midi(path, [[(36, 0, 240), (38, 480, 720)]], drums=(0,))
    return path, BAD_FILES[kind]
