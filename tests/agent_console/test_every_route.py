"""Every route, every role, with bad parameters: no server error, and a refusal says why.

The routes and their rules are those of ``test_permissions`` (``permission_table``);
here each route that takes a parameter is also asked with one that is not a number,
an id that does not exist and a date that is not a date. Each request runs with its own
database session, closed at its end as in production (``conftest.RequestSessions``):
an error page that read the signed-in user's row after the rollback answered 500.
"""

import json
import re
import threading

import pytest
import redis

from callcenter.topics import command_requests_key
from tests.agent_console.console_support import signed_in
from tests.agent_console.permission_table import ALLOWED, LOGIN, LOGINS, ROLES, TABLE
from tests.agent_console.route_world import assert_says_why, build_world, fill, outcome
from tests.conftest import REDIS_URL

UNKNOWN_ID = "99999999"
NUMERIC = {"case_id", "call_id", "person_id", "dispatch_id", "referral_id", "merge_id"}
# A query string no route expects, and dates that are not dates, for every GET.
BAD_QUERY = {"start": "x", "end": "x", "lang": "xx"}


@pytest.fixture
def world(client, seeded_session):
    return build_world(client, seeded_session)


def bad_variants(template: str, world: dict) -> list[tuple[str, str, set[int]]]:
    """(label, path, what an allowed role may get) for each path parameter made bad."""
    variants = []
    for name in re.findall(r"{(\w+)}", template):
        if name in NUMERIC:
            # FastAPI validates the path: a non-number is malformed (422), a number
            # nobody has is missing (404).
            variants.append((f"{name}=x", template.format(**{**world, name: "x"}), {422}))
            variants.append((f"{name}={UNKNOWN_ID}",
                             template.format(**{**world, name: UNKNOWN_ID}), {404, 422}))
        else:
            # A draft key, a report, a download kind, a supervisor action: unknown ones
            # are missing (404), refused by the route's own rule (400) or malformed (422).
            variants.append((f"{name}=nope", template.format(**{**world, name: "nope"}),
                             {400, 404, 422}))
    return variants


@pytest.mark.parametrize("role", ROLES)
def test_no_route_answers_a_bad_parameter_with_a_server_error(role, client, world):
    csrf = signed_in(client, LOGINS[role]) if role != "anonymous" else "none"
    errors, wrong = {}, {}
    for route, rule in TABLE.items():
        want = rule.expected[role]
        if rule.last or (rule.stream and want == ALLOWED):
            continue  # sign-outs end the session; an allowed stream never ends
        method, template = route.split(" ", 1)
        kwargs = {"headers": {"X-CSRF-Token": csrf}, "follow_redirects": False}
        if rule.json is not None:
            kwargs["json"] = fill(rule.json, world)
        if rule.form is not None:
            kwargs["data"] = {**fill(rule.form, world), "csrf_token": csrf}
        tries = bad_variants(template, world)
        if method == "GET":
            tries.append(("start=x", template.format(**world), set()))
        for label, path, allowed_answers in tries:
            params = {**(fill(rule.params, world) or {}),
                      **(BAD_QUERY if label == "start=x" else {})}
            response = client.request(method, path, params=params, **kwargs)
            key = f"{route} [{label}]"
            if response.status_code >= 500:
                errors[key] = response.status_code
                continue
            assert_says_why(response, route)
            got = outcome(response)
            if want != ALLOWED:
                # A refused role is refused first, whatever the parameters. Where the
                # refusal is about the record (another's: 404, or not the owner: 403
                # for the other agent), a record that is not there is missing instead.
                by_record = want == 404 or (want == 403 and role == "other_agent")
                if got != want and not (by_record and response.status_code in (404, 422)):
                    wrong[key] = (want, response.status_code)
            elif got == LOGIN:
                wrong[key] = ("allowed", "sent to sign in")
            elif response.is_redirect:
                continue  # a link that only redirects (the alerts' /units/…) checks nothing
            elif allowed_answers and response.status_code not in allowed_answers:
                wrong[key] = (sorted(allowed_answers), response.status_code)
    assert errors == {}
    assert wrong == {}


def test_an_agent_on_the_wallboard_gets_a_403_page_in_thai(client):
    signed_in(client, "agent1")
    page = client.get("/wallboard")
    assert page.status_code == 403
    assert "บทบาทของคุณทำรายการนี้ไม่ได้" in page.text and "(403)" in page.text
    # The page is still the viewer's: their name and the navigation of their role.
    assert 'class="who"' in page.text


def test_a_case_that_does_not_exist_is_a_404_page_in_english(client):
    signed_in(client, "agent1")
    page = client.get("/cases/99999?lang=en")
    assert page.status_code == 404
    assert "case 99999 not found" in page.text and "(404)" in page.text


def test_a_page_id_that_is_not_a_number_is_a_422_page(client):
    signed_in(client, "agent1")
    page = client.get("/cases/abc")
    assert page.status_code == 422 and "(422)" in page.text


def test_a_report_with_a_date_that_is_not_a_date_says_so(client):
    signed_in(client, "supervisor")
    page = client.get("/reports?lang=en&report=calls_by_day&start=x&end=x")
    assert page.status_code == 422
    assert "Please correct the dates" in page.text
    download = client.get("/reports/calls_by_day.csv?start=x&end=x")
    assert download.status_code == 422 and "(" in download.text


@pytest.fixture
def refusing_bridge(redis_client):
    """Answers every PBX command on node pbx1 as Asterisk refuses one: an error."""
    stop = threading.Event()

    def serve():
        client = redis.Redis.from_url(REDIS_URL)
        while not stop.is_set():
            got = client.brpop([command_requests_key("pbx1")], timeout=1)
            if got:
                request = json.loads(got[1])
                client.rpush(f"bridge.reply.{request['id']}", json.dumps(
                    {"status": "error", "message": "Member not dynamic", "data": {}}))
        client.close()

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    yield
    stop.set()
    thread.join(3)


@pytest.mark.parametrize("action", ["sign_in", "pause", "unpause", "sign_out"])
def test_a_change_the_pbx_refuses_is_a_message_on_the_agents_page(client, refusing_bridge,
                                                                  action):
    csrf = signed_in(client, "agent1")
    form = {"action": action, "reason": "meal", "csrf_token": csrf}
    page = client.post("/agent/state", data=form, follow_redirects=False)
    assert 400 <= page.status_code < 500 or page.status_code == 503
    assert 'role="alert"' in page.text and "(" in page.text
    toast = client.post("/agent/state", data=form, headers={"HX-Request": "true"})
    assert toast.status_code == page.status_code
    assert toast.headers["HX-Retarget"] == "#toasts" and 'class="toast error"' in toast.text
    api = client.post("/api/agent/state", json={"action": action, "reason": "meal"},
                      headers={"X-CSRF-Token": csrf})
    assert api.status_code == page.status_code and api.json()["message"]
