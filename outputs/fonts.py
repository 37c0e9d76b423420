"""Fonts for PDFs that print Latin, Cyrillic, Greek, Arabic and Chinese names correctly.

DejaVu Sans (Debian ``fonts-dejavu-core``) covers Latin, Cyrillic, Greek and Arabic
presentation forms; Droid Sans Fallback (``fonts-droid-fallback``) covers CJK.
reportlab neither shapes Arabic nor reorders right-to-left text, so
:func:`shape_text` joins the letters (``arabic-reshaper``) and puts them in visual
order (``python-bidi``) before drawing. :func:`markup` does both and switches fonts
per run of characters, for use in platypus paragraphs.

Example
-------
>>> fonts = register_fonts()  # doctest: +SKIP
>>> Paragraph(markup("李小龙 / José"), style)  # doctest: +SKIP
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from outputs.escape import pdf_text, reportlab_markup

REGULAR = "DejaVuSans"
BOLD = "DejaVuSans-Bold"
CJK = "DroidSansFallback"
FONT_FILES = (
    (REGULAR, "DejaVuSans.ttf", "fonts-dejavu-core"),
    (BOLD, "DejaVuSans-Bold.ttf", "fonts-dejavu-core"),
    (CJK, "DroidSansFallbackFull.ttf", "fonts-droid-fallback"),
)
FONT_DIRS = (
    Path("/usr/share/fonts/truetype/dejavu"),
    Path("/usr/share/fonts/truetype/droid"),
    Path("/usr/share/fonts/truetype"),
)
_RTL_SCRIPT = re.compile(r"[\u0590-\u08ff\ufb1d-\ufdff\ufe70-\ufeff]")
_CJK_RANGES = (
    (0x2E80, 0x9FFF),  # CJK radicals, kana, Bopomofo, Hangul compatibility, unified ideographs
    (0xA960, 0xA97F),
    (0xAC00, 0xD7AF),  # Hangul syllables
    (0xF900, 0xFAFF),  # compatibility ideographs
    (0xFE30, 0xFE4F),
    (0xFF00, 0xFFEF),  # half- and full-width forms
    (0x20000, 0x2FA1F),
)


_CJK = re.compile("[" + "".join(f"{chr(low)}-{chr(high)}" for low, high in _CJK_RANGES) + "]")


class FontsMissingError(FileNotFoundError):
    """A font file the PDFs need is not installed."""


@dataclass(frozen=True)
class FontSet:
    """The registered font names and the files they came from.

    Attributes
    ----------
    regular, bold, cjk
        reportlab font names for body text, headings and CJK runs.
    paths
        Font name -> the TrueType file registered under it.
    """

    regular: str
    bold: str
    cjk: str
    paths: dict[str, Path]


def register_fonts(dirs: Sequence[Path] = FONT_DIRS) -> FontSet:
    """Register the fonts with reportlab (once per set of directories) and return their names.

    Parameters
    ----------
    dirs
        Directories searched, in order, for the TrueType files.

    Returns
    -------
    FontSet
        The font names to use in styles and markup.

    Raises
    ------
    FontsMissingError
        If a file is missing; the message names the Debian package to install.
    """
    return _register(tuple(Path(d) for d in dirs))


@cache
def _register(dirs: tuple[Path, ...]) -> FontSet:
    from reportlab.lib.fonts import addMapping
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont

    paths: dict[str, Path] = {}
    missing = []
    for name, filename, package in FONT_FILES:
        found = next((d / filename for d in dirs if (d / filename).is_file()), None)
        if found is None:
            missing.append(f"{filename} (install it with: apt-get install {package})")
            continue
        paths[name] = found
    if missing:
        searched = ", ".join(str(d) for d in dirs)
        msg = f"fonts for the PDFs are missing: {'; '.join(missing)}; searched {searched}"
        raise FontsMissingError(msg)
    for name, path in paths.items():
        if name not in pdfmetrics.getRegisteredFontNames():
            pdfmetrics.registerFont(TTFont(name, str(path)))
    for bold, italic, face in ((0, 0, REGULAR), (1, 0, BOLD), (0, 1, REGULAR), (1, 1, BOLD)):
        addMapping(REGULAR, bold, italic, face)
    return FontSet(REGULAR, BOLD, CJK, paths)


def is_cjk(char: str) -> bool:
    """Return whether a character is Chinese, Japanese or Korean (needs the CJK font)."""
    return _CJK.match(char) is not None


def has_cjk(text: str) -> bool:
    """Return whether a string holds any Chinese, Japanese or Korean character."""
    return _CJK.search(text) is not None


def has_rtl(text: str) -> bool:
    """Return whether a string holds right-to-left (Arabic or Hebrew) letters."""
    return bool(_RTL_SCRIPT.search(text))


def shape_text(text: str) -> str:
    """Return text ready to draw left to right: Arabic letters joined, RTL runs reordered.

    The text is first made plain (:func:`outputs.escape.pdf_text`: no control or bidi
    override characters); strings without right-to-left letters are then returned
    NFC-normalised.

    Parameters
    ----------
    text
        Logical-order Unicode text (one line).

    Returns
    -------
    str
        Visual-order text.
    """
    text = unicodedata.normalize("NFC", pdf_text(text))
    if not has_rtl(text):
        return text
    import arabic_reshaper
    from bidi import get_display

    return str(get_display(arabic_reshaper.reshape(text)))


def font_for(text: str, *, bold: bool = False) -> str:
    """Return the font name for a whole string: the CJK font if it holds any CJK character.

    Parameters
    ----------
    text
        The string to draw.
    bold
        Whether a bold face is wanted (the CJK font has one weight).

    Returns
    -------
    str
        A registered reportlab font name.
    """
    if has_cjk(text):
        return CJK
    return BOLD if bold else REGULAR


def markup(text: str, *, bold: bool = False) -> str:
    """Return escaped platypus markup for a string, shaped, with the CJK font on CJK runs.

    Parameters
    ----------
    text
        Plain user text (one line), escaped by :func:`outputs.escape.reportlab_markup`.
    bold
        Draw the non-CJK runs in bold.

    Returns
    -------
    str
        Markup for :class:`reportlab.platypus.Paragraph`.
    """
    shaped = shape_text(text)
    base = BOLD if bold else REGULAR
    if not has_cjk(shaped):
        return f'<font face="{base}">{reportlab_markup(shaped)}</font>'
    out = []
    for cjk, run in _runs(shaped):
        face = CJK if cjk else base
        out.append(f'<font face="{face}">{reportlab_markup(run)}</font>')
    return "".join(out)


def _runs(text: str) -> list[tuple[bool, str]]:
    runs: list[tuple[bool, str]] = []
    for char in text:
        cjk = is_cjk(char)
        if runs and (runs[-1][0] == cjk or char.isspace()):
            runs[-1] = (runs[-1][0], runs[-1][1] + char)
        else:
            runs.append((cjk, char))
    return runs
