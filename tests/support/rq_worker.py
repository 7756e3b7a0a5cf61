"""A real ``rq worker --with-scheduler`` process against the test Redis.

``kill()`` takes the worker, its scheduler and its work horse together, as a machine
losing power would; ``stop()`` asks politely first.
"""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import time
import uuid
from pathlib import Path

import psutil
import redis
from rq import Worker

RQ = str(Path(sys.executable).with_name("rq"))
ROOT = Path(__file__).resolve().parents[2]


class RqWorker:
    def __init__(self, redis_url: str, env: dict[str, str], *,
                 queues: tuple[str, ...] = ("alerts",), log_path: Path | None = None,
                 worker_class: str | None = "rq.worker.SimpleWorker") -> None:
        self.redis_url = redis_url
        self.env = {**os.environ, **env}
        self.queues = queues
        self.name = f"test-{uuid.uuid4().hex[:8]}"
        self.log_path = log_path
        self.worker_class = worker_class
        self.process: subprocess.Popen[bytes] | None = None

    def start(self, *, timeout: float = 60.0) -> RqWorker:
        # A deadline for starting, not a measure: on a loaded CI machine importing the app
        # alone has taken over 20 s, and a ready process answers at once whatever the budget.
        log = open(self.log_path, "ab") if self.log_path else subprocess.DEVNULL  # noqa: SIM115
        self.process = subprocess.Popen(
            [RQ, "worker", "--with-scheduler", "--url", self.redis_url, "--name", self.name,
             # The same timings and worker class as callcenter.worker (see its docstring).
             "--worker-ttl", "60", "--maintenance-interval", "30",
             "-c", "callcenter.dispatch.delivery.rq_preload", "--logging_level", "WARNING",
             *(["--worker-class", self.worker_class] if self.worker_class else []),
             *self.queues],
            cwd=ROOT, env=self.env, stdout=log, stderr=log, start_new_session=True,
        )
        if log is not subprocess.DEVNULL:
            log.close()
        self._wait_registered(timeout)
        return self

    def _wait_registered(self, timeout: float) -> None:
        client = redis.Redis.from_url(self.redis_url)
        deadline = time.monotonic() + timeout
        try:
            while time.monotonic() < deadline:
                assert self.process is not None
                if self.process.poll() is not None:
                    raise RuntimeError(f"rq worker exited with {self.process.returncode}")
                try:
                    if any(w.name == self.name for w in Worker.all(connection=client)):
                        return
                except redis.RedisError:
                    pass
                time.sleep(0.05)
            raise TimeoutError("rq worker did not register in time")
        finally:
            client.close()

    def kill(self) -> None:
        """SIGKILL the worker and its work horse at once: no cleanup, no goodbye.

        RQ puts each work horse in a process group of its own (setpgrp), so the horse is
        found among the worker's children rather than by the group.
        """
        if self.process is None:
            return
        with contextlib.suppress(psutil.NoSuchProcess):
            for child in psutil.Process(self.process.pid).children(recursive=True):
                with contextlib.suppress(psutil.NoSuchProcess):
                    child.kill()
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait(timeout=10)
        self.process = None

    def stop(self, timeout: float = 10.0) -> None:
        if self.process is None:
            return
        try:
            os.killpg(self.process.pid, signal.SIGTERM)
            self.process.wait(timeout=timeout)
        except ProcessLookupError:
            pass
        except subprocess.TimeoutExpired:
            self.kill()
        self.process = None

    def __enter__(self) -> RqWorker:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()
