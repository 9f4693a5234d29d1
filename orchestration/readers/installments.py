from decimal import Decimal

from .errors import FieldError


def check_installments_sum(
    installments: list[dict], document_totals: dict[str, Decimal], file_name: str
) -> list[FieldError]:
    """The rule across files: a document's instalments sum to its total.

    Each problem points at the document's first instalment row of `file_name`.
    """
    first_line: dict[str, int] = {}
    sums: dict[str, Decimal] = {}
    for installment in installments:
        document_id = installment["document_id"]
        first_line.setdefault(document_id, installment["_line_number"])
        sums[document_id] = sums.get(document_id, Decimal("0.00")) + installment["amount"]
    errors: list[FieldError] = []
    for document_id, line in sorted(first_line.items(), key=lambda item: item[1]):
        amount_sum = sums[document_id]
        if document_id not in document_totals:
            reason = f"document {document_id} is unknown (no document has this document_id)"
        elif amount_sum != document_totals[document_id]:
            reason = (
                f"instalments of document {document_id} sum to {amount_sum} "
                f"but its total is {document_totals[document_id]}"
            )
        else:
            continue
        errors.append(FieldError(line, "amount", str(amount_sum), reason))
    return errors
