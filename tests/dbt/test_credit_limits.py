"""credit_limits and credit_decision_history on a hand-made inbox
(tests/fixtures/credit_inbox), as of 2025-06-30, with committee decisions written to
raw.credit_decisions before the build (they are app state, not an export). Decisions are
current state: one recorded after the as-of date counts too.

The fixture, in the reporting currency (EUR):
    P1  EUR limit 10000.00, terms 30. I1 6050.00 (04-10, paid on its due date 05-10),
        I2 3630.00 (05-15) and I3 2420.00 (06-05) open; 500.00 received 06-20, unapplied.
    P2  EUR limit 2000.00, terms 60. J1 1500.00 (03-20) and J2 1000.00 (04-25) open, no
        receipt ever.
    P3  USD limit 5000.00, terms 30. K1 4000.00 USD (06-10) open, at 1.25 USD/EUR = 3200.00.
        From 06-27 the rate is 2.00 USD/EUR: the limit is 5000.00 / 2 = 2500.00 today.
    P4  no limit, terms 30. L1 100.00 (06-01) open.
    P5  limit 0.00, terms 0, no documents.
Vars: credit_concentration_cap_pct 40, credit_concentration_review_pct 50 (the defaults,
5 and 10, would cap and flag everyone in a five-client book).
"""

import datetime as dt
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

import duckdb
import pytest

from orchestration.config import load_settings
from orchestration.ingest.raw_tables import ensure_raw_schema
from tests.dbt.warehouse import build_warehouse

INBOX = Path(__file__).parent.parent / "fixtures" / "credit_inbox"
AS_OF = dt.date(2025, 6, 30)
REASON_ORDER = ["review_date_reached", "no_recent_review", "no_limit", "breach", "grade_worsened", "high_utilisation", "concentration", "never_paid"]
GRADE_FACTORS = {"A": Decimal("1.2"), "B": Decimal("1.0"), "C": Decimal("0.8"), "D": Decimal("0.5"), "E": Decimal("0")}

D = dt.date
DECISIONS = [
    # (id, client, action, limit, currency, reason, by, recorded at, meeting, next review)
    ("DEC1", "P1", "raise", Decimal("8000.00"), "EUR", "alta de cliente", "ana", dt.datetime(2024, 3, 1, 10, 0),
     D(2024, 2, 29), None),
    # The ERP still carries 10000.00: a mismatch for the bookkeeper.
    ("DEC2", "P1", "raise", Decimal("12000.00"), "EUR", "más volumen", "luis", dt.datetime(2025, 1, 15, 9, 30),
     D(2025, 1, 14), D(2025, 12, 31)),
    # Recorded after the as-of date: still the latest decision (a hold sets no limit).
    ("DEC3", "P2", "hold_new_orders", None, None, "esperar pago", "ana", dt.datetime(2025, 7, 5, 12, 0),
     D(2025, 7, 4), D(2025, 9, 30)),
    # More than 12 months before the as-of date (2024-05-01 <= 2024-06-30), no next review.
    ("DEC4", "P3", "raise", Decimal("5000.00"), "USD", "alta", "luis", dt.datetime(2024, 5, 1, 8, 0),
     D(2024, 4, 30), None),
    ("DEC5", "P5", "raise", Decimal("500.00"), "EUR", "prueba", "ana", dt.datetime(2025, 2, 1, 9, 0),
     D(2025, 1, 31), None),
    # The export still says 0.00; the committee removed the limit. Review due on the as-of date.
    ("DEC6", "P5", "remove_limit", None, None, "sin riesgo", "luis", dt.datetime(2025, 6, 20, 9, 0),
     D(2025, 6, 19), D(2025, 6, 30)),
]


@pytest.fixture(scope="module")
def warehouse(tmp_path_factory):
    home = tmp_path_factory.mktemp("credit")
    settings = load_settings(home)
    settings.make_dirs()
    with duckdb.connect(str(settings.build_db)) as conn:
        ensure_raw_schema(conn)
        conn.executemany(
            "insert into raw.credit_decisions (decision_id, client_id, decision, credit_limit, currency, reason,"
            " decided_by, decided_at, meeting_date, next_review_date) values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            DECISIONS,
        )
    dbt_vars = {
        "as_of_date": AS_OF.isoformat(),
        "credit_concentration_cap_pct": 40,
        "credit_concentration_review_pct": 50,
    }
    database = build_warehouse(INBOX, home, dbt_vars, select="+credit_limits +credit_decision_history")
    with duckdb.connect(str(database), read_only=True) as conn:
        yield conn


def rows(conn, sql: str) -> list[dict]:
    cursor = conn.execute(sql)
    names = [column[0] for column in cursor.description]
    return [dict(zip(names, row)) for row in cursor.fetchall()]


@pytest.fixture(scope="module")
def limits(warehouse) -> dict[str, dict]:
    return {row["client_id"]: row for row in rows(warehouse, "select * from marts.credit_limits")}


def test_one_row_per_current_client(limits):
    assert sorted(limits) == ["P1", "P2", "P3", "P4", "P5"]


def test_limit_exposure_utilisation_available(limits):
    """P1: the committee's 12000.00 (DEC2); exposure 3630.00 + 2420.00 = 6050.00; less
        unapplied 500.00 = 5550.00; utilisation 6050 / 12000 = 50.41666… = 50.4167 %;
        available 12000.00 - 6050.00 = 5950.00.
    P2: exposure 1500.00 + 1000.00 = 2500.00 > 2000.00: 125.0000 %, available 0.00.
    P3: limit 5000.00 USD / 2.00 = 2500.00 EUR; exposure 4000.00 / 1.25 = 3200.00;
        3200 / 2500 = 128.0000 %; available 0.00.
    P4: no limit: utilisation and available NULL, never in breach.
    P5: the committee removed the export's 0.00 limit (DEC6): no limit, utilisation and
        available NULL."""
    p1, p2, p3, p4, p5 = (limits[c] for c in ("P1", "P2", "P3", "P4", "P5"))
    assert p1["credit_limit_reporting_amount"] == Decimal("12000.00")
    assert p1["exposure_amount"] == Decimal("6050.00")
    assert p1["unapplied_cash_amount"] == Decimal("500.00")
    assert p1["exposure_net_of_unapplied_amount"] == Decimal("5550.00")
    assert p1["exposure_basis"] == "open_balance"
    assert p1["utilisation_pct"] == Decimal("50.4167")
    assert p1["available_credit_amount"] == Decimal("5950.00")
    assert p1["is_in_breach"] is False
    assert p2["utilisation_pct"] == Decimal("125.0000")
    assert p2["available_credit_amount"] == Decimal("0.00")
    assert p2["is_in_breach"] is True
    assert p3["credit_limit_amount"] == Decimal("5000.00")
    assert p3["credit_limit_currency_code"] == "USD"
    assert p3["credit_limit_reporting_amount"] == Decimal("2500.00")
    assert p3["exposure_amount"] == Decimal("3200.00")
    assert p3["utilisation_pct"] == Decimal("128.0000")
    assert p3["is_in_breach"] is True
    assert p4["credit_limit_amount"] is None
    assert p4["utilisation_pct"] is None
    assert p4["available_credit_amount"] is None
    assert p4["is_in_breach"] is False
    assert p5["credit_limit_amount"] is None
    assert p5["utilisation_pct"] is None
    assert p5["available_credit_amount"] is None
    assert p5["is_in_breach"] is False


def test_committee_limit_beside_the_export_limit(limits):
    """The latest raise/reduce/remove_limit decision is the limit; the export's stays beside
    it, and a difference is the bookkeeper's to fix in the ERP.
    P1: DEC2 12000.00 EUR (meeting 2025-01-14) vs the export's 10000.00 -> mismatch.
    P2: its only decision, DEC3, is a hold: the export's 2000.00, source invoicing_export.
    P3: DEC4 5000.00 USD = the export's 5000.00 USD -> committee, no mismatch.
    P4: no decision: the export's (none).
    P5: DEC6 remove_limit (after DEC5's 500.00): none vs the export's 0.00 -> mismatch."""
    expected = {
        "P1": ("committee", Decimal("12000.00"), "EUR", "raise", D(2025, 1, 14), Decimal("10000.00"), True),
        "P2": ("invoicing_export", Decimal("2000.00"), "EUR", None, None, Decimal("2000.00"), False),
        "P3": ("committee", Decimal("5000.00"), "USD", "raise", D(2024, 4, 30), Decimal("5000.00"), False),
        "P4": ("invoicing_export", None, "EUR", None, None, None, False),
        "P5": ("committee", None, "EUR", "remove_limit", D(2025, 6, 19), Decimal("0.00"), True),
    }
    for client, (source, limit, currency, decision, decided_on, erp_limit, mismatch) in expected.items():
        row = limits[client]
        assert (
            row["credit_limit_source"], row["credit_limit_amount"], row["credit_limit_currency_code"],
            row["limit_decision"], row["limit_decision_date"], row["erp_credit_limit_amount"],
            row["has_erp_limit_mismatch"],
        ) == (source, limit, currency, decision, decided_on, erp_limit, mismatch), client
    assert limits["P3"]["erp_credit_limit_currency_code"] == "USD"


def test_days_in_breach_from_month_ends(limits):
    """P2 against its 2000.00 limit: 03-31 owes J1 1500.00 (clear); 04-30 and 05-31 owe
    1500.00 + 1000.00 = 2500.00 (breach); 06-30 (the as-of date) 2500.00 (breach). The run
    starts at 04-30: 31 + 30 = 61 days. P3 owed nothing at any month end before June
    (clear) and is over only at the as-of date: since 06-30, 0 days."""
    assert limits["P2"]["breach_since_date"] == dt.date(2025, 4, 30)
    assert limits["P2"]["days_in_breach"] == 61
    assert limits["P3"]["breach_since_date"] == AS_OF
    assert limits["P3"]["days_in_breach"] == 0
    assert limits["P1"]["days_in_breach"] is None


def test_peak_monthly_sales(limits):
    """Credit sales (totals) per month, July 2024 to June 2025: P1 April 6050.00, May 3630.00,
    June 2420.00 -> 6050.00. P2 March 1500.00, April 1000.00 -> 1500.00. P3 June 4000.00 USD
    at 1.25 = 3200.00. P4 100.00. P5 nothing -> 0.00."""
    assert [limits[c]["peak_monthly_sales_amount"] for c in ("P1", "P2", "P3", "P4", "P5")] == [
        Decimal("6050.00"), Decimal("1500.00"), Decimal("3200.00"), Decimal("100.00"), Decimal("0.00"),
    ]


def test_company_revenue_and_concentration_cap(limits):
    """Net revenue of the 12 months to 06-30: P1 5000 + 3000 + 2000 = 10000.00, P2 1500 + 1000
    = 2500.00, P3 4000 USD / 1.25 = 3200.00, P4 100.00: 15800.00. Cap 40 % = 6320.00.
    Revenue shares: P1 10000 / 15800 = 63.29 %; AR shares: P1 6050 / (6050 + 2500 + 3200 +
    100 = 11850) = 51.05 %."""
    for row in limits.values():
        assert row["company_revenue_12m_amount"] == Decimal("15800.00")
        assert row["concentration_cap_amount"] == Decimal("6320.00")
    assert round(limits["P1"]["revenue_share_pct"], 2) == Decimal("63.29")
    assert round(limits["P1"]["ar_share_pct"], 2) == Decimal("51.05")


def cents(value: Decimal) -> Decimal:
    return value.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


@pytest.mark.parametrize(("client", "peak", "terms"), [
    ("P1", Decimal("6050.00"), 30), ("P2", Decimal("1500.00"), 60), ("P3", Decimal("3200.00"), 30),
    ("P4", Decimal("100.00"), 30), ("P5", Decimal("0.00"), 0),
])
def test_recommended_limit(warehouse, limits, client, peak, terms):
    """base = peak x (terms + expected days late) / 30 x grade factor; the lower of base and
    the 6320.00 cap, rounded down to a multiple of 500. Expected days late: the only paid
    invoice (I1) was paid on its due date, so every client's is 0. The grade is
    payment_behavior's (an input here, engineer A's model); its factor is the policy's
    (A 1.2, B 1.0, C 0.8, D 0.5, E 0, none 1.0). With the grades payment_behavior gives
    today: P1 A: 6050.00 x 30 / 30 x 1.2 = 7260.00, capped 6320.00 -> 6000.00;
    P2 E: 1500.00 x 60 / 30 x 0 = 0.00 -> 0.00; P3 C: 3200.00 x 30 / 30 x 0.8 = 2560.00
    -> 2500.00; P4 C: 100.00 x 0.8 = 80.00 -> 0.00; P5 ungraded: 0.00 x 0 / 30 -> 0.00."""
    row = limits[client]
    behavior = warehouse.execute(
        "select grade from marts.payment_behavior where client_id = ?", [client]
    ).fetchone()
    grade = behavior[0] if behavior else None
    factor = GRADE_FACTORS.get(grade, Decimal("1.0"))
    assert row["grade"] == grade
    assert row["expected_days_late"] == Decimal("0.00")
    assert row["grade_factor"] == factor
    base = cents(peak * terms * factor / 30)
    assert row["base_recommended_limit_amount"] == base
    recommended = (min(base, Decimal("6320.00")) // 500) * 500
    assert row["recommended_limit_amount"] == recommended
    basis = "no_sales" if peak == 0 else "concentration_cap" if Decimal("6320.00") < base else "sales"
    assert row["recommendation_basis"] == basis
    assert (row["sales_window_months"], row["concentration_cap_pct"], row["limit_rounding_amount"]) == (
        12, Decimal("40.00"), Decimal("500.00"),
    )


def test_review_reasons(warehouse, limits):
    """P1: DEC2 set the next review for 2025-12-31 (not reached): not due, whatever the
        rules say; reviewed 5 months before (2025-01 -> 2025-06); 6050 / 12000 = 50.4 % <=
        90 %; revenue share 63.29 % > 50 % -> concentration; has paid.
    P2: DEC3 (recorded 2025-07-05) set the next review for 2025-09-30: not due; listed:
        breach; 125 % -> high_utilisation; never paid with 2500.00 owed -> never_paid.
    P3: last review 2024-05-01, 13 months before, no next review date -> no_recent_review;
        breach; 128 %; never paid. Due.
    P4: never reviewed -> no_recent_review; no limit with 100.00 owed -> no_limit;
        never_paid. Due.
    P5: DEC6's next review 2025-06-30 = the as-of date -> review_date_reached; owes
        nothing. Due.
    grade_worsened comes from payment_behavior (grade worse than 90 days before)."""
    worsened = dict(warehouse.execute(
        "select client_id, coalesce(grade > previous_grade, false) from marts.payment_behavior"
    ).fetchall())
    flags = {
        "P1": ({"concentration"}, False, 5),
        "P2": ({"breach", "high_utilisation", "never_paid"}, False, -1),
        "P3": ({"no_recent_review", "breach", "high_utilisation", "never_paid"}, True, 13),
        "P4": ({"no_recent_review", "no_limit", "never_paid"}, True, None),
        "P5": ({"review_date_reached"}, True, 0),
    }
    for client, (reasons, due, months) in flags.items():
        if worsened.get(client):
            reasons = reasons | {"grade_worsened"}
        assert limits[client]["review_reasons"] == ", ".join(code for code in REASON_ORDER if code in reasons), client
        assert limits[client]["is_review_due"] is due, client
        assert limits[client]["months_since_review"] == months, client
    assert limits["P1"]["last_review_at"] == dt.datetime(2025, 1, 15, 9, 30)
    assert limits["P1"]["last_decision"] == "raise"
    assert limits["P1"]["next_review_date"] == D(2025, 12, 31)
    assert limits["P2"]["last_review_at"] == dt.datetime(2025, 7, 5, 12, 0)
    assert limits["P2"]["last_decision"] == "hold_new_orders"
    assert limits["P4"]["last_review_at"] is None
    assert limits["P4"]["review_months"] == 12


def test_decision_history(warehouse):
    """DEC1 and DEC2 for P1 (DEC2 follows DEC1's 8000.00), DEC3 (recorded after the as-of
    date: decisions are current state) for P2, DEC4 for P3, DEC5 and DEC6 for P5 (DEC6
    follows DEC5's 500.00)."""
    history = {row["decision_id"]: row for row in rows(warehouse, "select * from marts.credit_decision_history")}
    assert sorted(history) == ["DEC1", "DEC2", "DEC3", "DEC4", "DEC5", "DEC6"]
    assert history["DEC1"]["decision_sequence"] == 1
    assert history["DEC1"]["previous_credit_limit_amount"] is None
    assert history["DEC1"]["is_latest"] is False
    assert history["DEC2"]["decision_sequence"] == 2
    assert history["DEC2"]["previous_credit_limit_amount"] == Decimal("8000.00")
    assert history["DEC2"]["is_latest"] is True
    assert history["DEC2"]["decided_by"] == "luis"
    assert history["DEC2"]["decision_reason"] == "más volumen"
    assert history["DEC4"]["currency_code"] == "USD"
    assert history["DEC4"]["is_latest"] is True
    assert history["DEC3"]["is_latest"] is True
    assert history["DEC3"]["next_review_date"] == D(2025, 9, 30)
    assert history["DEC3"]["meeting_date"] == D(2025, 7, 4)
    assert history["DEC6"]["previous_credit_limit_amount"] == Decimal("500.00")
    assert history["DEC6"]["credit_limit_amount"] is None
