"""Credit committee decisions: recorded by a committee member (the role is checked here,
on the server, against the store), audited with the client's previous decision, read back
per client and as each client's latest."""

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal, InvalidOperation

import sqlalchemy as sa

from dashboards.app_state import audit
from dashboards.app_state.errors import InvalidInput, PermissionDenied
from dashboards.app_state.store import Store
from dashboards.app_state.tables import credit_decisions
from dashboards.app_state.users import RECORD_DECISION, User, normalise_name, require_permission

ACTIONS = ("keep", "raise", "reduce", "hold_new_orders", "stop_supplying", "remove_limit")
# Only these set a new limit (with its currency); the others leave the amount alone.
LIMIT_ACTIONS = ("raise", "reduce")
_MAX_LIMIT = Decimal("1e16")  # DECIMAL(18, 2)


@dataclass(frozen=True)
class Decision:
    decision_id: int
    client_id: str
    action: str
    new_limit: Decimal | None
    currency: str | None
    reason: str
    next_review_date: date | None
    meeting_date: date
    decided_by: str
    decided_at: datetime


def record_decision(
    store: Store,
    user: User | str,
    client_id: str,
    action: str,
    new_limit: Decimal | None,
    currency: str | None,
    reason: str,
    next_review_date: date | None,
    meeting_date: date,
) -> Decision:
    """Records the committee's decision on `client_id` by `user` (a User or a user name).
    Refused with PermissionDenied unless the user, as stored now, is active with a role
    that records decisions (the refusal itself is audited); InvalidInput for a missing
    reason, an unknown action, or a limit where the action takes none (or none where it
    needs one)."""
    actor = normalise_name(user.name if isinstance(user, User) else user)
    values = _validated(client_id, action, new_limit, currency, reason, next_review_date, meeting_date)
    now = store.now()
    with store.write() as conn:
        try:
            require_permission(conn, actor, RECORD_DECISION)
        except PermissionDenied as refusal:
            refused = refusal
            audit.append(
                conn, now, actor, audit.DECISION_REFUSED, "client", values["client_id"], new_value=_audited(values)
            )
        else:
            refused = None
            previous = _latest_of_client(conn, values["client_id"])
            decision_id = conn.execute(
                sa.insert(credit_decisions)
                .values(**values, decided_by=actor, decided_at=now)
                .returning(credit_decisions.c.decision_id)
            ).scalar_one()
            audit.append(
                conn, now, actor, audit.DECISION_RECORDED, "client", values["client_id"],
                previous_value=None if previous is None else _audited(previous.__dict__),
                new_value={"decision_id": decision_id, **_audited(values)},
            )
    if refused is not None:
        raise refused
    return Decision(decision_id=decision_id, decided_by=actor, decided_at=now, **values)


def decisions_of_client(store: Store, client_id: str) -> list[Decision]:
    """The client's decisions, newest first."""
    with store.read() as conn:
        rows = conn.execute(
            sa.select(credit_decisions)
            .where(credit_decisions.c.client_id == client_id)
            .order_by(credit_decisions.c.decided_at.desc(), credit_decisions.c.decision_id.desc())
        )
        return [_decision(row) for row in rows]


def latest_decisions(store: Store) -> dict[str, Decision]:
    """Each client's latest decision, by client id."""
    ranked = sa.select(
        credit_decisions,
        sa.func.row_number()
        .over(
            partition_by=credit_decisions.c.client_id,
            order_by=(credit_decisions.c.decided_at.desc(), credit_decisions.c.decision_id.desc()),
        )
        .label("recency"),
    ).subquery()
    with store.read() as conn:
        rows = conn.execute(sa.select(ranked).where(ranked.c.recency == 1))
        return {row.client_id: _decision(row) for row in rows}


def _latest_of_client(conn: sa.Connection, client_id: str) -> Decision | None:
    row = conn.execute(
        sa.select(credit_decisions)
        .where(credit_decisions.c.client_id == client_id)
        .order_by(credit_decisions.c.decided_at.desc(), credit_decisions.c.decision_id.desc())
        .limit(1)
    ).one_or_none()
    return None if row is None else _decision(row)


def _decision(row: sa.Row) -> Decision:
    return Decision(**{name: getattr(row, name) for name in Decision.__dataclass_fields__})


def _audited(values: dict) -> dict:
    # The audit row has its own timestamp.
    return {name: value for name, value in values.items() if name != "decided_at"}


def _validated(
    client_id: str,
    action: str,
    new_limit: Decimal | None,
    currency: str | None,
    reason: str,
    next_review_date: date | None,
    meeting_date: date,
) -> dict:
    client_id = (client_id or "").strip()
    if not client_id:
        raise InvalidInput("client_required", "a decision needs the client it is about")
    if action not in ACTIONS:
        raise InvalidInput("invalid_action", f"action {action!r}: one of {', '.join(ACTIONS)}")
    reason = (reason or "").strip()
    if not reason:
        raise InvalidInput("reason_required", "a decision needs its reason")
    if not isinstance(meeting_date, date):
        raise InvalidInput("meeting_date_required", "a decision needs the date of the meeting that took it")
    if next_review_date is not None and next_review_date <= meeting_date:
        raise InvalidInput("review_before_meeting", "the next review must come after the meeting")
    if action in LIMIT_ACTIONS:
        new_limit, currency = _limit(action, new_limit), _currency(currency)
    elif new_limit is not None or currency is not None:
        raise InvalidInput("limit_not_applicable", f"a {action} decision sets no new limit")
    return {
        "client_id": client_id,
        "action": action,
        "new_limit": new_limit,
        "currency": currency,
        "reason": reason,
        "next_review_date": next_review_date,
        "meeting_date": meeting_date,
    }


def _limit(action: str, value: Decimal | None) -> Decimal:
    # A float would already have lost the cents (0.1 + 0.2): money comes as Decimal or text.
    if value is None or isinstance(value, float | bool):
        raise InvalidInput("limit_required", f"a {action} decision needs the new limit as a decimal amount")
    try:
        amount = Decimal(value)
    except (InvalidOperation, TypeError, ValueError):
        raise InvalidInput("invalid_limit", f"new limit {value!r} is not an amount") from None
    if not amount.is_finite() or amount <= 0 or amount >= _MAX_LIMIT:
        raise InvalidInput("invalid_limit", f"new limit {value}: more than 0 and less than 10^16")
    if amount != amount.quantize(Decimal("0.01")):
        raise InvalidInput("invalid_limit", f"new limit {value}: at most two decimals (cents)")
    return amount.quantize(Decimal("0.01"))


def _currency(value: str | None) -> str:
    code = (value or "").strip().upper()
    if len(code) != 3 or not code.isascii() or not code.isalpha():
        raise InvalidInput("invalid_currency", f"currency {value!r}: a three-letter ISO 4217 code such as EUR")
    return code
