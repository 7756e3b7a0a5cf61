"""``python -m callcenter.worker`` as production runs it: SimpleWorker, its scheduler, and
the sweepers (the dispatch relay among them) as threads of the same process."""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import redis
from rq import Worker

ROOT = Path(__file__).resolve().parents[2]


class WorkerProcess:
    def __init__(self, env: dict[str, str], log_path: Path) -> None:
        self.env = {**os.environ, "CALLCENTER_LOG_LEVEL": "INFO", **env}
        self.log_path = log_path
        self.process: subprocess.Popen[bytes] | None = None

    def start(self, timeout: float = 30.0) -> WorkerProcess:
        with open(self.log_path, "ab") as log:
            self.process = subprocess.Popen(
                [sys.executable, "-m", "callcenter.worker"], cwd=ROOT, env=self.env,
                stdout=log, stderr=log, start_new_session=True)
        client = redis.Redis.from_url(self.env["CALLCENTER_REDIS_URL"])
        deadline = time.monotonic() + timeout
        try:
            while time.monotonic() < deadline:
                if self.process.poll() is not None:
                    raise RuntimeError(f"worker exited: {self.log()}")
                with contextlib.suppress(redis.RedisError):
                    if any(w.pid == self.process.pid for w in Worker.all(connection=client)):
                        return self
                time.sleep(0.1)
            raise TimeoutError(f"worker did not register: {self.log()}")
        finally:
            client.close()

    @property
    def alive(self) -> bool:
        return self.process is not None and self.process.poll() is None

    def log(self) -> str:
        return self.log_path.read_text(errors="replace")[-4000:] if self.log_path.exists() else ""

    def stop(self, timeout: float = 15.0) -> None:
        if self.process is None:
            return
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.process.pid, signal.SIGTERM)
        try:
            self.process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(timeout=10)
        self.process = None
