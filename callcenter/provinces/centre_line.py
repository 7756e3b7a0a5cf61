"""The number a rapid-response unit calls to reach the 1300 centre, as admins keep it.

A unit in the field needs the centre, not the public queue, but until an admin sets a
direct line the hotline's own short code is the number that always works from a Thai
phone. The number is staff data, so its changes are audited with their values.
"""

from __future__ import annotations

import re

from sqlalchemy.orm import Session

from callcenter import audit
from callcenter.errors import InvalidInput
from callcenter.provinces.contacts import thai_phone
from callcenter.provinces.models import CentreLine

DEFAULT = "1300"
ROW_ID = 1
# Thai short codes (1300, 1669, 191): dialled as they are, not in E.164.
SHORT_CODE = re.compile(r"^1\d{2,4}$")


def normalised(text: str) -> str:
    """A short code as typed, any other number as a Thai E.164; ``InvalidInput`` else."""
    compact = re.sub(r"[\s\-()]", "", text)
    if SHORT_CODE.match(compact):
        return compact
    try:
        return thai_phone(compact)
    except InvalidInput as exc:
        raise InvalidInput("not a Thai phone number or short code", field="phone") from exc


def number(session: Session) -> str:
    """The centre's number for units: the admins' line, or 1300."""
    row = session.get(CentreLine, ROW_ID)
    return row.phone if row is not None else DEFAULT


def is_default(session: Session) -> bool:
    return session.get(CentreLine, ROW_ID) is None


def set_number(session: Session, text: str, *, actor_id: int | None,
               source_ip: str | None = None) -> str:
    """Keep ``text`` as the centre's line (empty: back to 1300); returns what units dial."""
    row = session.get(CentreLine, ROW_ID)
    before = row.phone if row is not None else DEFAULT
    if not text.strip():
        if row is not None:
            session.delete(row)
        after = DEFAULT
    else:
        after = normalised(text)
        if row is None:
            session.add(CentreLine(id=ROW_ID, phone=after))
        else:
            row.phone = after
    if after != before:
        audit.record(session, actor_id=actor_id, action="centre_line.update",
                     entity_type="centre_line", entity_id=ROW_ID, source_ip=source_ip,
                     changes={"phone": [before, after]})
    session.flush()
    return after
