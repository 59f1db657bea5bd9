"""Shared fixtures: a few chorales parsed into a private cache, and a simple melody."""

from distkit.music.testing import chorale_cache, few_chorales, scale_melody

__all__ = ["chorale_cache", "few_chorales", "scale_melody"]
