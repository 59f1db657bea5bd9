"""`--plot`: four panels (histogram and densities, CDFs, QQ, PP), for the best fits or one."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from click.testing import CliRunner

from distkit.cli import cli
from distkit.distributions.candidates import Candidate
from distkit.distributions.panels import panels_figure


def axes_with_data(figure: object) -> list[str]:
    """The titles of the axes that hold drawn data (lines, bars or markers)."""
    titles = []
    for ax in figure.axes:  # type: ignore[attr-defined]
        drawn = [line for line in ax.get_lines() if len(line.get_xdata()) > 1]
        if drawn or ax.patches:
            titles.append(ax.get_title())
    return titles


@pytest.mark.parametrize(
    ("names", "data"),
    [
        (["gamma", "lognorm"], np.random.default_rng(0).gamma(2, 3, 300)),
        (["poisson", "nbinom"], np.random.default_rng(1).poisson(4, 300).astype(float)),
    ],
)
def test_the_figure_has_four_axes_each_with_data(names: list[str], data: np.ndarray) -> None:
    fits = [Candidate.scipy(name).fit(data, {}) for name in names]
    figure = panels_figure(data, fits)
    assert len(figure.axes) == 4
    assert len(axes_with_data(figure)) == 4
    for ax in figure.axes:
        labels = ax.get_legend_handles_labels()[1]
        assert all(name in " ".join(labels) for name in names)


def test_fit_best_plot_writes_the_four_panels(tmp_path: Path) -> None:
    path = tmp_path / "data.txt"
    path.write_text("\n".join(map(str, np.random.default_rng(2).normal(5, 1, 200))) + "\n")
    png = tmp_path / "best.png"
    args = ["fit", "--best", str(path), "--families", "norm,logistic", "--plot", str(png)]
    result = CliRunner().invoke(cli, args)
    assert result.exit_code == 0, result.output
    image = _read_png(png)
    assert image.shape[:2] == (850, 1100)


def test_fit_one_family_plot_writes_the_same_four_panels(tmp_path: Path) -> None:
    path = tmp_path / "data.txt"
    path.write_text("\n".join(map(str, np.random.default_rng(3).normal(5, 1, 200))) + "\n")
    png = tmp_path / "one.png"
    result = CliRunner().invoke(cli, ["fit", "gaussian", str(path), "--plot", str(png)])
    assert result.exit_code == 0, result.output
    assert _read_png(png).shape[:2] == (850, 1100)


def _read_png(path: Path) -> np.ndarray:
    from matplotlib.image import imread

    image: np.ndarray = imread(path)
    return image


def _data_file(tmp_path: Path) -> Path:
    path = tmp_path / "data.txt"
    path.write_text("\n".join(map(str, np.random.default_rng(4).normal(5, 1, 200))) + "\n")
    return path


def test_an_interrupted_plot_leaves_the_old_picture_whole(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from matplotlib.figure import Figure

    png = tmp_path / "kept.png"
    png.write_bytes(b"the old picture")

    def interrupted(self: Figure, target: object, **options: object) -> None:
        Path(str(target)).write_bytes(b"half a pic")
        raise KeyboardInterrupt

    monkeypatch.setattr(Figure, "savefig", interrupted)
    args = ["fit", "gaussian", str(_data_file(tmp_path)), "--plot", str(png), "--force"]
    result = CliRunner().invoke(cli, args)
    assert result.exit_code != 0
    assert png.read_bytes() == b"the old picture"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["data.txt", "kept.png"]


def test_a_plot_path_that_is_a_dangling_link_a_fifo_or_in_no_folder_is_refused(
    tmp_path: Path,
) -> None:
    import os

    data = str(_data_file(tmp_path))
    dangling = tmp_path / "dangling.png"
    dangling.symlink_to(tmp_path / "nowhere.txt")
    fifo = tmp_path / "pipe.png"
    os.mkfifo(fifo)
    cases = {
        dangling: "already exists; use --force",
        fifo: "is not a regular file",
        tmp_path / "missing" / "p.png": "is not a folder; create it first",
    }
    for png, message in cases.items():
        result = CliRunner().invoke(cli, ["fit", "gaussian", data, "--plot", str(png)])
        assert result.exit_code == 2, result.output
        assert message in result.output
    assert not (tmp_path / "nowhere.txt").exists()
    forced = CliRunner().invoke(cli, ["fit", "gaussian", data, "--plot", str(fifo), "--force"])
    assert forced.exit_code == 2
    assert "is not a regular file" in forced.output
