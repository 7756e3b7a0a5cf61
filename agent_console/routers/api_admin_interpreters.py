"""JSON API for admins: the interpreters' roster, as the pages of ``admin_interpreters.py``.

Phones are checked as Thai numbers and stored in E.164; edits send the ``version`` they
were based on (a newer save answers 409 with ``changed``).
"""

from __future__ import annotations

from fastapi import APIRouter, Depends, Request
from sqlalchemy.orm import Session

from agent_console.admin_access import admin_only
from agent_console.api_errors import COMMON, errors
from agent_console.deps import DB, Viewer
from agent_console.limits import Id, client_ip, limit_body
from callcenter.calls import interpreters
from callcenter.calls.interpreter_schemas import InterpreterIn, InterpreterOut

router = APIRouter(prefix="/api/admin", tags=["administration"],
                   dependencies=[Depends(limit_body)], responses=COMMON)
Admin = Depends(admin_only)


@router.get("/interpreters", response_model=list[InterpreterOut])
def interpreter_list(viewer: Viewer = Admin, db: Session = DB):
    """Every interpreter, active or not, by language and name."""
    return interpreters.listing(db)


@router.post("/interpreters", response_model=InterpreterOut, status_code=201,
             responses=errors(422))
def interpreter_create(body: InterpreterIn, request: Request, viewer: Viewer = Admin,
                       db: Session = DB):
    """Add an interpreter: an ISO 639 language code, a Thai number, days (0 = Monday) and
    Bangkok hours (an end at or before the start runs past midnight)."""
    return interpreters.create(db, body, actor_id=viewer.id, source_ip=client_ip(request))


@router.get("/interpreters/{interpreter_id}", response_model=InterpreterOut,
            responses=errors(404, 422))
def interpreter_one(interpreter_id: Id, viewer: Viewer = Admin, db: Session = DB):
    return interpreters.get(db, interpreter_id)


@router.put("/interpreters/{interpreter_id}", response_model=InterpreterOut,
            responses=errors(404, 409, 422))
def interpreter_update(interpreter_id: Id, body: InterpreterIn, request: Request,
                       viewer: Viewer = Admin, db: Session = DB):
    """Save an edit (send ``version``); interpreters are switched off, never deleted."""
    return interpreters.update(db, interpreter_id, body, actor_id=viewer.id,
                               source_ip=client_ip(request))
