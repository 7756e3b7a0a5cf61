"""Rapid-response intervals by province: nearest-rank median and 90th percentile."""

from __future__ import annotations

import math
from datetime import UTC, datetime, timedelta

from callcenter.reports import service
from callcenter.reports.range import parse_range
from tests.reports.builders import CaseSpec, DispatchSpec, add_case, add_dispatch

RANGE = parse_range("1/3/2569", "31/3/2569")
DAY = datetime(2026, 3, 10, 3, tzinfo=UTC)


def nearest_rank(values, p_num, p_den):
    ordered = sorted(values)
    return ordered[math.ceil(len(ordered) * p_num / p_den) - 1]


def test_intervals_by_province_match_a_nearest_rank_count(db_session, agent):
    def case():
        # A case of its own each: a case has one open dispatch per unit at a time.
        made = add_case(db_session, CaseSpec(DAY), user=agent)
        db_session.flush()
        return made

    ack_times = [30, 45, 60, 90, 120, 150, 200, 240, 300, 600, 900]
    for i, ack in enumerate(ack_times):
        steps = {"alert": 5, "acknowledge": ack,
                 "on_scene": ack * 10 if i % 2 == 0 else None,
                 "complete": ack * 20 if i % 2 == 0 else None}
        add_dispatch(db_session, DispatchSpec(DAY + timedelta(hours=i), "TH-50", steps),
                     case=case(), user=agent)
    add_dispatch(db_session, DispatchSpec(DAY, "TH-10", {}), case=case(), user=agent)
    add_dispatch(db_session, DispatchSpec(datetime(2026, 2, 1, tzinfo=UTC), "TH-10",
                                          {"alert": 1}), case=case(), user=agent)
    db_session.flush()
    got = {r[0]: r for r in service.run(db_session, "dispatch_intervals", RANGE).rows}
    assert set(got) == {"TH-10", "TH-50"}
    chiang_mai = got["TH-50"]
    assert chiang_mai[1:3] == ("เชียงใหม่", 11)
    assert chiang_mai[3:6] == (11, 5, 5)  # alert
    assert chiang_mai[6:9] == (11, nearest_rank(ack_times, 1, 2), nearest_rank(ack_times, 9, 10))
    on_scene = [a * 10 for i, a in enumerate(ack_times) if i % 2 == 0]
    assert chiang_mai[9:12] == (6, nearest_rank(on_scene, 1, 2), nearest_rank(on_scene, 9, 10))
    # Bangkok: one dispatch in the range that never got further than being created.
    assert got["TH-10"][2:] == (1, 0, None, None, 0, None, None, 0, None, None, 0, None, None)
