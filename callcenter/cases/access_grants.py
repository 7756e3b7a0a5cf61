"""Breaking the glass: an agent opens a case not theirs with a stated reason, and the
supervisors review each such opening. Takes the session, never commits.

The reason is kept on the grant (shown to supervisors) and never in the audit trail,
which holds ids only: the trail says who opened which case, when, and until when.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from callcenter import audit
from callcenter.agents.models import User
from callcenter.cases import need_to_know as rule
from callcenter.cases.models import Case
from callcenter.cases.work_models import CaseAccessGrant
from callcenter.errors import Conflict, InvalidInput, NotFound

NOTE_MAX = 300


def break_glass(session: Session, *, case: Case, user_id: int, reason: str | None,
                now: datetime, source_ip: str | None = None) -> CaseAccessGrant:
    """Give ``user_id`` a grant on the case for one shift, with the audit event
    ``case.break_glass``; a reason of 10 to 300 characters is required."""
    grant = CaseAccessGrant(user_id=user_id, case_id=case.id, reason=rule.check_reason(reason),
                            granted_at=now, expires_at=rule.grant_expiry(now))
    session.add(grant)
    session.flush()
    audit.record(session, actor_id=user_id, action="case.break_glass", entity_type="case",
                 entity_id=case.id, source_ip=source_ip, changes=audit.changes_between(
                     {}, {"grant_id": grant.id, "expires_at": grant.expires_at}))
    return grant


def get(session: Session, grant_id: int) -> CaseAccessGrant:
    grant = session.get(CaseAccessGrant, grant_id)
    if grant is None:
        raise NotFound(f"access grant {grant_id} not found")
    return grant


@dataclass(frozen=True, slots=True)
class ReviewRow:
    grant: CaseAccessGrant
    case_number: str
    who: User
    reviewer: User | None


def review_list(session: Session, *, unreviewed_only: bool = False, page: int = 1,
                per_page: int = 50) -> list[ReviewRow]:
    """Openings newest first, with who opened which case (and who reviewed it)."""
    query = (select(CaseAccessGrant, Case.number, User)
             .join(Case, Case.id == CaseAccessGrant.case_id)
             .join(User, User.id == CaseAccessGrant.user_id))
    if unreviewed_only:
        query = query.where(CaseAccessGrant.reviewed_at.is_(None))
    rows = session.execute(query.order_by(CaseAccessGrant.granted_at.desc(),
                                          CaseAccessGrant.id.desc())
                           .limit(per_page).offset((page - 1) * per_page)).all()
    reviewer_ids = {g.reviewed_by_id for g, _, _ in rows if g.reviewed_by_id is not None}
    reviewers = {u.id: u for u in session.scalars(
        select(User).where(User.id.in_(reviewer_ids)))} if reviewer_ids else {}
    return [ReviewRow(grant=g, case_number=number, who=user,
                      reviewer=reviewers.get(g.reviewed_by_id)) for g, number, user in rows]


def mark_reviewed(session: Session, grant: CaseAccessGrant, *, reviewer_id: int,
                  note: str | None, now: datetime,
                  source_ip: str | None = None) -> CaseAccessGrant:
    """Record a supervisor's review, once: a second review (two supervisors at the same
    moment) is a 409, and the first one's note stands."""
    note = " ".join((note or "").split()) or None
    if note is not None and len(note) > NOTE_MAX:
        raise InvalidInput(f"the note must be at most {NOTE_MAX} characters", field="note")
    # Conditional, so two supervisors deciding together cannot both write.
    done = session.execute(
        update(CaseAccessGrant)
        .where(CaseAccessGrant.id == grant.id, CaseAccessGrant.reviewed_at.is_(None))
        .values(reviewed_by_id=reviewer_id, reviewed_at=now, review_note=note)
        .execution_options(synchronize_session=False))
    if done.rowcount != 1:
        raise Conflict(f"access grant {grant.id} is reviewed already")
    session.refresh(grant)
    audit.record(session, actor_id=reviewer_id, action="case.break_glass_review",
                 entity_type="case", entity_id=grant.case_id, source_ip=source_ip,
                 changes=audit.changes_between(
                     {}, {"grant_id": grant.id, "reviewed_at": now, "review_note": note},
                     redact=("review_note",)))
    return grant
