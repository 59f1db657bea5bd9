"""distkit plugin hooks: the style models (string quartet, Renaissance polyphony)."""

from __future__ import annotations

from collections.abc import Callable

import pluggy

hookimpl = pluggy.HookimplMarker("distkit")


@hookimpl
def register_music_models(register: Callable[..., None]) -> None:
    register(
        "distkit_styles.model:QuartetCoconet",
        name="quartet-coconet",
        description=(
            "Coconet-style infiller trained on Haydn, Mozart and Beethoven string quartet "
            "movements; writes violin II, viola and cello (style string-quartet)"
        ),
    )
    register(
        "distkit_styles.model:RenaissanceCoconet",
        name="palestrina-coconet",
        description=(
            "Coconet-style infiller trained on Palestrina's four-voice mass movements; writes "
            "altus, tenor and bassus (style renaissance)"
        ),
    )
