"""``/api/intake/reports``: reports from partner applications (the ministry's app and
others), on the website's schema and rules, into the same web queue.

For machines, not people: no session cookie and no CSRF token (as LINE's webhook and
the public form, nothing here depends on ``current_viewer``); the application's key in
``Authorization: Bearer`` is the credential (``callcenter.intake.app_keys``). The body
is read here rather than by FastAPI so that every refusal (no key, a revoked one, the
key's limit, a body too large or malformed, an idempotency key reused) is audited in
the request's transaction before it is answered: raising would roll the audit back.
"""

from __future__ import annotations

import json
from typing import Annotated

import redis
from fastapi import APIRouter, Depends, Header, Path, Request
from fastapi.responses import JSONResponse
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from pydantic import ValidationError
from sqlalchemy.orm import Session

from agent_console import i18n
from agent_console import intake_api_docs as docs
from agent_console.api_errors import COMMON
from agent_console.deps import DB, redis_client
from agent_console.limits import client_ip
from callcenter.db import utcnow
from callcenter.errors import DomainError, NotFound
from callcenter.intake import app_intake, public_reports, rate_limit, tracking
from callcenter.intake.app_key_schemas import AppReportOut
from callcenter.intake.models import AppKey, PublicReport
from callcenter.intake.schemas import PublicReportIn

router = APIRouter(prefix="/api/intake", tags=["partner applications"], responses=COMMON)
# A report is at most a few thousand characters: anything far larger is no report.
MAX_BODY_BYTES = 32 * 1024
bearer = HTTPBearer(auto_error=False, description="The application's key, issued by an "
                    "admin on /admin/app-keys.")
Credentials = Annotated[HTTPAuthorizationCredentials | None, Depends(bearer)]
TrackingCode = Annotated[str, Path(max_length=20, description="As the reporter got it: "
                                   "ABCD-EFGH-JKMN (case, spaces and dashes do not matter).")]


async def raw_body(request: Request) -> bytes:
    return await request.body()


def _secret(request: Request) -> str:
    return request.app.state.settings.effective_secret_key()


def _refused(status: int, error: str, message: str, *, field: str | None = None,
             headers: dict[str, str] | None = None) -> JSONResponse:
    body = {"error": error, "message": message, **({"field": field} if field else {})}
    return JSONResponse(body, status_code=status, headers=headers)


def _unauthorized() -> JSONResponse:
    return _refused(401, "unauthorized", "a valid application key is required",
                    headers={"WWW-Authenticate": "Bearer"})


def _invalid(exc: ValidationError) -> JSONResponse:
    # Pydantic's ``input`` (what the reporter wrote) is never sent back.
    problems = [{"field": ".".join(str(p) for p in e["loc"]) or "body", "message": e["msg"]}
                for e in exc.errors()]
    return JSONResponse({"error": "invalid", "problems": problems}, status_code=422)


def _answer(request: Request, db: Session, report: PublicReport, code: str) -> AppReportOut:
    lang = report.language.value if report.language.value in i18n.PUBLIC_LANGUAGES else "th"
    state = public_reports.status(db, report)
    return AppReportOut(tracking_code=tracking.shown(code), status=state,
                        status_text=i18n.translator(lang)(f"webform.status.{state.value}"),
                        status_url=str(request.url_for("track_form")) + f"?lang={lang}")


def _app(request: Request, db: Session, credentials: HTTPAuthorizationCredentials | None
         ) -> AppKey | None:
    return app_intake.authenticate(db, credentials.credentials if credentials else None,
                                   secret=_secret(request), source_ip=client_ip(request),
                                   now=utcnow())


@router.post("/reports", response_model=AppReportOut, status_code=201,
             responses=docs.submit_responses(), openapi_extra=docs.request_body())
def submit_report(request: Request, credentials: Credentials,
                  body: bytes = Depends(raw_body),
                  # Its shape is checked by the route (audited), not by FastAPI.
                  idempotency_key: Annotated[str | None, Header(
                      description="Required: a random key per report (a UUID, 16 to 80 "
                      "letters, digits, - or _); a retry sends the same one.")] = None,
                  client: redis.Redis = Depends(redis_client), db: Session = DB):
    """A report into the web queue, as the website's form makes one."""
    app = _app(request, db, credentials)
    if app is None:
        return _unauthorized()
    source_ip = client_ip(request)
    wait = rate_limit.app_wait(client, app.id, app.per_minute)
    if wait is not None:
        app_intake.refuse(db, app, app_intake.RATE_LIMITED, source_ip=source_ip)
        return _refused(429, "rate_limited", "this application sent too many reports; "
                        "retry after the delay", headers={"Retry-After": str(wait)})
    if len(body) > MAX_BODY_BYTES:
        app_intake.refuse(db, app, app_intake.INVALID, source_ip=source_ip)
        return _refused(413, "too_large", "the request is too large")
    try:
        report = PublicReportIn.model_validate(json.loads(body) if body else None)
    except ValueError as exc:  # ValidationError, or the body is no JSON at all
        app_intake.refuse(db, app, app_intake.INVALID, source_ip=source_ip)
        if isinstance(exc, ValidationError):
            return _invalid(exc)
        return JSONResponse({"error": "invalid", "problems": [
            {"field": "body", "message": "the body must be a JSON object"}]}, status_code=422)
    if not idempotency_key:
        app_intake.refuse(db, app, app_intake.INVALID, source_ip=source_ip)
        return _refused(422, "invalid", "the Idempotency-Key header is required",
                        field="idempotency_key")
    try:
        done = app_intake.submit(db, app, report, idempotency_key=idempotency_key,
                                 secret=_secret(request), source_ip=source_ip)
    except DomainError as exc:  # a malformed idempotency key, or one used for another body
        app_intake.refuse(db, app, app_intake.CONFLICT if exc.status_code == 409
                          else app_intake.INVALID, source_ip=source_ip)
        return _refused(exc.status_code, exc.code, exc.message, field=exc.field)
    answer = _answer(request, db, done.report, done.code)
    return JSONResponse(answer.model_dump(mode="json"), status_code=200 if done.replayed else 201)


@router.get("/reports/{tracking_code}", response_model=AppReportOut,
            responses=docs.status_responses())
def report_status(tracking_code: TrackingCode, request: Request, credentials: Credentials,
                  db: Session = DB):
    """The status of a report this application sent, in plain words for the reporter."""
    app = _app(request, db, credentials)
    if app is None:
        return _unauthorized()
    try:
        report = app_intake.report_of(db, app, tracking_code, secret=_secret(request),
                                      source_ip=client_ip(request))
    except NotFound as exc:
        app_intake.refuse(db, app, app_intake.NOT_FOUND, source_ip=client_ip(request))
        return _refused(404, exc.code, exc.message)
    code = tracking.normalise(tracking_code) or ""
    return _answer(request, db, report, code)
