"""Probe verdicts kept between runs, so an unchanged example costs no interpreter start.

A verdict depends on the example's text, on what the probe is asked (the plugin's
settings), on the probe's own code and on the installed packages. The cache file
(``<cache-dir>/examples.json``, plain JSON, never executed) records the
*environment* it was made in: the docs-audit version, the interpreter and its
Python version, and the versions of the documented distribution and of every
package it requires (extras included). Another environment starts the cache
afresh; a corrupt or foreign file is discarded with a note on stderr. Within one
environment each process is keyed by a digest of its request, so a changed example
is probed alone and every unchanged one is answered from the file.

``probes`` in the file counts the probe runs that filled it, and each entry names
the run (``probe``) that answered it: what tests and the benchmark observe.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import subprocess
import sys
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .. import __version__
from .client import PROBE, ProbeAnswer, ask_probe
from .probe import installed_versions

FORMAT = "docs-audit-example-verdicts"
VERSION = 1
#: More entries than any documentation tree has examples; older ones go first.
MAX_ENTRIES = 5000


def _digest(value: Any) -> str:
    text = json.dumps(value, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def environment(python: str, package: str, path: list[str]) -> dict[str, Any] | None:
    """What a verdict depends on besides the example; ``None`` if it cannot be told.

    ``path`` are the folders the probe puts first on its ``sys.path``.
    """
    if os.path.realpath(python) == os.path.realpath(sys.executable):
        versions: Any = installed_versions(package, [*path, *sys.path])
        interpreter = sys.version
    else:
        try:
            done = subprocess.run(
                [python, str(PROBE), "--versions", package, *path],
                capture_output=True,
                text=True,
                timeout=60,
                check=False,
            )
            answer = json.loads(done.stdout)
        except (OSError, subprocess.TimeoutExpired, json.JSONDecodeError):
            return None
        versions, interpreter = answer.get("versions"), answer.get("python")
    probe_code = hashlib.sha256()
    for script in (PROBE, PROBE.with_name("validators.py")):  # both decide verdicts
        probe_code.update(script.read_bytes())
    return {
        "docs-audit": __version__,
        "python": python,
        "python-version": interpreter,
        "packages": versions,
        "probe": probe_code.hexdigest(),
    }


@dataclass
class VerdictCache:
    path: Path
    environment: dict[str, Any]
    package: dict[str, Any] | None = None
    processes: dict[str, dict[str, Any]] = field(default_factory=dict)
    probes: int = 0
    changed: bool = False
    #: One-line remarks for stderr (a discarded or unwritable file).
    notes: list[str] = field(default_factory=list)

    @classmethod
    def load(cls, path: Path, env: dict[str, Any]) -> VerdictCache:
        cache = cls(path, env)
        if not path.exists():
            return cache
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
            cache.notes.append(
                f"{path}: example verdict cache is unreadable ({exc}); starting afresh"
            )
            return cache
        if (
            not isinstance(data, dict)
            or data.get("format") != FORMAT
            or data.get("version") != VERSION
            or not isinstance(data.get("processes"), dict)
            or not isinstance(data.get("probes"), int)
        ):
            cache.notes.append(
                f"{path}: not an example verdict cache of this version; starting afresh"
            )
            return cache
        cache.probes = data["probes"]
        written_by = (data.get("environment") or {}).get("docs-audit")
        if written_by != env["docs-audit"]:
            cache.notes.append(
                f"{path}: example verdicts of docs-audit {written_by}; starting afresh"
            )
            return cache
        if data.get("environment") != env:
            return cache  # installed packages changed: every verdict is asked again
        package = data.get("package")
        cache.package = package if isinstance(package, dict) else None
        cache.processes = {
            k: v
            for k, v in data["processes"].items()
            if isinstance(v, dict) and isinstance(v.get("result"), dict)
        }
        return cache

    def save(self) -> None:
        if not self.changed:
            return
        excess = len(self.processes) - MAX_ENTRIES
        for key in list(self.processes)[: max(0, excess)]:
            del self.processes[key]
        data = {
            "format": FORMAT,
            "version": VERSION,
            "environment": self.environment,
            "probes": self.probes,
            "package": self.package,
            "processes": self.processes,
        }
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            handle, name = tempfile.mkstemp(dir=self.path.parent, prefix=".examples-")
            with os.fdopen(handle, "w", encoding="utf-8") as stream:
                json.dump(data, stream)
            os.replace(name, self.path)
        except OSError as exc:
            self.notes.append(
                f"{self.path}: cannot write the example verdict cache: {exc.strerror}"
            )
            with contextlib.suppress(OSError, UnboundLocalError):
                os.unlink(name)
        self.changed = False


def ask_cached(
    python: str,
    request: dict[str, Any],
    timeout: float,
    cache_path: Path | None,
    notes: list[str],
) -> ProbeAnswer:
    """The probe's answer for ``request``, probing only what the cache cannot answer;
    remarks about the cache file go to ``notes``."""
    package_name, path = str(request["backend_package"]), list(request["sys_path"])
    env = environment(python, package_name, path) if cache_path else None
    if cache_path is None or env is None:
        return ask_probe(python, request, timeout)
    cache = VerdictCache.load(cache_path, env)
    try:
        return _answer(python, request, timeout, cache)
    finally:
        notes.extend(cache.notes)


def _answer(
    python: str, request: dict[str, Any], timeout: float, cache: VerdictCache
) -> ProbeAnswer:
    shared = {k: v for k, v in request.items() if k != "processes"}
    shared_key = _digest(shared)
    processes: list[dict[str, Any]] = request["processes"]
    keys = [_digest([shared_key, p["config"], bool(p["args_opaque"])]) for p in processes]
    missing = [i for i, key in enumerate(keys) if key not in cache.processes]
    package = cache.package if cache.package and cache.package.get("key") == shared_key else None
    if package is None or missing:
        asked = [{**processes[i], "id": n} for n, i in enumerate(missing)]
        answer = ask_probe(python, {**shared, "processes": asked}, timeout)
        if answer.error is not None:
            return answer  # never cached: installing the package must take effect at once
        cache.probes += 1
        cache.package = package = {
            "key": shared_key,
            "distribution": answer.distribution,
            "deprecated": answer.deprecated,
            "backends": list(answer.backends),
            "coverage_errors": list(answer.coverage_errors),
        }
        for n, i in enumerate(missing):
            result = {k: v for k, v in answer.results.get(n, {}).items() if k != "id"}
            cache.processes.pop(keys[i], None)  # re-inserted last: the newest survive pruning
            cache.processes[keys[i]] = {"probe": cache.probes, "result": result}
        cache.changed = True
        cache.save()
    return ProbeAnswer(
        distribution=str(package["distribution"]),
        deprecated={str(k): dict(v) for k, v in package["deprecated"].items()},
        backends=tuple(package["backends"]),
        coverage_errors=tuple(package["coverage_errors"]),
        results={i: dict(cache.processes[key]["result"]) for i, key in enumerate(keys)},
    )
