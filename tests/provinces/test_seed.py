import re
from pathlib import Path

from sqlalchemy import func, select

from callcenter.agents.models import User
from callcenter.provinces.catalog import provinces
from callcenter.provinces.models import (
    AlertChannel,
    Province,
    Region,
    ResponseUnit,
    UnitContact,
)
from callcenter.queues.catalog import QUEUES
from callcenter.queues.models import Queue
from callcenter.seed import seed_all


def test_the_catalog_has_bangkok_and_76_provinces_with_thai_names():
    specs = provinces()
    assert len(specs) == 77
    assert all(spec.name_th and not spec.name_th.isascii() for spec in specs)
    by_code = {spec.code: spec for spec in specs}
    assert by_code["TH-10"].name_th == "กรุงเทพมหานคร"
    assert by_code["TH-38"].name_th == "บึงกาฬ"
    assert by_code["TH-50"].name_th == "เชียงใหม่"
    assert by_code["TH-50"].region is Region.NORTH
    assert "TH-S" not in by_code


def test_region_counts_follow_the_six_region_system():
    counts = {}
    for spec in provinces():
        counts[spec.region] = counts.get(spec.region, 0) + 1
    assert counts == {
        Region.NORTH: 9, Region.CENTRAL: 22, Region.EAST: 7,
        Region.WEST: 5, Region.NORTHEAST: 20, Region.SOUTH: 14,
    }


def snapshot(session):
    return (
        sorted(session.execute(select(Province.code, Province.name_th, Province.region)).all()),
        sorted(session.execute(select(ResponseUnit.code, ResponseUnit.province_code)).all()),
        sorted(session.execute(select(Queue.name, Queue.priority)).all()),
        sorted(session.execute(select(User.login, User.role)).all()),
    )


def test_seeding_twice_gives_the_same_rows(db_session):
    seed_all(db_session, demo_users=True)
    first = snapshot(db_session)
    seed_all(db_session, demo_users=True)
    assert snapshot(db_session) == first
    assert len(first[0]) == 77
    assert len(first[2]) == len(QUEUES)


def test_every_province_has_a_unit_alerted_on_its_console_first(db_session):
    seed_all(db_session, demo_users=False)
    units = db_session.scalars(select(ResponseUnit)).all()
    assert {u.province_code for u in units} == {p.code for p in provinces()}
    assert all(u.contacts[0].channel == "console" for u in units)
    assert db_session.scalar(select(func.count(User.id))) == 0



def _rru_patterns() -> list[re.Pattern[str]]:
    """The [rru] context's extension patterns of extensions.conf, as regular expressions."""
    text = (Path(__file__).resolve().parents[2] / "asterisk_conf" / "extensions.conf").read_text()
    section = text.split("[rru]", 1)[1].split("\n[", 1)[0]
    classes = {"X": "[0-9]", "Z": "[1-9]", "N": "[2-9]", ".": ".+", "!": ".*"}
    patterns = []
    for exten in re.findall(r"^exten => (_[^,]+),", section, re.MULTILINE):
        body = "".join(classes.get(ch, re.escape(ch)) for ch in exten[1:])
        patterns.append(re.compile(body + "$"))
    return patterns


def test_every_units_voice_contact_is_a_number_the_rru_context_dials(db_session):
    seed_all(db_session, demo_users=False)
    patterns = _rru_patterns()
    assert patterns
    contacts = db_session.scalars(
        select(UnitContact).where(UnitContact.channel == AlertChannel.VOICE)).all()
    assert len(contacts) == 2 * 77  # each unit's duty phone and its provincial supervisor
    for contact in contacts:
        assert any(p.match(contact.address) for p in patterns), contact.address
    unit = db_session.scalars(select(ResponseUnit).where(ResponseUnit.code == "RRU-TH-50")).one()
    assert unit.duty_phone == "0990000050" == unit.contacts[1].address


def test_seeding_again_renumbers_a_voice_contact_left_as_an_old_dial_string(db_session):
    seed_all(db_session, demo_users=False)
    unit = db_session.scalars(select(ResponseUnit).where(ResponseUnit.code == "RRU-TH-96")).one()
    unit.contacts[1].address, unit.duty_phone = "Local/th96@rru", None
    db_session.flush()
    seed_all(db_session, demo_users=False)
    db_session.refresh(unit)
    assert (unit.contacts[1].address, unit.duty_phone) == ("0990000096", "0990000096")


def test_the_demo_seeds_a_member_login_for_every_unit(db_session):
    seed_all(db_session, demo_users=True)
    members = dict(db_session.execute(
        select(User.login, ResponseUnit.province_code)
        .join(ResponseUnit, ResponseUnit.id == User.unit_id)).all())
    assert set(members.values()) == {p.code for p in provinces()}
    assert members["unit.th10"] == "TH-10" and members["unit.th96"] == "TH-96"
    names = dict(db_session.execute(select(User.login, User.display_name)).all())
    assert names["unit.th50"] == "หน่วยเคลื่อนที่เร็ว เชียงใหม่"
    assert names["unit.th40"] == "หน่วยเคลื่อนที่เร็ว ขอนแก่น"
