"""The GBVIMS aggregate (six types, survivors by sex and age band, by province; small
counts masked unless turned off) and CHI counts by category, month and province."""

from __future__ import annotations

import csv
import io
from datetime import UTC, datetime

from callcenter.reports import export, service
from callcenter.reports.filters import parse_filters
from callcenter.reports.range import parse_range
from callcenter.reports.spec import Month
from callcenter.taxonomy import ChiCategory, GbvType, Gender
from tests.support.builders import CaseSpec, Victim, add_case

RANGE = parse_range("1/3/2569", "30/4/2569")
MARCH = datetime(2026, 3, 10, 3, tzinfo=UTC)
APRIL = datetime(2026, 4, 10, 3, tzinfo=UTC)
ONE_WOMAN = (Victim(),)


def incident(db, agent, gbv=None, chi=None, *, victims=ONE_WOMAN, at=MARCH,
             province="TH-50"):
    case = add_case(db, CaseSpec(at, province=province, victims=victims), user=agent)
    case.gbv_type, case.chi_category = gbv, chi
    db.flush()
    return case


def table(db, name, *, mask=None, **filters):
    report = service.run(db, name, RANGE, lang="en", mask=mask,
                         filters=parse_filters(**filters))
    keys = [c.key for c in report.spec.columns]
    return [dict(zip(keys, r, strict=True)) for r in report.rows]


def many_rapes(db, agent, n=6):
    for _ in range(n):
        incident(db, agent, GbvType.RAPE, victims=(Victim(Gender.FEMALE, 15),))


def test_every_gbvims_type_has_its_row_with_survivors_by_sex_and_age(db_session, agent):
    many_rapes(db_session, agent)
    incident(db_session, agent, GbvType.PHYSICAL_ASSAULT, victims=(
        Victim(Gender.FEMALE, 30), Victim(Gender.MALE, 12), Victim(Gender.MALE, None),
        Victim(Gender.GENDER_DIVERSE, 25)))
    incident(db_session, agent, GbvType.PHYSICAL_ASSAULT, victims=())
    incident(db_session, agent, None, ChiCategory.MENTAL_HEALTH)  # not GBV
    got = table(db_session, "gbvims_by_type", mask=False)
    assert [r["gbv_type"] for r in got] == [t.value for t in GbvType]
    rape, assault = got[0], got[2]
    assert (rape["gbv_type_name"], rape["incidents"], rape["female_child"]) == ("Rape", 6, 6)
    assert (assault["incidents"], assault["survivors"]) == (2, 4)
    assert [assault[k] for k in ("female_child", "female_adult", "female_age_unknown",
                                 "male_child", "male_adult", "male_age_unknown",
                                 "other_sex")] == [0, 1, 0, 1, 0, 1, 1]
    assert got[3]["incidents"] == 0 and got[3]["survivors"] == 0


def test_gbvims_masks_counts_under_five_by_default_and_shows_them_when_asked(
        db_session, agent):
    many_rapes(db_session, agent)
    incident(db_session, agent, GbvType.FORCED_MARRIAGE, victims=(Victim(Gender.FEMALE, 16),))
    masked = {r["gbv_type"]: r for r in table(db_session, "gbvims_by_type")}
    assert masked["rape"]["incidents"] == 6 and masked["rape"]["female_child"] == 6
    assert masked["forced_marriage"]["incidents"] == "<5"
    assert masked["forced_marriage"]["female_adult"] == 0, "zero is not masked"
    shown = {r["gbv_type"]: r for r in table(db_session, "gbvims_by_type", mask=False)}
    assert shown["forced_marriage"]["incidents"] == 1


def test_the_csv_for_sharing_carries_the_masked_cells(db_session, agent):
    incident(db_session, agent, GbvType.RAPE, province="TH-10")
    many_rapes(db_session, agent)
    report = service.run(db_session, "gbvims_by_province", RANGE, lang="en")
    text = "".join(export.csv_chunks(report, lang="en")).lstrip(export.BOM)
    lines = list(csv.reader(io.StringIO(text)))
    assert lines[0][:3] == ["Province code", "Province", "Rape"]
    bangkok, chiang_mai = lines[1], lines[2]
    assert bangkok[0] == "TH-10" and bangkok[2] == "<5" and bangkok[-1] == "<5"
    assert chiang_mai[0] == "TH-50" and chiang_mai[2] == "6" and chiang_mai[3] == "0"


def test_chi_counts_by_month_and_by_province(db_session, agent):
    incident(db_session, agent, chi=ChiCategory.VIOLENCE_PHYSICAL)
    incident(db_session, agent, chi=ChiCategory.VIOLENCE_PHYSICAL, at=APRIL)
    incident(db_session, agent, chi=ChiCategory.ONLINE_ABUSE, at=APRIL, province="TH-10")
    incident(db_session, agent, GbvType.RAPE)  # no CHI category
    months = table(db_session, "chi_by_month")
    assert [(r["month"], r["violence_physical"], r["online_abuse"], r["total"])
            for r in months] == [(Month(2026, 3), 1, 0, 1), (Month(2026, 4), 1, 1, 2)]
    assert str(months[0]["month"]) == "03/2569"
    provinces = table(db_session, "chi_by_province")
    assert [(r["province"], r["total"]) for r in provinces] == [("TH-10", 1), ("TH-50", 2)]
    assert table(db_session, "chi_by_month", province="TH-10")[0]["total"] == 1
    assert table(db_session, "chi_by_province", mask=True)[0]["total"] == "<5"
