"""The old address of the dispatch jobs, kept for jobs RQ already holds in Redis.

RQ stores a job's function as a dotted path (``callcenter.dispatch.jobs.deliver_alert``).
Alert retries and escalation steps are scheduled ahead (an escalation for a low-urgency
case an hour or more, with the alarm's back-off), so a worker upgraded while some wait
would meet them under this path. Without it each would fail on import; the relay would
then enqueue the alert again under the new path, so nothing is lost, but every such job
would end in the failed registry and arrive one sweep late. New jobs use
``callcenter.dispatch.delivery.jobs``; remove this module one release after the move,
once no job can still be scheduled under the old path.
"""

from callcenter.dispatch.delivery.jobs import deliver_alert, escalate

__all__ = ["deliver_alert", "escalate"]
