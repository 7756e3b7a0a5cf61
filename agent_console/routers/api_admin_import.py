"""JSON twin of the bulk import (``admin_import.py``): one call, a file in, rows out.

``POST /api/admin/people/import?dry_run=true`` (the default) answers every row with its
problems and writes nothing; ``dry_run=false`` imports all rows or none (409 with the
rows when any has a problem) and answers each new person's set-up link, once. The
import is sensitive: a stale second factor wants the header ``X-TOTP-Code``.
"""

from __future__ import annotations

from fastapi import APIRouter, Depends, File, Query, Request, UploadFile
from fastapi.responses import JSONResponse
from pydantic import BaseModel
from sqlalchemy.orm import Session

from agent_console.admin_access import TOTP_HEADER, admin_only, fresh_second_factor
from agent_console.api_errors import COMMON, errors
from agent_console.deps import DB, Viewer
from agent_console.limits import client_ip
from agent_console.routers.admin_import import read_upload
from agent_console.routers.admin_passwords import setup_url
from callcenter.agents import bulk_import, people_import
from callcenter.db import utcnow

# No limit_body here: the file may be larger than other requests (middleware.LARGER_BODIES);
# read_upload reads at most one byte past bulk_import's own limit.
router = APIRouter(prefix="/api/admin/people", tags=["administration"], responses=COMMON)


class ProblemOut(BaseModel):
    column: str
    # A pydantic error type (string_pattern_mismatch …) or the import's own
    # (duplicate_in_file, login_taken, unknown_unit, unknown_queue, formula, too_long).
    kind: str


class RowOut(BaseModel):
    line: int
    values: dict[str, str]
    problems: list[ProblemOut]


class CreatedOut(BaseModel):
    user_id: int
    login: str
    display_name: str
    # The person's one-time set-up link: shown this once, never stored or logged.
    setup_url: str


class ImportOut(BaseModel):
    dry_run: bool
    ok: bool
    rows: list[RowOut]
    created: list[CreatedOut] = []


def _rows(rows: list[bulk_import.Row]) -> list[RowOut]:
    return [RowOut(line=row.line, values=row.values,
                   problems=[ProblemOut(column=p.column, kind=p.kind) for p in row.problems])
            for row in rows]


@router.post("/import", response_model=ImportOut, responses=errors(409, 422))
def import_people(
    request: Request,
    file: UploadFile = File(),
    dry_run: bool = Query(default=True),
    viewer: Viewer = Depends(admin_only),
    db: Session = DB,
):
    filename, content = read_upload(file)
    rows = people_import.preview(db, filename, content)
    clean = bulk_import.is_clean(rows)
    if dry_run:
        return ImportOut(dry_run=True, ok=clean, rows=_rows(rows))
    if not clean:
        body = ImportOut(dry_run=False, ok=False, rows=_rows(rows))
        return JSONResponse(body.model_dump(), status_code=409)
    # Only a real import is sensitive: checked here, once the file is known to be clean.
    fresh_second_factor(request, viewer, request.headers.get(TOTP_HEADER), db)
    created = people_import.run(db, rows, actor_id=viewer.id, now=utcnow(),
                                source_ip=client_ip(request))
    return ImportOut(dry_run=False, ok=True, rows=_rows(rows), created=[
        CreatedOut(user_id=c.user_id, login=c.login, display_name=c.display_name,
                   setup_url=setup_url(request, c.token)) for c in created])
