"""The world every route is tried in, and what a refusal must look like.

One world: agent1's case in Chiang Mai (TH-50) from a call on agent1's phone, a
referral, agent1's intake draft, and a dispatch to that province's unit. The case has
no team, so agent2 may not read it (need to know); agent3 opened it with a reason.
"""

from datetime import timedelta

from fastapi.routing import iter_route_contexts
from sqlalchemy import select

from callcenter.agents.models import Team, User
from callcenter.cases import access_grants, agencies, merging
from callcenter.cases import service as cases
from callcenter.cases.agency_schemas import AgencyIn
from callcenter.cases.models import Case, CasePerson, ClosureOutcome, ClosureRequest
from callcenter.db import utcnow
from callcenter.dispatch import service as dispatches
from callcenter.dispatch.models import AlertTest
from callcenter.provinces import service as provinces
from callcenter.seed import DEMO_TEAM
from tests.agent_console.console_support import INTAKE, add_call, signed_in
from tests.agent_console.permission_table import ALLOWED, LOGIN
from tests.calls.builders import a_guest, an_interpreter
from tests.chat.builders import active_conversation, sends_picture
from tests.intake.builders import issued_app_key, web_report_taken_by

# What the agent wrote for the unit (dispatches carry their own text, never the summary).
BRIEF = "ผู้หญิงบาดเจ็บ รออยู่ที่บ้าน"

STATIC_MOUNTS = ("/static", "/vendor")


def app_routes(app) -> set[str]:
    found = set()
    for context in iter_route_contexts(app.routes):
        if context.path.startswith(STATIC_MOUNTS) or not context.methods:
            continue
        for method in context.methods - {"HEAD"}:
            found.add(f"{method} {context.path_format}")  # without :int convertors
    return found


def build_world(client, seeded_session) -> dict:
    """The records every route is tried on, made by agent1; signed out again after."""
    call = add_call(seeded_session)
    h = {"X-CSRF-Token": signed_in(client, "agent1")}
    case = client.post("/api/cases", json={**INTAKE, "call_id": call.id}, headers=h).json()
    referral = client.post(f"/api/cases/{case['id']}/referrals", headers=h,
                           json={"agency_type": "police", "agency_name": "สภ.เมือง"}).json()
    draft = client.post("/api/drafts", json={"call_id": call.id}, headers=h).json()
    task = client.post(f"/api/cases/{case['id']}/follow-ups", headers=h, json={
        "kind": "call_back", "due_at": (utcnow() + timedelta(days=1)).isoformat()}).json()
    dispatch = dispatches.create(seeded_session, case_id=case["id"],
                                 actor_id=case["owner_id"], unit_brief=BRIEF)
    seeded_session.flush()
    unit = provinces.unit_by_code(seeded_session, "RRU-TH-50")
    admin_id = seeded_session.scalar(select(User.id).where(User.login == "admin"))
    test = AlertTest(unit_id=unit.id, contact_id=unit.contacts[0].id,
                     channel=unit.contacts[0].channel, idempotency_key="route-world-test",
                     requested_by_id=admin_id)
    seeded_session.add(test)
    agency = agencies.create(seeded_session, AgencyIn(
        name_th="(ตัวอย่าง) ศูนย์พึ่งได้ เชียงใหม่", agency_type="hospital_oscc",
        province_code="TH-50"), actor_id=None)
    # A close waiting for a supervisor; its routes are tried without a version (422), so
    # trying them decides nothing.
    waiting = ClosureRequest(case_id=case["id"], outcome=ClosureOutcome.RESOLVED,
                             requested_by_id=case["owner_id"])
    seeded_session.add(waiting)
    # A standing merge of two other cases; its undo is tried without a reason (refused).
    kept, duplicate = (cases.open_case(seeded_session, created_by_id=case["owner_id"])
                       for _ in range(2))
    merge = merging.merge(seeded_session, source_id=duplicate.id, target_id=kept.id,
                          reason="ซ้ำ", actor_id=case["owner_id"], role="supervisor")
    seeded_session.flush()
    # agent3 (not one of the roles tried) broke the glass: the supervisors' review has a row.
    grant = access_grants.break_glass(
        seeded_session, case=seeded_session.get(Case, case["id"]), now=utcnow(),
        user_id=seeded_session.scalar(select(User.id).where(User.login == "agent3")),
        reason="ผู้โทรสอบถามเรื่องเคสนี้ เจ้าของเคสไม่อยู่เวร")
    report = web_report_taken_by(seeded_session, case["owner_id"])
    # agent1's LINE conversation, with a picture kept in the app's data folder (one fixed
    # file, rewritten by every world).
    conversation = active_conversation(seeded_session, case["owner_id"])
    picture = sends_picture(seeded_session, conversation,
                            client.app.state.settings.data_dir.resolve(), folder="route-world")
    app_key = issued_app_key(seeded_session)
    interpreter = an_interpreter(seeded_session)
    guest = a_guest(seeded_session, call, interpreter)
    client.post("/logout", headers=h)
    client.cookies.clear()
    person_id = seeded_session.scalars(select(CasePerson.id).where(
        CasePerson.case_id == case["id"]).order_by(CasePerson.id)).first()
    return {"case_id": case["id"], "call_id": call.id, "key": draft["key"],
            "interpreter_id": interpreter.id, "guest_id": guest.id,
            "person_id": person_id,
            "dispatch_id": dispatch.id, "referral_id": referral["id"], "node": call.node,
            "uniqueid": call.uniqueid, "action": "pause", "report": "calls_by_day",
            "kind": "csv", "token": "no-such-set-up-link", "queue_name": "violence",
            "list_name": "dispositions", "item_code": "information", "reason_code": "break",
            "disposition_code": "information",
            "request_id": waiting.id, "grant_id": grant.id, "task_id": task["id"],
            "merge_id": merge.id, "report_id": report.id,
            "conversation_id": conversation.id, "message_id": picture.id,
            "case_number": case["number"],
            "app_key_id": app_key.row.id, "tracking_code": "ABCD-EFGH-JKMN",
            "unit_id": unit.id, "contact_id": unit.contacts[0].id, "test_id": test.id,
            "user_id": seeded_session.scalar(select(User.id).where(User.login == "agent2")),
            # The administration's phones: agent2's seeded one; a phone for the admin is
            # refused (422), so trying the route changes nothing.
            "endpoint": "agent2",
            "agency_id": agency.id, "agency_type": "police",
            "team_id": seeded_session.scalar(select(Team.id).where(Team.name == DEMO_TEAM)),
            "admin_id": seeded_session.scalar(select(User.id).where(User.login == "admin"))}


def outcome(response) -> object:
    location = response.headers.get("location", "")
    # Sent to sign in (or to the second factor); "/login" itself follows a sign-out.
    if response.is_redirect and location.startswith(("/login?next=", "/login/totp")):
        return LOGIN
    if response.status_code in (401, 403, 404, 405):
        return response.status_code
    return ALLOWED


def fill(value, world):
    if isinstance(value, dict):
        return {k: fill(v, world) for k, v in value.items()}
    return value.format(**world) if isinstance(value, str) else value


# The error page's title in either language (templates/error.html).
ERROR_TITLES = ("เกิดข้อผิดพลาด", "Something went wrong")


def assert_says_why(response, route: str) -> None:
    """A refused or failed request is answered with a message, not a bare status: a JSON
    body under /api, else an error page (or the htmx toast) in Thai or English."""
    if response.status_code < 400 or response.status_code == 413:
        return
    if route.split(" ", 1)[1].startswith("/api/"):
        body = response.json()
        assert body.get("error") and (body.get("message") or body.get("problems")), route
        return
    assert response.headers["content-type"].startswith("text/html"), route
    # The error page, or the form page again with its message (the sign-in page).
    assert 'role="alert"' in response.text, route
    if any(title in response.text for title in ERROR_TITLES):
        assert f"({response.status_code})" in response.text, route
