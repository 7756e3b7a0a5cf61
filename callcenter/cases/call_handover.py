"""The case goes with the call: what a transfer's receiver takes over from the first agent.

A draft is one agent's (``drafts.get`` refuses anyone else's, since it may hold a
victim's name), so the first agent's draft of the call becomes the receiver's: the same
row, key and version, so the receiver goes on where the first agent stopped and the case
still opens once. The receiver keeps their own draft if they had already started one. A
call already linked to a case needs nothing moved: the case is named, and need to know
lets the receiver read it while the call is theirs (``read_rights``).
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from callcenter import audit
from callcenter.cases.models import Case, CaseCall, CaseDraft


@dataclass(frozen=True, slots=True)
class TakenOver:
    draft_key: str | None = None
    case_id: int | None = None
    case_number: str | None = None


def _draft(session: Session, user_id: int, call_id: int) -> CaseDraft | None:
    return session.scalars(select(CaseDraft).where(
        CaseDraft.user_id == user_id, CaseDraft.call_id == call_id)).first()


def take_over(session: Session, *, call_id: int, from_user_id: int,
              to_user_id: int) -> TakenOver:
    """Hand the first agent's draft of the call to the receiver (once), and name the
    case the call is linked to, if any."""
    draft = _draft(session, to_user_id, call_id)
    if draft is None:
        draft = _draft(session, from_user_id, call_id)
        if draft is not None and draft.case_id is None:
            draft.user_id = to_user_id
            session.flush()
            audit.record(session, actor_id=to_user_id, action="draft.handed_over",
                         entity_type="case_draft", entity_id=draft.id,
                         changes={"user_id": [from_user_id, to_user_id]})
    case_id = draft.case_id if draft is not None else None
    if case_id is None:
        case_id = session.scalars(select(CaseCall.case_id).where(
            CaseCall.call_id == call_id).order_by(CaseCall.linked_at.desc())).first()
    case = session.get(Case, case_id) if case_id is not None else None
    open_draft = draft if draft is not None and draft.user_id == to_user_id \
        and draft.case_id is None else None
    return TakenOver(draft_key=open_draft.key if open_draft else None,
                     case_id=case.id if case else None,
                     case_number=case.number if case else None)
