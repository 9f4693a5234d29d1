"""A small published warehouse in the exact shape the pipeline publishes, in a real DuckDB file.

Four clients, three month ends; the last month end is the warehouse's as-of date, so
marts.ar_aging holds the March rows of marts.ar_aging_monthly; marts.ar_totals their sums per
month end for the company and each branch.
"""

from datetime import date
from decimal import Decimal
from pathlib import Path

import duckdb

BUCKETS = [
    (1, "not_due_amount", None, 0),
    (2, "days_1_30_amount", 1, 30),
    (3, "days_31_60_amount", 31, 60),
    (4, "days_61_90_amount", 61, 90),
    (5, "days_91_120_amount", 91, 120),
    (6, "days_over_120_amount", 121, None),
]

CLIENTS = {
    "C1": ("Construcciones Ebro S.L.", "Zaragoza", "Lucía Martín"),
    "C2": ("Talleres Norte S.A.", "Bilbao", "Iker Etxeberria"),
    "C3": ("Hostelería Sol S.L.", "Málaga", "Lucía Martín"),
    "C4": ("Almacenes Duero S.L.", None, "Pablo Ruiz"),
}

JANUARY, FEBRUARY, MARCH = date(2026, 1, 31), date(2026, 2, 28), date(2026, 3, 31)

# month end -> client -> (six bucket amounts in bucket order, unapplied cash)
MONTHS = {
    JANUARY: {
        "C1": (["1200.00", "300.00", "0.00", "0.00", "0.00", "0.00"], "0.00"),
        "C2": (["1500.00", "0.00", "1200.00", "0.00", "0.00", "0.00"], "0.00"),
        "C3": (["500.00", "0.00", "0.00", "0.00", "0.00", "0.00"], "20.00"),
    },
    FEBRUARY: {
        "C1": (["900.00", "400.00", "300.00", "0.00", "0.00", "0.00"], "0.00"),
        "C2": (["2000.00", "0.00", "0.00", "1200.00", "0.00", "0.00"], "0.00"),
        "C3": (["650.00", "0.00", "0.00", "0.00", "0.00", "0.00"], "75.00"),
        "C4": (["0.00", "0.00", "0.00", "0.00", "0.00", "2999.99"], "0.00"),
    },
    MARCH: {
        "C1": (["1000.00", "500.00", "250.50", "0.00", "0.00", "100.00"], "50.00"),
        "C2": (["2000.00", "0.00", "0.00", "1200.00", "300.25", "0.00"], "0.00"),
        "C3": (["800.00", "0.00", "0.00", "0.00", "0.00", "0.00"], "120.00"),
        "C4": (["0.00", "0.00", "0.00", "0.00", "0.00", "2999.99"], "0.00"),
    },
}

def _aging_columns(bucket_columns: list[str]) -> str:
    return f"""
        as_of_date date,
        client_id varchar,
        client_name varchar,
        branch varchar,
        salesperson varchar,
        currency_code varchar,
        {", ".join(f"{column} decimal(18, 2)" for column in bucket_columns)},
        open_balance_amount decimal(18, 2),
        overdue_amount decimal(18, 2),
        in_dispute_amount decimal(18, 2),
        unapplied_cash_amount decimal(18, 2),
        net_balance_amount decimal(18, 2)
    """


def aging_rows(buckets: list[tuple], months: dict, scale: Decimal) -> list[tuple]:
    """Mart rows from bucket amounts, derived as the pipeline does (open = sum of buckets,
    overdue = buckets from 1 day past due, nothing in dispute, net = open - unapplied); `scale` multiplies money."""
    rows = []
    for month_end, clients in months.items():
        for client_id, (bucket_amounts, unapplied) in clients.items():
            amounts = [Decimal(amount) * scale for amount in bucket_amounts]
            unapplied_cash = Decimal(unapplied) * scale
            open_balance = sum(amounts)
            overdue = sum(
                amount
                for amount, (_, _, min_days, _) in zip(amounts, buckets)
                if min_days is not None and min_days >= 1
            )
            rows.append(
                (month_end, client_id, *CLIENTS[client_id], "EUR", *amounts,
                 open_balance, overdue, Decimal("0.00"), unapplied_cash,
                 open_balance - unapplied_cash)
            )
    return rows


def write_published_db(
    path: Path,
    *,
    buckets: list[tuple] = BUCKETS,
    months: dict = MONTHS,
    scale: Decimal = Decimal(1),
) -> Path:
    """Write a published warehouse to `path`: the fixture's buckets and months unless told
    otherwise (each client's amounts listed in bucket order), money multiplied by `scale`."""
    rows = aging_rows(buckets, months, scale)
    placeholders = ", ".join("?" * len(rows[0]))
    with duckdb.connect(str(path)) as connection:
        connection.execute("create schema marts")
        connection.execute(
            "create table marts.aging_buckets ("
            "bucket_order integer, column_name varchar, min_days integer, max_days integer)"
        )
        connection.executemany("insert into marts.aging_buckets values (?, ?, ?, ?)", buckets)
        bucket_columns = [column for _, column, _, _ in buckets]
        connection.execute(
            f"create table marts.ar_aging_monthly ({_aging_columns(bucket_columns)})"
        )
        connection.executemany(
            f"insert into marts.ar_aging_monthly values ({placeholders})", rows
        )
        connection.execute(
            "create table marts.ar_aging as select * from marts.ar_aging_monthly "
            "where as_of_date = (select max(as_of_date) from marts.ar_aging_monthly)"
        )
        # The pipeline's ar_totals holds each month end's sums for the company and each
        # dimension value; the overview's aging history reads its bucket columns.
        connection.execute(
            "create table marts.ar_totals as "
            "select as_of_date, 'company' as dimension_type, 'all' as dimension_value, "
            "count(*) as client_count, sum(columns('_amount$')) "
            "from marts.ar_aging_monthly group by as_of_date "
            "union all by name "
            "select as_of_date, 'branch' as dimension_type, branch as dimension_value, "
            "count(*) as client_count, sum(columns('_amount$')) "
            "from marts.ar_aging_monthly where branch is not null group by as_of_date, branch"
        )
        # Like the pipeline's macro, the body names the catalog, which DuckDB takes from the
        # file name: a reader must attach the file under that name for the macro to resolve.
        monthly = f"{path.stem}.marts.ar_aging_monthly"
        connection.execute(
            f"create macro marts.ar_aging_at(d) as table select * from {monthly} "
            f"where as_of_date = (select max(as_of_date) from {monthly} where as_of_date <= d)"
        )
    return path
