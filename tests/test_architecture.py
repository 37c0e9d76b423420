"""The package layering holds: imports run one way and zones/ decides without touching files."""

from __future__ import annotations

import ast
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
LINT_IMPORTS = Path(sys.executable).with_name("lint-imports")

# Calls that read or write files, or the file system; zones/ takes values and returns values.
FILE_CALLS = frozenset(
    {"open", "to_file", "to_csv", "to_json", "to_parquet", "to_feather", "to_excel", "savefig"}
    | {"mkdir", "unlink", "rmdir", "touch", "rename", "load", "save", "savez", "dump"}
)
FILE_MODULES = frozenset({"os", "shutil", "pickle", "sqlite3", "tempfile", "pyogrio", "fiona"})


def _lint_imports(folder: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(LINT_IMPORTS), "--no-cache"],
        cwd=folder,
        env={**os.environ, "PYTHONPATH": str(folder)},
        capture_output=True,
        text=True,
        check=False,
        timeout=300,
    )


def test_imports_run_one_way_planner_outputs_zones_stations():
    done = _lint_imports(ROOT)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "1 kept, 0 broken" in done.stdout


@pytest.mark.parametrize(
    ("package", "imports"),
    [
        pytest.param("stations", "zones", id="stations-imports-zones"),
        pytest.param("zones", "outputs", id="zones-imports-outputs"),
        pytest.param("outputs", "planner", id="outputs-imports-planner"),
    ],
)
def test_the_contract_breaks_on_an_import_backwards(tmp_path, package, imports):
    (tmp_path / "pyproject.toml").write_text((ROOT / "pyproject.toml").read_text())
    for name in ("stations", "zones", "outputs", "planner"):
        (tmp_path / name).mkdir()
        (tmp_path / name / "__init__.py").write_text("")
    (tmp_path / package / "backwards.py").write_text(f"import {imports}\n")
    done = _lint_imports(tmp_path)
    assert done.returncode == 1, done.stdout + done.stderr
    assert f"{package}.backwards -> {imports}" in done.stdout


def _file_io_in(source: str) -> list[str]:
    """Return "line: call" for every call or import in `source` that touches files."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Call):
            function = node.func
            name = function.attr if isinstance(function, ast.Attribute) else None
            if isinstance(function, ast.Name):
                name = function.id
            if name and (name in FILE_CALLS or name.startswith(("read_", "write_"))):
                found.append(f"{node.lineno}: {name}()")
        elif isinstance(node, ast.Import | ast.ImportFrom):
            modules = [a.name for a in node.names] if isinstance(node, ast.Import) else []
            if isinstance(node, ast.ImportFrom):
                modules = [node.module or ""]
            found += [
                f"{node.lineno}: import {m}" for m in modules if m.split(".")[0] in FILE_MODULES
            ]
    return found


@pytest.mark.parametrize(
    "line",
    [
        "data = open('x').read()",
        "frame = pd.read_csv(path)",
        "zones.to_file('zones.gpkg')",
        "Path('a').write_text('b')",
        "import shutil",
        "from os import path",
    ],
)
def test_the_file_check_finds_file_io(line):
    assert _file_io_in(line) != []


@pytest.mark.parametrize(
    "module", sorted((ROOT / "zones").glob("*.py")), ids=lambda path: path.name
)
def test_zones_does_no_file_io(module):
    assert _file_io_in(module.read_text(encoding="utf-8")) == []
