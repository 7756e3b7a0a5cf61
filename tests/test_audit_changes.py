"""Administrative audit events keep what changed, as [before, after] per field."""

from datetime import UTC, datetime

from callcenter.agents.models import Role
from callcenter.audit import CHANGED, changes_between


def test_only_fields_that_differ_are_kept_with_both_values():
    before = {"display_name": "สมหญิง", "role": Role.AGENT, "active": True}
    after = {"display_name": "สมหญิง ใจดี", "role": Role.SUPERVISOR, "active": True}
    assert changes_between(before, after) == {
        "display_name": ["สมหญิง", "สมหญิง ใจดี"], "role": ["agent", "supervisor"]}


def test_created_and_removed_fields_count_as_none_on_the_other_side():
    assert changes_between({}, {"login": "agent9"}) == {"login": [None, "agent9"]}
    assert changes_between({"phone": "PJSIP/a"}, {}) == {"phone": ["PJSIP/a", None]}


def test_secrets_show_only_that_they_changed():
    diff = changes_between({"password_hash": "a"}, {"password_hash": "b"},
                           redact={"password_hash"})
    assert diff == {"password_hash": [CHANGED, CHANGED]}


def test_dates_sets_and_lists_are_stored_as_json_keeps_them():
    when = datetime(2026, 12, 6, 4, 0, tzinfo=UTC)
    diff = changes_between({"languages": ["th"], "skills": {"b", "a"}, "at": None},
                           {"languages": ["th", "en"], "skills": {"a"}, "at": when})
    assert diff == {"languages": [["th"], ["th", "en"]], "skills": [["a", "b"], ["a"]],
                    "at": [None, when.isoformat()]}
