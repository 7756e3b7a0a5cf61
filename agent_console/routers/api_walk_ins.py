"""JSON API of walk-in intake: the centres a walk-in may be taken at (the same as
``/intake/walk-in/centres``); the walk-in itself opens with ``POST /api/cases``."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Query
from sqlalchemy.orm import Session

from agent_console import access
from agent_console.api_errors import COMMON, errors
from agent_console.deps import DB, Viewer, require
from agent_console.limits import limit_body
from callcenter.cases import walk_ins
from callcenter.cases.agency_schemas import AgencyOut

router = APIRouter(prefix="/api", tags=["cases"], dependencies=[Depends(limit_body)],
                   responses=COMMON)
Worker = Depends(require(*access.CASE_ROLES))


@router.get("/intake/walk-in/centres", response_model=list[AgencyOut], responses=errors(422))
def centres(q: str = Query(default="", max_length=100),
            province: str = Query(default="", max_length=6, pattern=r"^(TH-\d{2})?$"),
            viewer: Viewer = Worker, db: Session = DB):
    """Active centres that take walk-ins (hospital OSCC, provincial social development
    office, shelter, NGO) matching the words, the province's first."""
    return walk_ins.centres(db, text=q, province_code=province or None)
