"""One escaping function per format a user string lands in: names are data, never markup.

Every name, address, id or place name from a station reaches the outputs through one
of these functions, chosen by the format it is written into:

- :func:`reportlab_markup` for reportlab paragraphs (``&``, ``<``, ``>`` escaped);
- :func:`pdf_text` for strings reportlab draws as they are (table cells, page headers);
- :func:`plot_text` for labels drawn by matplotlib (``$`` never starts mathtext);
- :func:`xml_text` for KML and other XML (escaped, characters XML 1.0 cannot hold removed);
- :func:`html_text` for HTML text and attribute values;
- :func:`csv_cell` for CSV cells (formulas neutralised);
- :func:`vcard_text` for vCard property values;
- :func:`terminal_text` for user strings echoed on a terminal.

All of them first make the string plain (:func:`plain_text`): control characters
(C0 but tab and line feed, DEL, C1) and lone surrogates become U+FFFD, and the bidi
embedding, override and isolate controls (U+202A-202E, U+2066-2069) are removed, so a
name cannot flip the text around it. Right-to-left names still read right to left:
browsers and the PDFs' shaping order them by their letters.
"""

from __future__ import annotations

import html
import re
from xml.sax.saxutils import escape as _xml_escape

REPLACEMENT = "\ufffd"
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
BIDI_CONTROLS = re.compile("[\u202a-\u202e\u2066-\u2069]")
CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\ud800-\udfff]")
_NOT_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")
_TERMINAL = re.compile("[\x00-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069\ud800-\udfff]")


def plain_text(value: object) -> str:
    r"""Return a value as text without control or bidi override characters.

    Parameters
    ----------
    value
        Any value; None gives an empty string.

    Returns
    -------
    str
        The text with control characters (but tab and line feed) and lone surrogates
        replaced by U+FFFD and bidi embedding, override and isolate controls removed.

    Examples
    --------
    >>> plain_text("Zone\x1b[31m \u202eA") == "Zone\ufffd[31m A"
    True
    """
    if value is None:
        return ""
    return CONTROL.sub(REPLACEMENT, BIDI_CONTROLS.sub("", str(value)))


def reportlab_markup(value: object) -> str:
    """Return a value escaped for a reportlab paragraph (its mini-HTML markup).

    Parameters
    ----------
    value
        The text (already shaped for its script, if need be).

    Returns
    -------
    str
        Plain text with ``&``, ``<`` and ``>`` escaped: tags in a name are shown, never run.
    """
    return _xml_escape(plain_text(value))


def pdf_text(value: object) -> str:
    """Return a value made plain for a string reportlab draws without markup.

    Parameters
    ----------
    value
        The text.

    Returns
    -------
    str
        :func:`plain_text` of the value (reportlab draws it character by character).
    """
    return plain_text(value)


def plot_text(value: object) -> str:
    r"""Return a value for a matplotlib label: plain, ``$`` shown, never mathtext.

    Parameters
    ----------
    value
        The text.

    Returns
    -------
    str
        :func:`plain_text` of the value with every ``$`` escaped as ``\$``.
    """
    return plain_text(value).replace("$", r"\$")


def xml_text(value: object) -> str:
    """Return a value escaped for XML 1.0 text or attribute values (KML).

    Parameters
    ----------
    value
        The text.

    Returns
    -------
    str
        Plain text with ``&``, ``<``, ``>``, ``"`` and ``'`` escaped and every character
        XML 1.0 cannot hold (such as U+FFFE) replaced by U+FFFD.
    """
    text = _NOT_XML.sub(REPLACEMENT, plain_text(value))
    return _xml_escape(text, {'"': "&quot;", "'": "&apos;"})


def html_text(value: object) -> str:
    """Return a value escaped for HTML text or a quoted attribute value.

    Parameters
    ----------
    value
        The text.

    Returns
    -------
    str
        Plain text with ``&``, ``<``, ``>``, ``"`` and ``'`` escaped.
    """
    return html.escape(plain_text(value), quote=True)


def csv_cell(value: object) -> object:
    """Return a cell that a spreadsheet shows as text, never runs as a formula.

    Text is made plain; a cell starting with ``=``, ``+``, ``-``, ``@``, tab or
    carriage return gets a leading apostrophe (the OWASP recommendation). Numbers and
    missing values are left alone, so a negative number stays a number.

    Parameters
    ----------
    value
        The cell.

    Returns
    -------
    object
        The cell to write.
    """
    if not isinstance(value, str):
        return value
    if value.startswith(FORMULA_STARTS):
        return "'" + plain_text(value)
    return plain_text(value)


def vcard_text(value: object) -> str:
    """Return a value escaped for a vCard 3.0 property (RFC 6350 section 3.4).

    Parameters
    ----------
    value
        The text.

    Returns
    -------
    str
        Plain text with backslash, comma, semicolon and line breaks escaped.
    """
    text = "" if value is None else str(value).replace("\r\n", "\n").replace("\r", "\n")
    text = plain_text(text)
    for raw, escaped in (("\\", "\\\\"), (",", "\\,"), (";", "\\;"), ("\n", "\\n")):
        text = text.replace(raw, escaped)
    return text


def terminal_text(value: object) -> str:
    r"""Return a value safe to print on a terminal: control characters shown, never run.

    Control characters (line breaks and escape sequences included), bidi controls and
    lone surrogates are written as ``\xNN``, ``\uNNNN`` so that a name can neither move
    the cursor, colour the terminal, fake a line of output nor flip the text after it.

    Parameters
    ----------
    value
        The text.

    Returns
    -------
    str
        One printable line.

    Examples
    --------
    >>> terminal_text("Z1\x1b[2J\n")
    'Z1\\x1b[2J\\n'
    """
    return _TERMINAL.sub(_visible, str(value))


def _visible(match: re.Match[str]) -> str:
    return match.group().encode("unicode_escape", "backslashreplace").decode("ascii")
