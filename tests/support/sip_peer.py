"""A SIP-over-WebSocket peer standing in for Asterisk in the browser phone's tests.

It serves WebSocket with the ``sip`` subprotocol (RFC 7118), challenges REGISTER with
digest authentication (401, then 200 for the right HA1), places a call to the registered
contact (INVITE with an SDP offer, ACK of the 200 OK), answers the browser's re-INVITE for
hold, takes and sends BYE, and records DTMF sent by INFO. The parsing and the messages are
pure (``sip_messages``); this module is the small asyncio driver, on a thread of its own
so that synchronous Playwright tests can use it.

Each call has a real media path (``sip_media``, aiortc): the INVITE's offer is aiortc's,
ICE completes on loopback, a tone goes to the browser and what its microphone sends is
measured, RFC 4733 digits included.
"""

from __future__ import annotations

import asyncio
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field

from websockets.asyncio.server import ServerConnection, serve
from websockets.exceptions import ConnectionClosed

from tests.support import sip_messages as sip
from tests.support.sip_media import CallMedia

HOST = "peer.invalid"


@dataclass
class Call:
    call_id: str
    user: str  # the endpoint rung
    contact: str  # the browser's registered contact, the INVITE's request URI
    to: str
    from_tag: str = field(default_factory=sip.new_token)
    to_tag: str | None = None
    remote_target: str | None = None  # the browser's Contact in its answer
    cseq: int = 1
    state: str = "calling"  # calling | ringing | answered | ended
    answer_sdp: str = ""
    directions: list[str] = field(default_factory=list)  # each re-INVITE's offered direction
    dtmf: list[str] = field(default_factory=list)
    ended_by: str | None = None  # "browser" | "peer" | "cancel"
    media: CallMedia | None = None


class SipPeer:
    def __init__(self, *, users: dict[str, str], realm: str = "asterisk") -> None:
        self.users = users  # endpoint → HA1 (md5 of "user:realm:password")
        self.realm = realm
        self.nonces: set[str] = set()
        self.contacts: dict[str, tuple[str, ServerConnection]] = {}  # user → (contact, ws)
        self.registrations = 0
        self.challenges = 0
        self.connections_seen = 0
        self.calls: dict[str, Call] = {}
        self._open: set[ServerConnection] = set()
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self._loop.run_forever, daemon=True)
        self._server = None
        self.url = ""

    # --- life ---------------------------------------------------------------------------

    def start(self) -> str:
        self._thread.start()
        self._server = self._run(self._listen())
        port = self._server.sockets[0].getsockname()[1]
        self.url = f"ws://127.0.0.1:{port}"
        return self.url

    def stop(self) -> None:
        self.end_media()
        self._run(self._close())
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(5)

    async def _listen(self):
        # Built on the peer's own loop: the server's futures belong to it.
        return await serve(self._serve, "127.0.0.1", 0, subprotocols=["sip"])

    async def _close(self) -> None:
        self._server.close()
        await self._server.wait_closed()

    def _run(self, coroutine):
        return asyncio.run_coroutine_threadsafe(_awaited(coroutine), self._loop).result(10)

    # --- what a test does ---------------------------------------------------------------

    def wait(self, condition: Callable[[], bool], timeout: float = 10.0, what: str = "") -> None:
        deadline = time.monotonic() + timeout
        while not condition():
            if time.monotonic() > deadline:
                raise AssertionError(f"the SIP peer waited in vain for {what or condition}")
            time.sleep(0.05)

    def registered(self, user: str) -> bool:
        return user in self.contacts

    def call(self, user: str, *, media: bool = True) -> Call:
        """Ring the user's registered contact, as Asterisk rings a queue member; without
        media the offer has no candidate, so ICE never completes (signalling alone)."""
        contact, ws = self.contacts[user]
        call = Call(call_id=sip.new_token() + "@" + HOST, user=user, contact=contact,
                    to=f"<sip:{user}@{HOST}>")
        self.calls[call.call_id] = call
        if media:
            call.media = CallMedia()
            offer = self._run(call.media.offer())
        else:
            offer = sip.offer_sdp()
        self._run(ws.send(sip.render(f"INVITE {contact} SIP/2.0", [
            *self._dialog_headers(call, "INVITE"),
            ("Contact", f"<sip:1300@{HOST};transport=ws>"),
            ("Content-Type", "application/sdp")], offer)))
        return call

    def media_state(self, call: Call) -> str:
        """The call's ICE state as aiortc sees it ("completed" once media flows)."""
        return call.media.ice_state if call.media else "none"

    def hang_up(self, call: Call) -> None:
        """The caller hangs up: BYE from this side."""
        _, ws = self.contacts[call.user]
        call.cseq += 1
        call.state, call.ended_by = "ended", "peer"
        self._run(ws.send(sip.render(f"BYE {call.remote_target} SIP/2.0",
                                     self._dialog_headers(call, "BYE"))))
        self._run(_ended(call))

    def packets_sent(self, call: Call) -> int:
        """How many RTP packets of its tone the peer has sent on the call."""
        return self._run(call.media.packets_sent())

    def end_media(self) -> None:
        """Close every call's peer connection (the tests' end)."""
        for call in self.calls.values():
            self._run(_ended(call))

    def drop_connections(self) -> None:
        """The network drops: every WebSocket closes; the listening socket stays."""
        for ws in list(self._open):
            self._run(ws.close(code=1001))
        self.contacts.clear()

    # --- the wire -------------------------------------------------------------------------

    def _dialog_headers(self, call: Call, method: str) -> list[tuple[str, str]]:
        to = call.to + (f";tag={call.to_tag}" if call.to_tag else "")
        return [("Via", f"SIP/2.0/WS {HOST};branch=z9hG4bK{sip.new_token()}"),
                ("Max-Forwards", "70"), ("From", f'"1300" <sip:1300@{HOST}>;tag={call.from_tag}'),
                ("To", to), ("Call-ID", call.call_id), ("CSeq", f"{call.cseq} {method}")]

    async def _serve(self, ws: ServerConnection) -> None:
        self._open.add(ws)
        self.connections_seen += 1
        try:
            async for frame in ws:
                message = sip.parse(frame if isinstance(frame, str) else frame.decode())
                if message.is_request:
                    await self._on_request(ws, message)
                else:
                    await self._on_response(ws, message)
        except ConnectionClosed:
            pass
        finally:
            self._open.discard(ws)
            for user, (_, held) in list(self.contacts.items()):
                if held is ws:
                    del self.contacts[user]

    async def _on_request(self, ws: ServerConnection, message: sip.Message) -> None:
        handler = {"REGISTER": self._register, "INVITE": self._reinvite, "BYE": self._bye,
                   "INFO": self._info, "ACK": None, "OPTIONS": self._ok,
                   "CANCEL": self._ok}.get(message.method, self._not_implemented)
        if handler is not None:
            await handler(ws, message)

    async def _ok(self, ws, message) -> None:
        await ws.send(sip.response(message, 200))

    async def _not_implemented(self, ws, message) -> None:
        await ws.send(sip.response(message, 501))

    async def _register(self, ws: ServerConnection, message: sip.Message) -> None:
        user = sip.user_of(sip.uri_in(message.header("to") or ""))
        credential = message.header("authorization")
        params = sip.digest_params(credential) if credential else {}
        if not (user in self.users and params.get("nonce") in self.nonces and sip.digest_ok(
                params, method="REGISTER", ha1=self.users[user], nonce=params["nonce"])):
            nonce = sip.new_token()
            self.nonces.add(nonce)
            self.challenges += 1
            await ws.send(sip.response(message, 401, to_tag=sip.new_token(), headers=[(
                "WWW-Authenticate",
                f'Digest realm="{self.realm}",nonce="{nonce}",qop="auth",algorithm=MD5')]))
            return
        contact = message.header("contact") or ""
        expires = _expires(message)
        if expires == 0:
            self.contacts.pop(user, None)
            await ws.send(sip.response(message, 200, to_tag=sip.new_token()))
            return
        self.contacts[user] = (sip.uri_in(contact), ws)
        self.registrations += 1
        await ws.send(sip.response(message, 200, to_tag=sip.new_token(), headers=[
            ("Contact", f"{contact.split(';expires=')[0]};expires={expires}"),
            ("Expires", str(expires))]))

    async def _reinvite(self, ws: ServerConnection, message: sip.Message) -> None:
        call = self.calls.get(message.call_id)
        if call is None:  # the peer never takes a call from the browser
            await ws.send(sip.response(message, 481))
            return
        call.directions.append(sip.direction_of(message.body))
        answer = sip.answer_to(message.body, session_version=len(call.directions) + 1,
                               identity=call.media.identity() if call.media else sip.NO_MEDIA)
        await ws.send(sip.response(message, 200, headers=[
            ("Contact", f"<sip:1300@{HOST};transport=ws>"),
            ("Content-Type", "application/sdp")], body=answer))

    async def _bye(self, ws: ServerConnection, message: sip.Message) -> None:
        call = self.calls.get(message.call_id)
        if call is not None:
            call.state, call.ended_by = "ended", "browser"
        await ws.send(sip.response(message, 200 if call else 481))
        if call is not None:
            await _ended(call)

    async def _info(self, ws: ServerConnection, message: sip.Message) -> None:
        call = self.calls.get(message.call_id)
        if call is not None and "dtmf-relay" in (message.header("content-type") or ""):
            for line in message.body.splitlines():
                key, _, value = line.partition("=")
                if key.strip().lower() == "signal":
                    call.dtmf.append(value.strip())
        await ws.send(sip.response(message, 200 if call else 481))

    async def _on_response(self, ws: ServerConnection, message: sip.Message) -> None:
        call = self.calls.get(message.call_id)
        if call is None or message.cseq_method != "INVITE":
            return
        if message.status == 180:
            call.state = "ringing"
        elif message.status == 200 and call.state != "ended":
            call.to_tag = sip.tag_of(message.header("to") or "")
            call.remote_target = sip.uri_in(message.header("contact") or "")
            call.answer_sdp = message.body
            call.state = "answered"
            await ws.send(sip.render(f"ACK {call.remote_target} SIP/2.0",
                                     self._dialog_headers(call, "ACK")))
            if call.media is not None:
                await call.media.answered(message.body)
        elif message.status >= 300:
            call.state, call.ended_by = "ended", "browser"
            await _ended(call)
            await ws.send(sip.render(f"ACK {call.contact} SIP/2.0", [
                *self._dialog_headers(call, "ACK")[:-1],
                ("CSeq", f"{call.cseq} ACK")]))


def _expires(message: sip.Message) -> int:
    contact = message.header("contact") or ""
    if ";expires=" in contact:
        return int(contact.split(";expires=")[1].split(";")[0])
    return int(message.header("expires") or 600)


async def _ended(call: Call) -> None:
    if call.media is not None:  # closed, kept for what it heard; closing twice is harmless
        await call.media.close()


async def _awaited(awaitable):
    return await awaitable
