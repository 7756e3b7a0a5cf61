"""What the units' administration accepts from a form or the API: typed and bounded.

Whether an address suits its channel (a Thai phone number, an e-mail address, a LINE id)
is checked by ``contacts.normalised_address``, which also gives the form it is stored in.
"""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field

from callcenter.provinces.models import AlertChannel, ContactRole


class UnitEdit(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    name_th: str = Field(min_length=1, max_length=160)
    name_en: str = Field(min_length=1, max_length=160)
    active: bool
    # The version the form was drawn from (``StaleEdit`` when it moved on).
    version: int = Field(ge=1)


class ContactIn(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    channel: AlertChannel
    address: str = Field(default="", max_length=200)
    label: str = Field(default="", max_length=120)
    role: ContactRole
    active: bool = True


class ContactEdit(ContactIn):
    version: int = Field(ge=1)
