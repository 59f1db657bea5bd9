"""What the PyTorch music-model plugins share when they train: the common options of their
`train` commands (`options`), checkpoints written whole (`checkpoints`), and the torchrun set-up
(`distributed`). Nothing here is imported by `compose`; torch is distkit's `torch` extra."""
