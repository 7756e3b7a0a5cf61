"""The People pages: find, create and edit accounts, and the actions on one account.

Admins only (``agent_console.admin_access``). Forms are sent with htmx: a saved form
leads to the person's page, a refused one is answered with a toast naming the fields in
the page's language (``agent_console.errors``). Sensitive actions (resetting an
authenticator, signing out everywhere, making or unmaking an admin) want a fresh code.
Password set-up links and forced changes are drawn by ``admin/people/_password_actions.html``
and served by their own router.
"""

from __future__ import annotations

from urllib.parse import urlencode

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import HTMLResponse, Response
from sqlalchemy.orm import Session

from agent_console import htmx
from agent_console.admin_access import (
    admin_only,
    fresh_second_factor,
    needs_fresh_code,
    submitted_code,
)
from agent_console.deps import DB, Viewer, page_context
from agent_console.limits import Id, client_ip
from agent_console.templating import templates
from callcenter.agents import people
from callcenter.agents.models import Role
from callcenter.agents.schemas import MAX_PENALTY, PersonFields
from callcenter.db import utcnow
from callcenter.errors import InvalidInput
from callcenter.taxonomy import Language

router = APIRouter(prefix="/admin/people")
Admin = Depends(admin_only)
# Empty skill rows the form always offers, so a person gains a queue without scripts.
SPARE_SKILL_ROWS = 3
# What the person's page confirms after an action (``?done=``); anything else says nothing.
DONE = frozenset({"created", "saved", "disabled", "enabled", "unlocked", "totp_reset",
                  "signed_out"})


def _choices(db: Session) -> dict[str, object]:
    return {"roles": list(Role), "all_languages": list(Language),
            "units": people.unit_choices(db), "queues": people.queue_choices(db),
            "penalties": range(MAX_PENALTY + 1), "spare_rows": SPARE_SKILL_ROWS}


async def _form_fields(request: Request) -> tuple[PersonFields, int | None]:
    """The person form as ``PersonFields`` (pydantic's 422 names bad fields) and its version."""
    form = await request.form()
    queues = form.getlist("skill_queue")
    penalties = form.getlist("skill_penalty")
    skills = [{"queue": queue, "penalty": penalty or 0}
              for queue, penalty in zip(queues, penalties + [""] * len(queues), strict=False)
              if isinstance(queue, str) and queue.strip()]
    fields = PersonFields.model_validate({
        "login": form.get("login", ""), "display_name": form.get("display_name", ""),
        "role": form.get("role", ""), "unit_code": form.get("unit_code") or None,
        "languages": form.getlist("languages") or ["th"], "skills": skills,
    })
    return fields, _version(form.get("version"))


def _version(raw: object) -> int | None:
    if raw is None or raw == "":
        return None
    if not isinstance(raw, str) or not raw.isdigit() or len(raw) > 9:
        raise InvalidInput("the form's version is not a number", field="version")
    return int(raw)


@router.get("", response_class=HTMLResponse)
def list_people(
    request: Request, viewer: Viewer = Admin, db: Session = DB,
    q: str = Query(default="", max_length=120),
    role: Role | None = Query(default=None),
    unit_id: int | None = Query(default=None, ge=1, le=2**31 - 1),
    active: bool | None = Query(default=None),
    page: int = Query(default=1, ge=1, le=100_000),
) -> Response:
    found = people.search_people(db, text=q, role=role, unit_id=unit_id, active=active,
                                 page=page, now=utcnow())
    filters = {"q": q, "role": role.value if role else "", "unit_id": unit_id or "",
               "active": "" if active is None else str(active).lower()}

    def page_url(number: int) -> str:
        kept = {k: v for k, v in filters.items() if v != ""}
        return "?" + urlencode({**kept, "page": number})

    return templates.TemplateResponse(request, "admin/people/list.html", page_context(
        request, found=found, filters=filters, page_url=page_url, **_choices(db)))


@router.get("/new", response_class=HTMLResponse)
def new_person(request: Request, viewer: Viewer = Admin, db: Session = DB) -> Response:
    return templates.TemplateResponse(request, "admin/people/new.html", page_context(
        request, person=None, needs_code=needs_fresh_code(viewer), **_choices(db)))


@router.post("")
async def create(request: Request, viewer: Viewer = Admin, db: Session = DB,
                 code: str | None = Depends(submitted_code)) -> Response:
    fields, _ = await _form_fields(request)
    if fields.role == Role.ADMIN:  # making an admin is sensitive
        fresh_second_factor(request, viewer, code, db)
    user = people.create_person(db, fields, actor_id=viewer.id, source_ip=client_ip(request))
    return htmx.redirect(request, f"/admin/people/{user.id}?done=created")


@router.get("/{user_id}", response_class=HTMLResponse)
def detail(user_id: Id, request: Request, viewer: Viewer = Admin, db: Session = DB,
           done: str = Query(default="", max_length=40)) -> Response:
    person = people.person_view(db, user_id, now=utcnow())
    return templates.TemplateResponse(request, "admin/people/detail.html", page_context(
        request, person=person, done=done if done in DONE else "", is_self=person.id == viewer.id,
        history=people.person_history(db, user_id),
        needs_code=needs_fresh_code(viewer), **_choices(db)))


@router.post("/{user_id}")
async def update(user_id: Id, request: Request, viewer: Viewer = Admin, db: Session = DB,
                 code: str | None = Depends(submitted_code)) -> Response:
    fields, version = await _form_fields(request)
    if version is None:
        raise InvalidInput("the form has no version", field="version")
    if people.changes_role_to_or_from_admin(db, user_id, fields):  # sensitive
        fresh_second_factor(request, viewer, code, db)
    people.update_person(db, user_id, fields, version=version, actor_id=viewer.id,
                         source_ip=client_ip(request))
    return htmx.redirect(request, f"/admin/people/{user_id}?done=saved")


@router.post("/{user_id}/disable")
async def disable(user_id: Id, request: Request, viewer: Viewer = Admin,
                  db: Session = DB) -> Response:
    version = _version((await request.form()).get("version"))
    people.disable_person(db, user_id, actor_id=viewer.id, source_ip=client_ip(request),
                          version=version)
    return htmx.redirect(request, f"/admin/people/{user_id}?done=disabled")


@router.post("/{user_id}/enable")
async def enable(user_id: Id, request: Request, viewer: Viewer = Admin,
                 db: Session = DB) -> Response:
    version = _version((await request.form()).get("version"))
    people.enable_person(db, user_id, actor_id=viewer.id, source_ip=client_ip(request),
                         version=version)
    return htmx.redirect(request, f"/admin/people/{user_id}?done=enabled")


@router.post("/{user_id}/unlock")
def unlock(user_id: Id, request: Request, viewer: Viewer = Admin, db: Session = DB) -> Response:
    people.unlock_person(db, user_id, actor_id=viewer.id, source_ip=client_ip(request))
    return htmx.redirect(request, f"/admin/people/{user_id}?done=unlocked")


@router.post("/{user_id}/reset-totp")
def reset_totp(user_id: Id, request: Request, viewer: Viewer = Depends(fresh_second_factor),
               db: Session = DB) -> Response:
    people.reset_totp(db, user_id, actor_id=viewer.id, source_ip=client_ip(request))
    return htmx.redirect(request, f"/admin/people/{user_id}?done=totp_reset")


@router.post("/{user_id}/sign-out-everywhere")
def sign_out_everywhere(user_id: Id, request: Request,
                        viewer: Viewer = Depends(fresh_second_factor),
                        db: Session = DB) -> Response:
    people.sign_out_everywhere(db, user_id, actor_id=viewer.id, source_ip=client_ip(request))
    # Signing oneself out everywhere ends this very session too.
    target = "/login" if user_id == viewer.id else f"/admin/people/{user_id}?done=signed_out"
    return htmx.redirect(request, target)
