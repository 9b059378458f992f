"""Intersphinx inventories fetched from loopback into the cache, then used offline."""

from __future__ import annotations

import zlib
from pathlib import Path

import pytest
from docs_audit.config import load_config
from docs_audit.intersphinx import (
    InventoryError,
    Resolver,
    fetch_inventories,
    parse_inventory,
)
from docs_audit.sphinxconf import load_sphinx_conf

from .helpers import make_inventory, serve, write_project

OBJECTS = [
    ("tut-intro", "std:label"),
    ("tutorial/index", "std:doc"),
    ("virtual environment", "std:term"),
    ("str", "py:class"),
    ("ValueError", "py:exception"),
    ("os.path.join", "py:function"),
]


def test_parse_inventory_reads_types_and_names() -> None:
    objects = parse_inventory(make_inventory(OBJECTS))
    assert len(objects) == len(OBJECTS)
    assert objects.has(["std:label"], "tut-intro")
    assert objects.has(["std:label"], "TUT-Intro")  # labels match case-insensitively
    assert not objects.has(["std:doc"], "tut-intro")
    assert objects.domain_has("py", "ValueError")


def test_parse_inventory_rejects_other_bytes() -> None:
    with pytest.raises(InventoryError, match="not a Sphinx inventory"):
        parse_inventory(b"<html>nope</html>")
    broken = b"# Sphinx inventory version 2\n# P\n# V\n# zlib\n" + b"not zlib at all"
    with pytest.raises(InventoryError, match="zlib"):
        parse_inventory(broken)
    assert len(parse_inventory(make_inventory([]))) == 0
    assert zlib.decompress(make_inventory([("a", "std:label")]).split(b"\n", 4)[4])


def _project(tmp_path: Path, base: str, ttl: int = 3600) -> Path:
    conf = (
        "extensions = ['myst_parser', 'sphinx.ext.intersphinx']\n"
        f"intersphinx_mapping = {{'python': ('{base}/py/', None),"
        f" 'gone': ('{base}/gone/', None)}}\n"
    )
    table = f"[tool.docs-audit.links]\nallow-private = true\ncache-ttl = {ttl}\n"
    return write_project(tmp_path, conf, {"index.md": "# Home\n"}, table)


def test_fetch_caches_and_resolver_decides_offline(tmp_path: Path) -> None:
    with serve({"/py/objects.inv": make_inventory(OBJECTS)}) as web:
        root = _project(tmp_path, web.base)
        config = load_config(cwd=root)
        conf = load_sphinx_conf(config)
        results = fetch_inventories(config, conf, now=1000.0)
        assert [(r.inventory.prefix, r.status, r.entries) for r in results] == [
            ("python", "fetched", len(OBJECTS)),
            ("gone", "failed", 0),
        ]
        assert results[1].error == "HTTP 404"
        # Within the TTL a second run sends no request for the inventory that was fine.
        asked = len(web.requests)
        again = fetch_inventories(config, conf, now=2000.0)
        assert [r.status for r in again] == ["cached", "failed"]
        assert web.requests[asked:] == ["/gone/objects.inv"]
        # Past the TTL it is fetched again.
        later = fetch_inventories(config, conf, now=1000.0 + 3601)
        assert later[0].status == "fetched"
    # The server is gone: resolution is offline, from the cache.
    resolver = Resolver(config, conf)
    assert resolver.resolve("ref", "python:tut-intro").state == "found"  # type: ignore[union-attr]
    assert resolver.resolve("ref", "python:no-such-label").state == "missing"  # type: ignore[union-attr]
    assert resolver.resolve("doc", "python:tutorial/index").state == "found"  # type: ignore[union-attr]
    assert resolver.resolve("doc", "python:tut-intro").state == "missing"  # type: ignore[union-attr]
    assert resolver.resolve("term", "python:virtual environment").state == "found"  # type: ignore[union-attr]
    assert resolver.resolve("py:class", "python:ValueError").state == "found"  # type: ignore[union-attr]
    assert resolver.resolve("func", "python:os.path.join").state == "found"  # type: ignore[union-attr]
    gone = resolver.resolve("ref", "gone:anything")
    assert gone is not None and gone.state == "undecided"
    assert resolver.resolve("ref", "nope:thing") is None  # not a configured prefix
    assert resolver.anywhere("ref", "tut-intro")


def test_without_cache_every_prefixed_reference_is_undecided(tmp_path: Path) -> None:
    root = _project(tmp_path, "http://127.0.0.1:9")
    config = load_config(cwd=root)
    resolver = Resolver(config, load_sphinx_conf(config))
    verdict = resolver.resolve("ref", "python:tut-intro")
    assert verdict is not None and verdict.state == "undecided"
    assert "no cached inventory" in verdict.reason


def test_corrupt_cache_file_is_ignored(tmp_path: Path) -> None:
    with serve({"/py/objects.inv": make_inventory(OBJECTS)}) as web:
        root = _project(tmp_path, web.base)
        config = load_config(cwd=root)
        conf = load_sphinx_conf(config)
        fetch_inventories(config, conf, now=1000.0)
    for cached in (config.cache_dir / "intersphinx").glob("python-*.json"):
        cached.write_text("{not json", encoding="utf-8")
    verdict = Resolver(config, conf).resolve("ref", "python:tut-intro")
    assert verdict is not None and verdict.state == "undecided"


def test_loopback_is_refused_unless_allowed(tmp_path: Path) -> None:
    with serve({"/py/objects.inv": make_inventory(OBJECTS)}) as web:
        root = _project(tmp_path, web.base)
        (root / "pyproject.toml").write_text('[tool.docs-audit]\ndocs-root = "docs"\n')
        config = load_config(cwd=root)
        results = fetch_inventories(config, load_sphinx_conf(config), now=1.0)
        assert results[0].status == "failed"
        assert "not fetched" in results[0].error
        assert web.requests == []


def test_links_command_also_fetches_the_inventories(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from docs_audit.cli import main

    with serve({"/py/objects.inv": make_inventory(OBJECTS)}) as web:
        root = _project(tmp_path, web.base)
        status = main(["--config", str(root / "pyproject.toml"), "links", "--no-progress"])
    err = capsys.readouterr().err
    assert status == 0
    assert "intersphinx: 1 inventories fetched, 0 cached, 1 failed (gone: HTTP 404)" in err
    config = load_config(cwd=root)
    verdict = Resolver(config, load_sphinx_conf(config)).resolve("ref", "python:tut-intro")
    assert verdict is not None and verdict.state == "found"
