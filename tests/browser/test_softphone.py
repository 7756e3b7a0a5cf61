"""In chromium: agent2's browser phone registers with digest authentication to a SIP
peer standing in for Asterisk (tests/support/sip_peer.py), rings, answers, sends a
digit, holds and resumes with re-INVITEs, hangs up from either side, and registers again
by itself after the peer drops the WebSocket.

Signalling only: the peer's SDP is one Chromium accepts (ICE and DTLS attributes) but it
offers no ICE candidate, so no media flows; Chromium's fake microphone stands in for one.
"""

from __future__ import annotations

import os
import shutil

import pytest
from sqlalchemy.orm import Session

from callcenter.db import make_engine
from callcenter.phones.models import PsAuth
from tests.browser.console_stack import (  # noqa: F401
    CHROMIUM,
    CHROMIUM_ARGS,
    console_db,
    live_redis,
    page_errors,
    serve_console,
)
from tests.browser.test_console_flow import sign_in
from tests.support.sip_peer import SipPeer

MEDIA_ARGS = ["--use-fake-device-for-media-stream", "--use-fake-ui-for-media-stream",
              "--autoplay-policy=no-user-gesture-required"]


@pytest.fixture(scope="module")
def sip_peer(request):
    engine = make_engine(request.getfixturevalue("console_db"))
    with Session(engine) as session:
        ha1 = session.get(PsAuth, "agent2").md5_cred  # agent2's seeded phone is WebRTC
    engine.dispose()
    peer = SipPeer(users={"agent2": ha1})
    peer.start()
    yield peer
    peer.stop()


@pytest.fixture(scope="module")
def phone_console(request, sip_peer):
    database = request.getfixturevalue("console_db")
    redis_url = request.getfixturevalue("live_redis")
    before = os.environ.get("CALLCENTER_SIP_WSS_URL")
    os.environ["CALLCENTER_SIP_WSS_URL"] = sip_peer.url
    try:
        with serve_console(database, redis_url) as base:
            yield base
    finally:
        if before is None:
            os.environ.pop("CALLCENTER_SIP_WSS_URL", None)
        else:
            os.environ["CALLCENTER_SIP_WSS_URL"] = before


@pytest.fixture(scope="module")
def media_browser():
    sync_api = pytest.importorskip("playwright.sync_api")
    if not shutil.which(CHROMIUM):
        pytest.skip("Debian's chromium is not installed (make system-packages)")
    with sync_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS + MEDIA_ARGS)
        yield browser
        browser.close()


def phone_state(page, attribute: str, value: str, timeout: int = 10_000) -> None:
    page.wait_for_selector(f"#softphone[data-{attribute}='{value}']", timeout=timeout)


def test_the_browser_phone_registers_rings_answers_holds_and_hangs_up(
        media_browser, phone_console, sip_peer, request):
    errors = request.getfixturevalue("page_errors")
    context = errors.watch_context(media_browser.new_context(locale="en-US"))
    page = context.new_page()
    sign_in(page, phone_console, "agent2")
    page.wait_for_url(f"{phone_console}/agent")

    # Registered, after a 401 challenge answered with the HA1.
    phone_state(page, "registration", "registered")
    assert sip_peer.registered("agent2") and sip_peer.challenges >= 1
    assert page.inner_text("#sp-registration") in ("พร้อมรับสาย", "Registered")
    assert page.is_disabled("#sp-answer") and page.is_disabled("#sp-hangup")

    # A call rings in the page: only answer and hang up can be clicked.
    call = sip_peer.call("agent2")
    phone_state(page, "call", "ringing")
    sip_peer.wait(lambda: call.state == "ringing", what="180 Ringing")
    assert page.is_enabled("#sp-answer") and page.is_enabled("#sp-hangup")
    assert page.is_disabled("#sp-mute") and page.is_disabled("#sp-hold")

    # Alt+A answers: 200 OK with Chromium's DTLS answer, then our ACK.
    page.keyboard.press("Alt+a")
    phone_state(page, "call", "talking")
    sip_peer.wait(lambda: call.state == "answered", what="200 OK")
    assert "a=fingerprint:sha-256" in call.answer_sdp and "a=setup:active" in call.answer_sdp
    page.wait_for_selector("#sp-timer:has-text('00:0')")
    assert page.is_disabled("#sp-answer") and page.is_enabled("#sp-mute")

    # A digit goes out (INFO: no media path here).
    page.click("[data-digit='5']")
    sip_peer.wait(lambda: call.dtmf == ["5"], what="the digit 5")

    # Mute is the page's own (no signalling); hold is a re-INVITE offering sendonly.
    page.keyboard.press("Alt+m")
    assert page.get_attribute("#sp-mute", "aria-pressed") == "true"
    page.keyboard.press("Alt+m")
    page.keyboard.press("Alt+o")
    sip_peer.wait(lambda: call.directions == ["sendonly"], what="the hold re-INVITE")
    phone_state(page, "call", "held")
    assert page.is_disabled("[data-digit='5']")
    page.keyboard.press("Alt+o")
    sip_peer.wait(lambda: call.directions[-1:] == ["sendrecv"], what="the resume re-INVITE")
    phone_state(page, "call", "talking")

    # A link followed during the call opens in a new tab: leaving the page would end it.
    with context.expect_page() as opened:
        page.evaluate("() => { const a = document.createElement('a'); a.href = '/cases';"
                      " a.id = 'away'; a.textContent = 'away'; document.body.append(a); }")
        page.click("#away")
    opened.value.close()
    assert page.url.endswith("/agent")
    phone_state(page, "call", "talking")
    assert call.ended_by is None

    # Alt+H hangs up: BYE from the browser.
    page.keyboard.press("Alt+h")
    sip_peer.wait(lambda: call.ended_by == "browser", what="the browser's BYE")
    phone_state(page, "call", "idle")
    assert page.is_disabled("#sp-hangup")

    # The caller hangs up: BYE from the peer ends the call in the page.
    second = sip_peer.call("agent2")
    phone_state(page, "call", "ringing")
    page.click("#sp-answer")
    sip_peer.wait(lambda: second.state == "answered", what="the second 200 OK")
    phone_state(page, "call", "talking")
    sip_peer.hang_up(second)
    phone_state(page, "call", "idle")
    context.close()


def test_the_browser_phone_registers_again_after_the_network_drops(
        media_browser, phone_console, sip_peer, request):
    errors = request.getfixturevalue("page_errors")
    context = errors.watch_context(media_browser.new_context(locale="th-TH"))
    page = context.new_page()
    sign_in(page, phone_console, "agent2")
    page.wait_for_url(f"{phone_console}/agent")
    phone_state(page, "registration", "registered")
    assert page.inner_text("#sp-registration") == "พร้อมรับสาย"
    registrations = sip_peer.registrations

    sip_peer.drop_connections()
    phone_state(page, "registration", "connecting")  # the agent sees the phone is away
    sip_peer.wait(lambda: sip_peer.registrations > registrations, timeout=15,
                  what="a new REGISTER after the drop")
    phone_state(page, "registration", "registered")

    # Calls ring again on the new connection.
    call = sip_peer.call("agent2")
    phone_state(page, "call", "ringing")
    page.click("#sp-hangup")  # declined while ringing
    sip_peer.wait(lambda: call.ended_by == "browser", what="the 486 to the INVITE")
    phone_state(page, "call", "idle")
    context.close()


def test_a_refused_registration_shows_failed_and_recovers_with_fresh_data(
        media_browser, phone_console, sip_peer, request):
    errors = request.getfixturevalue("page_errors")
    context = errors.watch_context(media_browser.new_context(locale="en-US"))
    page = context.new_page()
    sign_in(page, phone_console, "agent2")
    page.wait_for_url(f"{phone_console}/agent")
    phone_state(page, "registration", "registered")

    # Asterisk stops taking the phone's credential (say, the admin's new password is not
    # in yet): the page says so instead of looking ready.
    good = sip_peer.users["agent2"]
    sip_peer.users["agent2"] = "0" * 32
    sip_peer.drop_connections()
    phone_state(page, "registration", "failed")
    assert page.inner_text("#sp-registration") == "เชื่อมต่อไม่ได้"  # Thai: the default
    assert page.is_disabled("#sp-answer")

    # Once the credential is good again the page fetches its data afresh and registers.
    sip_peer.users["agent2"] = good
    phone_state(page, "registration", "registered", timeout=40_000)
    context.close()
