"""The pure rules of a phone's rows: md5_cred, endpoint names, each kind's options."""

import hashlib

import pytest

from callcenter.agents.models import Role
from callcenter.phones import policy
from callcenter.phones.policy import PhoneKind


def test_md5_cred_is_the_digest_of_username_realm_and_password():
    # Asterisk's own example (password_digest in res_pjsip's configuration reference):
    # echo -n "myname:myrealm:mypassword" | openssl dgst -md5
    assert policy.md5_cred("myname", "myrealm", "mypassword") == \
        "dce9ccd0a69e3ef90d8b9bf725053e78"


def test_md5_cred_of_thai_text_hashes_its_utf8_bytes():
    expected = hashlib.md5("agent1:asterisk:รหัสผ่าน".encode()).hexdigest()
    assert policy.md5_cred("agent1", "asterisk", "รหัสผ่าน") == expected


def test_a_desk_phone_gets_the_agent_templates_options():
    options = policy.endpoint_options(Role.AGENT, PhoneKind.DESK)
    assert options["transport"] == "transport-udp"
    assert options["context"] == "agent-phones"
    assert options["direct_media"] == "no" and options["device_state_busy_at"] == 1
    assert options["webrtc"] is None


def test_a_webrtc_phone_gets_webrtc_dtls_and_the_secure_websocket():
    options = policy.endpoint_options(Role.AGENT, PhoneKind.WEBRTC)
    assert options["webrtc"] == "yes"
    assert options["dtls_auto_generate_cert"] == "yes"
    assert options["transport"] == "transport-wss"
    assert options["allow"].startswith("opus,")
    assert options["disallow"] == "all"


def test_a_supervisors_phone_rings_in_the_supervisor_context():
    for kind in PhoneKind:
        assert policy.endpoint_options(Role.SUPERVISOR, kind)["context"] == "supervisor"


@pytest.mark.parametrize(("login", "role", "user_id", "expected"), [
    ("agent7", Role.AGENT, 3, "agent7"),
    ("Agent.Somchai", Role.AGENT, 3, "agent.somchai"),
    ("somchai", Role.AGENT, 12, "agent12"),
    ("สมชาย", Role.AGENT, 12, "agent12"),
    ("supervisor", Role.SUPERVISOR, 2, "supervisor"),
    ("nok", Role.SUPERVISOR, 9, "supervisor9"),
])
def test_the_default_endpoint_is_the_login_when_the_dialplan_reaches_it(login, role, user_id,
                                                                         expected):
    assert policy.default_endpoint(login, role, user_id) == expected


@pytest.mark.parametrize(("endpoint", "role"), [
    ("agent", Role.AGENT),  # nothing after the prefix: `_age[n]t.` needs one more letter
    ("somchai", Role.AGENT),
    ("agent 1", Role.AGENT),
    ("Agent1", Role.AGENT),
    ("agent1", Role.SUPERVISOR),
    ("a" * 41, Role.AGENT),
    ("", Role.AGENT),
])
def test_an_endpoint_the_dialplan_cannot_reach_or_sip_cannot_carry_is_refused(endpoint, role):
    assert policy.endpoint_problem(endpoint, role) is not None


def test_the_kind_of_a_stored_endpoint_follows_its_webrtc_column():
    assert policy.kind_of("yes") is PhoneKind.WEBRTC
    assert policy.kind_of(None) is PhoneKind.DESK
    assert policy.kind_of("no") is PhoneKind.DESK
