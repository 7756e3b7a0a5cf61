"""In chromium: agent2's browser phone registers with digest authentication to a SIP
peer standing in for Asterisk (tests/support/sip_peer.py), rings, answers, sends a
digit, holds and resumes with re-INVITEs, hangs up from either side, and registers again
by itself after the peer drops the WebSocket.

The first test's calls are signalling alone (an offer with no candidate: digits go as SIP
INFO); the media test's call has a real path (aiortc on loopback): the peer's tone reaches
the page, Chromium's fake microphone (a generated tone file) reaches the peer, and hold,
mute and RFC 4733 digits are checked on what actually flows.
"""

from __future__ import annotations

import math
import os
import shutil
import struct
import time
import wave

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
              "--autoplay-policy=no-user-gesture-required",
              # Host candidates on 127.0.0.1, where the peer's are (Chromium leaves loopback
              # out otherwise).
              "--allow-loopback-in-peer-connection"]
# The page's peer connections, kept where the test can read their state and statistics.
KEEP_PEER_CONNECTIONS = """
(() => {
  const Native = window.RTCPeerConnection;
  window.__pcs = [];
  window.RTCPeerConnection = class extends Native {
    constructor(...args) { super(...args); window.__pcs.push(this); }
  };
})();
"""
AUDIO_STATS = """async () => {
  const pc = window.__pcs.at(-1);
  const out = {ice: pc.iceConnectionState, received: 0, level: 0, sent: 0, enabled: null};
  (await pc.getStats()).forEach((r) => {
    if (r.type === "inbound-rtp" && r.kind === "audio") {
      out.received = r.bytesReceived; out.level = r.audioLevel || 0; }
    if (r.type === "outbound-rtp" && r.kind === "audio") out.sent = r.bytesSent;
  });
  const sender = pc.getSenders().find((s) => s.track && s.track.kind === "audio");
  out.enabled = sender ? sender.track.enabled : null;
  return out;
}"""
# RMS of 16-bit samples at the peer: the page's voice after Chromium's noise suppression
# is in the thousands, a disabled track is silence (below 1).
LOUD, QUIET = 300.0, 50.0


def tone_file(path, *, rate: int = 48000, seconds: float = 3.0) -> str:
    """A WAV the fake microphone loops, like syllables: 200 ms tones of changing pitch
    with 100 ms gaps (a steady tone would be taken for noise and suppressed)."""
    pitches = (440.0, 660.0, 550.0, 880.0, 495.0)
    samples = []
    for i in range(int(rate * seconds)):
        syllable, within = divmod(i, int(rate * 0.3))
        hz = pitches[syllable % len(pitches)]
        on = within < rate * 0.2
        samples.append(int(10000 * math.sin(2 * math.pi * hz * i / rate)) if on else 0)
    with wave.open(str(path), "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(rate)
        out.writeframes(struct.pack(f"<{len(samples)}h", *samples))
    return str(path)


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
def media_browser(tmp_path_factory):
    sync_api = pytest.importorskip("playwright.sync_api")
    if not shutil.which(CHROMIUM):
        pytest.skip("Debian's chromium is not installed (make system-packages)")
    microphone = tone_file(tmp_path_factory.mktemp("microphone") / "tone.wav")
    with sync_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS + MEDIA_ARGS + [
            f"--use-file-for-fake-audio-capture={microphone}"])
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
    call = sip_peer.call("agent2", media=False)
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

    # A digit goes out (INFO: this call has no media path).
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
    second = sip_peer.call("agent2", media=False)
    phone_state(page, "call", "ringing")
    page.click("#sp-answer")
    sip_peer.wait(lambda: second.state == "answered", what="the second 200 OK")
    phone_state(page, "call", "talking")
    sip_peer.hang_up(second)
    phone_state(page, "call", "idle")
    context.close()


def settle_and_measure(page, heard, seconds: float = 1.5) -> tuple[dict, dict, float]:
    """The page's audio statistics before and after a window, and how loud the browser
    was at the peer over its second half (the first half lets a change reach the wire)."""
    before = page.evaluate(AUDIO_STATS)
    start = time.monotonic()
    time.sleep(seconds)
    after = page.evaluate(AUDIO_STATS)
    _frames, loudness = heard.loudness(since=start + seconds / 2)
    return before, after, loudness


def test_media_flows_both_ways_and_follows_hold_mute_and_digits(
        media_browser, phone_console, sip_peer, request):
    errors = request.getfixturevalue("page_errors")
    context = errors.watch_context(media_browser.new_context(locale="en-US"))
    context.add_init_script(KEEP_PEER_CONNECTIONS)
    page = context.new_page()
    sign_in(page, phone_console, "agent2")
    page.wait_for_url(f"{phone_console}/agent")
    phone_state(page, "registration", "registered")

    call = sip_peer.call("agent2")  # aiortc's offer: candidates on 127.0.0.1, DTLS-SRTP
    phone_state(page, "call", "ringing")
    page.click("#sp-answer")
    phone_state(page, "call", "talking")
    sip_peer.wait(lambda: call.state == "answered", what="200 OK")
    assert "opus/48000" in call.answer_sdp and "telephone-event/8000" in call.answer_sdp

    # ICE completes on both sides.
    page.wait_for_function("() => window.__pcs.length > 0 && ['connected', 'completed']"
                           ".includes(window.__pcs.at(-1).iceConnectionState)", timeout=10_000)
    sip_peer.wait(lambda: sip_peer.media_state(call) == "completed", what="ICE at the peer")
    heard = call.media.heard
    deadline = time.monotonic() + 5
    while page.evaluate(AUDIO_STATS)["received"] == 0:  # the first packets, after DTLS
        assert time.monotonic() < deadline, "no audio reached the page"
        time.sleep(0.1)

    # The peer's tone reaches the page, and the page's microphone reaches the peer.
    before, after, loudness = settle_and_measure(page, heard)
    assert after["received"] > before["received"] > 0 and after["level"] > 0.05
    assert after["sent"] > before["sent"] and after["enabled"] is True
    assert len(heard.frames) > 50 and loudness > LOUD

    # Digits go as RFC 4733 events through the media path, not as SIP INFO.
    page.click("[data-digit='5']")
    page.click("[data-digit='#']")
    sip_peer.wait(lambda: heard.digits == ["5", "#"], what="the RFC 4733 digits 5 and #")
    assert call.dtmf == []

    # Hold: the re-INVITE offers sendonly and the peer answers recvonly. The peer keeps
    # sending its tone (music on hold) and its packets still reach the page, which plays
    # none of it (its receiver is off while it only sends: audio level 0); the page's
    # microphone track is disabled, so the peer hears silence.
    page.keyboard.press("Alt+o")
    sip_peer.wait(lambda: call.directions == ["sendonly"], what="the hold re-INVITE")
    phone_state(page, "call", "held")
    peer_sent = sip_peer.packets_sent(call)
    before, after, loudness = settle_and_measure(page, heard)
    assert sip_peer.packets_sent(call) > peer_sent + 25
    assert after["ice"] in ("connected", "completed")
    assert after["received"] > before["received"] and after["level"] < 0.01
    assert after["enabled"] is False and loudness < QUIET

    # Resume: sendrecv again, audio flows both ways again.
    page.keyboard.press("Alt+o")
    sip_peer.wait(lambda: call.directions[-1:] == ["sendrecv"], what="the resume re-INVITE")
    phone_state(page, "call", "talking")
    settle_and_measure(page, heard, seconds=0.5)  # the receiver starts again
    before, after, loudness = settle_and_measure(page, heard)
    assert after["received"] > before["received"] and after["level"] > 0.05
    assert after["enabled"] is True and loudness > LOUD

    # Mute: the track is disabled and the peer hears silence; unmute brings the voice back.
    page.keyboard.press("Alt+m")
    _, after, loudness = settle_and_measure(page, heard)
    assert after["enabled"] is False and loudness < QUIET
    page.keyboard.press("Alt+m")
    _, after, loudness = settle_and_measure(page, heard)
    assert after["enabled"] is True and loudness > LOUD

    page.keyboard.press("Alt+h")
    sip_peer.wait(lambda: call.ended_by == "browser", what="the browser's BYE")
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
