"""The public report pages: no account, Thai first (English, Burmese, Khmer, Lao).

``/report`` takes a report into the web queue (``callcenter.intake.public_reports``),
``/report/done`` shows its tracking code once, ``/report/track`` answers a code with the
report's status in plain words and takes more information. Every refusal is a page in
the chosen language, with the form kept where it can be: a size past the limit, a form
token too old or not ours (``public_forms``), a sender over their limit
(``intake.rate_limit``). A filled trap field (a robot) is answered as a success and
nothing is kept. The code never travels in a URL: the done page reads it from a sealed,
short-lived cookie of its own path, and the tracking pages post it.
"""

from __future__ import annotations

import logging
from functools import cache

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import RedirectResponse, Response
from pydantic import ValidationError
from sqlalchemy.orm import Session

from agent_console import public_forms as public
from agent_console.deps import DB
from agent_console.limits import client_ip
from callcenter import sealing
from callcenter.collation import by_display_name
from callcenter.db import utcnow
from callcenter.errors import Conflict
from callcenter.intake import public_reports, rate_limit, tracking
from callcenter.intake.models import ContactWay, ReportSource
from callcenter.intake.schemas import AdditionIn, PublicReportIn
from callcenter.provinces import catalog, places

router = APIRouter(prefix="/report", include_in_schema=False)
log = logging.getLogger(__name__)

CODE_COOKIE = "report_code"
CODE_PURPOSE = "public-report-code"
CODE_COOKIE_SECONDS = 600
# The form's fields, as PublicReportIn names them (the rest: token, trap, language).
FIELDS = ("what_happened", "province_code", "district_code", "in_danger_now", "contact_way",
          "phone", "email", "safe_times", "reporter_name", "consent")
CHECKBOXES = ("in_danger_now", "consent")
TRAP_FIELD = "website"


async def form_fields(request: Request) -> dict[str, str]:
    """The posted form's text fields (parsed once already: ``limits.refuse_nul``)."""
    form = await request.form()
    return {name: value for name, value in form.items() if isinstance(value, str)}


Form = Depends(form_fields)


@cache
def _provinces() -> tuple[catalog.ProvinceSpec, ...]:
    return tuple(by_display_name(catalog.provinces(), "th"))


def place_name(area, lang: str) -> str:
    """Thai and English names: a reader of Burmese, Khmer or Lao may know either."""
    if lang in ("th", "en"):
        return area.name_en if lang == "en" else area.name_th
    return f"{area.name_th} · {area.name_en}"


def _form_page(request: Request, lang: str, *, values: dict[str, str] | None = None,
               problems: dict[str, str] | None = None, notice: str | None = None,
               status: int = 200) -> Response:
    values = values or {}
    province = values.get("province_code", "")
    districts = places.districts(province) if province in catalog.codes() else []
    return public.page(request, "report", lang, status=status, values=values,
                       problems=problems or {}, notice=notice, provinces=_provinces(),
                       districts=districts, place_name=place_name,
                       contact_ways=[w.value for w in ContactWay],
                       token=public.issue_token(public.secret(request), utcnow()))


@router.get("")
def report_form(request: Request) -> Response:
    return _form_page(request, public.language(request))


@router.get("/districts")
def district_options(request: Request,
                     province_code: str = Query(default="", max_length=5)) -> Response:
    """The province's districts as options (the form's script asks on each change)."""
    lang = public.language(request)
    areas = places.districts(province_code) if province_code in catalog.codes() else []
    return public.page(request, "_district_options", lang, districts=areas,
                       place_name=place_name, selected="")


def _problems(exc: ValidationError) -> dict[str, str]:
    """Each refused field and the kind of refusal (never what was typed)."""
    found: dict[str, str] = {}
    for error in exc.errors():
        field = str(error["loc"][0]) if error["loc"] else "what_happened"
        found.setdefault(field, error["type"])
    return found


def _report_in(fields: dict[str, str], lang: str) -> PublicReportIn:
    data: dict[str, object] = {name: fields.get(name, "") for name in FIELDS
                               if name not in CHECKBOXES}
    data["contact_way"] = data["contact_way"] or ContactWay.NONE.value
    for name in CHECKBOXES:
        data[name] = fields.get(name) == "yes"
    return PublicReportIn(**data, language=lang)


@router.post("")
def submit(request: Request, fields: dict[str, str] = Form, db: Session = DB) -> Response:
    lang = public.language(request, fields)
    if public.too_large(request):
        return public.refused(request, lang, "too_large", status=413)
    values = {name: fields.get(name, "") for name in FIELDS}
    if fields.get("action") == "districts":  # no script: the district list, drawn again
        return _form_page(request, lang, values=values)
    key = public.secret(request)
    nonce = public.token_nonce(fields.get("token", ""), key, utcnow())
    if nonce is None:
        return _form_page(request, lang, values=values, notice="expired", status=403)
    address = client_ip(request)
    if not rate_limit.allow(request.app.state.redis, rate_limit.REPORT,
                            tracking.address_digest(address, key=key)):
        return public.refused(request, lang, "rate", status=429)
    if fields.get(TRAP_FIELD):
        caught = rate_limit.count_honeypot(request.app.state.redis, utcnow().date())
        log.info("public report form: a filled trap field, nothing kept (%s today)",
                 caught if caught is not None else "?")
        return _done_redirect(request, lang, tracking.new_code())
    try:
        report = _report_in(fields, lang)
    except ValidationError as exc:
        return _form_page(request, lang, values=values, problems=_problems(exc), status=422)
    try:
        done = public_reports.submit(db, report, source=ReportSource.WEBSITE, key=key,
                                     idempotency_key=nonce, address=address)
    except Conflict:
        # The same form sent again with other words (Back, a change, send): a new report.
        done = public_reports.submit(db, report, source=ReportSource.WEBSITE, key=key,
                                     address=address)
    return _done_redirect(request, lang, done.code)


def _secure(request: Request) -> bool:
    return request.url.scheme == "https" or request.app.state.settings.environment == "production"


def _done_redirect(request: Request, lang: str, code: str) -> Response:
    response = RedirectResponse(f"/report/done?lang={lang}", status_code=303)
    sealed = sealing.seal(code, key=public.secret(request), purpose=CODE_PURPOSE)
    response.set_cookie(CODE_COOKIE, sealed, max_age=CODE_COOKIE_SECONDS, path="/report/done",
                        httponly=True, samesite="strict", secure=_secure(request))
    return response


@router.get("/done")
def done(request: Request) -> Response:
    """The tracking code, once: the cookie that carried it is deleted here."""
    lang = public.language(request)
    sealed = request.cookies.get(CODE_COOKIE, "")
    code = sealing.unseal(sealed, key=public.secret(request), purpose=CODE_PURPOSE) \
        if sealed else None
    response = public.page(request, "done", lang,
                           code=tracking.shown(code) if code else None)
    response.delete_cookie(CODE_COOKIE, path="/report/done", httponly=True,
                           samesite="strict", secure=_secure(request))
    return response


def _track_page(request: Request, lang: str, *, problem: str | None = None,
                status: int = 200) -> Response:
    return public.page(request, "track", lang, status=status, problem=problem,
                       token=public.issue_token(public.secret(request), utcnow()))


def _status_page(request: Request, lang: str, db: Session, report, code: str, *,
                 problem: str | None = None, added: bool = False,
                 status: int = 200) -> Response:
    return public.page(request, "status", lang, status=status, problem=problem, added=added,
                       report_status=public_reports.status(db, report).value, code=code,
                       token=public.issue_token(public.secret(request), utcnow()))


@router.get("/track")
def track_form(request: Request) -> Response:
    return _track_page(request, public.language(request))


def _lookup_checks(request: Request, fields: dict[str, str], lang: str) -> Response | None:
    """The refusals every tracking post shares: size, form token, the sender's limit."""
    if public.too_large(request):
        return public.refused(request, lang, "too_large", status=413)
    key = public.secret(request)
    if public.token_nonce(fields.get("token", ""), key, utcnow()) is None:
        return _track_page(request, lang, problem="expired", status=403)
    if not rate_limit.allow(request.app.state.redis, rate_limit.TRACK,
                            tracking.address_digest(client_ip(request), key=key)):
        return public.refused(request, lang, "rate", status=429)
    return None


@router.post("/track")
def track(request: Request, fields: dict[str, str] = Form, db: Session = DB) -> Response:
    lang = public.language(request, fields)
    refusal = _lookup_checks(request, fields, lang)
    if refusal is not None:
        return refusal
    code = fields.get("code", "")[:40]
    report = public_reports.by_code(db, code, key=public.secret(request))
    if report is None:  # a malformed code and an unknown one: the same answer
        return _track_page(request, lang, problem="unknown", status=404)
    return _status_page(request, lang, db, report, code)


@router.post("/track/add")
def add(request: Request, fields: dict[str, str] = Form, db: Session = DB) -> Response:
    lang = public.language(request, fields)
    refusal = _lookup_checks(request, fields, lang)
    if refusal is not None:
        return refusal
    code = fields.get("code", "")[:40]
    report = public_reports.by_code(db, code, key=public.secret(request))
    if report is None:
        return _track_page(request, lang, problem="unknown", status=404)
    try:
        addition = AdditionIn(body=fields.get("body", ""))
    except ValidationError as exc:
        return _status_page(request, lang, db, report, code,
                            problem=exc.errors()[0]["type"], status=422)
    try:
        public_reports.add(db, report, addition)
    except Conflict:
        return public.refused(request, lang, "too_many", status=409)
    return _status_page(request, lang, db, report, code, added=True)
