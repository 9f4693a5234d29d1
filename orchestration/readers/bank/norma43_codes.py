"""What both Norma 43 readers share: the record length, the currency codes and the
account's IBAN (norma43.py documents the layout)."""

from .common import is_digits

RECORD_LENGTH = 80

# ISO 4217 numeric codes of the currencies Spanish banks keep accounts in.
NUMERIC_CURRENCIES = {
    "978": "EUR",
    "840": "USD",
    "826": "GBP",
    "756": "CHF",
    "392": "JPY",
    "124": "CAD",
    "036": "AUD",
    "752": "SEK",
    "578": "NOK",
    "208": "DKK",
    "985": "PLN",
    "203": "CZK",
    "348": "HUF",
    "946": "RON",
    "156": "CNY",
    "484": "MXN",
    "032": "ARS",
    "986": "BRL",
    "152": "CLP",
    "170": "COP",
    "604": "PEN",
    "858": "UYU",
    "928": "VES",
    "504": "MAD",
    "949": "TRY",
    "710": "ZAR",
    "344": "HKD",
    "702": "SGD",
    "554": "NZD",
}


def account_number(bank: str, branch: str, number: str) -> str:
    """The account's IBAN: Norma 43 leaves out the CCC check digits, they are computed."""
    if not is_digits((bank + branch + number)):
        return f"{bank}{branch}{number}"
    ccc = bank + branch + _ccc_digit("00" + bank + branch) + _ccc_digit(number) + number
    check = 98 - int(ccc + "142800") % 97  # "ES" -> 14 28, then "00"
    return f"ES{check:02d}{ccc}"


def _ccc_digit(ten_digits: str) -> str:
    weights = (1, 2, 4, 8, 5, 10, 9, 7, 3, 6)
    digit = 11 - sum(int(d) * w for d, w in zip(ten_digits, weights, strict=True)) % 11
    return str({11: 0, 10: 1}.get(digit, digit))
