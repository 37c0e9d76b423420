"""Shared fixtures: the tiny hand-written station and helpers to make it hostile."""

from __future__ import annotations

import os
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest
from hypothesis import settings

# On CI the property tests draw the same examples every run (a failure there is reproducible);
# on a developer's machine they explore new ones.
settings.register_profile("ci", derandomize=True, print_blob=True)
if os.environ.get("CI") == "true":
    settings.load_profile("ci")

DATA = Path(__file__).parent / "data"
TINY = DATA / "tiny"
HOSTILE = DATA / "hostile"


@pytest.fixture
def tiny_station(tmp_path: Path) -> Path:
    """Return a writable copy of the tiny valid station."""
    folder = tmp_path / "tiny"
    shutil.copytree(TINY, folder)
    return folder


@pytest.fixture
def hostile_station(tiny_station: Path) -> Callable[..., Path]:
    """Return a function that swaps one file of the tiny station for a hostile one."""

    def make(hostile: str, *, target: str | None = None) -> Path:
        source = HOSTILE / hostile
        name = target or (hostile.split("_", 1)[0] + source.suffix)
        destination = tiny_station / name
        shutil.copyfile(source, destination)
        toml = tiny_station / "station.toml"
        kind = hostile.split("_", 1)[0]
        text = toml.read_text(encoding="utf-8")
        text = text.replace(f'{kind} = "{kind}.csv"', f'{kind} = "{name}"')
        toml.write_text(text, encoding="utf-8")
        return tiny_station

    return make
