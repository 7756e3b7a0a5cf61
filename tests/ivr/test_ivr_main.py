"""``python -m ivr`` as a process: starts on the configured port, serves a call, stops."""

import asyncio
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

from callcenter.simulators.asterisk.agi_channel import SimulatedChannel, call, environment

ROOT = Path(__file__).resolve().parents[2]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_python_m_ivr_serves_fastagi_and_stops_on_sigint(tmp_path):
    port = free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("CALLCENTER_")}
    env.update({
        "CALLCENTER_DATA_DIR": str(tmp_path),
        "CALLCENTER_AGI_PORT": str(port),
        "CALLCENTER_SECRET_KEY": "x" * 40,
        "CALLCENTER_IVR_CALLBACK_THRESHOLD_SECONDS": "off",
    })
    process = subprocess.Popen(
        [sys.executable, "-m", "ivr"], cwd=ROOT, env=env,
        stderr=subprocess.PIPE, text=True,
    )
    try:
        deadline = time.monotonic() + 20
        while True:
            line = process.stderr.readline()
            assert line, "ivr exited before it was ready"
            if "ivr ready" in line:
                break
            assert time.monotonic() < deadline
        channel = SimulatedChannel(keys=["1", "4"], channel_vars={"HOTLINE_CALL_ID": "7.1"})
        record = asyncio.run(call("127.0.0.1", port, channel, environment()))
        assert record.channel.variables["IVR_QUEUE"] == "pregnancy"
        process.send_signal(signal.SIGINT)
        assert process.wait(timeout=10) == 0
        logs = process.stderr.read()
        assert "0812345678" not in logs  # the caller's number never reaches a log line
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
