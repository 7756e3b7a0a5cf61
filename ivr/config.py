"""The IVR's own settings, on top of ``callcenter.settings`` (address, Redis, database).

Two knobs live here until the foundation's Settings carries them (same names, so moving
them there changes nothing for operators):
- ``CALLCENTER_IVR_CALLBACK_THRESHOLD_SECONDS``: offer a call back when the estimated wait is
  longer (default 120; ``off`` disables the offer);
- ``CALLCENTER_IVR_SOUNDS_DIR``: the prompt folder laid out like ``asterisk_conf/sounds``,
  used to know which languages have which prompts (default: that folder of this checkout).
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

DEFAULT_SOUNDS = Path(__file__).resolve().parents[1] / "asterisk_conf" / "sounds"


@dataclass(frozen=True, slots=True)
class IvrConfig:
    callback_threshold_s: float | None = 120.0
    sounds_dir: Path | None = DEFAULT_SOUNDS


def from_environment(settings: object | None = None) -> IvrConfig:
    raw = os.environ.get("CALLCENTER_IVR_CALLBACK_THRESHOLD_SECONDS")
    if raw is None and settings is not None:
        value = getattr(settings, "ivr_callback_threshold_seconds", None)
        raw = None if value is None else str(value)
    threshold: float | None = 120.0
    if raw is not None:
        raw = raw.strip().lower()
        if raw in ("off", "none", ""):
            threshold = None
        else:
            try:
                threshold = float(raw)
            except ValueError:
                raise SystemExit(
                    "CALLCENTER_IVR_CALLBACK_THRESHOLD_SECONDS: a number of seconds or 'off'"
                ) from None
    sounds = os.environ.get("CALLCENTER_IVR_SOUNDS_DIR")
    return IvrConfig(threshold, Path(sounds) if sounds else DEFAULT_SOUNDS)
