"""Intake drafts: one per agent and call even under a race, national IDs sealed, nothing
kept once the case opens, abandoned drafts purged, two tabs told apart by version."""

import threading
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from callcenter import migrate
from callcenter.calls.models import Call, CallOutcome
from callcenter.cases import drafts
from callcenter.cases import service as cases
from callcenter.cases.models import CaseDraft
from callcenter.db import make_engine, utcnow
from tests.cases.test_intake import KEY, agent_id

NATIONAL_ID = "1101700207030"


def _call(session, uniqueid: str = "1700000000.9", *, ended_ago: timedelta | None = None):
    now = utcnow()
    call = Call(node="pbx1", uniqueid=uniqueid, caller_number="0812345678",
                started_at=now - timedelta(minutes=5) - (ended_ago or timedelta()),
                outcome=CallOutcome.IN_PROGRESS,
                ended_at=now - ended_ago if ended_ago is not None else None)
    session.add(call)
    session.flush()
    return call


def test_a_national_id_is_sealed_in_the_draft_and_never_shown_again(seeded_session):
    draft = drafts.open_for(seeded_session, user_id=agent_id(seeded_session), call_id=None,
                            prefill={})
    drafts.save(seeded_session, draft, {"persons.0.national_id": NATIONAL_ID,
                                        "persons.0.full_name": "มาลี"}, key=KEY)
    seeded_session.flush()
    stored = seeded_session.execute(select(CaseDraft.data).where(CaseDraft.id == draft.id)
                                    ).scalar_one()
    assert NATIONAL_ID not in str(stored)
    # The form gets its last four digits only; the case opens with the whole number.
    assert "persons.0.national_id" not in drafts.form_data(draft)
    assert drafts.ids_entered(draft, key=KEY) == {"persons.0.national_id": NATIONAL_ID[-4:]}
    assert drafts.to_intake(draft, key=KEY)["persons"][0]["national_id"] == NATIONAL_ID
    # Saving the form again without retyping it keeps the number; typing one replaces it.
    drafts.save(seeded_session, draft, {"persons.0.national_id": "",
                                        "persons.0.full_name": "มาลี ใจดี"}, key=KEY)
    drafts.save(seeded_session, draft, {"persons.0.full_name": "มาลี ใจดี"}, key=KEY)
    assert drafts.to_intake(draft, key=KEY)["persons"][0]["national_id"] == NATIONAL_ID
    # Ticking "remove" beside it with the field empty removes it.
    drafts.save(seeded_session, draft, {"persons.0.national_id": "",
                                        "persons.0.national_id_clear": "on"}, key=KEY)
    assert drafts.ids_entered(draft, key=KEY) == {}


def test_opening_the_case_clears_the_draft_but_keeps_its_key(seeded_session):
    actor = agent_id(seeded_session)
    draft = drafts.open_for(seeded_session, user_id=actor, call_id=None, prefill={})
    drafts.save(seeded_session, draft, {
        "issue_area": "welfare", "consent": "given", "summary": "ต้องการความช่วยเหลือ",
        "persons.0.full_name": "มาลี", "persons.0.national_id": NATIONAL_ID}, key=KEY)
    case, _ = cases.open_from_intake(seeded_session, intake=drafts.check(draft, key=KEY),
                                     actor_id=actor, id_key=KEY)
    drafts.mark_opened(draft, case.id)
    seeded_session.flush()
    seeded_session.expire_all()
    row = seeded_session.get(CaseDraft, draft.id)
    assert row.data == {} and row.case_id == case.id and row.key == case.intake_key
    # A late autosave (a tab still open) does not bring the data back.
    drafts.save(seeded_session, row, {"persons.0.full_name": "มาลี"}, key=KEY)
    assert row.data == {}


def test_a_save_from_a_tab_that_missed_another_tabs_save_is_refused(seeded_session):
    draft = drafts.open_for(seeded_session, user_id=agent_id(seeded_session), call_id=None,
                            prefill={})
    loaded = draft.version
    drafts.save(seeded_session, draft, {"summary": "tab one"}, key=KEY, version=loaded)
    with pytest.raises(drafts.DraftConflict):
        drafts.save(seeded_session, draft, {"summary": "tab two"}, key=KEY, version=loaded)
    assert draft.data == {"summary": "tab one"}
    drafts.save(seeded_session, draft, {"summary": "tab two"}, key=KEY, version=draft.version)
    assert draft.data == {"summary": "tab two"}


def test_abandoned_drafts_are_purged_a_day_after_their_call(seeded_session):
    actor = agent_id(seeded_session)
    old, live = _call(seeded_session, "1.1", ended_ago=timedelta(hours=30)), \
        _call(seeded_session, "1.2")
    recent = _call(seeded_session, "1.3", ended_ago=timedelta(hours=2))
    made = {c.uniqueid: drafts.open_for(seeded_session, user_id=actor, call_id=c.id,
                                        prefill={}) for c in (old, live, recent)}
    for draft in made.values():
        draft.updated_at = utcnow() - timedelta(hours=30)
    seeded_session.flush()
    assert drafts.purge(seeded_session, now=utcnow()) == 1
    left = set(seeded_session.scalars(select(CaseDraft.call_id)))
    assert left == {live.id, recent.id}


def test_opening_a_calls_draft_again_gives_the_same_draft_as_it_was_left(seeded_session):
    actor, call = agent_id(seeded_session), _call(seeded_session)
    first = drafts.open_for(seeded_session, user_id=actor, call_id=call.id,
                            prefill={"summary": "จากเมนู"})
    assert first.data == {"summary": "จากเมนู"} and first.version == 1
    first.data = {"summary": "พิมพ์แล้ว"}
    seeded_session.flush()
    # A reload: the prefill is not applied again over what the agent typed.
    again = drafts.open_for(seeded_session, user_id=actor, call_id=call.id,
                            prefill={"summary": "จากเมนู"})
    assert again.key == first.key and again.data == {"summary": "พิมพ์แล้ว"}
    assert seeded_session.scalar(select(func.count()).select_from(CaseDraft)) == 1


@pytest.mark.parametrize("dialect", ["postgresql", "sqlite"])
def test_two_tabs_racing_on_one_call_get_one_draft(dialect, request, tmp_path):
    from sqlalchemy.orm import sessionmaker

    from callcenter.seed import seed_all

    if dialect == "postgresql":
        factory = request.getfixturevalue("committing_sessionmaker")
    else:
        url = f"sqlite:///{tmp_path}/drafts.sqlite3"
        migrate.upgrade(url)
        factory = sessionmaker(make_engine(url), expire_on_commit=False)
    with factory() as session:
        seed_all(session, demo_users=True)
        call = _call(session)
        session.commit()
        actor, call_id = agent_id(session), call.id
    keys: list[str] = []
    barrier = threading.Barrier(2)

    def open_one() -> None:
        with factory() as session:
            barrier.wait()
            keys.append(drafts.open_for(session, user_id=actor, call_id=call_id,
                                        prefill={}).key)
            session.commit()

    threads = [threading.Thread(target=open_one) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    assert len(keys) == 2 and keys[0] == keys[1]
    with factory() as session:
        assert session.scalar(select(func.count()).select_from(CaseDraft)) == 1
