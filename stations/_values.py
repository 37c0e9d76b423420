"""Parse single cell values; each parser returns the value or raises ValueError with a reason."""

from __future__ import annotations

import datetime as dt
import re

import phonenumbers

TRUE_WORDS = frozenset({"true", "yes", "y", "1", "x", "t", "oui", "si", "ja"})
FALSE_WORDS = frozenset({"false", "no", "n", "0", "f", "non", "nein"})
_DATE_FORMATS = ("%Y-%m-%d", "%Y/%m/%d", "%d.%m.%Y", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M:%S")


def parse_float(text: str) -> float:
    """Return a finite number; commas as decimal separators are accepted."""
    decimal = text.replace(",", ".") if text.count(",") == 1 and "." not in text else text
    try:
        value = float(decimal)
    except ValueError:
        raise ValueError(f"expected a number, found {text!r}") from None
    if value != value or value in (float("inf"), float("-inf")):  # noqa: PLR0124
        raise ValueError(f"expected a finite number, found {text!r}")
    return value


def parse_bool(text: str) -> bool:
    """Return True or False from yes/no, true/false, 1/0 and similar words."""
    word = text.strip().lower()
    if word in TRUE_WORDS:
        return True
    if word in FALSE_WORDS:
        return False
    raise ValueError(f"expected true or false (yes/no, 1/0), found {text!r}")


def parse_count(text: str) -> int:
    """Return a non-negative integer."""
    try:
        number = float(text)
    except ValueError:
        raise ValueError(f"expected a whole number >= 0, found {text!r}") from None
    if number < 0 or not number.is_integer():
        raise ValueError(f"expected a whole number >= 0, found {text!r}")
    return int(number)


def parse_date(text: str) -> dt.date:
    """Return a date from ISO (2024-03-31), 2024/03/31 or 31.03.2024."""
    for fmt in _DATE_FORMATS:
        try:
            return dt.datetime.strptime(text.strip(), fmt).date()  # noqa: DTZ007
        except ValueError:
            continue
    raise ValueError(f"expected a date as YYYY-MM-DD, found {text!r}")


def parse_phone(text: str, region: str) -> str:
    """Return a phone number in E.164, read with the station's country as default region."""
    cleaned = re.sub(r"[^\d+]", "", text)
    if cleaned.startswith("00"):
        cleaned = "+" + cleaned[2:]
    try:
        number = phonenumbers.parse(cleaned or text, region)
    except phonenumbers.NumberParseException:
        raise ValueError(f"not a phone number: {text!r}") from None
    if not phonenumbers.is_valid_number(number):
        raise ValueError(f"not a valid phone number for {region} or in +CC form: {text!r}")
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)
