"""The CSV a table is downloaded as: translated headers, raw exact values."""

from decimal import Decimal

import pandas as pd

from dashboards.tables import csv_bytes


def test_csv_keeps_raw_values_and_opens_with_accents_in_spreadsheets():
    table = pd.DataFrame(
        {
            "Cliente": ["Hostelería Sol S.L.", "Almacenes Duero S.L."],
            "Sucursal": ["Málaga", None],
            "Vencido": [Decimal("1234.56"), Decimal("0.10")],
        }
    )

    data = csv_bytes(table)

    assert data.startswith("\ufeff".encode())
    assert data.decode("utf-8-sig").splitlines() == [
        "Cliente,Sucursal,Vencido",
        "Hostelería Sol S.L.,Málaga,1234.56",
        "Almacenes Duero S.L.,,0.10",
    ]
