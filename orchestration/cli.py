"""`cartera`: generate demo exports, refresh the warehouse, serve the dashboards."""

import argparse
import os
import subprocess
import sys
from datetime import date
from pathlib import Path

import dashboards


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="cartera", description="Receivables warehouse for SMEs.")
    commands = parser.add_subparsers(dest="command", required=True)

    demo = commands.add_parser("demo-data", help="write a deterministic set of demo exports")
    demo.add_argument("--out", type=Path, required=True, help="folder to write the export files into")
    demo.add_argument("--clients", type=int, default=300, help="number of clients (default 300)")
    demo.add_argument("--years", type=int, default=2, help="years of history (default 2)")
    demo.add_argument("--seed", type=int, default=42, help="random seed: same seed, same bytes (default 42)")
    demo.add_argument("--end-date", type=date.fromisoformat, default=date(2026, 10, 31), help="last day of the history (default 2026-10-31)")
    demo.set_defaults(handler=_demo_data)

    refresh = commands.add_parser("refresh", help="ingest the inbox, build and check the warehouse, publish it")
    refresh.add_argument("--home", type=Path, help="cartera's data folder (default $CARTERA_HOME or ./data)")
    refresh.add_argument("--as-of", type=date.fromisoformat, help="answer for this date (default: the latest data date)")
    refresh.set_defaults(handler=_refresh)

    serve = commands.add_parser("serve", help="serve the dashboards on the published warehouse")
    serve.add_argument("--home", type=Path, help="cartera's data folder (default $CARTERA_HOME or ./data)")
    serve.add_argument("--port", type=int, default=8501, help="port (default 8501)")
    serve.set_defaults(handler=_serve)

    withdraw = commands.add_parser(
        "withdraw", help="take a loaded export file out of the warehouse (the next refresh rebuilds without it)"
    )
    withdraw.add_argument("file", metavar="FILE_NAME_OR_SHA256", help="the loaded file's name, or its sha256 when several share it")
    withdraw.add_argument("--home", type=Path, help="cartera's data folder (default $CARTERA_HOME or ./data)")
    withdraw.set_defaults(handler=_withdraw)

    args = parser.parse_args(argv)
    return args.handler(args)


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

    return 0 if run_refresh() else 1


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
    return subprocess.call(command)


def _withdraw(args: argparse.Namespace) -> int:
    import duckdb

    from orchestration.config import load_settings
    from orchestration.ingest.loader import WithdrawError, withdraw_file

    settings = load_settings(args.home)
    if not settings.build_db.exists():
        print(f"withdraw failed: no warehouse in {settings.home} (nothing was ever loaded there)", flush=True)
        return 1
    try:
        with duckdb.connect(str(settings.build_db)) as conn:
            print(withdraw_file(conn, args.file), flush=True)
    except WithdrawError as error:
        print(f"withdraw failed: {error}", flush=True)
        return 1
    except duckdb.IOException as error:
        print(f"withdraw failed: the warehouse is busy (is a refresh running?): {str(error).splitlines()[0]}", flush=True)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
