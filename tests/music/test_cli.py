"""Specification of `distkit compose`."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pytest
from click.testing import CliRunner, Result

from distkit.cli import cli
from distkit.music.midi import read_arrangement, read_melody
from distkit.plugins import get_registry

pytestmark = pytest.mark.usefixtures("test_models")


@pytest.fixture(autouse=True)
def _in_tmp_path(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)


def compose(*args: str) -> Result:
    return CliRunner().invoke(cli, ["compose", *args])


def one_error_line(result: Result) -> str:
    assert "Traceback" not in result.output
    (line,) = result.stderr.strip().splitlines()
    return line


def test_compose_writes_four_tracks_of_the_melodys_length(melody_file: Path) -> None:
    result = compose(str(melody_file), "--model", "parallel", "-o", "out.mid")
    assert result.exit_code == 0, result.output
    arrangement = read_arrangement("out.mid")
    assert arrangement.shape == (4, 32, 128)
    assert np.array_equal(arrangement[0], read_melody(melody_file))


def test_compose_says_which_model_wrote_what_and_how_long_it_is(melody_file: Path) -> None:
    result = compose(str(melody_file), "--model", "parallel", "--png", "r.png", "--wav", "r.wav")
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines() == [
        "Harmonized scale with parallel (plugin music-test): 2 bars, 32 steps",
        "  MIDI scale-harmonized.mid",
        "  PNG  r.png",
        "  WAV  r.wav",
    ]


def test_compose_names_the_output_after_the_melody_in_the_current_folder(
    melody_file: Path, tmp_path: Path
) -> None:
    assert compose(str(melody_file), "--model", "parallel").exit_code == 0
    assert sorted(p.name for p in tmp_path.iterdir()) == ["scale-harmonized.mid", "scale.mid"]


def test_compose_example_harmonizes_twinkle(tmp_path: Path) -> None:
    result = compose("--example", "--model", "parallel")
    assert result.exit_code == 0, result.output
    assert "12 bars, 192 steps" in result.stdout
    assert read_arrangement(tmp_path / "twinkle-harmonized.mid").shape == (4, 192, 128)


def test_compose_writes_the_png_and_the_wav_too(tmp_path: Path) -> None:
    result = compose("--example", "--model", "parallel", "--png", "roll.png", "--wav", "out.wav")
    assert result.exit_code == 0, result.output
    assert (tmp_path / "roll.png").read_bytes()[:4] == b"\x89PNG"
    assert (tmp_path / "out.wav").read_bytes()[:4] == b"RIFF"


@pytest.mark.usefixtures("with_fake_bach")
def test_compose_does_not_default_to_a_model_without_a_recorded_panel(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.delenv("DISTKIT_DISABLED_PLUGINS")
    get_registry.cache_clear()
    result = compose("--example")
    assert result.exit_code == 0, result.output
    assert "with chorale-hmm (plugin distkit.music)" in result.stdout


@pytest.mark.usefixtures("with_broken_plugin")
def test_a_broken_music_plugin_is_one_warning_and_the_rest_works() -> None:
    result = compose("--example", "--model", "parallel")
    assert result.exit_code == 0, result.output
    assert result.stderr.splitlines() == [
        "warning: plugin 'broken' failed in register_music_models: RuntimeError: weights missing"
        " (see `distkit plugins`)"
    ]


def test_compose_needs_a_melody_or_the_example() -> None:
    result = compose("--model", "parallel")
    assert result.exit_code == 2
    assert "give a MELODY.mid to harmonize, or --example" in result.stderr


def test_compose_refuses_a_melody_and_the_example_together(melody_file: Path) -> None:
    result = compose(str(melody_file), "--example", "--model", "parallel")
    assert result.exit_code == 2
    assert "not both" in result.stderr


def test_a_melody_file_that_gives_no_melody_is_one_line_and_exit_2(
    bad_midi: tuple[Path, str],
) -> None:
    path, message = bad_midi
    result = compose(str(path), "--model", "parallel")
    assert result.exit_code == 2
    assert one_error_line(result).startswith(f"Error: {path} {message}")
    assert not Path(f"{path.stem}-harmonized.mid").exists()


def test_a_chord_in_the_melody_is_one_warning_line(
    tmp_path: Path, make_midi: Callable[..., Path]
) -> None:
    path = make_midi(tmp_path / "chords.mid", [[(72, 0, 480), (76, 0, 480)]])
    result = compose(str(path), "--model", "parallel")
    assert result.exit_code == 0, result.output
    assert result.stderr.splitlines() == [
        f"warning: {path} has chords at 4 of 4 steps; kept the highest note of each"
    ]


def test_an_unknown_model_is_one_line_naming_the_known_ones() -> None:
    result = compose("--example", "--model", "no-such-model")
    assert result.exit_code == 2
    assert "Known: changes-melody, crashes, parallel, touches-kept, wrong-shape." in one_error_line(
        result
    )


def test_a_misbehaving_model_is_one_line_and_exit_1(tmp_path: Path) -> None:
    result = compose("--example", "--model", "wrong-shape")
    assert result.exit_code == 1
    assert "'wrong-shape' (plugin 'music-test') returned shape" in one_error_line(result)
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("existing", ["out.mid", "roll.png", "out.wav"])
def test_an_existing_output_is_refused_without_force_and_nothing_is_written(
    tmp_path: Path, existing: str
) -> None:
    (tmp_path / existing).write_text("keep me")
    result = compose(
        "--example", "--model", "parallel", "-o", "out.mid", "--png", "roll.png", "--wav", "out.wav"
    )
    assert result.exit_code == 2
    assert (
        one_error_line(result) == f"Error: {existing} already exists; use --force to overwrite it"
    )
    assert [p.name for p in tmp_path.iterdir()] == [existing]
    assert (tmp_path / existing).read_text() == "keep me"


def test_force_replaces_existing_outputs(tmp_path: Path) -> None:
    for name in ("out.mid", "roll.png", "out.wav"):
        (tmp_path / name).write_text("old")
    args = ["--example", "--model", "parallel", "-o", "out.mid", "--png", "roll.png"]
    result = compose(*args, "--wav", "out.wav", "--force")
    assert result.exit_code == 0, result.output
    assert read_arrangement(tmp_path / "out.mid").shape == (4, 192, 128)
    assert (tmp_path / "roll.png").read_bytes()[:4] == b"\x89PNG"
    assert (tmp_path / "out.wav").read_bytes()[:4] == b"RIFF"


def test_an_output_in_a_missing_folder_is_refused_before_harmonizing() -> None:
    result = compose("--example", "--model", "crashes", "-o", "no/such/out.mid")
    assert result.exit_code == 2
    assert one_error_line(result) == "Error: no/such is not a folder; create it first"


def test_compose_help_imports_no_heavy_library() -> None:
    code = (
        "import sys\n"
        "from distkit.cli import main\n"
        "sys.argv = ['distkit', 'compose', '--help']\n"
        "try:\n    main()\nexcept SystemExit:\n    pass\n"
        "heavy = ('numpy', 'matplotlib', 'pretty_midi', 'mido', 'torch')\n"
        "print(','.join(m for m in heavy if m in sys.modules), file=sys.stderr)\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert "--example" in done.stdout
    assert done.stderr.strip() == ""


def test_compose_example_with_the_built_in_model(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("DISTKIT_DISABLED_PLUGINS")
    result = compose("--example", "--seed", "1")
    assert result.exit_code == 0, result.output
    assert "with chorale-hmm (plugin distkit.music)" in result.stdout
    assert read_arrangement("twinkle-harmonized.mid").shape[0] == 4


def test_the_melody_track_is_named_on_stderr_when_there_is_a_choice(
    tmp_path: Path, make_midi: Callable[..., Path]
) -> None:
    path = make_midi(tmp_path / "duet.mid", [[(72, 0, 480)], [(60, 0, 960)]])
    result = compose(str(path), "--model", "parallel", "-o", "out.mid")
    assert result.exit_code == 0, result.output
    assert result.stderr.splitlines() == [
        f"note: {path}: the melody is track 1 of 2 with notes; --track N reads another"
    ]
    assert read_arrangement("out.mid").shape == (4, 4, 128)


def test_track_n_harmonizes_that_track(tmp_path: Path, make_midi: Callable[..., Path]) -> None:
    path = make_midi(tmp_path / "duet.mid", [[(72, 0, 480)], [(60, 0, 960)]])
    result = compose(str(path), "--track", "2", "--model", "parallel", "-o", "out.mid")
    assert result.exit_code == 0, result.output
    assert np.flatnonzero(read_arrangement("out.mid")[0].any(axis=0)).tolist() == [60]


@pytest.mark.parametrize("track", ["0", "-1", "x"])
def test_track_must_be_a_positive_number(melody_file: Path, track: str) -> None:
    result = compose(str(melody_file), "--track", track, "--model", "parallel")
    assert result.exit_code == 2
    assert "--track" in one_error_line(result)


def test_track_needs_a_melody_file() -> None:
    result = compose("--example", "--track", "2", "--model", "parallel")
    assert result.exit_code == 2
    assert one_error_line(result).startswith("Error: --track picks a track of a MELODY.mid")


@pytest.mark.parametrize("alias", ["same", "symlink", "hard link"])
def test_force_never_writes_over_the_melody(melody_file: Path, alias: str) -> None:
    before = melody_file.read_bytes()
    output = melody_file if alias == "same" else Path("out.mid")
    if alias == "symlink":
        output.symlink_to(melody_file)
    elif alias == "hard link":
        output.hardlink_to(melody_file)
    result = compose(str(melody_file), "-o", str(output), "--force", "--model", "parallel")
    assert result.exit_code == 2
    assert "is the melody being read" in one_error_line(result)
    assert melody_file.read_bytes() == before


def test_a_wav_too_long_is_refused_before_harmonizing(
    tmp_path: Path, make_midi: Callable[..., Path]
) -> None:
    path = make_midi(tmp_path / "long.mid", [[(60, 0, 5000 * 480)]], tempi=((0, 20.0),))
    result = compose(str(path), "--model", "crashes", "--wav", "out.wav")
    assert result.exit_code == 2
    assert one_error_line(result) == (
        "Error: the WAV would last 4.2 hours at 20 quarter notes a minute; "
        "distkit renders at most 4 hours"
    )


def test_running_out_of_memory_is_one_line_and_leaves_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import distkit.music.plotting

    def out_of_memory(*args: object, **kwargs: object) -> None:
        raise MemoryError

    monkeypatch.setattr(distkit.music.plotting, "save_pianoroll", out_of_memory)
    result = compose("--example", "--model", "parallel", "--png", "roll.png")
    assert result.exit_code == 1
    assert one_error_line(result) == (
        "Error: ran out of memory while composing; nothing was written"
    )
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("seed", ["-1", str(2**32), str(2**64)])
def test_a_seed_no_sampler_can_take_is_a_usage_error(tmp_path: Path, seed: str) -> None:
    out = tmp_path / "out.mid"
    args = ["compose", "--notes", "G4 A4", "--seed", seed, "-o", str(out)]
    result = CliRunner().invoke(cli, args)
    assert result.exit_code == 2
    assert f"Invalid value for '--seed': {seed} is not in the range 0<=x<=4294967295" in (
        result.output
    )
    assert not out.exists()


def test_a_training_seed_is_checked_as_compose_s_is() -> None:
    import click

    from distkit.music.training.options import training_options

    @click.command()
    @training_options(iterations=1, out="w.pt")
    def train(**options: object) -> None:
        click.echo(f"seed {options['seed']}")

    assert CliRunner().invoke(train, ["--seed", "7"]).output == "seed 7\n"
    for seed in ("-1", str(2**64)):
        result = CliRunner().invoke(train, ["--seed", seed])
        assert result.exit_code == 2
        assert "is not in the range 0<=x<=4294967295" in result.output


def test_training_output_in_a_missing_folder_is_refused_before_any_work(tmp_path: Path) -> None:
    import click

    from distkit.music.training.options import refuse_overwrite

    shipped = tmp_path / "shipped.pt"
    with pytest.raises(click.UsageError, match="is not a folder; create it first"):
        refuse_overwrite(tmp_path / "missing" / "w.pt", force=True, shipped=shipped)
    refuse_overwrite(tmp_path / "w.pt", force=False, shipped=shipped)


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--model", ""], "Error: --model needs a name (see `distkit list`)"),
        (["--style", " "], "Error: --style needs a name (see `distkit list`)"),
    ],
)
def test_an_empty_model_or_style_name_is_refused_not_read_as_the_default(
    tmp_path: Path, args: list[str], message: str
) -> None:
    out = tmp_path / "out.mid"
    result = CliRunner().invoke(cli, ["compose", "--notes", "G4 A4", *args, "-o", str(out)])
    assert result.exit_code == 2
    assert result.stderr.splitlines() == [message]
    assert not out.exists()


def test_a_melody_file_s_tempo_out_of_range_names_the_file_and_the_option(tmp_path: Path) -> None:
    import pretty_midi

    slow = tmp_path / "slow.mid"
    midi = pretty_midi.PrettyMIDI(initial_tempo=15)
    track = pretty_midi.Instrument(program=0)
    for index, pitch in enumerate((67, 69, 71, 72)):
        track.notes.append(pretty_midi.Note(80, pitch, index * 4.0, index * 4.0 + 4.0))
    midi.instruments.append(track)
    midi.write(str(slow))
    out = tmp_path / "out.mid"
    args = ["compose", str(slow), "--model", "parallel", "-o", str(out)]
    refused = CliRunner().invoke(cli, args)
    assert refused.exit_code == 2
    assert refused.stderr.splitlines() == [
        f"Error: {slow} sets a tempo of 15 quarter notes a minute; distkit writes 20 to 300: "
        "give one with --tempo"
    ]
    written = CliRunner().invoke(cli, [*args, "--tempo", "100"])
    assert written.exit_code == 0, written.output
    assert out.exists()
