"""The browser phone's registration data (the owner's WebRTC endpoint and its HA1, which
answers Asterisk's digest challenge as the password would) and the agent's own choice."""

from callcenter.phones import browser_phone, policy, service
from callcenter.phones.browser_phone import Choice
from callcenter.phones.models import PsEndpoint
from callcenter.phones.policy import PhoneKind
from tests.support import sip_messages as sip
from tests.support.audit_trail import user_id


def test_the_ha1_answers_a_digest_challenge_as_the_password_does(seeded_session):
    user = user_id(seeded_session, "agent2")
    done = service.regenerate_password(seeded_session, endpoint="agent2", version=None,
                                       actor_id=user_id(seeded_session, "admin"),
                                       source_ip=None)
    found = browser_phone.registration_for(seeded_session, user)
    assert (found.endpoint, found.realm) == ("agent2", policy.REALM)
    assert found.ha1 == sip.md5(f"agent2:{policy.REALM}:{done.password}")
    uri, nonce, cnonce = "sip:pbx1.test", "abc", "xyz"
    ha2 = sip.md5(f"REGISTER:{uri}")
    response = sip.md5(f"{found.ha1}:{nonce}:00000001:{cnonce}:auth:{ha2}")
    params = {"uri": uri, "nonce": nonce, "nc": "00000001", "cnonce": cnonce, "qop": "auth",
              "response": response}
    assert sip.digest_ok(params, method="REGISTER", ha1=found.ha1, nonce=nonce)


def test_a_desk_phone_or_no_phone_has_no_registration_data(seeded_session):
    assert browser_phone.registration_for(seeded_session, user_id(seeded_session, "agent1")) \
        is None
    assert browser_phone.registration_for(seeded_session, user_id(seeded_session, "admin")) \
        is None


def test_the_agents_choice_changes_the_kind_of_their_own_endpoint(seeded_session):
    agent = user_id(seeded_session, "agent1")
    phone = browser_phone.choose(seeded_session, user_id=agent, choice=Choice.BROWSER,
                                 source_ip=None)
    assert phone.kind is PhoneKind.WEBRTC
    assert seeded_session.get(PsEndpoint, "agent1").transport == "transport-wss"
    assert browser_phone.registration_for(seeded_session, agent).endpoint == "agent1"
    assert browser_phone.choose(seeded_session, user_id=user_id(seeded_session, "admin"),
                                choice=Choice.DESK, source_ip=None) is None


def test_a_phone_registers_at_its_nodes_websocket_else_the_centres():
    per_node = {"pbx1": "wss://a/ws", "pbx2": "wss://b/ws"}
    assert browser_phone.wss_url_for("pbx2", per_node=per_node, default=None) == "wss://b/ws"
    assert browser_phone.wss_url_for("pbx3", per_node=per_node, default="wss://c/ws") == (
        "wss://c/ws")
    assert browser_phone.wss_url_for("pbx3", per_node=per_node, default=None) is None
