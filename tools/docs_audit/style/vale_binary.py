"""Running the real ``vale`` and reading its JSON output into the same alerts."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path
from typing import Any

from .errors import StyleConfigError
from .model import StyleAlert


def find_vale(setting: str) -> str | None:
    """The vale executable to use: ``None`` means the built-in engine."""
    if setting == "builtin":
        return None
    if setting == "auto":
        return shutil.which("vale")
    found = shutil.which(setting)
    if found is None:
        raise StyleConfigError(f"vale-binary: '{setting}' is not an executable")
    return found


def _normalize(path: str, cwd: Path) -> str:
    candidate = Path(path)
    if candidate.is_absolute():
        try:
            return candidate.resolve().relative_to(cwd.resolve()).as_posix()
        except ValueError:
            return candidate.as_posix()
    return candidate.as_posix().removeprefix("./")


def parse_json(text: str, cwd: Path) -> list[StyleAlert]:
    """Vale's ``--output=JSON``: ``{path: [{Line, Span, Check, Message, Severity, ...}]}``."""
    try:
        data: Any = json.loads(text or "{}")
    except json.JSONDecodeError as exc:
        raise StyleConfigError(f"vale printed output that is not JSON: {exc}") from None
    if not isinstance(data, dict):
        raise StyleConfigError("vale printed JSON that is not a mapping of files to alerts")
    alerts: list[StyleAlert] = []
    for path, items in data.items():
        if not isinstance(items, list):
            continue
        for item in items:
            span = item.get("Span") or [1, 1]
            alerts.append(
                StyleAlert(
                    path=_normalize(str(path), cwd),
                    line=int(item.get("Line", 1)),
                    column=int(span[0]),
                    check=str(item.get("Check", "")),
                    message=str(item.get("Message", "")),
                    severity=str(item.get("Severity", "warning")),
                    match=str(item.get("Match", "")),
                    link=str(item.get("Link", "")),
                )
            )
    return sorted(alerts, key=lambda a: (a.path, a.line, a.column))


def run_vale(binary: str, paths: list[Path], cwd: Path, vale_ini: Path | None) -> list[StyleAlert]:
    """Run ``vale --output=JSON`` in ``cwd``; a failure is a one-line error."""
    command = [binary, "--output=JSON", "--no-exit", "--no-global"]
    if vale_ini is not None:
        command.append(f"--config={vale_ini}")
    command.extend(str(p) for p in paths)
    try:
        done = subprocess.run(
            command,
            cwd=cwd,
            capture_output=True,
            text=True,
            encoding="utf-8",
            timeout=600,
            check=False,
        )
    except OSError as exc:
        raise StyleConfigError(f"{binary}: cannot run: {exc.strerror}") from None
    except subprocess.TimeoutExpired:
        raise StyleConfigError(f"{binary}: no answer within 600 s") from None
    if done.returncode not in (0, 1):
        message = (done.stderr or done.stdout).strip().splitlines()
        raise StyleConfigError(f"{binary} failed: {message[0] if message else done.returncode}")
    return parse_json(done.stdout, cwd)
