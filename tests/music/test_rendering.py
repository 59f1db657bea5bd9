"""Specification of the piano-roll PNG (music.plotting) and the WAV (music.synth)."""

from __future__ import annotations

import struct
import tracemalloc
import wave
from pathlib import Path

import numpy as np
import pytest

from distkit.music.example import example_melody
from distkit.music.limits import MAX_STEPS
from distkit.music.plotting import MAX_BAR_TICKS, plot_pianoroll, save_pianoroll
from distkit.music.synth import RELEASE, SAMPLE_RATE, render_wav, synthesize


def arrangement_of(melody: np.ndarray) -> np.ndarray:
    return np.stack([melody] + [np.roll(melody, -s, axis=1) for s in (5, 12, 24)])


def png_size(path: Path) -> tuple[int, int]:
    data = path.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    assert data[12:16] == b"IHDR"
    width, height = struct.unpack(">II", data[16:24])
    return width, height


def test_the_piano_roll_is_a_png_of_a_sensible_size(tmp_path: Path) -> None:
    save_pianoroll(arrangement_of(example_melody()), tmp_path / "roll.png")
    width, height = png_size(tmp_path / "roll.png")
    assert 640 <= width <= 2400
    assert 300 <= height <= 800


def test_a_longer_piece_gets_a_wider_picture(tmp_path: Path) -> None:
    melody = example_melody()
    save_pianoroll(melody[:32], tmp_path / "short.png")
    save_pianoroll(np.concatenate([melody] * 2), tmp_path / "long.png")
    assert png_size(tmp_path / "long.png")[0] > png_size(tmp_path / "short.png")[0]


def test_the_wav_is_16_bit_mono_and_lasts_the_music_plus_the_release(tmp_path: Path) -> None:
    render_wav(arrangement_of(example_melody()), tmp_path / "out.wav", tempo=120)
    with wave.open(str(tmp_path / "out.wav")) as audio:
        assert (audio.getnchannels(), audio.getsampwidth()) == (1, 2)
        assert audio.getframerate() == SAMPLE_RATE
        seconds = audio.getnframes() / audio.getframerate()
    assert seconds == pytest.approx(12 * 2.0 + RELEASE, abs=0.01)


def test_the_wav_is_not_silent(tmp_path: Path) -> None:
    render_wav(example_melody(), tmp_path / "out.wav")
    with wave.open(str(tmp_path / "out.wav")) as audio:
        samples = np.frombuffer(audio.readframes(audio.getnframes()), dtype="<i2")
    assert np.abs(samples).max() > 20_000
    assert np.sqrt(np.mean(samples.astype(float) ** 2)) > 2_000


def test_a_note_sounds_at_its_pitch() -> None:
    a4 = np.zeros((16, 128), dtype=bool)
    a4[:, 69] = True
    samples = synthesize(a4, tempo=60, sample_rate=8000)
    spectrum = np.abs(np.fft.rfft(samples))
    frequencies = np.fft.rfftfreq(samples.size, 1 / 8000)
    assert frequencies[np.argmax(spectrum)] == pytest.approx(440, abs=1)


def test_an_empty_roll_renders_as_silence() -> None:
    samples = synthesize(np.zeros((4, 16, 128), dtype=bool))
    assert samples.size > 0
    assert not samples.any()


def test_a_long_wav_is_written_in_flat_memory(tmp_path: Path) -> None:
    """Eight minutes of sound (16 quarter notes at 2 a minute): a few chunks' worth of memory,
    where one array of all the samples would take 15 MiB."""
    melody = np.zeros((64, 128), dtype=bool)
    melody[:, 60] = True
    tracemalloc.start()
    try:
        render_wav(melody, tmp_path / "out.wav", tempo=2, sample_rate=4000)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    with wave.open(str(tmp_path / "out.wav")) as audio:
        assert audio.getnframes() == (8 * 60 + RELEASE) * 4000
    assert peak < 8 * 2**20


def test_the_longest_melody_is_one_artist_per_voice_with_a_bounded_number_of_bar_labels() -> None:
    melody = np.zeros((MAX_STEPS, 128), dtype=bool)
    for step in range(0, MAX_STEPS, 4):
        melody[step : step + 3, 60 + step % 12] = True
    ax = plot_pianoroll(arrangement_of(melody))
    assert [c.get_label() for c in ax.collections] == ["Soprano", "Alto", "Tenor", "Bass"]
    assert len(ax.collections[0].get_paths()) == MAX_STEPS // 4
    assert len(ax.get_xticks()) <= MAX_BAR_TICKS + 2
    assert ax.get_xlim() == (0, MAX_STEPS // 16)


def test_the_roll_names_each_voice_as_its_model_does() -> None:
    melody = np.zeros((16, 128), dtype=bool)
    melody[:, 60] = True
    names = ["violin I", "violin II", "viola", "cello"]
    ax = plot_pianoroll(arrangement_of(melody), names=names)
    assert [c.get_label() for c in ax.collections] == ["Violin I", "Violin II", "Viola", "Cello"]
    five = np.stack([melody] * 5)
    labels = [c.get_label() for c in plot_pianoroll(five, names=names[:2]).collections]
    assert labels == ["Violin I", "Violin II", "Track 3", "Track 4", "Track 5"]


def test_the_roll_counts_bars_in_the_metre_with_the_pickup_before_the_first() -> None:
    from distkit.music.time_signatures import TimeSignature

    melody = np.zeros((40, 128), dtype=bool)
    melody[0:4, 67] = True  # the pickup: one beat
    melody[4:16, 72] = True  # the first full bar of 3/4
    melody[16:40, 74] = True
    ax = plot_pianoroll(arrangement_of(melody), time_signature=TimeSignature(3, 4, pickup=4))
    assert ax.get_xlim() == (-1 / 3, 3)
    starts = sorted(float(path.vertices[:, 0].min()) for path in ax.collections[0].get_paths())
    assert starts == [-1 / 3, 0.0, 1.0]
    assert list(ax.get_xticks()) == [0, 1, 2, 3]
