"""The click options that several ``planner`` commands share, each declared once."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

import click

Decorator = Callable[[Callable[..., Any]], Any]

STATION_ARG = click.argument(
    "station", type=click.Path(exists=True, file_okay=False, path_type=Path)
)
FAIL_ON = click.Choice(["none", "critical", "major", "any"])


def out_option(help_text: str, **settings: Any) -> Decorator:
    """Declare ``--out`` (a folder the command writes) and ``--force`` on a command.

    Parameters
    ----------
    help_text
        The help of ``--out``.
    **settings
        More settings of ``--out`` (``required``, ``default``).

    Returns
    -------
    callable
        The decorator.
    """
    out = click.option(
        "--out", type=click.Path(file_okay=False, path_type=Path), help=help_text, **settings
    )
    force = click.option(
        "--force",
        is_flag=True,
        help="Replace --out even when it holds files planner did not write (never a station, "
        "an input, the current or home folder, nor a folder holding one of them).",
    )
    return lambda command: out(force(command))


def seed_option(help_text: str = "Seed of the partition.") -> Decorator:
    """Declare ``--seed`` (an integer, 0 by default)."""
    return click.option("--seed", type=int, default=0, show_default=True, help=help_text)


def previous_option(help_text: str) -> Decorator:
    """Declare ``--previous``: an earlier plan's folder."""
    return click.option(
        "--previous",
        type=click.Path(exists=True, file_okay=False, path_type=Path),
        help=help_text,
    )


def repair_option(help_text: str = "Repair failing hand-drawn zones.") -> Decorator:
    """Declare ``--repair``: repair failing hand-drawn zones."""
    return click.option("--repair", is_flag=True, help=help_text)


def redact_option(help_text: str) -> Decorator:
    """Declare ``--redact``: outputs safe to share."""
    return click.option("--redact", is_flag=True, help=help_text)


def format_option(help_text: str | None = None) -> Decorator:
    """Declare ``--format`` (``text`` or ``json``), passed as ``output_format``."""
    return click.option(
        "--format",
        "output_format",
        type=click.Choice(["text", "json"]),
        default="text",
        show_default=True,
        help=help_text,
    )


def fail_on_option(default: str, help_text: str) -> Decorator:
    """Declare ``--fail-on``: the severity of failing MOSS rules that makes the exit 3."""
    return click.option(
        "--fail-on", type=FAIL_ON, default=default, show_default=True, help=help_text
    )


def _plan_date(_ctx: click.Context, _param: click.Parameter, value: str | None) -> dt.date:
    from stations.presence import plan_date

    try:
        return plan_date(value)
    except ValueError as error:
        raise click.BadParameter(str(error)) from None


AS_OF = click.option(
    "--as-of",
    "as_of",
    metavar="YYYY-MM-DD",
    callback=_plan_date,
    help="The plan date (default today, UTC): who is away or visiting, which records and "
    "trainings are stale. The same inputs and --as-of give the same files.",
)


def _tiles(_ctx: click.Context, _param: click.Parameter, value: str) -> str:
    from outputs.maps import tile_layer_of

    try:
        tile_layer_of(value)
    except ValueError as error:
        raise click.BadParameter(str(error)) from None
    return value


TILES = click.option(
    "--tiles",
    default="none",
    show_default=True,
    callback=_tiles,
    help="Map background: none (offline, from the OSM extract), osm (online OpenStreetMap "
    "tiles) or a tile URL template https://.../{z}/{x}/{y}.png (fetched by the browser).",
)

PDF_PASSWORD_FILE = click.option(
    "--pdf-password-file",
    type=click.Path(dir_okay=False, path_type=Path),
    help="A file holding the password that warden lists and letters are encrypted with.",
)


def read_password(path: Path) -> str:
    """Return the password on the first line of ``path``; a usage error when there is none.

    Parameters
    ----------
    path
        The ``--pdf-password-file``.

    Returns
    -------
    str
        The password, stripped.

    Raises
    ------
    click.BadParameter
        When the file cannot be read or its first line is empty.
    """
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        reason = getattr(error, "strerror", None) or str(error)
        message = f"cannot read the password file {path}: {reason}"
        raise click.BadParameter(message, param_hint="--pdf-password-file") from None
    lines = text.splitlines()
    password = lines[0].strip() if lines else ""
    if not password:
        message = f"the password file {path} is empty: write the password on its first line"
        raise click.BadParameter(message, param_hint="--pdf-password-file")
    return password


def checked_out(out: Path, *, kind: str, keep: Iterable[Path] = (), force: bool = False) -> Path:
    """Return ``out`` resolved, or exit 2 saying why planner will not write there.

    Parameters
    ----------
    out
        The ``--out`` folder.
    kind
        What the command writes there (`planner.output_folder`).
    keep
        Inputs that must never be replaced.
    force
        Replace a folder holding files planner did not write.

    Returns
    -------
    pathlib.Path
        The folder, resolved.

    Raises
    ------
    click.BadParameter
        When planner will not write there.
    """
    from planner.output_folder import OutputFolderError, check_output_folder

    try:
        return check_output_folder(out, kind=kind, keep=keep, force=force)
    except OutputFolderError as error:
        raise click.BadParameter(str(error), param_hint="'--out'") from None
