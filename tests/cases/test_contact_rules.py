"""The pure rules of later contacts, with literal times."""

from datetime import UTC, datetime, timedelta

import pytest

from callcenter.cases import contact_rules as rules
from callcenter.cases.models import CaseStatus, ContactChannel
from callcenter.errors import InvalidInput

OPENED = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)
NOW = datetime(2026, 12, 3, 9, 0, tzinfo=UTC)


def test_only_a_closed_case_refuses_a_contact():
    assert not rules.may_attach_to(CaseStatus.CLOSED)
    assert all(rules.may_attach_to(s) for s in CaseStatus if s is not CaseStatus.CLOSED)


def test_walk_ins_and_messages_are_recorded_by_hand_and_calls_are_not():
    rules.check_by_hand(ContactChannel.WALK_IN)
    rules.check_by_hand(ContactChannel.MESSAGE)
    with pytest.raises(InvalidInput) as refused:
        rules.check_by_hand(ContactChannel.PHONE)
    assert refused.value.field == "channel"


def test_a_later_contact_falls_between_the_opening_and_now():
    rules.check_occurred_at(OPENED, opened_at=OPENED, now=NOW)
    rules.check_occurred_at(NOW + timedelta(minutes=4), opened_at=OPENED, now=NOW)  # skew
    for when in (OPENED - timedelta(seconds=1), NOW + timedelta(minutes=6)):
        with pytest.raises(InvalidInput) as refused:
            rules.check_occurred_at(when, opened_at=OPENED, now=NOW)
        assert refused.value.field == "occurred_at"


def test_a_summary_is_trimmed_empty_is_none_and_at_most_500_characters():
    assert rules.clean_summary("  มาที่ศูนย์กับลูก  ") == "มาที่ศูนย์กับลูก"
    assert rules.clean_summary("   ") is None and rules.clean_summary(None) is None
    assert rules.clean_summary("ก" * 500) == "ก" * 500
    with pytest.raises(InvalidInput) as refused:
        rules.clean_summary("ก" * 501)
    assert refused.value.field == "summary"
