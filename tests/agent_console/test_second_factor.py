"""Supervisors and admins: TOTP enrolled on first sign-in, asked at every sign-in after."""

import html
import re
import time
from datetime import UTC, datetime

import pyotp
import pytest
import segno
from sqlalchemy import select

from callcenter.agents import totp
from callcenter.agents.models import ConsoleSession, User
from tests.agent_console.conftest import csrf_from, sign_in
from tests.conftest import TEST_SECRET
from tests.support.audit_trail import audited


def _user(db, login: str) -> User:
    return db.scalar(select(User).where(User.login == login))


def _enrolment(client) -> tuple[str, str]:
    page = client.get("/login/totp")
    secret = re.search(r'data-secret="([A-Z2-7]+)"', page.text).group(1)
    return secret, csrf_from(page.text)


def _code(secret: str, offset: int = 0) -> str:
    return pyotp.TOTP(secret).at(int(time.time()) + offset * 30)


def test_a_supervisor_enrols_on_first_sign_in_and_nothing_opens_before(client, seeded_session):
    answer = sign_in(client, "supervisor", second_factor=False)
    assert answer.headers["location"] == "/login/totp"
    # Every page and API call is refused until the second factor is passed.
    assert client.get("/home", follow_redirects=False).headers["location"] == "/login/totp"
    assert client.get("/wallboard", follow_redirects=False).headers["location"] == "/login/totp"
    assert client.get("/api/cases").status_code == 401
    page = client.get("/login/totp")
    assert "otpauth://totp/" in page.text and "issuer=1300" in page.text
    # The QR code the phone's camera reads is that same URI, drawn inline (no script).
    uri = html.unescape(re.search(r'id="totp-uri" href="([^"]+)"', page.text).group(1))
    qr = re.search(r'<figure class="totp-qr"[^>]*>(<svg.*?</svg>)</figure>', page.text).group(1)
    assert qr == segno.make(uri, error="m").svg_inline(scale=4, dark="#000", light="#fff")
    secret, token = _enrolment(client)  # a reload shows the same secret
    assert re.search(r'data-secret="([A-Z2-7]+)"', page.text).group(1) == secret
    half_session = client.cookies.get("session")

    wrong = client.post("/login/totp", data={"code": "000000", "csrf_token": token})
    assert wrong.status_code == 401
    user = _user(seeded_session, "supervisor")
    assert user.failed_codes == 1 and user.totp_secret is None

    good = client.post("/login/totp", data={"code": _code(secret), "csrf_token": token},
                       follow_redirects=False)
    assert good.headers["location"] == "/wallboard"
    # The session token changes once the second factor is passed (no fixation).
    assert client.cookies.get("session") != half_session
    assert client.get("/home").status_code == 200
    seeded_session.refresh(user)
    assert user.totp_secret.startswith("v1.") and secret not in user.totp_secret
    assert totp.unseal(user.totp_secret, key=TEST_SECRET) == secret
    assert user.failed_codes == 0
    for action in ("auth.totp_failed", "auth.totp_enrolled"):
        audited(seeded_session, action, actor_id=user.id, entity_type="user", entity_id=user.id)
    # The half-signed-in token is gone.
    client.cookies.clear()
    client.cookies.set("session", half_session)
    assert client.get("/home", follow_redirects=False).status_code == 303


def test_an_enrolled_admin_gives_a_code_and_a_code_is_good_once(client, seeded_session):
    sign_in(client, "admin", second_factor=False)
    secret, token = _enrolment(client)
    # Computed once: a 30-second step may end between two computations of "the last step".
    used = _code(secret, -1)
    assert client.post("/login/totp", data={"code": used, "csrf_token": token},
                       follow_redirects=False).status_code == 303
    client.post("/logout", data={"csrf_token": csrf_from(client.get("/home").text)})

    assert sign_in(client, "admin", second_factor=False).headers["location"] == "/login/totp"
    page = client.get("/login/totp")
    assert "data-secret" not in page.text  # enrolled: only the code is asked
    token = csrf_from(page.text)
    reused = client.post("/login/totp", data={"code": used, "csrf_token": token})
    assert reused.status_code == 401
    fresh = client.post("/login/totp", data={"code": _code(secret), "csrf_token": token},
                        follow_redirects=False)
    assert fresh.headers["location"] == "/home"


def test_wrong_codes_count_toward_the_lockout(client, seeded_session):
    sign_in(client, "supervisor", second_factor=False)
    _secret, token = _enrolment(client)
    for _ in range(4):
        assert client.post("/login/totp", data={"code": "123456", "csrf_token": token}
                           ).status_code == 401
    locked = client.post("/login/totp", data={"code": "123456", "csrf_token": token})
    assert locked.status_code == 401 and 'name="password"' in locked.text
    assert _user(seeded_session, "supervisor").locked_until is not None
    assert sign_in(client, "supervisor", second_factor=False).status_code == 401


def test_a_right_password_does_not_wipe_the_count_of_wrong_codes(client, seeded_session):
    # "Password, then four wrong codes" over and over must still end in a lockout.
    for wrong_codes in (4, 1):
        client.cookies.clear()
        assert sign_in(client, "supervisor", second_factor=False).status_code == 303
        _secret, token = _enrolment(client)
        for _ in range(wrong_codes):
            answer = client.post("/login/totp", data={"code": "123456", "csrf_token": token})
    user = _user(seeded_session, "supervisor")
    assert user.locked_until is not None
    assert answer.status_code == 401 and 'name="password"' in answer.text
    client.cookies.clear()
    assert sign_in(client, "supervisor", second_factor=False).status_code == 401


def test_a_right_code_clears_the_count_of_wrong_codes(client, seeded_session):
    sign_in(client, "admin", second_factor=False)
    secret, token = _enrolment(client)
    for _ in range(4):
        client.post("/login/totp", data={"code": "123456", "csrf_token": token})
    assert _user(seeded_session, "admin").failed_codes == 4
    assert client.post("/login/totp", data={"code": _code(secret), "csrf_token": token},
                       follow_redirects=False).status_code == 303
    assert _user(seeded_session, "admin").failed_codes == 0


def test_an_admin_reset_makes_the_user_enrol_again_and_ends_their_sessions(client,
                                                                            seeded_session):
    sign_in(client, "supervisor")
    user = _user(seeded_session, "supervisor")
    assert user.totp_secret is not None
    totp.reset(seeded_session, user)
    seeded_session.flush()
    assert seeded_session.scalars(select(ConsoleSession)
                                  .where(ConsoleSession.user_id == user.id)).all() == []
    assert client.get("/home", follow_redirects=False).status_code == 303
    sign_in(client, "supervisor", second_factor=False)
    assert "data-secret" in client.get("/login/totp").text


def test_the_cli_names_the_reset_command():
    from callcenter.cli import build_parser

    args = build_parser().parse_args(["users", "reset-totp", "supervisor"])
    assert (args.command, args.action, args.login) == ("users", "reset-totp", "supervisor")


def test_sealed_secrets_open_only_with_their_key_and_unaltered():
    sealed = totp.seal("JBSWY3DPEHPK3PXP", key="k1")
    assert totp.unseal(sealed, key="k1") == "JBSWY3DPEHPK3PXP"
    assert totp.unseal(sealed, key="k2") is None
    altered = sealed[:-2] + ("A" if sealed[-2] != "A" else "B") + sealed[-1]
    assert totp.unseal(altered, key="k1") is None
    assert totp.seal("JBSWY3DPEHPK3PXP", key="k1") != sealed  # a fresh nonce each time


@pytest.mark.parametrize(("offset", "accepted"), [(-2, False), (-1, True), (0, True),
                                                  (1, True), (2, False)])
def test_codes_one_step_either_side_are_accepted(offset, accepted):
    secret = pyotp.random_base32()
    now = datetime(2026, 12, 1, 12, 0, 15, tzinfo=UTC)
    code = pyotp.TOTP(secret).at(now.timestamp() + offset * 30)
    assert (totp.matching_step(secret, code, now=now) is not None) is accepted
