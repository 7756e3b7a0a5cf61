"""What the admins' team pages and API accept and answer (``callcenter.agents.team_admin``)."""

from __future__ import annotations

from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, field_validator

from callcenter.provinces import catalog

TeamName = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1,
                                             max_length=120)]


class TeamIn(BaseModel):
    """A team as an admin names it; ``version`` is the one an edit form was drawn from."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    name: TeamName
    # The province a provincial team covers; none for the hotline's own teams.
    province_code: str | None = None
    active: bool = True
    version: int | None = Field(default=None, ge=1, le=2**31 - 1)

    @field_validator("province_code", mode="before")
    @classmethod
    def _province(cls, value: str | None) -> str | None:
        value = (value or "").strip() or None
        if value is not None and value not in catalog.codes():
            raise ValueError("no province has this code")
        return value


class MemberIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    user_id: int = Field(ge=1, le=2**31 - 1)


class MemberOut(BaseModel):
    id: int
    login: str
    display_name: str
    role: str


class TeamOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    name: str
    province_code: str | None
    active: bool
    version: int
    members: list[MemberOut] = []
