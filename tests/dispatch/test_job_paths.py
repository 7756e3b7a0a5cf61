"""RQ keeps a job's function as a dotted path: every path a queued job may hold resolves."""

from rq.utils import import_attribute

from callcenter.dispatch.delivery import enqueue, jobs


def test_the_paths_new_jobs_are_enqueued_under_name_the_delivery_jobs():
    assert import_attribute(enqueue.DELIVER) is jobs.deliver_alert
    assert import_attribute(enqueue.ESCALATE) is jobs.escalate


def test_jobs_queued_before_the_move_to_delivery_still_find_their_function():
    assert import_attribute("callcenter.dispatch.jobs.deliver_alert") is jobs.deliver_alert
    assert import_attribute("callcenter.dispatch.jobs.escalate") is jobs.escalate
