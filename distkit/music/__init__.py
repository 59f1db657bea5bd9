"""Music models: the MusicModel base, piano rolls, MIDI in and out, rendering, metrics."""
