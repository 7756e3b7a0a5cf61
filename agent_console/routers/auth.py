"""Sign in (with a second factor for supervisors and admins), sign out, sign out everywhere."""

from __future__ import annotations

import hmac
import secrets

import pyotp
import redis
from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import HTMLResponse, Response
from sqlalchemy.orm import Session

from agent_console import htmx, i18n, sessions
from agent_console.deps import (
    SECOND_FACTOR_ROLES,
    Viewer,
    current_viewer,
    db_session,
    page_context,
    redis_client,
)
from agent_console.templating import templates
from callcenter import audit
from callcenter.agents import service as agents
from callcenter.agents.models import Role, User
from callcenter.db import utcnow

router = APIRouter(include_in_schema=False)

LOGIN_CSRF_COOKIE = "login_csrf"
HOME_BY_ROLE = {
    Role.AGENT: "/agent",
    Role.SUPERVISOR: "/wallboard",
    Role.UNIT_MEMBER: "/unit",
    Role.ADMIN: "/home",
}


def _secure(request: Request) -> bool:
    return request.app.state.settings.environment == "production" or request.url.scheme == "https"


def _safe_next(target: str | None) -> str | None:
    # Only local paths: an open redirect would let a phishing link borrow our login page.
    if target and target.startswith("/") and not target.startswith("//"):
        return target
    return None


def _login_page(request: Request, *, error: str | None = None, status: int = 200) -> Response:
    token = request.cookies.get(LOGIN_CSRF_COOKIE) or secrets.token_urlsafe(32)
    context = page_context(
        request, error=error, login_csrf=token,
        next=_safe_next(request.query_params.get("next")) or "",
    )
    response = templates.TemplateResponse(request, "login.html", context, status_code=status)
    response.set_cookie(LOGIN_CSRF_COOKIE, token, httponly=True, samesite="strict",
                        secure=_secure(request))
    if request.query_params.get("lang") in i18n.LANGUAGES:
        response.set_cookie(i18n.COOKIE, str(context["lang"]), samesite="lax",
                            max_age=365 * 24 * 3600)
    return response


@router.get("/")
def root(request: Request) -> Response:
    return htmx.redirect(request, "/home")


@router.get("/login", response_class=HTMLResponse)
def login_page(request: Request) -> Response:
    return _login_page(request)


@router.post("/login")
def login(
    request: Request,
    username: str = Form(max_length=64),
    password: str = Form(max_length=200),
    csrf_token: str = Form(max_length=100),
    next: str = Form(default="", max_length=500),
    db: Session = Depends(db_session, scope="function"),
    client: redis.Redis = Depends(redis_client),
) -> Response:
    expected = request.cookies.get(LOGIN_CSRF_COOKIE, "")
    _ = i18n.translator(i18n.pick_language(None, request.cookies.get(i18n.COOKIE)))
    if not expected or not hmac.compare_digest(expected, csrf_token):
        return _login_page(request, error=_("login.expired"), status=403)
    try:
        user = agents.authenticate(db, login=username.strip(), password=password, now=utcnow())
    except agents.SignInRefused:
        # The handler returns normally, so the failure count is committed.
        return _login_page(request, error=_("login.failed"), status=401)
    needs_second_factor = user.role in SECOND_FACTOR_ROLES and bool(user.totp_secret)
    token, _data = sessions.create(client, user_id=user.id,
                                   second_factor_done=not needs_second_factor)
    audit.record(db, actor_id=user.id, action="auth.sign_in", entity_type="user",
                 entity_id=user.id, source_ip=request.client.host if request.client else None)
    target = "/login/totp" if needs_second_factor else (
        _safe_next(next) or HOME_BY_ROLE[user.role]
    )
    response = htmx.redirect(request, target)
    response.set_cookie(sessions.COOKIE, token, httponly=True, samesite="lax",
                        secure=_secure(request), max_age=sessions.ABSOLUTE_SECONDS)
    response.delete_cookie(LOGIN_CSRF_COOKIE)
    return response


def _pending_session(request: Request, client: redis.Redis, db: Session):
    data = sessions.load(client, request.cookies.get(sessions.COOKIE))
    user = db.get(User, data.user_id) if data else None
    return data, user


@router.get("/login/totp", response_class=HTMLResponse)
def totp_page(
    request: Request,
    db: Session = Depends(db_session, scope="function"),
    client: redis.Redis = Depends(redis_client),
) -> Response:
    data, user = _pending_session(request, client, db)
    if data is None or user is None:
        return htmx.redirect(request, "/login")
    return templates.TemplateResponse(
        request, "totp.html", page_context(request, csrf_token=data.csrf_token, error=None)
    )


@router.post("/login/totp")
def totp_submit(
    request: Request,
    code: str = Form(max_length=10),
    csrf_token: str = Form(max_length=100),
    db: Session = Depends(db_session, scope="function"),
    client: redis.Redis = Depends(redis_client),
) -> Response:
    data, user = _pending_session(request, client, db)
    if data is None or user is None or not user.totp_secret:
        return htmx.redirect(request, "/login")
    _ = i18n.translator(i18n.pick_language(None, request.cookies.get(i18n.COOKIE)))
    if not hmac.compare_digest(csrf_token, data.csrf_token):
        return htmx.redirect(request, "/login")
    if not pyotp.TOTP(user.totp_secret).verify(code.strip(), valid_window=1):
        return templates.TemplateResponse(
            request, "totp.html",
            page_context(request, csrf_token=data.csrf_token, error=_("totp.failed")),
            status_code=401,
        )
    sessions.mark_second_factor_done(client, data)
    return htmx.redirect(request, HOME_BY_ROLE[user.role])


@router.post("/logout")
def logout(
    request: Request,
    viewer: Viewer = Depends(current_viewer),
    client: redis.Redis = Depends(redis_client),
) -> Response:
    sessions.end(client, viewer.session)
    response = htmx.redirect(request, "/login")
    response.delete_cookie(sessions.COOKIE)
    return response


@router.post("/logout/everywhere")
def logout_everywhere(
    request: Request,
    viewer: Viewer = Depends(current_viewer),
    client: redis.Redis = Depends(redis_client),
    db: Session = Depends(db_session, scope="function"),
) -> Response:
    sessions.end_all(client, viewer.id)
    audit.record(db, actor_id=viewer.id, action="auth.sign_out_all", entity_type="user",
                 entity_id=viewer.id)
    response = htmx.redirect(request, "/login")
    response.delete_cookie(sessions.COOKIE)
    return response


@router.get("/home", response_class=HTMLResponse)
def home(request: Request, viewer: Viewer = Depends(current_viewer)) -> Response:
    return templates.TemplateResponse(request, "home.html", page_context(request))
