"""Checks that need only the page: keys, literal types, and what to send to the probe."""

from __future__ import annotations

import difflib
from typing import Any

from .extract import Entry, Names, Process, Value
from .probe import STUB_APP
from .report import Add


class StaticChecks:
    def __init__(self, names: Names, allowed_keys: frozenset[str]) -> None:
        self.names = names
        self.allowed = allowed_keys

    def check(self, process: Process, add: Add) -> bool:
        """Report what is wrong on the page; ``True`` when the probe should see it."""
        name, config = process.name, process.config
        if name.literal and not isinstance(name.value, str):
            add("PS105", name.spot, f"process name {name.value!r} must be a string")
        if config.entries is None:
            self._not_a_dict(process, add)
            return False
        backend = process.entry(self.names.backend_key)
        if self._builtin(backend):
            # A backend of one's own receives the whole dict and may read keys of its own.
            for entry in config.entries:
                self._key(process, entry, add)
        if backend is None:
            self._no_backend(process, add)
            return False
        self._values(process, backend.value, add)
        return backend.value.is_str() and self._importable(backend.value, add)

    def _builtin(self, backend: Entry | None) -> bool:
        """Whether the process uses one of the package's backends (or names none)."""
        if backend is None or not backend.value.is_str():
            return True
        return str(backend.value.value).startswith(self.names.package_prefix)

    def _not_a_dict(self, process: Process, add: Add) -> None:
        config = process.config
        if config.literal:
            kind = type(config.value).__name__
            add("PS110", config.spot, f"process {process.label} must be a dict, not {kind}")
        else:
            add(
                "PS109",
                config.spot,
                f"process {process.label} is `{config.source}`, not a "
                "dict display, so it cannot be checked",
            )

    def _no_backend(self, process: Process, add: Add) -> None:
        key = self.names.backend_key
        if process.config.unpacked:
            add(
                "PS109",
                process.config.spot,
                f"process {process.label} takes its {key!r} from a ** unpacking, "
                "so it cannot be checked",
            )
        else:
            add("PS105", process.config.spot, f"process {process.label} has no {key!r}")

    def _key(self, process: Process, entry: Entry, add: Add) -> None:
        key = entry.key
        if not key.literal:
            add("PS109", key.spot, f"key `{key.source}` is not a literal, so it cannot be checked")
        elif key.value not in self.allowed:
            known = ", ".join(repr(k) for k in sorted(self.allowed))
            near = [k for k in self.allowed if str(key.value).upper() == k.upper()]
            hint = f"; did you mean {near[0]!r}?" if near else ""
            add(
                "PS105",
                key.spot,
                f"unknown key {key.value!r} in process {process.label} "
                f"(a process has {known}){hint}",
            )

    def _values(self, process: Process, backend: Value, add: Add) -> None:
        if not backend.literal:
            add(
                "PS109",
                backend.spot,
                f"{self.names.backend_key} `{backend.source}` is not a literal "
                "string, so the example cannot be checked",
            )
        elif not isinstance(backend.value, str):
            add(
                "PS110",
                backend.spot,
                f"{self.names.backend_key} must be a dotted path "
                f"string, not {type(backend.value).__name__}",
            )
        app = process.entry(self.names.app_key)
        if app is not None and app.value.literal and not isinstance(app.value.value, str):
            add(
                "PS110",
                app.value.spot,
                f"{self.names.app_key} must be a dotted path "
                f"string, not {type(app.value.value).__name__}",
            )
        args = process.entry(self.names.args_key)
        if args is not None:
            self._args(args.value, add)

    def _args(self, args: Value, add: Add) -> None:
        key = self.names.args_key
        if args.literal and not isinstance(args.value, dict | str):
            add(
                "PS110",
                args.spot,
                f"{key} must be a dict or a string, not "
                f"{type(args.value).__name__}; leave {key} out if there are no options",
            )
        for entry in args.entries or ():
            if entry.key.literal and not isinstance(entry.key.value, str):
                add("PS110", entry.key.spot, f"{key} keys must be strings, not {entry.key.value!r}")

    def _importable(self, backend: Value, add: Add) -> bool:
        """Only the package's own paths are imported, never anything else a page names.

        A reader's own backend (``mysite.backends.MyServer``) cannot be checked, but a
        misspelt package name is reported rather than skipped.
        """
        prefix = self.names.package_prefix
        path = str(backend.value)
        if path.startswith(prefix):
            return True
        top, wanted = path.split(".")[0], prefix.rstrip(".")
        if difflib.SequenceMatcher(None, top, wanted).ratio() >= 0.8:
            add(
                "PS101",
                backend.spot,
                f"{self.names.backend_key} {path!r} cannot be imported: {top!r} looks like a "
                f"misspelling of {wanted!r}",
            )
        return False


def probe_config(process: Process, names: Names) -> tuple[dict[str, Any], bool]:
    """The literal part of a process for the probe, and whether its ARGS are complete."""
    config: dict[str, Any] = {}
    complete = True
    for entry in process.config.entries or ():
        key, value = entry.key.value, entry.value
        if not entry.key.literal or not isinstance(key, str):
            continue
        if key == names.args_key:
            known, complete = _known_args(value)
            if known is not None:
                config[key] = known
        elif key == names.app_key and not value.literal:
            config[key] = STUB_APP
        elif value.literal:
            config[key] = value.value
    return config, complete


def _known_args(value: Value) -> tuple[Any, bool]:
    if value.literal:
        return (value.value, True) if isinstance(value.value, dict | str) else (None, False)
    if value.entries is None:
        return None, False
    known = {
        e.key.value: e.value.value
        for e in value.entries
        if e.key.literal and isinstance(e.key.value, str) and e.value.literal
    }
    return known, False
