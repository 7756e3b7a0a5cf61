"""The wallboard draws each queue by the targets and thresholds its admin set."""

from sqlalchemy import select

from callcenter.calls.models import CallOutcome
from callcenter.queues.models import Queue
from tests.support.builders import add_queue_call

from .test_pages import live_floor, row

HTMX = {"HX-Request": "true"}


def _set(session, name: str, **values) -> None:
    queue = session.scalar(select(Queue).where(Queue.name == name))
    for field, value in values.items():
        setattr(queue, field, value)
    session.flush()


def test_the_board_shows_each_queues_target_and_how_many_calls_it_needs_to_be_flagged(
        supervisor_client, redis_client, seeded_session):
    live_floor(redis_client)
    _set(seeded_session, "violence", service_level_target=80, service_level_warn=95,
         service_level_min_calls=2, label_en="Violence (edited)")
    add_queue_call(seeded_session, "1.1", "violence", CallOutcome.ANSWERED, wait=4, talk=10)
    board = supervisor_client.get("/wallboard/board?lang=en", headers=HTMX).text
    cells = row(board, "violence")
    assert cells["target"] == "80 % ≤ 20 s (1/2 calls)"
    assert "Violence (edited)" in board
    assert "Amber below 95 %" in board and "at least 2 calls count today" in board
    assert 'id="wb-legend"' in board


def test_a_queue_below_its_edited_target_is_flagged_once_its_own_minimum_of_calls_counts(
        supervisor_client, redis_client, seeded_session):
    live_floor(redis_client)
    _set(seeded_session, "violence", service_level_target=60, service_level_warn=80,
         service_level_min_calls=3)
    add_queue_call(seeded_session, "1.1", "violence", CallOutcome.ANSWERED, wait=4, talk=10)
    add_queue_call(seeded_session, "1.2", "violence", CallOutcome.ANSWERED, wait=5, talk=10)
    board = supervisor_client.get("/wallboard/board?lang=en", headers=HTMX).text
    assert 'data-alarm="service_level:violence"' not in board  # 100 %, 2 calls of 3
    add_queue_call(seeded_session, "1.3", "violence", CallOutcome.ANSWERED, wait=50, talk=10)
    board = supervisor_client.get("/wallboard/board?lang=en", headers=HTMX).text
    # 2 of 3 within 20 s: 66.7 %, above the 60 % target but below the 80 % amber level.
    assert 'data-alarm="service_level:violence"' not in board
    assert 'data-k="service_level" data-band="warn"' in board
    add_queue_call(seeded_session, "1.4", "violence", CallOutcome.ABANDONED, wait=30)
    board = supervisor_client.get("/wallboard/board?lang=en", headers=HTMX).text
    assert 'data-alarm="service_level:violence"' in board  # 2 of 4: 50 %


def test_a_caller_waiting_longer_than_the_queues_own_limits_turns_amber_then_red(
        supervisor_client, redis_client, seeded_session):
    live_floor(redis_client)  # a caller has waited 75 s in violence
    _set(seeded_session, "violence", wait_warn_seconds=60, wait_alarm_seconds=120)
    board = supervisor_client.get("/wallboard/board?lang=en", headers=HTMX).text
    assert 'data-k="waiting" data-band="warn"' in row_html(board, "violence")
    assert 'data-alarm="long_wait:9.1"' not in board
    _set(seeded_session, "violence", wait_warn_seconds=30, wait_alarm_seconds=45)
    board = supervisor_client.get("/wallboard/board?lang=en", headers=HTMX).text
    assert 'data-k="waiting" data-band="alarm"' in row_html(board, "violence")
    assert 'data-alarm="long_wait:9.1"' in board


def row_html(html: str, queue: str) -> str:
    start = html.index(f'<tr data-queue="{queue}"')
    return html[start:html.index("</tr>", start)]
