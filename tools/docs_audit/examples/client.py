"""Start the probe in a separate interpreter, once per run, and read its answer.

The documented package is imported there and never in the docs-audit process, so
Django settings configured for the check cannot leak into other checks, and a
missing or broken package becomes one clear message instead of a traceback.
"""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

PROBE = Path(__file__).with_name("probe.py")


@dataclass(frozen=True)
class ProbeAnswer:
    """What the probe found; ``error`` is set (and the rest empty) when it could not run."""

    error: str | None = None
    distribution: str = ""
    #: Deprecated module -> {public name: dotted path of the class it re-exports}.
    deprecated: dict[str, dict[str, str]] = field(default_factory=dict)
    backends: tuple[str, ...] = ()
    coverage_errors: tuple[str, ...] = ()
    results: dict[int, dict[str, Any]] = field(default_factory=dict)


def ask_probe(python: str, request: dict[str, Any], timeout: float) -> ProbeAnswer:
    """Run the probe with ``python`` (an interpreter path) and decode its answer."""
    # A fresh working directory: nothing in the project folder can shadow a module.
    with tempfile.TemporaryDirectory(prefix="docs-audit-probe-") as workdir:
        try:
            completed = subprocess.run(
                [python, str(PROBE)],
                input=json.dumps(request),
                capture_output=True,
                text=True,
                timeout=timeout,
                cwd=workdir,
                check=False,
            )
        except FileNotFoundError:
            return ProbeAnswer(error=f"interpreter {python!r} not found")
        except subprocess.TimeoutExpired:
            return ProbeAnswer(error=f"the backend probe did not finish within {timeout:g} s")
    return _decode(completed)


def _decode(completed: subprocess.CompletedProcess[str]) -> ProbeAnswer:
    try:
        data = json.loads(completed.stdout)
    except json.JSONDecodeError:
        lines = [line for line in completed.stderr.splitlines() if line.strip()]
        last = lines[-1].strip() if lines else f"exit status {completed.returncode}"
        return ProbeAnswer(error=f"the backend probe failed: {last}")
    if not data.get("ok"):
        return ProbeAnswer(error=str(data.get("error", "unknown error")))
    return ProbeAnswer(
        distribution=str(data["distribution"]),
        deprecated={str(k): dict(v) for k, v in data["deprecated"].items()},
        backends=tuple(data["backends"]),
        coverage_errors=tuple(data["coverage_errors"]),
        results={int(r["id"]): r for r in data["results"]},
    )


def default_python() -> str:
    return sys.executable
