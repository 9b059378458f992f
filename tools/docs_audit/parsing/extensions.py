"""References that Sphinx extensions add through their own directives and roles.

A small declaration per directive says which argument or option holds a reference,
and of which kind (fixed, or named by another option such as sphinx-design's
``:link-type:``). sphinx-design is built in; a plugin adds its own with
:func:`declare_directive` and :func:`declare_role`, before pages are parsed.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field

#: The argument rather than an option holds the reference.
ARGUMENT = ""


@dataclass(frozen=True)
class ReferenceSlot:
    """One place of a directive that holds a reference.

    ``where`` is an option name, or :data:`ARGUMENT`. The reference's kind is
    ``kind`` unless ``kind_option`` names an option whose value picks it (mapped
    through ``kinds``; a value mapped to ``""`` is a URL, not a reference).
    """

    where: str
    kind: str
    kind_option: str = ""
    kinds: Mapping[str, str] = field(default_factory=dict)


_SD_LINK_TYPES = {"url": "", "any": "any", "ref": "ref", "doc": "doc", "myst": "link"}
_DIRECTIVES: dict[str, tuple[ReferenceSlot, ...]] = {
    # sphinx-design: buttons and cards link to labels, documents or URLs.
    "button-ref": (ReferenceSlot(ARGUMENT, "any", "ref-type", _SD_LINK_TYPES),),
    "card": (ReferenceSlot("link", "", "link-type", _SD_LINK_TYPES),),
    "grid-item-card": (ReferenceSlot("link", "", "link-type", _SD_LINK_TYPES),),
}
_ROLES: dict[str, str] = {}


def declare_directive(name: str, *slots: ReferenceSlot) -> None:
    """Declare where directive ``name`` holds references (replacing any declaration)."""
    _DIRECTIVES[name.lower()] = tuple(slots)


def declare_role(name: str, kind: str) -> None:
    """Declare that role ``name`` is a reference of ``kind`` (``ref``, ``doc``...)."""
    _ROLES[name.lower()] = kind


def declarations_key() -> str:
    """The declarations in force, for the page cache's key (a plugin may add some)."""
    directives = sorted((name, repr(slots)) for name, slots in _DIRECTIVES.items())
    return repr((directives, sorted(_ROLES.items())))


def role_kind(name: str) -> str | None:
    return _ROLES.get(name.lower())


def declared_references(
    name: str, argument: str, options: Mapping[str, str]
) -> Iterator[tuple[str, str, str]]:
    """``(kind, target, where)`` of each reference directive ``name`` holds."""
    for slot in _DIRECTIVES.get(name.lower(), ()):
        target = (argument if slot.where == ARGUMENT else options.get(slot.where, "")).strip()
        if not target:
            continue
        kind = slot.kind
        if slot.kind_option:
            chosen = options.get(slot.kind_option, "").strip().lower()
            kind = slot.kinds.get(chosen, kind) if chosen else kind
        if kind:
            yield kind, target, slot.where
