"""Sign in (with a second factor for supervisors and admins), sign out, sign out everywhere."""

from __future__ import annotations

import hmac
import secrets

import segno
from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import HTMLResponse, Response
from markupsafe import Markup
from sqlalchemy.orm import Session

from agent_console import htmx, i18n, sessions
from agent_console.deps import (
    SECOND_FACTOR_ROLES,
    Viewer,
    current_viewer,
    db_session,
    language,
    page_context,
)
from agent_console.limits import client_ip
from agent_console.templating import templates
from callcenter import audit
from callcenter.agents import service as agents
from callcenter.agents import throttle, totp
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
) -> Response:
    expected = request.cookies.get(LOGIN_CSRF_COOKIE, "")
    _ = _translator(request)
    if not expected or not hmac.compare_digest(expected, csrf_token):
        return _login_page(request, error=_("login.expired"), status=403)
    now = utcnow()
    address = client_ip(request)
    wait = throttle.wait_seconds(db, address, now=now)
    if wait:
        # Not checked at all while the address waits: nothing learnt, no lockout extended.
        return _throttled(request, wait)
    try:
        user = agents.authenticate(db, login=username.strip(), password=password, now=now)
    except agents.SignInRefused as refused:
        # The handler returns normally, so the failure counts and this event are committed.
        throttle.count_failure(db, address, now=now)
        audit.record(db, actor_id=refused.user_id, action="auth.sign_in_failed",
                     entity_type="user", entity_id=refused.user_id or "unknown",
                     source_ip=address)
        return _login_page(request, error=_("login.failed"), status=401)
    needs_second_factor = user.role in SECOND_FACTOR_ROLES
    token, _row = sessions.create(db, user_id=user.id, now=now,
                                  second_factor_done=not needs_second_factor)
    audit.record(db, actor_id=user.id, action="auth.sign_in", entity_type="user",
                 entity_id=user.id, source_ip=address)
    target = "/login/totp" if needs_second_factor else (
        _after_sign_in(user) or _safe_next(next) or HOME_BY_ROLE[user.role]
    )
    response = htmx.redirect(request, target)
    set_session_cookie(request, response, token)
    response.delete_cookie(LOGIN_CSRF_COOKIE)
    return response


def _after_sign_in(user: User) -> str | None:
    """Where a sign-in must lead first: choosing a new password, when an admin forced it."""
    return "/account/password" if user.must_change_password else None


def _throttled(request: Request, wait: int) -> Response:
    """429 (RFC 6585) with Retry-After: too many failures from this address, wait a while."""
    message = _translator(request)("login.throttled", seconds=wait)
    response = _login_page(request, error=message, status=429)
    response.headers["Retry-After"] = str(wait)
    return response


def set_session_cookie(request: Request, response: Response, token: str) -> None:
    secure = _secure(request)
    name = sessions.SECURE_COOKIE if secure else sessions.PLAIN_COOKIE
    response.set_cookie(name, token, httponly=True, samesite="lax", secure=secure, path="/",
                        max_age=sessions.ABSOLUTE_SECONDS)


def clear_session_cookie(response: Response) -> None:
    for name in sessions.COOKIES:
        response.delete_cookie(name, path="/")


def _translator(request: Request):
    return i18n.translator(language(request))


def _pending(request: Request, db: Session):
    """The session waiting for its second factor, and its user (None, None if none)."""
    production = request.app.state.settings.environment == "production"
    found = sessions.load(db, sessions.token_of(request.cookies, production=production),
                          now=utcnow())
    if found is None or not found[1].active or found[1].role not in SECOND_FACTOR_ROLES:
        return None, None
    return found


def _qr_svg(uri: str) -> Markup:
    """The otpauth URI as an inline SVG QR code for the authenticator app's camera.

    Drawn on the server (no script, nothing fetched), with a white quiet zone so that it
    scans on a dark page too. It holds only paths: nothing of the URI is shown as text.
    """
    svg = segno.make(uri, error="m").svg_inline(scale=4, dark="#000", light="#fff")
    return Markup(svg)  # noqa: S704 - generated by segno from our own URI, no user markup


def _totp_page(request: Request, db: Session, pending, user: User, *,
               error: str | None = None, status: int = 200) -> Response:
    key = request.app.state.settings.effective_secret_key()
    context = page_context(request, csrf_token=pending.csrf_token, error=error,
                           enrolling=user.totp_secret is None)
    if user.totp_secret is None:
        # Enrolment on first sign-in: the secret is kept on the session until confirmed.
        secret = totp.begin_enrolment(pending, key=key)
        uri = totp.provisioning_uri(secret, user.login)
        context.update(secret=totp.grouped(secret), uri=uri, qr_svg=_qr_svg(uri))
    return templates.TemplateResponse(request, "totp.html", context, status_code=status)


@router.get("/login/totp", response_class=HTMLResponse)
def totp_page(request: Request, db: Session = Depends(db_session, scope="function")) -> Response:
    pending, user = _pending(request, db)
    if pending is None or user is None:
        return htmx.redirect(request, "/login")
    if pending.second_factor_done:
        return htmx.redirect(request, HOME_BY_ROLE[user.role])
    return _totp_page(request, db, pending, user)


@router.post("/login/totp")
def totp_submit(
    request: Request,
    code: str = Form(max_length=10),
    csrf_token: str = Form(max_length=100),
    db: Session = Depends(db_session, scope="function"),
) -> Response:
    pending, user = _pending(request, db)
    if pending is None or user is None or pending.second_factor_done:
        return htmx.redirect(request, "/login")
    if not hmac.compare_digest(csrf_token, pending.csrf_token):
        return htmx.redirect(request, "/login")
    _ = _translator(request)
    now = utcnow()
    key = request.app.state.settings.effective_secret_key()
    enrolling = user.totp_secret is None
    if agents.is_locked(user, now=now):
        ok = False
    elif enrolling:
        ok = totp.confirm_enrolment(user, pending, code, key=key, now=now)
    else:
        secret = totp.unseal(user.totp_secret or "", key=key)
        ok = secret is not None and totp.check(user, secret, code, now=now)
    if not ok:
        audit.record(db, actor_id=user.id, action="auth.totp_failed", entity_type="user",
                     entity_id=user.id, source_ip=client_ip(request))
        if agents.is_locked(user, now=now):
            # Locked: this half-signed-in session ends; the password step starts again.
            sessions.end(db, pending)
            response = _login_page(request, error=_("login.failed"), status=401)
            clear_session_cookie(response)
            return response
        return _totp_page(request, db, pending, user, error=_("totp.failed"), status=401)
    audit.record(db, actor_id=user.id,
                 action="auth.totp_enrolled" if enrolling else "auth.second_factor",
                 entity_type="user", entity_id=user.id, source_ip=client_ip(request))
    token, _row = sessions.rotate(db, pending, now=now)
    response = htmx.redirect(request, _after_sign_in(user) or HOME_BY_ROLE[user.role])
    set_session_cookie(request, response, token)
    return response


@router.post("/logout")
def logout(
    request: Request,
    viewer: Viewer = Depends(current_viewer),
    db: Session = Depends(db_session, scope="function"),
) -> Response:
    sessions.end_by_key(db, viewer.session_key)
    audit.record(db, actor_id=viewer.id, action="auth.sign_out", entity_type="user",
                 entity_id=viewer.id)
    response = htmx.redirect(request, "/login")
    clear_session_cookie(response)
    return response


@router.post("/logout/everywhere")
def logout_everywhere(
    request: Request,
    viewer: Viewer = Depends(current_viewer),
    db: Session = Depends(db_session, scope="function"),
) -> Response:
    sessions.end_all(db, viewer.id)
    audit.record(db, actor_id=viewer.id, action="auth.sign_out_all", entity_type="user",
                 entity_id=viewer.id)
    response = htmx.redirect(request, "/login")
    clear_session_cookie(response)
    return response


@router.get("/home", response_class=HTMLResponse)
def home(request: Request, viewer: Viewer = Depends(current_viewer)) -> Response:
    return templates.TemplateResponse(request, "home.html", page_context(request))
