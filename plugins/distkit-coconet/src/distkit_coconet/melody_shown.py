"""The soprano line the network is shown: the user's melody as a chorale soprano would sing it.

bach-coconet learned from Bach, whose sopranos seldom rest inside a phrase or start a note on an
odd sixteenth. Shown a violin's line, it copies that line's rests and sixteenth figuration into
the lower voices. With these settings the network hears a plainer line; the melody written in
the output's top voice is always the user's own, note for note.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from distkit_coconet.tokens import REST

if TYPE_CHECKING:
    from numpy.typing import NDArray

REST_CHOICES = ("kept", "held", "held-from-start")
"""How the melody's rests are shown: as rests; those inside it (between its first and last
note) as the note before them held on; and also those before its first note as that note."""


def shown_line(line: NDArray[np.int64], rests: str = "kept", grid: int = 1) -> NDArray[np.int64]:
    """`line` (steps,) of soprano tokens as the network is to hear it.

    `rests` is one of REST_CHOICES. With a `grid` of g steps, every step between the first and
    the last note shows the token of the last grid line (a multiple of g) at or before it, so a
    note starting off the grid is heard from the next grid line. Rests after the last note stay
    rests (the close). With `rests="kept"` and `grid=1` the line is shown as it is.
    """
    if rests not in REST_CHOICES:
        raise ValueError(f"rests must be one of {', '.join(REST_CHOICES)}, not {rests!r}")
    if grid < 1:
        raise ValueError(f"the grid must be a positive number of steps, not {grid}")
    shown = np.array(line, dtype=np.int64, copy=True)
    sounding = np.flatnonzero(shown != REST)
    if not sounding.size:
        return shown
    first, last = int(sounding[0]), int(sounding[-1])
    inside = np.arange(first, last + 1)
    if rests != "kept":
        latest = np.where(shown[inside] != REST, inside, first)
        shown[inside] = shown[np.maximum.accumulate(latest)]
        if rests == "held-from-start":
            shown[:first] = shown[first]
    if grid > 1:
        shown[inside] = shown[inside - inside % grid]
    return shown
