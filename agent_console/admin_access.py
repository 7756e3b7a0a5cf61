"""Who may administer, and the fresh second factor that sensitive actions ask for.

Every page under ``/admin`` and route under ``/api/admin`` takes ``admin_only``. A
sensitive action (creating an admin, resetting an authenticator, signing someone out
everywhere, a phone's new password, a bulk import) takes ``fresh_second_factor`` instead:
it lets the admin through while their last TOTP code is fresh
(``callcenter.agents.step_up.FRESH_FOR``), and otherwise wants a code in the form's
``totp_code`` field or the API's ``X-TOTP-Code`` header. Pages show the code field only
when ``needs_fresh_code(viewer)``; the partial ``admin/_fresh_code.html`` draws it.
"""

from __future__ import annotations

from fastapi import Depends, Request
from sqlalchemy.orm import Session

from agent_console.deps import DB, Viewer, require
from agent_console.limits import client_ip
from callcenter.agents import step_up
from callcenter.agents.models import ConsoleSession, Role, User
from callcenter.db import utcnow

TOTP_HEADER = "X-TOTP-Code"
TOTP_FIELD = "totp_code"

admin_only = require(Role.ADMIN)


async def submitted_code(request: Request) -> str | None:
    """The TOTP code sent with the request: the header (API, htmx) or the form field."""
    header = request.headers.get(TOTP_HEADER)
    if header:
        return header.strip()[:10]
    content_type = request.headers.get("content-type", "")
    if content_type.startswith(("application/x-www-form-urlencoded", "multipart/form-data")):
        value = (await request.form()).get(TOTP_FIELD)  # kept by Starlette for the handler
        if isinstance(value, str) and value.strip():
            return value.strip()[:10]
    return None


def fresh_second_factor(
    request: Request,
    viewer: Viewer = Depends(admin_only),
    code: str | None = Depends(submitted_code),
    db: Session = DB,
) -> Viewer:
    """An admin whose second factor is fresh, or who just gave a right code."""
    user = db.get(User, viewer.id)
    row = db.get(ConsoleSession, viewer.session_key)
    assert user is not None and row is not None  # load_viewer found both in this session
    step_up.confirm(db, user=user, row=row, code=code,
                    key=request.app.state.settings.effective_secret_key(), now=utcnow(),
                    source_ip=client_ip(request))
    return viewer


def needs_fresh_code(viewer: Viewer) -> bool:
    """Should the page's sensitive forms show the code field?"""
    return viewer.fresh_factor_at is None or (
        utcnow() - viewer.fresh_factor_at >= step_up.FRESH_FOR - _MARGIN)


# Ask a little early: a form drawn just before the window closes is sent after it.
_MARGIN = step_up.FRESH_FOR / 5
