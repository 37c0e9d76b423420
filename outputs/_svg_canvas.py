"""A reportlab flowable drawn as inline SVG, for the HTML twin of a PDF.

:class:`SvgCanvas` takes the calls of reportlab's PDF canvas that the vector maps make
(paths, lines, circles, rectangles, clipping, text with a halo) and writes SVG elements
instead, so that the HTML page shows the very drawing the PDF holds
(:func:`flowable_svg`). Every text is escaped; colours come from the drawing.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from typing import Any

from reportlab.pdfbase.pdfmetrics import stringWidth

from outputs import fonts
from outputs.escape import html_text

HUGE_PT = 1e6  # the height offered to a flowable: it takes its tallest
SANS = "DejaVu Sans, Verdana, Arial, sans-serif"
CLIP_MARK = "@clip"  # replaced by a digest of the drawing: ids unique in a page, repeatable


@dataclass(frozen=True)
class _State:
    fill: str = "#000000"
    stroke: str = "#000000"
    width: float = 1.0
    join: int = 0
    cap: int = 0
    dash: tuple[float, ...] = ()
    font: str = fonts.REGULAR
    size: float = 10.0


class _Path:
    """A path under construction: ``moveTo``, ``lineTo``, ``close``, ``rect`` (points)."""

    def __init__(self) -> None:
        self.parts: list[str] = []

    def moveTo(self, x: float, y: float) -> None:  # noqa: N802 - reportlab's name
        self.parts.append(f"M{x:.2f} {y:.2f}")

    def lineTo(self, x: float, y: float) -> None:  # noqa: N802 - reportlab's name
        self.parts.append(f"L{x:.2f} {y:.2f}")

    def close(self) -> None:
        self.parts.append("Z")

    def rect(self, x: float, y: float, width: float, height: float) -> None:
        self.parts.append(f"M{x:.2f} {y:.2f}h{width:.2f}v{height:.2f}h{-width:.2f}Z")


@dataclass
class _Text:
    """A text object: runs of text at an origin, filled or stroked (the halo)."""

    x: float
    y: float
    font: str = fonts.REGULAR
    size: float = 10.0
    mode: int = 0
    runs: list[tuple[float, float, str, str, float, int]] = field(default_factory=list)

    def setFont(self, font: str, size: float) -> None:  # noqa: N802 - reportlab's name
        self.font, self.size = font, size

    def setTextRenderMode(self, mode: int) -> None:  # noqa: N802 - reportlab's name
        self.mode = mode

    def setTextOrigin(self, x: float, y: float) -> None:  # noqa: N802 - reportlab's name
        self.x, self.y = x, y

    def textOut(self, text: str) -> None:  # noqa: N802 - reportlab's name
        self.runs.append((self.x, self.y, text, self.font, self.size, self.mode))
        self.x += stringWidth(text, self.font, self.size)


class SvgCanvas:
    """The subset of reportlab's PDF canvas the vector maps use, writing SVG elements.

    Parameters
    ----------
    height
        The drawing's height, points: PDF's y runs up, SVG's down.
    """

    def __init__(self, height: float) -> None:
        self.height = height
        self.elements: list[str] = []
        self._state = _State()
        self._saved: list[tuple[_State, int]] = []
        self._open = 0  # groups opened since the last saveState
        self._clips = 0

    # state
    def saveState(self) -> None:  # noqa: N802 - reportlab's name
        self._saved.append((self._state, self._open))
        self._open = 0

    def restoreState(self) -> None:  # noqa: N802 - reportlab's name
        self.elements += ["</g>"] * self._open
        self._state, self._open = self._saved.pop()

    def translate(self, dx: float, dy: float) -> None:
        self.elements.append(f'<g transform="translate({dx:.2f} {dy:.2f})">')
        self._open += 1

    def setFillColor(self, colour: Any) -> None:  # noqa: N802 - reportlab's name
        self._state = replace(self._state, fill=_hex(colour))

    def setStrokeColor(self, colour: Any) -> None:  # noqa: N802 - reportlab's name
        self._state = replace(self._state, stroke=_hex(colour))

    def setLineWidth(self, width: float) -> None:  # noqa: N802 - reportlab's name
        self._state = replace(self._state, width=width)

    def setLineJoin(self, join: int) -> None:  # noqa: N802 - reportlab's name
        self._state = replace(self._state, join=join)

    def setLineCap(self, cap: int) -> None:  # noqa: N802 - reportlab's name
        self._state = replace(self._state, cap=cap)

    def setDash(self, dash: Sequence[float] = ()) -> None:  # noqa: N802 - reportlab's name
        self._state = replace(self._state, dash=tuple(dash))

    def setFont(self, font: str, size: float) -> None:  # noqa: N802 - reportlab's name
        self._state = replace(self._state, font=font, size=size)

    @staticmethod
    def stringWidth(text: str, font: str, size: float) -> float:  # noqa: N802 - reportlab's name
        return stringWidth(text, font, size)

    # shapes
    def beginPath(self) -> _Path:  # noqa: N802 - reportlab's name
        return _Path()

    def drawPath(  # noqa: N802 - reportlab's name
        self,
        path: _Path,
        stroke: int = 1,
        fill: int = 0,
        fillMode: int = 1,  # noqa: N803
    ) -> None:
        if path.parts:
            rule = ' fill-rule="evenodd"' if fillMode == 0 else ""
            d = "".join(path.parts)
            self.elements.append(f'<path d="{d}"{rule}{self._paint(stroke, fill)}/>')

    def clipPath(self, path: _Path, stroke: int = 0, fill: int = 0) -> None:  # noqa: N802, ARG002
        self._clips += 1
        clip = f"{CLIP_MARK}-{self._clips}"  # made unique per drawing by flowable_svg
        self.elements.append(
            f'<clipPath id="{clip}"><path d="{"".join(path.parts)}"/></clipPath>'
            f'<g clip-path="url(#{clip})">'
        )
        self._open += 1

    def line(self, x1: float, y1: float, x2: float, y2: float) -> None:
        self.elements.append(
            f'<line x1="{x1:.2f}" y1="{y1:.2f}" x2="{x2:.2f}" y2="{y2:.2f}"{self._paint(1, 0)}/>'
        )

    def circle(self, x: float, y: float, r: float, stroke: int = 1, fill: int = 0) -> None:
        self.elements.append(
            f'<circle cx="{x:.2f}" cy="{y:.2f}" r="{r:.2f}"{self._paint(stroke, fill)}/>'
        )

    def rect(
        self, x: float, y: float, width: float, height: float, stroke: int = 1, fill: int = 0
    ) -> None:
        self.elements.append(
            f'<rect x="{x:.2f}" y="{y:.2f}" width="{width:.2f}" height="{height:.2f}"'
            f"{self._paint(stroke, fill)}/>"
        )

    # text
    def drawString(self, x: float, y: float, text: str) -> None:  # noqa: N802 - reportlab's name
        state = self._state
        self.elements.append(_text(x, y, text, state.font, state.size, fill=state.fill))

    def drawCentredString(self, x: float, y: float, text: str) -> None:  # noqa: N802
        state = self._state
        self.elements.append(
            _text(x, y, text, state.font, state.size, fill=state.fill, anchor="middle")
        )

    def beginText(self, x: float, y: float) -> _Text:  # noqa: N802 - reportlab's name
        return _Text(x, y)

    def drawText(self, text: _Text) -> None:  # noqa: N802 - reportlab's name
        state = self._state
        for x, y, run, font, size, mode in text.runs:
            if mode == 1:  # stroke only: the halo
                halo = f"{state.stroke};stroke-width:{state.width:g};stroke-linejoin:round"
                self.elements.append(_text(x, y, run, font, size, fill="none", stroke=halo))
            else:
                self.elements.append(_text(x, y, run, font, size, fill=state.fill))

    def _paint(self, stroke: int, fill: int) -> str:
        state = self._state
        style = [f"fill:{state.fill}" if fill else "fill:none"]
        if stroke:
            style.append(f"stroke:{state.stroke};stroke-width:{state.width:g}")
            style.append(f"stroke-linejoin:{('miter', 'round', 'bevel')[state.join]}")
            style.append(f"stroke-linecap:{('butt', 'round', 'square')[state.cap]}")
            if state.dash:
                style.append("stroke-dasharray:" + ",".join(f"{d:g}" for d in state.dash))
        return f' style="{";".join(style)}"'


def _hex(colour: Any) -> str:
    return "#" + colour.hexval()[2:].lower()


def _text(
    x: float,
    y: float,
    text: str,
    font: str,
    size: float,
    *,
    fill: str,
    stroke: str | None = None,
    anchor: str = "start",
) -> str:
    """Return an SVG text element upright in the flipped frame, its text escaped.

    The text is already in visual order (:func:`outputs.fonts.shape_text`): it is laid
    out left to right, as the PDF does.
    """
    weight = "bold" if "Bold" in font else "normal"
    style = f"fill:{fill};font:{weight} {size:g}px {SANS};unicode-bidi:bidi-override"
    if stroke:
        style += f";stroke:{stroke}"
    return (
        f'<text transform="translate({x:.2f} {y:.2f}) scale(1 -1)" text-anchor="{anchor}" '
        f'direction="ltr" style="{style}">{html_text(text)}</text>'
    )


def flowable_svg(flowable: Any, width: float, label: str) -> str:
    """Return a flowable drawn as an inline SVG element ``width`` points wide.

    Parameters
    ----------
    flowable
        A reportlab flowable that draws with the calls :class:`SvgCanvas` knows.
    width
        The width offered, points.
    label
        The drawing's accessible name (its caption), escaped here.

    Returns
    -------
    str
        ``<svg>`` scaled to its container's width, its title the label.
    """
    fonts.register_fonts()
    width, height = flowable.wrap(width, HUGE_PT)
    canvas = SvgCanvas(height)
    flowable.canv = canvas
    flowable.draw()
    del flowable.canv
    body = "".join(canvas.elements)
    body = body.replace(CLIP_MARK, "clip" + hashlib.blake2b(body.encode()).hexdigest()[:16])
    name = html_text(label)
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width:.2f} {height:.2f}" '
        f'role="img" aria-label="{name}"><title>{name}</title>'
        f'<g transform="matrix(1 0 0 -1 0 {height:.2f})">{body}</g></svg>'
    )


__all__ = ["SvgCanvas", "flowable_svg"]
