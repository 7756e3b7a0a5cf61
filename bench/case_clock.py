"""The case-clock report over a year of generated data, next to baselines from the same run.

Builds bench/reports.py's throwaway year (calls, 100,000 cases with victims, dispatches
for about 30 % of them), then links each case to a call, spreads the urgencies and closes
about 60 % of the cases, and times over the whole year:

- ``case_clock`` (this report: per case, look-ups of its first call, dispatch steps and
  first closing, then ranks by province and urgency);
- ``dispatch_intervals`` (the rapid-response report, ranks of the same shape), the
  baseline the ratio is taken against;
- a plain ``count(*)`` of cases, for scale.

    .venv/bin/python bench/case_clock.py [--calls N] [--cases N] [--repeat N]

Ends with ``RESULT case_clock_s=… baseline_s=… ratio=… count_s=… cases=…`` (ratio:
case_clock ÷ dispatch_intervals).
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


def add_case_clock_data(engine, *, calls: int, cases: int) -> None:
    """A call per case (the one generated at the case's moment), urgencies, closings."""
    with engine.begin() as conn:
        conn.execute(text(
            "INSERT INTO case_calls (case_id, call_id, linked_at) "
            "SELECT c.id, k.id, c.created_at FROM cases c "
            "JOIN calls k ON k.uniqueid = 'bench.' || greatest(1, c.sequence::bigint * :calls "
            "/ :cases)"), {"calls": calls, "cases": cases})
        conn.execute(text(
            "UPDATE cases SET urgency = (ARRAY['immediate', 'high', 'normal', 'low'])"
            "[1 + floor(random() * 4)::int]"))
        conn.execute(text(
            "INSERT INTO case_status_changes (case_id, from_status, to_status, "
            "changed_by_id, changed_at) SELECT id, 'follow_up', 'closed', created_by_id, "
            "created_at + random() * interval '10 days' FROM cases WHERE random() < 0.6"))
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        conn.execute(text("VACUUM ANALYZE"))


def measure(engine, *, repeat: int) -> dict:
    def report(name: str) -> tuple[float, int]:
        out: list = []

        def once() -> None:
            with Session(engine) as session:
                out[:] = list(service.run(session, name, YEAR).rows)

        return _best(once, repeat), len(out)

    with engine.connect() as conn:
        cases = conn.scalar(text("SELECT count(*) FROM cases"))
        count_s = _best(lambda: conn.scalar(text("SELECT count(*) FROM cases")), repeat)
    clock_s, clock_rows = report("case_clock")
    base_s, base_rows = report("dispatch_intervals")
    print(f"case_clock          {clock_s:8.3f} s  {clock_rows:5} rows")
    print(f"dispatch_intervals  {base_s:8.3f} s  {base_rows:5} rows (baseline)")
    print(f"count(*) cases      {count_s:8.3f} s  {cases:,} cases")
    return {"case_clock_s": clock_s, "baseline_s": base_s, "count_s": count_s,
            "cases": cases}


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
            add_case_clock_data(engine, calls=args.calls, cases=args.cases)
            print(f"generated {args.calls:,} calls and {args.cases:,} cases in "
                  f"{time.perf_counter() - began:.1f} s")
            figures = measure(engine, repeat=args.repeat)
        finally:
            engine.dispose()
    finally:
        drop_database(url)
    print(f"RESULT case_clock_s={figures['case_clock_s']:.3f} "
          f"baseline_s={figures['baseline_s']:.3f} "
          f"ratio={figures['case_clock_s'] / figures['baseline_s']:.1f} "
          f"count_s={figures['count_s']:.3f} cases={figures['cases']}")


if __name__ == "__main__":
    main()
