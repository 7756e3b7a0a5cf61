"""/admin/phones: the list, a phone for a person with its password shown once, a new
password behind a fresh code, desk phone or browser, removal."""

import re

from sqlalchemy import select

from callcenter.agents import step_up
from callcenter.agents.models import ConsoleSession, Role, User
from callcenter.phones import policy
from callcenter.phones.models import PsAuth, PsEndpoint
from tests.agent_console import second_factor
from tests.agent_console.conftest import csrf_from
from tests.support import builders

PASSWORD = re.compile(r'<code id="phone-password">([A-Za-z0-9]+)</code>')


def page_token(client) -> str:
    return csrf_from(client.get("/admin/phones").text)


def test_the_list_shows_each_phone_with_its_person_kind_and_context(admin_client):
    page = admin_client.get("/admin/phones")
    assert page.status_code == 200
    assert "PJSIP/agent2" in page.text and "Somchai Rakdee" in page.text
    assert "โทรศัพท์ในเบราว์เซอร์ (WebRTC)" in page.text  # Thai first
    assert "transport-wss" in page.text and "agent-phones" in page.text


def test_the_list_speaks_english_on_request(admin_client):
    page = admin_client.get("/admin/phones?lang=en")
    assert "Dialplan context" in page.text and "In the browser (WebRTC)" in page.text


def test_a_person_named_in_the_link_is_chosen_in_the_create_form(admin_client,
                                                                 seeded_session):
    agent = builders.user(seeded_session, Role.AGENT)
    page = admin_client.get(f"/admin/phones?user={agent.id}")
    assert f'<option value="{agent.id}" selected>' in page.text


def test_creating_a_phone_shows_its_password_once_and_stores_only_md5_cred(admin_client,
                                                                           seeded_session):
    agent = builders.user(seeded_session, Role.AGENT)
    answer = admin_client.post("/admin/phones", data={
        "user_id": agent.id, "kind": "webrtc", "endpoint": "",
        "csrf_token": page_token(admin_client)})
    assert answer.status_code == 200
    assert answer.headers["cache-control"] == "no-store"
    password = PASSWORD.search(answer.text).group(1)
    endpoint = agent.login
    auth = seeded_session.get(PsAuth, endpoint)
    assert auth.md5_cred == policy.md5_cred(endpoint, "asterisk", password)
    assert seeded_session.get(PsEndpoint, endpoint).webrtc == "yes"
    # Shown once: the list never carries it again.
    assert password not in admin_client.get("/admin/phones").text


def test_a_refused_endpoint_is_explained_in_thai(admin_client, seeded_session):
    agent = builders.user(seeded_session, Role.AGENT)
    answer = admin_client.post("/admin/phones", data={
        "user_id": agent.id, "kind": "desk", "endpoint": "somchai",
        "csrf_token": page_token(admin_client)})
    assert answer.status_code == 422
    assert "ชื่อปลายทางใช้ไม่ได้" in answer.text


def age_fresh_factor(db) -> None:
    admin = db.scalar(select(User).where(User.login == "admin"))
    for row in db.scalars(select(ConsoleSession).where(ConsoleSession.user_id == admin.id)):
        row.fresh_factor_at = row.fresh_factor_at - step_up.FRESH_FOR
    db.flush()


def test_a_new_password_wants_a_fresh_code_once_the_last_one_is_old(admin_client,
                                                                     seeded_session):
    token = page_token(admin_client)
    before = seeded_session.get(PsAuth, "agent3").md5_cred
    age_fresh_factor(seeded_session)
    page = admin_client.get("/admin/phones")
    assert 'name="totp_code"' in page.text
    refused = admin_client.post("/admin/phones/agent3/password",
                                data={"version": "1", "csrf_token": token})
    assert refused.status_code == 403
    seeded_session.expire_all()
    assert seeded_session.get(PsAuth, "agent3").md5_cred == before
    answer = admin_client.post("/admin/phones/agent3/password", data={
        "version": "1", "csrf_token": token, "totp_code": second_factor.code_for("admin")})
    assert answer.status_code == 200
    password = PASSWORD.search(answer.text).group(1)
    seeded_session.expire_all()
    assert seeded_session.get(PsAuth, "agent3").md5_cred == \
        policy.md5_cred("agent3", "asterisk", password)


def test_a_change_from_a_stale_page_is_refused_naming_the_kind(admin_client):
    token = page_token(admin_client)
    first = admin_client.post("/admin/phones/agent4/kind",
                              data={"kind": "webrtc", "version": "1", "csrf_token": token},
                              follow_redirects=False)
    assert first.status_code == 303
    stale = admin_client.post("/admin/phones/agent4/kind",
                              data={"kind": "desk", "version": "1", "csrf_token": token})
    assert stale.status_code == 409
    assert "ชนิดโทรศัพท์" in stale.text


def test_removing_a_phone_leaves_its_owner_without_one(admin_client, seeded_session):
    agent = builders.user(seeded_session, Role.AGENT)
    token = page_token(admin_client)
    admin_client.post("/admin/phones", data={"user_id": agent.id, "kind": "desk",
                                             "csrf_token": token})
    answer = admin_client.post(f"/admin/phones/{agent.login}/delete",
                               data={"version": "1", "csrf_token": token},
                               follow_redirects=False)
    assert answer.status_code == 303
    assert answer.headers["location"] == "/admin/phones?done=deleted"
    seeded_session.expire_all()
    assert seeded_session.get(PsEndpoint, agent.login) is None
    assert seeded_session.get(User, agent.id).phone_interface is None


def test_an_agent_may_not_see_the_phones(client):
    from tests.agent_console.conftest import sign_in

    sign_in(client, "agent1")
    assert client.get("/admin/phones").status_code == 403

