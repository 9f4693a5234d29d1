"""`cartera`: generate demo exports, refresh the warehouse, serve the dashboards."""

import argparse
import os
import sys
from datetime import date
from pathlib import Path

import dashboards


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="cartera", description="Receivables warehouse for SMEs.")
    commands = parser.add_subparsers(dest="command", required=True)

    demo = commands.add_parser("demo-data", help="write a deterministic set of demo exports")
    demo.add_argument("--out", type=Path, required=True, help="folder to write the export files into")
    demo.add_argument("--clients", type=_at_least(30), default=300, help="number of clients, at least 30 (default 300)")
    demo.add_argument("--years", type=_at_least(1), default=2, help="years of history, at least 1 (default 2)")
    demo.add_argument("--seed", type=int, default=42, help="random seed: same seed, same bytes (default 42)")
    demo.add_argument("--end-date", type=date.fromisoformat, default=date(2026, 10, 31), help="last day of the history (default 2026-10-31)")
    demo.set_defaults(handler=_demo_data)

    refresh = commands.add_parser(
        "refresh",
        help="ingest the inbox, build and check the warehouse, publish it",
        formatter_class=argparse.RawDescriptionHelpFormatter,
        epilog=(
            "exit codes:\n"
            "  0  published, clean; or nothing changed since the last published refresh\n"
            "  1  nothing published: the published warehouse was left as it was\n"
            "  2  published, with quarantined or unrecognised files or failed warning checks\n"
            "Each refresh appends its outcome to $CARTERA_HOME/refresh_history.jsonl.\n"
            "Nothing runs when no inbox file, dbt project file, setting or committee decision\n"
            "changed since the last published refresh (it says so); --force runs anyway."
        ),
    )
    refresh.add_argument("--home", type=Path, help="cartera's data folder (default $CARTERA_HOME or ./data)")
    refresh.add_argument("--as-of", type=date.fromisoformat, help="answer for this date (default: the latest data date)")
    refresh.add_argument(
        "--force", action="store_true", help="refresh and rebuild everything even when nothing changed since the last refresh"
    )
    refresh.set_defaults(handler=_refresh)

    serve = commands.add_parser("serve", help="serve the dashboards on the published warehouse")
    serve.add_argument("--home", type=Path, help="cartera's data folder (default $CARTERA_HOME or ./data)")
    serve.add_argument("--port", type=_port, default=8501, help="port (default 8501)")
    serve.set_defaults(handler=_serve)

    status = commands.add_parser("status", help="the last refreshes: outcome and the checks that failed or warned")
    status.add_argument("--home", type=Path, help="cartera's data folder (default $CARTERA_HOME or ./data)")
    status.add_argument("--runs", type=_at_least(1), default=5, help="how many runs to show (default 5)")
    status.set_defaults(handler=_status)
    withdraw = commands.add_parser(
        "withdraw", help="take a loaded export file out of the warehouse (the next refresh rebuilds without it)"
    )
    withdraw.add_argument("file", metavar="FILE_NAME_OR_SHA256", help="the loaded file's name, or its sha256 when several share it")
    withdraw.add_argument("--home", type=Path, help="cartera's data folder (default $CARTERA_HOME or ./data)")
    withdraw.set_defaults(handler=_withdraw)
    _add_app_state_commands(commands)

    args = parser.parse_args(argv)
    try:
        return args.handler(args)
    except (OSError, ValueError) as error:
        # Expected failures (a folder that cannot be written, a value a step refuses) are
        # one line naming the command, not a traceback; anything else is a bug and shows one.
        print(f"cartera {args.command}: error: {_one_line(error)}", file=sys.stderr, flush=True)
        return 1
    except KeyboardInterrupt:
        print(f"cartera {args.command}: interrupted", file=sys.stderr, flush=True)
        return 130


def _one_line(error: Exception) -> str:
    if isinstance(error, OSError) and error.filename is not None:
        return f"{error.strerror or error}: {error.filename}"
    text = str(error).strip()
    return text.splitlines()[0] if text else type(error).__name__


def _at_least(minimum: int):
    def parse(text: str) -> int:
        try:
            value = int(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"{text!r} is not a whole number") from None
        if value < minimum:
            raise argparse.ArgumentTypeError(f"{value} is too small: at least {minimum}")
        return value

    return parse


def _port(text: str) -> int:
    value = _at_least(1)(text)
    if value > 65535:
        raise argparse.ArgumentTypeError(f"{value} is not a port: 1 to 65535")
    return value


def _demo_data(args: argparse.Namespace) -> int:
    from orchestration.demo_data import generate

    counts = generate(args.out, clients=args.clients, years=args.years, seed=args.seed, end_date=args.end_date)
    for file_name, rows in counts.items():
        print(f"{args.out / file_name}: {rows} rows")
    return 0


def _set_home(home: Path | None) -> None:
    if home is not None:
        os.environ["CARTERA_HOME"] = str(home.resolve())


def _refresh(args: argparse.Namespace) -> int:
    _set_home(args.home)
    _migrate_app_store()
    if args.as_of is not None:
        os.environ["CARTERA_AS_OF_DATE"] = args.as_of.isoformat()
    from orchestration.refresh import run_refresh

    return run_refresh(force=args.force)


def _status(args: argparse.Namespace) -> int:
    _set_home(args.home)
    from orchestration.status import print_status

    return print_status(args.runs)


def _serve(args: argparse.Namespace) -> int:
    _set_home(args.home)
    _migrate_app_store()
    app = Path(dashboards.__file__).resolve().parent / "app.py"
    command = [
        sys.executable, "-m", "streamlit", "run", str(app),
        "--server.port", str(args.port),
        "--server.headless", "true",
        "--browser.gatherUsageStats", "false",
    ]
    print(f"cartera dashboards: http://localhost:{args.port}", flush=True)
    # Streamlit replaces this process (same pid): a SIGTERM from a shell, a scheduler or
    # a test reaches the server itself, and no child is left behind when it stops.
    os.execv(sys.executable, command)


def _withdraw(args: argparse.Namespace) -> int:
    import duckdb

    from dashboards.i18n.messages import cli_language, render
    from orchestration.config import load_settings
    from orchestration.ingest.loader import WithdrawError, withdraw_file
    from orchestration.refresh_inputs import forget

    settings = load_settings(args.home)
    if not settings.build_db.exists():
        print(f"withdraw failed: no warehouse in {settings.home} (nothing was ever loaded there)", flush=True)
        return 1
    try:
        with duckdb.connect(str(settings.build_db)) as conn:
            print(render(withdraw_file(conn, args.file), cli_language()), flush=True)
    except WithdrawError as error:
        print(f"withdraw failed: {render(error.message, cli_language())}", flush=True)
        return 1
    except duckdb.IOException as error:
        print(f"withdraw failed: the warehouse is busy (is a refresh running?): {str(error).splitlines()[0]}", flush=True)
        return 1
    # Raw changed: the next refresh rebuilds, even with nothing new in the inbox.
    forget(settings)
    return 0



# --- App-state store: `cartera users …` and `cartera audit verify` (dashboards/app_state).
# Passwords are never arguments (they would sit in the shell history and the process
# list): asked twice on a terminal, else read from the first line of stdin, the usual way
# to script it (`printf 'secret\n' | cartera users add ana --role viewer`) without putting
# it in an environment variable every child process inherits.


def _add_app_state_commands(commands: argparse._SubParsersAction) -> None:
    home = argparse.ArgumentParser(add_help=False)
    home.add_argument("--home", type=Path, help="cartera's data folder (default $CARTERA_HOME or ./data)")

    users = commands.add_parser("users", help="dashboard users: add, list, disable, enable, set-role, set-password")
    actions = users.add_subparsers(dest="users_command", required=True)
    add = actions.add_parser("add", parents=[home], help="add a user (the password is asked)")
    add.add_argument("name")
    add.add_argument("--role", required=True, help="viewer, committee or admin")
    add.add_argument("--if-missing", action="store_true", help="leave an existing user as it is (for scripts)")
    add.set_defaults(handler=_users_add)
    actions.add_parser("list", parents=[home], help="list users and roles").set_defaults(handler=_users_list)
    disable = actions.add_parser("disable", parents=[home], help="disable a user: no more logins")
    disable.add_argument("name")
    disable.set_defaults(handler=_users_disable)
    enable = actions.add_parser("enable", parents=[home], help="enable a disabled user again")
    enable.add_argument("name")
    enable.set_defaults(handler=_users_enable)
    set_role = actions.add_parser("set-role", parents=[home], help="give a user another role")
    set_role.add_argument("name")
    set_role.add_argument("role", help="viewer, committee or admin")
    set_role.set_defaults(handler=_users_set_role)
    set_password = actions.add_parser("set-password", parents=[home], help="set a user's password (asked)")
    set_password.add_argument("name")
    set_password.set_defaults(handler=_users_set_password)

    audit = commands.add_parser("audit", help="the audit trail of the app-state store")
    audit_actions = audit.add_subparsers(dest="audit_command", required=True)
    verify = audit_actions.add_parser("verify", parents=[home], help="check the hash chain; exit 1 where it breaks")
    verify.set_defaults(handler=_audit_verify)


def _open_app_store(args: argparse.Namespace):
    _set_home(args.home)
    from dashboards.app_state import open_store

    return open_store()


def _migrate_app_store() -> None:
    """`cartera refresh` and `serve` bring the store's schema up to date on start (the
    refresh reads its decisions, the dashboards write them), so a new version of cartera
    never meets an old store; a home without one gets an empty one. A store that cannot be
    opened stops the command with one line naming it (never its password)."""
    import sqlalchemy as sa

    from dashboards.app_state import default_url, open_store

    try:
        open_store().close()
    except sa.exc.SQLAlchemyError as error:
        where = sa.make_url(default_url()).render_as_string(hide_password=True)
        raise ValueError(f"the app-state store at {where} cannot be opened: {_one_line(error.orig or error)}") from error


def _read_password(name: str) -> str | None:
    import getpass

    if not sys.stdin.isatty():
        return sys.stdin.readline().removesuffix("\n").removesuffix("\r")
    first = getpass.getpass(f"password for {name}: ")
    if getpass.getpass("again: ") != first:
        print("the two passwords differ; nothing changed", file=sys.stderr)
        return None
    return first


def _store_command(action) -> int:
    from dashboards.app_state import AppStateError

    try:
        return action()
    except AppStateError as error:
        print(f"cartera: {error}", file=sys.stderr)
        return 1


def _users_add(args: argparse.Namespace) -> int:
    from dashboards.app_state import add_user, get_user, shell_actor

    store = _open_app_store(args)
    if args.if_missing and get_user(store, args.name) is not None:
        print(f"user {args.name} exists: left as it is")
        return 0
    password = _read_password(args.name)
    if password is None:
        return 1

    def add() -> int:
        user = add_user(store, args.name, args.role, password, actor=shell_actor())
        print(f"user {user.name} added ({user.role})")
        return 0

    return _store_command(add)


def _users_list(args: argparse.Namespace) -> int:
    from dashboards.app_state import list_users

    for user in list_users(_open_app_store(args)):
        print(f"{user.name}\t{user.role}\t{'active' if user.is_active else 'disabled'}")
    return 0


def _users_disable(args: argparse.Namespace) -> int:
    from dashboards.app_state import disable_user, shell_actor

    store = _open_app_store(args)

    def disable() -> int:
        disable_user(store, args.name, actor=shell_actor())
        print(f"user {args.name} disabled")
        return 0

    return _store_command(disable)


def _users_enable(args: argparse.Namespace) -> int:
    from dashboards.app_state import enable_user, shell_actor

    store = _open_app_store(args)

    def enable() -> int:
        enable_user(store, args.name, actor=shell_actor())
        print(f"user {args.name} enabled")
        return 0

    return _store_command(enable)


def _users_set_role(args: argparse.Namespace) -> int:
    from dashboards.app_state import set_role, shell_actor

    store = _open_app_store(args)

    def change() -> int:
        user = set_role(store, args.name, args.role, actor=shell_actor())
        print(f"user {user.name} is now {user.role}")
        return 0

    return _store_command(change)


def _users_set_password(args: argparse.Namespace) -> int:
    from dashboards.app_state import set_password, shell_actor

    store = _open_app_store(args)
    password = _read_password(args.name)
    if password is None:
        return 1

    def change() -> int:
        set_password(store, args.name, password, actor=shell_actor())
        print(f"password of {args.name} set")
        return 0

    return _store_command(change)


def _audit_verify(args: argparse.Namespace) -> int:
    from dashboards.app_state import verify_store

    report = verify_store(_open_app_store(args))
    if report.intact:
        print(f"audit trail intact: {report.rows} rows")
        return 0
    print(f"audit trail broken at row {report.first_broken_seq}: {report.problem}")
    return 1


if __name__ == "__main__":
    sys.exit(main())
