from sqlalchemy import select

from callcenter.agents.models import User
from tests.agent_console.conftest import csrf_from, sign_in
from tests.support.audit_trail import audited, user_id


def test_an_agent_signs_in_and_lands_on_the_call_page(client, seeded_session):
    response = sign_in(client, "agent1")
    assert response.status_code == 303
    assert response.headers["location"] == "/agent"
    cookie = response.headers["set-cookie"]
    assert "session=" in cookie and "HttpOnly" in cookie and "SameSite=lax" in cookie
    home = client.get("/home")
    assert "สมหญิง ใจดี" in home.text
    agent = user_id(seeded_session, "agent1")
    audited(seeded_session, "auth.sign_in", actor_id=agent, entity_type="user", entity_id=agent)


def test_a_wrong_password_is_refused_with_the_same_message_as_an_unknown_login(client):
    wrong = sign_in(client, "agent1", "not-the-password")
    unknown = sign_in(client, "nobody", "not-the-password")
    assert wrong.status_code == unknown.status_code == 401
    assert "ชื่อผู้ใช้หรือรหัสผ่านไม่ถูกต้อง" in wrong.text
    assert "ชื่อผู้ใช้หรือรหัสผ่านไม่ถูกต้อง" in unknown.text


def test_five_failures_lock_the_account_even_for_the_right_password(client, seeded_session):
    for _ in range(5):
        assert sign_in(client, "agent2", "wrong-password!").status_code == 401
    assert sign_in(client, "agent2").status_code == 401
    user = seeded_session.scalar(select(User).where(User.login == "agent2"))
    assert user.locked_until is not None


def test_a_login_post_without_the_form_token_is_refused(client):
    response = client.post("/login", data={"username": "agent1", "password": "x",
                                           "csrf_token": "forged"})
    assert response.status_code == 403


def test_pages_need_a_session_and_send_people_to_sign_in(client):
    response = client.get("/home", follow_redirects=False)
    assert response.status_code == 303
    assert response.headers["location"] == "/login?next=%2Fhome"


def test_after_sign_in_the_next_page_is_honoured_but_only_on_this_site(client):
    page = client.get("/login?next=/cases")
    token = csrf_from(page.text)
    ok = client.post("/login", data={"username": "agent1", "password": "hotline-1300-demo",
                                     "csrf_token": token, "next": "/cases"},
                     follow_redirects=False)
    assert ok.headers["location"] == "/cases"
    client.cookies.clear()
    evil = sign_in(client, "agent1", next="//evil.example/")
    assert evil.headers["location"] == "/agent"


def test_unsafe_requests_need_the_session_csrf_token(client):
    sign_in(client, "agent1")
    assert client.post("/logout", follow_redirects=False).status_code == 403
    token = csrf_from(client.get("/home").text)
    out = client.post("/logout", data={"csrf_token": token}, follow_redirects=False)
    assert out.status_code == 303
    assert client.get("/home", follow_redirects=False).status_code == 303


def test_sign_out_everywhere_ends_every_session_of_the_user(app, client):
    from fastapi.testclient import TestClient

    sign_in(client, "agent1")
    with TestClient(app) as other:
        sign_in(other, "agent1")
        token = csrf_from(client.get("/home").text)
        client.post("/logout/everywhere", data={"csrf_token": token})
        assert other.get("/home", follow_redirects=False).status_code == 303
