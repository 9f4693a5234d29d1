"""OFX bank and credit-card statements: 1.x (SGML, leaf tags left unclosed) and 2.x (XML).

Both are read by one small tokenizer, not by an XML parser: it never expands entities
(only the five predefined ones are unescaped) and never fetches anything.
An element followed by text is a leaf; one followed by another tag is an aggregate,
which must be closed. What OFX lets us check is little: it has no opening balance and
no totals, only the ledger balance at DTASOF. So the control is well-formedness (every
aggregate closed, which catches truncation), a valid date and amount per transaction,
FITIDs unique within the statement and a status that is not an error; `notes` says so.

What the specification allows and banks send, accepted: SGML leaves with or without their
closing tag; any charset header (the bytes are read as UTF-8, else Windows-1252/Latin-1,
whatever the header claims); several statements (STMTTRNRS / CCSTMTTRNRS) in one file;
any TRNTYPE (OTHER included) kept as written; dates with a time and a zone
(`20250603120000.000[-5:EST]`: the day as written); TRNAMT with a sign or a decimal
comma. With a note: a status whose code is not 0 but whose SEVERITY is INFO or WARN;
a statement without BANKTRANLIST (optional in the specification: nothing to load from
it, its LEDGERBAL is kept when dated). Rejected: a status of SEVERITY ERROR (or a
non-zero code without severity), an aggregate left open (truncation), a transaction
without a valid DTPOSTED or TRNAMT, a FITID repeated within a statement.
"""

import re
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal, InvalidOperation

from dashboards.i18n.messages import message

from ..errors import FieldError, ProblemLog
from ..sheet import UnreadableFile
from .common import StatementIds, decode_bank_text, find_iban, is_digits, to_cents
from .model import BankStatement, BankStatementLine

_TOKEN = re.compile(r"<(/?)([A-Za-z0-9_.]+)(?:\s[^>]*)?>([^<]*)")
_ENTITIES = {"&lt;": "<", "&gt;": ">", "&quot;": '"', "&apos;": "'", "&amp;": "&"}


@dataclass
class _Node:
    name: str
    line: int
    children: list["_Node"] = field(default_factory=list)
    value: str | None = None

    def find(self, *path: str) -> "_Node | None":
        node: _Node | None = self
        for name in path:
            node = next((c for c in node.children if c.name == name), None) if node else None
        return node

    def text(self, *path: str) -> str:
        node = self.find(*path)
        return node.value or "" if node is not None else ""

    def all(self, name: str) -> list["_Node"]:
        found = []
        for child in self.children:
            if child.name == name:
                found.append(child)
            found.extend(child.all(name))
        return found


def read_ofx(
    data: bytes, problems: ProblemLog
) -> tuple[list[BankStatement], list[BankStatementLine], list[FieldError]]:
    notes = [FieldError(0, "", "", message("bank_reader.ofx_nothing_to_tie"))]
    try:
        text = decode_bank_text(data, notes)
    except UnreadableFile as exc:
        problems.add(0, "", "", exc.reason)
        return [], [], []
    root = _tree(text, problems)
    if root is None:
        return [], [], []
    statements: list[BankStatement] = []
    lines: list[BankStatementLine] = []
    responses = root.all("STMTRS") + root.all("CCSTMTRS")
    if not responses:
        none = (
            message("bank_reader.ofx_investment_statement")
            if root.all("INVSTMTRS")
            else message("bank_reader.ofx_no_statement")
        )
        problems.add(0, "OFX", "", none)
    for response in root.all("STMTTRNRS") + root.all("CCSTMTTRNRS"):
        code = response.text("STATUS", "CODE")
        severity = response.text("STATUS", "SEVERITY").upper()
        said = response.text("STATUS", "MESSAGE")
        if not code or code == "0":
            continue
        if severity == "ERROR" or (not severity and code != "1"):
            problems.add(response.line, "STATUS/CODE", code, message("bank_reader.ofx_bank_error", message=said))
        else:
            status = (
                message("bank_reader.ofx_bank_status_saying", code=code, severity=severity, message=said)
                if said
                else message("bank_reader.ofx_bank_status", code=code, severity=severity)
            )
            notes.append(FieldError(response.line, "", "", status))
    ids = StatementIds()
    for response in responses:
        _statement(response, problems, statements, lines, notes, ids)
    return statements, lines, notes


def _tree(text: str, problems: ProblemLog) -> _Node | None:
    start = text.upper().find("<OFX>")
    if start < 0:
        problems.add(0, "", "", message("bank_reader.ofx_no_ofx_element"))
        return None
    line_starts = [0] + [m.end() for m in re.finditer("\n", text)]
    root = _Node("", 0)
    stack = [root]
    tokens = list(_TOKEN.finditer(text, start))
    for index, token in enumerate(tokens):
        closing, name, rest = token.group(1), token.group(2).upper(), token.group(3)
        line = _line_of(line_starts, token.start())
        if closing:
            if not any(node.name == name for node in stack[1:]):
                if name in _leaf_names(stack):  # XML 2.x closes leaves explicitly
                    continue
                problems.add(line, name, "", message("bank_reader.ofx_closing_without_opening", element=name))
                continue
            while stack[-1].name != name:
                # SGML: a tag with no text that was never closed was an empty leaf, not an
                # aggregate; what was read as its children belong to its parent.
                empty = stack.pop()
                empty.value = ""
                stack[-1].children.extend(empty.children)
                empty.children = []
            stack.pop()
            continue
        node = _Node(name, line)
        stack[-1].children.append(node)
        if rest.strip():
            node.value = _unescape(rest.strip())
        else:
            following = tokens[index + 1] if index + 1 < len(tokens) else None
            if following is not None and following.group(1) and following.group(2).upper() == name:
                node.value = ""  # an empty leaf written <X></X>
            else:
                stack.append(node)
    if len(stack) > 1:
        open_names = "/".join(node.name for node in stack[1:])
        problems.add(
            _line_of(line_starts, len(text)),
            open_names,
            "",
            message("bank_reader.ofx_not_closed", element=stack[-1].name, line=str(stack[-1].line)),
        )
        return None
    return root.find("OFX")


def _leaf_names(stack: list[_Node]) -> set[str]:
    return {child.name for child in stack[-1].children if child.value is not None}


def _statement(
    response: _Node,
    problems: ProblemLog,
    statements: list,
    lines: list,
    notes: list[FieldError],
    ids: StatementIds,
) -> None:
    account_node = response.find("BANKACCTFROM") or response.find("CCACCTFROM")
    account = ""
    if account_node is not None:
        # An IBAN names the account alone; otherwise the bank and branch ids qualify it.
        account = find_iban(account_node.text("ACCTID")) or "-".join(
            part
            for part in (
                account_node.text("BANKID"),
                account_node.text("BRANCHID"),
                account_node.text("ACCTID"),
            )
            if part
        )
    if not account:
        problems.add(response.line, "BANKACCTFROM/ACCTID", "", message("bank_reader.ofx_no_account"))
    currency = response.text("CURDEF")
    transactions = response.find("BANKTRANLIST")
    if transactions is not None and not transactions.children:
        transactions = None  # written empty, <BANKTRANLIST></BANKTRANLIST>: no list at all
    if transactions is None:
        # BANKTRANLIST is optional: a balance-only response, with nothing to load but a
        # dated ledger balance.
        transactions = _Node("BANKTRANLIST", response.line)
        as_of = response.text("LEDGERBAL", "DTASOF")
        transactions.children = [_Node("DTSTART", 0, value=as_of), _Node("DTEND", 0, value=as_of)]
        no_list = message("bank_reader.ofx_no_transaction_list", account=account or "?")
        notes.append(FieldError(response.line, "", "", no_list))
        if _date(as_of) is None:
            return
    start = _date(transactions.text("DTSTART"))
    end = _date(transactions.text("DTEND"))
    if start is None or end is None:
        problems.add(
            transactions.line,
            "DTSTART/DTEND",
            transactions.text("DTSTART"),
            message("bank_reader.ofx_no_period"),
        )
        return
    closing_text = response.text("LEDGERBAL", "BALAMT")
    closing = _amount(closing_text) if closing_text else None
    if closing_text and closing is None:
        problems.add(
            response.find("LEDGERBAL").line,
            "LEDGERBAL/BALAMT",
            closing_text,
            message("bank_reader.ofx_not_an_amount"),
        )
    sid = ids.new(account, start, end, "1")
    found = []
    seen_ids: dict[str, int] = {}
    for transaction in [c for c in transactions.children if c.name == "STMTTRN"]:
        posted = _date(transaction.text("DTPOSTED"))
        amount = _amount(transaction.text("TRNAMT"))
        if posted is None:
            problems.add(
                _line_of_leaf(transaction, "DTPOSTED"),
                "DTPOSTED",
                transaction.text("DTPOSTED"),
                message("bank_reader.ofx_not_a_date"),
            )
        if amount is None:
            problems.add(
                _line_of_leaf(transaction, "TRNAMT"),
                "TRNAMT",
                transaction.text("TRNAMT"),
                message("bank_reader.ofx_not_an_amount"),
            )
        fitid = transaction.text("FITID")
        if fitid and fitid in seen_ids:
            problems.add(
                _line_of_leaf(transaction, "FITID"),
                "FITID",
                fitid,
                message("bank_reader.ofx_repeated_fitid", line=str(seen_ids[fitid])),
            )
        seen_ids.setdefault(fitid, _line_of_leaf(transaction, "FITID"))
        if posted is None or amount is None:
            continue
        found.append((transaction, posted, amount))
    statements.append(
        BankStatement(
            statement_id=sid,
            account=account,
            currency=currency,
            period_start=start,
            period_end=end,
            opening_balance=None,
            closing_balance=closing,
            line_count=len(found),
        )
    )
    for number, (transaction, posted, amount) in enumerate(found, 1):
        name = transaction.text("NAME") or transaction.text("PAYEE", "NAME")
        lines.append(
            BankStatementLine(
                statement_id=sid,
                account=account,
                line_number=number,
                booking_date=posted,
                value_date=_date(transaction.text("DTAVAIL"))
                or _date(transaction.text("DTUSER"))
                or posted,
                amount=amount,
                currency=transaction.text("CURRENCY", "CURSYM") or currency,
                counterparty_name=name,
                counterparty_account=transaction.text("BANKACCTTO", "ACCTID"),
                remittance_text=transaction.text("MEMO"),
                bank_transaction_code=transaction.text("TRNTYPE"),
                reference=transaction.text("FITID")
                or transaction.text("REFNUM")
                or transaction.text("CHECKNUM"),
                source_line=transaction.line,
            )
        )


def _line_of_leaf(node: _Node, name: str) -> int:
    leaf = node.find(name)
    return leaf.line if leaf is not None else node.line


def _line_of(line_starts: list[int], offset: int) -> int:
    low, high = 0, len(line_starts)
    while low + 1 < high:
        middle = (low + high) // 2
        if line_starts[middle] <= offset:
            low = middle
        else:
            high = middle
    return low + 1


def _unescape(text: str) -> str:
    return re.sub(r"&(lt|gt|quot|apos|amp);", lambda m: _ENTITIES[m.group()], text)


def _date(text: str) -> date | None:
    if len(text) < 8 or not is_digits(text[:8]):
        return None
    try:
        return date(int(text[:4]), int(text[4:6]), int(text[6:8]))
    except ValueError:
        return None


def _amount(text: str) -> Decimal | None:
    text = text.strip()
    if "," in text and "." not in text:
        text = text.replace(",", ".")  # some European banks write TRNAMT with a comma
    if not re.fullmatch(r"[+-]?([0-9]+(\.[0-9]*)?|\.[0-9]+)", text):
        return None
    try:
        return to_cents(Decimal(text))
    except InvalidOperation:
        return None
