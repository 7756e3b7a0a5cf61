"""What is already on the channel when a flow starts, read back as our own types.

The hotline flow sets ``IVR_*`` as it goes (``IVR_LANGUAGE`` as soon as it is chosen) and
the worker's Originate sets them for a call back; the hotline's fallback, the ``callback``
offer and the call back's greeting read them again. A value that is missing or not one of
ours reads as "not chosen", never as an error: these flows must still reach the caller.
"""

from __future__ import annotations

from collections.abc import Generator
from enum import StrEnum
from typing import Any, TypeVar

from callcenter.taxonomy import Language
from ivr import flow
from ivr import variables as v
from ivr.flow import Step

E = TypeVar("E", bound=StrEnum)


def parsed(kind: type[E], text: str | None) -> E | None:
    """``text`` as a member of ``kind``; None when empty or unknown."""
    try:
        return kind(text or "")
    except ValueError:
        return None


def language() -> Generator[Step, Any, Language]:
    """The caller's language (``IVR_LANGUAGE``); Thai when none was chosen."""
    return parsed(Language, (yield from flow.get_var(v.IVR_LANGUAGE))) or Language.THAI
