"""What admins give when they issue or revoke a partner application's key, typed and
bounded; and the answers of the intake API as the apps read them."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

from callcenter.intake.app_key_rules import MAX_PER_MINUTE, MIN_PER_MINUTE
from callcenter.intake.policy import PublicStatus

Text120 = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=120)]
Text200 = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200)]
Reason = Annotated[str, StringConstraints(strip_whitespace=True, min_length=3, max_length=300)]


class AppKeyIn(BaseModel):
    """A new key: the application as agents will see it, who answers for it, its limit."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    name: Text120
    contact: Text200
    per_minute: int = Field(default=30, ge=MIN_PER_MINUTE, le=MAX_PER_MINUTE)


class RevokeIn(BaseModel):
    """Why the key stops working (kept in the audit trail and on the list)."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    reason: Reason


class AppKeyOut(BaseModel):
    """A key as admins list it: never the key, never its digest."""

    model_config = ConfigDict(from_attributes=True)

    id: int
    name: str
    contact: str
    per_minute: int
    prefix: str
    created_at: datetime
    created_by_id: int | None
    last_used_at: datetime | None
    revoked_at: datetime | None
    revoked_by_id: int | None
    revoke_reason: str | None


class IssuedKeyOut(BaseModel):
    app_key: AppKeyOut
    # The key to give the application, in this answer only: it is stored nowhere.
    key: str


class AppReportOut(BaseModel):
    """What an application hears back: what the reporter keeps, and where to follow it."""

    tracking_code: str
    status: PublicStatus
    # The status in plain words, in the report's language (Thai or English).
    status_text: str
    # The public page where the reporter follows the report with the code.
    status_url: str
