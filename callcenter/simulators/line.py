"""A SIMULATED LINE platform: people who write to the hotline's Official Account.

Not LINE. It plays both sides LINE plays: toward the console it sends webhook events
signed with the channel secret, as LINE does (``follow``, ``say``, ``image``,
``location``, ``block`` …, from Python or over its control endpoints ``POST /sim/…``);
toward the worker it answers the Messaging API calls the system makes (reply, push,
a picture's content), checks the bearer token, spends each reply token once, answers a
repeated ``X-Line-Retry-Key`` with 409 as LINE does, and can fail on purpose
(``fail_next``, ``outage``). What it received is kept per person (``texts_to``).

``python -m callcenter.simulators.line`` runs it for ``callcenter demo``, with a few
made-up people writing now and then; the tests and ``bench/line_webhook.py`` use the
class directly.
"""

from __future__ import annotations

import argparse
import base64
import hashlib
import hmac
import json
import logging
import random
import secrets
import threading
import time
import uuid
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import httpx

log = logging.getLogger(__name__)

DEMO_SECRET = "demo-line-channel-secret"  # noqa: S105 (the demo's made-up channel)
DEMO_TOKEN = "demo-line-channel-token"  # noqa: S105
# A tiny real PNG (1×1), and bytes that only claim to be a picture.
SAMPLE_PNG = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==")
NOT_AN_IMAGE = b"MZ\x90\x00 this is a program, not a picture"


def person_id() -> str:
    """A made-up LINE user id, in LINE's shape (U and 32 hex digits)."""
    return "U" + secrets.token_hex(16)


def sign(secret: str, body: bytes) -> str:
    return base64.b64encode(hmac.new(secret.encode(), body, hashlib.sha256).digest()).decode()


@dataclass
class Received:
    via: str  # "reply" or "push"
    to: str
    messages: list[dict[str, Any]]
    retry_key: str | None
    request_id: str


@dataclass
class Sent:
    """One webhook delivery: LINE's request and the console's answer."""

    status: int
    event: dict[str, Any]
    seconds: float = 0.0


@dataclass
class _State:
    lock: threading.Lock = field(default_factory=threading.Lock)
    received: list[Received] = field(default_factory=list)
    retry_keys: dict[str, str] = field(default_factory=dict)
    reply_tokens: dict[str, tuple[str, float]] = field(default_factory=dict)
    contents: dict[str, bytes] = field(default_factory=dict)
    fail_count: int = 0
    fail_status: int = 500
    # Accept the message, then answer the failure: a lost answer, as after a timeout.
    fail_after_accepting: bool = False
    outage: bool = False
    api_calls: int = 0


class LineSimulator:
    def __init__(self, *, channel_secret: str = DEMO_SECRET, channel_token: str = DEMO_TOKEN,
                 webhook_url: str | None = None, reply_token_seconds: float = 60.0) -> None:
        self.secret = channel_secret
        self.token = channel_token
        self.webhook_url = webhook_url
        self.reply_token_seconds = reply_token_seconds
        self.state = _State()
        self._server: ThreadingHTTPServer | None = None
        self._client = httpx.Client(timeout=10.0)

    # The server ------------------------------------------------------------------------

    def start(self, host: str = "127.0.0.1", port: int = 0) -> LineSimulator:
        self._server = ThreadingHTTPServer((host, port), _handler(self))
        self._server.daemon_threads = True
        threading.Thread(target=self._server.serve_forever, name="line-simulator",
                         daemon=True).start()
        return self

    @property
    def url(self) -> str:
        assert self._server is not None
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}"

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
        self._client.close()

    # Failing on purpose ----------------------------------------------------------------

    def fail_next(self, count: int, status: int = 500, *, after_accepting: bool = False) -> None:
        """Answer the next ``count`` reply/push calls with ``status``: accepting nothing,
        or (``after_accepting``) delivering the message all the same, as when LINE's
        answer is lost on its way back."""
        with self.state.lock:
            self.state.fail_count, self.state.fail_status = count, status
            self.state.fail_after_accepting = after_accepting

    def outage(self, on: bool = True) -> None:
        """Answer every reply/push call with 500 until called with False."""
        with self.state.lock:
            self.state.outage = on

    # What the people received ----------------------------------------------------------

    def received(self, to: str | None = None) -> list[Received]:
        with self.state.lock:
            return [r for r in self.state.received if to is None or r.to == to]

    def texts_to(self, to: str) -> list[str]:
        return [m.get("text", "") for r in self.received(to) for m in r.messages]

    def reset(self) -> None:
        with self.state.lock:
            self.state.received.clear()
            self.state.fail_count, self.state.outage = 0, False

    # The people's side: webhook events -------------------------------------------------

    def event(self, kind: str, user: str, *, reply: bool = True, **extra: Any) -> dict:
        event: dict[str, Any] = {
            "type": kind, "mode": "active", "timestamp": int(time.time() * 1000),
            "source": {"type": "user", "userId": user},
            "webhookEventId": "01" + secrets.token_hex(12).upper(),
            "deliveryContext": {"isRedelivery": False}, **extra}
        if reply:
            token = secrets.token_hex(16)
            with self.state.lock:
                self.state.reply_tokens[token] = (user, time.monotonic())
            event["replyToken"] = token
        return event

    def deliver(self, *events: dict, signature: str | None = None,
                client: httpx.Client | None = None) -> Sent:
        """POST the events to the webhook, signed (or with the ``signature`` given)."""
        assert self.webhook_url, "no webhook address"
        body = json.dumps({"destination": "U" + "0" * 32, "events": list(events)},
                          ensure_ascii=False).encode()
        return self.post_raw(body, signature if signature is not None
                             else sign(self.secret, body), client=client,
                             event=events[0] if events else {})

    def post_raw(self, body: bytes, signature: str, *, client: httpx.Client | None = None,
                 event: dict | None = None) -> Sent:
        started = time.perf_counter()
        answer = (client or self._client).post(
            self.webhook_url, content=body,
            headers={"Content-Type": "application/json", "X-Line-Signature": signature})
        return Sent(answer.status_code, event or {}, time.perf_counter() - started)

    def redeliver(self, event: dict, **kw: Any) -> Sent:
        """The same event again, as LINE redelivers one it thinks was not received."""
        return self.deliver({**event, "deliveryContext": {"isRedelivery": True}}, **kw)

    def follow(self, user: str, **kw: Any) -> Sent:
        return self.deliver(self.event("follow", user, follow={"isUnblocked": False}), **kw)

    def block(self, user: str, **kw: Any) -> Sent:
        return self.deliver(self.event("unfollow", user, reply=False), **kw)

    def say(self, user: str, text: str, **kw: Any) -> Sent:
        message = {"id": _message_id(), "type": "text", "text": text,
                   "quoteToken": secrets.token_hex(8)}
        return self.deliver(self.event("message", user, message=message), **kw)

    def choose(self, user: str, data: str, **kw: Any) -> Sent:
        """Tap a quick reply (a postback), e.g. ``topic=family_violence``."""
        return self.deliver(self.event("postback", user, postback={"data": data}), **kw)

    def send_image(self, user: str, content: bytes = SAMPLE_PNG, **kw: Any) -> Sent:
        message_id = _message_id()
        with self.state.lock:
            self.state.contents[message_id] = content
        message = {"id": message_id, "type": "image", "contentProvider": {"type": "line"}}
        return self.deliver(self.event("message", user, message=message), **kw)

    def send_location(self, user: str, latitude: float, longitude: float,
                      address: str = "", **kw: Any) -> Sent:
        message = {"id": _message_id(), "type": "location", "title": "ตำแหน่งของฉัน",
                   "address": address, "latitude": latitude, "longitude": longitude}
        return self.deliver(self.event("message", user, message=message), **kw)

    def send_sticker(self, user: str, **kw: Any) -> Sent:
        message = {"id": _message_id(), "type": "sticker", "packageId": "446",
                   "stickerId": "1988", "stickerResourceType": "STATIC"}
        return self.deliver(self.event("message", user, message=message), **kw)

    # The platform's side: the Messaging API ------------------------------------------

    def _api(self, method: str, path: str, headers: dict[str, str],
             body: bytes) -> tuple[int, dict[str, str], bytes]:
        if headers.get("authorization") != f"Bearer {self.token}":
            return _json(401, {"message": "Authentication failed"})
        if method == "GET" and path.startswith("/v2/bot/message/") and path.endswith(
                "/content"):
            message_id = path.split("/")[4]
            with self.state.lock:
                content = self.state.contents.get(message_id)
            if content is None:
                return _json(404, {"message": "Not found"})
            return 200, {"Content-Type": "application/octet-stream"}, content
        if method != "POST" or path not in ("/v2/bot/message/reply", "/v2/bot/message/push"):
            return _json(404, {"message": "Not found"})
        try:
            data = json.loads(body)
        except json.JSONDecodeError:
            return _json(400, {"message": "The request body has 1 error(s)"})
        with self.state.lock:
            self.state.api_calls += 1
            failing = self.state.outage or self.state.fail_count > 0
            self.state.fail_count = max(0, self.state.fail_count - 1)
            if failing and not self.state.fail_after_accepting:
                return _json(self.state.fail_status, {"message": "simulated failure"})
            request_id = str(uuid.uuid4())
            if path.endswith("/reply"):
                token = data.get("replyToken", "")
                issued = self.state.reply_tokens.pop(token, None)
                if issued is None or time.monotonic() - issued[1] > self.reply_token_seconds:
                    return _json(400, {"message": "Invalid reply token"})
                self.state.received.append(
                    Received("reply", issued[0], data.get("messages", []), None, request_id))
            else:
                key = headers.get("x-line-retry-key")
                if key and key in self.state.retry_keys:
                    return _json(409, {"message": "The retry key is already accepted"},
                                 {"x-line-accepted-request-id": self.state.retry_keys[key]})
                if key:
                    self.state.retry_keys[key] = request_id
                self.state.received.append(
                    Received("push", data.get("to", ""), data.get("messages", []), key,
                             request_id))
            if failing:
                return _json(self.state.fail_status, {"message": "simulated failure"})
        return _json(200, {"sentMessages": [{"id": _message_id()}]},
                     {"x-line-request-id": request_id})

    def _control(self, path: str, body: bytes) -> tuple[int, dict[str, str], bytes]:
        """The demo's remote control: ``POST /sim/<action>`` with a JSON body."""
        try:
            data = json.loads(body or b"{}")
        except json.JSONDecodeError:
            return _json(400, {"message": "JSON body expected"})
        user = data.get("user") or person_id()
        action = path.removeprefix("/sim/")
        actions = {
            "follow": lambda: self.follow(user),
            "block": lambda: self.block(user),
            "say": lambda: self.say(user, str(data.get("text", ""))),
            "choose": lambda: self.choose(user, str(data.get("data", ""))),
            "image": lambda: self.send_image(
                user, NOT_AN_IMAGE if data.get("not_an_image") else SAMPLE_PNG),
            "location": lambda: self.send_location(
                user, float(data.get("latitude", 13.7563)),
                float(data.get("longitude", 100.5018))),
            "outage": lambda: self.outage(bool(data.get("on", True))),
            "received": lambda: None,
        }
        if action not in actions:
            return _json(404, {"message": "unknown action"})
        sent = actions[action]()
        # The whole messages too: a script taps a quick reply the greeting really offered.
        return _json(200, {"user": user, "webhook_status": getattr(sent, "status", None),
                           "texts": self.texts_to(user),
                           "messages": [m for r in self.received(user) for m in r.messages]})

    # Made-up traffic for the demo ------------------------------------------------------

    def traffic(self, people_per_minute: float, stop: threading.Event) -> None:
        """Now and then a made-up person follows, picks a topic and writes a line."""
        rng = random.Random()
        while not stop.wait(rng.expovariate(people_per_minute / 60.0)):
            user = person_id()
            try:
                self.follow(user)
                stop.wait(2)
                self.choose(user, "topic=" + rng.choice(
                    ["family_violence", "welfare", "missing_persons", "general"]))
                stop.wait(3)
                self.say(user, rng.choice(DEMO_LINES))
            except httpx.HTTPError as exc:  # the console is not up yet: try the next one
                log.warning("line simulator: webhook unreachable (%s)", type(exc).__name__)


DEMO_LINES = ("สวัสดีค่ะ อยากปรึกษาเรื่องที่บ้าน", "ขอสอบถามเรื่องเบี้ยยังชีพผู้สูงอายุ",
              "น้องชายหายออกจากบ้านตั้งแต่เมื่อวาน", "(ข้อความทดสอบจากเครื่องจำลอง)")


def _message_id() -> str:
    return str(secrets.randbelow(10**17) + 10**17)


def _json(status: int, body: dict,
          headers: dict[str, str] | None = None) -> tuple[int, dict[str, str], bytes]:
    return status, {"Content-Type": "application/json", **(headers or {})}, json.dumps(
        body, ensure_ascii=False).encode()


def _handler(sim: LineSimulator) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, *args: object) -> None:
            pass  # the people's words would land in a log

        def _answer(self, method: str) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            body = self.rfile.read(length) if length else b""
            headers = {k.lower(): v for k, v in self.headers.items()}
            if self.path.startswith("/sim/"):
                status, out_headers, out = sim._control(self.path, body)
            else:
                status, out_headers, out = sim._api(method, self.path, headers, body)
            self.send_response(status)
            for name, value in out_headers.items():
                self.send_header(name, value)
            self.send_header("Content-Length", str(len(out)))
            self.end_headers()
            self.wfile.write(out)

        def do_GET(self) -> None:
            self._answer("GET")

        def do_POST(self) -> None:
            self._answer("POST")

    return Handler


def main(argv: list[str] | None = None) -> None:  # pragma: no cover - process entry
    parser = argparse.ArgumentParser(prog="python -m callcenter.simulators.line")
    parser.add_argument("--port", type=int, default=5040)
    parser.add_argument("--webhook", default="http://127.0.0.1:8000/line/webhook")
    parser.add_argument("--secret", default=DEMO_SECRET)
    parser.add_argument("--token", default=DEMO_TOKEN)
    parser.add_argument("--people-per-minute", type=float, default=1.0)
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO,
                        format="%(asctime)s %(levelname)s %(name)s %(message)s")
    sim = LineSimulator(channel_secret=args.secret, channel_token=args.token,
                        webhook_url=args.webhook).start(port=args.port)
    log.warning("SIMULATED LINE platform on %s: made-up people, not LINE", sim.url)
    stop = threading.Event()
    try:
        if args.people_per_minute > 0:
            sim.traffic(args.people_per_minute, stop)
        else:
            stop.wait()
    except KeyboardInterrupt:
        pass
    finally:
        sim.stop()


if __name__ == "__main__":  # pragma: no cover
    main()
