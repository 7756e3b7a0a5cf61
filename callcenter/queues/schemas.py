"""What an admin may set of a queue: its labels, targets and the wallboard's thresholds."""

from __future__ import annotations

from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, model_validator

from callcenter.errors import InvalidInput

Label = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=120)]
Percent = Annotated[int, Field(ge=1, le=100)]
# An hour is far beyond any answer target or tolerable wait; bounded so a typo is caught.
Seconds = Annotated[int, Field(ge=1, le=3600)]


class QueueSettingsIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    label_th: Label
    label_en: Label
    service_level_seconds: Seconds
    service_level_target: Percent
    service_level_warn: Percent
    service_level_min_calls: Annotated[int, Field(ge=1, le=10_000)]
    wait_warn_seconds: Seconds
    wait_alarm_seconds: Seconds
    active: bool
    # Optional so that older clients keep working: absent means "not required".
    wrap_up_required: bool = False
    version: Annotated[int, Field(ge=1, le=2**31 - 1)]

    @model_validator(mode="after")
    def _bands_in_order(self) -> QueueSettingsIn:
        # Amber comes before red: a warning level past the alarm would never show.
        if self.service_level_warn < self.service_level_target:
            raise InvalidInput("the amber level must be at or above the target",
                               field="service_level_warn")
        if self.wait_warn_seconds > self.wait_alarm_seconds:
            raise InvalidInput("the amber wait must be at or below the red wait",
                               field="wait_warn_seconds")
        return self

    def values(self) -> dict[str, object]:
        return self.model_dump(exclude={"version"})
