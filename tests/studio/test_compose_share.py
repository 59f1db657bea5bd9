"""`distkit compose --notes/--tempo/--share`, the shared page, and the studio's light start-up."""

from __future__ import annotations

import base64
import re
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from distkit.cli import cli
from distkit.music.midi import read_arrangement, read_tempo
from distkit.music.notes import Note, notes_of
from distkit.music.share import pianoroll_svg, share_html

TWINKLE = "G4 G4 D5 D5 E5 E5 D5:2 C5 C5 B4 B4 A4 A4 G4:2"


def compose(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli, ["compose", *args])
    return result.exit_code, result.stdout, result.stderr


def test_notes_are_harmonized_into_four_tracks_led_by_the_melody(tmp_path: Path) -> None:
    out = tmp_path / "twinkle.mid"
    code, stdout, stderr = compose("--notes", "G4 r D5:2 C5:0.5", "-o", str(out))
    assert code == 0, stderr
    tracks = read_arrangement(out)
    assert tracks.shape[0] == 4
    assert notes_of(tracks[0]) == [Note(67, 0, 4), Note(74, 8, 16), Note(72, 16, 18)]
    assert "Harmonized melody with chorale-hmm" in stdout


def test_tempo_sets_the_tempo_of_what_is_written(tmp_path: Path) -> None:
    out = tmp_path / "fast.mid"
    assert compose("--notes", TWINKLE, "--tempo", "132", "-o", str(out))[0] == 0
    assert read_tempo(out) == pytest.approx(132, abs=0.01)


def test_a_bad_note_is_one_line_naming_its_position(tmp_path: Path) -> None:
    code, _stdout, stderr = compose("--notes", "G4 G4 D5 Q5", "-o", str(tmp_path / "x.mid"))
    assert code == 2
    assert stderr.strip().splitlines() == [
        "Error: note 4 'Q5': expected a note name with octave such as C4, F#3 or Bb5, "
        "or r for a rest"
    ]
    assert not (tmp_path / "x.mid").exists()


@pytest.mark.parametrize(
    "extra", [["--example"], ["MELODY.mid"]], ids=["with --example", "with a file"]
)
def test_notes_and_another_melody_together_are_a_usage_error(extra: list[str]) -> None:
    code, _, stderr = compose("--notes", "C4", *extra)
    assert code == 2
    assert "give one of MELODY.mid, --notes or --example, not both" in stderr


def test_share_writes_one_page_that_loads_nothing_from_the_network(tmp_path: Path) -> None:
    page = tmp_path / "twinkle.html"
    code, stdout, stderr = compose(
        "--notes", TWINKLE, "-o", str(tmp_path / "t.mid"), "--share", str(page)
    )
    assert code == 0, stderr
    text = page.read_text()
    assert "http://" not in text
    assert "https://" not in text
    assert not re.search(r"""(src|href)=["'](?!data:)""", text)  # every resource is inline
    assert f"HTML {page}" in stdout


def test_the_shared_page_embeds_the_same_midi_as_the_file(tmp_path: Path) -> None:
    midi, page = tmp_path / "t.mid", tmp_path / "t.html"
    compose("--notes", TWINKLE, "-o", str(midi), "--share", str(page))
    embedded = re.search(r'href="data:audio/midi;base64,([^"]+)"', page.read_text())
    assert embedded is not None
    assert base64.b64decode(embedded[1]) == midi.read_bytes()


def test_share_never_overwrites_a_page_without_force(tmp_path: Path) -> None:
    page = tmp_path / "mine.html"
    page.write_text("my own page")
    code, _, stderr = compose("--notes", "C4", "-o", str(tmp_path / "a.mid"), "--share", str(page))
    assert code == 2
    assert stderr.strip() == f"Error: {page} already exists; use --force to overwrite it"
    assert page.read_text() == "my own page"
    assert not (tmp_path / "a.mid").exists()  # checked before anything is written
    assert (
        compose("--notes", "C4", "-o", str(tmp_path / "a.mid"), "--share", str(page), "--force")[0]
        == 0
    )
    assert page.read_text().startswith("<!DOCTYPE html>")


def test_share_needs_an_html_name(tmp_path: Path) -> None:
    code, _, stderr = compose("--notes", "C4", "--share", str(tmp_path / "page.txt"))
    assert code == 2
    assert "must end in .html" in stderr


def test_the_piano_roll_has_one_rect_per_note_and_voice() -> None:
    import numpy as np

    arrangement = np.zeros((4, 8, 128), dtype=bool)
    arrangement[0, 0:4, 72] = arrangement[0, 4:8, 74] = True
    arrangement[1, :, 67] = arrangement[2, :, 64] = arrangement[3, :, 48] = True
    svg = pianoroll_svg(arrangement)
    counts = [svg.count(f'class="note voice-{v}"') for v in ("soprano", "alto", "tenor", "bass")]
    assert counts == [2, 1, 1, 1]


def test_a_title_cannot_inject_markup() -> None:
    import numpy as np

    arrangement = np.zeros((4, 4, 128), dtype=bool)
    arrangement[:, :, 60] = True
    page = share_html(arrangement, tempo=100, model="<b>m</b>", title="<script>x</script>")
    assert "<script>" not in page
    assert "&lt;script&gt;" in page


@pytest.mark.parametrize("command", [["--help"], ["list"], ["compose", "--help"]])
def test_commands_other_than_studio_import_no_web_server(command: list[str]) -> None:
    code = (
        "import sys\nfrom distkit.cli import main\n"
        f"sys.argv = ['distkit', *{command!r}]\n"
        "try:\n    main()\nexcept SystemExit:\n    pass\n"
        "web = ('starlette', 'uvicorn', 'anyio', 'h11', 'distkit.studio')\n"
        "print('imported:', *(m for m in web if m in sys.modules))\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.splitlines()[-1] == "imported:"


def test_studio_help_names_its_options() -> None:
    result = CliRunner().invoke(cli, ["studio", "--help"])
    assert "--port" in result.output
    assert "--no-browser" in result.output


def test_share_alone_writes_only_the_page_which_holds_the_midi(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    code, stdout, stderr = compose("--notes", "C4 D4 E4 F4", "--share", "page.html")
    assert code == 0, stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == ["page.html"]
    assert "1 bar, 16 steps" in stdout
    assert 'href="data:audio/midi;base64,' in (tmp_path / "page.html").read_text()
