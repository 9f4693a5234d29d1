"""ISO 20022 camt.053 (statement) and camt.054 (debit/credit notification), versions
.001.02 to .001.08 and later: elements are matched by local name, whatever the namespace.

Parsed with defusedxml: a DTD (and so any entity, internal or external) is refused, which
stops entity-expansion bombs and external entity reads. Only booked entries (Sts BOOK,
or no status) are statement lines; pending and informational ones are left out.
Controls: camt.053 opening (OPBD, else PRCD) + Σ booked entries = closing (CLBD); where
the bank wrote TxsSummry, its entry count and credit/debit sums. camt.054 carries no
balances: only TxsSummry, when present, can be checked.
"""

from datetime import date
from decimal import Decimal, InvalidOperation
from xml.etree.ElementTree import Element, ParseError

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import fromstring

from ..errors import ProblemLog
from .common import check_balance, compact_text, statement_id
from .model import BankStatement, BankStatementLine

_ZERO = Decimal("0")


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def _children(element: Element, name: str) -> list[Element]:
    return [child for child in element if _local(child.tag) == name]


def _child(element: Element | None, *path: str) -> Element | None:
    for name in path:
        if element is None:
            return None
        element = next((child for child in element if _local(child.tag) == name), None)
    return element


def _text(element: Element | None, *path: str) -> str:
    found = _child(element, *path)
    return (found.text or "").strip() if found is not None else ""


def read_camt(
    data: bytes, problems: ProblemLog
) -> tuple[str, list[BankStatement], list[BankStatementLine], list[str]]:
    """(format, statements, lines, notes); format is camt053 or camt054."""
    try:
        root = fromstring(data, forbid_dtd=True)
    except DefusedXmlException as exc:
        problems.add(
            0,
            "",
            "",
            f"unsafe XML refused ({type(exc).__name__}: DTDs and entities are not allowed)",
        )
        return "camt053", [], [], []
    except ParseError as exc:
        line, column = getattr(exc, "position", (0, 0))
        problems.add(
            line, "", "", f"malformed XML ({exc}): truncated, or not in the encoding it declares?"
        )
        return "camt053", [], [], []
    message = next(iter(root), None) if _local(root.tag) == "Document" else root
    name = _local(message.tag) if message is not None else ""
    if name == "BkToCstmrStmt":
        kind, report_name = "camt053", "Stmt"
    elif name == "BkToCstmrDbtCdtNtfctn":
        kind, report_name = "camt054", "Ntfctn"
    else:
        problems.add(0, "Document", name, "not a camt.053 statement nor a camt.054 notification")
        return "camt053", [], [], []
    reports = _children(message, report_name)
    if not reports:
        problems.add(0, f"Document/{name}", "", f"no {report_name} element")
    statements: list[BankStatement] = []
    lines: list[BankStatementLine] = []
    for index, report in enumerate(reports, 1):
        path = f"Document/{name}/{report_name}[{index}]"
        _report(kind, path, report, problems, statements, lines)
    notes = []
    if kind == "camt054":
        notes.append(
            "camt.054 notifications carry no balances: only their TxsSummry (when present) "
            "was checked"
        )
    return kind, statements, lines, notes


def _report(kind, path, report, problems, statements, lines) -> None:
    account = _text(report, "Acct", "Id", "IBAN") or _text(report, "Acct", "Id", "Othr", "Id")
    if not account:
        problems.add(0, f"{path}/Acct/Id", "", "account has neither IBAN nor Othr/Id")
    account_currency = _text(report, "Acct", "Ccy")
    balances = _balances(path, report, problems)
    entries = []
    for number, entry in enumerate(_children(report, "Ntry"), 1):
        status = _text(entry, "Sts", "Cd") or _text(entry, "Sts")
        if status and status != "BOOK":
            continue
        entries.append(_entry(f"{path}/Ntry[{number}]", entry, problems))
    booked = [entry for entry in entries if entry is not None]
    if len(booked) != len(entries):
        return
    total = sum((entry["amount"] for entry in booked), _ZERO)
    opening = balances.get("OPBD") or balances.get("PRCD")
    closing = balances.get("CLBD")
    if kind == "camt053":
        if opening is None:
            problems.add(0, f"{path}/Bal", "", "no opening balance (OPBD or PRCD)")
        if closing is None:
            problems.add(0, f"{path}/Bal", "", "no closing balance (CLBD)")
        if opening is not None and closing is not None:
            check_balance(problems, 0, f"{path}/Bal[CLBD]", opening[0], total, closing[0], path)
    _summary(path, report, booked, problems)

    days = [entry["booking_date"] for entry in booked]
    start = (
        _date(_text(report, "FrToDt", "FrDtTm")[:10])
        or (opening[1] if opening else None)
        or (min(days) if days else None)
    )
    end = (
        _date(_text(report, "FrToDt", "ToDtTm")[:10])
        or (closing[1] if closing else None)
        or (max(days) if days else None)
    )
    if start is None or end is None:
        problems.add(
            0, f"{path}/FrToDt", "", "no period: neither FrToDt, balances nor entries give dates"
        )
        return
    currency = (
        account_currency
        or (closing[2] if closing else "")
        or (booked[0]["currency"] if booked else "")
    )
    sequence = _text(report, "ElctrncSeqNb") or _text(report, "LglSeqNb") or _text(report, "Id")
    sid = statement_id(account, start, end, sequence)
    statements.append(
        BankStatement(
            statement_id=sid,
            account=account,
            currency=currency,
            period_start=start,
            period_end=end,
            opening_balance=opening[0] if opening else None,
            closing_balance=closing[0] if closing else None,
            line_count=len(booked),
        )
    )
    for number, entry in enumerate(booked, 1):
        lines.append(
            BankStatementLine(
                statement_id=sid, account=account, line_number=number, source_line=0, **entry
            )
        )


def _balances(
    path: str, report: Element, problems: ProblemLog
) -> dict[str, tuple[Decimal, date, str]]:
    found = {}
    for number, balance in enumerate(_children(report, "Bal"), 1):
        where = f"{path}/Bal[{number}]"
        code = _text(balance, "Tp", "CdOrPrtry", "Cd") or _text(balance, "Tp", "CdOrPrtry", "Prtry")
        amount = _signed(where, balance, problems)
        day = _date(_text(balance, "Dt", "Dt") or _text(balance, "Dt", "DtTm")[:10])
        if day is None:
            problems.add(0, f"{where}/Dt", _text(balance, "Dt", "Dt"), "balance has no valid date")
        if amount is not None and day is not None:
            found.setdefault(code, (amount[0], day, amount[1]))
    return found


def _entry(where: str, entry: Element, problems: ProblemLog) -> dict | None:
    amount = _signed(where, entry, problems)
    booking = _date(_text(entry, "BookgDt", "Dt") or _text(entry, "BookgDt", "DtTm")[:10])
    value = _date(_text(entry, "ValDt", "Dt") or _text(entry, "ValDt", "DtTm")[:10])
    if booking is None:
        problems.add(
            0,
            f"{where}/BookgDt",
            _text(entry, "BookgDt", "Dt"),
            "booked entry without a valid booking date",
        )
    if amount is None or booking is None:
        return None
    details = [tx for dtls in _children(entry, "NtryDtls") for tx in _children(dtls, "TxDtls")]
    # A batch (several TxDtls) stays one line: the entry is what moved the balance.
    single = details[0] if len(details) == 1 else None
    incoming = amount[0] >= 0
    party = "Dbtr" if incoming else "Cdtr"
    remittance = []
    for tx in details:
        rmt = _child(tx, "RmtInf")
        if rmt is not None:
            remittance += [(u.text or "").strip() for u in _children(rmt, "Ustrd")]
            remittance += [_text(s, "CdtrRefInf", "Ref") for s in _children(rmt, "Strd")]
    if not remittance:
        remittance.append(_text(entry, "AddtlNtryInf"))
    code = _text(entry, "BkTxCd", "Domn", "Cd")
    if code:
        code = "-".join(
            filter(
                None,
                (
                    code,
                    _text(entry, "BkTxCd", "Domn", "Fmly", "Cd"),
                    _text(entry, "BkTxCd", "Domn", "Fmly", "SubFmlyCd"),
                ),
            )
        )
    else:
        code = _text(entry, "BkTxCd", "Prtry", "Cd")
    reference = ""
    if single is not None:
        reference = _text(single, "Refs", "EndToEndId")
        if reference == "NOTPROVIDED":
            reference = ""
    reference = reference or _text(entry, "AcctSvcrRef") or _text(entry, "NtryRef")
    return {
        "booking_date": booking,
        "value_date": value or booking,
        "amount": amount[0],
        "currency": amount[1],
        "counterparty_name": _party_name(single, party) if single is not None else "",
        "counterparty_account": _party_account(single, party) if single is not None else "",
        "remittance_text": compact_text(*remittance),
        "bank_transaction_code": code,
        "reference": reference,
    }


def _party_name(tx: Element, party: str) -> str:
    # Up to .001.07 RltdPties/Dbtr/Nm; from .001.08 RltdPties/Dbtr/Pty/Nm.
    return _text(tx, "RltdPties", party, "Nm") or _text(tx, "RltdPties", party, "Pty", "Nm")


def _party_account(tx: Element, party: str) -> str:
    return _text(tx, "RltdPties", f"{party}Acct", "Id", "IBAN") or _text(
        tx, "RltdPties", f"{party}Acct", "Id", "Othr", "Id"
    )


def _signed(where: str, element: Element, problems: ProblemLog) -> tuple[Decimal, str] | None:
    amount_element = _child(element, "Amt")
    indicator = _text(element, "CdtDbtInd")
    text = (amount_element.text or "").strip() if amount_element is not None else ""
    try:
        amount = Decimal(text)
    except InvalidOperation:
        problems.add(0, f"{where}/Amt", text, "not an amount")
        return None
    if not amount.is_finite() or amount < 0:
        problems.add(0, f"{where}/Amt", text, "not a non-negative amount")
        return None
    if indicator not in ("CRDT", "DBIT"):
        problems.add(0, f"{where}/CdtDbtInd", indicator, "expected CRDT or DBIT")
        return None
    currency = amount_element.get("Ccy", "") if amount_element is not None else ""
    return (amount if indicator == "CRDT" else -amount), currency


def _summary(path: str, report: Element, booked: list[dict], problems: ProblemLog) -> None:
    summary = _child(report, "TxsSummry")
    if summary is None:
        return
    sides = {
        "TtlNtries": booked,
        "TtlCdtNtries": [e for e in booked if e["amount"] > 0],
        "TtlDbtNtries": [e for e in booked if e["amount"] < 0],
    }
    for name, entries in sides.items():
        where = f"{path}/TxsSummry/{name}"
        count = _text(summary, name, "NbOfNtries")
        if count and count.isdigit() and int(count) != len(entries):
            problems.add(
                0,
                f"{where}/NbOfNtries",
                count,
                f"states {int(count)} entries but {len(entries)} booked entries were read "
                f"(difference {int(count) - len(entries)})",
            )
        stated = _text(summary, name, "Sum")
        if not stated:
            continue
        try:
            stated_sum = Decimal(stated)
        except InvalidOperation:
            problems.add(0, f"{where}/Sum", stated, "not an amount")
            continue
        actual = sum((abs(e["amount"]) for e in entries), _ZERO)
        if stated_sum != actual:
            problems.add(
                0,
                f"{where}/Sum",
                stated,
                f"states a sum of {stated_sum} but the entries add up to {actual} (difference "
                f"{stated_sum - actual})",
            )


def _date(text: str) -> date | None:
    try:
        return date.fromisoformat(text) if len(text) == 10 else None
    except ValueError:
        return None
