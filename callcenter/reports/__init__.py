"""Reports the ministry publishes, computed in SQL over a Buddhist-era date range.

- ``range``: parse and check the range the page sends (``parse_range``).
- ``calls``, ``agents``, ``cases``, ``dispatch``: one ``ReportSpec`` per report, each a
  single SQLAlchemy Core query that works on PostgreSQL and SQLite, with the text that
  defines its figures (``spec.define(lang)``) for the page to show.
- ``caseload``, ``referrals``, ``acceptance``, ``closing``, ``gbvims``, ``chi``: the
  case-work reports (``service.CASE_WORK``), narrowed by ``filters`` and masked by
  ``masking``; ``ranks`` takes nearest-rank percentiles on both databases, ``labels``
  names coded values.
- ``service``: ``REPORTS`` by name; ``run(session, name, range, filters=, mask=, now=,
  lang=)`` gives rows lazily.
- ``export``: CSV chunks and XLSX (write-only, a sheet per 1,048,576 rows) for
  downloads; ``stream`` for responses.
- ``today``: today's finished calls per queue, for the wallboard.
- ``sql``: what PostgreSQL and SQLite spell differently (local time, seconds between).
"""
