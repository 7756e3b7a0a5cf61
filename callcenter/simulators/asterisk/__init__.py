"""A SIMULATED Asterisk: an AMI server over TCP with made-up 1300 traffic.

Not Asterisk. `callcenter demo`, the tests and the benchmark use it; production connects
the bridge to real Asterisk nodes. The parts, each one job: `server` (sessions, login,
events), `pbx` (the actions it answers), `traffic` (callers, the IVR over FastAGI,
agents pausing), `lines` (originated calls: units, call backs), `roster` (who is who).
"""

from callcenter.simulators.asterisk.lines import UnitLines
from callcenter.simulators.asterisk.roster import (
    DEFAULT_AGENTS,
    DEMO_AGENTS,
    IVR_SCRIPTS,
    UNIT_LINES,
)


class AmiSimulator(UnitLines):
    """The whole simulated PBX: `SimServer` + `PbxActions` + `Traffic` + `UnitLines`."""


__all__ = ["DEFAULT_AGENTS", "DEMO_AGENTS", "IVR_SCRIPTS", "UNIT_LINES", "AmiSimulator"]
