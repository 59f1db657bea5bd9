"""Keep secrets out of what distkit prints: URL userinfo, Authorization values, known passwords."""

from __future__ import annotations

import base64
import re
from collections.abc import Iterable
from urllib.parse import quote, unquote

MASK = "********"
# scheme://userinfo@ : everything between "://" and the last "@" of the URL (up to a blank),
# since a password may hold a raw "@", "/", "?" or "#" that a URL parser would read as the
# host's end. Masking too much is safe; masking too little leaks.
USERINFO = re.compile(r"(?i)\b([a-z][a-z0-9+.-]*://)\S*@")
# An HTTP Basic or Bearer credential, as a server that echoes the Authorization header shows it.
AUTHORIZATION = re.compile(r"\b(Basic|Bearer|BASIC|BEARER|basic|bearer)(\s+)[A-Za-z0-9+/=._~-]{8,}")


def redact(text: str, secrets: Iterable[str] = ()) -> str:
    """`text` with URL userinfo, Authorization values and each of `secrets` (in any form
    it travels in: plain, percent-encoded, base64 of `user:password`) masked."""
    for secret in sorted(set(secrets), key=len, reverse=True):
        if secret:
            text = text.replace(secret, MASK)
    text = USERINFO.sub(lambda m: f"{m.group(1)}{MASK}@", text)
    return AUTHORIZATION.sub(lambda m: f"{m.group(1)}{m.group(2)}{MASK}", text)


def secret_forms(username: str, password: str) -> list[str]:
    """The forms in which `password` may be echoed back: plain, percent-encoded, and the
    base64 of `username:password` that HTTP Basic auth sends."""
    pair = f"{username}:{password}".encode()
    return [
        password,
        quote(password, safe=""),
        quote(password),
        base64.b64encode(pair).decode(),
        base64.urlsafe_b64encode(pair).decode(),
    ]


def split_userinfo(url: str) -> tuple[str, str | None, str | None]:
    """`url` without its userinfo, and the (percent-decoded) username and password it held.

    The userinfo is everything between "://" and the last "@", as `redact` masks it: a
    password may hold a raw "@", "/", "?" or "#".
    """
    scheme, separator, rest = url.partition("://")
    if not separator or "@" not in rest:
        return url, None, None
    userinfo, _, address = rest.rpartition("@")
    user, colon, password = userinfo.partition(":")
    clean = f"{scheme}://{address}"
    return clean, unquote(user) or None, unquote(password) if colon else None
