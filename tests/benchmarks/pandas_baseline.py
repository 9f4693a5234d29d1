"""The pandas baseline: cartera's aging, DSO and payment behaviour recomputed from the export
files the way an analyst would (pandas to read and group, Decimal for money, a loop per
document for the order money is applied in), to time against the warehouse and to check
that both give the same figures to the cent.

Definitions are dbt_project/DECISIONLOG.md's, followed line by line:

- latest export of a document wins (latest `updated_at`, then the later line); void
  documents count for nothing;
- receivable items: each instalment of an issued invoice or debit note (one at its due
  date for a document without instalments) and each unlinked credit note, negative, due
  on its issue date;
- reductions: allocations (to the instalment they name when the document has it), the
  client's withholdings, linked credit notes; effective from the document's issue date at
  the earliest; a named allocation lowers its instalment, everything else pays the open
  instalments oldest due date first and the last one takes any excess;
- buckets by days past due (≤ 0, 1–30, 31–60, 61–90, 91–120, > 120), each item converted
  at its issue date's rate (reporting ÷ document currency, fixed to 10 decimals) and
  rounded to the cent once; unapplied cash at the payment date's rate;
- DSO simple = ending AR × days of the month and the two before / credit sales of those
  three months (document totals, credit notes negative);
- payment behaviour: an instalment is paid on the first day its outstanding reaches zero;
  it counts when a receipt is among what lowered it; days beyond terms weighted by the
  instalment's amount in the reporting currency over payments of the 365 days to the
  as-of date.

Receipts are dated by their best payment date (the value date of the bank line that
carried them, DECISIONLOG: Best payment date). Matching bank lines to receipts is not
redone here: `recompute` takes those dates as an input (`payment_dates`), the dates an
analyst would take from the bank reconciliation; without them the receipt date is used.
"""

from __future__ import annotations

import calendar
import shutil
import tempfile
from bisect import bisect_right
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal, localcontext
from pathlib import Path

import pandas as pd

CENT = Decimal("0.01")
ZERO = Decimal("0.00")
BOUNDS = (0, 30, 60, 90, 120)
BUCKETS = ("not_due_amount", "days_1_30_amount", "days_31_60_amount", "days_61_90_amount",
           "days_91_120_amount", "days_over_120_amount")
AGING_COLUMNS = (*BUCKETS, "open_balance_amount", "overdue_amount", "in_dispute_amount",
                 "unapplied_cash_amount", "net_balance_amount")


def to_cent(value: Decimal) -> Decimal:
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


def ratio(numerator: Decimal, denominator: Decimal) -> Decimal | None:
    if denominator == 0:
        return None
    with localcontext() as context:
        context.prec = 60
        return to_cent(numerator / denominator)


def bucket_of(days_past_due: int) -> int:
    for index, upper in enumerate(BOUNDS):
        if days_past_due <= upper:
            return index
    return len(BOUNDS)


@dataclass
class Item:
    document_id: str
    installment_no: int
    due_date: date
    amount: Decimal
    is_installment: bool


@dataclass
class Document:
    document_id: str
    client_id: str
    issue_date: date
    in_dispute: bool
    factor: Decimal
    items: list[Item] = field(default_factory=list)  # in due order
    # (effective date, instalment named or None, amount, type, receipt id or None)
    reductions: list[tuple[date, int | None, Decimal, str, str | None]] = field(default_factory=list)


@dataclass
class Baseline:
    as_of: date
    aging: dict[str, dict[str, Decimal]]  # client -> AGING_COLUMNS
    dso_simple: dict[date, Decimal | None]  # month end -> company DSO
    days_beyond_terms: dict[str, Decimal | None]  # client -> weighted days beyond terms, 365


def read_csv(folder: Path, name: str) -> pd.DataFrame:
    return pd.read_csv(folder / name, dtype=str, keep_default_na=False)


def dates(column: pd.Series) -> list[date]:
    return [date.fromisoformat(value) for value in column]


def money_column(column: pd.Series) -> list[Decimal]:
    return [Decimal(value) for value in column]


class FxRates:
    """Units per euro by day from the ECB file; a day without a rate takes the latest earlier."""

    def __init__(self, frame: pd.DataFrame, reporting: str):
        self.reporting = reporting
        self.days = sorted(date.fromisoformat(d) for d in frame["Date"])
        frame = frame.assign(day=dates(frame["Date"])).sort_values("day")
        self.factors: dict[str, list[Decimal]] = {}
        currencies = [c for c in frame.columns if c not in ("Date", "day")]
        filled: dict[str, list[Decimal | None]] = {}
        for currency in currencies:
            last, values = None, []
            for value in frame[currency]:
                last = Decimal(value) if value not in ("", "N/A") else last
                values.append(last)
            filled[currency] = values
        filled["EUR"] = [Decimal(1)] * len(self.days)
        target = filled[reporting]
        for currency, values in filled.items():
            if currency != reporting:
                self.factors[currency] = [
                    None if v is None or t is None else self.exact(t, v) for t, v in zip(target, values)
                ]

    @staticmethod
    def exact(target: Decimal, source: Decimal) -> Decimal:
        with localcontext() as context:
            context.prec = 60
            return (target / source).quantize(Decimal("1e-10"), rounding=ROUND_HALF_UP)

    def factor(self, currency: str, day: date) -> Decimal:
        if currency == self.reporting:
            return Decimal(1)
        index = bisect_right(self.days, day) - 1
        if index < 0 or self.factors[currency][index] is None:
            raise ValueError(f"no {currency} rate on or before {day}")
        return self.factors[currency][index]


def load(folder: Path, reporting: str, payment_dates: dict[str, date] | None):
    fx = FxRates(read_csv(folder, "fx_rates.csv"), reporting)
    documents = read_csv(folder, "documents.csv")
    documents["line"] = range(len(documents))
    latest = (documents.sort_values(["document_id", "updated_at", "line"])
              .groupby("document_id", sort=False).tail(1))
    latest = latest[latest["status"] != "void"]
    issued = {}
    for row in latest.itertuples(index=False):
        issued[row.document_id] = row
    receivable: dict[str, Document] = {}
    for row in issued.values():
        if row.type in ("invoice", "debit_note"):
            issue = date.fromisoformat(row.issue_date)
            receivable[row.document_id] = Document(
                row.document_id, row.client_id, issue, row.in_dispute.lower() == "true",
                fx.factor(row.currency, issue))
    installments = read_csv(folder, "installments.csv")
    installments = installments[installments["document_id"].isin(receivable.keys())]
    for row in installments.itertuples(index=False):
        receivable[row.document_id].items.append(Item(
            row.document_id, int(row.installment_no), date.fromisoformat(row.due_date),
            Decimal(row.amount), True))
    for row in issued.values():
        if row.document_id in receivable and not receivable[row.document_id].items:
            receivable[row.document_id].items.append(Item(
                row.document_id, 1, date.fromisoformat(row.due_date), Decimal(row.total), True))
    # Unlinked credit notes: negative items of their own, due on their issue date.
    credit_notes, invoices_and_debit_notes = {}, set(receivable)
    for row in issued.values():
        if row.type != "credit_note":
            continue
        issue = date.fromisoformat(row.issue_date)
        if row.related_document_id in invoices_and_debit_notes:
            credit_notes[row.document_id] = (row.related_document_id, issue, Decimal(row.total))
        else:
            document = Document(row.document_id, row.client_id, issue, row.in_dispute.lower() == "true",
                                fx.factor(row.currency, issue))
            document.items.append(Item(row.document_id, 1, issue, -Decimal(row.total), False))
            receivable[row.document_id] = document
    for document in receivable.values():
        document.items.sort(key=lambda item: (item.due_date, item.installment_no))

    receipts = read_csv(folder, "receipts.csv").drop_duplicates("receipt_id", keep="last")
    receipt_rows = {}
    for row in receipts.itertuples(index=False):
        paid = (payment_dates or {}).get(row.receipt_id) or date.fromisoformat(row.date)
        receipt_rows[row.receipt_id] = (row.client_id, paid, Decimal(row.amount),
                                        fx.factor(row.currency, paid))

    def reduce(document_id: str, day: date, installment: int | None, amount: Decimal,
               kind: str, receipt_id: str | None) -> None:
        document = receivable.get(document_id)
        if document is None or not document.items[0].is_installment:
            return  # only issued invoices and debit notes are reduced
        if installment is not None and installment not in {i.installment_no for i in document.items}:
            installment = None
        document.reductions.append((max(day, document.issue_date), installment, amount, kind, receipt_id))

    allocations = read_csv(folder, "allocations.csv")
    for row in allocations.itertuples(index=False):
        if row.receipt_id in receipt_rows:
            named = int(row.installment_no) if row.installment_no else None
            reduce(row.document_id, receipt_rows[row.receipt_id][1], named, Decimal(row.amount),
                   "receipt", row.receipt_id)
    withholdings = read_csv(folder, "withholdings.csv").drop_duplicates(
        ["document_id", "type", "date", "certificate_number"], keep="last")
    for row in withholdings.itertuples(index=False):
        reduce(row.document_id, date.fromisoformat(row.date), None, Decimal(row.amount),
               "withholding", None)
    for related, issue, total in credit_notes.values():
        reduce(related, issue, None, total, "credit_note", None)
    for document in receivable.values():
        document.reductions.sort(key=lambda reduction: reduction[0])
    return receivable, receipt_rows, issued, fx


def outstanding(document: Document, day: date) -> list[Decimal]:
    """Each item's outstanding at `day`, in due order (the waterfall of DECISIONLOG)."""
    targeted: dict[int, Decimal] = defaultdict(Decimal)
    untargeted = ZERO
    for effective, installment, amount, _, _ in document.reductions:
        if effective > day:
            break
        if installment is None:
            untargeted += amount
        else:
            targeted[installment] += amount
    result, before = [], ZERO
    last = len(document.items) - 1
    for index, item in enumerate(document.items):
        capacity = item.amount - targeted[item.installment_no]
        if untargeted <= before:
            applied = ZERO
        elif index == last:
            applied = untargeted - before
        elif capacity <= 0:
            applied = ZERO
        else:
            applied = min(untargeted - before, capacity)
        result.append(capacity - applied)
        before += max(capacity, ZERO)
    return result


def aging_at(receivable: dict[str, Document], receipt_rows: dict, day: date) -> dict[str, dict[str, Decimal]]:
    sums: dict[str, dict[str, Decimal]] = defaultdict(lambda: dict.fromkeys(AGING_COLUMNS, ZERO))
    for document in receivable.values():
        if document.issue_date > day:
            continue
        for item, left in zip(document.items, outstanding(document, day)):
            if left == 0:
                continue
            reporting = to_cent(left * document.factor)
            days_past_due = (day - item.due_date).days
            client = sums[document.client_id]
            client[BUCKETS[bucket_of(days_past_due)]] += reporting
            client["open_balance_amount"] += reporting
            if days_past_due > 0:
                client["overdue_amount"] += reporting
            if document.in_dispute:
                client["in_dispute_amount"] += reporting
    applied: dict[str, Decimal] = defaultdict(Decimal)
    for document in receivable.values():
        for effective, _, amount, kind, receipt_id in document.reductions:
            if kind == "receipt" and effective <= day:
                applied[receipt_id] += amount
    unapplied: dict[str, Decimal] = defaultdict(Decimal)
    for receipt_id, (client_id, paid, amount, factor) in receipt_rows.items():
        if paid <= day:
            unapplied[client_id] += to_cent((amount - applied[receipt_id]) * factor)
    for client_id, amount in unapplied.items():
        if amount != 0 or client_id in sums:
            sums[client_id]["unapplied_cash_amount"] = amount
    for client in sums.values():
        client["net_balance_amount"] = client["open_balance_amount"] - client["unapplied_cash_amount"]
    return dict(sums)


def month_ends(first: date, last: date) -> list[date]:
    ends, year, month = [], first.year, first.month
    while True:
        end = date(year, month, calendar.monthrange(year, month)[1])
        if end > last:
            return ends
        ends.append(end)
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)


def dso_window(month_end: date) -> tuple[date, date]:
    """The month ending `month_end` and the two before it."""
    first = (month_end.replace(day=1) - timedelta(days=1)).replace(day=1)
    return (first - timedelta(days=1)).replace(day=1), month_end


def dso_terms(receivable, receipt_rows, issued, fx, month_end: date) -> tuple[Decimal, Decimal]:
    """Ending AR at `month_end` and the credit sales of its window (both sums over documents,
    so the exports cut by client add up to the company's)."""
    first, _ = dso_window(month_end)
    sales = ZERO
    for row in issued.values():
        issue = date.fromisoformat(row.issue_date)
        if first <= issue <= month_end:
            sign = -1 if row.type == "credit_note" else 1
            sales += to_cent(sign * Decimal(row.total) * fx.factor(row.currency, issue))
    ending = sum((c["open_balance_amount"] for c in aging_at(receivable, receipt_rows, month_end).values()), ZERO)
    return ending, sales


def dso_simple(ending: Decimal, sales: Decimal, month_end: date) -> Decimal | None:
    """Ending AR x the days of the month and the two before / their credit sales."""
    first, _ = dso_window(month_end)
    return ratio(ending * ((month_end - first).days + 1), sales)


def paid_installments(document: Document, as_of: date):
    """(instalment, paid date) of each instalment settled by `as_of` with a receipt among
    what lowered it: the first day its outstanding reached zero."""
    days = sorted({r[0] for r in document.reductions if r[0] <= as_of})
    previous = [item.amount for item in document.items]
    paid: dict[int, date] = {}
    with_receipt: set[int] = set()
    for day in days:
        now = outstanding(document, day)
        todays = [r for r in document.reductions if r[0] == day]
        for index, item in enumerate(document.items):
            if index in paid or item.amount <= 0 or now[index] >= previous[index]:
                continue
            reaching = [r for r in todays if r[1] is None or r[1] == item.installment_no] or todays
            if any(r[3] == "receipt" for r in reaching):
                with_receipt.add(index)
            if now[index] <= 0:
                paid[index] = day
        previous = now
    return [(document.items[index], day) for index, day in paid.items() if index in with_receipt]


def days_beyond_terms(receivable: dict[str, Document], as_of: date) -> dict[str, Decimal | None]:
    weighted: dict[str, Decimal] = defaultdict(Decimal)
    weights: dict[str, Decimal] = defaultdict(Decimal)
    clients = set()
    for document in receivable.values():
        if document.issue_date > as_of:
            continue
        clients.add(document.client_id)
        for item, paid in paid_installments(document, as_of):
            if as_of - timedelta(days=365) < paid <= as_of:
                weight = to_cent(item.amount * document.factor)
                weighted[document.client_id] += weight * (paid - item.due_date).days
                weights[document.client_id] += weight
    return {client: ratio(weighted[client], weights[client]) if client in weights else None
            for client in clients}


def recompute(folder: Path, as_of: date, month_end: date | None = None, reporting: str = "EUR",
              payment_dates: dict[str, date] | None = None, blocks: int = 1) -> Baseline:
    """Aging by client at `as_of`, company DSO at `month_end` (the last complete month before
    `as_of` by default), weighted days beyond terms by client over the 365 days to `as_of`.
    With `blocks` > 1 the exports are first cut by client into that many folders (a
    temporary folder beside nothing else) and each is recomputed alone: what an analyst does
    when the exports do not fit in memory (L: every export held at once would take ~40 GiB)."""
    if month_end is None:
        month_end = as_of.replace(day=1) - timedelta(days=1)
    aging: dict[str, dict[str, Decimal]] = {}
    behaviour: dict[str, Decimal | None] = {}
    ending = sales = ZERO
    with tempfile.TemporaryDirectory(prefix="baseline-blocks-") as work:
        folders = [Path(folder)] if blocks == 1 else split_by_client(Path(folder), Path(work), blocks)
        for part in folders:
            receivable, receipt_rows, issued, fx = load(part, reporting, payment_dates)
            aging |= aging_at(receivable, receipt_rows, as_of)
            behaviour |= days_beyond_terms(receivable, as_of)
            part_ending, part_sales = dso_terms(receivable, receipt_rows, issued, fx, month_end)
            ending, sales = ending + part_ending, sales + part_sales
    return Baseline(as_of=as_of, aging=aging, dso_simple={month_end: dso_simple(ending, sales, month_end)},
                    days_beyond_terms=behaviour)


# The exports the baseline reads, and the column that says whose each row is.
BY_CLIENT = {"documents.csv": "client_id", "receipts.csv": "client_id"}
BY_DOCUMENT = ("installments.csv", "withholdings.csv", "allocations.csv")
CHUNK_ROWS = 1_000_000


def split_by_client(folder: Path, into: Path, blocks: int) -> list[Path]:
    """The exports of `folder` cut into `blocks` folders, each holding every row of its
    clients (a client's block: a hash of its id), in the files' own line order, so that the
    latest export of a document is still its latest line. Rows of documents no export
    holds are left out, as `load` ignores them. A document exported under two clients, or
    an allocation of one client's receipt to another client's document, would make the
    blocks disagree with the whole: the cut stops with what it found."""
    folders = [into / f"block_{index:03d}" for index in range(blocks)]
    for part in folders:
        part.mkdir(parents=True)
        shutil.copyfile(folder / "fx_rates.csv", part / "fx_rates.csv")
        for name in (*BY_CLIENT, *BY_DOCUMENT):  # a block without rows of a file still has the file
            with (folder / name).open(encoding="utf-8") as source:
                (part / name).write_text(source.readline(), encoding="utf-8")
    owners: dict[str, pd.Series] = {}
    for name, column in BY_CLIENT.items():
        keys = []
        for chunk in _chunks(folder / name):
            chunk["block"] = pd.util.hash_array(chunk[column].to_numpy(dtype=object)) % blocks
            _append(chunk, folders, name)
            keys.append(chunk[[chunk.columns[0], "block"]].drop_duplicates())
        owner = pd.concat(keys).drop_duplicates()
        moved = owner[owner.iloc[:, 0].duplicated()]
        if len(moved):
            raise ValueError(f"{name}: {moved.iloc[0, 0]} is exported under two clients; the baseline cuts by client")
        owners[name] = owner.set_index(owner.columns[0])["block"]
    for name in BY_DOCUMENT:
        for chunk in _chunks(folder / name):
            chunk["block"] = chunk["document_id"].map(owners["documents.csv"])
            chunk = chunk[chunk["block"].notna()]
            if name == "allocations.csv":
                paying = chunk["receipt_id"].map(owners["receipts.csv"])
                across = chunk[paying.notna() & (paying != chunk["block"])]
                if len(across):
                    row = across.iloc[0]
                    raise ValueError(f"{name}: receipt {row.receipt_id} pays document {row.document_id} of "
                                     "another client; the baseline cuts by client")
            _append(chunk.astype({"block": int}), folders, name)
    return folders


def _chunks(path: Path):
    yield from pd.read_csv(path, dtype=str, keep_default_na=False, chunksize=CHUNK_ROWS)


def _append(chunk: pd.DataFrame, folders: list[Path], name: str) -> None:
    for block, rows in chunk.groupby("block", sort=False):
        rows.drop(columns="block").to_csv(folders[block] / name, mode="a", header=False, index=False)


def marts_figures(connection, baseline: Baseline) -> Baseline:
    """The same figures read from a published warehouse, for the comparison."""
    columns = ", ".join(AGING_COLUMNS)
    aging = {
        row[0]: dict(zip(AGING_COLUMNS, row[1:]))
        for row in connection.execute(f"select client_id, {columns} from marts.ar_aging").fetchall()
    }
    dso = {}
    for month_end in baseline.dso_simple:
        found = connection.execute(
            "select dso_simple from marts.ar_kpis_monthly where dimension_type = 'company' and month_end = ?",
            [month_end],
        ).fetchone()
        dso[month_end] = found[0] if found else "missing"
    behaviour = dict(connection.execute(
        "select client_id, weighted_days_beyond_terms_365 from marts.payment_behavior").fetchall())
    return Baseline(baseline.as_of, aging, dso, behaviour)


def payment_dates_of(connection) -> dict[str, date]:
    """Each receipt's best payment date as the warehouse's bank matching found it."""
    return dict(connection.execute("select receipt_id, payment_date from intermediate.int_receipts").fetchall())


def differences(baseline: Baseline, marts: Baseline) -> list[str]:
    """Human-readable differing rows: client and figure, baseline vs marts (empty = agree)."""
    found = []
    for client in sorted(set(baseline.aging) | set(marts.aging)):
        ours, theirs = baseline.aging.get(client), marts.aging.get(client)
        if ours is None or theirs is None:
            found.append(f"aging {client}: baseline {'has' if ours else 'lacks'} the client, marts "
                         f"{'have' if theirs else 'lack'} it")
            continue
        for column in AGING_COLUMNS:
            if ours[column] != theirs[column]:
                found.append(f"aging {client} {column}: baseline {ours[column]} marts {theirs[column]}")
    for month_end, value in baseline.dso_simple.items():
        if value != marts.dso_simple.get(month_end):
            found.append(f"dso_simple {month_end}: baseline {value} marts {marts.dso_simple.get(month_end)}")
    for client in sorted(set(baseline.days_beyond_terms) | set(marts.days_beyond_terms)):
        ours = baseline.days_beyond_terms.get(client, "missing")
        theirs = marts.days_beyond_terms.get(client, "missing")
        if ours != theirs:
            found.append(f"weighted_days_beyond_terms_365 {client}: baseline {ours} marts {theirs}")
    return found
