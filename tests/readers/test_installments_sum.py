from decimal import Decimal

from orchestration.readers import FieldError, check_installments_sum, read_export

FILE_NAME = "vencimientos_2025-06-01.csv"


def test_instalments_that_sum_to_their_totals(fixture_bytes):
    installments = read_export("installments", FILE_NAME, fixture_bytes(FILE_NAME))

    # 353.33 + 353.33 + 353.34 = 1060.00
    totals = {"D000123": Decimal("1060.00"), "D000125": Decimal("500.50"), "D999": Decimal("1")}

    assert check_installments_sum(installments, totals, FILE_NAME) == []


def test_wrong_sum_and_unknown_document_point_at_the_first_instalment(fixture_bytes):
    installments = read_export("installments", FILE_NAME, fixture_bytes(FILE_NAME))

    errors = check_installments_sum(installments, {"D000123": Decimal("1060.01")}, FILE_NAME)

    assert errors == [
        FieldError(
            line=2,
            column="amount",
            value="1060.00",
            reason="instalments of document D000123 sum to 1060.00 but its total is 1060.01",
        ),
        FieldError(
            line=5,
            column="amount",
            value="500.50",
            reason="document D000125 is unknown (no document has this document_id)",
        ),
    ]
