"""conf.py read without running it: literal values, Sphinx's defaults, notes for the rest."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest
from docs_audit.config import load_config
from docs_audit.findings import UsageError
from docs_audit.sphinxconf import load_sphinx_conf, read_conf_source

from tests.real_trees import real_tree


def test_defaults_when_conf_py_says_nothing() -> None:
    conf = read_conf_source("project = 'x'\n")
    assert conf.root_doc == "index"
    assert conf.source_suffix == (".rst",)
    assert conf.myst_heading_anchors == 0
    assert conf.default_role is None
    assert conf.notes == ()


def test_literal_settings_are_read() -> None:
    conf = read_conf_source(
        textwrap.dedent(
            """
            import os
            extensions = ["myst_parser", "sphinx.ext.intersphinx"]
            extensions += ["sphinx_design"]
            extensions.append("sphinx.ext.todo")
            master_doc = "contents"
            source_suffix = {".rst": "restructuredtext", ".txt": "markdown"}
            exclude_patterns = ["_build", "drafts/*"]
            default_role = "any"
            myst_heading_anchors = 2
            myst_enable_extensions = ["colon_fence"]
            myst_enable_extensions.extend(["deflist", "attrs_block"])
            myst_dmath_double_inline = True
            BASE = "https://docs.python.org"
            intersphinx_mapping = {"python": (f"{BASE}/3", None)}
            intersphinx_mapping["attrs"] = ("https://www.attrs.org/en/stable/", "attrs.inv")
            nitpick_ignore = [("py:class", "Any value")]
            nitpick_ignore_regex = [(r"py:.*", r"foo\\..*")]
            """
        )
    )
    assert conf.extensions == (
        "myst_parser",
        "sphinx.ext.intersphinx",
        "sphinx_design",
        "sphinx.ext.todo",
    )
    assert conf.root_doc == "contents"
    # myst_parser adds '.md' whatever source_suffix says.
    assert conf.source_suffix == (".rst", ".txt", ".md")
    assert conf.exclude_patterns == ("_build", "drafts/*")
    assert conf.default_role == "any"
    assert conf.myst_heading_anchors == 2
    assert conf.myst_enable_extensions == ("colon_fence", "deflist", "attrs_block")
    assert conf.myst_setting("myst_dmath_double_inline") is True
    assert [(i.prefix, i.inventory_url) for i in conf.intersphinx] == [
        ("python", "https://docs.python.org/3/objects.inv"),
        ("attrs", "attrs.inv"),
    ]
    assert conf.ignores_nitpick("py:class", "Any value")
    assert conf.ignores_nitpick("py:func", "foo.bar")
    assert not conf.ignores_nitpick("py:func", "bar.foo")
    assert conf.notes == ()


def test_root_doc_wins_over_master_doc() -> None:
    conf = read_conf_source("master_doc = 'a'\nroot_doc = 'b'\n")
    assert conf.root_doc == "b"


def test_computed_value_gets_one_note_naming_variable_and_line() -> None:
    conf = read_conf_source(
        textwrap.dedent(
            """\
            import os
            extensions = ["myst_parser"]
            root_doc = os.environ.get("ROOT", "index")
            if os.environ.get("THEME") == "immaterial":
                extensions.append("sphinx_immaterial")
            html_title = os.environ["T"]
            """
        )
    )
    assert [(n.name, n.line) for n in conf.notes] == [("root_doc", 3), ("extensions", 5)]
    assert "'root_doc' at line 3" in conf.notes[0].message
    assert "[tool.docs-audit.sphinx]" in conf.notes[0].message
    # The unconditional value is kept; the root falls back to Sphinx's default.
    assert conf.extensions == ("myst_parser",)
    assert conf.root_doc == "index"


def test_decidable_condition_is_followed() -> None:
    conf = read_conf_source(
        "theme = 'furo'\nif theme == 'furo':\n    root_doc = 'start'\nelse:\n    root_doc = 'x'\n"
    )
    assert conf.root_doc == "start"
    assert conf.notes == ()


def test_syntax_error_is_a_usage_error_naming_the_line() -> None:
    with pytest.raises(UsageError, match=r"conf.py:2: conf.py is not valid Python"):
        read_conf_source("x = 1\ny = (\n", Path("conf.py"))


def test_conf_py_is_never_run(tmp_path: Path) -> None:
    marker = tmp_path / "ran"
    (tmp_path / "docs").mkdir()
    (tmp_path / "docs" / "conf.py").write_text(
        f"open({str(marker)!r}, 'w').write('x')\nroot_doc = 'home'\n", encoding="utf-8"
    )
    (tmp_path / "pyproject.toml").write_text('[tool.docs-audit]\ndocs-root = "docs"\n')
    conf = load_sphinx_conf(load_config(cwd=tmp_path))
    assert conf.root_doc == "home"
    assert not marker.exists()


def test_table_sets_computed_values_and_silences_their_note(tmp_path: Path) -> None:
    (tmp_path / "docs").mkdir()
    (tmp_path / "docs" / "conf.py").write_text(
        "import os\nroot_doc = os.environ['R']\nextensions = ['myst_parser']\n", encoding="utf-8"
    )
    (tmp_path / "pyproject.toml").write_text(
        '[tool.docs-audit]\ndocs-root = "docs"\n[tool.docs-audit.sphinx]\n'
        'root-doc = "start"\nextensions = ["sphinx_design"]\n'
        'intersphinx-mapping = { python = "https://docs.python.org/3" }\n'
        'nitpick-ignore = ["py:class Foo"]\n'
    )
    conf = load_sphinx_conf(load_config(cwd=tmp_path))
    assert conf.root_doc == "start"
    assert conf.extensions == ("myst_parser", "sphinx_design")
    assert [i.prefix for i in conf.intersphinx] == ["python"]
    assert conf.ignores_nitpick("py:class", "Foo")
    assert conf.notes == ()


def test_unknown_key_in_sphinx_table_is_rejected(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text(
        '[tool.docs-audit]\n[tool.docs-audit.sphinx]\nroot_doc = "x"\n'
    )
    with pytest.raises(UsageError, match=r"unknown key .docs-audit\.sphinx\.root_doc.*root-doc"):
        load_config(cwd=tmp_path)


def test_execute_conf_reads_computed_values_in_a_subprocess(tmp_path: Path) -> None:
    (tmp_path / "docs").mkdir()
    (tmp_path / "docs" / "conf.py").write_text(
        "import os\nroot_doc = 'st' + 'art'.upper().lower()\n"
        "extensions = [e for e in ('myst_parser',)]\n",
        encoding="utf-8",
    )
    (tmp_path / "pyproject.toml").write_text(
        '[tool.docs-audit]\ndocs-root = "docs"\n[tool.docs-audit.sphinx]\nexecute-conf = true\n'
    )
    conf = load_sphinx_conf(load_config(cwd=tmp_path))
    assert conf.executed
    assert conf.root_doc == "start"
    assert conf.extensions == ("myst_parser",)
    assert ".md" in conf.source_suffix


def test_execute_conf_timeout_is_a_usage_error(tmp_path: Path) -> None:
    (tmp_path / "docs").mkdir()
    (tmp_path / "docs" / "conf.py").write_text("while True:\n    pass\n", encoding="utf-8")
    (tmp_path / "pyproject.toml").write_text(
        '[tool.docs-audit]\ndocs-root = "docs"\n[tool.docs-audit.sphinx]\n'
        "execute-conf = true\nexecute-timeout = 1\n"
    )
    with pytest.raises(UsageError, match="did not finish within 1 s"):
        load_sphinx_conf(load_config(cwd=tmp_path))


@pytest.mark.parametrize(
    ("tree", "root", "suffixes", "role", "prefixes"),
    [
        ("attrs", "index", (".rst", ".md"), "any", ["python"]),
        ("flask", "index", (".rst",), "code", ["python", "werkzeug", "click", "jinja"]),
        ("sphinx-design", "index", (".rst", ".md"), None, []),
    ],
)
def test_real_conf_files(
    tree: str, root: str, suffixes: tuple[str, ...], role: str | None, prefixes: list[str]
) -> None:
    path = real_tree(tree) / "docs" / "conf.py"
    conf = read_conf_source(path.read_text(encoding="utf-8"), path)
    assert conf.root_doc == root
    assert conf.source_suffix == suffixes
    assert conf.default_role == role
    assert [i.prefix for i in conf.intersphinx][: len(prefixes)] == prefixes


def test_project_reads_pages_as_conf_py_says(tmp_path: Path) -> None:
    from docs_audit.project import load_project

    from .helpers import write_project

    root = write_project(
        tmp_path,
        "source_suffix = {'.rst': 'restructuredtext', '.txt': 'markdown'}\n"
        "exclude_patterns = ['drafts', 'old/*.rst', '**/skip-*']\n"
        "root_doc = 'start'\n",
        {
            "start.rst": "Start\n=====\n",
            "notes.txt": "# Notes in Markdown\n",
            "readme.md": "# Not a source: .md is not in source_suffix\n",
            "drafts/a.rst": "Draft\n=====\n",
            "old/b.rst": "Old\n===\n",
            "old/deep/c.rst": "Deep\n====\n",
            "x/skip-me.rst": "Skip\n====\n",
        },
    )
    project = load_project(load_config(cwd=root), use_cache=False)
    assert sorted(project.documents) == ["notes", "old/deep/c", "start"]
    assert project.documents["notes"].format == "md"
    assert project.sphinx.root_doc == "start"


def test_project_without_conf_py_reads_md_and_rst(tmp_path: Path) -> None:
    from docs_audit.project import load_project

    (tmp_path / "docs").mkdir()
    (tmp_path / "docs" / "a.md").write_text("# A\n", encoding="utf-8")
    (tmp_path / "docs" / "b.rst").write_text("B\n=\n", encoding="utf-8")
    (tmp_path / "pyproject.toml").write_text('[tool.docs-audit]\ndocs-root = "docs"\n')
    project = load_project(load_config(cwd=tmp_path), use_cache=False)
    assert sorted(project.documents) == ["a", "b"]


def test_unread_setting_is_one_info_finding_at_its_line(tmp_path: Path) -> None:
    from docs_audit.api import run

    from .helpers import write_project

    root = write_project(
        tmp_path,
        "import os\nextensions = ['myst_parser']\nroot_doc = os.environ.get('R', 'index')\n",
        {"index.md": "# Home\n"},
    )
    report = run(None, load_config(cwd=root), select=["SX"], use_cache=False)
    assert [(f.path, f.line, f.code, f.severity.value) for f in report.findings] == [
        ("docs/conf.py", 3, "SX001", "info")
    ]
    assert "'root_doc' at line 3" in report.findings[0].message
    assert report.errors == 0
