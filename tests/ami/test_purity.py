"""The pure modules load no socket driver, database, Redis or panoramisk."""

import subprocess
import sys

PURE = ["framing", "events", "noise", "effects", "presence", "tracker", "actions", "clock",
        "call_state", "outcome", "ivr_vars", "resync",
        "simulated_calls"]


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
