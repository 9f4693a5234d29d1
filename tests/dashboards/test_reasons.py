"""Payment-behaviour reasons worded from their codes: numbers as each language writes them."""

from decimal import Decimal as D

import pandas as pd

from dashboards import reasons

C2 = pd.DataFrame({  # tests/dbt/test_payment_behavior.py: the late payer C2's grade reasons
    "client_id": ["C2"] * 4,
    "reason_type": ["grade"] * 4,
    "reason_code": ["lateness", "on_time", "severity", "overdue"],
    "points_lost": [24, 20, 11, 5],
    "parameter_1": [D("54.93"), D("0.00"), D("71.43"), D("20.00")],
    "parameter_2": [None, None, D("35.71"), None],
    "parameter_3": [None, None, D("35.71"), None],
})
C3 = pd.DataFrame({
    "client_id": ["C3", "C3"],
    "reason_type": ["grade", "moroso"],
    "reason_code": ["no_payment_365", "open_over_90_days"],
    "points_lost": [70, None],
    "parameter_1": [None, D("153.00")],
    "parameter_2": [None, None],
    "parameter_3": [None, None],
})


def test_grade_reasons_in_spanish_and_english():
    assert reasons.sentences(C2, "es") == (
        "retraso medio de 54,93 días sobre el vencimiento: −24 puntos; "
        "0 % cobrado a tiempo: −20 puntos; "
        "cobrado con más de 30 / 60 / 90 días de retraso: 71,43 / 35,71 / 35,71 %: −11 puntos; "
        "deuda no disputada vencida hace 20 días: −5 puntos"
    )
    assert reasons.sentences(C2, "en") == (
        "paid 54.93 days beyond terms on average: −24 points; "
        "0% paid on time: −20 points; "
        "paid over 30 / 60 / 90 days late: 71.43 / 35.71 / 35.71%: −11 points; "
        "undisputed debt 20 days past due: −5 points"
    )


def test_reasons_by_client_keep_each_clients_order():
    both = pd.concat([C2, C3])
    assert reasons.by_client(both[both["reason_type"] == "moroso"], "es") == {
        "C3": "deuda no disputada con 153 días de vencida"
    }
    assert reasons.by_client(both, "en")["C3"] == (
        "no payment in 365 days: −70 points; undisputed debt 153 days past due"
    )
    assert reasons.sentences(C2.iloc[0:0], "es") == ""
