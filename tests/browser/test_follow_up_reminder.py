"""In chromium: an agent has a console page open; a follow-up of theirs falls due; the
real worker (``callcenter worker``, its RQ job and its sweep) sends the reminder, and it
appears on the page at once as a toast naming the case, without a reload."""

from __future__ import annotations

from datetime import timedelta

import redis
from sqlalchemy import select
from sqlalchemy.orm import Session

from callcenter.agents.models import User
from callcenter.cases import follow_ups, reminder_jobs
from callcenter.cases import service as cases
from callcenter.cases.follow_up_models import TaskKind
from callcenter.db import make_engine, utcnow
from callcenter.taxonomy import Urgency
from tests.browser.console_stack import (  # noqa: F401
    console_browser,
    console_db,
    live_console,
    live_redis,
    page_errors,
)
from tests.browser.test_console_flow import sign_in
from tests.dispatch.worker_process import WorkerProcess


def task_due_in_seconds(db_url: str, redis_url: str, seconds: int) -> str:
    """agent1's new case with a call-back due a few seconds from now (within the rules'
    minute of tolerance); its reminder is scheduled as the console schedules it."""
    engine = make_engine(db_url)
    with Session(engine, expire_on_commit=False) as session:
        agent = session.scalar(select(User).where(User.login == "agent1"))
        case = cases.open_case(session, created_by_id=agent.id, province_code="TH-50",
                               urgency=Urgency.HIGH, summary="ติดตามผล")
        task = follow_ups.create(session, case, kind=TaskKind.CALL_BACK, actor_id=agent.id,
                                 due_at=utcnow() + timedelta(seconds=seconds))
        session.commit()
    engine.dispose()
    client = redis.Redis.from_url(redis_url)
    reminder_jobs.schedule_task(client, task.id, task.due_at)
    client.close()
    return case.number


def test_an_overdue_reminder_is_shown_live_on_the_open_page(request, tmp_path):
    browser = request.getfixturevalue("console_browser")
    console = request.getfixturevalue("live_console")
    db_url = request.getfixturevalue("console_db")
    redis_url = request.getfixturevalue("live_redis")
    errors = request.getfixturevalue("page_errors")
    worker = WorkerProcess({"CALLCENTER_DATABASE_URL": db_url, "CALLCENTER_REDIS_URL": redis_url,
                            "CALLCENTER_FOLLOW_UP_SWEEP_SECONDS": "1"},
                           tmp_path / "worker.log").start()
    try:
        context = errors.watch_context(browser.new_context(locale="th-TH"))
        page = context.new_page()
        sign_in(page, console, "agent1")
        page.wait_for_url(f"{console}/agent")
        page.goto(f"{console}/follow-ups")
        assert page.locator("#none-overdue").is_visible()
        page.wait_for_timeout(500)  # the notice stream is open
        number = task_due_in_seconds(db_url, redis_url, 3)
        toast = page.locator("#toasts .toast.notice")
        toast.wait_for(timeout=20_000)
        assert number in toast.inner_text() and "ถึงกำหนดติดตามผล" in toast.inner_text()
        assert toast.locator("a").get_attribute("href").endswith("#follow-ups")
        # The navigation's count of my overdue tasks follows the notice.
        page.locator("#overdue-count").wait_for(timeout=5_000)
        assert page.locator("#overdue-count").inner_text() == "1"
        assert page.locator("#toasts .toast.notice").count() == 1  # shown once

        # The agent page hears notices on its own stream: shown there too, and once.
        page.goto(f"{console}/agent")
        page.wait_for_timeout(500)
        number = task_due_in_seconds(db_url, redis_url, 3)
        toast = page.locator("#toasts .toast.notice")
        toast.wait_for(timeout=20_000)
        assert number in toast.inner_text()
        page.wait_for_timeout(1_000)
        assert toast.count() == 1
        context.close()
    finally:
        worker.stop()
