"""Plugins and table declarations: entry points, plugin tables, several-code checkers."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from docs_audit.cli import main
from docs_audit.config import CORE_TABLES, describe, installed_plugins, load_config
from docs_audit.findings import UsageError
from docs_audit.registry import RULES

REPO = Path(__file__).resolve().parents[1]


def _config(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "pyproject.toml"
    path.write_text('[tool.docs-audit]\ndocs-root = "docs"\n' + text, encoding="utf-8")
    return path


def test_the_examples_plugin_is_an_installed_entry_point() -> None:
    assert installed_plugins()["examples"].value == "docs_audit.checks.examples:PLUGIN"


def test_enabled_by_entry_point_name_with_its_own_table(tmp_path: Path) -> None:
    path = _config(tmp_path, 'plugins = ["examples"]\n[tool.docs-audit.examples]\ntimeout = 30\n')
    config = load_config(path)
    assert [p.name for p in config.plugins] == ["examples"]
    assert config.table("examples")["timeout"] == 30
    by_module = load_config(_config(tmp_path, 'plugins = ["docs_audit.checks.examples"]\n'))
    assert by_module.plugins == config.plugins


def test_a_plugin_table_needs_the_plugin(tmp_path: Path) -> None:
    path = _config(tmp_path, "[tool.docs-audit.examples]\ntimeout = 30\n")
    with pytest.raises(UsageError) as error:
        load_config(path)
    assert "unknown key 'docs-audit.examples'" in str(error.value)
    assert 'needs plugins = ["examples"]' in str(error.value)


def test_unknown_plugin_key_names_the_valid_ones(tmp_path: Path) -> None:
    path = _config(tmp_path, 'plugins = ["examples"]\n[tool.docs-audit.examples]\ntimout = 3\n')
    with pytest.raises(UsageError) as error:
        load_config(path)
    message = str(error.value)
    assert "unknown key 'docs-audit.examples.timout'" in message
    assert "timeout" in message and "setting-name" in message


def test_unknown_plugin_is_a_usage_error(tmp_path: Path) -> None:
    with pytest.raises(UsageError, match="no plugin 'nope' is installed"):
        load_config(_config(tmp_path, 'plugins = ["nope"]\n'))
    with pytest.raises(UsageError, match=r"plugin 'docs_audit\.findings' is not a"):
        load_config(_config(tmp_path, 'plugins = ["docs_audit.findings"]\n'))


@pytest.mark.parametrize("value", ["nan", "inf", "-inf"])
def test_numbers_must_be_finite(tmp_path: Path, value: str) -> None:
    path = _config(tmp_path, f"[tool.docs-audit.links]\ntimeout = {value}\n")
    with pytest.raises(UsageError, match=r"'docs-audit\.links\.timeout' must be float"):
        load_config(path)


def test_the_core_schema_knows_nothing_of_the_examples_plugin() -> None:
    core = (REPO / "tools" / "docs_audit" / "config.py").read_text(encoding="utf-8")
    assert "examples" not in core and "examples" not in CORE_TABLES
    keys = list(describe())
    assert not [k for k in keys if "PRODUCTION_PROCESSES" in repr(k.default)]
    assert all(k.doc and k.name == k.name.lower() for k in keys)


def test_reference_lists_plugin_keys_with_type_default_and_doc(tmp_path: Path) -> None:
    config = load_config(_config(tmp_path, 'plugins = ["examples"]\n'))
    keys = {k.where: k for k in describe(config.plugins)}
    timeout = keys["docs-audit.examples.timeout"]
    assert (timeout.type, timeout.default) == ("int", 120)
    assert keys["docs-audit.links.per-host-concurrency"].default == 2


def test_one_checker_reports_every_examples_code() -> None:
    main(["list"])  # registers every installed plugin's rules
    rules = [r for r in RULES if r.plugin == "examples"]
    assert [r.code for r in rules] == [f"PS1{n:02d}" for n in range(13)]
    assert len({r.check for r in rules}) == 1
    assert all(r.doc for r in rules)


def test_list_and_explain_show_plugin_codes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    empty = _config(tmp_path, "")
    assert main(["--config", str(empty), "list"]) == 0
    listed = capsys.readouterr().out
    assert "PS107  received-args-mismatch       error    plugin" in listed
    assert main(["--config", str(empty), "explain", "PS107"]) == 0
    explained = capsys.readouterr().out
    assert "Received by the backend" in explained
    assert "Reported by the plugin 'examples', not enabled here" in explained
    enabled = _config(tmp_path, 'plugins = ["examples"]\n')
    assert main(["--config", str(enabled), "list"]) == 0
    assert "PS107  received-args-mismatch       error    default" in capsys.readouterr().out


def test_rules_of_a_plugin_that_is_not_enabled_do_not_run(tmp_path: Path) -> None:
    from docs_audit.api import run

    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "index.md").write_text(
        '(home)=\n# Home\n\n```python\nPRODUCTION_PROCESSES = {"web": {"BACKEND": 1}}\n```\n',
        encoding="utf-8",
    )
    main(["list"])
    plain = run(None, load_config(_config(tmp_path, 'select = ["PS"]\n')), use_cache=False)
    assert plain.findings == []
    enabled = load_config(_config(tmp_path, 'select = ["PS"]\nplugins = ["examples"]\n'))
    assert {f.code for f in run(None, enabled, use_cache=False).findings} == {"PS110"}


def test_a_checker_may_report_only_the_codes_it_declares() -> None:
    from docs_audit.registry import Checker, Code, Rule, Violation

    def check(ctx: object) -> Iterator[Violation]:
        yield Violation("a.md", 1, 1, "declared", code="ZZ901")
        yield Violation("a.md", 2, 1, "not declared", code="ZZ903")

    declared = [Code("ZZ901", "first", "First."), Code("ZZ902", "second", "Second.")]
    rules = tuple(Rule(c.code, c.name, "zz", "project", c.severity, c.doc, check) for c in declared)
    checker = Checker(check, "project", rules)
    found = check(None)
    assert checker.finding(next(found)).name == "first"
    with pytest.raises(ValueError, match="reported ZZ903, but declares only ZZ901, ZZ902"):
        checker.finding(next(found))
