"""Reports the ministry publishes, computed in SQL over a Buddhist-era date range.

- ``range``: parse and check the range the page sends (``parse_range``).
- ``calls``, ``agents``, ``cases``, ``dispatch``: one ``ReportSpec`` per report, each a
  single SQLAlchemy Core query that works on PostgreSQL and SQLite, with the text that
  defines its figures (``spec.definition``) for the page to show.
- ``service``: ``REPORTS`` by name; ``run(session, name, range)`` gives rows lazily.
- ``export``: CSV chunks and XLSX (write-only) for downloads; ``stream`` for responses.
- ``models``: the agents' state history (pause time by reason) and the range indexes.
"""
