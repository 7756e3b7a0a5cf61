"""A NUL character anywhere a handler reads text is a clear 400 on every route, whether
its router limits bodies or not (PostgreSQL text cannot hold one: it was a 500)."""

import pytest

from tests.agent_console.console_support import signed_in


@pytest.mark.parametrize("url", [
    "/admin/agencies?q=a%00b", "/admin/people?q=%00", "/api/admin/people?q=a%00",
    "/cases?q=%00", "/reports?start=%00"])
def test_a_nul_in_the_query_is_refused_on_pages_and_api_alike(client, url):
    signed_in(client, "admin")
    answer = client.get(url)
    assert answer.status_code == 400, answer.text
    assert "NUL" in answer.text


def test_a_nul_in_a_form_field_is_refused_before_the_handler_reads_it(client):
    csrf = signed_in(client, "admin")
    answer = client.post("/admin/agencies", data={"name_th": "ศูนย์\x00", "csrf_token": csrf},
                         headers={"X-CSRF-Token": csrf})
    assert answer.status_code == 400


def test_a_nul_in_a_json_body_is_refused(client):
    csrf = signed_in(client, "agent1")
    answer = client.post("/api/cases", headers={"X-CSRF-Token": csrf},
                         json={"issue_area": "welfare", "summary": "a\u0000b"})
    assert answer.status_code == 400
