"""What a PBX command's failure means for the agent or supervisor who asked."""

from types import SimpleNamespace

import pytest

from callcenter.agents import refusals


def result(status: str, message: str = ""):
    return SimpleNamespace(status=status, message=message, ok=status == "ok")


@pytest.mark.parametrize(("message", "code", "status"), [
    ("Interface not found", "not_signed_in", 409),
    ("Member not dynamic", "static_member", 409),
    ("Unable to add interface to queue: No such queue", "no_such_queue", 502),
    ("Unable to remove interface from queue: No such queue", "no_such_queue", 502),
    ("the link to Asterisk is down", "pbx_link_down", 503),
    ("Invalid/unknown command: QueuePause. Use Action: ListCommands to show available "
     "commands.", "pbx_starting", 503),
])
def test_asterisks_known_refusals_say_what_failed_and_what_to_do(message, code, status):
    reason = refusals.refusal(result("error", message))
    assert (reason.code, reason.status) == (code, status)


def test_an_unanswered_command_is_the_bridge_being_unavailable():
    assert refusals.refusal(result("timeout")) is refusals.TIMEOUT
    assert refusals.TIMEOUT.status == 503


def test_an_unknown_refusal_is_generic_and_never_repeats_what_was_said():
    said = "bad arguments: 'Local/0812345678@rru'"
    reason = refusals.refusal(result("error", said))
    assert reason is refusals.REFUSED and reason.status == 502
    assert "0812345678" not in reason.message
    error = refusals.PbxRefused(reason)
    assert (error.code, error.status_code) == ("pbx_refused", 502)
    assert "0812345678" not in str(error)


def test_already_where_the_command_would_put_it_is_done():
    assert refusals.refusal(result("ok")) is None
    already_in = result("error", refusals.ALREADY_IN)
    assert refusals.refusal(already_in, done_if=(refusals.ALREADY_IN,)) is None
    # Only where the caller says so: a second QueueAdd is otherwise a refusal.
    assert refusals.refusal(already_in) is refusals.REFUSED
