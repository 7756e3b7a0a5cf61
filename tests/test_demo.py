"""`callcenter demo` on a fresh data folder: every process ready in order, the terminal
says where and who can sign in, requests logged to a file, a clean stop on Ctrl-C."""

import os
import signal
import socket
import subprocess
import sys
import threading
import time

import httpx
import psutil

from callcenter.seed import DEMO_PASSWORD, DEMO_USERS
from tests.browser.watch import problems_in

PROCESSES = ("worker", "ivr", "bridge", "web")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_demo_starts_every_process_on_the_embedded_default_and_stops_cleanly(tmp_path):
    web_port = free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("CALLCENTER_")}
    env.update({
        "CALLCENTER_DATA_DIR": str(tmp_path),
        "CALLCENTER_WEB_PORT": str(web_port),
        "CALLCENTER_AGI_PORT": str(free_port()),
        "CALLCENTER_SIMULATOR_PORT": str(free_port()),
        "CALLCENTER_LINE_SIMULATOR_PORT": str(free_port()),
    })
    # Its own process group, as a terminal starts it: Ctrl-C is sent to the whole group.
    demo = subprocess.Popen(
        [sys.executable, "-m", "callcenter", "demo"], env=env, stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT, text=True, start_new_session=True,
    )
    lines: list[str] = []
    reader = threading.Thread(target=lambda: lines.extend(demo.stdout), daemon=True)
    reader.start()
    children: list[psutil.Process] = []
    try:
        page = None
        deadline = time.monotonic() + 90
        while time.monotonic() < deadline:
            ready = {p for p in PROCESSES if any(f"callcenter {p} ready" in ln for ln in lines)}
            welcomed = any("The 1300 demo is running" in ln for ln in lines)
            # A call through the IVR finished: the stop below meets calls under way.
            called = any("ivr.finished" in ln for ln in lines)
            if ready == set(PROCESSES) and welcomed and called:
                try:
                    page = httpx.get(f"http://127.0.0.1:{web_port}/login", timeout=5)
                    break
                except httpx.HTTPError:
                    pass
            assert demo.poll() is None, "".join(lines)
            time.sleep(0.3)
        assert page is not None, "not every process reported ready:\n" + "".join(lines)
        assert page.status_code == 200
        assert "เข้าสู่ระบบ" in page.text
        assert httpx.get(f"http://127.0.0.1:{web_port}/favicon.ico").status_code == 200
        children = psutil.Process(demo.pid).children(recursive=True)
        assert children
    finally:
        os.killpg(demo.pid, signal.SIGINT)
        demo.wait(timeout=30)
        reader.join(timeout=5)
    output = "".join(lines)
    assert demo.returncode == 0, output

    # The terminal: where the console is, the sign-ins and their password.
    assert f"http://127.0.0.1:{web_port}/" in output
    assert DEMO_PASSWORD in output
    for user in DEMO_USERS:
        assert user.login in output
    assert "TOTP" in output
    # Requests go to the access log under the data folder, not to the terminal.
    access = (tmp_path / "log" / "access.log").read_text()
    assert "GET /login 200" in access and "GET /favicon.ico 200" in access
    assert "GET /login" not in output
    # The IVR listened before the first simulated caller reached for it.
    assert "did not answer" not in output, output
    # Ctrl-C: every process stopped by itself, saying nothing alarming.
    assert problems_in(output) == [], output
    assert "Task was destroyed" not in output, output
    assert "demo stopped" in output
    time.sleep(0.5)
    left = [c for c in children if c.is_running() and c.status() != psutil.STATUS_ZOMBIE]
    assert left == [], [c.cmdline() for c in left]
    assert (tmp_path / "callcenter.sqlite3").exists()
