"""The scheduled link workflow: valid YAML, real CLI options, the history kept between runs."""

from __future__ import annotations

import re
import shlex
from pathlib import Path
from typing import Any

import pytest
import yaml
from docs_audit.cli import main
from docs_audit.config import load_config
from docs_audit.links.config import settings_from

WORKFLOW = Path(__file__).resolve().parents[2] / ".github" / "workflows" / "links.yml"


@pytest.fixture(scope="module")
def workflow() -> dict[str, Any]:
    data = yaml.safe_load(WORKFLOW.read_text(encoding="utf-8"))
    assert isinstance(data, dict)
    return data


def steps(workflow: dict[str, Any]) -> list[dict[str, Any]]:
    [job] = workflow["jobs"].values()
    return list(job["steps"])


def audit_commands(workflow: dict[str, Any]) -> list[list[str]]:
    """Every ``docs-audit links`` command line of the workflow, as words."""
    commands = []
    for step in steps(workflow):
        script = step.get("run", "").replace("\\\n", " ")
        for line in script.splitlines():
            if line.strip().startswith("docs-audit links"):
                commands.append(shlex.split(line.split(">", 1)[0]))
    return commands


def test_scheduled_weekly_and_on_demand(workflow: dict[str, Any]) -> None:
    # YAML 1.1 reads the key `on` as True.
    triggers = workflow.get("on", workflow.get(True))
    assert set(triggers) == {"schedule", "workflow_dispatch"}
    [schedule] = triggers["schedule"]
    assert len(schedule["cron"].split()) == 5 and schedule["cron"].split()[2:4] == ["*", "*"]


def test_every_option_used_exists(
    workflow: dict[str, Any], capsys: pytest.CaptureFixture[str]
) -> None:
    commands = audit_commands(workflow)
    assert commands, "the workflow runs docs-audit links"
    assert main(["links", "--help"]) == 0
    help_text = capsys.readouterr().out
    known = set(re.findall(r"(--[a-z][a-z-]+)", help_text))
    for words in commands:
        used = {word.split("=", 1)[0] for word in words if word.startswith("--")}
        assert used <= known, used - known
        assert "--report-after" in words and words[words.index("--report-after") + 1] == "2"
        assert "--diff" in words and "--markdown-report" in words and "--output" in words


def test_the_history_is_restored_and_saved_even_when_links_are_broken(
    workflow: dict[str, Any],
) -> None:
    # The workflow relies on the default place of the history, which this repository keeps.
    config = load_config(cwd=WORKFLOW.parents[2])
    default = settings_from(config).history_file
    assert default is not None
    history = default.relative_to(config.root).as_posix()
    by_action = {step.get("uses", "").split("@")[0]: step for step in steps(workflow)}
    restore, save = by_action["actions/cache/restore"], by_action["actions/cache/save"]
    assert history in restore["with"]["path"].split()
    assert history in save["with"]["path"].split()
    assert save["if"].startswith("always()")
    assert steps(workflow).index(restore) < steps(workflow).index(save)


def test_report_summary_issue_and_fix_artifact(workflow: dict[str, Any]) -> None:
    [audit] = [step for step in steps(workflow) if "docs-audit links" in step.get("run", "")]
    script = audit["run"]
    assert '>> "$GITHUB_STEP_SUMMARY"' in script
    assert "> links-fix.diff" in script and "[ -s links-fix.diff ]" in script
    uploads = [
        s for s in steps(workflow) if s.get("uses", "").startswith("actions/upload-artifact")
    ]
    [fix_upload] = [s for s in uploads if s["with"]["path"] == "links-fix.diff"]
    assert "steps.audit.outputs.fix == 'true'" in fix_upload["if"]
    issue_steps = [s for s in steps(workflow) if "gh issue" in s.get("run", "")]
    assert len(issue_steps) == 2
    assert all("links-report.md" in s["run"] for s in issue_steps)
