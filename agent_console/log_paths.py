"""What a log line may say of a request's path.

A few paths are themselves secrets: a set-up link (``/setup/<token>``) lets whoever
holds it choose a person's password. Logs (the access log, error lines) write such a
path with its secret part replaced, so reading the logs never yields a usable link.
"""

from __future__ import annotations

import re

_SECRET_PATH = re.compile(r"^(/setup/)[^/]+")


def loggable_path(path: str) -> str:
    """The path with a set-up link's token replaced by "…"."""
    return _SECRET_PATH.sub(r"\1…", path)
