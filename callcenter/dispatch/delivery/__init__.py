"""Getting a dispatch's alerts out: the outbox rows, RQ jobs, the relay that re-enqueues.

The rules of a dispatch (who is alerted, when it escalates) stay in ``callcenter.dispatch``;
this package only carries what they made owed, from PostgreSQL to the providers.
"""
