"""Intersphinx, offline: inventories fetched once into the cache, references resolved from it.

A reference such as ``{ref}`python:tut-intro``` or ``:doc:`werkzeug:test``` names an
object in another project's Sphinx inventory (``objects.inv``). ``docs-audit links``
and ``docs-audit inventories`` fetch every ``intersphinx_mapping`` inventory into the
cache (reusing the link cache's TTL and network guard); ``check`` then resolves such
references without the network. Without a cached inventory a reference is undecided,
never an error.

The inventory format (Sphinx's version 2) is four ``#`` header lines and a zlib stream
of lines ``name domain:role priority uri display-name``; version 1 is plain text.
Sphinx is not needed to read it.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import time
import zlib
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from .config import Config
from .sphinxconf import Inventory, SphinxConf

if TYPE_CHECKING:
    from .links.config import LinkSettings

#: Largest inventory read (Python's own is about 140 kB compressed).
MAX_BYTES = 32 * 1024 * 1024
_LINE = re.compile(r"(?x)(.+?)\s+(\S+)\s+(-?\d+)\s+?(\S*)\s+(.*)")
_FORMAT = 1

#: Inventory object types a role may resolve to (a domain role resolves to its domain).
STD_ROLE_TYPES: Mapping[str, tuple[str, ...]] = {
    "ref": ("std:label",),
    "numref": ("std:label",),
    "doc": ("std:doc",),
    "term": ("std:term",),
    "envvar": ("std:envvar",),
    # Inventories written before Sphinx 1.6 stored options as std:option (Sphinx reads both).
    "option": ("std:cmdoption", "std:option"),
    "keyword": ("std:keyword",),
    "token": ("std:token",),
}
#: Roles of the Python domain that ``default_domain = "py"`` lets one write bare.
PY_ROLES = frozenset(
    {
        "func",
        "meth",
        "class",
        "exc",
        "attr",
        "data",
        "const",
        "mod",
        "obj",
        "type",
        "deco",
        "property",
    }
)


class InventoryError(ValueError):
    """Bytes that are not a Sphinx inventory."""


@dataclass(frozen=True)
class Objects:
    """One project's inventory: object type (``py:class``) to the names it defines."""

    by_type: Mapping[str, frozenset[str]]

    def has(self, types: Iterable[str] | None, name: str) -> bool:
        """Whether ``name`` is there under one of ``types`` (``None``: any type)."""
        chosen = (
            self.by_type if types is None else {t: self.by_type.get(t, frozenset()) for t in types}
        )
        lowered = name.lower()
        for kind, names in chosen.items():
            # Sphinx stores labels and terms lowercased and matches them case-insensitively.
            if name in names or (kind in ("std:label", "std:term") and lowered in names):
                return True
        return False

    def domain_has(self, domain: str, name: str) -> bool:
        return self.has([t for t in self.by_type if t.startswith(domain + ":")], name)

    def __len__(self) -> int:
        return sum(len(names) for names in self.by_type.values())


def parse_inventory(data: bytes) -> Objects:
    """The objects of an ``objects.inv`` (format version 1 or 2)."""
    header, _, rest = data.partition(b"\n")
    version = header.decode("ascii", "replace").strip()
    by_type: dict[str, set[str]] = {}
    if version == "# Sphinx inventory version 2":
        lines = rest.split(b"\n", 3)
        if len(lines) < 4 or b"zlib" not in lines[2]:
            raise InventoryError("inventory header is incomplete")
        try:
            decompressor = zlib.decompressobj()
            body = decompressor.decompress(lines[3], MAX_BYTES * 4)
        except zlib.error as exc:
            raise InventoryError(f"inventory is not zlib-compressed: {exc}") from None
        for raw in body.decode("utf-8", "replace").splitlines():
            match = _LINE.match(raw.rstrip())
            if match is None:
                continue
            name, kind = match.group(1), match.group(2)
            if ":" not in kind:
                continue
            by_type.setdefault(kind, set()).add(name)
    elif version == "# Sphinx inventory version 1":
        for raw in rest.decode("utf-8", "replace").splitlines()[2:]:
            parts = raw.split(None, 2)
            if len(parts) >= 2:
                kind = "py:module" if parts[1] == "mod" else f"py:{parts[1]}"
                by_type.setdefault(kind, set()).add(parts[0])
    else:
        raise InventoryError(f"not a Sphinx inventory (first line {version[:60]!r})")
    return Objects({kind: frozenset(names) for kind, names in by_type.items()})


# ---- the cache ----------------------------------------------------------------------


def cache_folder(config: Config) -> Path:
    return config.cache_dir / "intersphinx"


def _cache_file(config: Config, inventory: Inventory) -> Path:
    digest = hashlib.sha256(inventory.inventory_url.encode()).hexdigest()[:16]
    name = re.sub(r"[^A-Za-z0-9_.-]", "_", inventory.prefix or "unnamed")
    return cache_folder(config) / f"{name}-{digest}.json"


@dataclass(frozen=True)
class Cached:
    objects: Objects
    fetched: float


def read_cached(config: Config, inventory: Inventory) -> Cached | None:
    """The cached inventory (JSON: data only, nothing in it can run); ``None`` if absent."""
    path = _cache_file(config, inventory)
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        if data.get("format") != _FORMAT or data.get("url") != inventory.inventory_url:
            return None
        objects = Objects({str(k): frozenset(map(str, v)) for k, v in data["objects"].items()})
        return Cached(objects, float(data["fetched"]))
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        return None


def write_cached(config: Config, inventory: Inventory, objects: Objects, now: float) -> None:
    folder = cache_folder(config)
    folder.mkdir(parents=True, exist_ok=True)
    payload = {
        "format": _FORMAT,
        "url": inventory.inventory_url,
        "fetched": now,
        "objects": {kind: sorted(names) for kind, names in sorted(objects.by_type.items())},
    }
    import tempfile

    handle, temporary = tempfile.mkstemp(dir=folder, prefix=".inv-")
    with os.fdopen(handle, "w", encoding="utf-8") as stream:
        json.dump(payload, stream)
    os.replace(temporary, _cache_file(config, inventory))


# ---- fetching ----------------------------------------------------------------------


@dataclass(frozen=True)
class FetchResult:
    inventory: Inventory
    #: ``fetched``, ``cached`` (still within the TTL), or ``failed``.
    status: str
    entries: int = 0
    error: str = ""


def fetch_inventories(
    config: Config,
    conf: SphinxConf,
    now: float | None = None,
    force: bool = False,
    settings: LinkSettings | None = None,
) -> list[FetchResult]:
    """Fetch every inventory whose cached copy is missing or older than the link TTL."""
    from .links.config import settings_from

    settings = settings or settings_from(config)
    table = config.table("links")
    ttl = float(table["cache-ttl"])
    moment = time.time() if now is None else now
    results: dict[Inventory, FetchResult] = {}
    due: list[Inventory] = []
    for inventory in conf.intersphinx:
        cached = read_cached(config, inventory)
        if cached is not None and not force and moment - cached.fetched <= ttl:
            results[inventory] = FetchResult(inventory, "cached", len(cached.objects))
        else:
            due.append(inventory)
    if due:
        import asyncio  # `check` reads inventories and never fetches

        fetched = asyncio.run(
            _fetch_all(due, config, settings.timeout, settings.allow_private, settings.user_agent)
        )
        for inventory, outcome in zip(due, fetched, strict=True):
            if isinstance(outcome, Objects):
                try:
                    write_cached(config, inventory, outcome, moment)
                except OSError as exc:
                    results[inventory] = FetchResult(inventory, "failed", 0, f"cannot cache: {exc}")
                    continue
                results[inventory] = FetchResult(inventory, "fetched", len(outcome))
            else:
                results[inventory] = FetchResult(inventory, "failed", 0, outcome)
    return [results[inventory] for inventory in conf.intersphinx]


def refresh_summary(
    config: Config, conf: SphinxConf, settings: LinkSettings | None = None
) -> str | None:
    """Fetch what is due and say so in one line (``None`` without intersphinx)."""
    if not conf.intersphinx:
        return None
    results = fetch_inventories(config, conf, settings=settings)
    counts = {state: sum(r.status == state for r in results) for state in ("fetched", "cached")}
    failed = [f"{r.inventory.prefix or r.inventory.url}: {r.error}" for r in results if r.error]
    line = f"intersphinx: {counts['fetched']} inventories fetched, {counts['cached']} cached"
    if failed:
        line += f", {len(failed)} failed ({'; '.join(failed)}); references into them stay undecided"
    return line


async def _fetch_all(
    due: Sequence[Inventory], config: Config, timeout: float, allow_private: bool, agent: str
) -> list[Objects | str]:
    import asyncio

    import httpx

    from .links.fetch import refusal
    from .links.network import Guard, GuardedTransport

    transport = GuardedTransport(Guard(allow_private=allow_private), httpx.Limits(), True)
    async with httpx.AsyncClient(
        transport=transport,
        timeout=timeout,
        follow_redirects=True,
        headers={"User-Agent": agent},
        trust_env=False,
    ) as client:

        async def one(inventory: Inventory) -> Objects | str:
            location = inventory.inventory_url
            if not urlsplit(location).scheme:
                return _read_local(config, location)
            refused = refusal(location, allow_private)
            if refused:
                return f"not fetched: {refused}"
            try:
                async with client.stream("GET", location) as response:
                    if response.status_code != 200:
                        return f"HTTP {response.status_code}"
                    chunks: list[bytes] = []
                    size = 0
                    async for chunk in response.aiter_bytes():
                        size += len(chunk)
                        if size > MAX_BYTES:
                            return f"larger than {MAX_BYTES} bytes"
                        chunks.append(chunk)
            except httpx.HTTPError as exc:
                return f"{type(exc).__name__}: {exc}" if str(exc) else type(exc).__name__
            except Exception as exc:  # the guard's refusals and resolver errors
                return f"{type(exc).__name__}: {exc}"
            try:
                return parse_inventory(b"".join(chunks))
            except InventoryError as exc:
                return str(exc)

        return list(await asyncio.gather(*(one(inventory) for inventory in due)))


def _read_local(config: Config, location: str) -> Objects | str:
    path = Path(location)
    if not path.is_absolute():
        path = config.docs_root / path
    try:
        data = path.read_bytes()
    except OSError as exc:
        return f"cannot read {path}: {exc.strerror}"
    try:
        return parse_inventory(data[:MAX_BYTES])
    except InventoryError as exc:
        return str(exc)


# ---- resolution ---------------------------------------------------------------------


@dataclass(frozen=True)
class Verdict:
    """``found``, ``missing`` (an error), or ``undecided`` with the reason."""

    state: str
    prefix: str = ""
    reason: str = ""


class Resolver:
    """Answers whether a reference resolves in the cached inventories."""

    def __init__(self, config: Config, conf: SphinxConf) -> None:
        self.prefixes = {inventory.prefix: inventory for inventory in conf.intersphinx}
        self._config = config
        self._loaded: dict[str, Objects | None] = {}

    def split(self, target: str) -> tuple[str, str] | None:
        """``(prefix, rest)`` when ``target`` starts with a configured intersphinx prefix."""
        prefix, colon, rest = target.partition(":")
        if colon and rest and prefix in self.prefixes and prefix:
            return prefix, rest
        return None

    def objects(self, prefix: str) -> Objects | None:
        if prefix not in self._loaded:
            cached = read_cached(self._config, self.prefixes[prefix])
            self._loaded[prefix] = cached.objects if cached else None
        return self._loaded[prefix]

    def resolve(self, role: str, target: str) -> Verdict | None:
        """The verdict for a prefixed reference; ``None`` if ``target`` has no prefix."""
        split = self.split(target)
        if split is None:
            return None
        prefix, rest = split
        objects = self.objects(prefix)
        if objects is None:
            return Verdict("undecided", prefix, f"no cached inventory for '{prefix}'")
        return Verdict("found" if found_in(objects, role, rest) else "missing", prefix)

    def all_cached(self) -> bool:
        return all(self.objects(prefix) is not None for prefix in self.prefixes)

    def anywhere(self, role: str, target: str) -> bool:
        """Whether any cached inventory has ``target`` (Sphinx also tries unprefixed names)."""
        for prefix in self.prefixes:
            objects = self.objects(prefix)
            if objects is not None and found_in(objects, role, target):
                return True
        return False


def found_in(objects: Objects, role: str, target: str) -> bool:
    domain, _, name = role.rpartition(":")
    if role in STD_ROLE_TYPES or (domain == "std" and name in STD_ROLE_TYPES):
        return objects.has(STD_ROLE_TYPES[name if domain == "std" else role], target)
    if role == "any":
        return objects.has(None, target)
    if not domain:
        domain = "py" if role in PY_ROLES else ""
    # A domain role may name any of its object types (class vs exception and the like).
    return objects.domain_has(domain, target.lstrip("~.")) if domain else objects.has(None, target)
