"""`distkit compose` under hostile input, misbehaving models and signals, as real processes.

Every run has a timeout (a hang fails the test) and an address-space limit of 1.5 GiB (an
unbounded allocation fails it too); every run must end with code 0, 1 or 2 and no traceback.
The module prints how many runs it made and how many hung or showed a traceback.
"""

from __future__ import annotations

import contextlib
import io
import os
import resource
import signal
import struct
import subprocess
import sys
import time
import tracemalloc
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import mido
import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from distkit.errors import MidiError
from distkit.music.limits import MAX_BARS, MAX_MIDI_BYTES, MAX_STEPS
from distkit.music.midi import Melody, load_melody, read_arrangement

TIMEOUT = 120  # seconds: far above a normal run; only a hang reaches it
ADDRESS_SPACE = 1536 * 1024 * 1024
TALLY: Counter[str] = Counter()

MODELS = """
import sys

import numpy as np
import pluggy

hookimpl = pluggy.HookimplMarker("distkit")


class Parallel:
    name = "parallel"

    def harmonize(self, melody, *, seed=None):
        melody = np.asarray(melody, dtype=bool)
        return np.stack([melody, *(np.roll(melody, -s, axis=1) for s in (5, 12, 24))])


class Exits:
    name = "exits"

    def harmonize(self, melody, *, seed=None):
        print("bye from the model")
        sys.exit(3)


class _ExitsWhenRead:
    def __array__(self, dtype=None, copy=None):
        raise SystemExit(4)


class ExitsInItsAnswer:
    name = "exits-in-its-answer"

    def harmonize(self, melody, *, seed=None):
        return _ExitsWhenRead()


class RunsOutOfMemory:
    name = "runs-out-of-memory"

    def harmonize(self, melody, *, seed=None):
        raise MemoryError


@hookimpl
def register_music_models(register):
    for model in (Parallel, Exits, ExitsInItsAnswer, RunsOutOfMemory):
        register(model)
"""


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A folder with one installed package (a module and its dist-info) of test models."""
    site = tmp_path_factory.mktemp("site")
    (site / "distkit_reliability_models.py").write_text(MODELS)
    info = site / "distkit_reliability_models-1.0.dist-info"
    info.mkdir()
    (info / "METADATA").write_text(
        "Metadata-Version: 2.1\nName: distkit-reliability-models\nVersion: 1.0\n"
    )
    (info / "entry_points.txt").write_text(
        "[distkit]\nreliability-models = distkit_reliability_models\n"
    )
    return site


@pytest.fixture(scope="module", autouse=True)
def _report(request: pytest.FixtureRequest) -> Iterator[None]:
    yield
    plugins = request.config.pluginmanager
    reporter, capture = plugins.get_plugin("terminalreporter"), plugins.get_plugin("capturemanager")
    if reporter is not None and capture is not None:
        with capture.global_and_fixture_disabled():
            reporter.write_line(
                f"\nmusic inputs: {TALLY['runs']} compose runs, {TALLY['tracebacks']} tracebacks, "
                f"{TALLY['hangs']} hangs, {TALLY['bad exit codes']} bad exit codes "
                f"(exit 0/1/2: {TALLY['exit 0']}/{TALLY['exit 1']}/{TALLY['exit 2']}); "
                f"{TALLY['reads']} library reads ({TALLY['melodies read']} gave a melody)"
            )


def _limit_memory() -> None:
    resource.setrlimit(resource.RLIMIT_AS, (ADDRESS_SPACE, ADDRESS_SPACE))


def _env(site: Path) -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        PYTHONPATH=os.pathsep.join([str(site), env.get("PYTHONPATH", "")]).rstrip(os.pathsep),
        DISTKIT_LOAD_PLUGINS="reliability-models",
        DISTKIT_DISABLED_PLUGINS="distkit.music",
        OPENBLAS_NUM_THREADS="1",
        MPLBACKEND="Agg",
    )
    return env


def _command(*args: str) -> list[str]:
    return [sys.executable, "-c", "from distkit.cli import main; main()", "compose", *args]


def _check(done: subprocess.CompletedProcess[str]) -> subprocess.CompletedProcess[str]:
    """Count the run; fail on a traceback or an exit code other than 0, 1 or 2."""
    TALLY["runs"] += 1
    TALLY[f"exit {done.returncode}"] += 1
    if "Traceback" in done.stderr:
        TALLY["tracebacks"] += 1
    if done.returncode not in (0, 1, 2):
        TALLY["bad exit codes"] += 1
    assert "Traceback" not in done.stderr, done.stderr
    assert done.returncode in (0, 1, 2), done.stderr
    return done


def compose(site: Path, cwd: Path, *args: str) -> subprocess.CompletedProcess[str]:
    """`distkit compose ARGS` in `cwd`, with a timeout and the address-space limit."""
    try:
        done = subprocess.run(
            _command(*args),
            cwd=cwd,
            env=_env(site),
            capture_output=True,
            text=True,
            timeout=TIMEOUT,
            preexec_fn=_limit_memory,
            stdin=subprocess.DEVNULL,
        )
    except subprocess.TimeoutExpired:
        TALLY["runs"] += 1
        TALLY["hangs"] += 1
        pytest.fail(f"distkit compose {' '.join(args)} hung")
    return _check(done)


def error_line(done: subprocess.CompletedProcess[str]) -> str:
    (line,) = done.stderr.strip().splitlines()
    return line


def midi_bytes(
    tracks: list[list[tuple[int, int, int]]],
    *,
    file_format: int = 1,
    ticks: int = 96,
    tempo: float = 120,
) -> bytes:
    """A MIDI file written by mido: `tracks` of (pitch, start tick, end tick) notes."""
    midi = mido.MidiFile(type=file_format, ticks_per_beat=ticks)
    for index, notes in enumerate(tracks):
        events = sorted(
            [(start, 1, "note_on", pitch) for pitch, start, _ in notes]
            + [(end, 0, "note_off", pitch) for pitch, _, end in notes]
        )
        track = mido.MidiTrack([mido.MetaMessage("track_name", name=f"Part {index + 1}")])
        if index == 0:
            track.append(mido.MetaMessage("set_tempo", tempo=mido.bpm2tempo(tempo)))
        now = 0
        for tick, _, kind, pitch in events:
            track.append(
                mido.Message(kind, note=pitch, velocity=80, channel=index, time=tick - now)
            )
            now = tick
        midi.tracks.append(track)
    out = io.BytesIO()
    midi.save(file=out)
    return out.getvalue()


SCALE = [(60 + step, i * 96, (i + 1) * 96) for i, step in enumerate((0, 2, 4, 5, 7, 9, 11, 12))]
VALID = midi_bytes([SCALE, [(48, 0, 384), (43, 384, 768)]])
ONE_TRACK = midi_bytes([SCALE])


# --- inputs that are not regular files, or too big -----------------------------------------


def test_a_fifo_is_refused_at_once(site: Path, tmp_path: Path) -> None:
    os.mkfifo(tmp_path / "melody.mid")
    done = compose(site, tmp_path, "melody.mid", "--model", "parallel")
    assert done.returncode == 2
    assert error_line(done) == (
        "Error: melody.mid is not a regular file (a pipe or device?); give a MIDI file"
    )


def test_dev_zero_is_refused(site: Path, tmp_path: Path) -> None:
    done = compose(site, tmp_path, "/dev/zero", "--model", "parallel")
    assert done.returncode == 2
    assert "/dev/zero is not a regular file" in error_line(done)


def test_a_huge_file_is_refused_naming_the_limit(site: Path, tmp_path: Path) -> None:
    with open(tmp_path / "huge.mid", "wb") as file:
        file.write(VALID)
        file.truncate(3 * 1024**3)  # sparse: 3 GiB without using the disk
    done = compose(site, tmp_path, "huge.mid", "--model", "parallel")
    assert done.returncode == 2
    assert error_line(done) == (
        f"Error: huge.mid is 3072.0 MiB; a MIDI file may be at most {MAX_MIDI_BYTES >> 20} MiB"
    )


# --- MIDI files that used to cost unbounded time or memory ---------------------------------


def far_tick_file() -> bytes:
    """37 bytes: one note at tick 9,999,000 with one tick per quarter note (40 million steps)."""
    events = bytes([0x84, 0xE2, 0xA5, 0x18]) + b"\x90\x3c\x40" + b"\x01\x80\x3c\x40\x00\xff\x2f\x00"
    header = b"MThd" + struct.pack(">IHHH", 6, 0, 1, 1)
    return header + b"MTrk" + struct.pack(">I", len(events)) + events


def test_a_note_at_a_far_tick_is_refused_naming_the_limit(site: Path, tmp_path: Path) -> None:
    data = far_tick_file()
    assert len(data) == 37
    (tmp_path / "far.mid").write_bytes(data)
    done = compose(site, tmp_path, "far.mid", "--model", "parallel")
    assert done.returncode == 2
    assert error_line(done) == (
        f"Error: far.mid lasts 2,499,751 bars; a melody may be at most {MAX_BARS:,} bars "
        "(65,536 sixteenth-note steps)"
    )


def test_an_endless_time_value_is_refused(site: Path, tmp_path: Path) -> None:
    """mido reads a time value of any length, in time quadratic in it: 2 MiB of 0xFF bytes."""
    body = b"\xff" * (MAX_MIDI_BYTES - 100) + b"\x00\x90\x3c\x40"
    data = b"MThd" + struct.pack(">IHHH", 6, 0, 1, 96) + b"MTrk" + struct.pack(">I", len(body))
    (tmp_path / "endless.mid").write_bytes(data + body)
    done = compose(site, tmp_path, "endless.mid", "--model", "parallel")
    assert done.returncode == 2
    assert "longer than four bytes" in error_line(done)


CPU_SECONDS = 120
"""CPU time (not wall time) a run of the built-in model may use: 16x what the longest melody
takes now, a tenth of what it took when each beat of a held note was voiced afresh."""


def _limit_memory_and_cpu() -> None:
    _limit_memory()
    resource.setrlimit(resource.RLIMIT_CPU, (CPU_SECONDS, CPU_SECONDS))


def held_note_file(bars: int) -> bytes:
    """A MIDI file of one note held for `bars` bars of 4/4 (one tick per quarter note)."""
    ticks = bars * 4
    length = bytes([0x80 | (ticks >> 14) & 0x7F, 0x80 | (ticks >> 7) & 0x7F, ticks & 0x7F])
    body = b"\x00\x90\x48\x50" + length + b"\x80\x48\x00\x00\xff\x2f\x00"
    header = b"MThd" + struct.pack(">IHHH", 6, 0, 1, 1)
    return header + b"MTrk" + struct.pack(">I", len(body)) + body


def test_one_note_held_for_the_longest_melody_costs_the_built_in_model_little_work(
    site: Path, tmp_path: Path
) -> None:
    """Issue 25, item 11: 36 bytes that hold one note for 4,096 bars took the HMM 223 s; the
    work now grows with the notes, not with how long they last (its CPU time is bounded)."""
    data = held_note_file(MAX_BARS)
    assert len(data) == 36
    (tmp_path / "held.mid").write_bytes(data)
    env = {**_env(site), "DISTKIT_DISABLED_PLUGINS": "", "DISTKIT_LOAD_PLUGINS": ""}
    try:
        done = subprocess.run(
            _command("held.mid", "--model", "chorale-hmm", "-o", "out.mid"),
            cwd=tmp_path,
            env=env,
            capture_output=True,
            text=True,
            timeout=10 * CPU_SECONDS,  # a busy machine stretches wall time, not CPU time
            preexec_fn=_limit_memory_and_cpu,
            stdin=subprocess.DEVNULL,
        )
    except subprocess.TimeoutExpired:
        pytest.fail("compose of one held note hung")
    assert done.returncode != -signal.SIGXCPU, "over the CPU bound: work grew with the length"
    _check(done)
    assert done.returncode == 0, done.stderr
    arrangement = read_arrangement(tmp_path / "out.mid")
    assert arrangement.shape == (4, MAX_STEPS, 128)
    assert arrangement[1:].any(axis=2).all()  # every voice sounds all the way through


@pytest.mark.parametrize("tempo", ["nan", "inf", "-inf", "NaN"])
def test_a_tempo_that_is_not_a_number_is_a_usage_error_before_any_model_runs(
    site: Path, tmp_path: Path, tempo: str
) -> None:
    """Issue 25, item 14: `--tempo nan` passed the 20-300 check and crashed writing MIDI."""
    done = compose(site, tmp_path, "--example", "--model", "exits", "--tempo", tempo)
    assert done.returncode == 2
    assert error_line(done).startswith("Error: the tempo must be between 20 and 300")
    assert "bye from the model" not in done.stdout + done.stderr
    assert list(tmp_path.iterdir()) == []


# --- what is read from a file with several tracks or patterns ------------------------------


def test_a_format_2_file_gives_its_first_pattern_and_says_so(site: Path, tmp_path: Path) -> None:
    second = [(72, 0, 96 * 16)]
    (tmp_path / "patterns.mid").write_bytes(midi_bytes([SCALE, second], file_format=2))
    done = compose(site, tmp_path, "patterns.mid", "--model", "parallel", "-o", "out.mid")
    assert done.returncode == 0, done.stderr
    assert done.stderr.splitlines() == [
        "note: patterns.mid is a format-2 MIDI file of independent patterns; "
        "only its first pattern is read"
    ]
    soprano = read_arrangement(tmp_path / "out.mid")[0]
    assert soprano.shape[0] == 32
    assert np.flatnonzero(soprano.any(axis=0)).tolist() == [p for p, _, _ in SCALE]


def test_a_sopranos_rests_are_not_filled_from_the_other_tracks(site: Path, tmp_path: Path) -> None:
    soprano = [note for index, note in enumerate(SCALE) if index % 2 == 0]  # quarter rests
    alto = [(55, 0, 96 * 8)]  # sounds through every rest
    (tmp_path / "satb.mid").write_bytes(midi_bytes([soprano, alto]))
    done = compose(site, tmp_path, "satb.mid", "--model", "parallel", "-o", "out.mid")
    assert done.returncode == 0, done.stderr
    assert done.stderr.splitlines() == [
        "note: satb.mid: the melody is track 1 (Part 1) of 2 with notes; --track N reads another"
    ]
    melody = read_arrangement(tmp_path / "out.mid")[0]
    sounding = melody.any(axis=1).tolist()
    assert sounding == ([True] * 4 + [False] * 4) * 3 + [True] * 4  # quarter notes and rests


def test_a_file_distkit_wrote_is_re_harmonized_from_its_soprano(site: Path, tmp_path: Path) -> None:
    (tmp_path / "tune.mid").write_bytes(midi_bytes([SCALE]))
    assert (
        compose(site, tmp_path, "tune.mid", "--model", "parallel", "-o", "one.mid").returncode == 0
    )
    done = compose(site, tmp_path, "one.mid", "--model", "parallel", "-o", "two.mid")
    assert done.returncode == 0, done.stderr
    assert done.stderr.splitlines() == [
        "note: one.mid: the melody is track 1 (Soprano) of 4 with notes; --track N reads another"
    ]
    first, second = read_arrangement(tmp_path / "one.mid"), read_arrangement(tmp_path / "two.mid")
    assert np.array_equal(second, first)


def test_track_n_takes_another_track(site: Path, tmp_path: Path) -> None:
    (tmp_path / "two.mid").write_bytes(VALID)
    done = compose(site, tmp_path, "two.mid", "--track", "2", "--model", "parallel", "-o", "o.mid")
    assert done.returncode == 0, done.stderr
    assert done.stderr.splitlines() == [
        "note: two.mid: the melody is track 2 (Part 2) of 2 with notes"
    ]
    assert np.flatnonzero(read_arrangement(tmp_path / "o.mid")[0].any(axis=0)).tolist() == [43, 48]


# --- the melody file is never an output -----------------------------------------------------


@pytest.mark.parametrize("alias", ["same", "symlink", "hard link"])
def test_force_never_writes_over_the_melody(site: Path, tmp_path: Path, alias: str) -> None:
    melody = tmp_path / "melody.mid"
    melody.write_bytes(ONE_TRACK)
    output = tmp_path / "out.mid"
    if alias == "same":
        output = melody
    elif alias == "symlink":
        output.symlink_to(melody)
    else:
        output.hardlink_to(melody)
    done = compose(
        site, tmp_path, "melody.mid", "-o", output.name, "--force", "--model", "parallel"
    )
    assert done.returncode == 2
    alias = "" if alias == "same" else " (the same file as melody.mid)"
    assert error_line(done) == (
        f"Error: {output.name} is the melody being read{alias}; write to another file"
    )
    assert melody.read_bytes() == ONE_TRACK


# --- music models that misbehave ------------------------------------------------------------


@pytest.mark.parametrize(
    ("model", "reason"),
    [
        ("exits", "SystemExit: 3"),
        ("exits-in-its-answer", "SystemExit: 4"),
        ("runs-out-of-memory", "MemoryError"),
    ],
)
def test_a_model_that_exits_or_runs_out_of_memory_is_one_line_naming_it(
    site: Path, tmp_path: Path, model: str, reason: str
) -> None:
    (tmp_path / "melody.mid").write_bytes(VALID)
    done = compose(site, tmp_path, "melody.mid", "--model", model, "-o", "out.mid")
    assert done.returncode == 1
    assert done.stdout == ""
    assert done.stderr.strip().splitlines()[-1] == (
        f"Error: the music model {model!r} (plugin 'reliability-models') failed: {reason}"
    )
    assert not (tmp_path / "out.mid").exists()


def test_what_a_model_prints_goes_to_stderr(site: Path, tmp_path: Path) -> None:
    (tmp_path / "melody.mid").write_bytes(midi_bytes([SCALE]))
    done = compose(site, tmp_path, "melody.mid", "--model", "exits")
    assert done.stdout == ""
    assert done.stderr.splitlines()[0] == "bye from the model"


# --- Ctrl-C and SIGTERM while the files are written ----------------------------------------


@pytest.mark.parametrize(
    ("signum", "code"), [(signal.SIGINT, 1), (signal.SIGTERM, -signal.SIGTERM)]
)
def test_a_signal_while_writing_leaves_no_partial_file_and_the_old_one_intact(
    site: Path, tmp_path: Path, signum: int, code: int
) -> None:
    slow = [(60 + i % 12, i * 96, (i + 1) * 96) for i in range(256)]  # 64 bars at 20 bpm
    (tmp_path / "long.mid").write_bytes(midi_bytes([slow], tempo=20))
    (tmp_path / "out.mid").write_bytes(b"the previous harmonization")
    args = ["long.mid", "--model", "parallel", "-o", "out.mid", "--wav", "out.wav", "--force"]
    process = subprocess.Popen(
        _command(*args),
        cwd=tmp_path,
        env=_env(site),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        preexec_fn=_limit_memory,
    )
    try:
        while not any(p.stat().st_size for p in tmp_path.glob(".out.mid.*.part")):
            assert process.poll() is None, "compose ended before the signal could be sent"
            time.sleep(0.01)
        process.send_signal(signum)
        _, stderr = process.communicate(timeout=TIMEOUT)
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
    TALLY["runs"] += 1
    TALLY["tracebacks"] += "Traceback" in stderr
    assert "Traceback" not in stderr
    assert process.returncode == code
    assert sorted(p.name for p in tmp_path.iterdir()) == ["long.mid", "out.mid"]
    assert (tmp_path / "out.mid").read_bytes() == b"the previous harmonization"


# --- hypothesis: mutations of a valid file --------------------------------------------------

BYTE = st.one_of(st.sampled_from([0x00, 0x7F, 0x80, 0xFF]), st.integers(0, 255))
MUTATIONS = st.lists(
    st.tuples(
        st.sampled_from(["set", "set", "set", "insert", "delete", "duplicate", "truncate"]),
        st.integers(0, 2**16),
        BYTE,
        st.integers(1, 16),
    ),
    min_size=1,
    max_size=4,
)


def mutate(data: bytes, mutations: list[tuple[str, int, int, int]]) -> bytes:
    """`data` with each mutation applied at a position taken modulo its length."""
    buffer = bytearray(data)
    for kind, position, byte, count in mutations:
        at = position % (len(buffer) + 1)
        if kind == "set" and at < len(buffer):
            buffer[at] = byte
        elif kind == "insert":
            buffer[at:at] = bytes([byte]) * count
        elif kind == "delete":
            del buffer[at : at + count]
        elif kind == "duplicate":
            buffer[at:at] = buffer[at : at + count] * (byte % 4 + 1)
        elif kind == "truncate":
            del buffer[at:]
    return bytes(buffer)


def mutate_tracks(data: bytes, mutations: list[tuple[str, int, int, int]]) -> bytes:
    """`data` with the mutations applied inside its chunks, whose lengths are then rewritten to
    fit: files that get past the chunk structure into the events."""
    chunks, at = [], 0
    while at < len(data):
        size = int.from_bytes(data[at + 4 : at + 8])
        chunks.append((data[at : at + 4], data[at + 8 : at + 8 + size]))
        at += 8 + size
    bodies = [bytearray(body) for _, body in chunks]
    for kind, position, byte, count in mutations:
        index = position % len(bodies)
        bodies[index] = bytearray(mutate(bytes(bodies[index]), [(kind, position, byte, count)]))
    return b"".join(
        kind + len(body).to_bytes(4) + body for (kind, _), body in zip(chunks, bodies, strict=True)
    )


MUTATED = st.one_of(
    st.builds(mutate, st.just(VALID), MUTATIONS),
    st.builds(mutate_tracks, st.just(VALID), MUTATIONS),
)


@settings(
    max_examples=25,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(data=MUTATED)
def test_mutated_midi_files_through_compose(site: Path, tmp_path: Path, data: bytes) -> None:
    (tmp_path / "fuzz.mid").write_bytes(data)
    compose(site, tmp_path, "fuzz.mid", "--model", "parallel", "-o", "out.mid", "--force")


@settings(
    max_examples=300,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(data=MUTATED)
def test_mutated_midi_files_through_the_library_reader(tmp_path: Path, data: bytes) -> None:
    """In this process: a Melody or a one-line MidiError, in bounded memory, never a hang."""
    path = tmp_path / "fuzz.mid"
    path.write_bytes(data)
    TALLY["reads"] += 1
    with _hang_guard(), _memory_guard():
        outcome = _melody_or_error(path)
    if isinstance(outcome, MidiError):
        assert "\n" not in str(outcome)
        assert str(outcome).startswith(str(path))
    else:
        TALLY["melodies read"] += 1
        assert 0 < outcome.steps <= MAX_STEPS
        assert outcome.roll.sum(axis=1).max() == 1


def _melody_or_error(path: Path) -> Melody | MidiError:
    try:
        return load_melody(path)
    except MidiError as error:
        return error


@contextlib.contextmanager
def _hang_guard(seconds: float = 60) -> Iterator[None]:
    """Fail instead of hanging: an alarm far above any normal read."""

    def hung(signum: int, frame: object) -> None:
        TALLY["hangs"] += 1
        pytest.fail(f"reading hung for {seconds} s")

    previous = signal.signal(signal.SIGALRM, hung)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


@contextlib.contextmanager
def _memory_guard(limit: int = 64 * 1024 * 1024) -> Iterator[None]:
    """Fail if what is allocated while the block runs peaks above `limit` bytes."""
    tracemalloc.start()
    try:
        yield
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < limit, f"reading peaked at {peak / 2**20:.0f} MiB"
