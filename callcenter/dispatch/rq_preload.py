"""Given to ``rq worker -c callcenter.dispatch.rq_preload``: load the jobs before forking.

RQ forks a work horse per job; modules the parent has imported are shared, so a job does
not spend its first hundreds of milliseconds importing SQLAlchemy and the models. It
defines no UPPER-CASE names, which RQ would read as settings.
"""

import callcenter.dispatch.jobs  # noqa: F401
