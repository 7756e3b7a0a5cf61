"""The staff's phones through Asterisk Realtime: sorcery.conf, extconfig.conf, res_pgsql.conf
and the tables the project's migrations create agree both ways, and the rows
callcenter.phones writes say what pjsip.conf's templates say.

The tables are read from a database the migrations really built (SQLite, so the check
needs no server); tests/test_migrations.py keeps PostgreSQL and SQLite alike.
"""

import pytest
from asterisk_config import CONF, dialplan, effective, parse
from sqlalchemy import inspect

from callcenter import migrate
from callcenter.agents.models import Role
from callcenter.db import make_engine
from callcenter.phones import policy
from callcenter.phones.policy import PhoneKind

# sorcery.conf's object types of res_pjsip and the pjsip.conf type each one is.
PLAN = dialplan()
PJSIP_TYPES = {"endpoint": "endpoint", "auth": "auth", "aor": "aor"}
# Our own columns, which Asterisk's realtime layer drops (res_sorcery_realtime keeps only
# the fields the object type registers).
OURS = {"version"}
# The columns Asterisk 22 knows for each type that our tables may hold (PJSIP
# configuration reference; the same names as the options of pjsip.conf).
KNOWN_COLUMNS = {
    "endpoint": {"id", "transport", "aors", "auth", "context", "disallow", "allow",
                 "direct_media", "dtmf_mode", "force_rport", "rewrite_contact",
                 "rtp_symmetric", "device_state_busy_at", "webrtc", "dtls_auto_generate_cert",
                 "mailboxes"},
    "auth": {"id", "auth_type", "md5_cred", "password", "realm", "username"},
    "aor": {"id", "max_contacts", "remove_existing", "qualify_frequency", "contact"},
}
# The columns Asterisk 22 puts in a WHERE of its own, whatever the rows hold: a table
# without one makes PostgreSQL refuse the query, and Asterisk logs an ERROR at every start
# (res_pjsip_mwi: `ps_endpoints WHERE mailboxes != ''`) or `pjsip show contacts`
# (res_pjsip: `ps_aors WHERE contact != ''`), as seen on a real Asterisk 22.10.
FILTERED = {"endpoint": {"mailboxes"}, "auth": set(), "aor": {"contact"}}
# What the rows of callcenter.phones need in each table (besides id).
NEEDED = {
    "endpoint": {"aors", "auth"} | set(policy.endpoint_options(Role.AGENT, PhoneKind.WEBRTC)),
    "auth": {"auth_type", "username", "realm", "md5_cred"},
    "aor": set(policy.AOR_OPTIONS),
}
RES_PGSQL = {"hostname", "port", "dbname", "user", "password", "appname", "socket",
             "requirements", "order_multi_row_results_by_initial_column"}


def one_section(name: str, section: str):
    sections = {s.name: s for s in parse(CONF / name)}
    assert set(sections) == {section}, name
    return sections[section]


def sorcery_mappings() -> dict[str, list[list[str]]]:
    """res_pjsip object type → its wizards in order, each split on commas."""
    section = one_section("sorcery.conf", "res_pjsip")
    mappings: dict[str, list[list[str]]] = {}
    for key, value, _ in section.items:
        mappings.setdefault(key, []).append([part.strip() for part in value.split(",")])
    return mappings


def realtime_families() -> dict[str, str]:
    """sorcery family → object type, for each realtime wizard."""
    return {wizard[1]: kind for kind, wizards in sorcery_mappings().items()
            for wizard in wizards if wizard[0] == "realtime"}


def extconfig() -> dict[str, list[str]]:
    section = one_section("extconfig.conf", "settings")
    return {key: [part.strip() for part in value.split(",")] for key, value, _ in section.items}


@pytest.fixture(scope="module")
def migrated_tables(tmp_path_factory) -> dict[str, set[str]]:
    url = f"sqlite:///{tmp_path_factory.mktemp('realtime')}/schema.sqlite3"
    migrate.upgrade(url)
    engine = make_engine(url)
    inspector = inspect(engine)
    tables = {name: {c["name"] for c in inspector.get_columns(name)}
              for name in inspector.get_table_names() if name.startswith("ps_")}
    engine.dispose()
    return tables


def test_sorcery_maps_exactly_the_phone_objects_of_res_pjsip_to_realtime():
    assert set(sorcery_mappings()) == set(PJSIP_TYPES)
    assert set(realtime_families().values()) == set(PJSIP_TYPES)


def test_each_mapped_type_keeps_pjsip_conf_first_so_the_trunk_and_templates_stay():
    for kind, wizards in sorcery_mappings().items():
        assert wizards[0] == ["config", "pjsip.conf", f"criteria=type={PJSIP_TYPES[kind]}"], kind
        assert [w[0] for w in wizards] == ["config", "realtime"], kind


def test_every_realtime_family_is_in_extconfig_and_the_reverse():
    assert set(realtime_families()) == set(extconfig())


def test_every_family_maps_to_a_table_the_migrations_create_and_the_reverse(migrated_tables):
    tables = {value[2] if len(value) > 2 else family for family, value in extconfig().items()}
    assert tables == set(migrated_tables)


def test_each_table_has_the_columns_its_family_needs_and_only_ones_asterisk_knows(
        migrated_tables):
    for family, kind in realtime_families().items():
        table = extconfig()[family][2]
        columns = migrated_tables[table]
        assert {"id"} | NEEDED[kind] <= columns, (table, NEEDED[kind] - columns)
        assert columns - OURS <= KNOWN_COLUMNS[kind], (table, columns - OURS - KNOWN_COLUMNS[kind])


def test_each_table_has_the_columns_asterisk_selects_on_even_if_no_phone_uses_them(
        migrated_tables):
    for family, kind in realtime_families().items():
        table = extconfig()[family][2]
        assert FILTERED[kind] <= migrated_tables[table], (table, FILTERED[kind])


def test_every_family_uses_the_pgsql_driver_on_the_database_res_pgsql_conf_names():
    general = one_section("res_pgsql.conf", "general")
    assert set(general.keys()) <= RES_PGSQL
    for family, (driver, database, *_rest) in extconfig().items():
        assert driver == "pgsql", family
        assert database == general.get("dbname"), family


def test_res_pgsql_conf_holds_no_password_and_connects_over_tcp():
    general = one_section("res_pgsql.conf", "general")
    # Present and empty: libpq then reads ~/.pgpass; absent, Asterisk would try "asterisk".
    assert general.keys().count("password") == 1 and general.get("password") == ""
    assert general.get("dbpass") is None
    assert general.get("hostname") not in (None, "", "localhost")
    assert general.get("requirements") == "warn"  # Asterisk never alters our tables


def pjsip_template(name: str) -> dict[str, str]:
    sections = parse(CONF / "pjsip.conf")
    section = next(s for s in sections if s.template and s.name == name)
    values = effective(sections, section)
    values.pop("type")
    return values


def row(options: dict[str, object]) -> dict[str, str]:
    return {key: str(value) for key, value in options.items() if value is not None}


@pytest.mark.parametrize(("role", "kind", "template"), [
    (Role.AGENT, PhoneKind.DESK, "agent-endpoint"),
    (Role.AGENT, PhoneKind.WEBRTC, "webrtc-endpoint"),
    (Role.SUPERVISOR, PhoneKind.DESK, "supervisor-endpoint"),
])
def test_a_realtime_phone_has_the_options_of_its_pjsip_conf_template(role, kind, template):
    assert row(policy.endpoint_options(role, kind)) == pjsip_template(template)


def test_a_realtime_aor_and_auth_are_those_of_the_templates():
    assert row(policy.AOR_OPTIONS) == pjsip_template("agent-aor")
    assert pjsip_template("agent-auth") == {"auth_type": "md5", "realm": policy.REALM}


def test_the_transports_of_realtime_phones_exist_in_pjsip_conf():
    sections = parse(CONF / "pjsip.conf")
    transports = {s.name for s in sections if effective(sections, s).get("type") == "transport"}
    for role in policy.ROLES_WITH_PHONES:
        for kind in PhoneKind:
            assert policy.endpoint_options(role, kind)["transport"] in transports


def test_pjsip_conf_defines_no_staff_phone_any_more():
    sections = parse(CONF / "pjsip.conf")
    endpoints = {s.name for s in sections
                 if not s.template and effective(sections, s).get("type") == "endpoint"}
    assert endpoints == {"trunk-telco"}


# --- the seeded staff's phones and the dialplan ---------------------------------------

def seeded_phones() -> dict[str, tuple]:
    """The seeded staff's realtime phones: endpoint → (login, role, kind)."""
    from callcenter.phones.service import endpoint_of
    from callcenter.seed import DEMO_USERS

    return {endpoint_of(u.phone_interface): (u.login, u.role, u.phone_kind)
            for u in DEMO_USERS if u.phone_interface}


def test_the_seeded_staffs_phones_are_named_as_their_logins_and_fit_their_role():
    from callcenter.phones import policy

    for endpoint, (login, role, _) in seeded_phones().items():
        assert endpoint == login
        assert policy.endpoint_problem(endpoint, role) is None, endpoint


def test_each_seeded_phone_is_in_the_context_of_its_role():
    from callcenter.agents.models import Role
    from callcenter.phones import policy

    context = {Role.AGENT: "agent-phones", Role.SUPERVISOR: "supervisor"}
    for endpoint, (_, role, kind) in seeded_phones().items():
        assert policy.endpoint_options(role, kind)["context"] == context[role], endpoint
    assert set(policy.CONTEXTS.values()) <= set(PLAN.contexts)


@pytest.mark.parametrize("name", ["agent1", "agent.somchai", "agent42", "supervisor",
                                  "sup.nok", "supervisor7"])
def test_every_phone_name_the_console_accepts_can_be_dialled_from_an_agents_phone(name):
    from callcenter.agents.models import Role
    from callcenter.phones import policy

    role = Role.AGENT if name.startswith("agent") else Role.SUPERVISOR
    assert policy.endpoint_problem(name, role) is None
    assert PLAN.extension_for("agent-phones", name) is not None, name


def test_seeded_phones_can_be_dialled_from_an_agents_phone():
    for name in seeded_phones():
        assert PLAN.extension_for("agent-phones", name) is not None, name
