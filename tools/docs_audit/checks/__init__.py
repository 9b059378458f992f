"""Offline checks; importing :func:`load_builtin` registers every built-in rule."""

from __future__ import annotations

import importlib

BUILTIN = (
    "docs_audit.checks.inputs",
    "docs_audit.checks.labels",
    "docs_audit.checks.references",
    "docs_audit.checks.conf",
    "docs_audit.checks.files",
    "docs_audit.checks.template",
    "docs_audit.checks.code",
    "docs_audit.checks.rststyle",
    "docs_audit.checks.structure",
    "docs_audit.build",
)


def load_builtin() -> None:
    for name in BUILTIN:
        importlib.import_module(name)
