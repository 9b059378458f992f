"""Writing a report: to a file or to standard output, with one error for every failure.

Every command's report, and the link audit's Markdown report, goes through
:func:`write_output`, so that a full disk, a missing folder or a closed pipe
gives the same one-line usage error (exit status 2) wherever it happens.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

import click

from .findings import UsageError


def write_output(path: Path | None, text: str) -> None:
    """Write ``text`` to ``path``, or to standard output when ``path`` is None.

    A missing folder is created (CI jobs name ``reports/links.md`` before the
    folder exists), the same for every report option; anything that then fails
    (a file in the way, no permission, a full disk) is a usage error. Text that
    still holds a lone surrogate (a name that was not UTF-8) is written with a
    backslash escape rather than failing.
    """
    if path is not None:
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(text.encode("utf-8", errors="backslashreplace"))
        except OSError as exc:
            raise UsageError(f"{path}: cannot write the report: {exc.strerror or exc}") from None
        return
    try:
        try:
            click.echo(text, nl=False)
        except UnicodeEncodeError:  # nothing was written: the text is encoded first
            click.echo(text.encode("utf-8", "backslashreplace").decode("utf-8"), nl=False)
        sys.stdout.flush()
    except OSError as exc:
        _drop_stdout()
        raise UsageError(
            f"standard output: cannot write the report: {exc.strerror or exc}"
        ) from None


def _drop_stdout() -> None:
    """Point standard output at the null device.

    What could not be written stays buffered, and the interpreter would try
    to flush it again at exit and print a second error; with the descriptor
    on /dev/null that last flush succeeds quietly.
    """
    try:
        null = os.open(os.devnull, os.O_WRONLY)
        os.dup2(null, sys.stdout.fileno())
        os.close(null)
    except (OSError, ValueError, AttributeError):  # pragma: no cover - no real descriptor
        pass
