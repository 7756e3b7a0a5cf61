"""Syntax checks of asterisk_conf/: asterisklint for the dialplan, our own for the rest.

asterisklint-jjs knows Asterisk 22's applications and functions; it has no checker for
queues.conf, manager.conf, pjsip.conf or musiconhold.conf, so those are checked here
against the options Asterisk 22 documents for them.
"""

import ipaddress
import subprocess
import sys
from pathlib import Path

import pytest
from asterisk_config import CONF, ConfError, effective, parse

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
    "name", ["extensions.conf", "queues.conf", "manager.conf", "pjsip.conf", "musiconhold.conf"]
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
                 "monitor-type", "updatecdr", "keepstats", "negative_penalty_invokes_limits",
                 "force_longest_waiting_caller"}
QUEUE_OPTIONS = {
    "strategy", "timeout", "retry", "wrapuptime", "joinempty", "leavewhenempty", "ringinuse",
    "maxlen", "autopause", "autopausedelay", "autopausebusy", "autopauseunavail",
    "announce-frequency", "min-announce-frequency", "announce-position",
    "announce-position-limit", "announce-holdtime", "announce-round-seconds",
    "periodic-announce-frequency", "random-periodic-announce", "relative-periodic-announce",
    "musicclass", "servicelevel", "setinterfacevar", "setqueueentryvar", "setqueuevar",
    "reportholdtime", "timeoutrestart", "timeoutpriority", "weight", "member", "context",
    "announce", "memberdelay", "defaultrule", "penaltymemberslimit", "announce-to-first-user",
}
QUEUE_INTS = {"timeout", "retry", "wrapuptime", "maxlen", "announce-frequency",
              "min-announce-frequency", "announce-position-limit",
              "periodic-announce-frequency", "servicelevel", "weight", "memberdelay"}
QUEUE_BOOLS = {"ringinuse", "setinterfacevar", "setqueueentryvar", "setqueuevar",
               "reportholdtime", "timeoutrestart", "autopause", "persistentmembers",
               "autofill", "shared_lastcall", "log_membername_as_agent"}
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


def test_no_queue_drops_callers_when_nobody_is_logged_in():
    sections = parse(CONF / "queues.conf")
    for section in sections:
        if section.template or section.name == "general":
            continue
        values = effective(sections, section)
        assert values["joinempty"] == "yes" and values["leavewhenempty"] == "no", section.name


def test_urgent_queue_announces_nothing():
    sections = parse(CONF / "queues.conf")
    urgent = effective(sections, next(s for s in sections if s.name == "urgent"))
    assert urgent["announce-position"] == "no" and urgent["announce-frequency"] == "0"


# --- manager.conf --------------------------------------------------------------------------

MANAGER_GENERAL = {"enabled", "bindaddr", "port", "allowmultiplelogin", "displayconnects",
                   "authtimeout", "authlimit", "timestampevents", "webenabled", "httptimeout",
                   "channelvars", "debug", "hidesecurityevents"}
MANAGER_USER = {"secret", "deny", "permit", "acl", "read", "write", "writetimeout",
                "displayconnects", "allowmultiplelogin", "eventfilter", "channelvars"}
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
    address = ipaddress.ip_address(general.get("bindaddr") or "0.0.0.0")
    assert address.is_loopback or address.is_private
    assert not address.is_unspecified


def test_bridge_user_is_least_privilege():
    _, users = manager()
    assert [u.name for u in users] == ["callcenter"]
    user = users[0]
    assert set(user.keys()) <= MANAGER_USER
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
    "auth": {"type", "auth_type", "username", "password"},
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
