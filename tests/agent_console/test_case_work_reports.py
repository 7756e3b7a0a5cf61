"""The case-work reports on the reports page: offered in their group, narrowed by the
filters (refused by field when unknown), GBVIMS masked unless turned off, on the page and
in the downloads, which carry the same choices."""

from __future__ import annotations

import csv
import io
import re
from datetime import UTC, datetime, timedelta
from types import SimpleNamespace

import pytest

from agent_console.routers.reports import _readable
from callcenter.agents.models import Role
from callcenter.cases.models import AgencyType
from callcenter.errors import Forbidden
from callcenter.reports import service
from callcenter.taxonomy import GbvType, Gender
from tests.agent_console.console_support import signed_in
from tests.support.builders import (
    CaseSpec,
    ReferralSpec,
    Victim,
    add_case,
    add_referral,
    user_by_login,
)

RANGE = "start=1/3/2569&end=31/3/2569"
MARCH = datetime(2026, 3, 10, 3, tzinfo=UTC)


def gbv_cases(db, n, *, province="TH-50"):
    agent = user_by_login(db, "agent1")
    for _ in range(n):
        case = add_case(db, CaseSpec(MARCH, province=province,
                                     victims=(Victim(Gender.FEMALE, 20),)), user=agent)
        case.gbv_type = GbvType.RAPE
    db.flush()


def cells(page: str) -> list[list[str]]:
    table = re.search(r'<table class="dispatches report-table">.*?</table>', page, re.S).group(0)
    return [c for c in (re.findall(r"<td>(.*?)</td>", tr)
                        for tr in re.findall(r"<tr>(.*?)</tr>", table, re.S)) if c]


def test_the_page_offers_the_case_work_reports_and_their_filters(client, seeded_session):
    signed_in(client, "supervisor")
    page = client.get("/reports?lang=en").text
    for name in ("caseload_per_worker", "overdue_referrals", "overdue_referrals_each",
                 "referral_acceptance", "time_to_close", "time_to_close_by_outcome",
                 "gbvims_by_type", "gbvims_by_province", "chi_by_month", "chi_by_province"):
        assert f'value="{name}"' in page, name
    assert 'label="Case work: caseload, referrals, closing, GBVIMS, CHI"' in page
    assert 'name="province"' in page and 'name="agency_type"' in page
    thai = client.get("/reports?lang=th").text
    assert "ภาระงานเคสรายผู้รับผิดชอบ" in thai and "กรองรายงานงานเคส" in thai


def test_gbvims_is_masked_on_the_page_and_in_the_download_unless_turned_off(
        client, seeded_session):
    gbv_cases(seeded_session, 3)
    signed_in(client, "supervisor")
    page = client.get(f"/reports?lang=en&report=gbvims_by_type&{RANGE}").text
    assert cells(page)[0][:3] == ["rape", "Rape", "&lt;5"]
    assert "Counts from 1 to 4 are shown as &lt;5" in page
    masked = client.get(f"/reports/gbvims_by_type.csv?{RANGE}&lang=en")
    rows = list(csv.reader(io.StringIO(masked.content.decode("utf-8-sig"))))
    assert rows[1][:3] == ["rape", "Rape", "<5"]
    page = client.get(f"/reports?lang=en&report=gbvims_by_type&{RANGE}&mask=0").text
    assert cells(page)[0][:3] == ["rape", "Rape", "3"]
    assert "/reports/gbvims_by_type.csv?start=1%2F3%2F2569&amp;end=31%2F3%2F2569&amp;mask=0" in page
    shown = client.get(f"/reports/gbvims_by_type.csv?{RANGE}&mask=0")
    assert list(csv.reader(io.StringIO(shown.content.decode("utf-8-sig"))))[1][2] == "3"


def test_a_province_narrows_the_figures_and_the_links_carry_it(client, seeded_session):
    gbv_cases(seeded_session, 6)
    gbv_cases(seeded_session, 7, province="TH-10")
    signed_in(client, "supervisor")
    page = client.get(f"/reports?lang=en&report=gbvims_by_type&{RANGE}&province=TH-10").text
    assert cells(page)[0][2] == "7"
    assert "Narrowed to:" in page and "&amp;province=TH-10" in page
    download = client.get(f"/reports/gbvims_by_province.csv?{RANGE}&province=TH-10&lang=en")
    assert [r[0] for r in csv.reader(io.StringIO(download.content.decode("utf-8-sig")))] \
        == ["Province code", "TH-10"]


def test_an_unknown_filter_is_refused_next_to_its_field(client, seeded_session):
    signed_in(client, "supervisor")
    page = client.get(f"/reports?lang=en&report=time_to_close&{RANGE}&urgency=soon")
    assert page.status_code == 422
    assert "Please correct the choice:" in page.text and "urgency: not one of the list" in page.text
    assert re.search(r'name="urgency" aria-invalid="true"', page.text)
    download = client.get(f"/reports/time_to_close.csv?{RANGE}&mask=maybe")
    assert download.status_code == 422


def test_the_overdue_list_names_cases_to_supervisors(client, seeded_session):
    agent = user_by_login(seeded_session, "agent1")
    case = add_case(seeded_session, CaseSpec(MARCH, province="TH-50"), user=agent)
    seeded_session.flush()
    add_referral(seeded_session, case, ReferralSpec(MARCH, AgencyType.SHELTER,
                                                    due_after=timedelta(hours=2)), user=agent)
    signed_in(client, "supervisor")
    page = client.get(f"/reports?lang=en&report=overdue_referrals_each&{RANGE}").text
    assert cells(page)[0][0] == case.number and "report-chart" not in page
    summary = client.get(
        f"/reports?lang=en&report=overdue_referrals&{RANGE}&agency_type=shelter").text
    assert cells(summary)[0][:2] == ["shelter", "Shelter"]


def test_a_report_that_lists_cases_is_refused_to_a_role_that_may_not_see_cases():
    listing, summary = service.spec("overdue_referrals_each"), service.spec("overdue_referrals")
    assert _readable(listing, SimpleNamespace(role=Role.SUPERVISOR)) is listing
    assert _readable(summary, SimpleNamespace(role=Role.UNIT_MEMBER)) is summary
    with pytest.raises(Forbidden):
        _readable(listing, SimpleNamespace(role=Role.UNIT_MEMBER))
