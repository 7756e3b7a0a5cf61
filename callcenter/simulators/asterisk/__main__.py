"""`python -m callcenter.simulators.asterisk`: a SIMULATED Asterisk with made-up 1300 traffic.

Not Asterisk. It speaks AMI the way Asterisk 22 does and plays calls in the shapes of
the recorded transcripts (the parts are this package's other modules). Given the IVR's
FastAGI address, simulated callers go through the real IVR; agents pause and come back now and
then. Its members are the seeded agents' PJSIP phones (`PJSIP/agent1` …), dynamic, as the
console signs them in: it can pause, sign out and sign them in again. The phones it knows
are the database's realtime rows, as a real node's (`phones.py`). `callcenter demo`,
the tests and the benchmark use it; production connects the bridge to real Asterisk nodes.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging

from callcenter.agents.state import WRAP_UP_SECONDS
from callcenter.queues.catalog import QUEUES
from callcenter.simulators.asterisk import DEFAULT_AGENTS, DEMO_AGENTS, AmiSimulator
from callcenter.simulators.asterisk.phones import DatabasePhones, PhoneBook

log = logging.getLogger(__name__)

__all__ = ["DEFAULT_AGENTS", "DEMO_AGENTS", "AmiSimulator", "main", "serve"]


async def serve(port: int, secret: str, calls_per_minute: float,
                agi: tuple[str, int] | None = None, phones: PhoneBook | None = None) -> None:
    sim = AmiSimulator(secret=secret, agi=agi, agents=DEMO_AGENTS, wrap_up=WRAP_UP_SECONDS,
                       queues=tuple(q.name for q in QUEUES), phones=phones)
    await sim.start("127.0.0.1", port)
    log.warning("SIMULATED Asterisk AMI on 127.0.0.1:%d: made-up calls, not a real PBX%s",
                sim.port, f"; callers go through the IVR at {agi[0]}:{agi[1]}" if agi else "")
    if calls_per_minute > 0:
        await sim.traffic(calls_per_minute=calls_per_minute)
    else:
        # A quiet PBX: members sign in, pause and take nothing, so a test drives it alone.
        await asyncio.Event().wait()


def main(argv: list[str] | None = None) -> None:  # pragma: no cover - process entry
    import argparse

    from callcenter.runtime import configure_logging, load_or_exit

    settings = load_or_exit()
    configure_logging(settings.log_level)
    parser = argparse.ArgumentParser(prog="python -m callcenter.simulators.asterisk")
    parser.add_argument("--port", type=int, default=settings.simulator_port)
    parser.add_argument("--secret", default="simulator")
    parser.add_argument("--calls-per-minute", type=float, default=20.0,
                        help="made-up calls (0: none, and no agent pauses on its own)")
    parser.add_argument("--no-ivr", action="store_true",
                        help="callers skip the IVR (no FastAGI to the configured address)")
    args = parser.parse_args(argv)
    agi = None if args.no_ivr else (settings.agi_host, settings.agi_port)
    with contextlib.suppress(KeyboardInterrupt):
        # The phones are the database's realtime rows, as a real Asterisk's (the demo
        # migrates and seeds before it starts the simulator).
        asyncio.run(serve(args.port, args.secret, args.calls_per_minute, agi,
                          phones=DatabasePhones()))


if __name__ == "__main__":  # pragma: no cover
    main()
