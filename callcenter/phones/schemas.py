"""What the console accepts for a phone, from a form or the API: typed and bounded."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field

from callcenter.phones.policy import PhoneKind

# An endpoint name as the URL carries it (the rules are policy.endpoint_problem's).
ENDPOINT_PATTERN = r"^[a-z0-9][a-z0-9._-]{0,39}$"


class PhoneIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    user_id: int = Field(ge=1, le=2**31 - 1)
    kind: PhoneKind = PhoneKind.DESK
    # Empty: the person's login when the dialplan reaches it, else agent<id>/supervisor<id>.
    endpoint: str | None = Field(default=None, max_length=40)


class PhoneChangeIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    kind: PhoneKind
    # The version the change was drawn from (409 when someone saved since).
    version: int = Field(ge=1, le=2**31 - 1)


class PasswordIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    version: int | None = Field(default=None, ge=1, le=2**31 - 1)
