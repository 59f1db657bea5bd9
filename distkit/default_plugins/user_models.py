"""Registers the named models a user trained (see distkit.music.user_models)."""

from __future__ import annotations

from distkit.plugins.hookspecs import Register, hookimpl


@hookimpl
def register_music_models(register: Register) -> None:
    from distkit.music.user_models import list_models, model_class

    for record in list_models():
        register(model_class(record))
