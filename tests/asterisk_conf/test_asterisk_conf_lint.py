"""Syntax checks of asterisk_conf/: asterisklint for the dialplan, our own for the rest.

asterisklint-jjs knows Asterisk 22's applications and functions; it has no checker for
queues.conf, manager.conf, pjsip.conf, http.conf or musiconhold.conf, so those are checked
here against the options Asterisk 22 has for them: its configs/samples/*.conf.sample, the
AMI configuration table of docs.asterisk.org (AMI v2 specification) and the PJSIP module
configuration reference. Options of removed modules are left out on purpose (monitor-type
and monitor-format went with res_monitor in Asterisk 21), so they fail here.
"""

import ipaddress
import re
import subprocess
import sys
from pathlib import Path

import pytest
from asterisk_config import (
    CONF,
    QUEUE_FIRST_WINS,
    ConfError,
    app_queue_settings,
    check_first_wins,
    effective,
    lines,
    parse,
)

ASTERISKLINT = Path(sys.executable).with_name("asterisklint")

BOOL = {"yes", "no", "true", "false", "on", "off", "1", "0"}


def test_extensions_conf_passes_asterisklint_for_asterisk_22():
    done = subprocess.run(
        [str(ASTERISKLINT), "dialplan-check", "--asterisk-version", "22",
         str(CONF / "extensions.conf")],
        capture_output=True, text=True, check=False,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert done.stdout.strip() == "" and done.stderr.strip() == ""


def test_asterisklint_catches_a_broken_dialplan(tmp_path):
    broken = tmp_path / "extensions.conf"
    broken.write_text(
        "[from-pstn]\n"
        "exten => 1300,1,Answer()\n"
        " same => n,Goto(nowhere,s,1)\n"  # a context that does not exist
        " same => n,Queue(violence,,,,300\n"  # unbalanced parenthesis
        " same => n,NoSuchApplication(x)\n"
    )
    done = subprocess.run(
        [str(ASTERISKLINT), "dialplan-check", "--asterisk-version", "22", str(broken)],
        capture_output=True, text=True, check=False,
    )
    assert done.returncode != 0
    assert "extensions.conf:3" in done.stdout + done.stderr


@pytest.mark.parametrize(
    "name", ["extensions.conf", "queues.conf", "manager.conf", "pjsip.conf", "musiconhold.conf",
             "http.conf", "sorcery.conf", "extconfig.conf", "res_pgsql.conf", "features.conf",
             "confbridge.conf"]
)
def test_every_file_parses_and_has_no_duplicate_sections(name):
    sections = parse(CONF / name)
    if name == "pjsip.conf":
        # PJSIP may reuse a name for sections of different types (endpoint, aor, auth…).
        seen = {(s.name, effective(sections, s).get("type")) for s in sections}
        assert len(seen) == len(sections)
    else:
        names = [s.name for s in sections]
        assert len(names) == len(set(names)), name


def test_the_parser_rejects_junk(tmp_path):
    bad = tmp_path / "bad.conf"
    bad.write_text("[ok]\nthis is not a setting\n")
    with pytest.raises(ConfError, match="bad.conf:2"):
        parse(bad)


# --- queues.conf ---------------------------------------------------------------------------

QUEUE_GENERAL = {"persistentmembers", "autofill", "shared_lastcall", "log_membername_as_agent",
                 "enable_cidname_logging", "negative_penalty_invalid",
                 "log-restricted-caller-id", "force_longest_waiting_caller"}
QUEUE_SOUNDS = {"queue-youarenext", "queue-thereare", "queue-callswaiting", "queue-quantity1",
                "queue-quantity2", "queue-holdtime", "queue-minute", "queue-minutes",
                "queue-seconds", "queue-thankyou", "queue-reporthold", "queue-callerannounce"}
QUEUE_OPTIONS = {
    "strategy", "timeout", "retry", "timeoutpriority", "wrapuptime", "joinempty",
    "leavewhenempty", "ringinuse", "maxlen", "autofill", "autopause", "autopausedelay",
    "autopausebusy", "autopauseunavail", "announce-frequency", "min-announce-frequency",
    "announce-position", "announce-position-limit", "announce-position-only-up",
    "announce-holdtime", "announce-round-seconds", "announce-to-first-user",
    "periodic-announce", "periodic-announce-frequency", "periodic-announce-startdelay",
    "random-periodic-announce", "relative-periodic-announce", "musicclass", "servicelevel",
    "setinterfacevar", "setqueueentryvar", "setqueuevar", "membergosub", "reportholdtime",
    "timeoutrestart", "weight", "member", "context", "announce", "memberdelay",
    "defaultrule", "penaltymemberslimit", *QUEUE_SOUNDS,
}
QUEUE_INTS = {"timeout", "retry", "wrapuptime", "maxlen", "announce-frequency",
              "min-announce-frequency", "announce-position-limit",
              "periodic-announce-frequency", "periodic-announce-startdelay", "servicelevel",
              "weight", "memberdelay"}
QUEUE_BOOLS = {"ringinuse", "setinterfacevar", "setqueueentryvar", "setqueuevar",
               "reportholdtime", "timeoutrestart", "persistentmembers", "autofill",
               "shared_lastcall", "log_membername_as_agent", "relative-periodic-announce",
               "random-periodic-announce", "announce-to-first-user"}
STRATEGIES = {"ringall", "leastrecent", "fewestcalls", "random", "rrmemory", "rrordered",
              "linear", "wrandom"}
EMPTY_CONDITIONS = {"yes", "no", "strict", "loose", "paused", "penalty", "inuse", "ringing",
                    "unavailable", "invalid", "unknown", "wrapup"}


def test_queues_conf_options_and_values():
    sections = parse(CONF / "queues.conf")
    for section in sections:
        allowed = QUEUE_GENERAL if section.name == "general" else QUEUE_OPTIONS
        for key, value, line in section.items:
            where = f"queues.conf:{line}"
            assert key in allowed, where
            if key in QUEUE_INTS:
                assert value.isdigit(), where
            if key in QUEUE_BOOLS:
                assert value in BOOL, where
            if key == "strategy":
                assert value in STRATEGIES, where
            if key in ("joinempty", "leavewhenempty"):
                assert set(value.split(",")) <= EMPTY_CONDITIONS, where
            if key == "announce-holdtime":
                assert value in BOOL | {"once"}, where
            if key == "announce-position":
                assert value in BOOL | {"limit", "more"}, where
            if key == "autopause":
                assert value in BOOL | {"all"}, where


def queues_as_read() -> dict[str, dict[str, str]]:
    """Each queue's settings as app_queue takes them ([general] left out)."""
    settings = app_queue_settings()
    settings.pop("general", None)
    return settings


def test_queues_conf_sets_no_first_wins_option_twice():
    check_first_wins()


def test_no_template_sets_a_first_wins_option():
    # A queue that sets it again would silently keep the template's (urgent did: rrmemory).
    for section in parse(CONF / "queues.conf"):
        if section.template:
            assert not set(section.keys()) & QUEUE_FIRST_WINS, section.name


def test_app_queue_keeps_a_templates_strategy_over_the_queues_own(tmp_path):
    conf = tmp_path / "queues.conf"
    conf.write_text("[base](!)\nstrategy = rrmemory\ntimeout = 15\n\n"
                    "[urgent](base)\nstrategy = ringall\ntimeout = 20\n")
    urgent = app_queue_settings(conf)["urgent"]
    assert (urgent["strategy"], urgent["timeout"]) == ("rrmemory", "20")


def test_the_check_refuses_a_first_wins_option_in_a_template_and_its_queue(tmp_path):
    conf = tmp_path / "queues.conf"
    conf.write_text("[base](!)\nstrategy = rrmemory\n\n"
                    "[violence](base)\n\n"
                    "[urgent](base)\nweight = 10\nstrategy = ringall\n")
    with pytest.raises(ConfError, match=r"line 8: \[urgent\] sets strategy again.*line 2"):
        check_first_wins(conf)


def test_the_check_refuses_a_first_wins_option_twice_in_one_queue_or_in_general(tmp_path):
    twice = tmp_path / "queues.conf"
    twice.write_text("[urgent]\nstrategy = rrmemory\nstrategy = ringall\n")
    with pytest.raises(ConfError, match=r"\[urgent\] sets strategy again"):
        check_first_wins(twice)
    twice.write_text("[general]\npersistentmembers = yes\npersistentmembers = no\n")
    with pytest.raises(ConfError, match=r"\[general\] sets persistentmembers again"):
        check_first_wins(twice)


def test_options_applied_line_by_line_may_be_overridden_by_a_queue(tmp_path):
    conf = tmp_path / "queues.conf"
    conf.write_text("[base](!)\nmusicclass = default\n\n[urgent](base)\nmusicclass = quiet\n")
    check_first_wins(conf)
    assert app_queue_settings(conf)["urgent"]["musicclass"] == "quiet"


def test_no_queue_drops_callers_when_nobody_is_logged_in():
    for name, values in queues_as_read().items():
        assert values["joinempty"] == "yes" and values["leavewhenempty"] == "no", name


def test_urgent_queue_announces_nothing():
    urgent = queues_as_read()["urgent"]
    assert urgent["announce-position"] == "no" and urgent["announce-frequency"] == "0"
    assert urgent["periodic-announce-frequency"] == "0"
    assert urgent["musicclass"] == "quiet"


def test_no_queue_speaks_asterisks_english_announcements():
    # Position, hold time and "thank you" are Asterisk's core sounds: English for Thai,
    # Burmese, Khmer and Lao callers. Waiting callers hear 1300's own prompt instead.
    for name, values in queues_as_read().items():
        assert values["announce-frequency"] == "0", name
        assert values["announce-position"] == "no", name
        assert values["announce-holdtime"] == "no", name
        assert not any(k in QUEUE_SOUNDS for k in values), name


def test_no_queue_sets_variables_nobody_reads():
    for name, values in queues_as_read().items():
        for key in ("setinterfacevar", "setqueueentryvar", "setqueuevar"):
            assert values.get(key, "no") in ("no", "false", "off", "0"), (name, key)


# --- manager.conf --------------------------------------------------------------------------

MANAGER_GENERAL = {"enabled", "webenabled", "bindaddr", "port", "tlsenable", "tlsbindaddr",
                   "tlscertfile", "tlsprivatekey", "tlscipher", "allowmultiplelogin",
                   "displayconnects", "timestampevents", "brokeneventsaction", "channelvars",
                   "debug", "authtimeout", "authlimit", "httptimeout", "disabledevents"}
MANAGER_USER = {"secret", "deny", "permit", "acl", "setvar", "eventfilter", "read", "write",
                "writetimeout", "displayconnects", "allowmultiplelogin", "channelvars"}
# eventfilter(<criteria>) = <expression>: the structured syntax of Asterisk 22.1+.
EVENT_FILTER = re.compile(
    r"eventfilter\((?:(?:action\((?:include|exclude)\)|name\([a-z0-9_]+\)|header\([a-z0-9_-]+\)"
    r"|method\((?:regex|exact|starts_with|ends_with|contains|none)\)),?)+\)"
)
CLASSES = {"system", "call", "log", "verbose", "command", "agent", "user", "config", "dtmf",
           "reporting", "cdr", "dialplan", "originate", "agi", "cc", "aoc", "test",
           "security", "message", "all"}
# A bridge that can run CLI commands or rewrite files could take the PBX down.
FORBIDDEN_WRITE = {"system", "command", "config", "all"}
# What callcenter/ami needs to see (see manager.conf's comments).
BRIDGE_READS = {"call", "agent", "user", "dialplan", "system"}


def manager():
    sections = parse(CONF / "manager.conf")
    return sections[0], sections[1:]


def test_manager_listens_on_loopback_or_a_private_address():
    general, _ = manager()
    assert general.name == "general"
    assert set(general.keys()) <= MANAGER_GENERAL
    for key in ("enabled", "allowmultiplelogin", "displayconnects", "timestampevents"):
        assert (general.get(key) or "no") in BOOL, key
    address = ipaddress.ip_address(general.get("bindaddr") or "0.0.0.0")
    assert address.is_loopback or address.is_private
    assert not address.is_unspecified


def test_events_carry_asterisks_own_timestamps():
    # The bridge orders and times calls by Asterisk's clock when it is there (docs/ami.md).
    general, _ = manager()
    assert general.get("timestampevents") == "yes"


def test_a_reconnecting_bridge_is_not_locked_out_by_its_half_open_session():
    general, users = manager()
    assert (general.get("allowmultiplelogin") or "yes") == "yes"
    assert (users[0].get("allowmultiplelogin") or "yes") == "yes"


def test_the_bridge_is_spared_newexten_and_nothing_it_reads():
    from callcenter.ami.events import TRACKED_EVENTS

    _, [user] = manager()
    filters = [(k, v) for k, v, _ in user.items if k.startswith("eventfilter")]
    assert filters == [("eventfilter(action(exclude),name(newexten))", "")]
    assert all(EVENT_FILTER.fullmatch(k) for k, _ in filters)
    assert "Newexten" not in TRACKED_EVENTS


def test_bridge_user_is_least_privilege():
    _, users = manager()
    assert [u.name for u in users] == ["callcenter"]
    user = users[0]
    assert {key.split("(")[0] for key, _, _ in user.items} <= MANAGER_USER
    read = set(user.get("read").split(","))
    write = set(user.get("write").split(","))
    assert read <= CLASSES and write <= CLASSES
    assert read >= BRIDGE_READS
    assert not write & FORBIDDEN_WRITE
    assert "all" not in read and "dtmf" not in read  # the keys a caller pressed stay private
    assert user.get("deny") == "0.0.0.0/0.0.0.0" and user.get("permit")


# --- pjsip.conf ----------------------------------------------------------------------------

PJSIP_TYPES = {"transport", "endpoint", "aor", "auth", "identify", "registration", "global",
               "system", "acl", "domain_alias", "contact", "phoneprov"}
PJSIP_OPTIONS = {
    "transport": {"type", "protocol", "bind", "cert_file", "priv_key_file", "method",
                  "external_media_address", "external_signaling_address", "local_net"},
    "endpoint": {"type", "transport", "context", "disallow", "allow", "outbound_auth", "aors",
                 "auth", "direct_media", "dtmf_mode", "trust_id_inbound", "send_pai",
                 "rtp_symmetric", "force_rport", "rewrite_contact", "device_state_busy_at",
                 "webrtc", "dtls_auto_generate_cert", "callerid", "language"},
    "aor": {"type", "contact", "qualify_frequency", "max_contacts", "remove_existing"},
    "auth": {"type", "auth_type", "username", "password", "md5_cred", "realm"},
    "identify": {"type", "endpoint", "match"},
    "registration": {"type", "outbound_auth", "server_uri", "client_uri", "retry_interval"},
}
PJSIP_REFERENCES = {"transport": "transport", "aors": "aor", "auth": "auth",
                    "outbound_auth": "auth", "endpoint": "endpoint"}


def test_pjsip_sections_have_known_types_options_and_references():
    sections = parse(CONF / "pjsip.conf")
    concrete = [s for s in sections if not s.template]
    by_type: dict[str, set[str]] = {}
    for section in concrete:
        values = effective(sections, section)
        kind = values.get("type")
        assert kind in PJSIP_TYPES, section.name
        by_type.setdefault(kind, set()).add(section.name)
    for section in sections:
        values = effective(sections, section)
        kind = values.get("type")
        if kind is None:
            continue
        assert set(values) <= PJSIP_OPTIONS[kind], (section.name, set(values) - PJSIP_OPTIONS[kind])
        if section.template:
            continue
        for key, target_type in PJSIP_REFERENCES.items():
            for name in filter(None, values.get(key, "").split(",")):
                assert name.strip() in by_type.get(target_type, set()), (section.name, key)


def test_a_section_that_changes_inherited_codecs_starts_with_disallow_all():
    # chan_pjsip adds every allow/disallow line to the codec list, inherited lines included:
    # a section's own `allow` after its template's would keep the template's codecs first.
    sections = parse(CONF / "pjsip.conf")
    for section in sections:
        inherited = lines(sections, section)[:-len(section.items) or None]
        own = [(k, v) for k, v, _ in section.items if k in ("allow", "disallow")]
        if own and any(k == "allow" for k, _, _ in inherited):
            assert own[0] == ("disallow", "all"), section.name


def test_pjsip_has_a_webrtc_template_and_a_telco_trunk_into_from_pstn():
    sections = parse(CONF / "pjsip.conf")
    templates = {s.name: s for s in sections if s.template}
    assert effective(sections, templates["webrtc-endpoint"])["webrtc"] == "yes"
    trunk = next(s for s in sections if s.name == "trunk-telco" and s.get("type") == "endpoint")
    assert trunk.get("context") == "from-pstn"
    assert trunk.get("dtmf_mode") == "rfc4733"


# --- musiconhold.conf ----------------------------------------------------------------------


def test_music_classes_are_complete():
    for section in parse(CONF / "musiconhold.conf"):
        if section.name == "general":
            assert set(section.keys()) <= {"cachertclasses", "preload"}
            continue
        assert section.get("mode") in {"files", "custom", "playlist"}, section.name
        if section.get("mode") == "files":
            assert section.get("directory"), section.name
        assert set(section.keys()) <= {"mode", "directory", "sort", "application", "format",
                                       "entry", "digit", "announcement", "kill_escalation_delay"}


# --- http.conf (WebRTC) ----------------------------------------------------------------------

HTTP_GENERAL = {"enabled", "bindaddr", "bindport", "prefix", "servername", "sessionlimit",
                "session_inactivity", "session_keep_alive", "enablestatic", "redirect",
                "tlsenable", "tlsbindaddr", "tlscertfile", "tlsprivatekey", "tlscipher",
                "tlsdisablev1", "tlsdisablev11", "tlsdisablev12", "tlsservercipherorder"}


def test_http_conf_options_and_values():
    [general] = parse(CONF / "http.conf")
    assert general.name == "general"
    assert set(general.keys()) <= HTTP_GENERAL
    for key in ("enabled", "tlsenable", "enablestatic", "tlsdisablev1", "tlsdisablev11"):
        assert general.get(key) in BOOL, key
    assert general.get("bindport").isdigit()
    host, _, port = general.get("tlsbindaddr").rpartition(":")
    ipaddress.ip_address(host)
    assert port.isdigit()


def test_webrtc_endpoints_have_a_secure_websocket_to_reach():
    # Browsers use WebRTC only over wss: the template's transport is wss, which Asterisk's
    # HTTP server carries, so http.conf must serve TLS; plain HTTP stays on loopback.
    sections = parse(CONF / "pjsip.conf")
    template = effective(sections, next(s for s in sections if s.name == "webrtc-endpoint"))
    transport = next(effective(sections, s) for s in sections
                     if s.name == template["transport"] and not s.template)
    assert transport["protocol"] == "wss"
    [general] = parse(CONF / "http.conf")
    assert general.get("enabled") == "yes" and general.get("tlsenable") == "yes"
    assert general.get("tlscertfile") and general.get("tlsprivatekey")
    assert ipaddress.ip_address(general.get("bindaddr")).is_loopback
    tls = next(effective(sections, s) for s in sections if s.name == "transport-tls")
    assert general.get("tlscertfile") == tls["cert_file"]
