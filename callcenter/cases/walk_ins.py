"""Walk-ins: the centres where staff take a report in person (a hospital's OSCC, a
provincial social development office, a shelter, an NGO) as the directory lists them.
Takes the session, never commits; the case itself opens through ``service``."""

from __future__ import annotations

from sqlalchemy.orm import Session

from callcenter.cases import agencies
from callcenter.cases import channels as rules
from callcenter.cases.models import Agency
from callcenter.errors import Conflict, InvalidInput

FIELD = "walk_in_agency_id"


def centres(session: Session, *, text: str = "", province_code: str | None = None,
            chosen_id: int | None = None) -> list[Agency]:
    """Active centres that take walk-ins, matching the words (Thai or English name), the
    province's first; the one chosen already stays in the list whatever the words."""
    found = agencies.search(session, text=text, province_code=province_code,
                            first_province=province_code,
                            agency_types=rules.WALK_IN_AGENCY_TYPES)
    if chosen_id is not None and all(a.id != chosen_id for a in found):
        chosen = session.get(Agency, chosen_id)
        if chosen is not None:
            found.insert(0, chosen)
    return found


def centre(session: Session, agency_id: int) -> Agency:
    """The centre a walk-in is recorded at: in the directory, active, and one that
    receives people (a police station or a hotline is refused, naming the field)."""
    row = session.get(Agency, agency_id)
    if row is None:
        raise InvalidInput("no agency has this id", field=FIELD)
    if not rules.takes_walk_ins(row.agency_type):
        raise InvalidInput("this agency does not take walk-ins", field=FIELD)
    if not row.active:
        raise Conflict("this centre is no longer in the directory", field=FIELD)
    return row


def name_of(session: Session, agency_id: int | None) -> Agency | None:
    """The centre a case was taken at, for the case page (None: none recorded)."""
    return session.get(Agency, agency_id) if agency_id is not None else None
