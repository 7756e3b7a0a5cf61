"""Steps the case pages and the case API take alike: record a read of a case (in the
audit trail), check a change, send a case to its rapid-response unit.

Routes get their case through ``case_access.ReadableCase`` (need to know); ``read_case``
and ``changeable_case`` are for callers holding only an id, and apply the same gate.
"""

from __future__ import annotations

from fastapi import Request
from sqlalchemy.orm import Session

from agent_console import access
from agent_console.case_access import check_readable
from agent_console.deps import Viewer
from agent_console.dispatch_alerts import enqueue_after_commit
from agent_console.limits import client_ip
from callcenter import audit
from callcenter.cases import service as cases
from callcenter.cases.models import Case
from callcenter.dispatch import policy as dispatch_policy
from callcenter.dispatch import service as dispatches
from callcenter.dispatch.models import Dispatch
from callcenter.taxonomy import Urgency


def record_read(db: Session, case: Case, viewer: Viewer, request: Request, *,
                action: str = "case.view") -> Case:
    audit.record(db, actor_id=viewer.id, action=action, entity_type="case",
                 entity_id=case.id, source_ip=client_ip(request))
    return case


def changeable(viewer: Viewer, case: Case) -> Case:
    """The case (read through the gate already), if this viewer may change it; else 403."""
    access.check_change(viewer, case)
    return case


def read_case(db: Session, case_id: int, viewer: Viewer, request: Request, *,
              action: str = "case.view") -> Case:
    case = cases.get(db, case_id)
    check_readable(db, viewer, case, request, missing=f"case {case_id} not found")
    return record_read(db, case, viewer, request, action=action)


def changeable_case(db: Session, case_id: int, viewer: Viewer) -> Case:
    case = cases.get(db, case_id)
    check_readable(db, viewer, case, None, missing=f"case {case_id} not found")
    return changeable(viewer, case)


def send_dispatch(request: Request, db: Session, viewer: Viewer, case: Case, *,
                  unit_brief: str, unit_id: int | None = None,
                  urgency: Urgency | None = None) -> tuple[Dispatch, bool]:
    """Dispatch the case once: a repeat (double click, retried request) while the first
    is open gets that dispatch back, with ``False``; the alert is enqueued after commit."""
    changeable(viewer, case)
    dispatch, created = dispatches.create_or_existing(
        db, case_id=case.id, actor_id=viewer.id, unit_id=unit_id, urgency=urgency,
        unit_brief=dispatch_policy.unit_brief(unit_brief))
    if created:
        audit.record(db, actor_id=viewer.id, action="dispatch.create", entity_type="case",
                     entity_id=case.id, source_ip=client_ip(request))
    enqueue_after_commit(request, db, dispatch.id)
    return dispatch, created
