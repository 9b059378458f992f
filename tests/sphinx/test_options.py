"""``:option:`` references judged as Sphinx judges them (``unknown option``): under the
program current where they are written, without a value, or naming the program, and
compared with a real Sphinx build."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

from docs_audit.api import run
from docs_audit.checks.options import option_names, resolve_option
from docs_audit.config import load_config
from docs_audit.report.text import undecided

from .helpers import sphinx_warnings, write_project
from .matching import match

INDEX = """Home
====

.. toctree::

   cli

:option:`--top` before any program, :option:`--verbose` (only under prog).

.. program:: prog

.. option:: -v, --verbose

   Be loud.

.. option:: --level=<n>, --out [FILE]
            --mode

   Level.

.. option:: target

   An argument.

:option:`-v`, :option:`--level`, :option:`--level=3`, :option:`--out FILE`,
:option:`target`, :option:`--nope`, :option:`!--nolink`, :option:`title <--verbose>`,
:option:`--mode`.

.. program:: prog sub

.. option:: --deep

:option:`--deep`, :option:`-v`, :option:`prog --verbose`, :option:`prog sub --deep`,
:option:`other --deep`.

.. program:: None

.. option:: --top

:option:`--top`, :option:`--deep`, :any:`--top`.
"""

CLI = """# CLI

{option}`--top` and {option}`prog -v` and {option}`-v`.

```{program} tool
```

```{option} --flag
```

{option}`--flag` and {option}`tool --flag` and {option}`--top` and {any}`--flag`.
"""

_KINDS = {"unknown option": "RF212"}


def _findings(root: Path) -> list[tuple[str, str, int, int, str]]:
    report = run(None, load_config(cwd=root), select=["RF"], use_cache=False)
    return [(f.path, f.code, f.line, f.column, f.message) for f in report.findings]


def test_option_names_as_sphinx_reads_a_signature() -> None:
    assert option_names("-v, --verbose") == ["-v", "--verbose"]
    assert option_names("--level=<n>, --out [FILE], -I<dir>") == ["--level", "--out", "-I<dir>"]
    assert option_names("--color[=WHEN]") == ["--color"]
    assert option_names("target") == ["target"]


def test_unknown_options_are_reported_at_their_place(tmp_path: Path) -> None:
    root = write_project(
        tmp_path, "extensions = ['myst_parser']\n", {"index.rst": INDEX, "cli.md": CLI}
    )
    assert _findings(root) == [
        ("docs/cli.md", "RF212", 3, 43, "unknown option: '-v'"),
        ("docs/cli.md", "RF212", 11, 48, "unknown option: '--top'"),
        ("docs/index.rst", "RF212", 8, 37, "unknown option: '--verbose'"),
        ("docs/index.rst", "RF212", 26, 19, "unknown option: '--nope'"),
        ("docs/index.rst", "RF212", 33, 19, "unknown option: '-v'"),
        ("docs/index.rst", "RF212", 34, 1, "unknown option: 'other --deep'"),
        ("docs/index.rst", "RF212", 40, 18, "unknown option: '--deep'"),
    ]
    theirs = sphinx_warnings(root, tmp_path / "html", _KINDS)
    ours = Counter((path, code, line) for path, code, line, _, _ in _findings(root))
    assert theirs.total() == 7
    assert match(ours, theirs, root) == (Counter(), Counter())


USAGE = """.. program:: inc

.. option:: --inc

In the include, :option:`--inc` and :option:`--missing-here`.
"""


def test_programs_declared_in_included_content_leave_references_undecided(
    tmp_path: Path,
) -> None:
    """Sphinx resolves ``--inc`` after the include (the included program is current);
    docs-audit does not place the include's program, so holds it undecided, while a
    name no program describes is still an error."""
    page = "Home\n====\n\n.. include:: ../USAGE.rst\n\n:option:`--inc` and :option:`--nowhere`.\n"
    root = write_project(tmp_path, "", {"index.rst": page})
    (root / "USAGE.rst").write_text(USAGE, encoding="utf-8")
    report = run(None, load_config(cwd=root), select=["RF"], use_cache=False)
    ours = [(f.path, f.line, f.message) for f in report.findings]
    assert ours == [
        ("USAGE.rst", 5, "unknown option: '--missing-here'"),
        ("docs/index.rst", 6, "unknown option: '--nowhere'"),
    ]
    assert report.stats["check"]["undecided-option-program"] == 1
    assert undecided(report) == (
        "Undecided (not errors): 0 references to objects autodoc or an inventory provides, "
        "0 into intersphinx inventories not cached (docs-audit inventories fetches them), "
        "1 to option that included content or an extension may describe."
    )
    theirs = sphinx_warnings(root, tmp_path / "html", _KINDS)
    assert sorted(theirs) == [("USAGE.rst", "RF212", 5), ("docs/index.rst", "RF212", 6)]


def test_with_intersphinx_an_unknown_option_is_undecided(tmp_path: Path) -> None:
    conf = "intersphinx_mapping = {'click': ('https://click.invalid/', None)}\n"
    root = write_project(tmp_path, conf, {"index.rst": "Home\n====\n\n:option:`--nope`.\n"})
    report = run(None, load_config(cwd=root), select=["RF"], use_cache=False)
    assert "RF212" not in {f.code for f in report.findings}
    assert report.stats["check"]["undecided-intersphinx"] == 1


def test_nitpick_ignore_silences_an_option(tmp_path: Path) -> None:
    conf = "nitpick_ignore = [('std:option', '--nope')]\n"
    page = "Home\n====\n\n:option:`--nope` and :option:`--other`.\n"
    root = write_project(tmp_path, conf, {"index.rst": page})
    assert [m for *_, m in _findings(root)] == ["unknown option: '--other'"]


def test_the_lookup_order_of_sphinx() -> None:
    from docs_audit.checks.options import Options

    options = Options(frozenset({("prog", "--out"), ("prog-sub", "--deep")}), frozenset())
    assert resolve_option(options, "prog", "--out FILE") == "found"
    assert resolve_option(options, "prog", "--out=x") == "found"
    assert resolve_option(options, None, "prog sub --deep") == "found"
    assert resolve_option(options, "prog", "--deep") == "missing"
    assert resolve_option(options, None, "--out") == "missing"


def test_options_from_a_cached_inventory_agree_with_sphinx(tmp_path: Path) -> None:
    """Another project's options (``prog.--flag`` in its inventory) resolve as Sphinx's
    intersphinx resolves them: as written, or qualified by the program."""
    from docs_audit.intersphinx import fetch_inventories
    from docs_audit.sphinxconf import load_sphinx_conf

    from .helpers import make_inventory, serve

    # --plain as inventories before Sphinx 1.6 stored options: both read them.
    inventory = make_inventory([("prog.--flag", "std:cmdoption"), ("--plain", "std:option")])
    page = (
        "Home\n====\n\n:option:`--plain`, :option:`prog --flag`, :option:`--missing`.\n\n"
        ".. program:: prog\n\n:option:`--flag` and :option:`--nope`.\n"
    )
    with serve({"/tool/objects.inv": inventory}) as web:
        conf = (
            "extensions = ['sphinx.ext.intersphinx']\n"
            f"intersphinx_mapping = {{'tool': ('{web.base}/tool/', None)}}\n"
        )
        table = "[tool.docs-audit.links]\nallow-private = true\n"
        root = write_project(tmp_path, conf, {"index.rst": page}, table)
        config = load_config(cwd=root)
        fetch_inventories(config, load_sphinx_conf(config))
        theirs = sphinx_warnings(root, tmp_path / "html", _KINDS)
    assert [(path, line, message) for path, _, line, _, message in _findings(root)] == [
        ("docs/index.rst", 4, "unknown option: '--missing'"),
        ("docs/index.rst", 8, "unknown option: '--nope'"),
    ]
    assert sorted(theirs) == [("docs/index.rst", "RF212", 4), ("docs/index.rst", "RF212", 8)]


def test_options_an_extension_writes_from_code_are_undecided(tmp_path: Path) -> None:
    """sphinx-click (like sphinx-argparse) writes ``option`` and ``envvar`` directives
    from the command's code: names no page describes may be among them."""
    conf = "extensions = ['sphinx_click']\n"
    page = "Home\n====\n\n:option:`--verbose` and :envvar:`APP_DEBUG`.\n"
    root = write_project(tmp_path, conf, {"index.rst": page})
    report = run(None, load_config(cwd=root), select=["RF"], use_cache=False)
    assert report.findings == []
    assert report.stats["check"]["undecided-object"] == 2
