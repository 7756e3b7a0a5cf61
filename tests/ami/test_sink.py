"""The record writer against a real PostgreSQL: one bad row never stalls the others."""

import asyncio
import logging
from dataclasses import replace
from datetime import datetime

from sqlalchemy import func, select

from callcenter.ami.effects import CallRecord
from callcenter.ami.sink import RecordWriter
from callcenter.calls.models import Call

from .conftest import wait_for

T0 = datetime.fromisoformat("2026-11-22T11:05:59+00:00")


def record(n: int, **extra) -> CallRecord:
    return CallRecord(uniqueid=f"1795345559.{n}", started_at=T0, caller_number=f"08{n:08d}",
                      **extra)


async def test_a_row_the_database_refuses_is_set_aside_and_the_rest_written(
        committing_sessionmaker, caplog):
    writer = RecordWriter("pbx1", committing_sessionmaker)
    writer.coalesce_seconds = 0.01
    task = asyncio.create_task(writer.run())
    # A naive time cannot be stored (UTCDateTime refuses it): no clipping can mend it.
    bad = replace(record(13), started_at=T0.replace(tzinfo=None))
    try:
        with caplog.at_level(logging.ERROR):
            writer.add([record(n) for n in range(1, 13)] + [bad]
                       + [record(n) for n in range(14, 30)])
            await wait_for(lambda: writer.rejected == 1 and not writer.unwritten)
        with committing_sessionmaker() as s:
            assert s.scalar(select(func.count()).select_from(Call)) == 28
        # Logged by id, never by value.
        assert "1795345559.13" in caplog.text and "0800000013" not in caplog.text
        # The writer goes on: the next batch is written whole.
        writer.add([record(40)])
        await writer.flush(5)
        assert writer.written == 29
    finally:
        task.cancel()
