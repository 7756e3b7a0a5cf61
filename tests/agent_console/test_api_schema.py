"""Schemathesis over the OpenAPI schema of /api, signed in: no request makes a server error."""

import schemathesis
from hypothesis import HealthCheck, given, settings

from agent_console.routers import api_calls
from tests.agent_console.console_support import signed_in

EXAMPLES = 20


class _Bridge:
    """Answers every PBX command at once (the bridge itself is tested elsewhere)."""

    def send(self, node, command, **args):
        return type("Result", (), {"ok": True, "status": "ok"})()


def test_no_api_request_makes_a_server_error(app, client, monkeypatch):
    monkeypatch.setattr(api_calls, "commands", lambda request: _Bridge())
    csrf = signed_in(client, "agent1")
    auth = {"headers": {"X-CSRF-Token": csrf}, "cookies": dict(client.cookies)}
    schema = schemathesis.openapi.from_asgi("/api/openapi.json", app)
    errors: list[str] = []
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) >= 20

    for operation in operations:
        @given(case=operation.as_strategy())
        @settings(max_examples=EXAMPLES, deadline=None, derandomize=True, database=None,
                  suppress_health_check=list(HealthCheck))
        def run(case):
            response = case.call(**auth)
            if response.status_code >= 500:
                errors.append(f"{case.method} {case.formatted_path}: {response.status_code}")

        run()
    assert errors == []
