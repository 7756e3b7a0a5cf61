"""The one gate of every route that reads or changes a case: need to know.

``readable_case`` (and ``readable_referral`` for routes named by a referral) is the
dependency each such route takes instead of loading the case itself; a case the viewer
may not read (``callcenter.cases.need_to_know``) is answered as a missing one: 404, the
JSON body of any missing case under /api. The page says more, as a missing case's would
not: the case is not theirs, and search opens it with a reason ("break the glass").
``tests/agent_console/test_case_access.py`` fails when a route with ``{case_id}`` or
``{referral_id}`` in its path does without the gate.
"""

from __future__ import annotations

from fastapi import Depends, Request
from fastapi.responses import HTMLResponse, Response
from markupsafe import escape
from sqlalchemy.orm import Session

from agent_console import access, htmx
from agent_console.deps import DB, Viewer, page_context, require
from agent_console.errors import domain_error
from agent_console.limits import Id
from agent_console.templating import templates
from callcenter.cases import read_rights
from callcenter.cases import search as case_search
from callcenter.cases import service as cases
from callcenter.cases.models import Case, Referral
from callcenter.cases.need_to_know import CaseHidden
from callcenter.db import utcnow

Worker = Depends(require(*access.CASE_ROLES))


def check_readable(db: Session, viewer: Viewer, case: Case, request: Request | None, *,
                   missing: str) -> None:
    """Refuse (as ``missing``, the message of a record not found) a case not readable;
    keep why it is readable on the request, for the page to say so."""
    found = read_rights.access(db, viewer, case, now=utcnow())
    if found is None:
        raise CaseHidden(missing)
    if request is not None:
        request.state.case_access = found


def check_attachable(db: Session, viewer: Viewer, case: Case, call, request: Request) -> None:
    """Refuse to attach the worker's own ``call`` to a case they may not read, unless the
    case is one of its caller's (the screen-pop offers those): attaching the call they are
    handling is how that case becomes theirs to read (need to know), so the offer must
    work before it does. Any other case stays hidden, as missing."""
    if case.id in {c.id for c in case_search.for_number(db, call.caller_number)}:
        return
    check_readable(db, viewer, case, request, missing=f"case {case.id} not found")


def readable_case(case_id: Id, request: Request, viewer: Viewer = Worker,
                  db: Session = DB) -> Case:
    """The case of the path, if this viewer may read it; else 404."""
    case = cases.get(db, case_id)
    check_readable(db, viewer, case, request, missing=f"case {case_id} not found")
    return case


def readable_referral(referral_id: Id, request: Request, viewer: Viewer = Worker,
                      db: Session = DB) -> Referral:
    """The referral of the path, if this viewer may read its case; else 404."""
    referral = cases.get_referral(db, referral_id)
    check_readable(db, viewer, cases.get(db, referral.case_id), request,
                   missing=f"referral {referral_id} not found")
    return referral


ReadableCase = Depends(readable_case)
ReadableReferral = Depends(readable_referral)


async def hidden_case_answer(request: Request, exc: CaseHidden) -> Response:
    """The API's 404 as for any missing record; a page (or toast) saying the way in."""
    if request.url.path.startswith("/api/"):
        return await domain_error(request, exc)
    _ = page_context(request)["_"]
    if htmx.is_htmx(request):
        return HTMLResponse(
            f'<div class="toast error" role="alert">{escape(_("access.hidden_toast"))}</div>',
            status_code=404, headers={"HX-Retarget": "#toasts", "HX-Reswap": "beforeend"})
    return templates.TemplateResponse(request, "access/case_hidden.html",
                                      page_context(request), status_code=404)
