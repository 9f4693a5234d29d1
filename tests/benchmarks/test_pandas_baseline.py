"""The pandas baseline of `make bench` computes the demo's figures as the marts do."""

from datetime import date

import duckdb
import pytest

from tests.benchmarks import pandas_baseline
from tests.conftest import DEMO_EXPORTS


def test_the_pandas_baseline_agrees_with_the_demo_marts_to_the_cent(demo_home):
    """Every aging column of every client with a balance, the company DSO of the last
    complete month and every client's weighted days beyond terms: recomputed from the
    committed exports, equal to the published marts'. Equality over whole tables is the
    check; a few hand-worked rows below show it compares real, non-trivial figures."""
    with duckdb.connect(str(demo_home / "cartera.duckdb"), read_only=True) as connection:
        (as_of,) = connection.execute("select max(as_of_date) from marts.ar_aging").fetchone()
        baseline = pandas_baseline.recompute(
            DEMO_EXPORTS, as_of, payment_dates=pandas_baseline.payment_dates_of(connection))
        marts = pandas_baseline.marts_figures(connection, baseline)

    assert pandas_baseline.differences(baseline, marts) == []
    # What was compared: 268 clients with a balance, the DSO of October 2026, and the
    # 287 of 300 clients with a payment in the year (the rest have none: NULL on both sides).
    assert len(baseline.aging) == 268
    assert list(baseline.dso_simple) == [date(2026, 10, 31)]
    assert baseline.dso_simple[date(2026, 10, 31)] is not None
    assert sum(value is not None for value in baseline.days_beyond_terms.values()) == 287


def test_without_the_bank_matched_payment_dates_the_baseline_disagrees(demo_home):
    """The receipts' best payment date (bank value date) moves aging and days beyond
    terms: dated by the invoicing system's receipt date instead, figures differ, so the
    comparison above is not one that cannot fail."""
    with duckdb.connect(str(demo_home / "cartera.duckdb"), read_only=True) as connection:
        (as_of,) = connection.execute("select max(as_of_date) from marts.ar_aging").fetchone()
        baseline = pandas_baseline.recompute(DEMO_EXPORTS, as_of)
        marts = pandas_baseline.marts_figures(connection, baseline)
    assert len(pandas_baseline.differences(baseline, marts)) > 0


def test_a_difference_names_the_client_the_figure_and_both_values():
    """One aging cell changed by a cent is reported, baseline value first."""
    figures = dict.fromkeys(pandas_baseline.AGING_COLUMNS, pandas_baseline.ZERO)
    ours = pandas_baseline.Baseline(date(2026, 10, 30), {"C0001": figures}, {}, {})
    theirs = pandas_baseline.Baseline(
        date(2026, 10, 30), {"C0001": figures | {"open_balance_amount": pandas_baseline.CENT}}, {}, {})
    assert pandas_baseline.differences(ours, theirs) == [
        "aging C0001 open_balance_amount: baseline 0.00 marts 0.01"]


def test_the_baseline_applies_money_as_the_decision_log_says():
    """Instalments 100.00 (due 1 March) and 100.00 (due 31 March), issued 1 February.
    5.00 on 1 February naming no instalment: 100.00 - 5.00 = 95.00 on the first. 145.00 on
    10 March, naming none either: 150.00 in all pays the oldest first, 100.00 - 100.00 =
    0.00 and 100.00 - 50.00 = 50.00. 30.00 on 20 March naming instalment 2: 50.00 - 30.00
    = 20.00."""
    from decimal import Decimal

    document = pandas_baseline.Document("D1", "C1", date(2025, 2, 1), False, Decimal(1))
    document.items = [
        pandas_baseline.Item("D1", 1, date(2025, 3, 1), Decimal("100.00"), True),
        pandas_baseline.Item("D1", 2, date(2025, 3, 31), Decimal("100.00"), True),
    ]
    document.reductions = [
        (date(2025, 2, 1), None, Decimal("5.00"), "receipt", "R0"),
        (date(2025, 3, 10), None, Decimal("145.00"), "receipt", "R1"),
        (date(2025, 3, 20), 2, Decimal("30.00"), "receipt", "R2"),
    ]
    assert pandas_baseline.outstanding(document, date(2025, 2, 28)) == [Decimal("95.00"), Decimal("100.00")]
    assert pandas_baseline.outstanding(document, date(2025, 3, 10)) == [Decimal("0.00"), Decimal("50.00")]
    assert pandas_baseline.outstanding(document, date(2025, 3, 20)) == [Decimal("0.00"), Decimal("20.00")]
    # Instalment 1 reached zero on 10 March, 9 days after its due date, paid by receipts.
    assert [(item.installment_no, day) for item, day in
            pandas_baseline.paid_installments(document, date(2025, 3, 31))] == [(1, date(2025, 3, 10))]


def test_the_exports_cut_by_client_give_the_figures_of_the_whole(tmp_path):
    """L's exports do not fit in memory at once, so the baseline recomputes them in blocks
    of clients. Cut into 7 blocks, the demo's exports give exactly the figures of one pass:
    every client's aging and days beyond terms, and the company DSO, whose ending AR and
    credit sales are sums over the blocks before the one division."""
    as_of = date(2026, 10, 30)
    whole = pandas_baseline.recompute(DEMO_EXPORTS, as_of)
    blocks = pandas_baseline.split_by_client(DEMO_EXPORTS, tmp_path, 7)
    cut = pandas_baseline.recompute(DEMO_EXPORTS, as_of, blocks=7)

    assert (cut.aging, cut.dso_simple, cut.days_beyond_terms) == (whole.aging, whole.dso_simple, whole.days_beyond_terms)
    assert len(whole.aging) > 200 and next(iter(whole.dso_simple.values())) is not None
    # Every document row lands in exactly one block, in its clients' block only.
    per_block = [pandas_baseline.read_csv(block, "documents.csv") for block in blocks]
    assert sum(len(rows) for rows in per_block) == len(pandas_baseline.read_csv(DEMO_EXPORTS, "documents.csv"))
    clients = [set(rows["client_id"]) for rows in per_block]
    assert sum(len(found) for found in clients) == len(set().union(*clients))
    assert sum(1 for found in clients if found) >= 5  # the hash spreads 300 clients over the blocks


def test_a_document_exported_under_two_clients_stops_the_cut(tmp_path):
    """Blocks by client would split such a document's versions: the cut refuses it."""
    exports = tmp_path / "exports"
    exports.mkdir()
    for name in ("fx_rates.csv", "receipts.csv", "installments.csv", "withholdings.csv", "allocations.csv"):
        (exports / name).write_text((DEMO_EXPORTS / name).read_text(encoding="utf-8").splitlines()[0] + "\n",
                                    encoding="utf-8")
    header = (DEMO_EXPORTS / "documents.csv").read_text(encoding="utf-8").splitlines()[0]
    (exports / "documents.csv").write_text(
        header + "\n"
        "D1,invoice,F-1,C0001,2025-01-10,2025-02-09,EUR,100.00,21.00,0.00,121.00,,,issued,2025-01-10T09:00:00,,,false,\n"
        "D1,invoice,F-1,C0002,2025-01-10,2025-02-09,EUR,100.00,21.00,0.00,121.00,,,issued,2025-01-11T09:00:00,,,false,\n",
        encoding="utf-8")
    # C0001 and C0002 hash to different blocks of 64.
    with pytest.raises(ValueError, match="documents.csv: D1 is exported under two clients"):
        pandas_baseline.split_by_client(exports, tmp_path / "blocks", 64)
