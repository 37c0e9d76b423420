"""The ``planner`` command line: the one place that talks to users.

Domain errors become exit status 1 with a message and no traceback (unless
``--debug``); usage errors exit with 2.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import logging
import sys
import warnings
from importlib.metadata import version
from pathlib import Path
from typing import Any

import click

from outputs.escape import terminal_text
from planner.options import (
    AS_OF,
    PDF_PASSWORD_FILE,
    STATION_ARG,
    TILES,
    checked_out,
    fail_on_option,
    format_option,
    out_option,
    previous_option,
    read_password,
    redact_option,
    repair_option,
    seed_option,
)
from stations import StationError

logger = logging.getLogger("planner")

EXIT_INPUT_ERROR = 1


def _echo(text: str, **kwargs: Any) -> None:
    """Print text with user strings in it: each line through ``terminal_text``."""
    click.echo("\n".join(terminal_text(line) for line in text.split("\n")), **kwargs)


class PlannerError(click.ClickException):
    """A domain error shown to the user as a message, exit status 1."""

    exit_code = EXIT_INPUT_ERROR

    def show(self, file: Any = None) -> None:
        """Print the message to stderr without click's 'Error:' decoration twice."""
        _echo(f"error: {self.format_message()}", err=True, file=file)


class PlannerGroup(click.Group):
    """A click group that turns domain errors into clean messages."""

    def invoke(self, ctx: click.Context) -> Any:
        """Run the command, translating domain errors unless ``--debug``."""
        try:
            return super().invoke(ctx)
        except BrokenPipeError:
            raise  # the reader went away (`| head`): click exits quietly
        except (StationError, OSError) as exc:
            if ctx.obj and ctx.obj.get("debug"):
                raise
            from stations.summary import summarise

            issues = [i for i in getattr(exc, "issues", []) if i.describe() != str(exc)]
            raise PlannerError("\n".join([str(exc), *summarise(issues)])) from exc
        except (click.ClickException, click.exceptions.Exit, click.exceptions.Abort):
            raise
        except Exception as exc:
            if ctx.obj and ctx.obj.get("debug"):
                raise
            logger.debug("internal error", exc_info=True)
            msg = (
                f"internal error ({type(exc).__name__}: {exc}); please report it with the "
                "output of the same command run with --debug"
            )
            raise PlannerError(msg) from exc


def _quiet() -> bool:
    """Return whether the user asked for less output (``-q``)."""
    ctx = click.get_current_context(silent=True)
    return bool(ctx and ctx.find_root().obj and ctx.find_root().obj.get("quiet"))


def _configure_logging(verbose: int, quiet: int) -> None:
    level = logging.WARNING - 10 * verbose + 10 * quiet
    logging.basicConfig(
        level=max(logging.DEBUG, min(logging.CRITICAL, level)),
        format="%(levelname)s %(name)s: %(message)s",
        stream=sys.stderr,
    )
    warnings.showwarning = _log_warning


def _log_warning(  # the signature of warnings.showwarning
    message: Warning | str,
    category: type[Warning],
    filename: str,
    lineno: int,
    file: Any = None,  # noqa: ARG001
    line: str | None = None,  # noqa: ARG001
) -> None:
    """Send a library's warning to the log at debug level, never to the user's terminal."""
    logger.debug("%s: %s (%s:%d)", category.__name__, message, filename, lineno)


@click.group(cls=PlannerGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(version("warden-planner"), prog_name="planner")
@click.option("--debug", is_flag=True, help="Show tracebacks instead of short messages.")
@click.option("-v", "--verbose", count=True, help="More log output (repeatable).")
@click.option("-q", "--quiet", count=True, help="Less log output (repeatable).")
@click.pass_context
def main(ctx: click.Context, debug: bool, verbose: int, quiet: int) -> None:
    """Plan warden zones, appointments and MOSS checks for a UN duty station."""
    ctx.ensure_object(dict)
    ctx.obj["debug"] = debug
    ctx.obj["quiet"] = quiet > 0
    _configure_logging(verbose, quiet)


@main.command()
@STATION_ARG
@format_option("Report format on stdout (json lists every row).")
@click.option("--strict", is_flag=True, help="Treat warnings as errors.")
@click.option(
    "--suggest-vocabulary",
    "suggest",
    type=click.Path(dir_okay=False, path_type=Path, allow_dash=True),
    is_flag=False,
    flag_value="-",
    default=None,
    help="Write the [vocabulary] table mapping every value that could not be placed "
    "(to stdout, or to a new FILE) for review.",
)
def validate(station: Path, output_format: str, strict: bool, suggest: Path | None) -> None:
    """Load and check a STATION folder; exit 0 if usable, 1 on errors."""
    from stations.summary import summarise
    from stations.vocabulary import suggest_table

    to_stdout = suggest is not None and str(suggest) == "-"
    if to_stdout and output_format == "json":
        raise click.UsageError("--suggest-vocabulary without FILE writes to stdout; "
                               "give a FILE with --format json")  # fmt: skip
    if suggest is not None and not to_stdout and suggest.exists():
        raise click.BadParameter(
            f"{suggest} exists; choose a new file name", param_hint="--suggest-vocabulary"
        )
    from stations import load_station

    try:
        loaded = load_station(station)
        issues = list(loaded.issues)
        counts = _station_counts(loaded)
    except StationError as exc:
        issues, counts = exc.issues or [], {}
        if not issues:
            raise
    issues += _moss_rules_issues(station)
    n_err = sum(i.severity == "error" for i in issues)
    n_warn = sum(i.severity == "warning" for i in issues)
    usable = not n_err and not (strict and n_warn)
    if suggest is not None:
        table = suggest_table(_unplaced(issues))
        if to_stdout:
            click.echo(table, nl=False)
        else:
            suggest.write_text(table, encoding="utf-8")
    if output_format == "json":
        payload = {
            "station": str(station),
            "usable": usable,
            "counts": counts,
            "errors": n_err,
            "warnings": n_warn,
            "issues": [i.to_dict() for i in issues],
        }
        click.echo(json.dumps(payload, indent=2, ensure_ascii=False))
    else:
        for line in summarise(issues):
            _echo(line, err=True)
        verdict = [f"{station}: {'usable' if usable else 'NOT usable'}"]
        verdict += [", ".join(f"{v} {k}" for k, v in counts.items())] if counts else []
        verdict.append(f"{n_err} error(s), {n_warn} warning(s)")
        _echo("; ".join(verdict), err=to_stdout)
    if not usable:
        sys.exit(EXIT_INPUT_ERROR)


def _moss_rules_issues(station: Path) -> list[Any]:
    """Return the problems of the station's own MOSS rules file, read as ``plan`` reads it."""
    from planner.moss_rules import load_rules
    from stations import load_config

    try:
        rules = load_config(station).moss.rules
    except StationError:  # already reported by load_station
        return []
    if rules is None:
        return []
    try:
        load_rules(station / rules, label=rules)
    except StationError as exc:
        return exc.issues
    return []


def _unplaced(issues: list[Any]) -> dict[str, dict[str, int]]:
    """Return vocabulary name -> {value nobody recognised: rows} from the issues."""
    found: dict[str, dict[str, int]] = {}
    for issue in issues:
        if issue.code.startswith("unknown_") and issue.value is not None:
            name = issue.code.removeprefix("unknown_")
            found.setdefault(name, {})
            found[name][issue.value] = found[name].get(issue.value, 0) + 1
    return found


def _station_counts(station: Any) -> dict[str, int]:
    from stations.summary import station_counts

    return station_counts(station)


@main.command()
@click.option("--city", help="A city of the bbbike index shipped with pyrosm (e.g. Genf, Wien).")
@click.option(
    "--boundary",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="A polygon file giving the station's extent instead of --city.",
)
@click.option("--households", type=click.IntRange(min=1), required=True, help="Households.")
@seed_option("Random seed.")
@out_option("The station folder to write (new, empty, or an earlier synth output).", required=True)
@click.option(
    "--sub-offices",
    type=click.IntRange(min=0),
    default=0,
    show_default=True,
    help="Sub-offices far from the capital, each with its staff.",
)
@click.option(
    "--sub-office-distance-km",
    type=click.FloatRange(min=1),
    default=120.0,
    show_default=True,
    help="Distance of the sub-offices from the capital.",
)
@click.option("--security-level", type=click.IntRange(1, 6), default=3, show_default=True)
@click.option(
    "--osm",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="An OSM extract (.osm.pbf) of the area: homes go into its residential buildings.",
)
@click.option("--name", help="Station name (default: the city's).")
@click.option("--country", help="ISO 3166 alpha-2 country code (default: the city's).")
@click.option(
    "--people",
    is_flag=True,
    help="Also write named dependants (dependants.csv), hotel visitors (visitors.csv) and "
    "staff away or visiting (status columns of staff.csv), around 2026-11-01.",
)
def synth(  # click passes options by keyword
    *,
    city: str | None,
    boundary: Path | None,
    households: int,
    seed: int,
    out: Path,
    force: bool,
    sub_offices: int,
    sub_office_distance_km: float,
    security_level: int,
    osm: Path | None,
    name: str | None,
    country: str | None,
    people: bool,
) -> None:
    """Write a realistic synthetic station folder (for tests, demos and benchmarks)."""
    from planner.output_folder import STATION, atomic_folder
    from stations.synth import synthesize_station

    if (city is None) == (boundary is None):
        raise click.UsageError("give exactly one of --city or --boundary")
    inputs = [path for path in (boundary, osm) if path is not None]
    checked_out(out, kind=STATION, keep=inputs, force=force)
    try:
        with atomic_folder(out, kind=STATION, keep=inputs, force=force, private=False) as folder:
            synthesize_station(
                folder,
                households=households,
                seed=seed,
                city=city,
                boundary=boundary,
                name=name,
                country=country,
                sub_offices=sub_offices,
                sub_office_distance_km=sub_office_distance_km,
                security_level=security_level,
                osm=osm,
                people=people,
            )
    except ValueError as exc:
        if isinstance(exc, StationError):
            raise
        raise click.BadParameter(str(exc)) from exc
    click.echo(f"wrote {out} ({households} households, seed {seed})")


@main.command()
@STATION_ARG
@out_option(
    "Folder for zones.geojson, zones.kml, assignments.csv, zone_metrics.csv.", required=True
)
@repair_option("Repair failing hand-drawn zones (others stay as drawn).")
@previous_option("An earlier plan's folder: keep its zones where still valid and report churn.")
@seed_option()
@format_option("Summary format on stdout.")
def zones(  # click passes options by keyword
    *,
    station: Path,
    out: Path,
    force: bool,
    repair: bool,
    previous: Path | None,
    seed: int,
    output_format: str,
) -> None:
    """Draw (or check, repair, re-plan) the warden zones of a STATION."""
    from outputs.zone_tables import write_zone_tables
    from planner.build import zone_station
    from planner.output_folder import ZONES, atomic_folder
    from planner.summary import zones_text
    from stations import load_station
    from zones.replan import churn_summary
    from zones.zoning import staff_assignments

    checked_out(out, kind=ZONES, keep=[station], force=force)
    loaded = load_station(station)
    result = zone_station(loaded, repair=repair, previous=previous, seed=seed)
    columns = ["zone_id", "zone_name", "households", "staff", "dependants", "headcount"]
    zones_out = result.plan.zones[["zone_id", "zone_name", "geometry"]].merge(
        result.metrics[[c for c in columns if c != "zone_name"]], on="zone_id"
    )
    with atomic_folder(out, kind=ZONES, keep=[station], force=force) as folder:
        write_zone_tables(
            folder,
            title=f"{loaded.name} warden zones",
            zones=zones_out,
            assignments=staff_assignments(result),
            metrics=result.metrics,
            churn=result.churn,
        )
    summary = dict(result.summary)
    if result.churn is not None:
        summary["churn"] = churn_summary(result.churn)
    if output_format == "json":
        click.echo(json.dumps(summary | {"out": str(out)}, indent=2, ensure_ascii=False))
        return
    _echo(zones_text(loaded.name, summary, out))


EXIT_GAPS = 3


def _failing(report: Any, fail_on: str) -> list[Any]:
    severities = {"critical": ("critical",), "major": ("critical", "major"), "any": None}
    if fail_on == "none":
        return []
    wanted = severities[fail_on]
    return [r for r in report.failing() if wanted is None or r.rule.severity in wanted]


@main.command()
@STATION_ARG
@out_option("The plan's output folder (replaced whole when the plan is complete).", required=True)
@previous_option("An earlier plan's folder: keep its zones and wardens where still valid.")
@repair_option()
@redact_option("A plan safe to share: no names, phones or homes.")
@fail_on_option("none", "Exit with status 3 when MOSS rules of this severity fail.")
@seed_option()
@AS_OF
@PDF_PASSWORD_FILE
@TILES
def plan(  # click passes options by keyword
    *,
    station: Path,
    out: Path,
    force: bool,
    previous: Path | None,
    repair: bool,
    redact: bool,
    fail_on: str,
    seed: int,
    as_of: dt.date,
    pdf_password_file: Path | None,
    tiles: str,
) -> None:
    """Build the security plan of a STATION into --out."""
    password = read_password(pdf_password_file) if pdf_password_file is not None else None
    _plan_command(
        station, out, previous=previous, repair=repair, redact=redact, fail_on=fail_on,
        seed=seed, as_of=as_of, tiles=tiles, force=force, pdf_password=password,
    )  # fmt: skip


@main.command()
@out_option("The plan's output folder.", default=Path("out/helsinki"), show_default=True)
@AS_OF
@TILES
def demo(*, out: Path, force: bool, as_of: dt.date, tiles: str) -> None:
    """Build the plan of the bundled Helsinki sample station."""
    from importlib import resources

    with resources.as_file(resources.files("stations").joinpath("sample", "helsinki")) as sample:
        _plan_command(
            sample, out, previous=None, repair=False, redact=False, fail_on="none", seed=0,
            as_of=as_of, tiles=tiles, force=force,
        )  # fmt: skip


def _plan_command(
    station: Path,
    out: Path,
    *,
    previous: Path | None,
    repair: bool,
    redact: bool,
    fail_on: str,
    seed: int,
    as_of: dt.date,
    tiles: str = "none",
    force: bool = False,
    pdf_password: str | None = None,
) -> None:
    from planner.build import PLAN_STEPS, build_plan
    from planner.output_folder import PLAN, atomic_folder
    from planner.progress import progress
    from planner.publish import PUBLISH_STEPS, write_plan
    from planner.summary import plan_summary, plan_text

    checked_out(out, kind=PLAN, keep=[station], force=force)
    names = [*PLAN_STEPS, *PUBLISH_STEPS]
    with progress(names, enabled=not _quiet()) as steps:
        run = build_plan(
            station, as_of=as_of, previous=previous, repair=repair, seed=seed, step=steps.start
        )
        with atomic_folder(out, kind=PLAN, keep=[station], force=force) as folder:
            write_plan(
                run,
                folder,
                issued=as_of,
                redact=redact,
                tiles=tiles,
                pdf_password=pdf_password,
                step=steps.start,
            )
        seconds = steps.finish()
    _echo(plan_text(plan_summary(run), seconds=seconds, index=out.absolute() / "index.html"))
    if _failing(run.moss_report(), fail_on):
        sys.exit(EXIT_GAPS)


@main.command()
@STATION_ARG
@fail_on_option("critical", "Exit with status 3 when rules of this severity (or worse) fail.")
@format_option()
@AS_OF
def moss(*, station: Path, fail_on: str, output_format: str, as_of: dt.date) -> None:
    """Check a STATION against MOSS (zones and wardens are planned first)."""
    from planner.build import build_plan
    from planner.summary import moss_text

    report = build_plan(station, as_of=as_of, until="moss").moss_report()
    if output_format == "json":
        click.echo(json.dumps(report.to_dict(), indent=2, ensure_ascii=False))
    else:
        _echo(moss_text(report))
    if _failing(report, fail_on):
        sys.exit(EXIT_GAPS)


@main.command()
@click.argument(
    "threats", required=False, type=click.Path(exists=True, dir_okay=False, path_type=Path)
)
@out_option(
    "Folder for risk.html, risk.json and risk.csv (replaced whole).",
    default=Path("risk"),
    show_default=True,
)
@click.option("--matrix", "show_matrix", is_flag=True, help="Print the risk matrix and exit.")
@click.option(
    "--matrix-file",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="Another organisation's matrix (TOML, like planner/risk_matrix.toml).",
)
@format_option()
def risk(
    *,
    threats: Path | None,
    out: Path,
    force: bool,
    show_matrix: bool,
    matrix_file: Path | None,
    output_format: str,
) -> None:
    """Assess a THREATS file (threat, category, likelihood, impact) into a risk register."""
    from outputs.risk_report import write_risk_files
    from planner.risk import assess, default_matrix, load_matrix
    from stations.threats import read_threats

    matrix = load_matrix(matrix_file) if matrix_file else default_matrix()
    if show_matrix:
        if output_format == "json":
            click.echo(json.dumps({"cells": matrix.cells()}, indent=2, ensure_ascii=False))
            return
        for cell in matrix.cells():
            click.echo(
                f"L{cell['likelihood']} x I{cell['impact']} = {cell['score']:2d}  "
                f"{cell['level']:<10} {cell['strategy']}"
            )
        return
    if threats is None:
        raise click.UsageError("give a THREATS file, or --matrix")
    from planner.output_folder import RISK, atomic_folder

    inputs = [threats, *([matrix_file] if matrix_file else [])]
    out = checked_out(out, kind=RISK, keep=inputs, force=force)
    register = assess(read_threats(threats), matrix)
    with atomic_folder(out, kind=RISK, keep=inputs, force=force) as folder:
        write_risk_files(register, matrix.payload(), folder, station=threats.stem)
    if output_format == "json":
        click.echo(register.to_json(orient="records", force_ascii=False))
        return
    for row in register.itertuples():
        _echo(f"{row.rank:3d}. {row.score:2d} {row.level:<10} {row.strategy:<20} {row.threat}")
    click.echo(f"written to {out}")


EXIT_STATIONS_FAILED = 4


@main.command()
@click.argument(
    "stations", nargs=-1, required=True, type=click.Path(file_okay=False, path_type=Path)
)
@out_option(
    "The batch folder: one plan folder per station, summary.csv and summary.html.", required=True
)
@click.option(
    "--workers",
    type=click.IntRange(min=1),
    default=2,
    show_default=True,
    help="Worker processes of the local Dask cluster.",
)
@click.option(
    "--scheduler",
    metavar="ADDRESS",
    help="An existing Dask scheduler (tcp://host:8786) instead of a local cluster.",
)
@redact_option("Plans safe to share: no names, phones or homes.")
@seed_option("Seed of the partitions.")
@AS_OF
@TILES
@click.pass_context
def batch(  # click passes options by keyword
    ctx: click.Context,
    *,
    stations: tuple[Path, ...],
    out: Path,
    force: bool,
    workers: int,
    scheduler: str | None,
    redact: bool,
    seed: int,
    as_of: dt.date,
    tiles: str,
) -> None:
    """Plan many STATIONS in parallel on Dask; write each plan and a summary.

    A station that fails is reported with its error while the others complete; the
    exit status is then 4.
    """
    from outputs.batch_report import write_batch_summary
    from planner.batch import FAILED, check_batch_folders, run_batch
    from planner.output_folder import OutputFolderError

    try:
        check_batch_folders(list(stations), out, force=force)
    except OutputFolderError as error:
        raise click.BadParameter(str(error), param_hint="'--out'") from None
    debug = bool(ctx.obj and ctx.obj.get("debug"))
    # A bar on a terminal only: in a log or a pipe it would leave a stray label line.
    shown = sys.stderr.isatty() and not (ctx.obj and ctx.obj.get("quiet"))
    bar_or_none = (
        click.progressbar(length=len(stations), label="planning stations", file=sys.stderr)
        if shown
        else contextlib.nullcontext(None)
    )
    with bar_or_none as bar:
        rows = run_batch(
            list(stations),
            out,
            workers=workers,
            scheduler=scheduler,
            redact=redact,
            tiles=tiles,
            seed=seed,
            as_of=as_of,
            debug=debug,
            force=force,
            on_done=lambda _row: bar.update(1) if bar is not None else None,
        )
    for path in write_batch_summary(rows, out, issued=as_of):
        path.chmod(0o600)
    for row in rows:
        if row["status"] == FAILED:
            _echo(f"  {row['station']}: FAILED - {row['error']}")
        else:
            _echo(
                f"  {row['station']}: {row['zones']} zones, {row['households']} households, "
                f"MOSS {row['compliance_rating']} ({row['compliance_pct']} %), "
                f"{row['seconds']} s"
            )
    failed = sum(row["status"] == FAILED for row in rows)
    click.echo(
        f"{len(rows) - failed} of {len(rows)} stations planned; open "
        f"{out.absolute() / 'summary.html'}"
    )
    if failed:
        sys.exit(EXIT_STATIONS_FAILED)


# --- roll call -------------------------------------------------------------------------------

SHOWN_ISSUES = 40  # issues printed on the terminal; muster.html lists them all


def _roll_call_time(_ctx: click.Context, _param: click.Parameter, value: str | None) -> Any:
    if value is None:
        return None
    try:
        return dt.datetime.fromisoformat(value).replace(tzinfo=None)
    except ValueError:
        message = f"{value!r} is not a time; write 2026-12-01T14:30 (local time)"
        raise click.BadParameter(message) from None


PLAN_DIR_ARG = click.argument(
    "plan_dir", type=click.Path(exists=True, file_okay=False, path_type=Path)
)


@main.command()
@PLAN_DIR_ARG
@click.argument("reports", nargs=-1, required=True, type=click.Path(exists=True, path_type=Path))
@out_option("Folder for muster.html and muster.csv (replaced whole).", required=True)
@click.option(
    "--at",
    metavar="TIME",
    callback=_roll_call_time,
    help="The time of the roll call, local (default now): later reports are errors; a report "
    "that gives only a time of day is on this date.",
)
@click.option("--watch", is_flag=True, help="Read the reports again as they change (Ctrl-C stops).")
@click.option(
    "--interval",
    type=click.FloatRange(min=0.1),
    default=10.0,
    show_default=True,
    help="Seconds between two looks at the reports, with --watch.",
)
@click.option(
    "--rounds",
    type=click.IntRange(min=1),
    help="With --watch, stop after this many looks (default: until Ctrl-C).",
)
def muster(  # click passes options by keyword
    *,
    plan_dir: Path,
    reports: tuple[Path, ...],
    out: Path,
    force: bool,
    at: dt.datetime | None,
    watch: bool,
    interval: float,
    rounds: int | None,
) -> None:
    """Read wardens' REPORTS (files or folders) against the plan in PLAN_DIR: who is safe.

    Exit status 0 when everyone present is accounted for (safe or needs help), 3 when not,
    1 when a report file cannot be read.
    """
    from planner.muster import run_muster, watch_muster

    checked_out(out, kind="muster", keep=[plan_dir, *reports], force=force)
    if watch:
        last = watch_muster(
            plan_dir, reports, out, at=at, interval_s=interval, rounds=rounds, force=force,
            report=_show_muster,
        )  # fmt: skip
        sys.exit(0 if last is None else last.exit_code)
    now = at or dt.datetime.now().replace(microsecond=0)  # noqa: DTZ005 (local wall time)
    result = run_muster(plan_dir, reports, out, at=now, force=force)
    _show_muster(result)
    sys.exit(result.exit_code)


def _show_muster(result: Any) -> None:
    """Print the issues (stderr) and one line of counts (stdout)."""
    named = [*result.unreadable, *result.issues]
    for issue in named[:SHOWN_ISSUES]:
        _echo(str(issue), err=True)
    if len(named) > SHOWN_ISSUES:
        _echo(f"... and {len(named) - SHOWN_ISSUES} more (see muster.html)", err=True)
    present = result.result.present
    counts = present["status"].value_counts()
    accounted = int(counts.get("safe", 0) + counts.get("needs help", 0))
    click.echo(
        f"{accounted} of {len(present)} present accounted for; "
        f"{int(counts.get('needs help', 0))} need help, "
        f"{len(present) - accounted} not accounted for; "
        f"{len(result.files)} report file(s), {len(result.unreadable)} unreadable"
    )


@main.command()
@PLAN_DIR_ARG
@click.argument("logs", nargs=-1, required=True, type=click.Path(exists=True, path_type=Path))
@out_option("Folder for drill.html and drill.csv (default: drills/<date>-<n> beside PLAN_DIR).")
@click.option(
    "--start",
    metavar="TIME",
    callback=_roll_call_time,
    help="Minute 0 of the drill, local (default: the earliest time in the logs); a log time "
    "of day alone is on its date.",
)
def drill(*, plan_dir: Path, logs: tuple[Path, ...], out: Path | None, force: bool,
          start: dt.datetime | None) -> None:  # fmt: skip
    """Measure a call-cascade drill: LOGS (files or folders) against the plan in PLAN_DIR.

    Exit status 0 when every log was read, 1 when a log file cannot be read.
    """
    import math

    from planner.drill import run_drill

    if out is not None:
        checked_out(out, kind="drill", keep=[plan_dir, *logs], force=force)
    result = run_drill(plan_dir, logs, out, start=start, force=force)
    named = [*result.unreadable, *result.issues]
    for issue in named[:SHOWN_ISSUES]:
        _echo(str(issue), err=True)
    if len(named) > SHOWN_ISSUES:
        _echo(f"... and {len(named) - SHOWN_ISSUES} more (see drill.html)", err=True)
    station = result.drill.table.iloc[-1]
    everyone = station["minutes_to_100"]
    everyone_text = "never" if everyone is None or math.isnan(everyone) else f"{everyone:g} min"
    _echo(
        f"{int(station['reached'])} of {int(station['households'])} households reached; "
        f"everyone in {everyone_text}; "
        f"{len(result.drill.silent_callers)} caller(s) did not report back; "
        f"written to {result.out}"
    )
    sys.exit(1 if result.unreadable else 0)
