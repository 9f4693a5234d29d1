"""ISO 20022 camt.053 (statement) and camt.054 (debit/credit notification), versions
.001.02 to .001.08 and later: elements are matched by local name, whatever the namespace.

A DTD (and so any entity, internal or external) is refused, which stops entity-expansion
bombs and external entity reads: a first pass of expat with nothing but a DOCTYPE handler
(defusedxml's rule, at C speed) refuses it before the document is built by ElementTree's
C parser. defusedxml's own parser calls Python for every element, twice the time. Only booked entries (Sts BOOK,
or no status) are statement lines; pending and informational ones are left out.
Controls: camt.053 opening + Σ booked entries = closing; where the bank wrote TxsSummry,
its entry counts, credit/debit sums and net amount. camt.054 carries no balances: only
TxsSummry, when present, can be checked.

What real banks send and the schema allows, accepted:
- Dates (xs:date) with a time-zone offset or Z (`2017-04-01+02:00`) and date-times
  (`2017-04-01T10:00:00+02:00`, `...Z`, no zone): the day is the calendar day as the
  bank wrote it, never shifted to another zone (a booking at 00:30+02:00 stays that day).
- Optional elements absent: ValDt (the value date is the booking date), NtryDtls,
  RltdPties, RmtInf, BkTxCd or only its Prtry code, Acct/Ccy (the balances' currency).
- Several Stmt (or Ntfctn) per file, for one account or several; a Stmt with no entry.
- Balances: opening OPBD, else PRCD (the previous statement's closing); closing CLBD.
  Balances repeated with the same code on several dates: the earliest opens, the latest
  closes. A page of a longer statement that only has interim booked balances (ITBD) is
  tied between its first and last ITBD, with a note. A zero balance without CdtDbtInd
  reads as zero.
- With a warning (`notes`), because nothing can tie the lines: a statement without a
  booked opening or closing balance (only available balances OPAV/CLAV/ITAV/FWAV, or
  none); a booked entry without BookgDt takes its ValDt as booking date, and in a
  camt.054 without either, the day the notification was created (CreDtTm).
- Amounts with trailing zeros ("8.850", the schema allows 5 decimals) are cents.
Rejected: balances that do not add up, TxsSummry figures the entries contradict, an
amount that is not an xs:decimal or has a sub-cent digit (money is never rounded), a
camt.053 booked entry with neither BookgDt nor ValDt, a malformed or truncated XML
document, a declared encoding the parser cannot read.
"""

import re
from datetime import date
from decimal import Decimal
from xml.etree.ElementTree import Element, ParseError, fromstring
from xml.parsers import expat

from defusedxml import DefusedXmlException, DTDForbidden

from dashboards.i18n.messages import message

from ..errors import FieldError, ProblemLog
from .common import (
    StatementIds,
    check_balance,
    compact_text,
    is_digits,
    to_cents,
)
from .model import BankStatement, BankStatementLine

_ZERO = Decimal("0")
# xs:date and xs:dateTime: the calendar day, then an optional time, then an optional zone.
_XS_DATE = re.compile(
    r"(?P<day>-?[0-9]{4}-[0-9]{2}-[0-9]{2})"
    r"(?:T[0-9]{2}:[0-9]{2}:[0-9]{2}(?:\.[0-9]+)?)?(?:Z|[+-][0-9]{2}:[0-9]{2})?"
)
_XS_DECIMAL = re.compile(r"[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)")
_OPENING_CODES = ("OPBD", "PRCD")
# The booked balances a statement lacks, by (no opening, no closing), as its note names them.
_MISSING_BALANCES = {
    (True, False): message("bank_reader.camt_missing_opening"),
    (False, True): message("bank_reader.camt_missing_closing"),
    (True, True): message("bank_reader.camt_missing_opening_and_closing"),
}


def _refuse_dtd(data: bytes) -> None:
    """Raises DTDForbidden if the document has a DOCTYPE; a document expat cannot read
    is left for the parser proper to report."""

    def doctype(name, system_id, public_id, has_internal_subset):
        raise DTDForbidden(name, system_id, public_id)

    parser = expat.ParserCreate()
    parser.StartDoctypeDeclHandler = doctype
    try:
        parser.Parse(data, True)
    except DTDForbidden:
        raise
    except (expat.ExpatError, LookupError, ValueError):  # DTDForbidden is a ValueError too
        pass


def _parse(data: bytes) -> Element:
    """The document with every element's tag reduced to its local name: elements are
    matched by local name whatever the namespace, then by ElementTree's C lookups."""
    _refuse_dtd(data)
    if (unqualified := _without_default_namespace(data)) is not None:
        return fromstring(unqualified)
    root = fromstring(data)
    for element in root.iter():
        element.tag = element.tag.rpartition("}")[2]
    return root


_DECLARATION = re.compile(rb"""xmlns\s*=\s*(?:"[^"]*"|'[^']*')""")


def _without_default_namespace(data: bytes) -> bytes | None:
    """`data` with its one namespace declaration, a default one (xmlns="..."), blanked
    out, when it has no other: its elements then parse with their local names, as _parse
    would rename them, without a Python pass over every element (a sixth of the time of
    a large statement). Blanked with as many spaces, so a parse error keeps its position.
    None when that is not certain: prefixes or several declarations (or "xmlns" in a
    text), UTF-16, a declaration not inside a start tag."""
    if b"\x00" in data or b"xml:" in data:
        return None
    declarations = data.count(b"xmlns")
    if declarations != 1:
        return data if declarations == 0 else None
    at = data.find(b"xmlns")
    tag_start = data.rfind(b"<", 0, at)
    inside_start_tag = (
        tag_start >= 0
        and data[tag_start + 1 : tag_start + 2].isalpha()
        and data.rfind(b">", 0, at) < tag_start
        and data[at - 1 : at].isspace()
    )
    declaration = _DECLARATION.match(data, at)
    if not inside_start_tag or declaration is None:
        return None
    return data[:at] + b" " * (declaration.end() - at) + data[declaration.end() :]


def _children(element: Element, name: str) -> list[Element]:
    return element.findall(name)


def _child(element: Element | None, *path: str) -> Element | None:
    for name in path:
        if element is None:
            return None
        element = element.find(name)
    return element


def _text(element: Element | None, *path: str) -> str:
    found = _child(element, *path)
    return (found.text or "").strip() if found is not None else ""


def read_camt(
    data: bytes, problems: ProblemLog
) -> tuple[str, list[BankStatement], list[BankStatementLine], list[FieldError]]:
    """(format, statements, lines, notes); format is camt053 or camt054."""
    try:
        root = _parse(data)
    except DefusedXmlException as exc:
        problems.add(0, "", "", message("bank_reader.camt_unsafe_xml", error=type(exc).__name__))
        return "camt053", [], [], []
    except (LookupError, ValueError) as exc:
        # expat knows few encodings: an unknown or multi-byte one declared in <?xml ...?>.
        problems.add(1, "encoding", "", message("bank_reader.camt_unreadable_encoding", error=str(exc)))
        return "camt053", [], [], []
    except ParseError as exc:
        line, column = getattr(exc, "position", (0, 0))
        problems.add(line, "", "", message("bank_reader.camt_malformed_xml", error=str(exc)))
        return "camt053", [], [], []
    body = next(iter(root), None) if root.tag == "Document" else root
    name = body.tag if body is not None else ""
    if name == "BkToCstmrStmt":
        kind, report_name = "camt053", "Stmt"
    elif name == "BkToCstmrDbtCdtNtfctn":
        kind, report_name = "camt054", "Ntfctn"
    else:
        problems.add(0, "Document", name, message("bank_reader.camt_not_a_statement"))
        return "camt053", [], [], []
    reports = _children(body, report_name)
    if not reports:
        problems.add(0, f"Document/{name}", "", message("bank_reader.camt_no_report", element=report_name))
    statements: list[BankStatement] = []
    lines: list[BankStatementLine] = []
    notes: list[FieldError] = []
    if kind == "camt054":
        notes.append(FieldError(0, "", "", message("bank_reader.camt054_no_balances")))
    ids = StatementIds()
    created = _date_of(body, "GrpHdr", "CreDtTm")
    for index, report in enumerate(reports, 1):
        path = f"Document/{name}/{report_name}[{index}]"
        _report(kind, path, report, problems, statements, lines, notes, ids, created)
    return kind, statements, lines, notes


def _report(kind, path, report, problems, statements, lines, notes, ids, created) -> None:
    account = _text(report, "Acct", "Id", "IBAN") or _text(report, "Acct", "Id", "Othr", "Id")
    if not account:
        problems.add(0, f"{path}/Acct/Id", "", message("bank_reader.camt_no_account"))
    account_currency = _text(report, "Acct", "Ccy")
    balances = _balances(path, report, problems)
    # A notification is sent when the entry is booked: its creation day stands in for a
    # booking date the bank left out (camt.054 only; a statement must date its entries).
    sent = (_date_of(report, "CreDtTm") or created) if kind == "camt054" else None
    entries = []
    for number, entry in enumerate(_children(report, "Ntry"), 1):
        status = _text(entry, "Sts", "Cd") or _text(entry, "Sts")
        if status and status != "BOOK":
            continue
        entries.append(_entry(f"{path}/Ntry[{number}]", entry, problems, notes, sent))
    booked = [entry for entry in entries if entry is not None]
    if len(booked) != len(entries):
        return
    total = sum((entry["amount"] for entry in booked), _ZERO)
    opening, closing = _opening_and_closing(path, balances, problems, notes)
    if kind == "camt053":
        if opening is not None and closing is not None:
            check_balance(problems, 0, f"{path}/Bal[CLBD]", opening[0], total, closing[0], path)
        else:
            missing = _MISSING_BALANCES[opening is None, closing is None]
            untied = message(
                "bank_reader.camt_untied_statement", account=account or "?", missing=missing, count=str(len(booked))
            )
            notes.append(FieldError(0, path, "", untied))
    _summary(path, report, booked, problems)

    days = [entry["booking_date"] for entry in booked]
    start = (
        _date_of(report, "FrToDt", "FrDtTm")
        or (opening[1] if opening else None)
        or (min(days) if days else None)
        or (closing[1] if closing else None)
    )
    end = (
        _date_of(report, "FrToDt", "ToDtTm")
        or (closing[1] if closing else None)
        or (max(days) if days else None)
        or (opening[1] if opening else None)
    )
    if start is None or end is None:
        problems.add(0, f"{path}/FrToDt", "", message("bank_reader.camt_no_period"))
        return
    currency = (
        account_currency
        or next((balance[2] for balance in (closing, opening) if balance and balance[2]), "")
        or (booked[0]["currency"] if booked else "")
    )
    sequence = _text(report, "ElctrncSeqNb") or _text(report, "LglSeqNb") or _text(report, "Id")
    sid = ids.new(account, start, end, sequence)
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


_Balance = tuple[Decimal, date, str]


def _balances(path: str, report: Element, problems: ProblemLog) -> dict[str, list[_Balance]]:
    """Every dated balance by its type code, in file order."""
    found: dict[str, list[_Balance]] = {}
    for number, balance in enumerate(_children(report, "Bal"), 1):
        where = f"{path}/Bal[{number}]"
        code = _text(balance, "Tp", "CdOrPrtry", "Cd") or _text(balance, "Tp", "CdOrPrtry", "Prtry")
        amount = _signed(where, balance, problems, zero_needs_indicator=False)
        day = _date_of(balance, "Dt")
        if day is None:
            problems.add(
                0,
                f"{where}/Dt",
                _text(balance, "Dt", "Dt") or _text(balance, "Dt", "DtTm"),
                message("bank_reader.camt_balance_without_date"),
            )
        if amount is not None and day is not None:
            found.setdefault(code, []).append((amount[0], day, amount[1]))
    return found


def _opening_and_closing(
    path: str, balances: dict[str, list[_Balance]], problems: ProblemLog, notes: list[FieldError]
) -> tuple[_Balance | None, _Balance | None]:
    """Opening: the earliest OPBD, else PRCD. Closing: the latest CLBD. A page of a longer
    statement may carry interim booked balances (ITBD) instead: the earliest opens, the
    latest closes."""
    opening_code = next((code for code in _OPENING_CODES if code in balances), None)
    opening = _one(path, opening_code, balances, min, problems) if opening_code else None
    closing = _one(path, "CLBD", balances, max, problems) if "CLBD" in balances else None
    interim = sorted(balances.get("ITBD", []), key=lambda balance: balance[1])
    known = len(interim) + (opening is not None) + (closing is not None)
    if interim and (opening is None or closing is None) and known > 1:
        opening = opening or interim[0]
        closing = closing or interim[-1]
        notes.append(FieldError(0, path, "", message("bank_reader.camt_interim_balance")))
    return opening, closing


def _one(path, code, balances: dict[str, list[_Balance]], pick, problems) -> _Balance:
    """The earliest (pick=min) or latest (max) balance of one code; two on that day must agree."""
    found = balances[code]
    day = pick(balance[1] for balance in found)
    same_day = [balance for balance in found if balance[1] == day]
    if len({balance[0] for balance in same_day}) > 1:
        problems.add(
            0,
            f"{path}/Bal[{code}]",
            ", ".join(str(balance[0]) for balance in same_day),
            message(
                "bank_reader.camt_balances_disagree", count=str(len(same_day)), code=code, date=day.isoformat()
            ),
        )
    return same_day[0]


def _entry(
    where: str, entry: Element, problems: ProblemLog, notes: list[FieldError], sent: date | None
) -> dict | None:
    amount = _signed(where, entry, problems)
    booking = _date_of(entry, "BookgDt")
    value = _date_of(entry, "ValDt")
    written = _text(entry, "BookgDt", "Dt") or _text(entry, "BookgDt", "DtTm")
    if booking is None and not written and (value or sent) is not None:
        booking = value or sent
        day = booking.isoformat()
        stood_in = (
            message("bank_reader.camt_booking_from_value_date", date=day)
            if value
            else message("bank_reader.camt_booking_from_creation_date", date=day)
        )
        notes.append(FieldError(0, where, "", stood_in))
    if booking is None:
        problems.add(
            0,
            f"{where}/BookgDt",
            written,
            message("bank_reader.camt_entry_without_booking_date"),
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
    if not any(remittance):
        remittance = [_text(tx, "AddtlTxInf") for tx in details] + [_text(entry, "AddtlNtryInf")]
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


def _signed(
    where: str, element: Element, problems: ProblemLog, zero_needs_indicator: bool = True
) -> tuple[Decimal, str] | None:
    amount_element = _child(element, "Amt")
    indicator = _text(element, "CdtDbtInd")
    text = (amount_element.text or "").strip() if amount_element is not None else ""
    amount = _decimal(text)
    if amount is None:
        problems.add(0, f"{where}/Amt", text, message("bank_reader.camt_not_an_amount"))
        return None
    amount = to_cents(amount)
    if amount is None:
        problems.add(0, f"{where}/Amt", text, message("bank_reader.not_cents"))
        return None
    if amount < 0:
        problems.add(0, f"{where}/Amt", text, message("bank_reader.camt_negative_amount"))
        return None
    if indicator not in ("CRDT", "DBIT") and (zero_needs_indicator or amount != 0 or indicator):
        problems.add(0, f"{where}/CdtDbtInd", indicator, message("bank_reader.camt_not_an_indicator"))
        return None
    currency = amount_element.get("Ccy", "") if amount_element is not None else ""
    return (-amount if indicator == "DBIT" else amount), currency


def _summary(path: str, report: Element, booked: list[dict], problems: ProblemLog) -> None:
    summary = _child(report, "TxsSummry")
    if summary is None:
        return
    _net_summary(path, summary, booked, problems)
    sides = {
        "TtlNtries": booked,
        "TtlCdtNtries": [e for e in booked if e["amount"] > 0],
        "TtlDbtNtries": [e for e in booked if e["amount"] < 0],
    }
    for name, entries in sides.items():
        where = f"{path}/TxsSummry/{name}"
        count = _text(summary, name, "NbOfNtries")
        if is_digits(count) and int(count) != len(entries):
            problems.add(
                0,
                f"{where}/NbOfNtries",
                count,
                message(
                    "bank_reader.camt_entry_count_differs",
                    stated=str(int(count)),
                    actual=str(len(entries)),
                    difference=str(int(count) - len(entries)),
                ),
            )
        stated = _text(summary, name, "Sum")
        if not stated:
            continue
        stated_sum = _decimal(stated)
        if stated_sum is None:
            problems.add(0, f"{where}/Sum", stated, message("bank_reader.camt_not_an_amount"))
            continue
        actual = sum((abs(e["amount"]) for e in entries), _ZERO)
        if stated_sum != actual:
            problems.add(
                0,
                f"{where}/Sum",
                stated,
                message(
                    "bank_reader.camt_sum_differs",
                    stated=str(stated_sum),
                    actual=str(actual),
                    difference=str(stated_sum - actual),
                ),
            )


def _net_summary(path: str, summary: Element, booked: list[dict], problems: ProblemLog) -> None:
    """TtlNtries' net amount, where the bank wrote it: .001.02 TtlNetNtryAmt beside a
    CdtDbtInd, later versions TtlNetNtry/Amt and CdtDbtInd. For a camt.054, which has no
    balances, it is the one control on the amounts."""
    totals = _child(summary, "TtlNtries")
    net = _child(totals, "TtlNetNtry")
    holder, amount_name = (net, "Amt") if net is not None else (totals, "TtlNetNtryAmt")
    stated = _text(holder, amount_name)
    if not stated:
        return
    where = f"{path}/TxsSummry/TtlNtries/{'TtlNetNtry/Amt' if net is not None else amount_name}"
    amount = _decimal(stated)
    indicator = _text(holder, "CdtDbtInd")
    if amount is None or indicator not in ("CRDT", "DBIT"):
        problems.add(0, where, stated, message("bank_reader.camt_not_a_net_amount"))
        return
    signed = -amount if indicator == "DBIT" else amount
    actual = sum((entry["amount"] for entry in booked), _ZERO)
    if signed != actual:
        problems.add(
            0,
            where,
            stated,
            message(
                "bank_reader.camt_net_differs", stated=str(signed), actual=str(actual), difference=str(signed - actual)
            ),
        )


def _decimal(text: str) -> Decimal | None:
    """An xs:decimal: digits with an optional sign and point; no exponent, no comma."""
    return Decimal(text) if _XS_DECIMAL.fullmatch(text) else None


def _date_of(element: Element | None, *path: str) -> date | None:
    """The day of a date choice (Dt or DtTm) under `path`, or of `path` itself when it is
    a date-time leaf (FrDtTm, ToDtTm)."""
    holder = _child(element, *path)
    if holder is None:
        return None
    if len(holder):
        return _xs_day(_text(holder, "Dt") or _text(holder, "DtTm"))
    return _xs_day((holder.text or "").strip())


def _xs_day(text: str) -> date | None:
    match = _XS_DATE.fullmatch(text)
    if match is None:
        return None
    try:
        return date.fromisoformat(match["day"])
    except ValueError:
        return None
