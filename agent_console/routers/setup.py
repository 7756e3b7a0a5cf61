"""The public set-up page: a person opens the link an admin gave them and chooses a password.

No sign-in: the link is the proof. CSRF is checked as on the sign-in page (a cookie
matched by a form field), since there is no session yet. An unknown, used or expired link
gets one message, whichever it is (``setup_links.SetupLinkInvalid``). The token is in
the path, so the access log writes ``/setup/…`` (``middleware.loggable_path``) and the
page sends no Referer anywhere.
"""

from __future__ import annotations

import hmac
import secrets

from fastapi import APIRouter, Depends, Form, Path, Request
from fastapi.responses import HTMLResponse, Response
from sqlalchemy.orm import Session

from agent_console import i18n
from agent_console.deps import db_session, language, page_context
from agent_console.limits import client_ip
from agent_console.templating import templates
from callcenter.agents import setup_links
from callcenter.agents.passwords import WeakPassword
from callcenter.db import utcnow

router = APIRouter(prefix="/setup", include_in_schema=False)

SETUP_CSRF_COOKIE = "setup_csrf"
Token = Path(max_length=100)


def refusal_text(request: Request, refused: WeakPassword) -> str:
    """A refused password's message in the page's language (``error.<code>.<field>``)."""
    return i18n.translator(language(request))(f"error.{refused.code}.{refused.field}")


def _page(request: Request, token: str, *, person=None, done: bool = False,
          error: str | None = None, field_error: str | None = None,
          status: int = 200) -> Response:
    form_csrf = request.cookies.get(SETUP_CSRF_COOKIE) or secrets.token_urlsafe(32)
    context = page_context(request, person=person, done=done, form_csrf=form_csrf,
                           action=f"/setup/{token}", error=error, field_error=field_error)
    response = templates.TemplateResponse(request, "setup.html", context, status_code=status)
    response.set_cookie(SETUP_CSRF_COOKIE, form_csrf, httponly=True, samesite="strict",
                        secure=request.url.scheme == "https" or _production(request),
                        path="/setup")
    # The URL holds the token: no other site (nor this one's logs of Referers) sees it.
    response.headers["Referrer-Policy"] = "no-referrer"
    return response


def _production(request: Request) -> bool:
    return request.app.state.settings.environment == "production"


@router.get("/{token}", response_class=HTMLResponse)
def setup_page(request: Request, token: str = Token,
               db: Session = Depends(db_session, scope="function")) -> Response:
    try:
        person = setup_links.peek(db, token, now=utcnow())
    except setup_links.SetupLinkInvalid:
        return _page(request, token, status=404)
    return _page(request, token, person=person)


@router.post("/{token}")
def setup_submit(
    request: Request,
    token: str = Token,
    password: str = Form(max_length=400),
    password_again: str = Form(max_length=400),
    csrf_token: str = Form(max_length=100),
    db: Session = Depends(db_session, scope="function"),
) -> Response:
    expected = request.cookies.get(SETUP_CSRF_COOKIE, "")
    if not expected or not hmac.compare_digest(expected, csrf_token):
        return _csrf_refused(request, token, db)
    now = utcnow()
    try:
        person = setup_links.peek(db, token, now=now)
    except setup_links.SetupLinkInvalid:
        return _page(request, token, status=404)
    try:
        setup_links.redeem(db, token, password, again=password_again, now=now,
                           source_ip=client_ip(request))
    except WeakPassword as refused:
        return _page(request, token, person=person, error=refusal_text(request, refused),
                     field_error=refused.field, status=422)
    return _page(request, token, person=person, done=True)


def _csrf_refused(request: Request, token: str, db: Session) -> Response:
    """The form outlived its cookie (or was forged): draw it again, nothing changed."""
    _ = i18n.translator(language(request))
    try:
        person = setup_links.peek(db, token, now=utcnow())
    except setup_links.SetupLinkInvalid:
        return _page(request, token, status=404)
    return _page(request, token, person=person, error=_("login.expired"), status=403)
