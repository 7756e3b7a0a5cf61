"""The case-work reports over a year of generated data, next to a baseline from the same run.

Builds bench/reports.py's throwaway year (calls, cases with victims, dispatches), then
gives the cases owners, urgencies, GBV types and CHI categories, one to three referrals
in every state to about half of them, and closings with outcomes to about 60 %, and times
each case-work report over the whole year against ``dispatch_intervals`` (the
rapid-response report, ranks of the same shape), the baseline the ratio is taken against.

    .venv/bin/python bench/case_reports.py [--calls N] [--cases N] [--repeat N]

Ends with ``RESULT cases=… baseline_ms=… <report>_ms=… … worst=<report> worst_ratio=…``
(ratio: the slowest case-work report ÷ the baseline).
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

from sqlalchemy import text
from sqlalchemy.orm import Session

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.reports import YEAR, _best, create_database, drop_database, fill
from callcenter import migrate
from callcenter.db import make_engine
from callcenter.reports import service

BASELINE = "dispatch_intervals"


def add_case_work_data(engine) -> None:
    """Owners, urgencies, GBV and CHI codes, referrals in every state, closings."""
    with engine.begin() as conn:
        conn.execute(text(
            "UPDATE cases SET owner_id = (SELECT min(id) FROM users) + id % 40, "
            "urgency = (ARRAY['immediate', 'high', 'normal', 'low'])[1 + id % 4], "
            "gbv_type = CASE WHEN id % 3 = 0 THEN (ARRAY['rape', 'sexual_assault', "
            "'physical_assault', 'forced_marriage', 'denial_of_resources', "
            "'psychological_abuse'])[1 + id % 6] END, "
            "chi_category = CASE WHEN id % 4 = 0 THEN (ARRAY['violence_neglect', "
            "'violence_physical', 'online_abuse', 'mental_health'])[1 + id % 4] END"))
        conn.execute(text("""
            INSERT INTO referrals (case_id, agency_type, agency_name, status, sent_at, due_at,
                responded_at, closed_at, created_by_id, status_at)
            SELECT c.id, (ARRAY['police', 'hospital_oscc', 'shelter', 'ngo', 'provincial_office'])
                    [1 + floor(random() * 5)::int], 'bench agency', s, c.created_at + h,
                c.created_at + h + interval '24 hours',
                CASE WHEN s IN ('accepted', 'rejected', 'done', 'closed')
                     THEN c.created_at + h + random() * interval '30 hours' END,
                NULL, c.created_by_id, c.created_at + h
            FROM (SELECT id, created_at, created_by_id,
                    (ARRAY['sent', 'accepted', 'rejected', 'done', 'closed', 'revoked'])
                        [1 + floor(random() * 6)::int] AS s,
                    random() * interval '10 hours' AS h
                  FROM cases, generate_series(1, 2) n WHERE random() < 0.4) c"""))
        conn.execute(text(
            "UPDATE referrals SET closed_at = CASE WHEN status = 'rejected' THEN responded_at "
            "WHEN status IN ('done', 'closed') THEN responded_at + interval '2 days' "
            "WHEN status = 'revoked' THEN sent_at + interval '1 hour' END"))
        conn.execute(text(
            "INSERT INTO case_status_changes (case_id, from_status, to_status, changed_by_id, "
            "changed_at, outcome) SELECT id, 'follow_up', 'closed', created_by_id, "
            "created_at + random() * interval '20 days', (ARRAY['resolved', 'referred', "
            "'help_declined', 'unreachable'])[1 + floor(random() * 4)::int] "
            "FROM cases WHERE random() < 0.6"))
        conn.execute(text(
            "UPDATE cases SET status = 'closed' FROM case_status_changes s "
            "WHERE s.case_id = cases.id AND s.to_status = 'closed'"))
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        conn.execute(text("VACUUM ANALYZE"))


def measure(engine, *, repeat: int) -> dict[str, float]:
    def report(name: str) -> float:
        out: list = []

        def once() -> None:
            with Session(engine) as session:
                out[:] = list(service.run(session, name, YEAR).rows)

        best = _best(once, repeat)
        print(f"{name:26} {best * 1000:9.1f} ms  {len(out):5} rows")
        return best * 1000

    figures = {BASELINE: report(BASELINE)}
    for spec in service.CASE_WORK:
        figures[spec.name] = report(spec.name)
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--calls", type=int, default=1_000_000)
    parser.add_argument("--cases", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    url = create_database()
    try:
        migrate.upgrade(url)
        engine = make_engine(url)
        try:
            began = time.perf_counter()
            fill(engine, calls=args.calls, cases=args.cases)
            add_case_work_data(engine)
            print(f"generated {args.calls:,} calls and {args.cases:,} cases in "
                  f"{time.perf_counter() - began:.1f} s")
            figures = measure(engine, repeat=args.repeat)
        finally:
            engine.dispose()
    finally:
        drop_database(url)
    baseline = figures.pop(BASELINE)
    worst = max(figures, key=figures.__getitem__)
    each = " ".join(f"{name}_ms={ms:.1f}" for name, ms in figures.items())
    print(f"RESULT cases={args.cases} baseline_ms={baseline:.1f} {each} worst={worst} "
          f"worst_ratio={figures[worst] / baseline:.1f}")


if __name__ == "__main__":
    main()
