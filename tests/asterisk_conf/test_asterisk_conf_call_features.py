"""features.conf, confbridge.conf and the dialplan's transfer and conference contexts,
checked both ways against what the bridge's commands generate (callcenter.ami.call_features)
and against the options Asterisk 22 documents (app_confbridge's and features' configuration
references on docs.asterisk.org)."""

import re

import pytest
from asterisk_config import CONF, dialplan, parse

from callcenter.ami import call_features as cf

PLAN = dialplan()
FEATURES = {s.name: s for s in parse(CONF / "features.conf")}
CONFBRIDGE = {s.name: s for s in parse(CONF / "confbridge.conf")}
MUSIC = {s.name for s in parse(CONF / "musiconhold.conf")} - {"general"}

FEATURES_GENERAL = {"transferdigittimeout", "atxfernoanswertimeout", "atxferdropcall",
                    "atxferloopdelay", "atxfercallbackretries", "transferdialattempts",
                    "transferretrysound", "transferinvalidsound", "atxferabort",
                    "atxfercomplete", "atxferthreeway", "atxferswap", "xfersound",
                    "xferfailsound", "pickupexten", "pickupsound", "pickupfailsound",
                    "featuredigittimeout", "courtesytone", "recordingfailsound",
                    "transferannouncesound"}
FEATUREMAP = {"blindxfer", "disconnect", "automon", "atxfer", "parkcall", "automixmon"}
BRIDGE_OPTIONS = {"type", "max_members", "record_conference", "record_file",
                  "record_file_append", "record_file_timestamp", "record_options",
                  "record_command", "internal_sample_rate", "maximum_sample_rate",
                  "mixing_interval", "video_mode", "language", "regcontext",
                  "enable_events", "sound_join", "sound_leave", "sound_only_person"}
USER_OPTIONS = {"type", "admin", "marked", "startmuted", "music_on_hold_when_empty",
                "music_on_hold_class", "quiet", "hear_own_join_sound",
                "announce_user_count", "announce_user_count_all", "announce_only_user",
                "wait_marked", "end_marked", "end_marked_any", "talk_detection_events",
                "dtmf_passthrough", "announce_join_leave", "announce_join_leave_review",
                "pin", "announcement", "jitterbuffer", "dsp_drop_silence",
                "dsp_silence_threshold", "dsp_talking_threshold", "denoise", "timeout",
                "send_events", "echo_events", "text_messaging", "answer_channel"}
_CONFBRIDGE_APP = re.compile(r"ConfBridge\(([^)]*)\)")
CALL = "1796531225.0"


# --- features.conf --------------------------------------------------------------------------

def test_features_conf_has_only_asterisks_options():
    assert set(FEATURES) == {"general", "featuremap"}
    assert set(FEATURES["general"].keys()) <= FEATURES_GENERAL
    assert set(FEATURES["featuremap"].keys()) <= FEATUREMAP


def test_warm_transfer_has_its_feature_code_and_its_abort_code():
    # Without atxfer AMI Atxfer answers "No attended transfer feature code found"
    # (pjsip-atxfer-no-featurecode); CancelAtxfer plays atxferabort.
    codes = dict((k, v) for k, v, _ in FEATURES["featuremap"].items)
    assert re.fullmatch(r"[0-9*#]{1,4}", codes["atxfer"])
    assert FEATURES["general"].get("atxferabort")
    distinct = [FEATURES["general"].get(k) for k in
                ("atxferabort", "atxfercomplete", "atxferthreeway", "atxferswap")]
    assert len(set(distinct)) == 4
    assert len(set(codes.values())) == len(codes)


def test_a_failed_warm_transfer_never_drops_the_caller():
    general = FEATURES["general"]
    assert general.get("atxferdropcall") == "no"
    assert int(general.get("atxfercallbackretries")) >= 1
    assert 5 <= int(general.get("atxfernoanswertimeout")) <= 60


def test_a_warm_transfer_plays_no_prompt_so_it_needs_no_sound_file():
    # Asterisk 22 plays transferannouncesound (default pbx-transfer) before it reads the
    # Atxfer's digits and gives up when the file cannot be played: "Unable to acquire
    # target extension for attended transfer" on a PBX without the core sounds.
    assert "transferannouncesound" in set(FEATURES["general"].keys())
    assert FEATURES["general"].get("transferannouncesound") == ""


def test_the_sounds_features_name_are_asterisks_own_or_absent():
    for key in ("xfersound", "xferfailsound", "courtesytone"):
        value = FEATURES["general"].get(key)
        assert value in (None, "beep", "beeperr"), key


# --- confbridge.conf ------------------------------------------------------------------------

def _conference_apps():
    """(extension, ConfBridge arguments) of the conference context."""
    return [(exten, _CONFBRIDGE_APP.search(line).group(1).split(","))
            for exten, line in zip(PLAN.contexts[cf.CONFERENCE_CONTEXT],
                                   [x for x in PLAN.lines[cf.CONFERENCE_CONTEXT]
                                    if "ConfBridge(" in x], strict=True)]


def test_confbridge_profiles_have_asterisks_options_and_types():
    for name, section in CONFBRIDGE.items():
        kind = section.get("type")
        assert kind in {"bridge", "user"}, name
        allowed = BRIDGE_OPTIONS if kind == "bridge" else USER_OPTIONS
        assert set(section.keys()) <= allowed, name


def test_every_profile_the_dialplan_names_exists_and_every_profile_is_used():
    used_bridges = {args[1] for _, args in _conference_apps()}
    used_users = {args[2] for _, args in _conference_apps()}
    bridges = {n for n, s in CONFBRIDGE.items() if s.get("type") == "bridge"}
    users = {n for n, s in CONFBRIDGE.items() if s.get("type") == "user"}
    assert used_bridges == bridges == {cf.BRIDGE_PROFILE}
    assert used_users == users == {profile for _, profile in cf.ROLES.values()}


def test_music_classes_of_the_profiles_exist():
    for name, section in CONFBRIDGE.items():
        music = section.get("music_on_hold_class")
        if music is not None:
            assert music in MUSIC, name


def test_nobody_is_marked_so_the_caller_and_the_third_party_stay_when_the_agent_leaves():
    for name, section in CONFBRIDGE.items():
        if section.get("type") == "user":
            for option in ("marked", "wait_marked", "end_marked", "end_marked_any"):
                assert section.get(option) in (None, "no"), (name, option)
            # No prompt a frightened caller would hear; music rather than silence alone.
            assert section.get("quiet") == "yes", name
            assert section.get("announce_only_user") == "no", name
            assert section.get("music_on_hold_when_empty") == "yes", name
    assert CONFBRIDGE["caller"].get("dtmf_passthrough") == "no"
    assert CONFBRIDGE["agent"].get("admin") == "yes"


# --- the dialplan against the commands ------------------------------------------------------

@pytest.mark.parametrize("role", sorted(cf.ROLES))
def test_each_role_lands_in_the_calls_room_with_its_profile(role):
    exten = cf.conference_exten(role, CALL)
    matched = PLAN.extension_for(cf.CONFERENCE_CONTEXT, exten)
    assert matched is not None, exten
    (args,) = [a for name, a in _conference_apps() if name == matched]
    room, offset = re.fullmatch(r"(.*)\$\{EXTEN:(\d+)\}", args[0]).groups()
    assert room + exten[int(offset):] == cf.room_of(CALL)
    assert args[1:3] == [cf.BRIDGE_PROFILE, cf.ROLES[role][1]]


def test_no_conference_pattern_matches_another_roles_extension():
    for role in cf.ROLES:
        hits = [name for name in PLAN.contexts[cf.CONFERENCE_CONTEXT]
                if name.startswith("_") and PLAN.extension_for(
                    cf.CONFERENCE_CONTEXT, cf.conference_exten(role, CALL)) == name]
        assert len(hits) == 1, role


@pytest.mark.parametrize("number", [*cf.EMERGENCY_NUMBERS, "0812345678", "021234567",
                                    "+66899999999"])
def test_every_number_a_warm_transfer_accepts_is_routed(number):
    assert PLAN.extension_for(cf.WARM_TRANSFER_CONTEXT, cf.outside_number(number))


def test_every_warm_transfer_extension_is_a_number_the_commands_accept():
    staff = "_" + cf.STAFF_PREFIX + "X" * (len(cf.staff_number(1)) - len(cf.STAFF_PREFIX))
    for name in PLAN.contexts[cf.WARM_TRANSFER_CONTEXT]:
        if name == staff:
            continue  # a colleague's number: the test below
        sample = name if not name.startswith("_") else "0" + "8" * (len(name) - 2)
        assert cf.outside_number(sample) == sample, name
        assert re.fullmatch(r"[0-9]+|_0X+", name), name  # Atxfer can only play digits


def test_a_guest_is_dialled_out_through_the_trunk_pjsip_conf_defines():
    trunk = {s.name for s in parse(CONF / "pjsip.conf")}
    assert cf.TRUNK in trunk
    assert cf.dial_string("1669") == f"PJSIP/1669@{cf.TRUNK}"


def test_blind_transfer_targets_are_dialplan_contexts():
    assert cf.blind_target(queue="violence") == (cf.QUEUE_CONTEXT, "violence")
    assert PLAN.extension_for(*cf.blind_target(queue="violence"))
    assert PLAN.extension_for(*cf.blind_target(endpoint="agent2"))


@pytest.mark.parametrize("staff_id", [1, 42, 99999])
def test_a_colleague_is_reached_by_a_warm_transfer_through_the_staff_number(staff_id):
    number = cf.staff_number(staff_id)
    assert number.isdigit()  # Atxfer can only play digits
    assert PLAN.extension_for(cf.WARM_TRANSFER_CONTEXT, number)
    assert not any(PLAN.extension_for(cf.WARM_TRANSFER_CONTEXT, cf.outside_number(n))
                   == PLAN.extension_for(cf.WARM_TRANSFER_CONTEXT, number)
                   for n in (*cf.EMERGENCY_NUMBERS, "0812345678", "021234567"))


def test_the_staff_extension_reads_the_variable_the_bridge_sets():
    text = (CONF / "extensions.conf").read_text(encoding="utf-8")
    assert f"${{{cf.STAFF_VARIABLE}${{EXTEN:{len(cf.STAFF_PREFIX)}}}}}" in text
    # Set with one `_` on the agent's leg, so the consultation's channels inherit it.
    assert cf.staff_variable(42) == f"_{cf.STAFF_VARIABLE}00042"
    assert "DB(" not in text  # AMI DBPut needs the `system` right the bridge lacks
    with pytest.raises(cf.BadTarget):
        cf.staff_number(10**5)
