"""The wallboard's charts and flags: the series JSON and the drawn board, in both languages."""

import json
import re
from datetime import UTC, datetime, timedelta

from callcenter.calls.models import CallOutcome
from callcenter.thaidate import BANGKOK
from tests.support.builders import add_queue_call

from .test_pages import live_floor

HTMX = {"HX-Request": "true"}


def a_judged_and_an_unjudged_queue(session) -> None:
    """violence: 6 of 7 calls in time (85.7 %, judged); trafficking: 2 abandons (0 %)."""
    for i in range(6):
        add_queue_call(session, f"1.{i}", "violence", CallOutcome.ANSWERED, wait=4, talk=60)
    add_queue_call(session, "1.9", "violence", CallOutcome.ANSWERED, wait=50, talk=60)
    for i in range(2):
        add_queue_call(session, f"2.{i}", "trafficking", CallOutcome.ABANDONED, wait=30)


def cell_tag(html: str, queue: str, key: str) -> str:
    start = html.index(f'<tr data-queue="{queue}"')
    found = re.search(rf'<td data-k="{key}"[^>]*>', html[start:])
    assert found, (queue, key)
    return found.group(0)


def test_a_low_figure_of_too_few_calls_says_it_is_not_judged_and_a_judged_one_says_its_target(
        supervisor_client, redis_client, seeded_session):
    live_floor(redis_client)
    a_judged_and_an_unjudged_queue(seeded_session)
    board = supervisor_client.get("/wallboard/board?lang=en", headers=HTMX).text
    flagged = cell_tag(board, "violence", "service_level")
    assert 'data-band="alarm"' in flagged and 'data-judged="yes"' in flagged
    assert 'data-flag="· below the 90 % target"' in flagged
    unjudged = cell_tag(board, "trafficking", "service_level")
    assert 'data-band="ok"' in unjudged and 'data-judged="no"' in unjudged
    assert 'data-flag="· fewer than 5 calls today: not judged yet"' in unjudged
    assert "Service level of Violence is 85.7 %, below its 90 % target (7 calls today)" in board
    assert 'data-alarm="service_level:trafficking"' not in board


def test_the_legend_lists_each_colours_rule_in_thai_and_in_english(
        supervisor_client, redis_client, seeded_session):
    live_floor(redis_client)
    english = supervisor_client.get("/wallboard/board?lang=en", headers=HTMX).text
    for colour in ("red", "amber", "unjudged", "wait", "agents", "sound"):
        assert f'data-colour="{colour}"' in english
    assert "What each colour means" in english and "Talking 10:00 / 20:00" in english
    thai = supervisor_client.get("/wallboard/board?lang=th", headers=HTMX).text
    assert "ความหมายของแต่ละสี" in thai and "กำลังสนทนา 10:00 / 20:00" in thai
    assert "ยังไม่ประเมิน" in thai


def test_the_drawn_board_carries_the_live_figures_the_charts_read_with_no_caller_in_them(
        supervisor_client, redis_client, seeded_session):
    live_floor(redis_client)
    board = supervisor_client.get("/wallboard/board?view=big&lang=en", headers=HTMX).text
    found = re.search(r'<script type="application/json" id="wb-chart-live">(.*?)</script>',
                      board, re.S)
    figures = json.loads(found.group(1))
    assert figures["live"] is True and figures["waiting"] == 1
    assert {(a["name"], a["state"]) for a in figures["agents"]} == {
        ("Somying", "talking"), ("Somchai", "paused")}
    assert "0800000000" not in found.group(1)


def test_the_page_has_its_charts_and_chart_js_served_locally_in_both_languages(
        supervisor_client, redis_client, seeded_session):
    live_floor(redis_client)
    for lang, caption in (("en", "Service level through the day"),
                          ("th", "ระดับการให้บริการตลอดวัน")):
        page = supervisor_client.get(f"/wallboard?view=big&lang={lang}").text
        assert '<script src="/vendor/chart.js/dist/chart.umd.min.js" defer></script>' in page
        for canvas in ("calls", "sl", "waiting", "agents", "states"):
            assert f'id="wb-chart-{canvas}"' in page
        assert caption in page
        assert f'data-series="/wallboard/series?lang={lang}"' in page
    assert supervisor_client.get("/vendor/chart.js/dist/chart.umd.min.js").status_code == 200


def test_the_series_counts_today_in_quarter_hours_against_the_same_weekday_last_week(
        supervisor_client, seeded_session):
    now = datetime.now(BANGKOK)
    quarter = now.replace(minute=now.minute // 15 * 15, second=0, microsecond=0)
    if quarter.hour == 0 and quarter.minute == 0:
        quarter = now  # just after midnight: nothing earlier today to use
    at = quarter.astimezone(UTC)
    add_queue_call(seeded_session, "3.1", "violence", CallOutcome.ANSWERED, wait=4, talk=120,
                   started=at)
    add_queue_call(seeded_session, "3.2", "violence", CallOutcome.ABANDONED, wait=30,
                   started=at)
    add_queue_call(seeded_session, "3.3", "violence", CallOutcome.ANSWERED, wait=4, talk=60,
                   started=at - timedelta(days=7))
    answer = supervisor_client.get("/wallboard/series?lang=en")
    assert answer.status_code == 200 and answer.headers["cache-control"] == "no-store"
    data = answer.json()
    index = (quarter.hour * 60 + quarter.minute) // 15
    assert data["labels"][index] == quarter.strftime("%H:%M")
    assert (data["today"]["offered"][index], data["today"]["answered"][index],
            data["today"]["abandoned"][index]) == (2, 1, 1)
    assert data["last_week"]["offered"][index] == 1
    assert data["today"]["offered"][index + 1:] == [None] * (95 - index)
    assert data["target"] == 90 and data["names"]["offered_last_week"] == "Offered, last week"
    thai = supervisor_client.get("/wallboard/series?lang=th").json()
    assert thai["names"]["offered_last_week"] == "สายเข้า สัปดาห์ที่แล้ว"
    assert thai["today"] == data["today"]
