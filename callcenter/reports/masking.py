"""Small-cell masking, as the GBVIMS data-sharing protocols ask of figures that leave
the service: a count from 1 to 4 could point to a survivor in a small province, so it is
shown as "<5". Zero stays zero (nothing to point to), and so do larger counts. Pure."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

SMALL = "<5"
THRESHOLD = 5


def masked(value: Any) -> Any:
    """``3`` → ``"<5"``; anything else as it is."""
    if isinstance(value, int) and not isinstance(value, bool) and 0 < value < THRESHOLD:
        return SMALL
    return value


def mask_row(row: Sequence[Any], positions: Iterable[int]) -> tuple[Any, ...]:
    """The row with the cells at ``positions`` masked."""
    out = list(row)
    for i in positions:
        out[i] = masked(out[i])
    return tuple(out)
