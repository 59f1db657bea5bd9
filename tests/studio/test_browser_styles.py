"""The studio's parts of issues 20 and 21, offered only where a model has the optional member:
a style picker (`style`), named and programmed voices (`voices`, `programs`), "Continue N bars"
(`continue_melody`) and "Regenerate" over a passage (`infill`)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import expect

from tests.studio.conftest import Studio
from tests.studio.test_browser import harmonize_with, open_studio, snapshot
from tests.studio.test_browser_state import download, load_example

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")


def choose_alto_passage(page: Any, first: int, last: int) -> None:
    """Bars `first` to `last` of the alto alone, ready for Regenerate."""
    page.fill("#passage-from", str(first))
    page.fill("#passage-to", str(last))
    page.uncheck('input.redraw[value="tenor"]')
    page.uncheck('input.redraw[value="bass"]')


def test_a_style_first_then_its_models_and_their_instruments_in_the_midi(
    page: Any, studio: Studio, tmp_path: Path
) -> None:
    import pretty_midi

    open_studio(page, studio)
    page.select_option("#style", "toy-style")
    models = page.locator("#model option").evaluate_all("options => options.map(o => o.value)")
    assert models == ["continues", "infills"]
    load_example(page, "Ode to Joy")
    harmonize_with(page, "continues")
    expect(page.locator("#mixer .voice-alto .voice-name")).to_have_text("viola")
    midi = pretty_midi.PrettyMIDI(str(download(page, "#download-midi", tmp_path / "q.mid")))
    assert [(i.name, i.program) for i in midi.instruments] == [
        ("violin", 40), ("viola", 41), ("cello", 42), ("double bass", 43),
    ]  # fmt: skip


def test_continue_adds_bars_with_a_model_that_can(page: Any, studio: Studio) -> None:
    open_studio(page, studio)
    load_example(page, "Frère Jacques")
    melody_models = page.locator("#continue-model option").evaluate_all(
        "options => options.map(o => o.value)"
    )
    assert "continues" in melody_models
    assert "parallel" not in melody_models  # only models that can continue a melody
    page.select_option("#continue-model", "continues")
    page.select_option("#continue-bars", "1")
    page.click("#continue")
    expect(page.locator("#melody-message")).to_contain_text("Continued by 1 bar")
    expect(page.locator("#melody-text")).to_have_value(
        "G4 A4 B4 G4 G4 A4 B4 G4 B4 C5 D5:2 B4 C5 D5:2" + " D5:0.75 r:0.25" * 3 + " D5:0.75 r:0.25"
    )
    page.click("#undo")
    expect(page.locator("#melody-text")).to_have_value(
        "G4 A4 B4 G4 G4 A4 B4 G4 B4 C5 D5:2 B4 C5 D5:2"
    )


def test_regenerate_redraws_only_the_ticked_voices_in_the_passage(
    page: Any, studio: Studio, tmp_path: Path
) -> None:
    open_studio(page, studio)
    load_example(page, "Ode to Joy")
    page.select_option("#model", "parallel")
    harmonize_with(page, "parallel")
    assert page.is_hidden("#passage-controls")  # parallel has no infill
    harmonize_with(page, "infills")
    expect(page.locator("#passage-controls")).to_be_visible()
    before = page.evaluate("() => JSON.stringify(state.arrangement.voices)")
    choose_alto_passage(page, 2, 2)
    page.click("#regenerate")
    page.wait_for_function(
        "before => JSON.stringify(state.arrangement.voices) !== before", arg=before
    )
    expect(page.locator("#harmonize-message")).to_contain_text("bars 2-2 regenerated (alto)")
    snapshot(page, tmp_path, "studio-regenerate")
    voices = page.evaluate("() => state.arrangement.voices")
    old = page.evaluate(f"() => JSON.parse({before!r})")
    assert voices["tenor"] == old["tenor"]
    assert voices["bass"] == old["bass"]
    assert [n for n in voices["alto"] if n[2] <= 16] == [n for n in old["alto"] if n[2] <= 16]
    in_bar_two = [n for n in voices["alto"] if 16 <= n[1] < 32]
    melody = [n for n in voices["soprano"] if 16 <= n[1] < 32]
    assert [p for p, _, _ in in_bar_two] == [p - 7 for p, _, _ in melody]


def test_one_job_at_a_time_the_buttons_that_start_one_are_off_until_it_ends(
    page: Any, studio: Studio, tmp_path: Path
) -> None:
    """Two clicks on Regenerate before the first request is answered send one request;
    a take that changes nothing is said, not shown as regenerated; and Harmonize, Continue and
    Regenerate stay off while a job runs."""
    open_studio(page, studio)
    load_example(page, "Ode to Joy")
    harmonize_with(page, "infills")
    posted: list[str] = []
    page.on("request", lambda r: posted.append(r.url) if r.method == "POST" else None)
    page.fill("#passage-from", "2")
    page.fill("#passage-to", "2")
    page.evaluate("() => { $('regenerate').click(); $('regenerate').click(); }")
    page.wait_for_function("() => !document.querySelector('#regenerate').disabled")
    expect(page.locator("#harmonize-message")).to_contain_text("bars 2-2 regenerated")
    assert [url for url in posted if url.split("?")[0].endswith("/api/jobs")] == [posted[0]], posted
    page.click("#regenerate")  # infills always writes the same fifth: nothing new to show
    expect(page.locator("#passage-message")).to_have_text(
        "infills gave bars 2-2 back as they were, take after take: nothing changed."
    )
    snapshot(page, tmp_path, "studio-regenerate-unchanged")
    page.select_option("#model", "slow")
    page.click("#harmonize")
    expect(page.locator("#progress")).to_be_visible()
    for button in ("#harmonize", "#continue", "#regenerate", "#another-take"):
        expect(page.locator(button)).to_be_disabled()
    page.click("#cancel")
    for button in ("#harmonize", "#continue", "#regenerate", "#another-take"):
        expect(page.locator(button)).to_be_enabled()


def test_the_built_in_chorale_hmm_regenerates_bars_two_to_three_of_the_alto_only(
    page: Any, studio: Studio, tmp_path: Path
) -> None:
    """Issue 21's browser check with the shipped default model (its takes: the best of four by
    voice-leading faults): the downloaded MIDI changes in bars 2-3 of the alto and nowhere else."""
    import numpy as np

    from distkit.music.midi import read_arrangement

    open_studio(page, studio)
    load_example(page, "Ode to Joy")
    harmonize_with(page, "chorale-hmm")
    first = read_arrangement(download(page, "#download-midi", tmp_path / "first.mid"))
    before = page.evaluate("() => JSON.stringify(state.arrangement.voices)")
    choose_alto_passage(page, 2, 3)
    for _ in range(4):  # a take may by chance give the window back as it was: ask again
        page.click("#regenerate")
        page.wait_for_function("() => !document.querySelector('#regenerate').disabled")
        if page.evaluate("() => JSON.stringify(state.arrangement.voices)") != before:
            break
    expect(page.locator("#harmonize-message")).to_contain_text("bars 2-3 regenerated (alto)")
    snapshot(page, tmp_path, "studio-regenerate-chorale-hmm")
    again = read_arrangement(download(page, "#download-midi", tmp_path / "again.mid"))
    changed = np.argwhere((first != again).any(axis=2))
    assert changed.size > 0
    assert set(changed[:, 0]) == {1}  # the alto only
    assert changed[:, 1].min() >= 16
    assert changed[:, 1].max() < 48  # bars 2-3: steps 16-47
