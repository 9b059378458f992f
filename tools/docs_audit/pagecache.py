"""The page cache: parsed pages kept between runs, keyed on each file's content.

Stored as JSON (``pages.json`` in the cache folder), never pickle: the folder lives
in the working tree, so a pull request can commit a crafted file into it, and
loading it must not be able to run anything. Every stored value is checked against
the model's type hints while it is rebuilt. A file that is corrupt, or was written by
another docs-audit version, another Python or another shape of the model, is
discarded with a warning and rebuilt from the sources.
"""

from __future__ import annotations

import contextlib
import dataclasses
import functools
import hashlib
import json
import os
import sys
import time
import typing
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from . import __version__
from .codec import CodecError, decoder_for, encode, fingerprint
from .document import PAGE_ONLY, Document, Problem

CACHE_NAME = "pages.json"
_FORMAT = "docs-audit-pages"
#: The text is read from the file anyway (to hash it).
_NEVER_STORED = frozenset({"text"})
_MODEL = fingerprint(Document) + fingerprint(Problem)


@dataclass(frozen=True)
class CachedPage:
    """One file's parse result, valid while the file's bytes hash to ``digest``."""

    digest: str
    result: Document | Problem
    #: The entry as read from the file, written back as it is while the page is unchanged.
    stored: dict[str, Any] | None = field(default=None, compare=False, repr=False)


@dataclass
class PageCache:
    """What was loaded, and why an unusable file on disk was set aside."""

    entries: dict[str, CachedPage]
    warning: str | None = None


def content_digest(data: bytes) -> str:
    return hashlib.blake2b(data, digest_size=16).hexdigest()


def cache_key(docs_root: Path, settings: str = "") -> dict[str, str]:
    """What a stored page depends on besides its own bytes."""
    return {
        "docs-audit": __version__,
        "python": sys.version,
        "model": hashlib.blake2b(_MODEL.encode(), digest_size=16).hexdigest(),
        "docs-root": str(docs_root),
        "settings": settings,
    }


def read_page_cache(folder: Path, key: Mapping[str, str]) -> PageCache:
    path = folder / CACHE_NAME
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        return PageCache({})
    except OSError as exc:
        return PageCache({}, f"{path}: page cache is unreadable ({exc.strerror}); rebuilding it")
    try:
        data = json.loads(raw)
        entries = _entries(data, key)
    except _Foreign as exc:
        return PageCache({}, f"{path}: page cache {exc}; rebuilding it" if str(exc) else None)
    except (ValueError, RecursionError, CodecError, TypeError, KeyError):
        return PageCache({}, f"{path}: page cache is corrupt; rebuilding it")
    return PageCache(entries)


class _Foreign(Exception):
    """The file is a valid cache, but of another version, Python or model (the
    message says which), or of other settings (no message: editing conf.py or the
    docs root is routine, and rebuilding the cache then is expected, not news)."""


def _entries(data: Any, key: Mapping[str, str]) -> dict[str, CachedPage]:
    if not isinstance(data, dict) or data.get("format") != _FORMAT:
        raise _Foreign("is not a docs-audit page cache")
    stored_key = data.get("key")
    if stored_key != dict(key):
        raise _Foreign(_difference(stored_key, key))
    pages = data["pages"]
    if not isinstance(pages, dict):
        raise CodecError("pages must be an object")
    return {relpath: _load_entry(entry) for relpath, entry in pages.items()}


def _difference(stored: Any, key: Mapping[str, str]) -> str:
    if not isinstance(stored, dict):
        return "has no key"
    for name in ("docs-audit", "python", "model"):
        if stored.get(name) != key[name]:
            return f"was written by another {name if name != 'model' else 'page model'}"
    return ""


def _load_entry(entry: Any) -> CachedPage:
    if not isinstance(entry, dict) or not isinstance(entry.get("digest"), str):
        raise CodecError("malformed entry")
    if entry.get("kind") == "problem":
        return CachedPage(entry["digest"], decoder_for(Problem)(entry["problem"]), entry)
    if entry.get("kind") != "document":
        raise CodecError("unknown entry kind")
    return CachedPage(entry["digest"], _load_document(entry["light"], entry["heavy"]), entry)


_FIELDS = {f.name: f for f in dataclasses.fields(Document)}
_LIGHT = frozenset(name for name in _FIELDS if name not in PAGE_ONLY and name not in _NEVER_STORED)
_HEAVY = tuple(name for name in PAGE_ONLY if name not in _NEVER_STORED)


@functools.cache
def _hints() -> dict[str, Any]:
    return typing.get_type_hints(Document)


#: Decoded as the cache is read (the rest on first use): what the project needs to
#: file the page.
_EAGER = frozenset({"relpath", "docname", "format"})


def _load_document(light: Any, heavy: Any) -> Document:
    if not isinstance(light, dict) or light.keys() != _LIGHT or not isinstance(heavy, str):
        raise CodecError("malformed page")
    hints = _hints()
    document = Document.__new__(Document)
    document.__dict__.update({name: decoder_for(hints[name])(light[name]) for name in _EAGER})
    for name in _NEVER_STORED:
        factory = _FIELDS[name].default_factory
        document.__dict__[name] = None if factory is dataclasses.MISSING else factory()
    return document


def restore(
    page: CachedPage, text: str, reparse: Callable[[], Document | Problem]
) -> Document | Problem:
    """The cached result for a file whose bytes still match, given its current text.

    The text is not stored (the file was just read to hash it). Every other field is
    checked against the model and decoded when a check first reads it; a value that
    does not fit makes the page be parsed again from ``text`` instead of failing the run.
    """
    result = page.result
    if isinstance(result, Document) and page.stored is not None:
        result.__dict__["text"] = text
        result.__dict__["_deferred"] = _FieldLoader(page.stored, reparse)
    return result


class _FieldLoader:
    """Decodes a cached page's fields on demand: one light field, or the page-only block."""

    def __init__(self, stored: dict[str, Any], reparse: Callable[[], Document | Problem]) -> None:
        self.light: dict[str, Any] = stored["light"]
        self.heavy: str | None = stored["heavy"]
        self.reparse = reparse

    def __call__(self, name: str) -> dict[str, Any]:
        try:
            if name in self.light and name not in _EAGER:
                return {name: decoder_for(_hints()[name])(self.light[name])}
            if name in _HEAVY and self.heavy is not None:
                values = json.loads(self.heavy)
                self.heavy = None
                return {key: decoder_for(_hints()[key])(values[key]) for key in _HEAVY}
        except (ValueError, RecursionError, TypeError, KeyError):
            return self._parsed_again()
        return {}

    def _parsed_again(self) -> dict[str, Any]:
        fresh = self.reparse()
        source = fresh if isinstance(fresh, Document) else Document("", "", "md", "")
        self.light, self.heavy = {}, None
        return {key: getattr(source, key) for key in (*_LIGHT - _EAGER, *_HEAVY)}


def write_page_cache(folder: Path, key: Mapping[str, str], pages: Mapping[str, CachedPage]) -> None:
    """Replace the cache file atomically; a read-only tree is simply not cached."""
    payload = {
        "format": _FORMAT,
        "key": dict(key),
        "pages": {relpath: page.stored or _dump_entry(page) for relpath, page in pages.items()},
    }
    text = json.dumps(payload, separators=(",", ":"))
    # A name of this process's own ("x": never an existing file), then one atomic rename.
    temporary = folder / f".pages-{os.getpid()}-{time.monotonic_ns()}"
    try:
        folder.mkdir(parents=True, exist_ok=True)
        (folder / ".gitignore").write_text("*\n", encoding="utf-8")
        with open(temporary, "x", encoding="utf-8") as stream:
            stream.write(text)
        os.replace(temporary, folder / CACHE_NAME)
    except OSError:
        with contextlib.suppress(OSError):  # a read-only tree is simply not cached
            temporary.unlink(missing_ok=True)


def _dump_entry(page: CachedPage) -> dict[str, Any]:
    result = page.result
    if isinstance(result, Problem):
        return {"digest": page.digest, "kind": "problem", "problem": encode(result)}
    light = {name: encode(getattr(result, name)) for name in _LIGHT}
    heavy = json.dumps({name: encode(getattr(result, name)) for name in _HEAVY})
    return {"digest": page.digest, "kind": "document", "light": light, "heavy": heavy}
