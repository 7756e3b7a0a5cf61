"""Request-scoped dependencies: the database session and the page context."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime

from fastapi import Request
from sqlalchemy.orm import Session

from agent_console import i18n
from callcenter.db import default_sessionmaker


def db_session() -> Iterator[Session]:
    """One transaction per request: committed when the handler returns, else rolled back."""
    session = default_sessionmaker()()
    try:
        yield session
        session.commit()
    except BaseException:
        session.rollback()
        raise
    finally:
        session.close()


def page_context(request: Request, **values: object) -> dict[str, object]:
    lang = i18n.pick_language(request.query_params.get("lang"), request.cookies.get(i18n.COOKIE))
    settings = request.app.state.settings
    return {
        "request": request,
        "lang": lang,
        "_": i18n.translator(lang),
        "today": datetime.now(settings.zone),
        **values,
    }
