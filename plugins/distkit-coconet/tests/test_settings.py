"""Sampler settings read from a file: every field checked, the file named when one is wrong."""

from __future__ import annotations

import json
import os
from dataclasses import asdict
from pathlib import Path

import pytest
from distkit_coconet.model import SAMPLER, shipped_settings
from distkit_coconet.settings import GibbsSettings, read_settings

from distkit.errors import ModelRegistryError


def test_a_missing_file_gives_the_defaults_and_a_written_one_reads_back(tmp_path: Path) -> None:
    assert read_settings(tmp_path / "none.json") == GibbsSettings()
    chosen = GibbsSettings(passes=7, temperature=2, melody_rests="held", close_on_tonic=True)
    path = tmp_path / "sampler.json"
    path.write_text(json.dumps(asdict(chosen)))
    assert read_settings(path) == chosen
    path.write_text('{"passes": 5}')
    assert read_settings(path) == GibbsSettings(passes=5)


def test_the_shipped_settings_are_the_file_s() -> None:
    assert asdict(shipped_settings()) == {
        **asdict(GibbsSettings()),
        **json.loads(SAMPLER.read_text()),
    }


@pytest.mark.parametrize(
    ("text", "says"),
    [
        ('{"passes": "x"}', "'passes' must be a whole number, not 'x'"),
        ('{"passes": 4.5}', "'passes' must be a whole number, not 4.5"),
        ('{"passes": true}', "'passes' must be a whole number, not True"),
        ('{"passes": 0}', "'passes' must be above 0, not 0"),
        ('{"final_temperature": 1e-40}', "'final_temperature' must be at least 0.001, not 1e-40"),
        ('{"temperature": 0.0009}', "'temperature' must be at least 0.001, not 0.0009"),
        ('{"temperature": "hot"}', "'temperature' must be a number, not 'hot'"),
        ('{"temperature": NaN}', "'temperature' must be a finite number, not nan"),
        ('{"temperature": -Infinity}', "'temperature' must be a finite number, not -inf"),
        ('{"passes": 1000001}', "'passes' must be at most 1,000,000, not 1000001"),
        ('{"passes": 1' + "0" * 400 + "}", "'passes' must be at most 1,000,000, not 1"),
        ('{"temperature": 1' + "0" * 400 + "}", "'temperature' must be at most 1,000,000"),
        ('{"passes": 1' + "0" * 5000 + "}", "the sampler settings cannot be read: "),
        (
            '{"passes": ' + "[" * 100_000 + "]" * 100_000 + "}",
            "the sampler settings cannot be read",
        ),
        ('{"rule_weight": -1}', "'rule_weight' must be 0 or more, not -1"),
        ('{"floor": 2}', "'floor' must be at most 1, not 2"),
        ('{"close_on_tonic": "no"}', "'close_on_tonic' must be true or false, not 'no'"),
        ('{"melody_rests": "sometimes"}', "'melody_rests' must be one of kept, held"),
        ('{"melody_rests": 3}', "'melody_rests' must be one of"),
        ('{"pases": 4}', "unknown sampler setting 'pases' (did you mean 'passes'?)"),
        ('{"zzz": 4}', "unknown sampler setting 'zzz' (known: passes, floor"),
        ("[]", "must be a JSON object of named settings"),
        ("not json", "are not JSON (line 1"),
        ('{"passes": 4,}', "are not JSON (line 1"),
    ],
)
def test_a_wrong_setting_is_refused_naming_the_file_and_the_field(
    tmp_path: Path, text: str, says: str
) -> None:
    path = tmp_path / "sampler.json"
    path.write_text(text)
    with pytest.raises(ModelRegistryError) as refused:
        read_settings(path)
    message = str(refused.value)
    assert message.startswith(f"{path}: ")
    assert says in message
    assert "\n" not in message


def test_a_file_that_is_not_text_or_not_a_file_is_refused(tmp_path: Path) -> None:
    binary = tmp_path / "sampler.json"
    binary.write_bytes(b"\xff\xfe\x00garbage")
    with pytest.raises(ModelRegistryError, match="cannot read the sampler settings"):
        read_settings(binary)
    with pytest.raises(ModelRegistryError, match="not a regular file"):
        read_settings(tmp_path)
    fifo = tmp_path / "fifo.json"
    os.mkfifo(fifo)
    with pytest.raises(ModelRegistryError, match="not a regular file"):
        read_settings(fifo)  # refused at once: reading it would wait for a writer for ever


def test_a_path_that_cannot_even_be_looked_at_is_refused_in_one_line(tmp_path: Path) -> None:
    with pytest.raises(ModelRegistryError, match="cannot read the sampler settings"):
        read_settings(tmp_path / ("x" * 300) / "sampler.json")


def test_a_corpus_model_without_a_settings_file_samples_with_the_defaults() -> None:
    from distkit_coconet.corpus_model import CorpusCoconet

    assert CorpusCoconet().settings == GibbsSettings()
