"""Pieces shared by the A4 documents drawn with reportlab: page numbering and table style."""

from __future__ import annotations

from typing import Any

from outputs import fonts

GRID_COLOUR = "#9aa5b1"
HEADER_FILL = "#e8eef6"
STRIPE_FILL = "#f6f8fb"


def numbered_canvas(margin_mm: float) -> type:
    """Return a canvas class that prints "Page N of M" at the bottom right.

    Pages are kept until the end, when the total is known.

    Parameters
    ----------
    margin_mm
        The right margin the page number is aligned to.
    """
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.units import mm
    from reportlab.pdfgen.canvas import Canvas

    class NumberedCanvas(Canvas):
        def __init__(self, *args: Any, **kwargs: Any) -> None:
            super().__init__(*args, **kwargs)
            self._pages: list[dict[str, Any]] = []

        def showPage(self) -> None:  # noqa: N802 - reportlab's name
            self._pages.append(dict(self.__dict__))
            self._startPage()

        def save(self) -> None:
            total = len(self._pages)
            for state in self._pages:
                self.__dict__.update(state)
                self.setFont(fonts.REGULAR, 7.5)
                self.drawRightString(
                    A4[0] - margin_mm * mm, 8 * mm, f"Page {self._pageNumber} of {total}"
                )
                super().showPage()
            super().save()

    return NumberedCanvas


def grid_style(*, header: bool = True) -> list[tuple[Any, ...]]:
    """Return the table style of the documents: thin grid, shaded header, striped rows.

    Parameters
    ----------
    header
        Whether the first row is a header row.
    """
    from reportlab.lib import colors

    first = 1 if header else 0
    shading = [("BACKGROUND", (0, 0), (-1, 0), colors.HexColor(HEADER_FILL))] if header else []
    return [
        ("GRID", (0, 0), (-1, -1), 0.4, colors.HexColor(GRID_COLOUR)),
        *shading,
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("ROWBACKGROUNDS", (0, first), (-1, -1), [colors.white, colors.HexColor(STRIPE_FILL)]),
        ("TOPPADDING", (0, 0), (-1, -1), 2),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 2),
        ("LEFTPADDING", (0, 0), (-1, -1), 3),
        ("RIGHTPADDING", (0, 0), (-1, -1), 3),
    ]
