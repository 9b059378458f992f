"""End-to-end tests: slow, they start real processes (a fresh virtual environment,
a Django server, a Sphinx build, headless Chromium). Select or skip them with
``-m e2e`` / ``-m "not e2e"``."""

from __future__ import annotations
