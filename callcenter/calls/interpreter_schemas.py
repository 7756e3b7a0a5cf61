"""What an admin may set of an interpreter: language, name, number, hours, active."""

from __future__ import annotations

from datetime import time
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, field_validator

from callcenter.calls import interpreter_rules as rules
from callcenter.errors import InvalidInput
from callcenter.provinces.contacts import thai_phone

Name = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=120)]


class InterpreterIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    language: Annotated[str, StringConstraints(strip_whitespace=True, min_length=2,
                                               max_length=8)]
    name: Name
    # Any way a Thai number is written (081-234-5678, +66 81 234 5678); stored in E.164.
    phone: Annotated[str, StringConstraints(strip_whitespace=True, min_length=3,
                                            max_length=30)]
    days: Annotated[str, StringConstraints(max_length=14)] = "0123456"
    from_time: time
    until_time: time
    active: bool = True
    version: Annotated[int, Field(ge=1, le=2**31 - 1)] = 1

    @field_validator("language")
    @classmethod
    def _known_language(cls, value: str) -> str:
        if not rules.is_language(value):
            raise InvalidInput("not an ISO 639 language code", field="language")
        return value

    @field_validator("phone")
    @classmethod
    def _thai_number(cls, value: str) -> str:
        try:
            return thai_phone(value)
        except InvalidInput as exc:
            raise InvalidInput(str(exc), field="phone") from exc

    @field_validator("days")
    @classmethod
    def _some_day(cls, value: str) -> str:
        days = rules.days_of(value)
        if not days:
            raise InvalidInput("pick at least one day", field="days")
        return days

    def values(self) -> dict[str, object]:
        return self.model_dump(exclude={"version"})


class InterpreterOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    language: str
    name: str
    phone: str
    days: str
    from_time: time
    until_time: time
    active: bool
    version: int
