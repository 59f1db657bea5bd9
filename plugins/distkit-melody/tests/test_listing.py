"""Listing the installed models imports neither numpy nor torch with this plugin installed."""

from __future__ import annotations

from distkit.music.testing import listing_with_only


def test_distkit_list_with_the_plugin_imports_neither_numpy_nor_torch() -> None:
    """The models are registered by their import paths and their class modules import light, so
    that listing costs next to nothing (issue 19, item 11)."""
    listed, heavy = listing_with_only("distkit_melody")
    assert "distkit_melody" in listed
    assert heavy == ""
