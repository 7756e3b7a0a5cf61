"""Names shared by the Python code and asterisk_conf/ exist on both sides."""

import re

import pytest
from asterisk_config import CONF, dialplan, effective, parse

from callcenter.queues.catalog import BY_NAME, GENERAL, QUEUES
from callcenter.taxonomy import Language
from ivr import variables
from ivr.flows import FLOWS
from ivr.prompts import SOUND_EXTENSIONS, PromptId

PLAN = dialplan()
CATALOG = {q.name for q in QUEUES}
# hotline-queue extensions that are steps of the queueing logic, not queues.
QUEUE_STEPS = {"after-queue", "offer-callback", "i"}
# Names of FastAGI flows kept as aliases for a dialplan that names the number itself.
FLOW_ALIASES = {"1300"}
# Variables our dialplan names that are Asterisk's, not ours.
ASTERISK_VARIABLES = {
    "UNIQUEID", "EXTEN", "QUEUESTATUS", "QUEUE_PRIO", "MIXMONITOR_FILENAME", "ARG1", "ARG2",
    "IF", "ISNULL", "DIALPLAN_EXISTS", "CHANNEL", "CALLERID",
}
OURS = re.compile(r"^(IVR_|DISPATCH_|CALLBACK_|RRU_|HOTLINE_)")


def queue_sections():
    return [s for s in parse(CONF / "queues.conf") if not s.template and s.name != "general"]


def test_every_catalog_queue_is_in_queues_conf_and_nothing_else():
    assert {s.name for s in queue_sections()} == CATALOG


@pytest.mark.parametrize("spec", QUEUES, ids=lambda q: q.name)
def test_queue_weight_and_service_level_follow_the_catalog(spec):
    sections = parse(CONF / "queues.conf")
    section = next(s for s in sections if s.name == spec.name)
    values = effective(sections, section)
    assert int(values["weight"]) == spec.priority
    assert int(values["servicelevel"]) == spec.service_level_seconds


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


def test_every_flow_is_called_by_the_dialplan_and_the_reverse():
    assert PLAN.agi_scripts() == set(FLOWS) - FLOW_ALIASES


def test_every_ivr_variable_is_named_in_the_dialplan():
    named = PLAN.variables()
    missing = [name for name in variables.ALL if name not in named]
    assert not missing


def test_every_project_variable_of_the_dialplan_is_known_to_the_ivr():
    ours = {name for name in PLAN.variables() - set(PLAN.globals) if OURS.match(name)}
    ours -= {"HOTLINE_QUEUE"}  # set by the dialplan for the bridge (the queue of a transfer)
    assert ours <= set(variables.ALL), ours - set(variables.ALL)


def test_dialplan_uses_no_unknown_variables():
    known = set(variables.ALL) | set(PLAN.globals) | ASTERISK_VARIABLES | {
        "HOTLINE_QUEUE", "TARGET"}
    assert PLAN.variables() <= known, PLAN.variables() - known


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


def test_contexts_the_bridge_and_worker_originate_into_exist():
    # Originate targets documented in asterisk_conf/README.md.
    for context in ("dispatch", "rru", "callback", "supervisor", "agents", "hotline-queue"):
        assert context in PLAN.contexts


def test_queue_music_classes_exist():
    classes = {s.name for s in parse(CONF / "musiconhold.conf")} - {"general"}
    sections = parse(CONF / "queues.conf")
    for section in queue_sections():
        assert effective(sections, section).get("musicclass", "default") in classes


def test_ivr_url_points_at_the_default_agi_address():
    from callcenter.settings import Settings

    defaults = Settings.model_fields
    host, port = defaults["agi_host"].default, defaults["agi_port"].default
    assert PLAN.globals["IVR_URL"] == f"agi://{host}:{port}"


# --- prompts ----------------------------------------------------------------------------


SOUNDS = CONF / "sounds"


def test_every_prompt_has_a_thai_file_the_fallback_of_every_language():
    stems = {p.stem for p in (SOUNDS / "th").iterdir() if p.suffix in SOUND_EXTENSIONS}
    assert stems == {p.value for p in PromptId}


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


def test_urgent_queue_is_the_highest_priority():
    assert BY_NAME["urgent"].priority == max(q.priority for q in QUEUES)


# Contexts entered from outside the dialplan: AMI Originate by the bridge (for the worker and
# the console) and Local channels of queue members (see asterisk_conf/README.md).
ORIGINATED_INTO = {"dispatch", "rru", "callback", "supervisor", "agents"}


def test_every_context_is_entered_from_somewhere():
    sections = parse(CONF / "pjsip.conf")
    from_phones = {effective(sections, s).get("context") for s in sections} - {None}
    jumped_to = {target.split(",")[0] for _, target in PLAN.jumps() if target.count(",") >= 2}
    unused = set(PLAN.contexts) - from_phones - jumped_to - ORIGINATED_INTO
    assert not unused

