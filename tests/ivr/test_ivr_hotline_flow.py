"""Every path through the 1300 menus, driven without a socket."""

import pytest

from callcenter.queues.catalog import BY_NAME
from callcenter.simulators.asterisk.agi_channel import SimulatedChannel
from callcenter.taxonomy import IssueArea, Language
from ivr.flows import hotline
from ivr.flows.context import CallContext
from ivr.flows.menus import LANGUAGE_MENU, PROBLEM_MENU
from ivr.ports import MemoryPorts
from ivr.prompts import PromptCatalog
from ivr.routing import Outcome
from tests.ivr.ivr_support import drive

LANGUAGE_KEYS = {"1": "th", "2": "en", "3": "my", "4": "km", "5": "lo"}
LANGUAGE_QUEUE = {"th": None, "en": "english", "my": "burmese", "km": "khmer", "lo": "lao"}
ISSUES = {
    "1": ("violence", IssueArea.FAMILY_VIOLENCE),
    "2": ("trafficking", IssueArea.HUMAN_TRAFFICKING),
    "3": ("trafficking", IssueArea.CHILD_LABOUR),
    "4": ("pregnancy", IssueArea.TEENAGE_PREGNANCY),
    "5": ("missing", IssueArea.MISSING_PERSONS),
    "6": ("homeless", IssueArea.HOMELESS),
    "7": ("welfare", IssueArea.WELFARE),
    "0": ("operator", None),
}


def run(keys, *, hangup_at=None, ports=None, missing=(), ctx=None, channel_vars=None):
    channel = SimulatedChannel(
        keys=list(keys), hangup_at=hangup_at, missing=set(missing),
        channel_vars=channel_vars if channel_vars is not None
        else {"HOTLINE_CALL_ID": "1795345559.1"},
    )
    ctx = ctx or CallContext(call_id="1795345559.1", number="0812345678")
    result = drive(hotline.run(ctx), channel, ports)
    return result, channel


@pytest.mark.parametrize("lang_key", sorted(LANGUAGE_KEYS))
@pytest.mark.parametrize("issue_key", sorted(ISSUES))
def test_every_language_and_issue_routes_and_sets_variables(lang_key, issue_key):
    result, channel = run([lang_key, issue_key])
    language = LANGUAGE_KEYS[lang_key]
    thai_queue, issue = ISSUES[issue_key]
    expected_queue = LANGUAGE_QUEUE[language] or thai_queue
    assert channel.variables["IVR_QUEUE"] == expected_queue
    assert channel.variables["IVR_LANGUAGE"] == language
    assert channel.variables["IVR_ISSUE"] == (issue.value if issue else "")
    assert channel.variables["IVR_CHOICE"] == lang_key + issue_key
    assert channel.variables["IVR_SILENT"] == "0"
    assert int(channel.variables["IVR_PRIORITY"]) >= BY_NAME[thai_queue].priority
    assert result.route.outcome is Outcome.CHOSEN
    # The prompts were played in the chosen language.
    assert any(f"1300/{language}/problem_menu" in c for c in channel.commands)


def test_result_is_announced_to_the_bridge_in_one_user_event():
    _, channel = run(["1", "1"])
    assert len(channel.events) == 1
    event = channel.events[0]
    assert event.startswith("IvrChoice,CallId: 1795345559.1,")
    assert "Queue: violence" in event and "Issue: family_violence" in event
    assert "0812345678" not in event  # the caller's number never leaves in an event


def test_queue_is_the_last_variable_set():
    _, channel = run(["1", "4"])
    assert list(channel.variables)[-1] == "IVR_QUEUE"


@pytest.mark.parametrize("keys", [["9"], ["2", "9"], ["5", "9"]])
def test_danger_key_goes_straight_to_urgent(keys):
    result, channel = run(keys)
    assert channel.variables["IVR_QUEUE"] == "urgent"
    assert channel.variables["IVR_PRIORITY"] == str(BY_NAME["urgent"].priority)
    assert channel.variables["IVR_SILENT"] == "0"
    assert result.route.outcome is Outcome.DANGER


def test_danger_key_interrupts_the_greeting():
    _, channel = run(["9"])
    media = [c for c in channel.commands if c.startswith(("STREAM FILE", "WAIT FOR DIGIT"))]
    assert media[0].startswith("STREAM FILE 1300/th/welcome")
    assert "9" in media[0].split()[-1]  # the greeting accepts the danger key


@pytest.mark.parametrize("keys", [[], ["8"], ["3", "8"]])
def test_silent_caller_is_routed_to_urgent_and_flagged(keys):
    result, channel = run(keys)
    assert channel.variables["IVR_QUEUE"] == "urgent"
    assert channel.variables["IVR_SILENT"] == "1"
    assert result.route.outcome is Outcome.SILENT
    assert "Silent: 1" in channel.events[0]


def test_a_silent_caller_reaches_urgent_after_one_pass_of_the_language_menu():
    _, channel = run([])
    assert not any("/no_input" in c for c in channel.commands)
    menu_prompts = [c for c in channel.commands if c.startswith("STREAM FILE")]
    assert len(menu_prompts) == len(LANGUAGE_MENU.prompts) + 1  # + "please hold"
    assert channel.variables["IVR_CHOICE"] == "none"


def test_danger_keys_are_offered_before_the_languages():
    names = [p.value for p, _ in LANGUAGE_MENU.prompts]
    assert names.index("danger_hint") < names.index("language_offer")


def test_a_wrong_key_then_silence_gets_a_second_chance_and_then_the_general_queue():
    _, channel = run(["7"])  # 7 during the greeting, then nothing
    assert any("/invalid" in c for c in channel.commands)
    assert channel.variables["IVR_QUEUE"] == "operator"
    assert channel.variables["IVR_SILENT"] == "0"


def test_invalid_then_valid_key_is_accepted():
    _, channel = run(["7", "2", "1"])  # 7 is not a language
    assert any("/invalid" in c for c in channel.commands)
    assert channel.variables["IVR_LANGUAGE"] == "en"
    assert channel.variables["IVR_QUEUE"] == "english"


def test_invalid_keys_twice_go_to_the_general_queue():
    result, channel = run(["7", "6"])
    assert channel.variables["IVR_QUEUE"] == "operator"
    assert channel.variables["IVR_SILENT"] == "0"
    assert result.route.outcome is Outcome.NO_CHOICE


@pytest.mark.parametrize("second", [["*", "#"], ["", ""], ["#", ""]])
def test_no_valid_problem_choice_goes_to_the_general_queue(second):
    result, channel = run(["1", *second])
    assert channel.variables["IVR_QUEUE"] == "operator"
    assert channel.variables["IVR_CHOICE"] == "1"
    assert result.route.outcome is Outcome.NO_CHOICE


def test_media_commands_of_one_menu_attempt():
    # welcome ×2, danger hints ×2, language offers ×5, then the wait.
    assert len(LANGUAGE_MENU.prompts) == 9
    assert len(PROBLEM_MENU.prompts) == 2


def count_media(keys):
    _, channel = run(keys)
    return sum(c.startswith(("STREAM FILE", "WAIT FOR DIGIT")) for c in channel.commands)


@pytest.mark.parametrize("keys", [["1", "1"], ["2", "4"], [], ["7", "7"], ["1", "", ""]])
def test_hangup_at_every_step_is_recorded(keys):
    for step in range(count_media(keys)):
        result, channel = run(keys, hangup_at=step)
        assert channel.variables["IVR_CHOICE"] == "hangup", step
        # Before the route is decided no queue is reported (an abandon in the IVR is not an
        # operator call), after it the route.
        assert channel.variables["IVR_QUEUE"] in ("", "operator", "violence", "english",
                                                  "urgent")
        if channel.variables["IVR_QUEUE"] == "":
            assert channel.variables["IVR_PRIORITY"] == ""
        assert result.route.outcome is Outcome.HANGUP
        assert "Outcome: hangup" in channel.events[0]
        # Once hung up, no more media commands are sent after the 511/-1.
        after = channel.commands[channel.commands.index(
            next(c for c in channel.commands if c.startswith("SET VARIABLE IVR_CHOICE"))):]
        assert not any(c.startswith("STREAM FILE") for c in after)


def test_hangup_while_being_connected_keeps_the_choice_for_the_reports():
    media = count_media(["2", "1"])
    result, channel = run(["2", "1"], hangup_at=media - 1)  # during "please hold"
    assert result.route.outcome is Outcome.HANGUP
    assert channel.variables["IVR_LANGUAGE"] == "en"
    assert channel.variables["IVR_ISSUE"] == "family_violence"
    assert "Outcome: hangup" in channel.events[0]


def test_hangup_in_the_problem_menu_keeps_the_language():
    _, channel = run(["4"], hangup_at=2)
    assert channel.variables["IVR_LANGUAGE"] == "km"
    assert channel.variables["IVR_ISSUE"] == ""


def test_missing_language_file_falls_back_to_thai():
    _, channel = run(["4", "1"], missing={"1300/km/problem_menu"})
    played = [c.split()[2] for c in channel.commands if c.startswith("STREAM FILE")]
    index = played.index("1300/km/problem_menu")
    assert played[index + 1] == "1300/th/problem_menu"


def test_catalog_of_files_skips_missing_language_without_asking_asterisk():
    catalog = PromptCatalog(frozenset({(Language.THAI, p) for p in hotline.PromptId}))
    ctx = CallContext(call_id="1", number="0812345678", prompts=catalog)
    _, channel = run(["3", "1"], ctx=ctx)
    assert not any("1300/my/" in c for c in channel.commands)
    assert channel.variables["IVR_QUEUE"] == "burmese"


def test_call_id_falls_back_to_the_uniqueid_when_the_dialplan_did_not_set_it():
    _, channel = run(["1", "1"], channel_vars={})
    assert "CallId: 1795345559.1" in channel.events[0]


# --- callback offer ---------------------------------------------------------------------


def test_long_wait_offers_callback_and_stores_it():
    ports = MemoryPorts(waits={"violence": 600})
    _, channel = run(["1", "1", "1"], ports=ports)
    assert channel.variables["IVR_CALLBACK"] == "yes"
    [request] = ports.callbacks
    assert (request.queue, request.number, request.language) == ("violence", "0812345678", "th")
    assert any("/callback_confirmed" in c for c in channel.commands)


def test_caller_may_decline_the_callback_and_keep_waiting():
    ports = MemoryPorts(waits={"english": 600})
    _, channel = run(["2", "7", "2"], ports=ports)
    assert channel.variables["IVR_CALLBACK"] == "no"
    assert ports.callbacks == []
    assert channel.variables["IVR_QUEUE"] == "english"


def test_short_or_unknown_wait_makes_no_offer():
    for waits in ({"violence": 30}, {}):
        ports = MemoryPorts(waits=waits)
        _, channel = run(["1", "1"], ports=ports)
        assert not any("/callback_offer" in c for c in channel.commands)


def test_urgent_and_withheld_callers_are_never_offered_a_callback():
    ports = MemoryPorts(waits={"urgent": 900, "violence": 900})
    _, channel = run(["9"], ports=ports)
    assert not any("/callback_offer" in c for c in channel.commands)
    ctx = CallContext(call_id="1", number="")
    _, channel = run(["1", "1"], ports=ports, ctx=ctx)
    assert not any("/callback_offer" in c for c in channel.commands)


def test_callback_store_failure_keeps_the_caller_in_the_queue():
    class Failing(MemoryPorts):
        async def store_callback(self, request):
            return False

    _, channel = run(["1", "1", "1"], ports=Failing(waits={"violence": 600}))
    assert channel.variables["IVR_CALLBACK"] == "no"
    assert any("/callback_failed" in c for c in channel.commands)
    assert channel.variables["IVR_QUEUE"] == "violence"


# --- callback offer after the queue's wait limit (flow "callback") -----------------------


def run_callback(keys, channel_vars, number="0812345678"):
    from ivr.flows import callback

    ports = MemoryPorts()
    channel = SimulatedChannel(keys=list(keys), channel_vars=channel_vars)
    booked = drive(callback.run(CallContext(call_id="9.1", number=number)), channel, ports)
    return booked, channel, ports


def test_timed_out_caller_can_book_a_callback_in_their_language():
    booked, channel, ports = run_callback(
        ["1"], {"IVR_QUEUE": "lao", "IVR_LANGUAGE": "lo", "IVR_PRIORITY": "5",
                "IVR_ISSUE": "missing_persons"})
    assert booked and channel.variables["IVR_CALLBACK"] == "yes"
    [request] = ports.callbacks
    assert (request.queue, request.priority, request.language, request.issue) == (
        "lao", 5, Language.LAO, IssueArea.MISSING_PERSONS)
    assert any("1300/lo/callback_offer" in c for c in channel.commands)


def test_timed_out_caller_who_declines_goes_back_to_the_queue():
    booked, channel, ports = run_callback(["2"], {"IVR_QUEUE": "operator"})
    assert not booked and channel.variables["IVR_CALLBACK"] == "no"
    assert ports.callbacks == []


def test_callback_flow_survives_missing_or_odd_variables():
    booked, channel, ports = run_callback(["1"], {"IVR_QUEUE": "nope", "IVR_PRIORITY": "x"})
    assert booked and ports.callbacks[0].queue == "operator"
    booked, channel, _ = run_callback(["1"], {}, number="")
    assert not booked and channel.variables["IVR_CALLBACK"] == "no"


def test_callback_flow_never_offers_urgent_or_silent_callers_a_call_back():
    for channel_vars in ({"IVR_QUEUE": "urgent", "IVR_PRIORITY": "10"},
                         {"IVR_QUEUE": "operator", "IVR_SILENT": "1"}):
        booked, channel, ports = run_callback(["1"], channel_vars)
        assert not booked and channel.variables["IVR_CALLBACK"] == "no"
        assert not any("/callback_offer" in c for c in channel.commands)
        assert ports.callbacks == []


# --- no usable choice, hang-ups, missing prompts ------------------------------------------


@pytest.mark.parametrize(("lang_key", "queue"), [("1", "operator"), ("3", "burmese"),
                                                 ("5", "lao")])
def test_no_problem_choice_goes_to_people_who_speak_the_callers_language(lang_key, queue):
    result, channel = run([lang_key, "*", "#"])
    assert channel.variables["IVR_QUEUE"] == queue
    assert result.route.outcome is Outcome.NO_CHOICE


def test_a_hang_up_before_any_route_reports_no_queue():
    result, channel = run(["3"], hangup_at=2)  # in the problem menu
    assert channel.variables["IVR_QUEUE"] == ""
    assert channel.variables["IVR_PRIORITY"] == ""
    assert channel.variables["IVR_LANGUAGE"] == "my"
    assert "Queue: ," in channel.events[0] and "Outcome: hangup" in channel.events[0]
    assert result.route.queue == ""


def test_the_language_is_on_the_channel_as_soon_as_it_is_chosen():
    _, channel = run(["4"], hangup_at=2)
    sets = [c for c in channel.commands if c.startswith("SET VARIABLE IVR_LANGUAGE")]
    first_menu = next(i for i, c in enumerate(channel.commands) if "/km/problem_menu" in c)
    assert channel.commands.index(sets[0]) < first_menu


def test_every_file_missing_is_an_ivr_error_not_a_silent_caller():
    every = {f"1300/{lang.value}/{p.value}" for lang in Language for p in hotline.PromptId}
    result, channel = run([], missing=every)
    assert channel.variables["IVR_QUEUE"] == "operator"
    assert channel.variables["IVR_SILENT"] == "0"
    assert channel.variables["IVR_ERROR"] == "prompt_missing"
    assert result.route.outcome is Outcome.ERROR


def test_one_missing_language_menu_prompt_is_an_error_too():
    # The Thai fallback of a prompt is gone as well: that caller would not hear the Lao
    # offer, so silence after it would mean nothing.
    _, channel = run([], missing={"1300/lo/language_offer", "1300/th/language_offer"})
    assert channel.variables["IVR_ERROR"] == "prompt_missing"
    assert channel.variables["IVR_SILENT"] == "0"


def test_hotline_fallback_reads_the_language_back_from_the_channel():
    from tests.ivr.ivr_support import drive as drive_flow

    channel = SimulatedChannel(channel_vars={"IVR_LANGUAGE": "km"})
    result = drive_flow(hotline.fallback(CallContext(call_id="1"), "bad_reply"), channel)
    assert channel.variables["IVR_QUEUE"] == "khmer"
    assert channel.variables["IVR_ERROR"] == "bad_reply"
    assert result.route.outcome is Outcome.ERROR
    channel = SimulatedChannel(channel_vars={"IVR_LANGUAGE": "xx"})
    drive_flow(hotline.fallback(CallContext(call_id="1"), "bad_reply"), channel)
    assert channel.variables["IVR_QUEUE"] == "operator"
