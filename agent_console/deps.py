"""Request-scoped dependencies: database session, Redis, the signed-in user, CSRF, roles."""

from __future__ import annotations

import hmac
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from typing import TypeVar
from urllib.parse import urlencode

import anyio
import redis
from fastapi import Depends, Request
from fastapi.concurrency import run_in_threadpool
from sqlalchemy.orm import Session

from agent_console import after_response, i18n, liveness, sessions
from callcenter import after_commit
from callcenter.agents.models import ConsoleSession, Role, User
from callcenter.db import default_sessionmaker, utcnow
from callcenter.errors import DomainError, Forbidden, RecordedRefusal

CSRF_HEADER = "X-CSRF-Token"
CSRF_FIELD = "csrf_token"
UNSAFE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})

T = TypeVar("T")


class NotSignedIn(DomainError):
    status_code = 401
    code = "not_signed_in"


class SecondFactorRequired(NotSignedIn):
    """Signed in with a password; the TOTP step (or its enrolment) is still to come."""

    code = "second_factor_required"


class PasswordChangeRequired(DomainError):
    """An admin forced a new password: pages lead to /account/password, the API answers 403."""

    status_code = 403
    code = "password_change_required"


# What a person whose password change is forced may still reach (agent_console.routers.account).
PASSWORD_CHANGE_PATHS = frozenset({"/account/password", "/logout", "/logout/everywhere"})


class CsrfRejected(DomainError):
    status_code = 403
    code = "csrf"


@contextmanager
def request_transaction(request: Request, *, hooks_after_answer: bool = True
                        ) -> Iterator[Session]:
    """The one place the console commits: a session committed when the block succeeds,
    then the after-commit hooks registered in it are run (alerts to enqueue, events to
    publish: ``callcenter.after_commit``), once the answer is sent
    (``after_response``) unless ``hooks_after_answer`` is False; rolled back, with its
    hooks dropped, if the block raises."""
    factory = getattr(request.app.state, "sessionmaker", None) or default_sessionmaker()
    session = factory()
    try:
        yield session
        _commit(request, session, hooks_after_answer=hooks_after_answer)
    except RecordedRefusal:
        # Refused by a check that counted something first (a wrong code): keep the count.
        session.commit()
        raise
    except BaseException:
        session.rollback()
        raise
    finally:
        after_commit.discard(session)
        session.close()


def _begun(session: Session) -> bool:
    """Anything to commit: False once ``run_and_commit`` committed and nothing began since."""
    return bool(session.in_transaction() or session.new or session.dirty or session.deleted)


def _commit(request: Request, session: Session, *, hooks_after_answer: bool = True) -> None:
    if _begun(session):  # else committed already: no second, empty commit
        session.commit()
    hooks = after_commit.take(session)
    if not (hooks_after_answer and after_response.defer(request.scope, hooks)):
        after_commit.run_hooks(hooks)


async def db_session(request: Request) -> AsyncIterator[Session]:
    """One transaction per request (``request_transaction``): routes never commit.

    Always use it as ``Depends(db_session, scope="function")`` (or ``DB``): FastAPI then
    runs the code after ``yield`` when the handler has returned, before the response is
    sent. So a client that reads back what it just wrote (or follows a 303) finds it, a
    request returns its connection to the pool at once, and a commit that fails (the
    database lost) reaches the exception handlers as any error of the handler would:
    the 503 of ``errors.database_error``, with no hook run.

    Async, though the transaction's end is blocking: starting it opens no connection
    (the first statement takes one, in the thread pool), so it costs the request no trip
    through the pool; a plain generator would cost one to start and one to end, and on
    a busy process each trip waits for a thread and then for the event loop. The end
    runs in the thread pool as FastAPI runs a blocking dependency's: shielded from
    cancellation, outside the pool's capacity limit (a full pool must not keep a
    request from giving its connection back).
    """
    transaction = request_transaction(request)
    session = transaction.__enter__()
    try:
        yield session
    except BaseException as exc:
        with anyio.CancelScope(shield=True):
            await anyio.to_thread.run_sync(transaction.__exit__, type(exc), exc,
                                           exc.__traceback__,
                                           limiter=anyio.CapacityLimiter(1))
        raise
    if not _begun(session):
        # Committed already (``run_and_commit``): ending it does no I/O.
        transaction.__exit__(None, None, None)
        return
    with anyio.CancelScope(shield=True):
        await anyio.to_thread.run_sync(transaction.__exit__, None, None, None,
                                       limiter=anyio.CapacityLimiter(1))


async def run_and_commit(request: Request, db: Session, work: Callable[[], T]) -> T:
    """Run a handler's blocking ``work`` and then commit the request's transaction, in
    one trip through the thread pool; what ``work`` returns is the answer.

    For the requests an agent makes many times a call (the intake's): a plain handler
    costs a trip for itself, one to check its answer and one to end the transaction,
    and on a busy process each trip waits for a thread and then for the event loop.
    ``work`` returns plain values (a response model), never a row: nothing is read from
    the database once the commit is done. A failure, the commit's too, reaches
    ``db_session`` as any handler's error (rolled back, its hooks dropped).
    """
    def work_then_commit() -> T:
        result = work()
        _commit(request, db)
        return result

    return await run_in_threadpool(work_then_commit)


DB = Depends(db_session, scope="function")


def id_key(request: Request) -> str:
    """The key that national IDs are digested with (see ``callcenter.cases.identity``)."""
    return request.app.state.settings.effective_secret_key()


def redis_client(request: Request) -> redis.Redis:
    return request.app.state.redis


@dataclass(frozen=True, slots=True)
class Viewer:
    """The signed-in user of this request and their session, as plain values.

    Read once when the request is checked, and never an ORM row: the request's database
    session is closed (and after an error rolled back) before error pages, the access log
    or a live stream use the viewer, and a row would then fail on its next attribute. A
    service that needs the user's row loads it from its own session (``db.get(User, id)``).
    """

    id: int
    login: str
    display_name: str
    role: Role
    unit_id: int | None
    # The Asterisk device the agent answers on (PJSIP/agent1001), if any.
    phone_interface: str | None
    languages: tuple[str, ...]
    csrf_token: str
    # The console session's key (its token's SHA-256), to end it at sign-out.
    session_key: str
    # When the session last passed a TOTP code (``callcenter.agents.step_up``).
    fresh_factor_at: datetime | None = None

    @classmethod
    def of(cls, user: User, session: ConsoleSession) -> Viewer:
        return cls(id=user.id, login=user.login, display_name=user.display_name,
                   role=user.role, unit_id=user.unit_id, phone_interface=user.phone_interface,
                   languages=tuple(user.languages or ("th",)), csrf_token=session.csrf_token,
                   session_key=session.token_hash, fresh_factor_at=session.fresh_factor_at)


async def submitted_csrf(request: Request) -> str | None:
    """The CSRF token sent with an unsafe request (header for htmx/API, field for forms)."""
    if request.method not in UNSAFE_METHODS:
        return None
    header = request.headers.get(CSRF_HEADER)
    if header:
        return header
    content_type = request.headers.get("content-type", "")
    if content_type.startswith(("application/x-www-form-urlencoded", "multipart/form-data")):
        form = await request.form()  # Starlette keeps it for the handler's Form fields
        value = form.get(CSRF_FIELD)
        return value if isinstance(value, str) else None
    return None


def load_viewer(request: Request, db: Session, *, csrf: str | None) -> Viewer:
    """The signed-in, active user; checks the CSRF token on every unsafe request.

    Blocking (the database): FastAPI runs it in its thread pool. Redis is not needed:
    sessions live in PostgreSQL, so agents keep working when Redis is lost.
    """
    production = request.app.state.settings.environment == "production"
    found = sessions.load(db, sessions.token_of(request.cookies, production=production),
                          now=utcnow())
    if found is None:
        raise NotSignedIn("please sign in")
    data, user = found
    if not user.active:
        sessions.end(db, data)
        raise NotSignedIn("please sign in")
    # No page or API call before the second factor, enrolled or not (ASVS 2.2.1).
    if user.role in SECOND_FACTOR_ROLES and not data.second_factor_done:
        raise SecondFactorRequired("second factor required")
    # A forced change comes before any other work (the old password may be known to others).
    if user.must_change_password and request.url.path not in PASSWORD_CHANGE_PATHS:
        raise PasswordChangeRequired("choose a new password first")
    if request.method in UNSAFE_METHODS and (
        not csrf or not hmac.compare_digest(csrf, data.csrf_token)
    ):
        raise CsrfRejected("the form has expired; reload the page and try again")
    request.state.viewer = Viewer.of(user, data)
    request.state.viewer_id = user.id  # for the access log
    return request.state.viewer


def viewer_in_own_transaction(request: Request) -> Viewer:
    """The signed-in viewer, checked in a transaction of its own (the idle expiry it
    slid is committed): for live streams, which keep no database session for their life.
    Blocking: run it in the thread pool."""
    # Its hooks now: the stream's answer lasts as long as the page is open.
    with request_transaction(request, hooks_after_answer=False) as session:
        return load_viewer(request, session, csrf=None)


def current_viewer(
    request: Request,
    csrf: str | None = Depends(submitted_csrf),
    db: Session = Depends(db_session, scope="function"),
) -> Viewer:
    return load_viewer(request, db, csrf=csrf)


# Supervisors and admins see everything: they sign in with a second factor (TOTP).
SECOND_FACTOR_ROLES = frozenset({Role.SUPERVISOR, Role.ADMIN})


def require(*roles: Role) -> Callable[..., Awaitable[Viewer]]:
    """A dependency that lets only the given roles through (403 for the others)."""
    allowed = frozenset(roles)

    # Async: no I/O here, and a plain function would cost the request a trip through
    # the thread pool (a wait for a thread, then for the event loop) for one comparison.
    async def check(viewer: Viewer = Depends(current_viewer)) -> Viewer:
        if viewer.role not in allowed:
            raise Forbidden("your role may not do this")
        return viewer

    return check


def language(request: Request) -> str:
    """The request's language: ``?lang=``, else the cookie, else Thai."""
    return i18n.pick_language(request.query_params.get("lang"), request.cookies.get(i18n.COOKIE))


def page_context(request: Request, **values: object) -> dict[str, object]:
    lang = language(request)
    settings = request.app.state.settings
    viewer = getattr(request.state, "viewer", None)
    return {
        "request": request,
        "lang": lang,
        "_": i18n.translator(lang),
        "today": datetime.now(settings.zone),
        "viewer": viewer,
        "csrf_token": viewer.csrf_token if viewer else None,
        # Called by the page only where it is shown (not for fragments).
        "live_ok": lambda: liveness.redis_ok(request.app),
        "lang_url": lambda target: lang_url(request, target),
        **values,
    }


def lang_url(request: Request, target: str) -> str:
    """This page in the other language, with every other query parameter kept."""
    params = [(k, v) for k, v in request.query_params.multi_items() if k != "lang"]
    return "?" + urlencode([*params, ("lang", target)])
