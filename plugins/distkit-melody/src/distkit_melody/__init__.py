"""distkit-melody: a small Transformer that continues folk melodies, as a distkit plugin."""
