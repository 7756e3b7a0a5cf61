"""The referral network: the directory of partner agencies, the target per agency type,
and which referrals are overdue. Never commits.

Admins keep the directory (``create``, ``update``: versioned, audited before/after) and
the targets (``update_target``); agents pick an agency when they refer (``search``: by
Thai or English name, type and province, the case's province first, national services
after it). A referral is overdue when its due time has passed while the agency has not
answered or is still working on it (sent or accepted).
"""

from __future__ import annotations

import functools
from datetime import datetime, timedelta

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from callcenter import audit
from callcenter.cases.agency_schemas import AgencyIn, TargetIn
from callcenter.cases.models import (
    Agency,
    AgencyType,
    Case,
    Referral,
    ReferralStatus,
    ReferralTarget,
)
from callcenter.collation import in_name_order
from callcenter.db import utcnow
from callcenter.errors import Conflict, InvalidInput, NotFound, StaleEdit
from callcenter.provinces import catalog, contacts
from callcenter.taxonomy import Urgency

EDITABLE = ("name_th", "name_en", "agency_type", "province_code", "phone", "email",
            "services", "hours", "active")
OVERDUE_STATUSES = (ReferralStatus.SENT, ReferralStatus.ACCEPTED)
# Hours before a referral is overdue, until an admin changes them (migration 0019 seeds
# the same): emergencies within hours or the day, offices within three working days.
DEFAULT_TARGETS = {
    AgencyType.POLICE: 24, AgencyType.HOSPITAL_OSCC: 24, AgencyType.SHELTER: 24,
    AgencyType.LABOUR_OFFICE: 72, AgencyType.PROVINCIAL_OFFICE: 72,
    AgencyType.OTHER_HOTLINE: 24, AgencyType.NGO: 72, AgencyType.OTHER: 72,
    AgencyType.CHILDLINE: 24, AgencyType.EMS: 2, AgencyType.LEGAL_AID: 120,
}
SEARCH_LIMIT = 50
URGENCY_ORDER = tuple(Urgency)  # immediate first


@functools.cache
def provinces_by_code() -> dict[str, catalog.ProvinceSpec]:
    """The provinces' names by code, for showing where an agency works."""
    return {p.code: p for p in catalog.provinces()}


def get(session: Session, agency_id: int) -> Agency:
    row = session.get(Agency, agency_id)
    if row is None:
        raise NotFound(f"agency {agency_id} not found")
    return row


def search(session: Session, *, text: str = "", agency_type: AgencyType | None = None,
           province_code: str | None = None, active_only: bool = True,
           first_province: str | None = None, limit: int = SEARCH_LIMIT,
           agency_types: tuple[AgencyType, ...] = ()) -> list[Agency]:
    """Agencies matching the words (Thai or English name, services), the type and the
    province (a province filter keeps national services too: 1387 serves everyone).

    ``first_province`` (the case's) puts its agencies first, then national ones.
    """
    query = select(Agency)
    if active_only:
        query = query.where(Agency.active.is_(True))
    if agency_type is not None:
        query = query.where(Agency.agency_type == agency_type)
    if agency_types:  # any of these (the centres that take walk-ins)
        query = query.where(Agency.agency_type.in_(agency_types))
    if province_code:
        query = query.where(or_(Agency.province_code == province_code,
                                Agency.province_code.is_(None)))
    for word in text.split()[:5]:
        pattern = f"%{_escaped(word)}%"
        query = query.where(or_(Agency.name_th.ilike(pattern, escape="\\"),
                                Agency.name_en.ilike(pattern, escape="\\"),
                                Agency.services.ilike(pattern, escape="\\")))
    # Thai dictionary order within each rank (the sort below is stable).
    rows = in_name_order(session.scalars(query.order_by(Agency.id)), lambda a: a.name_th)

    def rank(a: Agency) -> int:
        if first_province and a.province_code == first_province:
            return 0
        return 1 if a.province_code is None else 2
    return sorted(rows, key=rank)[:limit]


def _escaped(word: str) -> str:
    return word.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def snapshot(row: Agency) -> dict[str, object]:
    return {name: getattr(row, name) for name in EDITABLE}


def _checked(data: AgencyIn) -> dict[str, object]:
    values = data.model_dump(exclude={"version"})
    try:
        values["phone"] = contacts.thai_phone(data.phone) if data.phone else None
    except InvalidInput as exc:
        raise InvalidInput(exc.message, field="phone") from exc
    try:
        values["email"] = (contacts.normalised_address(contacts.AlertChannel.EMAIL, data.email)
                           if data.email else None)
    except InvalidInput as exc:
        raise InvalidInput(exc.message, field="email") from exc
    return values


def add_reference(session: Session, data: AgencyIn) -> Agency:
    """An agency written by the seed (the demo's example directory), checked as an admin's
    entry is. Not audited: the trail records what people did, and the seed is no one."""
    row = Agency(**_checked(data), version=1)
    session.add(row)
    session.flush()
    return row


def create(session: Session, data: AgencyIn, *, actor_id: int | None,
           source_ip: str | None = None) -> Agency:
    row = add_reference(session, data)
    audit.record(session, actor_id=actor_id, action="agency.create", entity_type="agency",
                 entity_id=row.id, source_ip=source_ip,
                 changes=audit.changes_between({}, snapshot(row)))
    return row


def update(session: Session, agency_id: int, data: AgencyIn, *, actor_id: int,
           source_ip: str | None = None) -> Agency:
    """Save an admin's edit: refused (409, naming the fields) when the agency changed
    since ``data.version``; audited as ``agency.update`` with what changed."""
    if data.version is None:
        raise InvalidInput("the form's version is missing", field="version")
    row = get(session, agency_id)
    wanted = _checked(data)
    before = snapshot(row)
    if row.version != data.version:
        changed = {k: v for k, v in before.items() if wanted[k] != v}
        if not changed:
            return row  # what it would save is already stored (a form sent twice)
        raise StaleEdit(changed=changed)
    for field, value in wanted.items():
        setattr(row, field, value)
    changes = audit.changes_between(before, snapshot(row))
    if changes:
        row.version += 1
    session.flush()
    audit.record(session, actor_id=actor_id, action="agency.update", entity_type="agency",
                 entity_id=row.id, source_ip=source_ip, changes=changes)
    return row


def for_referral(session: Session, agency_id: int) -> Agency:
    """The agency a new referral goes to; an inactive one is refused (409, field
    ``agency_id``) so that no case waits on a partner that no longer takes referrals."""
    row = session.get(Agency, agency_id)
    if row is None:
        raise InvalidInput("no agency has this id", field="agency_id")
    if not row.active:
        raise Conflict("this agency no longer takes referrals", field="agency_id")
    return row


# --- targets ---------------------------------------------------------------------------

def targets(session: Session) -> list[ReferralTarget]:
    """One row per agency type, in the type's order (missing ones made with the defaults)."""
    stored = {t.agency_type: t for t in session.scalars(select(ReferralTarget))}
    for kind in AgencyType:
        if kind not in stored:
            stored[kind] = ReferralTarget(agency_type=kind, hours=DEFAULT_TARGETS[kind],
                                          version=1)
            session.add(stored[kind])
    session.flush()
    return [stored[kind] for kind in AgencyType]


def target_hours(session: Session, agency_type: AgencyType) -> int:
    row = session.get(ReferralTarget, agency_type)
    return row.hours if row is not None else DEFAULT_TARGETS[agency_type]


def due_at(session: Session, agency_type: AgencyType, sent_at: datetime) -> datetime:
    return sent_at + timedelta(hours=target_hours(session, agency_type))


def update_target(session: Session, agency_type: AgencyType, data: TargetIn, *,
                  actor_id: int, source_ip: str | None = None) -> ReferralTarget:
    """Change a type's target; referrals already sent keep their due time."""
    row = next(t for t in targets(session) if t.agency_type == agency_type)
    if row.version != data.version:
        if row.hours == data.hours:
            return row
        raise StaleEdit(changed={"hours": row.hours})
    before = {"hours": row.hours}
    row.hours = data.hours
    changes = audit.changes_between(before, {"hours": row.hours})
    if changes:
        row.version += 1
    session.flush()
    audit.record(session, actor_id=actor_id, action="referral_target.update",
                 entity_type="referral_target", entity_id=agency_type.value,
                 source_ip=source_ip, changes=changes)
    return row


# --- overdue ---------------------------------------------------------------------------

def is_overdue(referral: Referral, now: datetime | None = None) -> bool:
    return (referral.status in OVERDUE_STATUSES and referral.due_at is not None
            and referral.due_at < (now or utcnow()))


def overdue(session: Session, *, now: datetime | None = None,
            province_code: str | None = None) -> list[tuple[Referral, Case]]:
    """Referrals past due and not answered or finished, most urgent case first, then the
    longest overdue; ``province_code`` narrows to the cases of one province."""
    query = (select(Referral, Case).join(Case, Case.id == Referral.case_id)
             .where(Referral.status.in_(OVERDUE_STATUSES), Referral.due_at.is_not(None),
                    Referral.due_at < (now or utcnow())))
    if province_code:
        query = query.where(Case.province_code == province_code)
    rows = [(r, c) for r, c in session.execute(query.order_by(Referral.due_at))]
    return sorted(rows, key=lambda rc: _urgency_rank(rc[1]))


def _urgency_rank(case: Case) -> int:
    return URGENCY_ORDER.index(case.urgency)
