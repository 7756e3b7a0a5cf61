"""The IVR's knobs, read from the one ``callcenter.settings.Settings``.

- ``CALLCENTER_IVR_CALLBACK_THRESHOLD_SECONDS``: offer a call back when the estimated wait is
  longer (default 120; ``off`` disables the offer);
- ``CALLCENTER_IVR_SOUNDS_DIR``: the prompt folder laid out like ``asterisk_conf/sounds``,
  used to know which languages have which prompts (default: that folder of this checkout).

Both are validated with the other settings, so a bad value stops the process at start with
a message naming the variable.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from callcenter.settings import DEFAULT_SOUNDS_DIR, Settings


@dataclass(frozen=True, slots=True)
class IvrConfig:
    callback_threshold_s: float | None = 120.0
    sounds_dir: Path | None = DEFAULT_SOUNDS_DIR


def from_settings(settings: Settings) -> IvrConfig:
    threshold = settings.ivr_callback_threshold_seconds
    return IvrConfig(None if threshold is None else float(threshold), settings.ivr_sounds_dir)
