"""The web queue's pure rules: priority as the IVR's, the reporter's status words, who
may take and deal with a report."""

import pytest

from callcenter.cases.models import CaseStatus
from callcenter.errors import Conflict
from callcenter.intake import danger_words, policy
from callcenter.intake.models import ReportState
from callcenter.intake.policy import PublicStatus
from callcenter.queues.catalog import BY_NAME, GENERAL, URGENT
from callcenter.taxonomy import Language
from ivr import routing


def test_in_danger_now_is_urgent_whatever_the_words():
    assert policy.is_urgent("ขอคำปรึกษาเรื่องเบี้ยคนพิการ", in_danger_now=True)


@pytest.mark.parametrize("text", [
    "ช่วยด้วย เขาถือมีดอยู่หน้าบ้าน", "He said he will KILL her tonight",
    "พ่อขังไว้ในห้อง", "she is bleeding", "ເຂົາຈະຂ້າຂ້ອຍ", "သူ့မှာ သေနတ် ရှိတယ်",
    "គាត់មានកាំបិត"])
def test_danger_words_raise_a_report_in_any_of_the_languages(text):
    assert danger_words.found(text)
    assert policy.is_urgent(text, in_danger_now=False)


@pytest.mark.parametrize("text", [
    "ขอข้อมูลเรื่องเบี้ยผู้สูงอายุ", "my son wants to learn a new skill",
    "a neighbour's child is often alone at home"])
def test_words_that_are_no_danger_leave_the_report_normal(text):
    assert not policy.is_urgent(text, in_danger_now=False)


def test_an_urgent_report_waits_with_the_ivr_danger_keys_priority():
    urgent = policy.priority(Language.THAI, urgent=True)
    assert urgent == BY_NAME[URGENT].priority
    assert urgent == routing.urgent(Language.KHMER, silent=False).priority


def test_other_reports_wait_with_their_languages_queue_as_a_caller_with_no_choice_does():
    assert policy.priority(Language.THAI, urgent=False) == BY_NAME[GENERAL].priority
    for language in Language:
        assert policy.priority(language, urgent=False) == routing.general(language).priority
    assert policy.priority(Language.BURMESE, urgent=False) > policy.priority(
        Language.THAI, urgent=False)


@pytest.mark.parametrize(("state", "case_status", "shown"), [
    (ReportState.WAITING, None, PublicStatus.RECEIVED),
    (ReportState.TAKEN, None, PublicStatus.IN_PROGRESS),
    (ReportState.HANDLED, CaseStatus.NEW, PublicStatus.IN_PROGRESS),
    (ReportState.HANDLED, CaseStatus.SCREENING, PublicStatus.IN_PROGRESS),
    (ReportState.HANDLED, CaseStatus.REFERRED, PublicStatus.REFERRED),
    (ReportState.HANDLED, CaseStatus.DISPATCHED, PublicStatus.REFERRED),
    (ReportState.HANDLED, CaseStatus.FOLLOW_UP, PublicStatus.REFERRED),
    (ReportState.HANDLED, CaseStatus.CLOSED, PublicStatus.CLOSED),
    (ReportState.HANDLED, None, PublicStatus.IN_PROGRESS),  # its case was deleted
    (ReportState.FLAGGED, None, PublicStatus.CLOSED),
])
def test_the_reporter_reads_four_plain_statuses(state, case_status, shown):
    assert policy.public_status(state, case_status) is shown


def test_a_flagged_report_reads_as_closed_so_its_sender_learns_nothing():
    assert policy.public_status(ReportState.FLAGGED, None) is PublicStatus.CLOSED


def test_any_agent_takes_a_waiting_report_but_not_one_another_agent_took():
    policy.check_take(ReportState.WAITING, taken_by_id=None, actor_id=1, boss=False)
    with pytest.raises(Conflict):
        policy.check_take(ReportState.TAKEN, taken_by_id=2, actor_id=1, boss=False)
    policy.check_take(ReportState.TAKEN, taken_by_id=2, actor_id=3, boss=True)
    with pytest.raises(Conflict):
        policy.check_take(ReportState.HANDLED, taken_by_id=2, actor_id=3, boss=True)


def test_a_report_is_dealt_with_once_and_only_after_it_was_taken():
    with pytest.raises(Conflict, match="take the report first"):
        policy.check_deal(ReportState.WAITING, taken_by_id=None, actor_id=1, boss=True)
    policy.check_deal(ReportState.TAKEN, taken_by_id=1, actor_id=1, boss=False)
    with pytest.raises(Conflict):
        policy.check_deal(ReportState.TAKEN, taken_by_id=2, actor_id=1, boss=False)
    for done in (ReportState.HANDLED, ReportState.FLAGGED):
        with pytest.raises(Conflict):
            policy.check_deal(done, taken_by_id=1, actor_id=1, boss=True)


def test_only_the_taker_and_supervisors_read_what_the_person_wrote():
    assert not policy.may_read_content(ReportState.WAITING, taken_by_id=None, actor_id=1,
                                       boss=False)
    assert policy.may_read_content(ReportState.TAKEN, taken_by_id=1, actor_id=1, boss=False)
    assert not policy.may_read_content(ReportState.TAKEN, taken_by_id=2, actor_id=1,
                                       boss=False)
    assert policy.may_read_content(ReportState.WAITING, taken_by_id=None, actor_id=1,
                                   boss=True)
