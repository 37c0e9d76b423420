"""benchmarks/compare_plans.py: the before/after diff of two plan folders."""

from __future__ import annotations

import importlib.util
import io
import sys
from pathlib import Path

import pytest
from PIL import Image

SCRIPT = Path(__file__).resolve().parents[1] / "benchmarks" / "compare_plans.py"


def _load_script():
    spec = importlib.util.spec_from_file_location("compare_plans", SCRIPT)
    module = importlib.util.module_from_spec(spec)
    sys.modules.setdefault("compare_plans", module)
    spec.loader.exec_module(module)
    return module


compare_plans = _load_script()

ZONES_CSV = (
    "zone_id,households,centroid_lon,centroid_lat\n"
    "Z01,12,24.93841,60.16952\n"
    "Z02,9,24.95120,60.17001\n"
)


def _write(folder: Path, name: str, data: str | bytes) -> Path:
    path = folder / name
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(data, str):
        path.write_text(data, encoding="utf-8")
    else:
        path.write_bytes(data)
    return path


def _pdf(path: Path, lines: list[str], *, invariant: bool, page_size=None) -> Path:
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfgen import canvas

    pdf = canvas.Canvas(str(path), pagesize=page_size or A4, invariant=invariant)
    for line in lines:
        pdf.drawString(72, 720, line)
        pdf.showPage()
    pdf.save()
    return path


def _statuses(before: Path, after: Path) -> dict[str, str]:
    return {r.path: r.status for r in compare_plans.compare_folders(before, after)}


@pytest.fixture
def folders(tmp_path: Path) -> tuple[Path, Path]:
    before, after = tmp_path / "before", tmp_path / "after"
    for folder in (before, after):
        _write(folder, "zone_metrics.csv", ZONES_CSV)
        _write(folder, "contacts/calls.csv", "from,to\nW1,W2\n")
    return before, after


def test_identical_folders_exit_zero(folders, capsys):
    before, after = folders
    assert compare_plans.main([str(before), str(after)]) == 0
    assert "identical           2" in capsys.readouterr().out


def test_missing_and_extra_files_are_named(folders):
    before, after = folders
    (after / "contacts" / "calls.csv").rename(after / "contacts" / "cascade.csv")
    assert _statuses(before, after) == {
        "contacts/calls.csv": "missing",
        "contacts/cascade.csv": "extra",
        "zone_metrics.csv": "identical",
    }
    assert compare_plans.main([str(before), str(after)]) == 1


def test_numbers_off_by_one_last_digit_are_rounding(folders, capsys):
    before, after = folders
    _write(after, "zone_metrics.csv", ZONES_CSV.replace("24.93841", "24.93842"))
    result = compare_plans.compare_folders(before, after)[-1]
    assert (result.path, result.status) == ("zone_metrics.csv", "rounding")
    assert "-Z01,12,24.93841,60.16952" in result.excerpt
    assert "+Z01,12,24.93842,60.16952" in result.excerpt
    assert compare_plans.main([str(before), str(after)]) == 0
    assert "zone_metrics.csv  rounding" in capsys.readouterr().out


@pytest.mark.parametrize(
    ("old", "new"),
    [
        pytest.param("24.93841", "24.93843", id="two-units-of-the-last-digit"),
        pytest.param("Z01,12", "Z01,13", id="a-count"),
        pytest.param("Z01", "Z11", id="a-name"),
    ],
)
def test_other_text_differences_fail(folders, old, new):
    before, after = folders
    _write(after, "zone_metrics.csv", ZONES_CSV.replace(old, new, 1))
    assert _statuses(before, after)["zone_metrics.csv"] == "differs"
    assert compare_plans.main([str(before), str(after)]) == 1


def test_added_line_differs_with_line_counts(folders):
    before, after = folders
    _write(after, "zone_metrics.csv", ZONES_CSV + "Z03,4,24.9,60.1\n")
    result = compare_plans.compare_folders(before, after)[-1]
    assert (result.status, result.detail) == ("differs", "3 -> 4 lines")
    assert "+Z03,4,24.9,60.1" in result.excerpt


def test_pdf_differing_only_in_id_and_dates_is_accepted(tmp_path):
    before, after = tmp_path / "before", tmp_path / "after"
    before.mkdir(), after.mkdir()
    old = _pdf(before / "Z01.pdf", ["Zone Z01", "Wardens"], invariant=False)
    new = _pdf(after / "Z01.pdf", ["Zone Z01", "Wardens"], invariant=False)
    if old.read_bytes() == new.read_bytes():  # same second: make the id and date differ
        new.write_bytes(new.read_bytes().replace(b"(D:20", b"(D:19"))
    assert old.read_bytes() != new.read_bytes()
    assert _statuses(before, after) == {"Z01.pdf": "pdf-metadata"}
    assert compare_plans.main([str(before), str(after)]) == 0


@pytest.mark.parametrize(
    ("new_lines", "page_size", "detail"),
    [
        pytest.param(["Zone Z01", "Wardens!"], None, "page 2: text differs", id="text"),
        pytest.param(["Zone Z01"], None, "2 -> 1 pages", id="page-count"),
        pytest.param(
            ["Zone Z01", "Wardens"],
            (612.0, 792.0),
            "page 1: size (595.28, 841.89) -> (612.0, 792.0)",
            id="page-size",
        ),
    ],
)
def test_pdf_differences_name_the_page(tmp_path, new_lines, page_size, detail):
    before, after = tmp_path / "before", tmp_path / "after"
    before.mkdir(), after.mkdir()
    _pdf(before / "Z01.pdf", ["Zone Z01", "Wardens"], invariant=True)
    _pdf(after / "Z01.pdf", new_lines, invariant=True, page_size=page_size)
    (result,) = compare_plans.compare_folders(before, after)
    assert (result.status, result.detail) == ("differs", detail)
    assert compare_plans.main([str(before), str(after)]) == 1


def test_pdf_with_same_text_but_other_drawing_is_a_difference(tmp_path):
    before, after = tmp_path / "before", tmp_path / "after"
    before.mkdir(), after.mkdir()
    _pdf(before / "map.pdf", ["Zone Z01"], invariant=True)
    from reportlab.pdfgen import canvas

    pdf = canvas.Canvas(str(after / "map.pdf"), invariant=True)
    pdf.drawString(72, 720, "Zone Z01")
    pdf.line(0, 0, 100, 100)
    pdf.save()
    assert _statuses(before, after) == {"map.pdf": "pdf-text"}
    assert compare_plans.main([str(before), str(after)]) == 1


def _png(pixels: list[tuple[int, int, int]], compress_level: int) -> bytes:
    image = Image.new("RGB", (len(pixels), 1))
    image.putdata(pixels)
    buffer = io.BytesIO()
    image.save(buffer, format="PNG", compress_level=compress_level)
    return buffer.getvalue()


def test_png_compared_by_pixels(tmp_path):
    before, after = tmp_path / "before", tmp_path / "after"
    pixels = [(255, 0, 0), (0, 255, 0), (0, 0, 255)] * 50
    _write(before, "maps/Z01.png", _png(pixels, 9))
    _write(after, "maps/Z01.png", _png(pixels, 0))
    _write(before, "maps/Z02.png", _png(pixels, 9))
    _write(after, "maps/Z02.png", _png([(255, 0, 1), *pixels[1:]], 9))
    results = {r.path: r for r in compare_plans.compare_folders(before, after)}
    assert results["maps/Z01.png"].status == "same-pixels"
    assert results["maps/Z02.png"].status == "differs"
    assert results["maps/Z02.png"].detail == "1 of 150 pixels, channel delta <= 1"
    assert compare_plans.main([str(before), str(after)]) == 1


def test_geopackage_compared_by_its_rows(tmp_path):
    import sqlite3

    before, after = tmp_path / "before", tmp_path / "after"
    for folder, households in ((before, 12), (after, 13)):
        folder.mkdir()
        with sqlite3.connect(folder / "plan.gpkg") as connection:
            connection.execute("CREATE TABLE zones (zone_id TEXT, households INTEGER)")
            connection.execute("INSERT INTO zones VALUES ('Z01', ?)", (households,))
        connection.close()
    (result,) = compare_plans.compare_folders(before, after)
    assert result.status == "differs"
    assert "+INSERT INTO \"zones\" VALUES('Z01',13);" in result.excerpt


def test_a_path_that_is_not_a_folder_is_a_usage_error(tmp_path, capsys):
    with pytest.raises(SystemExit) as exit_info:
        compare_plans.main([str(tmp_path / "nowhere"), str(tmp_path)])
    assert exit_info.value.code == 2
    assert "nowhere is not a folder" in capsys.readouterr().err


def test_a_file_without_suffix_is_compared_as_text_when_it_is_utf8(tmp_path):
    before, after = tmp_path / "before", tmp_path / "after"
    _write(before, ".warden-planner", '{"entries": ["contacts", "flags.csv"]}\n')
    _write(after, ".warden-planner", '{"entries": ["flags.csv"]}\n')
    _write(before, "blob", b"\xff\x00")
    _write(after, "blob", b"\xff\x01")
    results = {r.path: r for r in compare_plans.compare_folders(before, after)}
    assert '+{"entries": ["flags.csv"]}' in results[".warden-planner"].excerpt
    assert (results["blob"].status, results["blob"].detail) == ("differs", "binary, 2 -> 2 bytes")
