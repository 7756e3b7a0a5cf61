"""The ``callcenter`` command: database, seed data, and the system's processes."""

from __future__ import annotations

import argparse
import logging
import os
import sys
from collections.abc import Sequence

from callcenter.runtime import configure_logging, load_or_exit

log = logging.getLogger("callcenter.cli")

# Each process is its own module, started as `python -m …`; the CLI names them rather
# than importing them, so callcenter never depends on ivr or agent_console.
PROCESS_MODULES = {
    "web": "agent_console",
    "bridge": "callcenter.ami.bridge",
    "ivr": "ivr",
    "worker": "callcenter.worker",
    "simulator": "callcenter.simulators.asterisk",
}


def _cmd_db(args: argparse.Namespace) -> int:
    from callcenter import migrate

    settings = load_or_exit()
    url = settings.effective_database_url
    if settings.embedded_database:
        settings.data_dir.mkdir(parents=True, exist_ok=True)
    if args.action == "upgrade":
        migrate.upgrade(url, args.revision or "head")
    else:
        migrate.downgrade(url, args.revision or "base")
    target = args.revision or ("head" if args.action == "upgrade" else "base")
    print(f"database {args.action} to {target}: done")
    return 0


def _cmd_seed(args: argparse.Namespace) -> int:
    from callcenter import seed
    from callcenter.db import session_scope

    settings = load_or_exit()
    demo_users = args.demo_users if args.demo_users is not None else (
        settings.environment == "development"
    )
    if demo_users and settings.environment == "production":
        print("refusing to create demo accounts in production", file=sys.stderr)
        return 2
    with session_scope() as session:
        seed.seed_all(session, demo_users=demo_users)
    print("seed: provinces, units, queues" + (", demo users" if demo_users else "") + ": done")
    return 0


def _exec_process(command: str, rest: Sequence[str]) -> int:
    """Become ``python -m <module> <rest>``: the module parses (and documents) its options."""
    argv = [sys.executable, "-m", PROCESS_MODULES[command], *rest]
    sys.stdout.flush()
    os.execv(sys.executable, argv)  # replaces this process: signals reach it directly
    return 0  # pragma: no cover


def _cmd_users(args: argparse.Namespace) -> int:
    if args.action == "first-admin":
        return _first_admin(args)
    from callcenter import audit
    from callcenter.agents import service as agents
    from callcenter.agents import totp
    from callcenter.db import session_scope

    load_or_exit()
    with session_scope() as session:
        user = agents.by_login(session, args.login)
        if user is None:
            print(f"no user with the login {args.login!r}", file=sys.stderr)
            return 1
        totp.reset(session, user)
        audit.record(session, actor_id=None, action="auth.totp_reset", entity_type="user",
                     entity_id=user.id)
    print(f"{args.login}: second factor reset; they enrol again at their next sign-in")
    return 0


def _first_admin(args: argparse.Namespace) -> int:
    """A new centre's first admin, with a set-up link to choose a password. Everyone
    after them is created in the console (/admin/people); so this refuses once an active
    admin exists."""
    from pydantic import ValidationError

    from callcenter.agents import people, setup_links
    from callcenter.agents.models import Role
    from callcenter.agents.schemas import PersonFields
    from callcenter.db import session_scope, utcnow
    from callcenter.errors import DomainError

    load_or_exit()
    try:
        fields = PersonFields(login=args.login, display_name=args.name or args.login,
                              role=Role.ADMIN)
    except ValidationError as exc:
        problems = "; ".join(f"{'.'.join(map(str, e['loc']))}: {e['msg']}" for e in exc.errors())
        print(f"cannot create that admin: {problems}", file=sys.stderr)
        return 2
    try:
        with session_scope() as session:
            if people.has_active_admin(session):
                print("an active admin exists already: create people in the console, "
                      "at /admin/people", file=sys.stderr)
                return 1
            user = people.create_person(session, fields, actor_id=None)
            token = setup_links.issue(session, user_id=user.id, actor_id=None, now=utcnow())
    except DomainError as exc:
        print(f"cannot create that admin: {exc.message}", file=sys.stderr)
        return 1
    # Printed once on the operator's terminal, never logged: the link is the password.
    print(f"{fields.login}: admin created. Open this link on the console within 24 hours "
          f"to choose a password (it works once):\n  /setup/{token}")
    return 0


def _cmd_demo(args: argparse.Namespace) -> int:
    from callcenter.demo import run_demo

    settings = load_or_exit()
    configure_logging(settings.log_level)
    return run_demo(settings, with_simulator=not args.no_simulator)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="callcenter",
        description="The 1300 hotline call-center system.",
    )
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    db = sub.add_parser("db", help="migrate the database schema")
    db.add_argument("action", choices=("upgrade", "downgrade"))
    db.add_argument("--revision", help="target revision (default: head, or base to downgrade)")
    db.set_defaults(handler=_cmd_db)

    seed = sub.add_parser(
        "seed", help="load provinces, units, queues (and demo users); safe to run twice"
    )
    group = seed.add_mutually_exclusive_group()
    group.add_argument("--demo-users", dest="demo_users", action="store_true", default=None,
                       help="create the demo accounts (default in development)")
    group.add_argument("--no-demo-users", dest="demo_users", action="store_false")
    seed.set_defaults(handler=_cmd_seed)

    users = sub.add_parser("users", help="manage accounts")
    users.add_argument("action", choices=("reset-totp", "first-admin"),
                       help="reset-totp: forget a lost second factor (the user enrols again); "
                            "first-admin: a new centre's first admin and their set-up link")
    users.add_argument("login")
    users.add_argument("--name", help="first-admin: the admin's display name")
    users.set_defaults(handler=_cmd_users)

    for name, text in (
        ("web", "run the web console (uvicorn)"),
        ("bridge", "run the AMI bridge, one per Asterisk node"),
        ("ivr", "run the FastAGI IVR server"),
        ("worker", "run the RQ worker and its scheduler"),
        ("simulator", "run the AMI traffic simulator (no real Asterisk)"),
    ):
        # Listed for `callcenter --help`; main() hands these commands' arguments to the
        # process module untouched, so its own parser gives --help and refuses bad options.
        sub.add_parser(name, help=text, description=text, add_help=False)

    demo = sub.add_parser(
        "demo", help="migrate, seed and run every process together (Ctrl-C stops them)"
    )
    demo.add_argument("--no-simulator", action="store_true",
                      help="do not start the traffic simulator even with no Asterisk configured")
    demo.set_defaults(handler=_cmd_demo)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    if argv and argv[0] in PROCESS_MODULES:
        return _exec_process(argv[0], argv[1:])
    parser = build_parser()
    args, unknown = parser.parse_known_args(argv)
    if unknown:
        # Complain with the subcommand's own usage, which names its options.
        subcommands = next(
            a for a in parser._actions if isinstance(a, argparse._SubParsersAction)
        )
        subcommands.choices[args.command].error(f"unrecognized arguments: {' '.join(unknown)}")
    return args.handler(args)


if __name__ == "__main__":
    raise SystemExit(main())
