"""Phone numbers as people dial them from paper: grouped, in international format."""

from __future__ import annotations

import phonenumbers


def format_phone(text: str, country: str | None = None) -> str:
    """Return a number in international format (``+358 41 2062259``), or the text as given.

    Numbers are stored in E.164 (``+358412062259``), which is hard to read aloud or dial
    from paper. Text that is not a valid international number (a short number such as
    ``112``, a note) is returned unchanged.

    Parameters
    ----------
    text
        The number as stored (E.164 once validated).
    country
        The station's country (ISO 3166 alpha-2), for a number without a country code;
        ``None`` reads only numbers in ``+CC`` form.

    Returns
    -------
    str
        The grouped number, or ``text``.

    Examples
    --------
    >>> format_phone("+358412062259")
    '+358 41 2062259'
    >>> format_phone("112")
    '112'
    """
    try:
        number = phonenumbers.parse(text, country)
    except phonenumbers.NumberParseException:
        return text
    if not phonenumbers.is_valid_number(number):
        return text
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.INTERNATIONAL)
