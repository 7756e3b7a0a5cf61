import logging
import re
from datetime import timedelta

import pytest
from argon2 import PasswordHasher
from fastapi.testclient import TestClient
from sqlalchemy import select

from callcenter.agents import service as agents
from callcenter.agents import throttle
from callcenter.agents.models import SignInFailures, User
from callcenter.audit import AuditEvent
from callcenter.db import utcnow
from callcenter.seed import DEMO_PASSWORD
from callcenter.settings import load_settings
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


class CountingHasher(PasswordHasher):
    """The real argon2 hasher, counting its checks."""

    checks = 0

    def verify(self, hash, password):
        self.checks += 1
        return super().verify(hash, password)


@pytest.mark.parametrize(("login", "password", "account"), [
    ("nobody", "not-the-password", None),
    ("agent2", "not-the-password", None),
    ("agent2", DEMO_PASSWORD, "locked"),
    ("agent2", DEMO_PASSWORD, "disabled"),
])
def test_every_failed_sign_in_does_the_same_password_check(client, seeded_session, monkeypatch,
                                                           login, password, account):
    # The same argon2 work for each refusal: the answer's time tells no one whether a login
    # exists, is locked or disabled. Counted, not timed.
    user = seeded_session.scalar(select(User).where(User.login == "agent2"))
    if account == "locked":
        user.locked_until = utcnow() + timedelta(minutes=10)
    if account == "disabled":
        user.active = False
    seeded_session.flush()
    page = client.get("/login")
    hasher = CountingHasher()
    monkeypatch.setattr(agents, "_hasher", hasher)
    answer = client.post("/login", data={"username": login, "password": password,
                                         "csrf_token": csrf_from(page.text)})
    assert answer.status_code == 401
    assert hasher.checks == 1


def test_attempts_on_a_locked_account_do_not_make_its_lockout_longer(seeded_session):
    start = utcnow()
    for _ in range(agents.MAX_FAILED_LOGINS):
        with pytest.raises(agents.SignInRefused):
            agents.authenticate(seeded_session, login="agent2", password="wrong", now=start)
    user = agents.by_login(seeded_session, "agent2")
    assert user.locked_until == start + agents.LOCKOUT
    for minute in range(1, 15):
        with pytest.raises(agents.SignInRefused):
            agents.authenticate(seeded_session, login="agent2", password="wrong",
                                now=start + timedelta(minutes=minute))
    assert user.locked_until == start + agents.LOCKOUT
    later = start + agents.LOCKOUT + timedelta(seconds=1)
    assert agents.authenticate(seeded_session, login="agent2", password=DEMO_PASSWORD,
                               now=later) is user


def test_an_address_past_its_allowance_waits_with_429_and_retry_after(app, client,
                                                                     seeded_session):
    # An address well past its allowance just failed (the test client's peer: "testclient").
    seeded_session.add(SignInFailures(address="testclient",
                                      failures=throttle.FREE_FAILURES + 10,
                                      last_failed_at=utcnow()))
    seeded_session.flush()
    answer = sign_in(client, "agent1")  # even the right password waits
    assert answer.status_code == 429
    wait = int(answer.headers["Retry-After"])
    assert 0 < wait <= throttle.delay(throttle.FREE_FAILURES + 10).total_seconds()
    assert f"กรุณารอ {wait} วินาที" in answer.text
    english = client.post("/login?lang=en", data={
        "username": "agent1", "password": DEMO_PASSWORD,
        "csrf_token": csrf_from(client.get("/login").text)})
    assert english.status_code == 429 and "Too many failed sign-ins" in english.text
    assert "auth.sign_in" not in seeded_session.scalars(select(AuditEvent.action)).all()
    # The account's owner, from their own address, is not slowed.
    with TestClient(app, client=("10.20.0.7", 50000)) as owner:
        assert sign_in(owner, "agent1").status_code == 303


def test_failures_from_an_address_are_counted_and_a_success_does_not_reset_them(client,
                                                                               seeded_session):
    for login in ("nobody", "agent2", "nobody"):
        assert sign_in(client, login, "not-the-password").status_code == 401
    assert sign_in(client, "agent1").status_code == 303
    row = seeded_session.get(SignInFailures, "testclient")
    seeded_session.refresh(row)
    assert row.failures == 3


def test_the_delay_doubles_past_the_free_allowance_up_to_a_ceiling():
    free = throttle.FREE_FAILURES
    assert throttle.delay(free) == timedelta(0)
    assert [throttle.delay(free + n).total_seconds() for n in (1, 2, 3, 4)] == [1, 2, 4, 8]
    assert throttle.delay(free + 40) == throttle.MAX_DELAY


def test_an_address_is_forgotten_an_hour_after_its_last_failure(seeded_session):
    start = utcnow()
    for _ in range(throttle.FREE_FAILURES + 3):
        throttle.count_failure(seeded_session, "192.0.2.1", now=start)
    assert throttle.wait_seconds(seeded_session, "192.0.2.1", now=start) == 4
    assert throttle.wait_seconds(seeded_session, "192.0.2.2", now=start) == 0
    later = start + throttle.FORGET_AFTER
    assert throttle.wait_seconds(seeded_session, "192.0.2.1", now=later) == 0
    throttle.count_failure(seeded_session, "192.0.2.1", now=later)
    assert seeded_session.scalar(select(SignInFailures.failures)
                                 .where(SignInFailures.address == "192.0.2.1")) == 1


def test_the_audit_trail_believes_x_forwarded_for_only_from_a_trusted_proxy(make_app,
                                                                           seeded_session,
                                                                           caplog):
    caplog.set_level(logging.INFO, logger="agent_console.access")
    app = make_app(trusted_proxies="10.0.0.0/8")
    spoofed = {"X-Forwarded-For": "198.51.100.66"}
    with TestClient(app, client=("203.0.113.5", 40000), headers=spoofed) as direct:
        sign_in(direct, "agent1")
    with TestClient(app, client=("10.0.0.2", 40000),
                    headers={"X-Forwarded-For": "198.51.100.66, 203.0.113.9"}) as proxied:
        sign_in(proxied, "agent2")
    sources = dict(seeded_session.execute(
        select(AuditEvent.actor_id, AuditEvent.source_ip)
        .where(AuditEvent.action == "auth.sign_in")).all())
    ids = dict(seeded_session.execute(select(User.login, User.id)).all())
    assert sources == {ids["agent1"]: "203.0.113.5", ids["agent2"]: "203.0.113.9"}
    for login in ("agent1", "agent2"):
        audited(seeded_session, "auth.sign_in", actor_id=ids[login], entity_type="user",
                entity_id=ids[login])
    lines = [r.getMessage() for r in caplog.records if r.name == "agent_console.access"]
    assert any("from=203.0.113.9" in line for line in lines)
    assert not any("198.51.100.66" in line for line in lines)


def test_the_console_process_leaves_forwarded_headers_to_the_console():
    from agent_console.__main__ import server_config

    config = server_config(object(), load_settings(), "127.0.0.1", 0)
    assert config.proxy_headers is False


@pytest.fixture
def production_app(make_app, pg_url):
    return make_app(environment="production", database_url=pg_url)


def test_production_reads_only_the_host_prefixed_session_cookie(production_app):
    with TestClient(production_app, base_url="https://console.test") as browser:
        answer = sign_in(browser, "agent1")
        assert "__Host-session=" in answer.headers["set-cookie"]
        assert "Secure" in answer.headers["set-cookie"]
        token = browser.cookies.get("__Host-session")
        assert browser.get("/home", follow_redirects=False).status_code == 200
    with TestClient(production_app, base_url="https://console.test",
                    cookies={"session": token}) as planted:
        assert planted.get("/home", follow_redirects=False).status_code == 303


def test_production_sends_strict_transport_security_and_development_does_not(production_app,
                                                                            client):
    with TestClient(production_app, base_url="https://console.test") as browser:
        assert browser.get("/login").headers["Strict-Transport-Security"] == (
            "max-age=31536000; includeSubDomains")
    assert "Strict-Transport-Security" not in client.get("/login").headers


def test_production_serves_the_api_documents_to_signed_in_staff_only(production_app):
    with TestClient(production_app, base_url="https://console.test") as browser:
        assert browser.get("/api/openapi.json").status_code == 401
        assert browser.get("/api/docs").status_code == 401
        sign_in(browser, "unit.th50")
        assert browser.get("/api/openapi.json").status_code == 403
        browser.cookies.clear()
        sign_in(browser, "agent1")
        assert "/api/cases" in browser.get("/api/openapi.json").json()["paths"]
        assert "swagger" in browser.get("/api/docs").text.lower()


def test_development_keeps_the_api_documents_open(client):
    assert client.get("/api/openapi.json").status_code == 200
    assert client.get("/api/docs").status_code == 200


def test_the_api_documentation_page_is_served_by_the_console_itself(client):
    """No CDN and no inline script: the page works under the console's own CSP."""
    page = client.get("/api/docs").text
    sources = re.findall(r'(?:src|href)="([^"]+)"', page)
    own = ("/", str(client.base_url) + "/")
    assert sources and all(s.startswith(own) for s in sources), sources
    assert "<script>" not in page
    for source in sources:
        assert client.get(source).status_code == 200, source
