"""Rapid-response intervals by province: nearest-rank median and 90th percentile."""

from __future__ import annotations

import math
from datetime import UTC, datetime, timedelta

from callcenter.reports import service
from callcenter.reports.range import parse_range
from tests.support.builders import CaseSpec, DispatchSpec, add_case, add_dispatch

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


def test_each_dispatch_in_the_range_has_its_own_intervals_oldest_first(db_session, agent):
    cases = []
    for _ in range(3):
        cases.append(add_case(db_session, CaseSpec(DAY), user=agent))
    db_session.flush()
    later = add_dispatch(db_session, DispatchSpec(DAY + timedelta(hours=2), "TH-50", {
        "alert": 4, "acknowledge": 65, "on_scene": 1800, "complete": 7200}),
        case=cases[0], user=agent)
    first = add_dispatch(db_session, DispatchSpec(DAY, "TH-10", {"alert": 2}),
                         case=cases[1], user=agent)
    add_dispatch(db_session, DispatchSpec(datetime(2026, 2, 1, tzinfo=UTC), "TH-10", {}),
                 case=cases[2], user=agent)
    db_session.flush()
    spec = service.spec("dispatch_intervals_each")
    assert spec.streams, "one row per dispatch: read through a server-side cursor"
    rows = list(service.run(db_session, "dispatch_intervals_each", RANGE).rows)
    assert [r[0] for r in rows] == [first.id, later.id]
    row = dict(zip([c.key for c in spec.columns], rows[1], strict=True))
    assert row["case_number"] == cases[0].number and row["province"] == "TH-50"
    assert row["created_at"] == datetime(2026, 3, 10, 12)  # local time, Bangkok
    assert (row["alert_s"], row["acknowledge_s"], row["en_route_s"], row["on_scene_s"],
            row["complete_s"], row["decline_s"]) == (4, 65, None, 1800, 7200, None)
    assert rows[0][7:9] == (2, None)
