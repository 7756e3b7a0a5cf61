"""JSON API for a case's contacts: list them, attach a call or record a walk-in or a
message (the pages' twins), and the worker's own calls of the last day to attach."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Request
from sqlalchemy.orm import Session

from agent_console import access
from agent_console.api_errors import COMMON, errors
from agent_console.case_access import ReadableCase, check_attachable, check_readable
from agent_console.case_steps import record_read
from agent_console.deps import DB, Viewer, require
from agent_console.limits import Id, limit_body
from agent_console.own_calls import own_call
from callcenter.calls.models import Call
from callcenter.cases import contact_schemas as schemas
from callcenter.cases import contacts
from callcenter.cases import service as cases
from callcenter.cases.models import Case, ContactChannel
from callcenter.errors import InvalidInput

router = APIRouter(prefix="/api", tags=["contacts"], dependencies=[Depends(limit_body)],
                   responses=COMMON)
Worker = Depends(require(*access.CASE_ROLES))


def _call_out(call: Call, viewer: Viewer) -> schemas.CallRecordOut:
    out = schemas.CallRecordOut.model_validate(call)
    return out.model_copy(update={
        "caller_number": access.mask_number(out.caller_number, viewer.role)})


def _out(view: contacts.ContactView, viewer: Viewer) -> schemas.ContactOut:
    out = schemas.ContactOut.model_validate(view.contact)
    return out.model_copy(update={
        "handled_by": view.handled_by,
        "call": _call_out(view.call, viewer) if view.call is not None else None})


@router.get("/cases/{case_id}/contacts", response_model=list[schemas.ContactOut],
            responses=errors(404, 422))
def list_contacts(request: Request, viewer: Viewer = Worker, case: Case = ReadableCase,
                  db: Session = DB):
    """Every contact of the case, oldest first: channel, time, who handled it, the call."""
    record_read(db, case, viewer, request)
    return [_out(view, viewer) for view in contacts.of_case(db, case)]


@router.post("/cases/{case_id}/contacts", response_model=schemas.ContactOut, status_code=201,
             responses=errors(400, 404, 409, 422))
def add_contact(case_id: Id, contact: schemas.ContactIn, request: Request,
                viewer: Viewer = Worker, db: Session = DB):
    """``phone``: attach one of the worker's calls (404 for anyone else's; 409
    ``call_already_attached`` for the same call twice, ``case_closed`` for a closed
    case). ``walk_in``, ``message``: record it, ``occurred_at`` defaulting to now."""
    if contact.channel is ContactChannel.PHONE:
        if contact.call_id is None:
            raise InvalidInput("give the call to attach", field="call_id")
        call = own_call(db, contact.call_id, viewer, request)
        case = cases.get(db, case_id)
        check_attachable(db, viewer, case, call, request)
        row = contacts.attach_call(db, case, call, actor_id=viewer.id)
    else:
        if contact.call_id is not None:
            raise InvalidInput("a call is attached with the channel phone", field="call_id")
        case = cases.get(db, case_id)
        check_readable(db, viewer, case, request, missing=f"case {case_id} not found")
        row = contacts.record_contact(db, case, channel=contact.channel,
                                      occurred_at=contact.occurred_at,
                                      summary=contact.summary, actor_id=viewer.id)
    view = next(v for v in contacts.of_case(db, case)
                if v.contact.id == row.id)
    return _out(view, viewer)


@router.get("/calls/mine", response_model=list[schemas.CallRecordOut])
def my_recent_calls(viewer: Viewer = Worker, db: Session = DB):
    """The worker's own calls of the last 24 hours, newest first (to attach one)."""
    return [_call_out(call, viewer) for call in contacts.recent_calls(db, user_id=viewer.id)]
