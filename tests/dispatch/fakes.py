"""Local stand-ins for the providers: an HTTP server for the SMS gateway and LINE, an SMTP
server (aiosmtpd), and the AMI bridge's command loop for voice alerts.

Each records what it received by idempotency key, so a test can count what the unit saw
(distinct keys) apart from what was retried (all requests).
"""

from __future__ import annotations

import json
import socket
import threading
import time
from collections import Counter
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import redis

from callcenter.topics import command_reply_key, command_requests_key


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class FakeProviders:
    """One HTTP server answering both the SMS gateway (/sms) and LINE (/v2/bot/message/push).

    ``script`` is a list of behaviours used one per request, then ``mode``:
    ``ok``, ``500``, ``slow`` (answers after ``slow_seconds``), ``malformed`` (200, not
    JSON), ``hang`` (records the request, signals ``arrived``, never answers in time).
    """

    def __init__(self) -> None:
        self.mode = "ok"
        self.script: list[str] = []
        self.slow_seconds = 3.0
        self.requests: list[dict[str, Any]] = []
        self.arrived = threading.Event()
        self._lock = threading.Lock()
        self._accepted: dict[str, str] = {}
        outer = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: object) -> None:
                pass

            def do_POST(self) -> None:
                outer._handle(self)

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def reset(self) -> None:
        with self._lock:
            self.mode, self.script, self.requests = "ok", [], []
            self._accepted.clear()
            self.arrived.clear()

    def _handle(self, h: BaseHTTPRequestHandler) -> None:
        body = json.loads(h.rfile.read(int(h.headers.get("Content-Length", 0))) or b"{}")
        key = h.headers.get("Idempotency-Key") or h.headers.get("X-Line-Retry-Key")
        with self._lock:
            behaviour = self.script.pop(0) if self.script else self.mode
            self.requests.append({"path": h.path, "key": key, "body": body,
                                  "behaviour": behaviour, "at": time.monotonic()})
            seen_before = key in self._accepted
        self.arrived.set()
        if behaviour == "hang":
            time.sleep(30)
            return
        if behaviour == "slow":
            time.sleep(self.slow_seconds)
        if behaviour == "500":
            self._reply(h, 500, b'{"error":"gateway down"}')
            return
        if behaviour == "malformed":
            self._reply(h, 200, b"<html>ok</html>", "text/html")
            return
        if h.path.endswith("/message/push"):
            if seen_before:
                self._reply(h, 409, b'{"message":"retry key already accepted"}',
                            headers={"x-line-accepted-request-id": self._accepted[key]})
                return
            self._accepted[key] = f"line-{len(self._accepted) + 1}"
            self._reply(h, 200, b'{"sentMessages":[{"id":"1","quoteToken":"q"}]}',
                        headers={"x-line-request-id": self._accepted[key]})
            return
        self._accepted.setdefault(key, f"sms-{len(self._accepted) + 1}")
        self._reply(h, 200, json.dumps({"id": self._accepted[key]}).encode())

    @staticmethod
    def _reply(h, status: int, body: bytes, content_type: str = "application/json",
               headers: dict[str, str] | None = None) -> None:
        try:
            h.send_response(status)
            h.send_header("Content-Type", content_type)
            h.send_header("Content-Length", str(len(body)))
            for name, value in (headers or {}).items():
                h.send_header(name, value)
            h.end_headers()
            h.wfile.write(body)
        except OSError:
            pass  # the client gave up (timeout): that is the point of "slow"

    def keys(self, path_end: str) -> Counter[str]:
        with self._lock:
            return Counter(r["key"] for r in self.requests if r["path"].endswith(path_end))

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


class _Mailbox:
    def __init__(self) -> None:
        self.messages: list[dict[str, Any]] = []

    async def handle_DATA(self, server, session, envelope) -> str:
        self.messages.append({"to": list(envelope.rcpt_tos),
                              "data": envelope.content.decode("utf8", "replace")})
        return "250 OK"


class FakeSmtp:
    def __init__(self, port: int) -> None:
        from aiosmtpd.controller import Controller  # a dev dependency; see conftest

        self.mailbox = _Mailbox()
        self.port = port
        self.controller = Controller(self.mailbox, hostname="127.0.0.1", port=self.port)
        self.controller.start()

    @property
    def messages(self) -> list[dict[str, Any]]:
        return self.mailbox.messages

    def close(self) -> None:
        self.controller.stop()


class FakeBridge:
    """Answers the bridge's ``originate`` command for node ``test`` as the bridge would."""

    NODE = "test"

    def __init__(self, redis_url: str) -> None:
        self.client = redis.Redis.from_url(redis_url)
        self.commands: list[dict[str, Any]] = []
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._loop, daemon=True)
        self._thread.start()

    def _loop(self) -> None:
        while not self._stop.is_set():
            try:
                item = self.client.brpop([command_requests_key(self.NODE)], timeout=0.2)
            except redis.RedisError:
                time.sleep(0.1)
                continue
            if item is None:
                continue
            command = json.loads(item[1])
            self.commands.append(command)
            self.client.rpush(command_reply_key(command["id"]), json.dumps(
                {"status": "ok", "data": {"call": f"orig-{len(self.commands)}"}}))

    def close(self) -> None:
        self._stop.set()
        self._thread.join(timeout=2)
        self.client.close()
