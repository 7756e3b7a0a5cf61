"""The phone system as a request sees it: the bridge's command client, the agent's live state.

Both read Redis, which may be away: the command client then answers as a bridge that
did not reply (a 503 for the agent, never a 500), and the live state is "unknown".
"""

from __future__ import annotations

from typing import Any

from fastapi import Request

from agent_console.deps import Viewer
from callcenter.agents import state as agent_state
from callcenter.ami.client import CommandClient

# Seconds to wait for the bridge: past this the agent sees "the phone system did not answer".
COMMAND_TIMEOUT = 5.0


class _Unreachable:
    status = "error"
    ok = False


class SafeCommands:
    """The bridge's command client; a Redis failure reads as "the bridge did not answer"."""

    def __init__(self, client: Any) -> None:
        self.client = client

    def send(self, node: str, command: str, **args: Any) -> Any:
        try:
            return self.client.send(node, command, **args)
        except Exception:  # Redis away or timing out: the agent gets a 503, not a 500
            return _Unreachable()


def commands(request: Request) -> SafeCommands:
    return SafeCommands(CommandClient(request.app.state.redis, timeout=COMMAND_TIMEOUT))


def node_for(request: Request, live: dict[str, Any] | None) -> str:
    """The node to command for this agent (see ``agents.state.node_of``)."""
    configured = [node.name for node in request.app.state.settings.ami_nodes]
    return agent_state.node_of(live, configured)


def read_live(request: Request, viewer: Viewer) -> tuple[dict[str, Any] | None, bool]:
    """The agent's state as the bridge published it, and whether Redis could be read."""
    try:
        return agent_state.live_state(request.app.state.redis, viewer), True
    except Exception:
        return None, False
