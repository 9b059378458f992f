"""Command-line options (``:option:``), resolved as Sphinx's standard domain does.

``.. option:: -v, --verbose ARG`` describes options of the program the latest
``.. program::`` before it names (none at first, ``None`` clears it); the program is
scoped to the page being read, content it includes taking part. A reference
``:option:`-v``` is looked up under the program current where it is written, then
without a value (``--level=3``, ``--out FILE``), then as ``prog sub --opt`` naming the
program itself (``sphinx.domains.std``: ``Cmdoption``, ``OptionXRefRole``,
``_resolve_option_xref``).

Where included content declares programs, the program at a place depends on where the
include stands; such places are left *maybe* (undecided), never an error.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cached_property

from ..context import Context
from ..document import Document
from ..included import includes
from .included import by_page, included_pages

#: The program is not known at this place (included content declares programs).
UNKNOWN = "\0unknown"
#: Sphinx's ``option_desc_re``: the option name, then its value.
_OPTION = re.compile(r"((?:/|--|-|\+)?[^\s=]+)(=?\s*.*)")
_SPACE = re.compile(r"\s+")


@dataclass(frozen=True)
class Options:
    """Every described option: ``(program, name)``, and the names whose program is not
    known (declared where included content makes the program uncertain)."""

    known: frozenset[tuple[str | None, str]]
    uncertain: frozenset[str]

    def __bool__(self) -> bool:
        return bool(self.known or self.uncertain)

    @cached_property
    def names(self) -> frozenset[str]:
        return frozenset(name for _, name in self.known)

    def lookup(self, program: str | None, name: str) -> str:
        """``found``, ``maybe`` or ``missing`` for one (program, name) pair."""
        if (program, name) in self.known:
            return "found"
        if name in self.uncertain:
            return "maybe"
        if program == UNKNOWN and name in self.names:
            return "maybe"
        return "missing"


def option_names(signature: str) -> list[str]:
    """The names one ``option`` signature declares (``-v, --verbose ARG`` gives both)."""
    names: list[str] = []
    for part in signature.split(", "):
        match = _OPTION.match(part.strip())
        if match is None:
            continue
        name, value = match.groups()
        if name.endswith("[") and value.endswith("]"):
            name = name[:-1]  # an optional value: ``--foo[=bar]``
        names.append(name)
    return names


def program_name(argument: str) -> str | None:
    """The program ``.. program::`` makes current (``None`` clears it)."""
    name = _SPACE.sub("-", argument.strip())
    return None if name == "None" else name


def described_options(ctx: Context) -> Options:
    return ctx.computed(_described_options)


def _described_options(ctx: Context) -> Options:
    known: set[tuple[str | None, str]] = set()
    uncertain: set[str] = set()
    for page in ctx.project.documents.values():
        for where in (page, *by_page(ctx, page)):
            for item in where.objects:
                if item.kind not in ("option", "cmdoption"):
                    continue
                program = program_at(ctx, page, where, item.line)
                for name in option_names(item.name):
                    if program == UNKNOWN:
                        uncertain.add(name)
                    else:
                        known.add((program, name))
    return Options(frozenset(known), frozenset(uncertain))


def program_at(ctx: Context, page: Document, where: Document, line: int) -> str | None:
    """The program current at ``line`` of ``where`` (the page, or content it includes)."""
    own = _programs(where)
    before = [(at, name) for at, name in own if at < line]
    if before:
        latest_line, latest = before[-1]
    else:
        latest_line, latest = 0, None
    if where is not page:
        # Before its own program directives, included content takes the page's program
        # at the include, which this model does not place: known only when nothing
        # around it declares one.
        if before or not (_programs(page) or _includes_programs(ctx, page, where)):
            return latest
        return UNKNOWN
    # An include between the latest program and the line may have changed it.
    if _includes_programs(ctx, page, None) and any(
        latest_line < include.line < line for include in includes(page)
    ):
        return UNKNOWN
    return latest


def _programs(doc: Document) -> list[tuple[int, str | None]]:
    found = [(o.line, program_name(o.name)) for o in doc.objects if o.kind == "program"]
    return sorted(found, key=lambda item: item[0])


def _includes_programs(ctx: Context, page: Document, besides: Document | None) -> bool:
    """Whether content ``page`` includes (but ``besides``) declares a program: included
    files, and pages it includes (Sphinx reads those inline too)."""
    included: Iterable[Document] = (d for d in by_page(ctx, page) if d is not besides)
    return any(_programs(d) for d in included) or any(
        _programs(d) for d, _ in included_pages(ctx, page)
    )


def resolve_option(options: Options, program: str | None, target: str) -> str:
    """``found``, ``maybe`` or ``missing``, trying what Sphinx tries, in its order."""
    target = target.strip()
    tries: list[tuple[str | None, str]] = [(program, target)]
    for needle in ("=", "[=", " "):
        if needle in target:
            tries.append((program, target.partition(needle)[0]))
    # ``prog sub --opt``: the words before the option name the program. Sphinx tries
    # every split; an option name holds no whitespace, so only the last can match.
    words = target.split()
    if len(words) > 1:
        tries.append(("-".join(words[:-1]), words[-1]))
    verdicts = {options.lookup(prog, name) for prog, name in tries}
    for verdict in ("found", "maybe"):
        if verdict in verdicts:
            return verdict
    return "missing"


def qualified_name(program: str | None, target: str) -> str | None:
    """The name an inventory may hold the option under (``prog-sub.--opt``)."""
    command = _SPACE.split(target.strip())
    if program and program != UNKNOWN:
        command.insert(0, program)
    option = command.pop()
    return f"{'-'.join(command)}.{option}" if command else None
