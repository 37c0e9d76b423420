"""Parse single cell values; each parser returns the value or raises ValueError with a reason."""

from __future__ import annotations

import re

import phonenumbers

# A plain decimal number: digits with one "." or "," and an optional exponent; no "_",
# no spaces, no "inf" or "nan" (Python's float() accepts "1_0" as 10).
_NUMBER = re.compile(r"^[+-]?(?:\d+(?:[.,]\d*)?|[.,]\d+)(?:[eE][+-]?\d+)?$")


def parse_float(text: str) -> float:
    """Return a finite number; commas as decimal separators are accepted."""
    cleaned = text.strip()
    if not _NUMBER.match(cleaned):
        raise ValueError(f"expected a number, found {text!r}")
    value = float(cleaned.replace(",", "."))
    if value in (float("inf"), float("-inf")):
        raise ValueError(f"expected a finite number, found {text!r}")
    return value


def parse_count(text: str) -> int:
    """Return a non-negative integer."""
    cleaned = text.strip()
    if not _NUMBER.match(cleaned) or "," in cleaned:
        raise ValueError(f"expected a whole number >= 0, found {text!r}")
    number = float(cleaned)
    if number < 0 or not number.is_integer():
        raise ValueError(f"expected a whole number >= 0, found {text!r}")
    return int(number)


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
