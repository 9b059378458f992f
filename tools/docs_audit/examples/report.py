"""Where the examples' violations are collected, and how places are computed."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

from ..document import Document
from ..registry import Violation
from .extract import Entry, Process, Spot

#: Records one violation (code, place, message) on the page being checked.
Add = Callable[[str, Spot, str], None]


@dataclass
class Findings:
    """Violations of every PS rule, by page; each says its code."""

    by_page: dict[str, list[Violation]] = field(default_factory=lambda: defaultdict(list))

    def add(self, code: str, path: str, spot: Spot, message: str) -> None:
        self.by_page[path].append(Violation(path, spot.line, spot.column, message, code=code))

    def for_page(self, relpath: str) -> Iterator[Violation]:
        return iter(self.by_page.get(relpath, ()))

    def adder(self, doc: Document) -> Add:
        def add(code: str, spot: Spot, message: str) -> None:
            self.add(code, doc.relpath, spot, message)

        return add


@dataclass(frozen=True)
class Sent:
    """A process sent to the probe, and whether its ARGS were sent complete."""

    doc: Document
    process: Process
    args_complete: bool


def arg_spot(process: Process, args: Entry | None, key: str | None) -> Spot:
    """The ARGS key ``key`` if there is one, else ARGS, else the process name."""
    if args is None:
        return process.name.spot
    for entry in args.value.entries or ():
        if key is not None and entry.key.literal and entry.key.value == key:
            return entry.key.spot
    return args.value.spot


def offset_spot(text: str, offset: int) -> Spot:
    line = text.count("\n", 0, offset) + 1
    column = offset - (text.rfind("\n", 0, offset) + 1) + 1
    return Spot(line, column)
