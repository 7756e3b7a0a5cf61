"""``callcenter demo`` as a newcomer starts it, for the journey test: the embedded SQLite
file and Redis in a throwaway data folder, the simulator, IVR, worker, bridge and web on
free ports. Every process writes to one log file; ``stop`` is Ctrl-C to the group, then
a kill of whatever is left, so nothing outlives the test.
"""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import psutil

ROOT = Path(__file__).resolve().parents[2]
WELCOME = "The 1300 demo is running"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class DemoProcess:
    def __init__(self, data_dir: Path) -> None:
        self.data_dir = data_dir
        self.web_port = _free_port()
        self.log_path = data_dir / "demo-output.log"
        self.process: subprocess.Popen[bytes] | None = None
        self._children: list[psutil.Process] = []

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.web_port}"

    def log(self) -> str:
        return self.log_path.read_text(errors="replace") if self.log_path.exists() else ""

    def start(self, timeout: float = 120.0) -> DemoProcess:
        env = {k: v for k, v in os.environ.items() if not k.startswith("CALLCENTER_")}
        env.update({"CALLCENTER_DATA_DIR": str(self.data_dir),
                    "CALLCENTER_WEB_PORT": str(self.web_port),
                    "CALLCENTER_AGI_PORT": str(_free_port()),
                    "CALLCENTER_SIMULATOR_PORT": str(_free_port()),
                    # Every port of its own: a demo already running on this machine
                    # (make demo) must not make this one fail to start.
                    "CALLCENTER_LINE_SIMULATOR_PORT": str(_free_port())})
        with open(self.log_path, "ab") as out:
            self.process = subprocess.Popen(
                [sys.executable, "-m", "callcenter", "demo"], cwd=ROOT, env=env,
                stdout=out, stderr=subprocess.STDOUT, start_new_session=True)
        deadline = time.monotonic() + timeout
        while WELCOME not in self.log():
            if self.process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError("the demo did not start:\n" + self.log()[-6000:])
            time.sleep(0.3)
        self._children = psutil.Process(self.process.pid).children(recursive=True)
        return self

    def stop(self, timeout: float = 30.0) -> None:
        if self.process is None:
            return
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.process.pid, signal.SIGINT)  # Ctrl-C in the demo's terminal
        try:
            self.process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(timeout=10)
        for child in self._children:  # each child has a process group of its own
            with contextlib.suppress(psutil.Error):
                child.kill()
        self.process = None
