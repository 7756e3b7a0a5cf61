"""What a public report accepts, from the website form or the app: typed and bounded.

Each refusal names its field (pydantic's ``loc``), so the form can say which answer to
change in the reader's language; what was typed is never echoed in an error.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    StringConstraints,
    ValidationInfo,
    field_validator,
)
from pydantic_core import PydanticCustomError

from callcenter.intake.models import ContactWay, ReportFlag, ReportSource, ReportState
from callcenter.provinces import catalog, places
from callcenter.taxonomy import Language

MAX_WHAT_HAPPENED = 4000
MAX_ADDITION = 2000

WhatHappened = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1,
                                                max_length=MAX_WHAT_HAPPENED)]
Phone = Annotated[str, StringConstraints(strip_whitespace=True, max_length=40,
                                         pattern=r"^\+?[0-9 ()\-]{6,40}$")]
Email = Annotated[str, StringConstraints(strip_whitespace=True, max_length=120,
                                         pattern=r"^[^@\s]+@[^@\s]+\.[^@\s]+$")]
SafeTimes = Annotated[str, StringConstraints(strip_whitespace=True, max_length=200)]
Name = Annotated[str, StringConstraints(strip_whitespace=True, max_length=120)]


def _blank_is_none(value: object) -> object:
    return None if isinstance(value, str) and not value.strip() else value


class PublicReportIn(BaseModel):
    """One report as the person gives it. The order matters: later checks read earlier
    fields (the district its province, the phone the way of contact)."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    what_happened: WhatHappened
    province_code: Annotated[str, StringConstraints(pattern=r"^TH-\d{2}$")] | None = None
    district_code: Annotated[str, StringConstraints(pattern=r"^\d{4}$")] | None = None
    in_danger_now: bool = False
    contact_way: ContactWay = ContactWay.NONE
    # Checked even when absent: a phone (or e-mail) is needed when it is the way asked.
    phone: Phone | None = Field(default=None, validate_default=True)
    email: Email | None = Field(default=None, validate_default=True)
    safe_times: SafeTimes | None = None
    reporter_name: Name | None = None
    # Required, and only ``True`` passes: nothing is kept without the person's yes.
    consent: bool = Field(default=False, validate_default=True)
    language: Language = Language.THAI

    _blanks = field_validator("province_code", "district_code", "phone", "email",
                              "safe_times", "reporter_name", mode="before")(_blank_is_none)

    @field_validator("province_code")
    @classmethod
    def _known_province(cls, value: str | None) -> str | None:
        if value is not None and value not in catalog.codes():
            raise PydanticCustomError("unknown_place", "not a province of Thailand")
        return value

    @field_validator("district_code")
    @classmethod
    def _district_of_the_province(cls, value: str | None, info: ValidationInfo) -> str | None:
        if value is None:
            return None
        province = info.data.get("province_code")
        if province is None or places.province_of_district(value) != province:
            raise PydanticCustomError("unknown_place", "not a district of that province")
        return value

    @field_validator("phone")
    @classmethod
    def _phone_when_asked(cls, value: str | None, info: ValidationInfo) -> str | None:
        if info.data.get("contact_way") is ContactWay.PHONE and value is None:
            raise PydanticCustomError("missing", "a phone number to call, or choose no contact")
        if value is None:
            return None
        return ("+" if value.startswith("+") else "") + "".join(c for c in value if c.isdigit())

    @field_validator("email")
    @classmethod
    def _email_when_asked(cls, value: str | None, info: ValidationInfo) -> str | None:
        if info.data.get("contact_way") is ContactWay.EMAIL and value is None:
            raise PydanticCustomError("missing", "an e-mail address, or choose no contact")
        return value

    @field_validator("consent")
    @classmethod
    def _consent_given(cls, value: bool) -> bool:
        if not value:
            raise PydanticCustomError("consent_required", "the report needs the person's yes")
        return value

    def contact_value(self) -> str | None:
        """The one address kept: the phone or the e-mail the way of contact names."""
        if self.contact_way is ContactWay.PHONE:
            return self.phone
        if self.contact_way is ContactWay.EMAIL:
            return self.email
        return None


class AdditionIn(BaseModel):
    """What the reporter adds later with the tracking code."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    body: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1,
                                           max_length=MAX_ADDITION)]


class AttachIn(BaseModel):
    """Attach a report to a case named by its number (1300-2569-000123)."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    case_number: Annotated[str, StringConstraints(strip_whitespace=True, max_length=20,
                                                  pattern=r"^1300-\d{4}-\d{6}$")]
    version: int | None = Field(default=None, ge=1, le=2_147_483_647)


class FlagIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    flag: ReportFlag
    version: int | None = Field(default=None, ge=1, le=2_147_483_647)


class StepIn(BaseModel):
    """A step with nothing to say but the version of the report as drawn."""

    model_config = ConfigDict(extra="forbid")

    version: int | None = Field(default=None, ge=1, le=2_147_483_647)


class ReportSummaryOut(BaseModel):
    """A report as the web queue lists it: no word of what the person wrote."""

    model_config = ConfigDict(from_attributes=True)

    id: int
    created_at: datetime
    source: ReportSource
    language: Language
    priority: int
    urgent: bool
    queue: str
    state: ReportState
    flag: ReportFlag | None
    province_code: str | None
    district_code: str | None
    taken_by_id: int | None
    case_id: int | None
    version: int


class AdditionOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    body: str
    created_at: datetime


class ReportOut(ReportSummaryOut):
    """A report with its content, for the agent who took it (and supervisors); the
    content fields are empty for anyone else."""

    what_happened: str | None = None
    in_danger_now: bool | None = None
    contact_way: ContactWay | None = None
    contact_value: str | None = None
    safe_times: str | None = None
    reporter_name: str | None = None
    additions: list[AdditionOut] = []


class OpenedCaseOut(BaseModel):
    report: ReportSummaryOut
    case_id: int
    case_number: str
