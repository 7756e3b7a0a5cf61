"""`callcenter demo` on a fresh data folder: every process ready, a Thai login page, clean stop."""

import os
import signal
import socket
import subprocess
import sys
import threading
import time

import httpx
import psutil

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
    })
    demo = subprocess.Popen(
        [sys.executable, "-m", "callcenter", "demo"],
        env=env, stderr=subprocess.PIPE, stdout=subprocess.DEVNULL, text=True,
    )
    lines: list[str] = []
    reader = threading.Thread(target=lambda: lines.extend(demo.stderr), daemon=True)
    reader.start()
    try:
        page = None
        deadline = time.monotonic() + 90
        while time.monotonic() < deadline:
            ready = {p for p in PROCESSES if any(f"callcenter {p} ready" in ln for ln in lines)}
            if ready == set(PROCESSES):
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
        children = psutil.Process(demo.pid).children(recursive=True)
        assert children
    finally:
        demo.send_signal(signal.SIGINT)
        demo.wait(timeout=30)
        reader.join(timeout=5)
    assert demo.returncode == 0, "".join(lines)
    time.sleep(0.5)
    left = [c for c in children if c.is_running() and c.status() != psutil.STATUS_ZOMBIE]
    assert left == [], [c.cmdline() for c in left]
    assert (tmp_path / "callcenter.sqlite3").exists()
