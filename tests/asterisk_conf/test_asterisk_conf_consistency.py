"""Names shared by the Python code and asterisk_conf/ exist on both sides.

The Python side of every check comes from the Python code itself: its constants, the
Originates it builds, the variables and events its flows send, what the bridge tracks. No
list of names is kept here, apart from Asterisk's own variables and functions.
"""

import re
from types import SimpleNamespace

import pytest
from asterisk_config import CONF, app_queue_settings, dialplan, effective, parse

from callcenter.agents.supervision import QUEUE_CONTEXT
from callcenter.ami import call_features
from callcenter.ami.actions import SPY_MODES
from callcenter.ami.events import ORIGINATE_VARIABLES, TRACKED_VARIABLES, to_event
from callcenter.ami.framing import Message
from callcenter.ami.tracker import Tracker
from callcenter.calls import callbacks
from callcenter.dispatch.channels import voice
from callcenter.queues.catalog import BY_NAME, GENERAL, QUEUES, URGENT
from callcenter.taxonomy import Language
from ivr import variables
from ivr.flows import FLOWS, hotline
from ivr.flows.context import CallContext
from ivr.prompts import SOUND_EXTENSIONS, PromptId
from tests.ivr.ivr_support import drive

PLAN = dialplan()
CATALOG = {q.name for q in QUEUES}
# hotline-queue extensions that are steps of the queueing logic, not queues.
QUEUE_STEPS = {"after-queue", "offer-callback", "i"}
# Names of FastAGI flows kept as aliases for a dialplan that names the number itself.
FLOW_ALIASES = {"1300"}
# Asterisk's own variables and dialplan functions that our dialplan uses.
ASTERISK_VARIABLES = {
    "UNIQUEID", "EXTEN", "QUEUESTATUS", "QUEUE_PRIO", "MIXMONITOR_FILENAME", "ARG1", "ARG2",
    "ARG3", "IF", "ISNULL", "DIALPLAN_EXISTS", "CHANNEL", "CALLERID", "QUEUE_MEMBER",
}
# Scratch variables of one extension, never seen outside the dialplan.
DIALPLAN_SCRATCH = {"TARGET"}
# Set by the bridge (AMI Setvar) before a warm transfer to a colleague, one per staff id,
# read as ${HOTLINE_STAFF_${EXTEN:1}}: the IVR never sees it.
SET_BY_THE_BRIDGE = {call_features.STAFF_VARIABLE}
OURS = re.compile(r"^(IVR_|DISPATCH_|CALLBACK_|RRU_|HOTLINE_)")


def ours(names: set[str]) -> set[str]:
    return {name for name in names - set(PLAN.globals) - SET_BY_THE_BRIDGE if OURS.match(name)}


def pjsip_sections(kind: str) -> dict[str, dict[str, str]]:
    sections = parse(CONF / "pjsip.conf")
    found = {}
    for section in sections:
        values = effective(sections, section)
        if not section.template and values.get("type") == kind:
            found[section.name] = values
    return found


def hotline_channel(keys):
    from callcenter.simulators.asterisk.agi_channel import SimulatedChannel

    channel = SimulatedChannel(keys=list(keys), channel_vars={"HOTLINE_CALL_ID": "1.1"})
    result = drive(hotline.run(CallContext(call_id="1.1", number="0812345678")), channel)
    return result, channel


# --- queues ------------------------------------------------------------------------------


def queue_sections():
    return [s for s in parse(CONF / "queues.conf") if not s.template and s.name != "general"]


def test_every_catalog_queue_is_in_queues_conf_and_nothing_else():
    assert {s.name for s in queue_sections()} == CATALOG


@pytest.mark.parametrize("spec", QUEUES, ids=lambda q: q.name)
def test_queue_weight_and_service_level_follow_the_catalog(spec):
    values = app_queue_settings()[spec.name]
    assert int(values["weight"]) == spec.priority
    assert int(values["servicelevel"]) == spec.service_level_seconds


def test_urgent_rings_every_free_agent_at_once():
    # A caller in immediate danger must not wait while free agents are rung one by one.
    assert app_queue_settings()[URGENT]["strategy"] == "ringall"


def test_every_other_queue_spreads_its_calls_among_its_agents():
    settings = app_queue_settings()
    for name in CATALOG - {URGENT}:
        assert settings[name]["strategy"] == "rrmemory", name


def test_every_catalog_queue_has_a_dialplan_extension_and_the_reverse():
    extensions = set(PLAN.contexts["hotline-queue"]) - QUEUE_STEPS
    assert extensions == CATALOG


def test_each_queue_extension_queues_into_its_own_queue():
    for name in CATALOG:
        assert any(f"Gosub(enqueue,s,1({name}," in line for line in PLAN.lines["hotline-queue"])


def test_general_queue_is_the_fallback_everywhere():
    text = PLAN.text()
    assert GENERAL == "operator"
    assert "?operator:${IVR_QUEUE}" in text
    assert "Goto(operator,1)" in text


def test_urgent_overflows_into_the_general_queue_at_the_front_of_its_line():
    lines = PLAN.lines["hotline-queue"]
    overflow = next(line for line in lines if line.startswith("n(overflow)"))
    assert f"Gosub(enqueue,s,1({GENERAL},${{URGENT_LIMIT}},${{URGENT_PRIO}}))" in overflow
    assert int(PLAN.globals["URGENT_PRIO"]) == BY_NAME[URGENT].priority
    assert int(PLAN.globals["URGENT_PRIO"]) >= max(q.priority for q in QUEUES)
    # Nobody ready in urgent sends the caller there at once; the overflow never leads to
    # the call-back offer (only `operator,1` does, and the overflow loops back to urgent).
    assert any(f"QUEUE_MEMBER({URGENT},ready)" in line for line in lines)
    urgent = lines[:lines.index(overflow) + 3]
    assert not any("offer-callback" in line or "Goto(operator" in line for line in urgent)


def test_the_console_transfers_into_the_queue_context():
    assert QUEUE_CONTEXT in PLAN.contexts


# --- FastAGI flows ------------------------------------------------------------------------


def test_every_flow_is_called_by_the_dialplan_and_the_reverse():
    assert PLAN.agi_scripts() == set(FLOWS) - FLOW_ALIASES


def test_ivr_url_points_at_the_default_agi_address():
    # The two places that name the IVR's address (README.md, "Moving the IVR"): the IVR's
    # settings and the dialplan's [globals]; their defaults are the same address.
    from urllib.parse import urlsplit

    from callcenter.settings import Settings

    defaults = Settings.model_fields
    host, port = defaults["agi_host"].default, defaults["agi_port"].default
    url = urlsplit(PLAN.globals["IVR_URL"])
    assert (url.scheme, url.hostname, url.port, url.path) == ("agi", host, port, "")
    assert PLAN.globals["IVR_URL"] == f"agi://{host}:{port}"


# --- channel variables -----------------------------------------------------------------------


def test_every_project_variable_of_the_dialplan_is_known_to_the_ivr():
    assert ours(PLAN.variables()) <= set(variables.ALL), ours(PLAN.variables()) - set(
        variables.ALL)


def test_dialplan_uses_no_unknown_variables():
    known = (set(variables.ALL) | set(PLAN.globals) | ASTERISK_VARIABLES | DIALPLAN_SCRATCH
             | SET_BY_THE_BRIDGE)
    assert PLAN.variables() <= known, PLAN.variables() - known


def test_every_variable_the_ivr_knows_has_a_reader():
    """Named by the dialplan, tracked by the bridge, or read by the IVR itself."""
    readers = PLAN.variables() | TRACKED_VARIABLES | set(variables.READ_BY_IVR)
    assert set(variables.ALL) <= readers, set(variables.ALL) - readers


def test_the_bridge_tracks_exactly_what_the_ivr_sets_for_it():
    # Besides Asterisk's QUEUESTATUS and the variables the project's own Originates put
    # on the legs they place (whose call back or alert a leg is).
    assert TRACKED_VARIABLES - {"QUEUESTATUS"} - ORIGINATE_VARIABLES == set(
        variables.FOR_THE_BRIDGE)
    assert "QUEUESTATUS" in PLAN.variables()  # Asterisk's, read after every Queue()


@pytest.mark.parametrize("keys", [["1", "1"], ["9"], [], ["2", "7"]])
def test_the_hotline_flow_sets_exactly_its_variables(keys):
    _, channel = hotline_channel(keys)
    assert set(channel.variables) == set(variables.SET_BY_HOTLINE)
    assert set(variables.FOR_THE_BRIDGE) <= set(channel.variables)


def test_no_dialplan_variable_set_for_the_agent_leg_is_left_unread():
    # The inherited (__) variables the dialplan sets reach other legs: each one must be
    # read somewhere (the dialplan, the IVR, the bridge) or be declared dialplan-only.
    inherited = set(re.findall(r"Set\(__([A-Z_]+)=", PLAN.text()))
    readers = (PLAN.variables() - PLAN.set_in("enqueue") | TRACKED_VARIABLES
               | set(variables.READ_BY_IVR) | set(variables.DIALPLAN_ONLY))
    assert inherited <= readers, inherited - readers


# --- what the worker originates -------------------------------------------------------------


def test_a_call_back_originates_into_the_callback_context_through_the_telco_trunk():
    row = SimpleNamespace(id=7, queue_name="violence", priority=5, language="my",
                          issue_area="family_violence", number="0812345678")
    args = callbacks.originate_args(row, callbacks.SafeContact(withhold_caller_id=True))
    assert args["context"] == callbacks.CONTEXT
    assert args["exten"] in PLAN.contexts[callbacks.CONTEXT]
    assert args["channel"] == f"PJSIP/0812345678@{callbacks.TRUNK}"
    assert callbacks.TRUNK in pjsip_sections("endpoint")
    assert f"@{callbacks.TRUNK}" in PLAN.text()  # the dialplan dials out the same way
    sent = {name for name in args["variables"] if "(" not in name}  # not CALLERID(pres)
    assert sent <= set(variables.ALL), sent - set(variables.ALL)
    readers = PLAN.variables() | TRACKED_VARIABLES
    assert sent <= readers, sent - readers
    # The other way: what [callback] reads of ours, and neither it nor its flow sets.
    greeting = greeting_sets()
    needed = ours(PLAN.read_in(callbacks.CONTEXT)) - PLAN.set_in(callbacks.CONTEXT) - greeting
    assert needed <= sent, needed - sent


def greeting_sets() -> set[str]:
    from callcenter.simulators.asterisk.agi_channel import SimulatedChannel
    from ivr.flows import callback_greeting

    flows_called = {s for s in PLAN.agi_scripts()
                    if any(f"/{s})" in line for line in PLAN.lines[callbacks.CONTEXT])}
    assert flows_called == {"callback-greeting"}
    set_by = set()
    for keys in (["1"], []):
        channel = SimulatedChannel(keys=keys, channel_vars={"IVR_LANGUAGE": "en"})
        drive(callback_greeting.run(CallContext(call_id="2.1")), channel)
        set_by |= set(channel.variables)
    return set_by


def voice_originate(monkeypatch, address: str) -> dict:
    """The Originate the worker's voice channel asks the bridge for."""
    sent: dict = {}

    class Recorder:
        def __init__(self, redis, timeout):
            pass

        def send(self, node, command, **kwargs):
            sent.update(kwargs, command=command)
            return SimpleNamespace(status="ok", ok=True, data={"call": "1.1"}, message="")

    monkeypatch.setattr(voice, "CommandClient", Recorder)
    settings = SimpleNamespace(voice_node_name="pbx1", voice_reply_timeout_seconds=1.0)
    delivery = SimpleNamespace(message=SimpleNamespace(dispatch_id=42), unit_code="RRU-TH-50",
                               idempotency_key="0b7c", address=address)
    voice.BridgeVoiceChannel(None, settings).send(delivery)
    return sent


@pytest.mark.parametrize("number", ["0812345678", "+66812345678"])
def test_a_voice_alert_rings_the_unit_through_the_rru_context(monkeypatch, number):
    sent = voice_originate(monkeypatch, number)
    assert sent["command"] == "originate"
    channel = sent["channel"]
    local = re.fullmatch(r"Local/(?P<exten>[^@]+)@(?P<context>[A-Za-z0-9_-]+)", channel)
    assert local, channel
    assert PLAN.extension_for(local["context"], local["exten"]) is not None, channel
    assert sent["context"] == voice.CONTEXT and sent["exten"] in PLAN.contexts[voice.CONTEXT]


def test_the_voice_alerts_variables_are_those_the_dispatch_context_reads(monkeypatch):
    sent = set(voice_originate(monkeypatch, "0812345678")["variables"])
    assert sent <= set(variables.ALL), sent - set(variables.ALL)
    read = ours(PLAN.read_in(voice.CONTEXT))
    assert sent <= read, sent - read
    # DISPATCH_ACK is the dispatch flow's answer; everything else comes with the Originate.
    assert read - {variables.DISPATCH_ACK} <= sent


# --- events for the bridge -------------------------------------------------------------------


def test_user_events_of_the_dialplan_and_the_ivr_are_the_known_ones():
    known = {variables.EVENT_IVR_RESULT, variables.EVENT_DISPATCH_ANSWER}
    _, channel = hotline_channel(["1", "1"])
    sent_by_ivr = {event.split(",", 1)[0] for event in channel.events}
    assert sent_by_ivr == {variables.EVENT_IVR_RESULT}
    assert PLAN.user_events() == {variables.EVENT_DISPATCH_ANSWER}
    assert sent_by_ivr | PLAN.user_events() == known


def test_the_bridge_reads_the_user_event_the_ivr_sends():
    result, channel = hotline_channel(["2", "4"])
    [data] = channel.events
    name, *pairs = data.split(",")
    headers = dict(pair.split(": ", 1) for pair in pairs)
    trunk = {"Channel": "PJSIP/trunk-telco-00000001", "Uniqueid": "1795345559.1",
             "Linkedid": "1795345559.1"}
    tracker = Tracker("pbx1")
    assert "from-pstn" in tracker.inbound_contexts  # where the trunk delivers (pjsip.conf)
    assert pjsip_sections("endpoint")[callbacks.TRUNK]["context"] in tracker.inbound_contexts
    messages = [
        {"Event": "Newchannel", **trunk, "Context": "from-pstn", "Exten": "1300",
         "CallerIDNum": "0812345678", "CallerIDName": "", "ChannelState": "4"},
        {"Event": "UserEvent", "UserEvent": name, **trunk, **headers},
    ]
    for at, message in enumerate(messages):
        tracker.handle(to_event(Message(message)), _at(at))
    record = tracker.find_call("1795345559.1")
    assert record is not None
    assert (record.ivr_choice, record.queue_name, record.ivr_language) == (
        result.choice, result.route.queue, "en")


def _at(seconds: int):
    from datetime import UTC, datetime, timedelta

    return datetime(2026, 11, 22, 11, 0, tzinfo=UTC) + timedelta(seconds=seconds)


# --- contexts, extensions, phones -----------------------------------------------------------


def test_every_jump_lands_on_an_existing_context_and_extension():
    for context, target in PLAN.jumps():
        parts = [p.strip() for p in target.split("(")[0].split(",")]
        if len(parts) >= 3:
            target_context, extension = parts[0], parts[1]
        elif len(parts) == 2:
            target_context, extension = context, parts[0]
        else:
            assert parts[0] in PLAN.labels(context), (context, target)
            continue
        if "${" in target_context or "${" in extension:
            assert target_context in PLAN.contexts, target
            continue
        assert target_context in PLAN.contexts, (context, target)
        assert extension in PLAN.contexts[target_context], (context, target)


def test_pjsip_contexts_exist_in_the_dialplan():
    sections = parse(CONF / "pjsip.conf")
    for section in sections:
        context = effective(sections, section).get("context")
        if context:
            assert context in PLAN.contexts, section.name


def test_every_context_is_entered_from_somewhere():
    sections = parse(CONF / "pjsip.conf")
    from_phones = {effective(sections, s).get("context") for s in sections} - {None}
    jumped_to = {target.split(",")[0] for _, target in PLAN.jumps() if target.count(",") >= 2}
    included = {name for context in PLAN.contexts for name in PLAN.includes(context)}
    # Contexts the Python code originates or redirects into, named by that code.
    originated = {callbacks.CONTEXT, voice.CONTEXT, QUEUE_CONTEXT,
                  voice.dial_string("0812345678").split("@")[1],
                  call_features.CONFERENCE_CONTEXT, call_features.WARM_TRANSFER_CONTEXT}
    unused = set(PLAN.contexts) - from_phones - jumped_to - included - originated
    assert not unused



def test_desk_phone_spy_codes_match_the_consoles_modes():
    codes = {"*1": "listen", "*2": "whisper", "*3": "barge"}
    lines = PLAN.lines["supervisor"]
    extensions = PLAN.contexts["supervisor"]
    for code, mode in codes.items():
        index = extensions.index(f"_{code}.")
        # The extension's lines: Answer, ChanSpy, Hangup (in the order they appear).
        spy = next(line for line in lines[index * 3:index * 3 + 3] if "ChanSpy(" in line)
        options = spy.rsplit(",", 1)[1].rstrip(")")
        assert set(SPY_MODES[mode]) <= set(options), (code, options)


def test_music_directories_are_under_asterisks_data_folder_and_exist_here():
    # res_musiconhold takes a directory that does not start with "/" as relative to
    # astdatadir; ours lives with the prompts, deployed from sounds/ to sounds/1300/.
    for section in parse(CONF / "musiconhold.conf"):
        directory = section.get("directory")
        if directory is None:
            continue
        assert not directory.startswith("/"), section.name
        if directory.startswith("sounds/1300/"):
            folder = SOUNDS / directory.removeprefix("sounds/1300/")
            assert any(p.suffix in SOUND_EXTENSIONS for p in folder.iterdir()), section.name


def test_queue_music_classes_exist():
    classes = {s.name for s in parse(CONF / "musiconhold.conf")} - {"general"}
    settings = app_queue_settings()
    for section in queue_sections():
        assert settings[section.name].get("musicclass", "default") in classes


def test_urgent_queue_is_the_highest_priority():
    assert BY_NAME["urgent"].priority == max(q.priority for q in QUEUES)


# --- prompts and the queues' announcements ------------------------------------------------------


SOUNDS = CONF / "sounds"


def sound_files(folder) -> dict[str, set[str]]:
    """prompt id → the extensions it has in ``folder``."""
    found: dict[str, set[str]] = {}
    for path in folder.iterdir():
        if path.suffix in SOUND_EXTENSIONS:
            found.setdefault(path.stem, set()).add(path.suffix)
    return found


def test_every_prompt_has_a_thai_file_the_fallback_of_every_language():
    assert set(sound_files(SOUNDS / "th")) == {p.value for p in PromptId}


@pytest.mark.parametrize("language", [Language.THAI, Language.ENGLISH, Language.BURMESE])
def test_every_prompt_with_a_text_has_a_placeholder_in_each_espeak_language(language):
    from ivr.prompts import TEXTS

    expected = {p.value for p, texts in TEXTS.items() if language in texts}
    assert set(sound_files(SOUNDS / language.value)) == expected


def test_sound_folders_hold_only_known_prompts_and_languages():
    codes = {lang.value for lang in Language} | {"moh-quiet"}
    for folder in SOUNDS.iterdir():
        if not folder.is_dir():
            continue
        assert folder.name in codes
        if folder.name == "moh-quiet":
            continue
        for path in folder.iterdir():
            assert path.suffix in SOUND_EXTENSIONS, path
            assert path.stem in PromptId._value2member_map_, path


def test_prompt_files_stay_small():
    for path in SOUNDS.rglob("*"):
        if path.suffix in SOUND_EXTENSIONS:
            assert path.stat().st_size < 100_000, path


def test_queue_announcements_are_1300_prompts_that_exist():
    sections = parse(CONF / "queues.conf")
    for section in queue_sections():
        values = effective(sections, section)
        if values.get("periodic-announce-frequency", "0") == "0":
            continue
        for name in values["periodic-announce"].split(","):
            folder, language, prompt = name.strip().split("/")
            assert folder == "1300" and prompt == PromptId.QUEUE_HOLD.value, name
            assert prompt in sound_files(SOUNDS / language), name


def test_queue_announcements_speak_the_queues_language():
    sections = parse(CONF / "queues.conf")
    for spec in QUEUES:
        section = next(s for s in sections if s.name == spec.name)
        values = effective(sections, section)
        if spec.name == URGENT:
            assert values["periodic-announce-frequency"] == "0"
            continue
        languages = [n.split("/")[1] for n in values["periodic-announce"].split(",")]
        has_files = set(sound_files(SOUNDS / spec.language.value)) if (
            SOUNDS / spec.language.value).is_dir() else set()
        if PromptId.QUEUE_HOLD.value in has_files:
            assert spec.language.value in languages, spec.name
        else:
            assert languages[0] == Language.THAI.value, spec.name  # the IVR's fallback too
