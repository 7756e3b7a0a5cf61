"""The IVR's pure modules load no socket, database, Redis, web framework or panoramisk.

Only ``ivr.server``/``ivr.session`` (the socket driver) and ``ivr.adapters`` (the ports
against the foundation) may; everything a flow decides is testable with literal replies.
"""

import subprocess
import sys

PURE = ["ivr.agi", "ivr.flow", "ivr.flows", "ivr.prompts", "ivr.routing", "ivr.wait",
        "ivr.variables", "ivr.ports"]
IO = ("socket", "ssl", "asyncio", "sqlalchemy", "psycopg", "redis", "rq", "fastapi",
      "starlette", "panoramisk")


def loaded_after_importing(modules: list[str]) -> set[str]:
    code = (
        "import sys\n"
        + "".join(f"import {m}\n" for m in modules)
        + f"print(','.join(m for m in {IO!r} if m in sys.modules))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True)
    return set(filter(None, out.stdout.strip().split(",")))


def test_pure_modules_import_no_io_library():
    assert loaded_after_importing(PURE) == set()


def test_the_check_sees_the_driver_load_them():
    # The same check on the socket driver finds asyncio: it is not vacuous.
    assert "asyncio" in loaded_after_importing(["ivr.server"])
