"""In chromium, with axe-core: every page a person sees has no serious or critical
violation of WCAG 2.1 A and AA, in Thai and in English.

The pages are the GET routes of ``permission_table`` that each role may reach, on the
world of ``route_world`` (a case with a referral, a dispatch, a follow-up, a merge, a
LINE conversation …), so a new page is checked as soon as it has its line in the table
(and ``test_permissions`` fails until it has). An answer that is not a whole HTML page
(an htmx fragment, JSON, a picture) is checked where it is drawn, inside its page.
Besides: the second factor's pages, the error pages (403, 404), and the public pages
signed out: sign-in, the report form, its done page and the tracking pages.
"""

from __future__ import annotations

import re

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from agent_console.app import create_app
from callcenter.db import make_engine
from callcenter.settings import load_settings
from tests.agent_console.conftest import RequestSessions
from tests.agent_console.permission_table import ALLOWED, LOGINS, TABLE
from tests.agent_console.route_world import build_world, fill
from tests.agent_console.test_i18n_pages import visited_and_completed
from tests.browser.axe import blocking_violations, described
from tests.browser.console_stack import (  # noqa: F401
    complete_in_page,
    console_browser,
    console_db,
    live_console,
    live_redis,
)
from tests.browser.test_console_flow import sign_in

# One context per role and language, some 60 pages for an admin, each checked whole.
pytestmark = [pytest.mark.browser, pytest.mark.timeout(300)]

ROLES_TRIED = ("agent", "supervisor", "admin", "unit_th50")
LANGS = ("th", "en")
# The public report pages speak the IVR's languages too.
PUBLIC_LANGS = ("th", "en", "my", "km", "lo")
# Not pages: downloads and the browser's own resources.
NOT_PAGES = (".csv", ".xlsx", ".{kind}", "/favicon.ico", "/metrics", "/healthz", "/readyz")
MISSING = "/no-such-page"
# htmx regions filled on load: wait until none is still being fetched.
SETTLED = "() => !document.querySelector('.htmx-request')"


@pytest.fixture(scope="module")
def world(request) -> dict:
    """route_world's records, committed in the browser tests' database."""
    database = request.getfixturevalue("console_db")
    redis_url = request.getfixturevalue("live_redis")
    engine = make_engine(database)
    with Session(engine) as session:
        app = create_app(load_settings(database_url=database, redis_url=redis_url),
                         session_factory=RequestSessions(session))
        with TestClient(app) as client:
            found = build_world(client, session)
        visited_and_completed(session, found)
        session.commit()
    engine.dispose()
    return found


def gets(role: str) -> list[tuple[str, object]]:
    return [(route.split(" ", 1)[1], rule) for route, rule in TABLE.items()
            if route.startswith("GET ") and not route.startswith("GET /api/")
            and not rule.stream and not route.endswith(NOT_PAGES)
            and rule.expected[role] != 404]


def pages_for(role: str) -> list[tuple[str, object]]:
    return [(path, rule) for path, rule in gets(role) if rule.expected[role] == ALLOWED]


def refused_to(role: str) -> str:
    """A page the role may not see: its answer is the 403 page."""
    return next(path for path, rule in gets(role) if rule.expected[role] == 403
                and "{" not in path)


def check(page, url: str, found: list[str], *, status: int | None = None) -> bool:
    """Open the URL and run axe if the answer is a whole HTML page (an error page
    included); False otherwise."""
    response = page.goto(url, wait_until="load")
    assert response is not None, url
    if status is not None:
        assert response.status == status, url
    body = response.text() if "text/html" in response.headers.get("content-type", "") else ""
    if not body.lstrip().lower().startswith("<!doctype html"):
        return False
    page.wait_for_function(SETTLED)
    found.extend(described(url, blocking_violations(page)))
    return True


def signed_in_page(browser, console: str, role: str, found: list[str]):
    """A context of the role's own, signed in; the second factor's page checked too."""
    context = browser.new_context(locale="th-TH", bypass_csp=True)
    page = context.new_page()
    login = LOGINS[role]
    sign_in(page, console, login)
    page.wait_for_load_state()
    if "/login/totp" in page.url:
        page.wait_for_selector("input[name=code]")
        found.extend(described(page.url, blocking_violations(page)))
        complete_in_page(page, login)
    page.wait_for_url(lambda url: "/login" not in url)
    return context, page


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("role", ROLES_TRIED)
def test_every_page_a_role_sees_has_no_serious_accessibility_violation(
        request, role, lang):
    browser = request.getfixturevalue("console_browser")
    console = request.getfixturevalue("live_console")
    world = request.getfixturevalue("world")
    found: list[str] = []
    context, page = signed_in_page(browser, console, role, found)
    checked = 0
    for template, rule in pages_for(role):
        params = {**(fill(rule.params, world) or {}), "lang": lang}
        query = "&".join(f"{k}={v}" for k, v in params.items())
        checked += check(page, f"{console}{template.format(**world)}?{query}", found)
    check(page, f"{console}{refused_to(role)}?lang={lang}", found, status=403)
    check(page, f"{console}{MISSING}?lang={lang}", found, status=404)
    context.close()
    assert checked >= 1
    assert not found, "\n".join(found)


def submit_a_report(page, console: str, lang: str) -> str:
    """Fill the public form as a person would; returns the tracking code shown."""
    page.goto(f"{console}/report?lang={lang}")
    page.fill("#f-what_happened", "ได้ยินเสียงเด็กร้องขอความช่วยเหลือจากบ้านข้าง ๆ")
    page.select_option("#f-province_code", "TH-50")
    page.wait_for_selector("#f-district_code option[value='5001']", state="attached")
    page.select_option("#f-district_code", "5001")
    page.check("#f-contact_way-none")
    page.check("#f-consent")
    page.click("#send")
    page.wait_for_url(re.compile(r".*/report/done\?lang="))
    return page.locator("#tracking-code").inner_text().strip()


def test_the_public_pages_have_no_serious_accessibility_violation(request):
    browser = request.getfixturevalue("console_browser")
    console = request.getfixturevalue("live_console")
    found: list[str] = []
    context = browser.new_context(locale="th-TH", bypass_csp=True)
    page = context.new_page()
    for lang in LANGS:
        check(page, f"{console}/login?lang={lang}", found)
        sign_in(page, console, "agent1-no-such-person")  # refused: the page with its error
        page.wait_for_selector("[role=alert]")
        found.extend(described(f"{page.url} (refused)", blocking_violations(page)))
        check(page, f"{console}{MISSING}?lang={lang}", found, status=404)
        check(page, f"{console}/setup/no-such-set-up-link?lang={lang}", found, status=404)
        code = submit_a_report(page, console, lang)
        found.extend(described(page.url, blocking_violations(page)))
        page.goto(f"{console}/report/track?lang={lang}")
        page.fill("#f-code", code)
        page.click("#look")
        page.wait_for_selector("#report-status")
        found.extend(described(f"{page.url} (a report's status)", blocking_violations(page)))
        page.goto(f"{console}/report/track?lang={lang}")
        page.fill("#f-code", "AAAA-AAAA-AAAA")
        page.click("#look")
        page.wait_for_selector("#track-problem")
        found.extend(described(f"{page.url} (an unknown code)", blocking_violations(page)))
    for lang in PUBLIC_LANGS:
        for path in ("/report", "/report/track", "/report/done"):
            check(page, f"{console}{path}?lang={lang}", found)
    context.close()
    assert not found, "\n".join(found)


def test_the_checker_names_what_it_finds(request):
    """A page that breaks the rules is named, rule by rule: a clean run means clean pages,
    not a checker that did not run."""
    browser = request.getfixturevalue("console_browser")
    context = browser.new_context(bypass_csp=True)
    page = context.new_page()
    page.set_content('<!doctype html><html><head><title>x</title></head><body><main>'
                     '<img src="x.png"><p style="color:#aaa;background:#fff">faint</p>'
                     '<input type="text"></main></body></html>')
    lines = described("bad", blocking_violations(page))
    context.close()
    assert [line.split(" ")[1] for line in lines] == [
        "color-contrast", "html-has-lang", "image-alt", "label"]
    assert "dequeuniversity.com/rules/axe/" in lines[0] and "['p']" in lines[0]
