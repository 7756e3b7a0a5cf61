"""What a web process builds on first use is frozen once it has settled, after a full
collection: the collector's full passes then walk only what the requests make."""

from types import SimpleNamespace

from agent_console import app as console_app


async def test_the_settled_objects_are_collected_then_frozen_once_per_process(monkeypatch):
    calls: list[str] = []
    monkeypatch.setattr(console_app, "gc", SimpleNamespace(
        collect=lambda: calls.append("collect"), freeze=lambda: calls.append("freeze")))
    monkeypatch.setattr(console_app, "_settled", False)
    await console_app.freeze_settled_objects(delay=0)
    await console_app.freeze_settled_objects(delay=0)  # a second app of the same process
    assert calls == ["collect", "freeze"]
