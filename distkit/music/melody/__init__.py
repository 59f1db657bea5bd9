"""Melody models: continue a melody in its key and metre (an n-gram baseline built in)."""
