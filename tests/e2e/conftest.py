"""End-to-end tests: slow, they start real processes (a fresh virtual environment,
a Django server, a Sphinx build, headless Chromium). Select or skip them with
``-m e2e`` / ``-m "not e2e"``."""

from __future__ import annotations

import pytest


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers", "e2e: end-to-end test that runs the quickstart or drives a browser (slow)"
    )
