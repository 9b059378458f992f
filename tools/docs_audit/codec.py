"""Frozen dataclass records to plain JSON values and back, driven by their type hints.

The page cache stores parsed pages with this codec instead of pickle: loading JSON
cannot run code, and a value that does not fit the declared type is rejected
(:class:`CodecError`) instead of being trusted. Decoders are built once per type.
"""

from __future__ import annotations

import dataclasses
import functools
import types
import typing
from collections.abc import Callable
from typing import Any


class CodecError(ValueError):
    """A stored value does not match the type its record declares."""


Decoder = Callable[[Any], Any]

_ATOMS: dict[Any, tuple[type, ...]] = {
    str: (str,),
    int: (int,),
    float: (int, float),
    bool: (bool,),
    type(None): (type(None),),
}


def encode(value: Any) -> Any:
    """A JSON-ready structure; a dataclass record becomes the list of its field values
    in declaration order (the type, known when decoding, names them)."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return [encode(getattr(value, f.name)) for f in dataclasses.fields(value)]
    if isinstance(value, (list, tuple)):
        return [encode(item) for item in value]
    if isinstance(value, (set, frozenset)):
        return sorted(encode(item) for item in value)
    if isinstance(value, dict):
        return {str(key): encode(item) for key, item in value.items()}
    if value is None or isinstance(value, (str, int, float, bool)):
        return value
    raise TypeError(f"cannot store a {type(value).__name__} in the page cache")


def decode(kind: Any, value: Any) -> Any:
    """Rebuild a value of type ``kind`` from :func:`encode`'s output."""
    return decoder_for(kind)(value)


@functools.cache
def decoder_for(kind: Any) -> Decoder:
    if kind is Any:
        return _identity
    if kind in _ATOMS:
        return _atom(kind)
    if dataclasses.is_dataclass(kind) and isinstance(kind, type):
        return _record(kind)
    origin, arguments = typing.get_origin(kind), typing.get_args(kind)
    if origin is typing.Literal:
        return _literal(arguments)
    if origin in (typing.Union, types.UnionType):
        return _union(arguments)
    if origin in (list, set, frozenset):
        return _sequence(origin, decoder_for(arguments[0]))
    if origin is tuple:
        return _tuple(arguments)
    if origin is dict:
        return _mapping(decoder_for(arguments[1]))
    raise TypeError(f"the page cache cannot store values of type {kind!r}")


def _identity(value: Any) -> Any:
    return value


def _atom(kind: type) -> Decoder:
    # Exact types: JSON yields no subclasses, and bool must not pass for int.
    allowed = frozenset(_ATOMS[kind])

    def check(value: Any) -> Any:
        if type(value) not in allowed:
            raise CodecError(f"expected {kind.__name__}, found {type(value).__name__}")
        return value

    return check


def _literal(choices: tuple[Any, ...]) -> Decoder:
    def check(value: Any) -> Any:
        if value not in choices:
            raise CodecError(f"expected one of {choices!r}, found {value!r}")
        return value

    return check


def _union(members: tuple[Any, ...]) -> Decoder:
    decoders = [decoder_for(member) for member in members]

    def first_fit(value: Any) -> Any:
        for member_decoder in decoders:
            try:
                return member_decoder(value)
            except CodecError:
                continue
        raise CodecError(f"{value!r} fits none of {members!r}")

    return first_fit


def _sequence(container: Any, item: Decoder) -> Decoder:
    def build(value: Any) -> Any:
        if not isinstance(value, list):
            raise CodecError(f"expected a list, found {type(value).__name__}")
        return container(item(entry) for entry in value)

    return build


def _tuple(arguments: tuple[Any, ...]) -> Decoder:
    if len(arguments) == 2 and arguments[1] is Ellipsis:
        item = decoder_for(arguments[0])
        return _sequence(tuple, item)
    decoders = [decoder_for(argument) for argument in arguments]

    def build(value: Any) -> Any:
        if not isinstance(value, list) or len(value) != len(decoders):
            raise CodecError(f"expected a list of {len(decoders)} items")
        return tuple(d(entry) for d, entry in zip(decoders, value, strict=True))

    return build


def _mapping(item: Decoder) -> Decoder:
    def build(value: Any) -> Any:
        if not isinstance(value, dict):
            raise CodecError(f"expected an object, found {type(value).__name__}")
        return {key: item(entry) for key, entry in value.items()}

    return build


def _record(cls: type) -> Decoder:
    hints = typing.get_type_hints(cls)
    fields = [f for f in dataclasses.fields(cls) if f.init]
    decoders = [(f.name, decoder_for(hints[f.name])) for f in fields]
    if hasattr(cls, "__post_init__") or hasattr(cls, "__slots__"):
        raise TypeError(f"{cls.__name__}: the page cache stores plain records only")
    count = len(decoders)

    def build(value: Any) -> Any:
        if type(value) is not list or len(value) != count:
            raise CodecError(f"expected the {count} fields of {cls.__name__}")
        # Every field is checked here, so the (frozen) record is filled directly:
        # calling its __init__ for tens of thousands of records costs more.
        record: Any = object.__new__(cls)
        record.__dict__.update(
            (name, decode(item)) for (name, decode), item in zip(decoders, value, strict=True)
        )
        return record

    return build


def fingerprint(kind: type) -> str:
    """The shape of a record type (field names and types, recursively), for cache keys."""
    seen: set[type] = set()

    def describe(item: Any) -> str:
        if dataclasses.is_dataclass(item) and isinstance(item, type):
            if item in seen:
                return item.__name__
            seen.add(item)
            hints = typing.get_type_hints(item)
            inner = ",".join(
                f"{f.name}:{describe(hints[f.name])}" for f in dataclasses.fields(item)
            )
            return f"{item.__name__}({inner})"
        arguments = typing.get_args(item)
        if arguments:
            return f"{typing.get_origin(item)!r}[{','.join(describe(a) for a in arguments)}]"
        return repr(item)

    return describe(kind)
