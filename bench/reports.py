"""Reports over a year of generated data: each query's time next to a plain count.

Creates a throwaway PostgreSQL database, runs the migrations, fills it in SQL
(generate_series) with one million calls, 100,000 cases with their victims, their
dispatches and the agents' state history over one fiscal year, then runs every report
over that whole year (the longest range a report accepts) and, in the same run, a plain
``count(*)`` over the table each report reads. The database is dropped at the end.

    .venv/bin/python bench/reports.py [--calls N] [--cases N] [--repeat N]

Ends with the issue's ``RESULT p50_ms=… p99_ms=… baseline_p99_ms=… ratio=… clients=…
report_max_s=… report_ratio=…`` line: the slowest report's time and that report's time ÷
the plain count over its table; the fan-out figures are bench/wallboard_fanout.py's
(``na`` here; that script runs this one too). ``run()`` returns the figures for it.
"""

from __future__ import annotations

import argparse
import os
import secrets
import statistics
import sys
import time
from collections.abc import Callable
from datetime import UTC
from pathlib import Path

from sqlalchemy import Engine, create_engine, text
from sqlalchemy.orm import Session

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from callcenter import migrate
from callcenter.db import make_engine
from callcenter.provinces import service as provinces
from callcenter.queues import service as queue_service
from callcenter.queues.catalog import QUEUES
from callcenter.reports import export, service
from callcenter.reports.range import parse_range
from callcenter.taxonomy import IssueArea, TargetGroup

ADMIN_URL = os.environ.get(
    "CALLCENTER_BENCH_PG_ADMIN_URL",
    os.environ.get("CALLCENTER_TEST_PG_ADMIN_URL",
                   "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"),
)
# Fiscal year 2569: 1 October 2568 to 30 September 2569 (Buddhist era).
YEAR = parse_range("1/10/2568", "30/9/2569")
AGENTS = 50
# The table whose plain count each report is set beside.
TABLE_OF = {
    "calls_by_hour": "calls", "calls_hourly": "calls", "calls_by_day": "calls",
    "calls_by_queue": "call_legs", "service_level_by_queue": "call_legs",
    "calls_by_outcome": "calls", "service_level": "calls", "agent_activity": "call_legs",
    "agent_pauses": "agent_state_changes", "cases_by_issue_area": "cases",
    "cases_by_target_group": "cases", "cases_by_province": "cases",
    "cases_by_month": "cases", "victims_by_group": "case_persons",
    "victims_by_province": "case_persons",
    "dispatch_intervals": "dispatches",
}
# Not summaries: a row per record, so their time is mostly sending and writing rows;
# timed apart as exports (rows/s), see below.
EXPORTS = {"call_records": "calls", "dispatch_intervals_each": "dispatches"}


def _admin() -> Engine:
    return create_engine(ADMIN_URL, isolation_level="AUTOCOMMIT")


def create_database() -> str:
    name = f"reports_bench_{os.getpid()}_{secrets.token_hex(3)}"
    admin = _admin()
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    admin.dispose()
    return ADMIN_URL.rsplit("/", 1)[0] + "/" + name


def drop_database(url: str) -> None:
    admin = _admin()
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{url.rsplit("/", 1)[1]}" WITH (FORCE)'))
    admin.dispose()


def _array(values: list[str]) -> str:
    return "ARRAY[" + ", ".join(f"'{v}'" for v in values) + "]"


def fill(engine: Engine, *, calls: int, cases: int) -> None:
    with Session(engine) as session:
        provinces.sync_catalog(session)
        provinces.sync_units(session)
        queue_service.sync_catalog(session)
        session.commit()
    start, span = YEAR.start.astimezone(UTC), int((YEAR.end - YEAR.start).total_seconds())
    queues = _array([q.name for q in QUEUES])
    areas = _array([a.value for a in IssueArea])
    groups = _array([g.value for g in TargetGroup])
    params = {"start": start, "span": span, "calls": calls, "cases": cases}
    with engine.begin() as conn:
        conn.execute(text(
            "INSERT INTO users (login, display_name, password_hash, role, languages, active, "
            "failed_logins, created_at, phone_interface) "
            "SELECT 'bench' || g, 'Agent ' || g, '-', 'agent', '[\"th\"]', true, 0, now(), "
            "'PJSIP/agent' || g FROM generate_series(1, :n) g"), {"n": AGENTS})
        uid0 = conn.scalar(text("SELECT min(id) FROM users"))
        params["uid0"] = uid0
        conn.execute(text(f"""
            INSERT INTO calls (node, uniqueid, direction, started_at, queued_at, answered_at,
                ended_at, queue_name, outcome, wait_seconds, talk_seconds, agent_interface,
                agent_user_id, silent, updated_at, ivr_language)
            SELECT 'pbx1', 'bench.' || g,
                CASE WHEN r1 < 0.03 THEN 'outbound' ELSE 'inbound' END,
                t,
                CASE WHEN o <> 'ivr_hangup' THEN t + interval '8 seconds' END,
                CASE WHEN o IN ('answered', 'transferred')
                     THEN t + (8 + w) * interval '1 second' END,
                t + (8 + w + talk) * interval '1 second',
                CASE WHEN o <> 'ivr_hangup' THEN ({queues})[1 + floor(r3 * 12)::int] END,
                o,
                CASE WHEN o <> 'ivr_hangup' THEN w END,
                CASE WHEN o IN ('answered', 'transferred') THEN talk END,
                CASE WHEN o IN ('answered', 'transferred') THEN 'PJSIP/agent' || k END,
                CASE WHEN o IN ('answered', 'transferred') THEN :uid0 + k - 1 END,
                false, t, 'th'
            FROM (
                SELECT g, r1, r3, :start + (g::float8 * :span / :calls) * interval '1 second' AS t,
                    CASE WHEN r2 < 0.70 THEN 'answered' WHEN r2 < 0.80 THEN 'abandoned'
                         WHEN r2 < 0.87 THEN 'ivr_hangup' WHEN r2 < 0.90 THEN 'queue_timeout'
                         WHEN r2 < 0.95 THEN 'transferred' ELSE 'interrupted' END AS o,
                    floor(random() * 90)::int AS w, 30 + floor(random() * 900)::int AS talk,
                    1 + floor(random() * {AGENTS})::int AS k
                FROM (SELECT g, random() AS r1, random() AS r2, random() AS r3
                      FROM generate_series(1, :calls) g) r
            ) s"""), params)
        # Each queued call's one leg, as migration 0013 backfills them: the per-queue
        # and per-agent reports read legs.
        conn.execute(text(
            "INSERT INTO call_legs (call_id, seq, queue_name, joined_at, answered_at, "
            "agent_interface, agent_user_id, wait_seconds, talk_seconds, ended_at, "
            "ended_how) SELECT id, 1, queue_name, queued_at, answered_at, agent_interface, "
            "agent_user_id, wait_seconds, talk_seconds, ended_at, CASE outcome "
            "WHEN 'answered' THEN 'answered' WHEN 'abandoned' THEN 'abandoned' "
            "WHEN 'queue_timeout' THEN 'timeout' WHEN 'transferred' THEN 'transferred' END "
            "FROM calls WHERE queue_name IS NOT NULL"))
        conn.execute(text(f"""
            INSERT INTO cases (number, year_be, sequence, status, issue_area, urgency, risk,
                target_group, province_code, summary, consent, do_not_call_back,
                withhold_caller_id, created_by_id, created_at, updated_at)
            SELECT '1300-2569-' || lpad(g::text, 6, '0'), 2569, g, 'new',
                ({areas})[1 + floor(random() * 13)::int], 'normal', '{{}}',
                ({groups})[1 + floor(random() * 5)::int],
                (SELECT array_agg(code ORDER BY code) FROM provinces)
                    [1 + floor(random() * 77)::int],
                '', 'not_asked', false, false, :uid0, t, t
            FROM (SELECT g, :start + (g::float8 * :span / :cases) * interval '1 second' AS t
                  FROM generate_series(1, :cases) g) s"""), params)
        conn.execute(text("""
            INSERT INTO case_persons (case_id, role, gender, age_years, has_disability,
                needs_interpreter)
            SELECT c.id, 'victim',
                (ARRAY['female', 'female', 'male', 'gender_diverse', 'unknown'])
                    [1 + floor(random() * 5)::int],
                CASE WHEN random() < 0.1 THEN NULL ELSE floor(random() * 80)::int END,
                false, false
            FROM cases c, generate_series(1, 2) n WHERE n = 1 OR c.id % 10 < 3"""))
        conn.execute(text("""
            INSERT INTO dispatches (case_id, unit_id, status, urgency, created_by_id,
                created_at, alerted_at, acknowledged_at, on_scene_at, completed_at)
            SELECT c.id, u.id, 'completed', 'high', :uid0, t,
                t + (5 + floor(random() * 55)) * interval '1 second',
                t + (30 + floor(random() * 900)) * interval '1 second',
                CASE WHEN random() < 0.8 THEN t + (1800 + floor(random() * 7200))
                     * interval '1 second' END,
                CASE WHEN random() < 0.7 THEN t + (7200 + floor(random() * 86400))
                     * interval '1 second' END
            FROM (SELECT id, province_code, created_at + interval '3 minutes' AS t
                  FROM cases WHERE random() < 0.3) c
            JOIN response_units u ON u.province_code = c.province_code"""), params)
        # Ten changes a shift per agent per day: sign in, work, pauses with reasons, sign out.
        conn.execute(text(f"""
            INSERT INTO agent_state_changes (node, agent_interface, agent_user_id, state,
                reason, changed_at)
            SELECT 'pbx1', 'PJSIP/agent' || k, :uid0 + k - 1,
                (ARRAY['logged_in', 'available', 'paused', 'available', 'in_call', 'wrap_up',
                       'available', 'paused', 'available', 'logged_out'])[j],
                CASE j WHEN 3 THEN 'break' WHEN 8 THEN 'meal' END,
                :start + d * interval '1 day' + (k % 3) * interval '8 hours'
                    + (j - 1) * interval '50 minutes' + k * interval '7 seconds'
            FROM generate_series(1, {AGENTS}) k, generate_series(0, :span / 86400 - 1) d,
                 generate_series(1, 10) j"""), params)
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        conn.execute(text("VACUUM ANALYZE"))


def _best(fn: Callable[[], object], repeat: int) -> float:
    times = []
    for _ in range(repeat):
        began = time.perf_counter()
        fn()
        times.append(time.perf_counter() - began)
    return min(times)


def measure(engine: Engine, *, repeat: int = 3, log: Callable[[str], None] = print) -> dict:
    """Time every report over the year and a plain count of its table, in this run."""
    counts: dict[str, float] = {}
    rows: dict[str, int] = {}
    with engine.connect() as conn:
        for table in sorted({*TABLE_OF.values(), *EXPORTS.values()}):
            sql = text(f"SELECT count(*) FROM {table}")
            rows[table] = conn.scalar(sql)
            counts[table] = _best(lambda sql=sql: conn.scalar(sql), repeat)
    figures: dict[str, dict] = {}
    log(f"{'report':24} {'rows':>6} {'seconds':>9}   plain count of {'table':20} "
        f"{'seconds':>9} {'ratio':>7}")
    for name, table in TABLE_OF.items():
        out: list = []

        def once(name: str = name, out: list = out) -> None:
            with Session(engine) as session:
                out[:] = list(service.run(session, name, YEAR).rows)

        seconds = _best(once, repeat)
        ratio = seconds / counts[table]
        figures[name] = {"seconds": seconds, "table": table, "rows": len(out),
                         "count_seconds": counts[table], "ratio": ratio}
        log(f"{name:24} {len(out):>6} {seconds:>9.3f}   {table:35} ({rows[table]:>8} rows) "
            f"{counts[table]:>7.3f} {ratio:>7.1f}")
    for name, table in EXPORTS.items():
        with Session(engine) as session:
            began = time.perf_counter()
            size = sum(len(c) for c in export.csv_chunks(service.run(session, name, YEAR)))
            seconds = time.perf_counter() - began
        log(f"export {name} as CSV over the year: {size / 1e6:.1f} MB in {seconds:.1f} s "
            f"({rows[table] / seconds:,.0f} rows/s, streamed; plain count of {table} "
            f"{counts[table]:.3f} s)")
    slowest = max(figures, key=lambda n: figures[n]["seconds"])
    result = {
        "report_max_s": round(figures[slowest]["seconds"], 3),
        "report_ratio": round(figures[slowest]["ratio"], 1),
        "slowest": slowest,
        "median_s": round(statistics.median(f["seconds"] for f in figures.values()), 3),
        "max_ratio": round(max(f["ratio"] for f in figures.values()), 1),
        "reports": figures,
        "rows": rows,
    }
    log(f"slowest: {slowest}; median report {result['median_s']} s; "
        f"largest ratio to a plain count {result['max_ratio']}")
    return result


def run(*, calls: int = 1_000_000, cases: int = 100_000, repeat: int = 3,
        log: Callable[[str], None] = print) -> dict:
    """Build the throwaway database, fill it, measure, drop it; return the figures."""
    url = create_database()
    try:
        migrate.upgrade(url)
        engine = make_engine(url)
        began = time.perf_counter()
        fill(engine, calls=calls, cases=cases)
        log(f"generated {calls:,} calls and {cases:,} cases in "
            f"{time.perf_counter() - began:.1f} s; range {YEAR.label('en')} ({YEAR.days} days)")
        try:
            return measure(engine, repeat=repeat, log=log)
        finally:
            engine.dispose()
    finally:
        drop_database(url)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--calls", type=int, default=1_000_000)
    parser.add_argument("--cases", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    result = run(calls=args.calls, cases=args.cases, repeat=args.repeat)
    print("RESULT p50_ms=na p99_ms=na baseline_p99_ms=na ratio=na clients=0 "
          f"report_max_s={result['report_max_s']} report_ratio={result['report_ratio']}")


if __name__ == "__main__":
    main()
