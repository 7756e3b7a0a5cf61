"""Onboarding a shift at once: upload a file, see every row's problems, import all or none.

``GET /admin/people/import`` is the upload form; ``POST`` the same path answers the
preview (nothing written), with the checked rows sealed into its confirming form
(``import_preview``); ``POST …/import/confirm`` imports them in one transaction (a
sensitive action: fresh second factor) and shows each new person's set-up link once,
on a page to print and hand over. The JSON twin is ``api_admin_import.py``.
"""

from __future__ import annotations

from fastapi import APIRouter, Depends, File, Form, Request, UploadFile
from fastapi.responses import HTMLResponse, Response
from sqlalchemy.orm import Session

from agent_console import import_preview
from agent_console.admin_access import admin_only, fresh_second_factor, needs_fresh_code
from agent_console.deps import Viewer, db_session, language, page_context
from agent_console.limits import client_ip
from agent_console.routers.admin_passwords import setup_url
from agent_console.templating import templates
from callcenter.agents import bulk_import, people_import, setup_links
from callcenter.agents.bulk_import import ImportFileRefused
from callcenter.db import utcnow

router = APIRouter(prefix="/admin/people/import")


def read_upload(upload: UploadFile) -> tuple[str, bytes]:
    """The upload's name and bytes, reading one byte past the limit to notice a larger file."""
    return (upload.filename or "", upload.file.read(bulk_import.MAX_FILE_BYTES + 1))


def _upload_page(request: Request, *, refused: ImportFileRefused | None = None,
                 status: int = 200) -> Response:
    _ = page_context(request)["_"]
    error = _(f"imp.file.{refused.code}", names=", ".join(refused.names)) if refused else None
    context = page_context(request, error=error, max_rows=bulk_import.MAX_ROWS,
                           max_kb=bulk_import.MAX_FILE_BYTES // 1024)
    return templates.TemplateResponse(request, "admin/people/import.html", context,
                                      status_code=status)


def _preview_page(request: Request, viewer: Viewer, rows: list[bulk_import.Row], *,
                  status: int = 200) -> Response:
    lang = language(request)
    clean = bulk_import.is_clean(rows)
    sealed = import_preview.seal_rows(
        rows, key=request.app.state.settings.effective_secret_key(), admin_id=viewer.id,
        now=utcnow()) if clean else None
    shown = [(row, [import_preview.problem_text(lang, p) for p in row.problems])
             for row in rows]
    context = page_context(request, rows=shown, clean=clean, sealed=sealed,
                           columns=bulk_import.COLUMNS, needs_code=needs_fresh_code(viewer),
                           bad=sum(1 for row in rows if row.problems))
    return templates.TemplateResponse(request, "admin/people/import_preview.html", context,
                                      status_code=status)


@router.get("", response_class=HTMLResponse)
def upload_form(request: Request, viewer: Viewer = Depends(admin_only)) -> Response:
    return _upload_page(request)


@router.post("", response_class=HTMLResponse)
def preview(
    request: Request,
    file: UploadFile = File(),
    viewer: Viewer = Depends(admin_only),
    db: Session = Depends(db_session, scope="function"),
) -> Response:
    filename, content = read_upload(file)
    try:
        rows = people_import.preview(db, filename, content)
    except ImportFileRefused as refused:
        return _upload_page(request, refused=refused, status=422)
    return _preview_page(request, viewer, rows, status=200 if bulk_import.is_clean(rows)
                         else 422)


@router.post("/confirm", response_class=HTMLResponse)
def confirm(
    request: Request,
    preview: str = Form(max_length=2 * 1024 * 1024),
    viewer: Viewer = Depends(fresh_second_factor),
    db: Session = Depends(db_session, scope="function"),
) -> Response:
    now = utcnow()
    kept = import_preview.unseal_rows(
        preview, key=request.app.state.settings.effective_secret_key(), admin_id=viewer.id,
        now=now)
    if kept is None:
        return _upload_page(request, refused=ImportFileRefused(
            "import_expired", "the preview expired; upload the file again"), status=409)
    rows = people_import.recheck(db, kept)
    if not bulk_import.is_clean(rows):
        return _preview_page(request, viewer, rows, status=409)
    created = people_import.run(db, rows, actor_id=viewer.id, now=now,
                                source_ip=client_ip(request))
    links = [(person, setup_url(request, person.token)) for person in created]
    context = page_context(request, links=links,
                           expires_at=now + setup_links.LIFETIME)
    response = templates.TemplateResponse(request, "admin/people/import_done.html", context)
    response.headers["Referrer-Policy"] = "no-referrer"
    return response
