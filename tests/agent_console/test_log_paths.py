"""Log lines never carry a set-up link's token."""

from agent_console.log_paths import loggable_path


def test_a_set_up_links_token_is_replaced_and_other_paths_are_kept():
    assert loggable_path("/setup/AbC-123_xyz") == "/setup/…"
    assert loggable_path("/setup/AbC-123_xyz/extra") == "/setup/…/extra"
    assert loggable_path("/admin/people/7/setup-link") == "/admin/people/7/setup-link"
    assert loggable_path("/cases/12") == "/cases/12"
