"""In chromium: an admin adds an SMS contact typed as people write a Thai number (shown
back in E.164), sends a test alert to the unit's console; ``callcenter worker`` (a real
process) delivers it to the Chiang Mai unit's open page, marked as a test; the unit
member acknowledges it; the admin's unit page shows who acknowledged it.

The console, the worker and this test share a Redis server of their own (see
test_unit_console.py).
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from callcenter.db import make_engine
from callcenter.provinces.models import ResponseUnit
from tests.browser.console_stack import (  # noqa: F401
    complete_in_page,
    console_browser,
    console_db,
    live_redis,
    page_errors,
    serve_console,
)
from tests.browser.test_unit_console import sign_in, unit_page
from tests.browser.watch import assert_clean_log
from tests.dispatch.worker_process import WorkerProcess


@pytest.fixture(scope="module")
def units_console(console_db, live_redis) -> Iterator[str]:  # noqa: F811
    with serve_console(console_db, live_redis) as base:
        yield base


@pytest.fixture(scope="module")
def units_worker(console_db, live_redis, units_console,  # noqa: F811
                 tmp_path_factory) -> Iterator[WorkerProcess]:
    env = {"CALLCENTER_DATABASE_URL": console_db, "CALLCENTER_REDIS_URL": live_redis,
           "CALLCENTER_CONSOLE_BASE_URL": units_console}
    running = WorkerProcess(env, tmp_path_factory.mktemp("worker") / "worker.log").start()
    yield running
    running.stop()
    assert_clean_log("the worker", running.log_path.read_text(errors="replace"))


def chiang_mai(db_url: str) -> tuple[int, int]:
    """The unit's id and its console contact's id."""
    engine = make_engine(db_url)
    with Session(engine) as session:
        unit = session.scalars(select(ResponseUnit)
                               .where(ResponseUnit.code == "RRU-TH-50")).one()
        ids = unit.id, unit.contacts[0].id
    engine.dispose()
    return ids


def test_admin_adds_a_contact_and_the_unit_acknowledges_a_test_alert(request):
    browser = request.getfixturevalue("console_browser")
    console = request.getfixturevalue("units_console")
    db_url = request.getfixturevalue("console_db")
    worker = request.getfixturevalue("units_worker")
    errors = request.getfixturevalue("page_errors")
    unit_id, console_contact = chiang_mai(db_url)

    # The unit member has the console open: the console channel can reach the unit.
    _, th50 = unit_page(browser, console, "unit.th50", errors)

    admin = errors.watch_context(browser.new_context(locale="th-TH")).new_page()
    sign_in(admin, console, "admin")
    complete_in_page(admin, "admin")
    admin.wait_for_url(lambda url: "/login" not in url)
    admin.goto(f"{console}/admin/units/{unit_id}")

    form = admin.locator("#add-contact")
    form.locator("select[name=channel]").select_option("sms")
    form.locator("input[name=address]").fill("081 234 5678")
    form.locator("input[name=label]").fill("หัวหน้าทีม")
    form.locator("select[name=role]").select_option("team_lead")
    form.locator("button[type=submit]").click()
    added = admin.wait_for_selector("tr.contact[data-address='+66812345678']")
    assert added.query_selector("input[name=address]").input_value() == "+66812345678"

    admin.locator(f"#contact-{console_contact} button.send-test").click()
    admin.wait_for_selector(f"#contact-{console_contact} .last-test .state")

    # The worker delivers it live to the unit's page, marked as a test.
    try:
        th50.wait_for_selector(".unit-alert.unit-alert-test", timeout=15_000)
    except Exception:
        pytest.fail("no test alert reached the unit's page:\n" + worker.log())
    th50.wait_for_selector("#unit-tests button[type=submit]", timeout=10_000)
    assert "ทดสอบ" in th50.inner_text("#unit-tests")
    th50.click("#unit-tests button[type=submit]")
    th50.wait_for_selector("#unit-tests", state="detached")

    admin.goto(f"{console}/admin/units/{unit_id}")
    last = admin.inner_text(f"#contact-{console_contact} .last-test")
    assert "ส่งถึงแล้ว" in last
    assert "รับทราบโดย หน่วยเคลื่อนที่เร็ว เชียงใหม่" in last
