"""What the referral network's admin pages and API accept and answer: an agency of the
directory, and the target hours per agency type (``callcenter.cases.agencies``)."""

from __future__ import annotations

from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, field_validator

from callcenter.cases.models import AgencyType
from callcenter.cases.schemas import _Strict
from callcenter.provinces import catalog

AgencyName = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1,
                                               max_length=200)]


class AgencyIn(_Strict):
    """An agency of the referral network as admins enter it; the phone and e-mail are
    checked and normalised by ``agencies.save`` (``provinces.contacts``)."""

    name_th: AgencyName
    name_en: Annotated[str, StringConstraints(strip_whitespace=True, max_length=200)] = ""
    agency_type: AgencyType
    province_code: str | None = None
    phone: Annotated[str, StringConstraints(strip_whitespace=True, max_length=40)] = ""
    email: Annotated[str, StringConstraints(strip_whitespace=True, max_length=254)] = ""
    services: Annotated[str, StringConstraints(strip_whitespace=True, max_length=2000)] = ""
    hours: Annotated[str, StringConstraints(strip_whitespace=True, max_length=200)] = ""
    active: bool = True
    # The version the form was drawn from (edits only).
    version: int | None = Field(default=None, ge=1, le=2**31 - 1)

    @field_validator("province_code", mode="before")
    @classmethod
    def _province(cls, value: str | None) -> str | None:
        value = (value or "").strip() or None
        if value is not None and value not in catalog.codes():
            raise ValueError("no province has this code")
        return value


class TargetIn(_Strict):
    """Hours before a referral to an agency of a type is overdue (at most 60 days)."""

    hours: int = Field(ge=1, le=1440)
    version: int = Field(ge=1, le=2**31 - 1)


class AgencyOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    name_th: str
    name_en: str
    agency_type: AgencyType
    province_code: str | None
    phone: str | None
    email: str | None
    services: str
    hours: str
    active: bool
    version: int


class TargetOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    agency_type: AgencyType
    hours: int
    version: int
