"""A sequence of full-snapshot exports of the aging fixture, as the invoicing system
writes them day after day, for the tests of loading by change
(orchestration/ingest/changes.py): each file lists the whole history again.

1. the fixture itself (`<entity>.csv`);
2. the same content again in other bytes (rows in reverse order, CRLF: `<entity>_2.csv`),
   so the sha256 does not catch it: nothing of it is new;
3. a corrected re-export (`<entity>_3.csv`): D2 raised from 500.00 + 105.00 to 600.00 +
   126.00 (total 726.00, updated the 20th of June), D1 split in two instalments of 600.00
   and 610.00 instead of three (400.00 + 400.00 + 410.00: instalment 3 removed, 1 and 2
   changed; 600.00 + 610.00 = 1,210.00, its total), a new invoice D5 of C2 (100.00, one
   instalment), C1's credit limit raised to 8,000.00 and receipt R2 lowered to 250.00.

File names sort in load order, so one inbox holding them all loads them in sequence.
"""

from pathlib import Path

AGING_INBOX = Path(__file__).resolve().parents[1] / "fixtures" / "aging_inbox"
ENTITIES = ("fx_rates", "clients", "documents", "installments", "receipts", "allocations", "withholdings")
CORRECTED = ("clients", "documents", "installments", "receipts")


def full_export(entity: str) -> str:
    return (AGING_INBOX / f"{entity}.csv").read_text(encoding="utf-8")


def reordered(text: str) -> str:
    """The same rows in reverse order with Windows line ends: other bytes (even for a
    file of one row), the same content."""
    header, *rows = text.splitlines()
    return "\r\n".join([header, *reversed(rows)]) + "\r\n"


def corrected_export(entity: str) -> str:
    text = full_export(entity)
    if entity == "clients":
        return text.replace(
            "Zaragoza,30,5000.00,EUR,,,,2025-01-01T00:00:00", "Zaragoza,30,8000.00,EUR,,,,2025-06-20T00:00:00"
        )
    if entity == "documents":
        return text.replace(
            "D2,invoice,F-002,C1,2025-06-10,2025-07-10,EUR,500.00,105.00,0.00,605.00,,,issued,2025-06-10T10:00:00",
            "D2,invoice,F-002,C1,2025-06-10,2025-07-10,EUR,600.00,126.00,0.00,726.00,,,issued,2025-06-20T10:00:00",
        ) + "D5,invoice,F-005,C2,2025-06-25,2025-07-25,USD,100.00,0.00,0.00,100.00,,,issued,2025-06-25T10:00:00\n"
    if entity == "installments":
        return "document_id,installment_no,due_date,amount\nD1,1,2025-04-30,600.00\nD1,2,2025-05-30,610.00\nD5,1,2025-07-25,100.00\n"
    if entity == "receipts":
        return text.replace("R2,C1,2025-06-20,EUR,300.00,transfer,", "R2,C1,2025-06-20,EUR,250.00,transfer,")
    raise ValueError(entity)


def write_sequence(inbox: Path, steps: int = 3) -> None:
    """Writes the sequence's files of steps 1 to `steps` into `inbox`."""
    inbox.mkdir(parents=True, exist_ok=True)
    for entity in ENTITIES:
        (inbox / f"{entity}.csv").write_text(full_export(entity), encoding="utf-8")
        if steps >= 2:
            (inbox / f"{entity}_2.csv").write_text(reordered(full_export(entity)), encoding="utf-8")
        if steps >= 3 and entity in CORRECTED:
            (inbox / f"{entity}_3.csv").write_text(corrected_export(entity), encoding="utf-8")
