"""Tax id checks: each distinct (country, tax_id) of raw.clients validated with
python-stdnum, stored in raw.client_tax_id_checks. An invalid id is flagged there, never
dropped: the client and its documents load as exported.

Which validator, by the client's country: ES -> stdnum.es.nif (DNI, NIE, CIF and the
K/L/M NIFs), MX -> stdnum.mx.rfc (with its check digits), another EU member state ->
stdnum.eu.vat (the id with or without its VAT prefix); any other country is 'unchecked'.

A reason is a catalogue message (dashboards/i18n/*/tax_id.json), stored as its JSON as
raw.ingest_warnings keeps a reader's, and worded where it is shown.
"""

from dataclasses import dataclass, fields

import duckdb
import pyarrow as pa
import stdnum
from stdnum.eu import vat as eu_vat
from stdnum.exceptions import InvalidChecksum, InvalidComponent, InvalidFormat, InvalidLength, ValidationError
from stdnum.es import nif as es_nif
from stdnum.mx import rfc as mx_rfc

from dashboards.i18n.messages import STORED_AS_TEXT, Message, as_text, message

# Spain has its own validator; Greece's VAT prefix is EL, not its ISO code.
_EU_VAT_PREFIXES = {
    "AT": "AT", "BE": "BE", "BG": "BG", "CY": "CY", "CZ": "CZ", "DE": "DE", "DK": "DK",
    "EE": "EE", "FI": "FI", "FR": "FR", "GR": "EL", "HR": "HR", "HU": "HU", "IE": "IE",
    "IT": "IT", "LT": "LT", "LU": "LU", "LV": "LV", "MT": "MT", "NL": "NL", "PL": "PL",
    "PT": "PT", "RO": "RO", "SE": "SE", "SI": "SI", "SK": "SK",
}

# The SAT's generic RFCs stand for "público en general" and foreign clients on an
# invoice; they identify nobody but are what the law asks for, so they are not errors.
_GENERIC_RFCS = {"XAXX010101000", "XEXX010101000"}

_REASONS = {
    InvalidChecksum: message("tax_id.wrong_check_digit"),
    InvalidLength: message("tax_id.wrong_length"),
    InvalidFormat: message("tax_id.wrong_format"),
}


@dataclass(frozen=True)
class TaxIdCheck:
    country: str
    tax_id: str
    normalised_tax_id: str
    tax_id_kind: str
    is_valid: bool | None  # None: no validator for the country
    reason: Message | None  # why it is invalid or unchecked; None when valid
    validator: str | None


def check_tax_id(country: str, tax_id: str) -> TaxIdCheck:
    """Validates one tax id for a client of `country` (ISO 3166-1 alpha-2)."""
    country = country.strip().upper()
    if country == "ES":
        return _check_spanish(country, tax_id)
    if country == "MX":
        return _check_mexican(country, tax_id)
    if country in _EU_VAT_PREFIXES:
        return _check_eu_vat(country, tax_id)
    unchecked = message("tax_id.no_validator", country=country)
    return TaxIdCheck(country, tax_id, _plain(tax_id), "unchecked", None, unchecked, None)


def _check_spanish(country: str, tax_id: str) -> TaxIdCheck:
    compact = es_nif.compact(tax_id)
    return _validated(country, tax_id, compact, _spanish_kind(compact), "stdnum.es.nif", es_nif.validate)


def _spanish_kind(compact: str) -> str:
    first = compact[:1]
    if first.isdigit():
        return "es_dni"
    if first in ("X", "Y", "Z"):
        return "es_nie"
    if first in ("K", "L", "M"):
        return "es_nif_klm"
    return "es_cif" if first.isalpha() else "es_nif"


def _check_mexican(country: str, tax_id: str) -> TaxIdCheck:
    compact = mx_rfc.compact(tax_id)
    if compact in _GENERIC_RFCS:
        return TaxIdCheck(country, tax_id, compact, "mx_rfc_generic", True, None, "SAT generic RFC")
    kind = {12: "mx_rfc_company", 13: "mx_rfc_person", 10: "mx_rfc_person"}.get(len(compact), "mx_rfc")
    # The check digit is what catches a typo, so it is checked, not only the shape.
    return _validated(
        country, tax_id, compact, kind, "stdnum.mx.rfc",
        lambda number: mx_rfc.validate(number, validate_check_digits=True),
        impossible_part=message("tax_id.impossible_rfc_part"),
    )


def _check_eu_vat(country: str, tax_id: str) -> TaxIdCheck:
    prefix = _EU_VAT_PREFIXES[country]
    plain = _plain(tax_id)
    number = plain if plain.startswith(prefix) else prefix + plain
    try:
        compact = eu_vat.compact(number)
    except ValidationError:
        compact = number
    check = _validated(
        country, tax_id, compact, "eu_vat", "stdnum.eu.vat", eu_vat.validate,
        impossible_part=message("tax_id.impossible_vat_part"),
    )
    foreign_prefix = plain[:2]
    if not check.is_valid and foreign_prefix != prefix and foreign_prefix in _EU_VAT_PREFIXES.values():
        return TaxIdCheck(
            country, tax_id, plain, "eu_vat", False,
            message("tax_id.vat_prefix_mismatch", prefix=foreign_prefix, country=country), check.validator,
        )
    return check


def _validated(
    country, tax_id, compact, kind, module, validate, impossible_part: Message | None = None
) -> TaxIdCheck:
    validator = f"{module} (python-stdnum {stdnum.__version__})"
    try:
        validate(compact)
    except InvalidComponent:
        reason = impossible_part or message("tax_id.impossible_part")
        return TaxIdCheck(country, tax_id, compact, kind, False, reason, validator)
    except ValidationError as error:
        # An error type python-stdnum adds later keeps its own (English) words as the detail.
        reason = next(
            (reason for error_type, reason in _REASONS.items() if isinstance(error, error_type)),
            message("tax_id.invalid", detail=str(error)),
        )
        return TaxIdCheck(country, tax_id, compact, kind, False, reason, validator)
    return TaxIdCheck(country, tax_id, compact, kind, True, None, validator)


def _plain(tax_id: str) -> str:
    return "".join(character for character in tax_id.upper() if character.isalnum())


def refresh_tax_id_checks(conn: duckdb.DuckDBPyConnection) -> int:
    """Brings raw.client_tax_id_checks to one check of every distinct (country, tax_id) in
    raw.clients, in one transaction: pairs no client has any more are deleted, pairs
    checked by another python-stdnum version are checked again, and only the pairs not
    yet checked are validated, so a refresh whose clients export repeats yesterday's
    validates nothing. A pair whose reason an older cartera stored as English text is
    checked again, to store it as a message. Rerunning it gives the same rows, never more.
    Returns the number of rows."""
    # "SAT generic RFC" names no library version: it never goes stale.
    library, current = "%(python-stdnum %)", f"%(python-stdnum {stdnum.__version__})"
    conn.execute("begin transaction")
    try:
        conn.execute(
            """
            delete from raw.client_tax_id_checks as checks
            where (validator like ? and validator not like ?)
                or not starts_with(reason, ?)
                or not exists (
                    select 1 from raw.clients
                    where clients.country = checks.country and clients.tax_id = checks.tax_id
                )
            """,
            [library, current, STORED_AS_TEXT],
        )
        pairs = conn.execute(
            """
            select distinct country, tax_id from raw.clients as clients
            where not exists (
                select 1 from raw.client_tax_id_checks as checks
                where checks.country = clients.country and checks.tax_id = clients.tax_id
            )
            order by country, tax_id
            """
        ).fetchall()
        checks = [check_tax_id(country, tax_id) for country, tax_id in pairs]
        if checks:
            # One INSERT of an Arrow batch: executemany runs one statement per row.
            columns = {name: [getattr(check, name) for check in checks] for name in _COLUMNS}
            columns["reason"] = [None if reason is None else as_text(reason) for reason in columns["reason"]]
            batch = pa.table(columns)
            conn.register("new_tax_id_checks", batch)
            try:
                conn.execute(
                    f"insert into raw.client_tax_id_checks ({', '.join(_COLUMNS)}) "
                    f"select {', '.join(_COLUMNS)} from new_tax_id_checks"
                )
            finally:
                conn.unregister("new_tax_id_checks")
        rows = conn.execute("select count(*) from raw.client_tax_id_checks").fetchall()[0][0]
        conn.execute("commit")
    except BaseException:
        conn.execute("rollback")
        raise
    return rows


_COLUMNS = tuple(field.name for field in fields(TaxIdCheck))
