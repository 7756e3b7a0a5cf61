"""The pure AMI code loads no socket driver, database, Redis or panoramisk, reads no clock.

Pure is every module of `callcenter/ami` found on disk, but the bridge process
(`bridge/`, all I/O) and `client.py` (it talks to Redis and stamps each request's
deadline with the host's clock): a module added there is checked without being listed.
"""

import re
import subprocess
import sys
from pathlib import Path

import callcenter.ami

FOLDER = Path(callcenter.ami.__file__).parent
NOT_PURE = {"client"}
PURE = sorted(
    path.stem for path in FOLDER.glob("*.py")
    if path.stem not in NOT_PURE and path.stem != "__init__"
)
# The tracker is given the time each message arrived; it never asks the host for it.
CLOCK_READS = re.compile(r"\b(?:datetime\.now|datetime\.utcnow|time\.time|time\.monotonic"
                         r"|time\.perf_counter|date\.today)\(")


def test_the_pure_modules_are_found_on_disk():
    # Subpackages hold I/O (the bridge); a pure module sits directly in the folder.
    assert {p.name for p in FOLDER.iterdir() if p.is_dir() and p.name != "__pycache__"} \
        == {"bridge"}
    assert {"framing", "session", "tracker", "actions", "clock"} <= set(PURE)


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
    for name in PURE:
        source = (FOLDER / f"{name}.py").read_text()
        assert not CLOCK_READS.search(source), name


def test_no_pure_module_refers_to_the_bridge_or_the_simulators():
    # The pure core knows nothing of the process that drives it, nor of the stand-ins.
    for name in PURE:
        source = (FOLDER / f"{name}.py").read_text()
        assert "callcenter.ami.bridge" not in source, name
        assert "simulators" not in source, name
