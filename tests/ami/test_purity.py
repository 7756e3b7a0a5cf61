"""The pure modules load no socket driver, database, Redis or panoramisk, read no clock."""

import re
import subprocess
import sys
from pathlib import Path

import callcenter.ami

PURE = ["framing", "events", "noise", "effects", "queue_state", "tracker", "actions", "clock",
        "call_state", "channel_events", "queue_events", "outcome", "ivr_vars", "resync_plan"]
# The tracker is given the time each message arrived; it never asks the host for it.
CLOCK_READS = re.compile(r"\b(?:datetime\.now|datetime\.utcnow|time\.time|time\.monotonic"
                         r"|time\.perf_counter|date\.today)\(")


def test_pure_modules_import_no_io_library():
    code = (
        "import sys\n"
        + "".join(f"import callcenter.ami.{m}\n" for m in PURE)
        + "bad = [m for m in ('panoramisk', 'redis', 'sqlalchemy', 'asyncio', 'psycopg')"
        " if m in sys.modules]\n"
        "print(','.join(bad))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True)
    assert out.stdout.strip() == ""


def test_pure_modules_read_no_clock():
    folder = Path(callcenter.ami.__file__).parent
    for name in PURE:
        source = (folder / f"{name}.py").read_text()
        assert not CLOCK_READS.search(source), name
