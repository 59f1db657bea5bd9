"""distkit-coconet: a Coconet-style Bach harmonizer for distkit."""

__version__ = "0.1.0"
