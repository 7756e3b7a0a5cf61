"""Who may reach each console route: the expected answer for every role.

Keys are "METHOD path" exactly as the router declares the route. ``test_permissions``
builds its list from ``app.routes`` and fails when a route has no entry here (or an
entry names a route that is gone), so a new route cannot ship without its rule.

ALLOWED means the access rules let the request through: any answer but 401, 403, 404,
405 or a redirect to the sign-in page (a 422 for an empty form is still allowed: the
role and ownership checks run first). Every answer must be below 500.

To add a route: one line in the section of its router, using the helpers below.
"""

from __future__ import annotations

from dataclasses import dataclass, field

ALLOWED = "allowed"
LOGIN = "login"  # a page sends a stranger to the sign-in page

ROLES = ("agent", "other_agent", "supervisor", "admin", "unit_th50", "unit_th10", "anonymous")
LOGINS = {"agent": "agent1", "other_agent": "agent2", "supervisor": "supervisor",
          "admin": "admin", "unit_th50": "unit.th50", "unit_th10": "unit.th10"}
AGENTS = frozenset({"agent", "other_agent"})
BOSSES = frozenset({"supervisor", "admin"})
ADMIN = frozenset({"admin"})
WORKERS = AGENTS | BOSSES  # the case roles
OWNER = frozenset({"agent"})  # agent1 owns the world's case, call and draft
UNITS = frozenset({"unit_th50", "unit_th10"})
OWN_UNIT = frozenset({"unit_th50"})  # the world's dispatch goes to Chiang Mai (TH-50)
SIGNED_IN = WORKERS | UNITS
CHATTERS = AGENTS | {"supervisor"}  # who takes chats (admins keep capacities, take none)


@dataclass(frozen=True)
class Rule:
    expected: dict[str, object]
    json: dict | None = None  # JSON body
    form: dict | None = None  # form fields (the CSRF token is added)
    params: dict | None = None  # query string
    # A never-ending SSE stream: only the refusals are requested here (tests/*/test_*sse*).
    stream: bool = False
    # Run after the others (it ends the session).
    last: bool = False
    extra: dict = field(default_factory=dict)


def _rule(allowed, hidden, *, api: bool, **kw) -> Rule:
    expected: dict[str, object] = {}
    for role in ROLES:
        if role in allowed:
            expected[role] = ALLOWED
        elif role in hidden:
            expected[role] = 404  # someone else's: as good as missing
        elif role == "anonymous":
            expected[role] = 401 if api else LOGIN
        else:
            expected[role] = 403
    return Rule(expected, **kw)


def page(allowed, hidden=frozenset(), **kw) -> Rule:
    return _rule(allowed, hidden, api=False, **kw)


def api(allowed, hidden=frozenset(), **kw) -> Rule:
    return _rule(allowed, hidden, api=True, **kw)


def case_page(**kw) -> Rule:
    """A route on agent1's case (need to know): its owner and the bosses reach it; to
    other_agent, whose team does not cover it, it is hidden (404)."""
    return page(OWNER | BOSSES, WORKERS, **kw)


def case_api(**kw) -> Rule:
    return api(OWNER | BOSSES, WORKERS, **kw)


def everyone(answer: object = ALLOWED, **kw) -> Rule:
    return Rule(dict.fromkeys(ROLES, answer), **kw)


def by_role(**answers: object) -> Rule:
    return Rule({role: answers[role] for role in ROLES})


QUEUE_SETTINGS = {"label_th": "ความรุนแรง", "label_en": "Violence", "service_level_seconds": 20,
                  "service_level_target": 80, "service_level_warn": 90,
                  "service_level_min_calls": 5, "wait_warn_seconds": 30,
                  "wait_alarm_seconds": 60, "version": 1}
AGENCY_FORM = {"name_th": "(ตัวอย่าง) บ้านพักเด็ก", "agency_type": "shelter",
               "province_code": "TH-50", "phone": "02-000-1234"}
INTAKE_FORM = {"issue_area": "family_violence", "target_group": "woman",
               "province_code": "TH-50", "urgency": "high", "consent": "given",
               "legal_basis": "consent", "summary": "ถูกทำร้าย",
               "persons.0.full_name": "มาลี"}
POP = {"node": "{node}", "uniqueid": "{uniqueid}"}
INTERPRETER_FORM = {"language_code": "km", "name": "ล่ามเขมร", "phone": "0812345679",
                    "days": "0", "from_time": "08:00", "until_time": "17:00"}
INTERPRETER_JSON = {"language": "km", "name": "ล่ามเขมร", "phone": "0812345679",
                    "days": "01234", "from_time": "08:00", "until_time": "17:00"}
REASSIGN = {"owner_id": "{user_id}", "reason": "ส่งต่อ", "version": "999"}

TABLE: dict[str, Rule] = {
    # --- framework and public ---------------------------------------------------------
    "GET /api/openapi.json": everyone(),
    "GET /api/docs": everyone(),
    "GET /healthz": everyone(),
    "GET /readyz": everyone(),
    "GET /favicon.ico": everyone(),
    "GET /metrics": everyone(),  # scraped by Prometheus; counts only, no case data
    # LINE's webhook: no session, its signature is the credential (unsigned here: 401).
    "POST /line/webhook": everyone(401, json={"destination": "U0", "events": []}),
    # --- auth (console core) ----------------------------------------------------------
    "GET /": everyone(),
    "GET /login": everyone(),
    "POST /login": everyone(403, form={"username": "x", "password": "y"}),  # forged form token
    # Nothing pending: back to /login, or home once passed.
    "GET /login/totp": everyone(),
    "POST /login/totp": everyone(form={"code": "000000"}),
    "GET /home": page(SIGNED_IN),
    "POST /logout": page(SIGNED_IN, last=True),
    "POST /logout/everywhere": page(SIGNED_IN, last=True),
    # --- agent page -------------------------------------------------------------------
    "GET /agent": page(WORKERS),
    "POST /agent/state": page(AGENTS, form={"action": "pause", "reason": "not-a-reason"}),
    "GET /agent/pop": page(OWNER | BOSSES, WORKERS, params=POP),
    "GET /agent/events": page(WORKERS, stream=True),
    # --- the browser phone (tests/agent_console/test_softphone.py): agent1 has a desk
    # phone (409 for its registration data), agent2 a browser phone; the choice is refused
    # (422) so that the world's phones stay as they are -------------------------------------
    "GET /agent/softphone": page(AGENTS),
    "POST /agent/softphone/registration": page(AGENTS, form={}),
    "POST /agent/softphone/choice": page(AGENTS, form={"choice": "not-a-phone"}),
    # Not in a call in the fixtures' live state: answered, nothing recorded.
    "POST /agent/softphone/mute": page(AGENTS, form={"muted": "true"}),
    # --- call controls (tests/agent_console/test_call_controls.py): agent1's call; nobody
    # is on it live here, so every control is refused with a 409 that says why -----------
    "GET /agent/calls/{call_id}/controls": page(OWNER | BOSSES, WORKERS),
    "POST /agent/calls/{call_id}/hangup": page(OWNER | BOSSES, WORKERS, form={}),
    "POST /agent/calls/{call_id}/blind-transfer": page(OWNER | BOSSES, WORKERS,
                                                       form={"target": "queue:violence"}),
    "POST /agent/calls/{call_id}/warm-transfer": page(OWNER | BOSSES, WORKERS,
                                                      form={"target": "number:1669"}),
    "POST /agent/calls/{call_id}/complete-transfer": page(OWNER | BOSSES, WORKERS, form={}),
    "POST /agent/calls/{call_id}/cancel-transfer": page(OWNER | BOSSES, WORKERS, form={}),
    "GET /api/calls/{call_id}/controls": api(OWNER | BOSSES, WORKERS),
    "POST /api/calls/{call_id}/hangup": api(OWNER | BOSSES, WORKERS, json={}),
    "POST /api/calls/{call_id}/transfers": api(OWNER | BOSSES, WORKERS, json={
        "kind": "blind", "target": "queue:violence"}),
    "POST /api/calls/{call_id}/transfers/complete": api(OWNER | BOSSES, WORKERS, json={}),
    "POST /api/calls/{call_id}/transfers/cancel": api(OWNER | BOSSES, WORKERS, json={}),
    # --- case pages -------------------------------------------------------------------
    "GET /cases": page(WORKERS),
    "POST /cases": page(WORKERS, form={"phone": "0812345678"}),
    "GET /cases/new": page(OWNER | BOSSES, WORKERS, params={"call_id": "{call_id}"}),
    "GET /cases/drafts/{key}": page(OWNER, WORKERS),
    "POST /cases/drafts/{key}": page(OWNER, WORKERS, form=INTAKE_FORM),
    "POST /cases/drafts/{key}/open": page(OWNER, WORKERS, form=INTAKE_FORM),
    "GET /cases/unit": page(WORKERS, params={"province_code": "TH-50"}),
    # Walk-in intake (channels): a draft without a call, and its centre picker.
    "GET /intake/walk-in": page(WORKERS),
    "GET /intake/walk-in/centres": page(WORKERS, params={"walk_in_q": "ศูนย์",
                                                         "province_code": "TH-50"}),
    "GET /api/intake/walk-in/centres": api(WORKERS, params={"q": "ศูนย์"}),
    "GET /places/districts": page(WORKERS, params={"province_code": "TH-50"}),
    "GET /places/subdistricts": page(WORKERS, params={"district_code": "5001"}),
    "GET /api/places/districts": api(WORKERS, params={"province_code": "TH-50"}),
    "GET /api/places/subdistricts": api(WORKERS, params={"district_code": "5001"}),
    "POST /calls/{call_id}/disposition": page(OWNER | BOSSES, WORKERS,
                                              form={"disposition": "information"}),
    "GET /cases/{case_id}": case_page(),
    "POST /cases/{case_id}/notes": case_page(form={"body": "ok"}),
    "POST /cases/{case_id}/status": case_page(form={"status": "follow_up"}),
    "POST /cases/{case_id}/fields": case_page(form={"issue_area": "welfare",
                                                    "consent": "given"}),
    "POST /cases/{case_id}/safe-contact": case_page(form={"do_not_call_back": "true"}),
    "POST /cases/{case_id}/referrals": case_page(form={"agency_type": "police",
                                                       "agency_name": "สภ.เมือง"}),
    "POST /referrals/{referral_id}/status": case_page(form={"status": "accepted"}),
    "GET /agencies/pick": page(WORKERS, params={"q": "ศูนย์", "province": "TH-50"}),
    "GET /referrals/overdue": page(WORKERS),
    "GET /api/agencies": api(WORKERS, params={"q": "ศูนย์"}),
    "GET /api/referrals/overdue": api(WORKERS),
    "POST /cases/{case_id}/dispatch": case_page(form={"unit_brief": "ไปที่บ้าน"}),
    "POST /cases/{case_id}/persons": case_page(form={"role": "reporter",
                                                     "nickname": "น้อย"}),
    "POST /cases/{case_id}/persons/{person_id}": case_page(form={
        "role": "victim", "full_name": "มาลี ใจดี"}),
    "GET /cases/{case_id}/audit": page(BOSSES),
    # --- need to know: break the glass, the supervisors' review ------------------------
    # A reason too short (422) grants nothing, so other_agent's later tries still get 404;
    # one who may read the case already is sent to it.
    "GET /cases/{case_id}/break-glass": page(WORKERS),
    "POST /cases/{case_id}/break-glass": page(WORKERS, form={"reason": "short"}),
    "POST /api/cases/{case_id}/break-glass": api(WORKERS, json={"reason": "short"}),
    "GET /access-reviews": page(BOSSES),
    "POST /access-reviews/{grant_id}/review": page(BOSSES, form={}),
    "GET /api/access-reviews": api(BOSSES),
    "POST /api/access-reviews/{grant_id}/review": api(BOSSES, json={}),
    # --- closures waiting for a supervisor, the case clock -----------------------------
    "GET /closures": page(BOSSES),
    "POST /closures/{request_id}/approve": page(BOSSES, form={}),
    "POST /closures/{request_id}/send-back": page(BOSSES, form={}),
    "GET /api/closures": api(BOSSES),
    "POST /api/closures/{request_id}/approve": api(BOSSES, json={}),
    "POST /api/closures/{request_id}/send-back": api(BOSSES, json={}),
    "GET /api/cases/{case_id}/closures": case_api(),
    "GET /api/cases/{case_id}/clock": case_api(),
    # --- follow-up tasks and the notice stream (tests/agent_console/test_follow_up_*) ----
    # Finishing carries a stale version (409) and adding a date in the past (422), so
    # trying them changes nothing.
    "GET /follow-ups": page(WORKERS),
    "GET /follow-ups/team": page(BOSSES),
    "GET /follow-ups/count": page(WORKERS),
    "POST /cases/{case_id}/follow-ups": case_page(form={
        "kind": "call_back", "due_date": "1/1/2560", "due_time": "09:00"}),
    "POST /follow-ups/{task_id}/done": page(OWNER | BOSSES, form={"version": "999"}),
    "POST /follow-ups/{task_id}/cancel": page(OWNER | BOSSES, form={"version": "999"}),
    "GET /api/follow-ups": api(WORKERS),
    "GET /api/follow-ups/team": api(BOSSES),
    "GET /api/cases/{case_id}/follow-ups": case_api(),
    "POST /api/cases/{case_id}/follow-ups": case_api(json={
        "kind": "call_back", "due_at": "2017-01-01T09:00:00+07:00"}),
    "POST /api/follow-ups/{task_id}/done": api(OWNER | BOSSES, json={"version": 999}),
    "POST /api/follow-ups/{task_id}/cancel": api(OWNER | BOSSES, json={"version": 999}),
    "GET /events/notices": page(WORKERS, stream=True),
    # --- later contacts: the world's call is agent1's and on the case already, so a
    # worker it is theirs to see meets 409 (through the checks), another agent 404 --------
    "POST /cases/{case_id}/contacts/calls": page(OWNER | BOSSES, WORKERS,
                                                 form={"call_id": "{call_id}"}),
    "POST /cases/{case_id}/contacts": case_page(form={"channel": "walk_in"}),
    "GET /api/cases/{case_id}/contacts": case_api(),
    "POST /api/cases/{case_id}/contacts": api(OWNER | BOSSES, WORKERS, json={
        "channel": "phone", "call_id": "{call_id}"}),
    "GET /api/calls/mine": api(WORKERS),
    # --- merging duplicates (supervisors) and undoing merges (admins) ----------------------
    "GET /cases/{case_id}/merge": page(BOSSES),
    "POST /cases/{case_id}/merge": page(BOSSES, form={}),
    "GET /admin/merges": page(ADMIN),
    "POST /admin/merges/{merge_id}/undo": page(ADMIN, form={}),
    "GET /api/cases/{case_id}/merges": case_api(),
    "GET /api/cases/{case_id}/merge-preview": api(BOSSES),
    "POST /api/cases/{case_id}/merge": api(BOSSES, json={}),
    "GET /api/case-merges": api(ADMIN),
    "POST /api/case-merges/{merge_id}/undo": api(ADMIN, json={}),
    # --- owners, teams and hand-over (the reassignments carry a stale version: 409) ------
    "GET /cases/mine": page(WORKERS),
    "POST /cases/{case_id}/assignment": case_page(form=REASSIGN),
    "GET /handover": page(WORKERS),
    "POST /handover": page(BOSSES, form={"worker_id": "{user_id}"}),
    "GET /api/cases/mine": api(WORKERS),
    "POST /api/cases/{case_id}/assignment": case_api(json=REASSIGN),
    "GET /api/cases/{case_id}/assignments": case_api(),
    "GET /api/handover": api(WORKERS),
    "POST /api/handover": api(BOSSES, json={}),
    # --- JSON API: cases --------------------------------------------------------------
    "GET /api/cases": api(WORKERS),
    "POST /api/cases": api(WORKERS, json={"issue_area": "welfare", "consent": "given",
                                          "summary": "ขอคำปรึกษา"}),
    "GET /api/cases/{case_id}": case_api(),
    "PUT /api/cases/{case_id}": case_api(json={
        "issue_area": "family_violence", "target_group": "woman", "consent": "given",
        "legal_basis": "consent", "urgency": "high", "summary": "ok"}),
    "GET /api/cases/{case_id}/export": case_api(),
    "GET /api/cases/{case_id}/notes": case_api(),
    "POST /api/cases/{case_id}/notes": case_api(json={"body": "ok"}),
    "POST /api/cases/{case_id}/status": case_api(json={"status": "follow_up"}),
    "GET /api/cases/{case_id}/referrals": case_api(),
    "POST /api/cases/{case_id}/referrals": case_api(json={
        "agency_type": "police", "agency_name": "สภ.เมือง"}),
    "POST /api/referrals/{referral_id}/status": case_api(json={"status": "accepted"}),
    "POST /api/cases/{case_id}/dispatches": case_api(json={"unit_brief": "ไปที่บ้าน"}),
    "POST /api/cases/{case_id}/persons": case_api(json={"role": "reporter", "nickname": "น้อย"}),
    "PATCH /api/cases/{case_id}/persons/{person_id}": case_api(json={"age_years": 35}),
    "GET /api/cases/{case_id}/audit": api(BOSSES),
    # --- JSON API: calls, drafts, agent state, the unit's dispatches ------------------
    "GET /api/calls/{call_id}/screenpop": api(OWNER | BOSSES, WORKERS),
    "POST /api/calls/{call_id}/disposition": api(OWNER | BOSSES, WORKERS,
                                                 json={"disposition": "information"}),
    "POST /api/drafts": api(WORKERS, json={}),
    "GET /api/drafts/{key}": api(OWNER, WORKERS),
    "PUT /api/drafts/{key}": api(OWNER, WORKERS, json={"data": {"summary": "ok"}}),
    "POST /api/drafts/{key}/case": api(OWNER, WORKERS),
    "GET /api/agent/state": api(AGENTS),
    "POST /api/agent/state": api(AGENTS, json={"action": "pause", "reason": "not-a-reason"}),
    "GET /api/unit/dispatches": api(UNITS),
    "GET /api/unit/dispatches/{dispatch_id}": api(OWN_UNIT, UNITS),
    # --- wallboard, supervision, reports (wallboard and reports work) -----------------
    "GET /wallboard": page(BOSSES),
    "GET /wallboard/board": page(BOSSES),
    "GET /wallboard/today": page(BOSSES),
    "GET /wallboard/series": page(BOSSES),
    "GET /wallboard/stream": page(BOSSES, stream=True),
    "POST /supervisor/agents/{action}": page(BOSSES, form={}),
    "POST /supervisor/calls/move": page(BOSSES, form={}),
    "GET /supervisor/accounts": page(BOSSES),
    "POST /supervisor/accounts/{user_id}/unlock": page(BOSSES, form={}),  # agent2, not locked
    "GET /reports": page(BOSSES),
    "GET /reports/{report}.{kind}": page(BOSSES),
    # --- dispatch board (dispatch work) -----------------------------------------------
    "GET /dispatches": page(BOSSES),
    "GET /dispatches/{dispatch_id}": page(BOSSES),
    "POST /dispatches/{dispatch_id}/acknowledge": page(BOSSES, form={}),
    "POST /dispatches/{dispatch_id}/resend": page(BOSSES, form={}),
    "POST /dispatches/{dispatch_id}/cancel": page(BOSSES, form={}),
    "GET /dispatches/stream": page(BOSSES, stream=True),
    # --- the unit console (unit work) -------------------------------------------------
    "GET /unit": page(UNITS),
    "GET /unit/dispatches/{dispatch_id}": page(OWN_UNIT, UNITS),
    "GET /units/dispatches/{dispatch_id}": everyone(),  # the alerts' link: a redirect only
    "POST /unit/dispatches/{dispatch_id}/acknowledge": page(OWN_UNIT, UNITS, form={}),
    "POST /unit/dispatches/{dispatch_id}/decline": page(OWN_UNIT, UNITS, form={}),
    "POST /unit/dispatches/{dispatch_id}/en-route": page(OWN_UNIT, UNITS, form={}),
    "POST /unit/dispatches/{dispatch_id}/on-scene": page(OWN_UNIT, UNITS, form={}),
    "POST /unit/dispatches/{dispatch_id}/complete": page(OWN_UNIT, UNITS, form={}),
    "GET /unit/events": page(UNITS, stream=True),
    "POST /unit/test-alerts/{test_id}/acknowledge": page(OWN_UNIT, UNITS, form={}),
    # --- administration (admins only; tests/agent_console/admin/) ------------------------
    "GET /admin": page(ADMIN),
    # Passwords: agent2 gets a set-up link or a forced change (sensitive: fresh code passed).
    "POST /admin/people/{user_id}/setup-link": page(ADMIN, form={}),
    "POST /admin/people/{user_id}/force-password-change": page(ADMIN, form={}),
    "POST /api/admin/people/{user_id}/setup-link": api(ADMIN),
    "POST /api/admin/people/{user_id}/force-password-change": api(ADMIN),
    # Bulk import: the form, a preview of an empty upload (422), a confirm of a bad preview.
    "GET /admin/people/import": page(ADMIN),
    "POST /admin/people/import": page(ADMIN, form={}),
    "POST /admin/people/import/confirm": page(ADMIN, form={"preview": "x"}),
    "POST /api/admin/people/import": api(ADMIN, params={"dry_run": "true"}),
    # --- passwords: the public set-up page, one's own password ------------------------
    # An unknown link: one page for every visitor, whatever the form holds.
    "GET /setup/{token}": everyone(404),
    "POST /setup/{token}": everyone(404, form={"password": "x" * 12,
                                               "password_again": "x" * 12}),
    "GET /account/password": page(SIGNED_IN),
    "POST /account/password": page(SIGNED_IN, form={"current_password": "wrong",
                                                    "password": "x", "password_again": "x"}),
    # People (user_id: agent2)
    "GET /admin/people": page(ADMIN),
    "GET /admin/people/new": page(ADMIN),
    "POST /admin/people": page(ADMIN, form={"login": "new.agent", "display_name": "ใหม่",
                                            "role": "agent"}),
    "GET /admin/people/{user_id}": page(ADMIN),
    "POST /admin/people/{user_id}": page(ADMIN, form={"login": "agent2", "display_name": "x",
                                                      "role": "agent", "version": "1"}),
    "POST /admin/people/{user_id}/disable": page(ADMIN, form={}),
    "POST /admin/people/{user_id}/enable": page(ADMIN, form={}),
    "POST /admin/people/{user_id}/unlock": page(ADMIN, form={}),
    "POST /admin/people/{user_id}/reset-totp": page(ADMIN, form={}),
    "POST /admin/people/{user_id}/sign-out-everywhere": page(ADMIN, form={}),
    "GET /api/admin/people": api(ADMIN),
    "POST /api/admin/people": api(ADMIN, json={"login": "api.agent", "display_name": "ใหม่",
                                               "role": "agent"}),
    "GET /api/admin/people/{user_id}": api(ADMIN),
    "PUT /api/admin/people/{user_id}": api(ADMIN, json={"login": "agent2", "display_name": "x",
                                                        "role": "agent", "version": 1}),
    "POST /api/admin/people/{user_id}/disable": api(ADMIN),
    "POST /api/admin/people/{user_id}/enable": api(ADMIN),
    "POST /api/admin/people/{user_id}/unlock": api(ADMIN),
    "POST /api/admin/people/{user_id}/reset-totp": api(ADMIN),
    "POST /api/admin/people/{user_id}/sign-out-everywhere": api(ADMIN),
    # Units and their contacts: edits carry a stale version (409), so the world is kept.
    "GET /admin/units": page(ADMIN),
    "GET /admin/units/health": page(ADMIN),
    "POST /admin/units/centre-line": page(ADMIN, form={"phone": "not a number"}),
    "GET /admin/units/{unit_id}": page(ADMIN),
    "POST /admin/units/{unit_id}": page(ADMIN, form={"name_th": "หน่วย", "name_en": "Unit",
                                                     "active": "true", "version": "999"}),
    "POST /admin/units/{unit_id}/contacts": page(
        ADMIN, form={"channel": "sms", "address": "bad", "role": "team_lead"}),
    "POST /admin/units/{unit_id}/contacts/{contact_id}": page(
        ADMIN, form={"channel": "console", "role": "duty_console", "version": "999"}),
    "POST /admin/units/{unit_id}/contacts/{contact_id}/delete": page(ADMIN,
                                                                     form={"version": "999"}),
    "POST /admin/units/{unit_id}/contacts/{contact_id}/move": page(
        ADMIN, form={"direction": "down", "version": "999"}),
    "POST /admin/units/{unit_id}/contacts/{contact_id}/test": page(ADMIN, form={}),
    "GET /api/admin/units": api(ADMIN),
    "GET /api/admin/units/health": api(ADMIN),
    "GET /api/admin/units/{unit_id}": api(ADMIN),
    "PUT /api/admin/units/{unit_id}": api(ADMIN, json={"name_th": "หน่วย", "name_en": "Unit",
                                                       "active": True, "version": 999}),
    "POST /api/admin/units/{unit_id}/contacts": api(ADMIN, json={"channel": "sms",
                                                                 "address": "bad",
                                                                 "role": "team_lead"}),
    "PUT /api/admin/units/{unit_id}/contacts/{contact_id}": api(
        ADMIN, json={"channel": "console", "role": "duty_console", "version": 999}),
    "DELETE /api/admin/units/{unit_id}/contacts/{contact_id}": api(ADMIN,
                                                                   params={"version": "999"}),
    "POST /api/admin/units/{unit_id}/contacts/{contact_id}/move": api(
        ADMIN, json={"direction": "down", "version": 999}),
    "POST /api/admin/units/{unit_id}/contacts/{contact_id}/test": api(ADMIN, json={}),
    # phones (tests/agent_console/admin/test_phones_*.py)
    "GET /admin/phones": page(ADMIN),
    "POST /admin/phones": page(ADMIN, form={"user_id": "{admin_id}", "kind": "desk"}),
    "POST /admin/phones/{endpoint}/password": page(ADMIN, form={"version": "1"}),
    "POST /admin/phones/{endpoint}/kind": page(ADMIN, form={"kind": "desk", "version": "1"}),
    "POST /admin/phones/{endpoint}/delete": page(ADMIN, form={"version": "999"}),
    "GET /api/admin/phones": api(ADMIN),
    "POST /api/admin/phones": api(ADMIN, json={"user_id": "{admin_id}", "kind": "desk"}),
    "GET /api/admin/phones/{endpoint}": api(ADMIN),
    "PATCH /api/admin/phones/{endpoint}": api(ADMIN, json={"kind": "desk", "version": 1}),
    "POST /api/admin/phones/{endpoint}/password": api(ADMIN, json={"version": 1}),
    "DELETE /api/admin/phones/{endpoint}": api(ADMIN, params={"version": "999"}),
    "GET /admin/queues": page(ADMIN),
    "GET /admin/queues/{queue_name}": page(ADMIN),
    "POST /admin/queues/{queue_name}": page(ADMIN, form={**QUEUE_SETTINGS, "active": "1"}),
    "GET /admin/lists": page(ADMIN),
    "POST /admin/lists/{list_name}": page(ADMIN, form={
        "code": "first_aid", "label_th": "ปฐมพยาบาล", "label_en": "First aid", "active": "1"}),
    "POST /admin/lists/{list_name}/{item_code}": page(ADMIN, form={
        "label_th": "สอบถามข้อมูล", "label_en": "Information", "active": "1", "version": "1"}),
    "POST /admin/lists/{list_name}/{item_code}/move": page(ADMIN, form={
        "direction": "down", "version": "1"}),
    "GET /api/admin/queues": api(ADMIN),
    "GET /api/admin/queues/{queue_name}": api(ADMIN),
    "PUT /api/admin/queues/{queue_name}": api(ADMIN, json={**QUEUE_SETTINGS, "active": True}),
    "GET /api/admin/pause-reasons": api(ADMIN),
    "POST /api/admin/pause-reasons": api(ADMIN, json={
        "code": "first_aid", "label_th": "ปฐมพยาบาล", "label_en": "First aid"}),
    "PUT /api/admin/pause-reasons/{reason_code}": api(ADMIN, json={
        "label_th": "พักเบรก", "label_en": "Break", "active": True, "version": 1}),
    "POST /api/admin/pause-reasons/{reason_code}/move": api(ADMIN, json={
        "direction": "down", "version": 1}),
    "GET /api/admin/dispositions": api(ADMIN),
    "POST /api/admin/dispositions": api(ADMIN, json={
        "code": "first_aid", "label_th": "ปฐมพยาบาล", "label_en": "First aid"}),
    "PUT /api/admin/dispositions/{disposition_code}": api(ADMIN, json={
        "label_th": "สอบถามข้อมูล", "label_en": "Information", "active": True, "version": 1}),
    "POST /api/admin/dispositions/{disposition_code}/move": api(ADMIN, json={
        "direction": "down", "version": 1}),
    "GET /admin/agencies": page(ADMIN),
    "GET /admin/agencies/new": page(ADMIN),
    "POST /admin/agencies": page(ADMIN, form=AGENCY_FORM),
    "GET /admin/agencies/{agency_id}": page(ADMIN),
    "POST /admin/agencies/{agency_id}": page(ADMIN, form={**AGENCY_FORM, "version": "1"}),
    "POST /admin/agencies/targets/{agency_type}": page(ADMIN, form={"hours": "24",
                                                                    "version": "1"}),
    "GET /api/admin/agencies": api(ADMIN),
    "POST /api/admin/agencies": api(ADMIN, json=AGENCY_FORM),
    "GET /api/admin/agencies/{agency_id}": api(ADMIN),
    "PUT /api/admin/agencies/{agency_id}": api(ADMIN, json={**AGENCY_FORM, "version": 1}),
    "GET /api/admin/referral-targets": api(ADMIN),
    "PUT /api/admin/referral-targets/{agency_type}": api(ADMIN, json={"hours": 24,
                                                                     "version": 1}),
    # teams (team_id: the demo team; user_id: agent2, a member)
    "GET /admin/teams": page(ADMIN),
    "POST /admin/teams": page(ADMIN, form={"name": "ทีมทดสอบสิทธิ์"}),
    "GET /admin/teams/{team_id}": page(ADMIN),
    "POST /admin/teams/{team_id}": page(ADMIN, form={"name": "ทีมอื่น", "version": "999"}),
    "POST /admin/teams/{team_id}/members": page(ADMIN, form={"user_id": "{user_id}"}),
    "POST /admin/teams/{team_id}/members/{user_id}/remove": page(ADMIN, form={}),
    "GET /api/admin/teams": api(ADMIN),
    "POST /api/admin/teams": api(ADMIN, json={"name": "ทีมทดสอบ API"}),
    "GET /api/admin/teams/{team_id}": api(ADMIN),
    "PUT /api/admin/teams/{team_id}": api(ADMIN, json={"name": "ทีมอื่น", "version": 999}),
    "POST /api/admin/teams/{team_id}/members": api(ADMIN, json={"user_id": "{user_id}"}),
    "DELETE /api/admin/teams/{team_id}/members/{user_id}": api(ADMIN),
    # partner applications' keys (tests/agent_console/admin/test_app_keys_*.py); the
    # revocations are tried with too short a reason (422): the world's key stays usable
    "GET /admin/app-keys": page(ADMIN),
    "POST /admin/app-keys": page(ADMIN, form={"name": "แอปทดสอบ", "contact": "ทดสอบ",
                                              "per_minute": "10"}),
    "POST /admin/app-keys/{app_key_id}/revoke": page(ADMIN, form={"reason": "x"}),
    "GET /api/admin/app-keys": api(ADMIN),
    "POST /api/admin/app-keys": api(ADMIN, json={"name": "แอปทดสอบ", "contact": "ทดสอบ"}),
    "GET /api/admin/app-keys/{app_key_id}": api(ADMIN),
    "POST /api/admin/app-keys/{app_key_id}/revoke": api(ADMIN, json={"reason": "x"}),
    # --- the public report form (no sign-in) and the web queue --------------------------
    "GET /report": everyone(),
    "POST /report": everyone(403, form={"what_happened": "x"}),  # not a signed form token
    "GET /report/districts": everyone(params={"province_code": "TH-50"}),
    "GET /report/done": everyone(),
    "GET /report/track": everyone(),
    "POST /report/track": everyone(403, form={"code": "x"}),
    "POST /report/track/add": everyone(403, form={"code": "x", "body": "y"}),
    # Partner applications (tests/agent_console/test_app_intake*.py): no session, the
    # application's key is the credential; none is sent here, so 401 for everyone.
    "POST /api/intake/reports": everyone(401, json={"what_happened": "x", "consent": True}),
    "GET /api/intake/reports/{tracking_code}": everyone(401),
    # report_id: a report agent1 has taken; the steps are tried with a stale version (409)
    "GET /web-reports": page(WORKERS),
    "GET /web-reports/{report_id}": page(WORKERS),
    "POST /web-reports/{report_id}/take": page(WORKERS, form={"version": "999"}),
    "POST /web-reports/{report_id}/open-case": page(WORKERS, form={"version": "999"}),
    "POST /web-reports/{report_id}/attach": page(WORKERS, form={
        "version": "999", "case_number": "1300-2569-000001"}),
    "POST /web-reports/{report_id}/flag": page(WORKERS, form={"version": "999",
                                                               "flag": "prank"}),
    # --- the chat desk (tests/agent_console/test_chat_desk_pages.py): conversation_id is
    # agent1's active LINE conversation, message_id its picture; others' is missing (404).
    # A reply is tried empty (422); ending, opening a case and attaching do their work,
    # and a second try answers 409.
    "GET /chats": page(WORKERS),
    "GET /chats/{conversation_id}": page(OWNER | BOSSES, WORKERS),
    "GET /chats/{conversation_id}/transcript": page(OWNER | BOSSES, WORKERS),
    "GET /chats/{conversation_id}/stream": page(OWNER | BOSSES, WORKERS, stream=True),
    "POST /chats/{conversation_id}/reply": page(OWNER | BOSSES, WORKERS, form={"text": " "}),
    "POST /chats/{conversation_id}/open-case": page(OWNER | BOSSES, WORKERS, form={}),
    "POST /chats/{conversation_id}/attach": page(OWNER | BOSSES, WORKERS, form={
        "case_number": "{case_number}"}),
    "POST /chats/{conversation_id}/end": page(OWNER | BOSSES, WORKERS, form={}),
    "GET /chats/{conversation_id}/media/{message_id}": page(OWNER | BOSSES, WORKERS),
    "GET /api/web-reports": api(WORKERS),
    "GET /api/web-reports/{report_id}": api(WORKERS),
    "POST /api/web-reports/{report_id}/take": api(WORKERS, json={"version": 999}),
    "POST /api/web-reports/{report_id}/open-case": api(WORKERS, json={"version": 999}),
    "POST /api/web-reports/{report_id}/attach": api(WORKERS, json={
        "version": 999, "case_number": "1300-2569-000001"}),
    "POST /api/web-reports/{report_id}/flag": api(WORKERS, json={"version": 999,
                                                                 "flag": "prank"}),
    # --- chat routing (chat_routing, api_chat_routing, admin_chat_capacity) -------------
    # conversation_id: agent1's active chat (the desk's); accepting or declining a chat not
    # offered to you is answered 409, which the rule counts as reached.
    "GET /agent/chats": page(CHATTERS),
    "POST /chats/take-next": page(CHATTERS),
    "POST /chats/{conversation_id}/accept": page(CHATTERS),
    "POST /chats/{conversation_id}/decline": page(CHATTERS),
    "POST /chats/{conversation_id}/return": page({"supervisor"}),
    "GET /api/chats/load": api(CHATTERS),
    "POST /api/chats/take-next": api(CHATTERS),
    "POST /api/chats/{conversation_id}/accept": api(CHATTERS),
    "POST /api/chats/{conversation_id}/decline": api(CHATTERS),
    "POST /api/chats/{conversation_id}/return": api({"supervisor"}),
    "GET /admin/chat-capacity": page(ADMIN),
    "POST /admin/chat-capacity/{user_id}": page(ADMIN, form={"capacity_value": "2"}),
    "GET /api/admin/chat-capacity": api(ADMIN),
    "PUT /api/admin/chat-capacity/{user_id}": api(ADMIN, json={"capacity": 2}),
    # --- three-way calls and wrap-up (three_way, wrap_up, admin_interpreters,
    # api_admin_interpreters) ------------------------------------------------------------
    # call_id: agent1's call, which the bridge no longer shows live: adding a guest is
    # answered 409 (not connected), which the rule counts as reached.
    "GET /calls/{call_id}/three-way": page(OWNER | BOSSES, WORKERS),
    "GET /calls/{call_id}/interpreters": page(OWNER | BOSSES, WORKERS,
                                              params={"language": "my"}),
    "POST /calls/{call_id}/interpreter": page(OWNER | BOSSES, WORKERS,
                                              form={"interpreter_id": "{interpreter_id}"}),
    "POST /calls/{call_id}/service": page(OWNER | BOSSES, WORKERS, form={"service": "police"}),
    "POST /calls/{call_id}/guests/{guest_id}/drop": page(OWNER | BOSSES, WORKERS, form={}),
    "POST /calls/{call_id}/leave": page(OWNER | BOSSES, WORKERS, form={}),
    "GET /cases/{case_id}/three-way": case_page(),
    "GET /agent/wrap-up": page(AGENTS),
    "GET /admin/interpreters": page(ADMIN),
    "GET /admin/interpreters/new": page(ADMIN),
    "POST /admin/interpreters": page(ADMIN, form=INTERPRETER_FORM),
    "GET /admin/interpreters/{interpreter_id}": page(ADMIN),
    "POST /admin/interpreters/{interpreter_id}": page(ADMIN, form={**INTERPRETER_FORM,
                                                                   "version": "999"}),
    "GET /api/admin/interpreters": api(ADMIN),
    "POST /api/admin/interpreters": api(ADMIN, json=INTERPRETER_JSON),
    "GET /api/admin/interpreters/{interpreter_id}": api(ADMIN),
    "PUT /api/admin/interpreters/{interpreter_id}": api(ADMIN, json={**INTERPRETER_JSON,
                                                                     "version": 999}),
}
