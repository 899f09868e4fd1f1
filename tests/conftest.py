"""Shared fixtures: a fresh store file, the CLI runner, and the path to ../shared."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from fincorpus.corpus.store import Store
from tests.support.shared import shared_dir


@pytest.fixture
def shared() -> Path:
    path = shared_dir()
    if not (path / "data").is_dir():
        pytest.skip(f"real data not found at {path} (set FINCORPUS_SHARED to the shared/ folder)")
    return path


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    return tmp_path / "corpus.db"


@pytest.fixture
def store(db_path: Path):
    with Store(db_path) as opened:
        yield opened


@pytest.fixture
def runner() -> CliRunner:
    return CliRunner()
