"""Running the real ``docs-audit`` command in a child process, in a given folder.

Tests never change the working directory of the test process; each run gets its
own process with ``cwd`` set, exactly as a user or pre-commit starts it.
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Mapping, Sequence
from pathlib import Path

#: Generous: a healthy run ends in about a second; a regression that hangs fails here.
HANG_GUARD = 60


def audit(
    root: Path,
    *args: str,
    prefix: Sequence[str] = (),
    env: Mapping[str, str] | None = None,
) -> subprocess.CompletedProcess[str]:
    """``docs-audit ARGS`` started in ``root``; raises ``TimeoutExpired`` instead of hanging."""
    return subprocess.run(
        [*prefix, sys.executable, "-m", "docs_audit", *args],
        cwd=root,
        capture_output=True,
        text=True,
        timeout=HANG_GUARD,
        check=False,
        env={**os.environ, **(env or {})},
    )


def run_cli(root: Path, *args: str, env: Mapping[str, str] | None = None) -> tuple[int, str, str]:
    """Exit status, standard output and standard error of ``docs-audit ARGS`` in ``root``."""
    done = audit(root, *args, env=env)
    return done.returncode, done.stdout, done.stderr
