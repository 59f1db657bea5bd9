"""distkit plugin hooks: the `folk-transformer` melody model, registered by its import path."""

from __future__ import annotations

from collections.abc import Callable

import pluggy

hookimpl = pluggy.HookimplMarker("distkit")


@hookimpl
def register_music_models(register: Callable[..., None]) -> None:
    register(
        "distkit_melody.model:FolkTransformer",
        name="folk-transformer",
        description=(
            "decoder-only Transformer over note events trained on about 10,000 folk tunes of "
            "music21's corpus; continues melodies (compose --continue N)"
        ),
    )
