"""What the probe found about one process, as violations at the place it concerns."""

from __future__ import annotations

from typing import Any

from .extract import Names, Value
from .report import Add, Sent, arg_spot


class Verdicts:
    def __init__(self, names: Names, default_method: str, distribution: str) -> None:
        self.names = names
        self.default_method = default_method
        self.distribution = distribution

    def report(self, sent: Sent, result: dict[str, Any], add: Add) -> None:
        process = sent.process
        backend = process.entry(self.names.backend_key)
        assert backend is not None
        path = backend.value.value
        if "import_error" in result:
            add(
                "PS101",
                backend.value.spot,
                f"{self.names.backend_key} {path!r} cannot be imported: {result['import_error']}",
            )
            return
        if "not_backend" in result:
            add("PS102", backend.value.spot, result["not_backend"])
            return
        short = str(result.get("class", path)).rsplit(".", 1)[-1]
        if "needs_app" in result:
            add(
                "PS104",
                process.name.spot,
                f"process {process.label} has no "
                f"{self.names.app_key!r}; {short} fails without it ({result['needs_app']})",
            )
        if "instantiate_error" in result:
            add(
                "PS111",
                process.name.spot,
                f"{short} rejects the configuration of process "
                f"{process.label}: {result['instantiate_error']}",
            )
            return
        self._arguments(sent, short, result, add)

    def _arguments(self, sent: Sent, short: str, result: dict[str, Any], add: Add) -> None:
        process = sent.process
        args = process.entry(self.names.args_key)
        key = self.names.args_key
        if "received_error" in result:
            bad = result.get("bad_arg")
            what = f"{key} key {bad!r}" if bad else key
            add(
                "PS110",
                arg_spot(process, args, bad),
                f"{short} cannot use {what}: {result['received_error']}",
            )
        elif result.get("method") == self.default_method and args is not None:
            self._argv_values(args.value, add)
        if "rejected" in result:
            bad = result.get("rejected_arg")
            what = f"{key} key {bad!r}" if bad else f"the {key}"
            add(
                "PS112",
                arg_spot(process, args, bad),
                f"{short} passes {what} on, and the "
                f"{result['rejected_by']} parser rejects it: {result['rejected']}",
            )
        elif "validator_error" in result:
            add(
                "PS112",
                arg_spot(process, args, None),
                f"cannot validate the arguments of {short}: {result['validator_error']}",
            )
        for ignored in result.get("ignored", []):
            add(
                "PS106",
                arg_spot(process, args, ignored),
                f"{short} ignores {key} key "
                f"{ignored!r}: removing it does not change what the server receives "
                f"({self.distribution})",
            )

    def _argv_values(self, args: Value, add: Add) -> None:
        """Containers become one argument holding their Python text."""
        for entry in args.entries or ():
            value, key = entry.value, entry.key.value
            if not value.literal or not isinstance(key, str):
                continue
            if isinstance(value.value, list | tuple | dict | set):
                add(
                    "PS110",
                    value.spot,
                    f"a {type(value.value).__name__} becomes one argument "
                    f"'--{key}={value.value}'; an option cannot be repeated this way",
                )
