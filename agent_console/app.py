"""The FastAPI application: pages, JSON API, static files."""

from __future__ import annotations

import asyncio
import gc
from contextlib import asynccontextmanager
from pathlib import Path
from urllib.parse import urlsplit

import redis
from fastapi import Depends, FastAPI
from fastapi.staticfiles import StaticFiles
from sqlalchemy.orm import Session, sessionmaker

from agent_console import case_access, errors, middleware, stopping, vendor
from agent_console.after_response import AfterResponse
from agent_console.limits import refuse_nul
from agent_console.routers import (
    account,
    accounts,
    admin,
    admin_agencies,
    admin_app_keys,
    admin_chat_capacity,
    admin_import,
    admin_lists,
    admin_passwords,
    admin_people,
    admin_phones,
    admin_teams,
    api_admin_agencies,
    api_admin_app_keys,
    api_admin_phones,
    api_admin_teams,
    api_assignment,
    api_break_glass,
    api_chat_routing,
    api_docs,
    api_intake,
    api_referrals,
    assignment,
    auth,
    break_glass,
    chat_cases,
    chat_routing,
    closures,
    dispatch_board,
    handover,
    health,
    icon,
    intake,
    line_webhook,
    merges,
    metrics,
    places,
    public_report,
    referrals,
    reports,
    setup,
    softphone,
    supervisor,
    unit,
    wallboard,
    web_reports,
)
from agent_console.routers import admin_interpreters as interpreter_pages
from agent_console.routers import admin_units as admin_units_pages
from agent_console.routers import agent as agent_pages
from agent_console.routers import api_admin_import as admin_import_api
from agent_console.routers import api_admin_interpreters as interpreters_api
from agent_console.routers import api_admin_lists as admin_lists_api
from agent_console.routers import api_admin_passwords as admin_passwords_api
from agent_console.routers import api_admin_people as admin_people_api
from agent_console.routers import api_admin_units as admin_units_api
from agent_console.routers import api_agent_state as agent_state_api
from agent_console.routers import api_call_controls as call_controls_api
from agent_console.routers import api_calls as calls_api
from agent_console.routers import api_cases as cases_api
from agent_console.routers import api_closures as closures_api
from agent_console.routers import api_contacts as contacts_api
from agent_console.routers import api_drafts as drafts_api
from agent_console.routers import api_follow_ups as follow_ups_api
from agent_console.routers import api_merges as merges_api
from agent_console.routers import api_unit as unit_api
from agent_console.routers import api_walk_ins as walk_ins_api
from agent_console.routers import api_web_reports as web_reports_api
from agent_console.routers import call_controls as call_controls_pages
from agent_console.routers import cases as case_pages
from agent_console.routers import chats as chat_desk
from agent_console.routers import contacts as contact_pages
from agent_console.routers import follow_ups as follow_up_pages
from agent_console.routers import notices as notice_stream
from agent_console.routers import three_way as three_way_pages
from agent_console.routers import walk_ins as walk_in_pages
from agent_console.routers import wrap_up as wrap_up_pages
from agent_console.security_headers import SecurityHeaders
from agent_console.sse import Hub
from callcenter.cases.need_to_know import CaseHidden
from callcenter.redis import connect
from callcenter.settings import Settings, get_settings

HERE = Path(__file__).parent

SECURITY_HEADERS = {
    # Everything is served from this origin: no CDN, no inline script.
    "Content-Security-Policy": (
        "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; "
        "script-src 'self'; connect-src 'self'; frame-ancestors 'none'; base-uri 'self'; "
        "form-action 'self'"
    ),
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
    "X-Frame-Options": "DENY",
    "Permissions-Policy": "camera=(), geolocation=(), microphone=()",
}
# The agent page's browser phone (routers/softphone.py) needs the microphone there only.
AGENT_PAGE_PERMISSIONS = "camera=(), geolocation=(), microphone=(self)"


def headers_for(settings: Settings) -> dict[str, str]:
    """The headers of every answer; the PBX's WebSocket is the one place the pages
    connect to besides this origin (the browser phone, CALLCENTER_SIP_WSS_URL and each
    node's in CALLCENTER_SIP_WSS_URLS)."""
    headers = dict(SECURITY_HEADERS)
    urls = [settings.sip_wss_url, *settings.sip_wss_urls.values()]
    origins = dict.fromkeys(f"{p.scheme}://{p.netloc}" for p in map(urlsplit, filter(None, urls)))
    if origins:
        headers["Content-Security-Policy"] = headers["Content-Security-Policy"].replace(
            "connect-src 'self'", "connect-src 'self' " + " ".join(origins))
    return headers


# Production is served over HTTPS only: browsers must never try plain HTTP (ASVS 9.1.1).
HSTS = "max-age=31536000; includeSubDomains"


_frozen = False
_settled = False
# How long a process serves before what its first requests built is frozen too.
SETTLE_SECONDS = 30.0


def freeze_start_up_objects() -> None:
    """Leave what is built by the first app's start (modules, routes, models, some
    300,000 objects that live as long as the process) out of the collector's full passes,
    which otherwise walk them every few seconds on a busy floor and stop every request
    and stream for a tenth of a second or more each time.

    Once per process: a later freeze would also keep for good whatever garbage earlier
    apps left behind (the tests build many apps in one process)."""
    global _frozen
    if not _frozen:
        _frozen = True
        gc.freeze()


async def freeze_settled_objects(delay: float = SETTLE_SECONDS) -> None:
    """Freeze, once more, what the process built while serving its first requests.

    Much is built on first use, not at start: each route's resolved dependencies, the
    database's compiled statements, the templates, the provinces' list. Left in the
    collector's oldest generation (some 90,000 objects on a busy floor), they made each
    full pass stop the process for 50–120 ms, several times a minute; frozen, a pass
    takes a few. A full collection first, so that only what is alive is frozen (once per
    process, for the reason given above)."""
    global _settled
    await asyncio.sleep(delay)
    if not _settled:
        _settled = True
        gc.collect()
        gc.freeze()


def create_app(
    settings: Settings | None = None,
    *,
    redis_client: redis.Redis | None = None,
    session_factory: sessionmaker[Session] | None = None,
) -> FastAPI:
    settings = settings or get_settings()
    production = settings.environment == "production"
    headers = headers_for(settings)

    @asynccontextmanager
    async def lifespan(app: FastAPI):
        # Set when the server is told to stop: the live streams end (stopping.py).
        app.state.stopping = asyncio.Event()
        freeze_start_up_objects()
        settling = asyncio.create_task(freeze_settled_objects(), name="gc-settle")
        yield
        settling.cancel()
        if app.state.hub is not None:
            await app.state.hub.close()

    app = FastAPI(
        lifespan=lifespan,
        title="1300 hotline console",
        # Served by routers/api_docs.py: no CDN, and staff only in production.
        docs_url=None,
        openapi_url=None,
        redoc_url=None,
        # Every route, whether its router limits bodies or not: a NUL in a query or a
        # form field must be a clear 400, never a database error.
        dependencies=[Depends(refuse_nul)],
    )
    app.state.settings = settings
    app.state.redis = redis_client or connect(settings)
    app.state.sessionmaker = session_factory
    # One Redis subscriber per process for every SSE client (see sse.py).
    app.state.hub = Hub(url=settings.redis_url) if settings.redis_url else None
    errors.install(app)
    # A case not the viewer's: 404, with the way in on the page (need to know).
    app.add_exception_handler(CaseHidden, case_access.hidden_case_answer)
    # Innermost first: errors are answered inside the security headers, and the access
    # log (outermost) sees every answer, 413s and 500s included.
    app.add_middleware(middleware.ContainErrors)

    app.add_middleware(SecurityHeaders, headers=headers, hsts=HSTS if production else None,
                       agent_page="/agent", agent_permissions=AGENT_PAGE_PERMISSIONS)
    app.add_middleware(middleware.LanguageCookie)
    app.add_middleware(middleware.BodyLimit)
    app.add_middleware(middleware.AccessLog)
    app.add_middleware(stopping.EndStreamsOnStop)
    # Outermost: the after-commit work of a request runs once its answer has gone.
    app.add_middleware(AfterResponse)

    app.mount("/static", StaticFiles(directory=HERE / "static"), name="static")
    # Front-end packages installed by `make` from the npm registry (see vendor.py).
    vendor.mount(app)
    app.include_router(health.router)
    # What agents use during every call comes first: a request is matched against each
    # router in turn, and each router ahead of a path costs its request several µs.
    app.include_router(api_assignment.router)  # before cases_api: /api/cases/mine
    app.include_router(drafts_api.router)
    app.include_router(cases_api.router)
    app.include_router(calls_api.router)
    app.include_router(api_referrals.router)
    app.include_router(closures_api.router)
    app.include_router(contacts_api.router)
    app.include_router(merges_api.router)
    app.include_router(agent_state_api.router)
    app.include_router(unit_api.router)
    app.include_router(agent_pages.router)
    api_docs.install(app, production=production)
    app.include_router(icon.router)
    app.include_router(auth.router)
    app.include_router(wallboard.router)
    app.include_router(supervisor.router)
    app.include_router(accounts.router)
    app.include_router(admin.router)
    # Before the people pages: /admin/people/import is not /admin/people/{user_id}.
    app.include_router(admin_import.router)
    app.include_router(admin_import_api.router)
    app.include_router(admin_passwords.router)
    app.include_router(admin_passwords_api.router)
    app.include_router(setup.router)
    app.include_router(account.router)
    app.include_router(admin_people.router)
    app.include_router(admin_people_api.router)
    app.include_router(admin_units_pages.router)
    app.include_router(admin_units_api.router)
    app.include_router(admin_phones.router)
    app.include_router(api_admin_phones.router)
    app.include_router(admin_lists.router)
    app.include_router(admin_lists_api.router)
    app.include_router(admin_agencies.router)
    app.include_router(api_admin_agencies.router)
    app.include_router(admin_teams.router)
    app.include_router(api_admin_teams.router)
    app.include_router(dispatch_board.router)
    app.include_router(reports.router)
    app.include_router(metrics.router)
    app.include_router(places.router)
    app.include_router(intake.router)  # before case_pages: /cases/new is not /cases/{id}
    app.include_router(assignment.router)  # before case_pages: /cases/mine is no case id
    app.include_router(handover.router)
    app.include_router(case_pages.router)
    app.include_router(referrals.router)
    app.include_router(closures.router)
    app.include_router(break_glass.router)
    app.include_router(api_break_glass.router)
    app.include_router(contact_pages.router)
    app.include_router(merges.router)
    app.include_router(unit.router)
    app.include_router(follow_ups_api.router)
    app.include_router(follow_up_pages.router)
    app.include_router(notice_stream.router)
    app.include_router(walk_in_pages.router)
    app.include_router(walk_ins_api.router)
    app.include_router(public_report.router)  # public: no sign-in
    app.include_router(web_reports.router)
    app.include_router(web_reports_api.router)
    app.include_router(chat_desk.router)
    app.include_router(chat_cases.router)
    app.include_router(line_webhook.router)  # public: LINE's signature is its credential
    app.include_router(chat_routing.router)
    app.include_router(softphone.router)
    app.include_router(api_chat_routing.router)
    app.include_router(admin_chat_capacity.router)
    app.include_router(api_intake.router)  # no session: the application's key is its credential
    app.include_router(admin_app_keys.router)
    app.include_router(api_admin_app_keys.router)
    app.include_router(three_way_pages.router)  # interpreters and services on a call
    app.include_router(interpreter_pages.router)
    app.include_router(interpreters_api.router)
    app.include_router(wrap_up_pages.router)
    app.include_router(call_controls_pages.router)
    app.include_router(call_controls_api.router)
    return app
