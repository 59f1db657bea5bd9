"""The token alphabet of a voice (no numpy here: the model class must import light)."""

LOWEST_PITCH = 28
PITCH_SPAN = 64
REST = PITCH_SPAN
TOKENS = PITCH_SPAN + 1
OUTSIDE = -1
MAX_SHIFT = 6
