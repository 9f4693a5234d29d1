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
            "  0  published, clean\n"
            "  1  nothing published: the published warehouse was left as it was\n"
            "  2  published, with quarantined or unrecognised files or failed warning checks\n"
            "Each refresh appends its outcome to $CARTERA_HOME/refresh_history.jsonl."
        ),
    )
    refresh.add_argument("--home", type=Path, help="cartera's data folder (default $CARTERA_HOME or ./data)")
    refresh.add_argument("--as-of", type=date.fromisoformat, help="answer for this date (default: the latest data date)")
    refresh.set_defaults(handler=_refresh)

    serve = commands.add_parser("serve", help="serve the dashboards on the published warehouse")
    serve.add_argument("--home", type=Path, help="cartera's data folder (default $CARTERA_HOME or ./data)")
    serve.add_argument("--port", type=_port, default=8501, help="port (default 8501)")
    serve.set_defaults(handler=_serve)

    status = commands.add_parser("status", help="the last refreshes: outcome and the checks that failed or warned")
    status.add_argument("--home", type=Path, help="cartera's data folder (default $CARTERA_HOME or ./data)")
    status.add_argument("--runs", type=_at_least(1), default=5, help="how many runs to show (default 5)")
    status.set_defaults(handler=_status)

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
    if args.as_of is not None:
        os.environ["CARTERA_AS_OF_DATE"] = args.as_of.isoformat()
    from orchestration.refresh import run_refresh

    return run_refresh()


def _status(args: argparse.Namespace) -> int:
    _set_home(args.home)
    from orchestration.status import print_status

    return print_status(args.runs)


def _serve(args: argparse.Namespace) -> int:
    _set_home(args.home)
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


if __name__ == "__main__":
    sys.exit(main())
