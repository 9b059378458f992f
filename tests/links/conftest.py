"""Fixtures of the link tests: a simulated web on loopback, started per test."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from docs_audit.config import Config, load_config

from .simweb import SimWeb


@pytest.fixture
def web() -> Iterator[SimWeb]:
    with SimWeb() as simulated:
        yield simulated


@pytest.fixture
def config(tmp_path: Path) -> Config:
    """A project with no configuration file: every default."""
    return load_config(cwd=tmp_path)
