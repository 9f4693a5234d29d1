"""The concentration page's queries on a hand-made client_concentration: the Pareto chart
reads a bounded sample of ranks, each row the mart's own figures; the clients' list reads
a page at a time."""

from datetime import date
from decimal import Decimal

import duckdb
import pandas as pd
import pytest

from dashboards import db
from dashboards.queries import concentration
from dashboards.queries.base import Page
from dashboards.selection import Filters

END = date(2026, 10, 31)
# Ten clients' revenue of one period, largest first: 500 + 200 + 100 + 80 + 50 + 30 + 20 +
# 10 + 6.40 + 3.60 = 1,000.00. Shares 50, 20, 10, 8, 5, 3, 2, 1, 0.64, 0.36 %; cumulative
# 50, 70, 80, 88, 93, 96, 98, 99, 99.64, 100 %. Class A up to 80 % (ranks 1-3), B up to
# 95 % (4-5), C the rest (6-10).
REVENUE = ["500.00", "200.00", "100.00", "80.00", "50.00", "30.00", "20.00", "10.00", "6.40", "3.60"]
CUMULATIVE = ["50.0000", "70.0000", "80.0000", "88.0000", "93.0000", "96.0000", "98.0000",
              "99.0000", "99.6400", "100.0000"]
CLASSES = ["A", "A", "A", "B", "B", "C", "C", "C", "C", "C"]


@pytest.fixture(scope="module")
def database(tmp_path_factory) -> db.PublishedDatabase:
    path = tmp_path_factory.mktemp("concentration") / "cartera.duckdb"
    with duckdb.connect(str(path)) as connection:
        connection.execute("create schema marts")
        connection.execute(
            "create table marts.client_concentration (period_type varchar, period_end date, "
            "revenue_rank bigint, client_id varchar, client_name varchar, "
            "net_revenue_amount decimal(18, 2), revenue_share_pct decimal(18, 4), "
            "cumulative_share_pct decimal(18, 4), abc_class varchar)"
        )
        connection.executemany(
            "insert into marts.client_concentration values (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [
                ("year", END, rank, f"C{rank:02}", f"Cliente {rank}", Decimal(amount),
                 Decimal(amount) * Decimal("0.1"), Decimal(cumulative), abc_class)
                for rank, (amount, cumulative, abc_class)
                in enumerate(zip(REVENUE, CUMULATIVE, CLASSES), start=1)
            ],
        )
        # Another period's rows: never read for this one.
        connection.execute(
            "insert into marts.client_concentration values "
            "('year', '2025-10-31', 1, 'C01', 'Cliente 1', 1.00, 100.0000, 100.0000, 'A')"
        )
    return db.PublishedDatabase(db.file_identity(path))


def test_the_pareto_reads_the_top_every_kth_rank_after_and_each_class_s_last(database):
    """top 2, points 3: after the top 2 there are 8 ranks, k = ceil(8 / 3) = 3, so ranks 5
    and 8 (2 + 3, 2 + 6); the classes end at 3 (A), 5 (B) and 10 (C): ranks 1, 2, 3, 5, 8,
    10, each with the mart's figures (cumulative 50, 70, 80, 93, 99, 100 %)."""
    points = concentration.pareto_points(database, "year", END, top=2, points=3)

    assert list(points["revenue_rank"]) == [1, 2, 3, 5, 8, 10]
    assert list(points["net_revenue_amount"]) == [Decimal(a) for a in ("500.00", "200.00", "100.00", "50.00", "10.00", "3.60")]
    assert list(points["cumulative_share_pct"]) == [Decimal(c) for c in ("50", "70", "80", "93", "99", "100")]
    assert list(points["revenue_share_pct"]) == [Decimal(s) for s in ("50", "20", "10", "5", "1", "0.36")]
    assert list(points["abc_class"]) == ["A", "A", "A", "B", "C", "C"]
    assert list(points["client_id"]) == ["C01", "C02", "C03", "C05", "C08", "C10"]


def test_a_period_of_at_most_top_plus_points_clients_is_read_whole(database):
    """10 clients, top 4 + points 6 = 10: k = ceil(6 / 6) = 1, every rank, equal to the list."""
    points = concentration.pareto_points(database, "year", END, top=4, points=6)

    pd.testing.assert_frame_equal(points, concentration.clients(database, "year", END, Filters()))


def test_the_clients_list_reads_a_page_and_counts_every_client(database):
    """Pages of 4 rows: ranks 1-4, 5-8, 9-10; the count is the period's 10 clients."""
    assert concentration.client_count(database, "year", END, Filters()) == 10
    pages = [concentration.clients(database, "year", END, Filters(), Page(number, 4)) for number in range(3)]

    assert [list(page["revenue_rank"]) for page in pages] == [[1, 2, 3, 4], [5, 6, 7, 8], [9, 10]]
