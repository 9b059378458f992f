"""References resolved as Sphinx would: suffixes, intersphinx offline, undecided objects."""

from __future__ import annotations

from pathlib import Path

from docs_audit.api import run
from docs_audit.config import load_config
from docs_audit.intersphinx import fetch_inventories
from docs_audit.sphinxconf import load_sphinx_conf

from .helpers import make_inventory, serve, write_project

LINKS = "[tool.docs-audit.links]\nallow-private = true\n"


def _codes(root: Path) -> list[tuple[str, int, int, str]]:
    report = run(None, load_config(cwd=root), select=["RF"], use_cache=False)
    return [(f.code, f.line, f.column, f.message) for f in report.findings]


def test_doc_with_source_suffix_is_unknown_as_in_sphinx(tmp_path: Path) -> None:
    root = write_project(
        tmp_path,
        "extensions = ['myst_parser']\n",
        {
            "index.md": "# Home\n\n```{toctree}\nother\n```\n\n"
            "See {doc}`other` and\nalso {doc}`other.md`.\n",
            "other.md": "# Other\n",
        },
    )
    assert _codes(root) == [("RF202", 8, 6, "unknown document: 'other.md'")]


def test_intersphinx_references_resolve_offline_from_the_cache(tmp_path: Path) -> None:
    pages = {
        "index.md": "# Home\n\n"
        "{ref}`python:tut-intro`, {ref}`python:no-such-label`,\n"
        "{doc}`python:tutorial/index`, {ref}`other:thing`.\n"
    }
    with serve(
        {
            "/py/objects.inv": make_inventory(
                [("tut-intro", "std:label"), ("tutorial/index", "std:doc")]
            )
        }
    ) as web:
        conf = (
            "extensions = ['myst_parser', 'sphinx.ext.intersphinx']\n"
            f"intersphinx_mapping = {{'python': ('{web.base}/py', None),"
            f" 'other': ('{web.base}/other', None)}}\n"
        )
        root = write_project(tmp_path, conf, pages, LINKS)
        config = load_config(cwd=root)
        # Before any inventory is cached: undecided, never an error.
        before = run(None, config, select=["RF"], use_cache=False)
        assert before.findings == []
        assert before.stats["check"] == {"undecided-intersphinx": 4}
        fetch_inventories(config, load_sphinx_conf(config))
    after = run(None, load_config(cwd=root), select=["RF"], use_cache=False)
    assert [(f.code, f.line, f.column) for f in after.findings] == [("RF207", 3, 26)]
    assert "python" in after.findings[0].message
    assert "no-such-label" in after.findings[0].message
    # 'other' has no inventory (404): its reference stays undecided.
    assert after.stats["check"] == {"undecided-intersphinx": 1}


def test_unprefixed_label_found_in_a_cached_inventory_is_fine(tmp_path: Path) -> None:
    with serve({"/py/objects.inv": make_inventory([("tut-intro", "std:label")])}) as web:
        conf = (
            "extensions = ['myst_parser', 'sphinx.ext.intersphinx']\n"
            f"intersphinx_mapping = {{'python': ('{web.base}/py', None)}}\n"
        )
        root = write_project(
            tmp_path, conf, {"index.md": "# Home\n\n{ref}`tut-intro` {ref}`nowhere`\n"}, LINKS
        )
        config = load_config(cwd=root)
        fetch_inventories(config, load_sphinx_conf(config))
    assert [c[:3] for c in _codes(root)] == [("RF201", 3, 18)]


def test_object_names_are_undecided_with_autodoc_and_errors_without(tmp_path: Path) -> None:
    page = {"index.md": "# Home\n\nSee [frozen](attrs.frozen) and {any}`attrs.define`.\n"}
    with_autodoc = write_project(
        tmp_path / "a", "extensions = ['myst_parser', 'sphinx.ext.autodoc']\n", page
    )
    report = run(None, load_config(cwd=with_autodoc), select=["RF"], use_cache=False)
    assert report.findings == []
    assert report.stats["check"] == {"undecided-object": 2}
    plain = write_project(tmp_path / "b", "extensions = ['myst_parser']\n", page)
    assert [c[0] for c in _codes(plain)] == ["RF203", "RF203"]


def test_undecided_count_is_in_the_text_summary(tmp_path: Path) -> None:
    from docs_audit.report import render

    root = write_project(
        tmp_path,
        "extensions = ['myst_parser', 'sphinx.ext.autodoc']\n",
        {"index.md": "# Home\n\nSee {any}`attrs.define`.\n"},
    )
    report = run(None, load_config(cwd=root), select=["RF"], use_cache=False)
    text = render(report, "text")
    assert "Undecided (not errors): 1 reference to objects" in text
    assert text.splitlines()[-1].startswith("Found 0 errors")


def test_link_marked_external_is_a_url_only_with_attrs_inline(tmp_path: Path) -> None:
    page = {"index.md": "# Home\n\n[tabs](?key=1#tabs){.external} and [x](nowhere)\n"}
    with_attrs = write_project(
        tmp_path / "a",
        "extensions = ['myst_parser']\nmyst_enable_extensions = ['attrs_inline']\n",
        page,
    )
    assert [c[:3] for c in _codes(with_attrs)] == [("RF203", 3, 36)]
    without = write_project(tmp_path / "b", "extensions = ['myst_parser']\n", page)
    assert [c[:3] for c in _codes(without)] == [("RF203", 3, 1), ("RF203", 3, 36)]


def test_sphinx_design_buttons_and_cards_are_references(tmp_path: Path) -> None:
    page = (
        "# Home\n\n(home)=\n## Section\n\n"
        "```{button-ref} home\nBack\n```\n\n"
        "```{button-ref} nowhere\nLost\n```\n\n"
        ":::{card} A card\n:link: missing/page\n:link-type: doc\n\nBody\n:::\n\n"
        ":::{card} An outside card\n:link: https://example.org/\n\nBody\n:::\n"
    )
    root = write_project(
        tmp_path,
        "extensions = ['myst_parser', 'sphinx_design']\nmyst_enable_extensions = ['colon_fence']\n",
        {"index.md": page},
    )
    found = [(code, line) for code, line, _, _ in _codes(root)]
    assert found == [("RF203", 10), ("RF202", 15)]


def test_myst_inv_links_resolve_from_the_cached_inventory(tmp_path: Path) -> None:
    page = {
        "index.md": "# Home\n\n[intro](inv:python#tut-intro) and\n"
        "[nope](inv:python:std:label#nope) and [any](<inv:*:std:doc#tutorial/index>).\n"
    }
    inventory = make_inventory([("tut-intro", "std:label"), ("tutorial/index", "std:doc")])
    with serve({"/py/objects.inv": inventory}) as web:
        conf = (
            "extensions = ['myst_parser', 'sphinx.ext.intersphinx']\n"
            "myst_enable_extensions = ['inv_link']\n"
            f"intersphinx_mapping = {{'python': ('{web.base}/py', None)}}\n"
        )
        root = write_project(tmp_path, conf, page, LINKS)
        assert _codes(root) == []  # nothing cached yet: undecided
        config = load_config(cwd=root)
        fetch_inventories(config, load_sphinx_conf(config))
    assert [c[:3] for c in _codes(root)] == [("RF207", 4, 1)]


def test_a_target_marked_with_an_exclamation_mark_is_no_reference(tmp_path: Path) -> None:
    """``:ref:`!name``` is plain text to Sphinx's roles: no reference, no warning."""
    from .helpers import sphinx_warnings

    root = write_project(
        tmp_path,
        "extensions = ['myst_parser']\n",
        {
            "index.rst": "Home\n====\n\n:ref:`!nolabel`, :doc:`!nodoc`, :term:`!noterm`, "
            ":envvar:`!NOVAR`,\n:any:`!noany`, :numref:`!nonum`, :option:`!--no`, "
            ":class:`!Nothing` and :ref:`missing`.\n\n.. toctree::\n\n   md\n",
            "md.md": "# MD\n\n{ref}`!nolabel` and {doc}`!nodoc`.\n",
        },
    )
    report = run(None, load_config(cwd=root), select=["RF"], use_cache=False)
    assert [(f.path, f.line, f.message) for f in report.findings] == [
        ("docs/index.rst", 5, "undefined label: 'missing'")
    ]
    assert "undecided-object" not in report.stats.get("check", {})
    assert sorted(sphinx_warnings(root, tmp_path / "html", {"undefined label": "RF201"})) == [
        ("docs/index.rst", "RF201", 4)
    ]
