"""The `callcenter` command: help for each subcommand, usage on bad arguments."""

import os
import re
import subprocess
import sys

import pytest

from callcenter.cli import build_parser, main

SUBCOMMANDS = ["db", "seed", "demo"]
# Process commands hand their arguments to `python -m <module>`, whose parser answers.
PROCESS_COMMANDS = ["web", "bridge", "ivr", "worker", "simulator"]


def run_cli(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "callcenter", *args],
        capture_output=True, text=True, timeout=60,
        env={**os.environ, **(env or {})},
    )


@pytest.mark.parametrize("command", SUBCOMMANDS)
def test_every_subcommand_has_help(command, capsys):
    with pytest.raises(SystemExit) as exited:
        main([command, "--help"])
    assert exited.value.code == 0
    assert "usage: callcenter" in capsys.readouterr().out


@pytest.mark.parametrize("command", PROCESS_COMMANDS)
def test_every_process_command_has_help_and_starts_nothing(command, tmp_path):
    result = run_cli(command, "--help", env={"CALLCENTER_DATA_DIR": str(tmp_path)})
    assert result.returncode == 0, result.stderr
    assert "usage:" in result.stdout
    assert "ready" not in result.stdout + result.stderr


@pytest.mark.parametrize("command", PROCESS_COMMANDS)
def test_a_process_command_refuses_an_unknown_option(command, tmp_path):
    result = run_cli(command, "--everything", env={"CALLCENTER_DATA_DIR": str(tmp_path)})
    assert result.returncode == 2
    assert "unrecognized arguments: --everything" in result.stderr


def test_process_options_reach_the_process(tmp_path):
    # The documented options work through the CLI (they used to be refused by it).
    result = run_cli("worker", "--no-sweepers", "--help",
                     env={"CALLCENTER_DATA_DIR": str(tmp_path)})
    assert result.returncode == 0 and "--no-sweepers" in result.stdout
    result = run_cli("web", "--port", "not-a-port", env={"CALLCENTER_DATA_DIR": str(tmp_path)})
    assert result.returncode == 2 and "argument --port" in result.stderr


def test_unknown_arguments_give_usage_and_status_2(capsys):
    with pytest.raises(SystemExit) as exited:
        main(["seed", "--everything"])
    assert exited.value.code == 2
    err = capsys.readouterr().err
    assert "usage: callcenter seed" in err
    assert "unrecognized arguments: --everything" in err


def test_a_missing_subcommand_is_an_error(capsys):
    with pytest.raises(SystemExit) as exited:
        build_parser().parse_args([])
    assert exited.value.code == 2


def test_bad_db_action_lists_the_choices(capsys):
    with pytest.raises(SystemExit):
        main(["db", "sideways"])
    assert "choose from 'upgrade', 'downgrade'" in capsys.readouterr().err


def test_a_bad_setting_stops_the_command_with_the_variable_named(tmp_path):
    result = run_cli("db", "upgrade", env={"CALLCENTER_WEB_PORT": "eighty",
                                            "CALLCENTER_DATA_DIR": str(tmp_path)})
    assert result.returncode == 2
    assert "CALLCENTER_WEB_PORT" in result.stderr
    assert "Traceback" not in result.stderr


def test_a_bad_setting_stops_a_process_at_start(tmp_path):
    result = subprocess.run(
        [sys.executable, "-m", "callcenter.worker"], capture_output=True, text=True, timeout=60,
        env={**os.environ, "CALLCENTER_REDIS_URL": "http://nowhere"},
    )
    assert result.returncode == 2
    assert "CALLCENTER_REDIS_URL: must start with redis://" in result.stderr


def test_db_upgrade_and_seed_on_the_embedded_database(tmp_path):
    env = {"CALLCENTER_DATA_DIR": str(tmp_path)}
    assert run_cli("db", "upgrade", env=env).returncode == 0
    first = run_cli("seed", env=env)
    second = run_cli("seed", env=env)
    assert first.returncode == second.returncode == 0, first.stderr + second.stderr
    assert "demo users" in second.stdout
    assert run_cli("db", "downgrade", env=env).returncode == 0


def test_seed_refuses_demo_accounts_in_production(tmp_path):
    result = run_cli("seed", "--demo-users", env={
        "CALLCENTER_ENVIRONMENT": "production",
        "CALLCENTER_DATABASE_URL": f"sqlite:///{tmp_path}/x.sqlite3",
        "CALLCENTER_REDIS_URL": "redis://127.0.0.1:6379/13",
    })
    assert result.returncode == 2
    assert "refusing to create demo accounts in production" in result.stderr


def test_a_new_centres_first_admin_gets_a_set_up_link_once(tmp_path):
    env = {"CALLCENTER_DATA_DIR": str(tmp_path)}
    assert run_cli("db", "upgrade", env=env).returncode == 0
    assert run_cli("seed", "--no-demo-users", env=env).returncode == 0
    created = run_cli("users", "first-admin", "Somsri.A", "--name", "สมศรี ผู้ดูแล", env=env)
    assert created.returncode == 0, created.stderr
    assert "somsri.a: admin created" in created.stdout
    assert re.search(r"/setup/[A-Za-z0-9_-]{40,}", created.stdout)
    # Everyone after the first admin is created in the console.
    again = run_cli("users", "first-admin", "another", env=env)
    assert again.returncode == 1 and "/admin/people" in again.stderr
    bad = run_cli("users", "first-admin", "x", env=env)
    assert bad.returncode == 2 and "login" in bad.stderr
