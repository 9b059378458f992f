"""``.readthedocs.yaml`` is valid for Read the Docs and builds what the audit builds.

The schema is the Read the Docs one that check-jsonschema ships
(``--builtin-schema vendor.readthedocs``), so no network is needed.
"""

from __future__ import annotations

import subprocess
import sys
import tomllib
from pathlib import Path
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parents[1]
CONFIG = ROOT / ".readthedocs.yaml"


def check_jsonschema(path: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [
            sys.executable,
            "-m",
            "check_jsonschema",
            "--builtin-schema",
            "vendor.readthedocs",
            str(path),
        ],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def load() -> dict[str, Any]:
    data = yaml.safe_load(CONFIG.read_text(encoding="utf-8"))
    assert isinstance(data, dict)
    return data


def test_config_matches_the_read_the_docs_schema() -> None:
    done = check_jsonschema(CONFIG)
    assert done.returncode == 0, done.stdout + done.stderr


def test_the_schema_check_rejects_a_broken_config(tmp_path: Path) -> None:
    """The validation above can fail: a misspelt key is an error."""
    broken = tmp_path / ".readthedocs.yaml"
    broken.write_text(
        CONFIG.read_text(encoding="utf-8").replace("fail_on_warning:", "fail_on_warnings:"),
        encoding="utf-8",
    )
    done = check_jsonschema(broken)
    assert done.returncode == 1, done.stdout + done.stderr
    assert "fail_on_warnings" in done.stdout + done.stderr


def test_config_builds_the_audited_site_strictly() -> None:
    config = load()
    sphinx = config["sphinx"]
    conf_py = ROOT / sphinx["configuration"]
    assert conf_py.is_file() and conf_py.parent.name == "docs"
    assert sphinx["fail_on_warning"] is True
    # -n comes from the site's own configuration, since Read the Docs has no option for it.
    assert "\nnitpicky = True\n" in conf_py.read_text(encoding="utf-8")


def test_config_installs_extras_that_exist_on_a_supported_python() -> None:
    config = load()
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    extras = set(project["optional-dependencies"])
    (install,) = config["python"]["install"]
    assert install["path"] == "."
    assert set(install["extra_requirements"]) <= extras
    # autodoc imports django_prodserver, so the extra that installs it must be there.
    assert any(
        dep.startswith("django-prodserver")
        for extra in install["extra_requirements"]
        for dep in project["optional-dependencies"][extra]
    )
    minimum = tuple(int(part) for part in project["requires-python"].lstrip(">=").split("."))
    wanted = tuple(int(part) for part in str(config["build"]["tools"]["python"]).split("."))
    assert wanted >= minimum
