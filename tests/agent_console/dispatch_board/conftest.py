"""The dispatch board's tests use the unit console's fixtures: a case dispatched to its unit."""

from tests.agent_console.unit.conftest import app, client, dispatched, make_app  # noqa: F401
