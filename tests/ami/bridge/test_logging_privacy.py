"""Logs carry ids and event names: no caller number, caller or member name, ever.

Every transcript is replayed into the bridge (real TCP, Redis, PostgreSQL) with every
logger at DEBUG, and no record may hold a number or a name the transcript carries.
"""

import logging
import re

import pytest

from tests.ami.support import AMI_FILES, ami_bytes

from .test_bridge_replay import PREPARE, replay

PERSONAL = re.compile(
    rb"^(?:Dest)?(?:CallerIDNum|ConnectedLineNum|CallerIDName|ConnectedLineName|MemberName"
    rb"|Name): (.+)$", re.MULTILINE)
NOT_PERSONAL = {"<unknown>", "unknown", "1300", "OSCC 1300"}


def personal_values(name: str) -> set[str]:
    text = ami_bytes(name).replace(b"\r\n", b"\n")
    found = {m.group(1).decode().strip() for m in PERSONAL.finditer(text)}
    return {v for v in found if v and v not in NOT_PERSONAL and len(v) >= 4}


@pytest.mark.parametrize("name", AMI_FILES)
async def test_no_personal_data_reaches_any_log_record(name, aredis, committing_sessionmaker,
                                                       caplog):
    values = personal_values(name) | personal_values("snapshot")  # its lists answer resyncs
    prepare = PREPARE.get(name, lambda n: None)(name)
    caplog.set_level(logging.DEBUG)
    await replay(name, aredis, committing_sessionmaker, prepare=prepare)
    assert caplog.records, "logging at DEBUG must have recorded something"
    for record in caplog.records:
        text = record.getMessage() + (record.exc_text or "")
        leaked = [v for v in values if v in text]
        assert not leaked, (record.name, record.levelname, leaked)
