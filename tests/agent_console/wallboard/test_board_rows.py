"""The board's rows: rendered once per change of what they show, shared by drawings."""

from agent_console import i18n
from agent_console.wallboard_rows import RowCache, Rows
from callcenter.queues import stats


def waiting(seconds=75, **values):
    return stats.WaitingCaller(**{
        "uniqueid": "1796600269.2477", "queue": "violence", "position": 1, "priority": 5,
        "seconds": seconds, "ivr_choice": "1", "language": "th", "silent": False,
        "node": "pbx1", "issue_area": None, **values})


def agent(state="talking", seconds=30, reason=None):
    return stats.AgentView(interface="PJSIP/1001", name="สมชาย ใจดี", state=state,
                           reason=reason, since=None, seconds=seconds, band="ok",
                           queues=("violence",), node="pbx1")


def rows(cache, lang="th", big=False, labels=None, reasons=None):
    return Rows(lang, big, i18n.translator(lang), labels or {"violence": "ความรุนแรง"},
                reasons or {}, {"violence": 60}, cache=cache)


def test_a_row_is_rendered_again_only_when_what_it_shows_changed():
    cache = RowCache()
    first = rows(cache).waiting(waiting())
    assert rows(cache).waiting(waiting()) is first and cache.rendered == 1
    later = rows(cache).waiting(waiting(seconds=76))
    assert cache.rendered == 2 and 'data-seconds="76">1:16' in later
    # Another language, another view, a label an admin renamed: each its own row.
    assert "Move" in rows(cache, lang="en").waiting(waiting())
    assert "hx-post" not in rows(cache, big=True).waiting(waiting())
    renamed = rows(cache, labels={"violence": "ความรุนแรงในครอบครัว"}).waiting(waiting())
    assert "ความรุนแรงในครอบครัว" in renamed and cache.rendered == 5


def test_an_agents_row_follows_its_state_and_the_reasons_wording():
    cache = RowCache()
    talking = rows(cache).agent(agent())
    assert 'data-action="listen"' in talking and 'data-seconds="30"' in talking
    paused = rows(cache, reasons={"lunch": "พักกลางวัน"}).agent(
        agent(state="paused", reason="lunch"))
    assert "พักกลางวัน" in paused and 'data-action="unpause"' in paused
    renamed = rows(cache, reasons={"lunch": "พักรับประทานอาหาร"}).agent(
        agent(state="paused", reason="lunch"))
    assert "พักรับประทานอาหาร" in renamed and cache.rendered == 3


def test_the_rows_values_are_escaped_and_travel_as_json_for_the_actions():
    cache = RowCache()
    row = rows(cache).waiting(waiting(uniqueid='1.1"><script>'))
    assert "<script>" not in row
    assert """hx-vals='{"node": "pbx1", "uniqueid": "1.1\\"\\u003e\\u003cscript\\u003e"}'""" in row


def test_the_process_keeps_a_bounded_number_of_rows():
    cache = RowCache(size=2)
    for seconds in (1, 2, 3):
        rows(cache).waiting(waiting(seconds=seconds))
    rows(cache).waiting(waiting(seconds=1))  # the oldest went out: rendered again
    assert cache.rendered == 4 and len(cache._rows) == 2


def test_the_chat_rows_are_kept_for_a_second_while_call_rows_are_written(monkeypatch):
    """Today's tallies follow every write of call rows; the chat rows (not written by
    calls, the dearest read) are read again only once they are KEEP_SECONDS old."""
    from agent_console import wallboard_tables

    clock = [100.0]
    monkeypatch.setattr(wallboard_tables.time, "monotonic", lambda: clock[0])
    reads: list[tuple[int | None, bool]] = []

    def read_now(written, chats_of):
        reads.append((written, chats_of is not None))
        return wallboard_tables.Tables(
            tallies={}, ends={}, rules=None, reasons={}, cases_by_channel=None,
            chats=chats_of.chats if chats_of else object(),
            chats_read_at=chats_of.chats_read_at if chats_of else clock[0],
            read_at=clock[0], written=written)

    kept = wallboard_tables.KeptTables()
    first = kept.get(1, read_now)
    assert kept.get(1, read_now) is first  # nothing written since: the same read
    clock[0] += 0.3
    second = kept.get(2, read_now)  # rows written: read again, chats kept
    assert second.chats is first.chats
    clock[0] += wallboard_tables.KEEP_SECONDS
    third = kept.get(3, read_now)
    assert third.chats is not first.chats
    assert reads == [(1, False), (2, True), (3, False)]
    assert kept.get(None, read_now) is not third  # not counted: always read afresh
