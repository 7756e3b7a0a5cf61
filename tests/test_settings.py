import pytest

from callcenter.settings import SettingsError, load_settings


def test_defaults_use_the_embedded_database_and_bangkok_time(monkeypatch, tmp_path):
    monkeypatch.setenv("CALLCENTER_DATA_DIR", str(tmp_path))
    settings = load_settings()
    assert settings.embedded_database
    assert settings.effective_database_url == f"sqlite:///{tmp_path}/callcenter.sqlite3"
    assert settings.time_zone == "Asia/Bangkok"
    assert settings.ami_nodes == []


def test_a_bad_port_names_the_variable(monkeypatch):
    monkeypatch.setenv("CALLCENTER_WEB_PORT", "eighty")
    with pytest.raises(SettingsError, match="CALLCENTER_WEB_PORT: .*integer"):
        load_settings()


def test_ami_nodes_are_read_as_json_with_each_error_named(monkeypatch):
    monkeypatch.setenv(
        "CALLCENTER_AMI_NODES", '[{"name": "pbx 1", "host": "10.0.0.5", "username": "bridge"}]'
    )
    with pytest.raises(SettingsError) as caught:
        load_settings()
    message = str(caught.value)
    assert "CALLCENTER_AMI_NODES (0 name)" in message
    assert "CALLCENTER_AMI_NODES (0 secret): Field required" in message


def test_ami_nodes_that_are_not_json_are_refused_by_name(monkeypatch):
    monkeypatch.setenv("CALLCENTER_AMI_NODES", "[{")
    with pytest.raises(SettingsError, match="CALLCENTER_AMI_NODES: not valid JSON"):
        load_settings()


def test_ami_nodes_parse(monkeypatch):
    monkeypatch.setenv(
        "CALLCENTER_AMI_NODES",
        '[{"name": "pbx1", "host": "10.0.0.5", "username": "bridge", "secret": "s3cret"}]',
    )
    node = load_settings().ami_nodes[0]
    assert (node.name, node.host, node.port, node.username) == ("pbx1", "10.0.0.5", 5038, "bridge")
    assert "s3cret" not in repr(node)


def test_duplicate_node_names_are_refused(monkeypatch):
    node = '{"name": "pbx1", "host": "h", "username": "u", "secret": "s"}'
    monkeypatch.setenv("CALLCENTER_AMI_NODES", f"[{node}, {node}]")
    with pytest.raises(SettingsError, match="CALLCENTER_AMI_NODES: node names must be unique"):
        load_settings()


def test_production_requires_real_services_and_a_secret(monkeypatch):
    monkeypatch.delenv("CALLCENTER_SECRET_KEY", raising=False)
    monkeypatch.setenv("CALLCENTER_ENVIRONMENT", "production")
    with pytest.raises(SettingsError) as caught:
        load_settings()
    for variable in ("CALLCENTER_DATABASE_URL", "CALLCENTER_REDIS_URL", "CALLCENTER_SECRET_KEY"):
        assert variable in str(caught.value)


@pytest.mark.parametrize(
    ("variable", "value", "expected"),
    [
        ("CALLCENTER_DATABASE_URL", "mysql://x", "must start with postgresql"),
        ("CALLCENTER_REDIS_URL", "http://x", "must start with redis://"),
        ("CALLCENTER_SECRET_KEY", "short", "at least 32 characters"),
        ("CALLCENTER_TIME_ZONE", "Mars/Olympus", "unknown time zone"),
        ("CALLCENTER_ENVIRONMENT", "staging", "development"),
    ],
)
def test_bad_values_are_named(monkeypatch, variable, value, expected):
    monkeypatch.setenv(variable, value)
    with pytest.raises(SettingsError, match=f"{variable}: .*{expected}"):
        load_settings()


def test_plain_postgresql_urls_use_psycopg_3(monkeypatch):
    monkeypatch.setenv("CALLCENTER_DATABASE_URL", "postgresql://db.internal/hotline")
    assert load_settings().database_url == "postgresql+psycopg://db.internal/hotline"


def test_development_keeps_a_generated_secret_key_in_the_data_folder(monkeypatch, tmp_path):
    monkeypatch.delenv("CALLCENTER_SECRET_KEY", raising=False)
    monkeypatch.setenv("CALLCENTER_DATA_DIR", str(tmp_path))
    first = load_settings().effective_secret_key()
    assert len(first) >= 32
    assert load_settings().effective_secret_key() == first
    assert (tmp_path / "secret_key").stat().st_mode & 0o077 == 0


def test_ivr_callback_threshold_defaults_to_two_minutes_and_can_be_turned_off(monkeypatch):
    assert load_settings().ivr_callback_threshold_seconds == 120
    monkeypatch.setenv("CALLCENTER_IVR_CALLBACK_THRESHOLD_SECONDS", "off")
    assert load_settings().ivr_callback_threshold_seconds is None
    monkeypatch.setenv("CALLCENTER_IVR_CALLBACK_THRESHOLD_SECONDS", "45")
    assert load_settings().ivr_callback_threshold_seconds == 45


@pytest.mark.parametrize("value", ["soon", "-5", "1.5"])
def test_a_bad_ivr_callback_threshold_names_the_variable(monkeypatch, value):
    monkeypatch.setenv("CALLCENTER_IVR_CALLBACK_THRESHOLD_SECONDS", value)
    with pytest.raises(SettingsError, match="CALLCENTER_IVR_CALLBACK_THRESHOLD_SECONDS: "):
        load_settings()


def test_ivr_sounds_dir_must_be_a_folder(monkeypatch, tmp_path):
    assert (load_settings().ivr_sounds_dir / "th").is_dir()
    monkeypatch.setenv("CALLCENTER_IVR_SOUNDS_DIR", str(tmp_path))
    assert load_settings().ivr_sounds_dir == tmp_path
    monkeypatch.setenv("CALLCENTER_IVR_SOUNDS_DIR", str(tmp_path / "missing"))
    with pytest.raises(SettingsError, match="CALLCENTER_IVR_SOUNDS_DIR: .*is not a folder"):
        load_settings()


@pytest.mark.parametrize("value", ['["10.0.0.5", "10.1.0.0/16", "fd00::/8"]',
                                   "10.0.0.5, 10.1.0.0/16,fd00::/8"])
def test_trusted_proxies_are_read_as_a_json_or_comma_list_of_networks(monkeypatch, value):
    monkeypatch.setenv("CALLCENTER_TRUSTED_PROXIES", value)
    assert [str(n) for n in load_settings().trusted_proxies] == [
        "10.0.0.5/32", "10.1.0.0/16", "fd00::/8"]


def test_no_proxy_is_trusted_by_default():
    assert load_settings().trusted_proxies == ()


@pytest.mark.parametrize("value", ["10.0.0.300", '["10.0.0.5", "proxy.internal"]', "[10.0"])
def test_a_bad_trusted_proxy_names_the_variable(monkeypatch, value):
    monkeypatch.setenv("CALLCENTER_TRUSTED_PROXIES", value)
    with pytest.raises(SettingsError, match="CALLCENTER_TRUSTED_PROXIES: "):
        load_settings()
