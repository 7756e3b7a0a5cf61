"""The browser phone's WebSocket settings: one URL for the centre, one per Asterisk node,
and a clear stop at start for a value that is not what it should be."""

import pytest

from callcenter.settings import SettingsError, load_settings
from tests.test_cli import run_cli

NODES = ('[{"name": "pbx1", "host": "10.1.0.5", "username": "b", "secret": "s"},'
         ' {"name": "pbx2", "host": "10.1.0.6", "username": "b", "secret": "s"}]')


def test_each_node_gets_its_own_websocket_url(monkeypatch):
    monkeypatch.setenv("CALLCENTER_AMI_NODES", NODES)
    monkeypatch.setenv("CALLCENTER_SIP_WSS_URLS",
                       " pbx1=wss://pbx1.hotline.test:8089/ws , pbx2=wss://pbx2.hotline.test/ws,")
    assert load_settings().sip_wss_urls == {"pbx1": "wss://pbx1.hotline.test:8089/ws",
                                            "pbx2": "wss://pbx2.hotline.test/ws"}


def test_the_single_url_for_the_whole_centre_still_works(monkeypatch):
    monkeypatch.setenv("CALLCENTER_SIP_WSS_URL", "wss://pbx1.hotline.test:8089/ws")
    settings = load_settings()
    assert settings.sip_wss_url == "wss://pbx1.hotline.test:8089/ws"
    assert settings.sip_wss_urls == {}


@pytest.mark.parametrize(("value", "says"), [
    ("wss://pbx1.hotline.test/ws", "entry 1 is not NODE=URL"),
    ("pbx1=wss://a/ws,pbx2", "entry 2 is not NODE=URL"),
    ("pbx1=", "entry 1 is not NODE=URL"),
    ("pbx1=wss://a/ws,pbx1=wss://b/ws", "pbx1 is given twice"),
    ("pbx1=https://a/ws", "the URL of pbx1 is not a ws:// or wss:// URL"),
    ("pbx1=wss://a b/ws", "the URL of pbx1 is not"),
    ("pbx one=wss://a/ws", "'pbx one' is not a node name"),
])
def test_a_malformed_list_of_urls_names_the_variable_and_the_fault(monkeypatch, value, says):
    monkeypatch.setenv("CALLCENTER_SIP_WSS_URLS", value)
    with pytest.raises(SettingsError, match=f"CALLCENTER_SIP_WSS_URLS: {says}"):
        load_settings()


def test_a_url_for_a_node_that_is_not_configured_is_refused(monkeypatch):
    monkeypatch.setenv("CALLCENTER_AMI_NODES", NODES)
    monkeypatch.setenv("CALLCENTER_SIP_WSS_URLS", "pbx1=wss://a/ws,pbx3=wss://c/ws")
    with pytest.raises(SettingsError, match="SIP_WSS_URLS names pbx3, which "
                                            "CALLCENTER_AMI_NODES does not list"):
        load_settings()


def test_a_malformed_list_stops_the_console_at_start_without_a_traceback(tmp_path):
    result = run_cli("web", env={"CALLCENTER_SIP_WSS_URLS": "pbx1 wss://a/ws",
                                 "CALLCENTER_DATA_DIR": str(tmp_path)})
    assert result.returncode == 2
    assert "CALLCENTER_SIP_WSS_URLS: entry 1 is not NODE=URL" in result.stderr
    assert "Traceback" not in result.stderr
