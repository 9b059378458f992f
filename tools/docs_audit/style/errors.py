"""The error a broken style configuration raises (exit status 2)."""

from __future__ import annotations

from ..findings import UsageError


class StyleConfigError(UsageError):
    """A ``.vale.ini``, rule file or vocabulary that cannot be used, as ``file:line: ...``."""
