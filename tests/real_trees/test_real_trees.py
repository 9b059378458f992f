"""docs-audit against Sphinx on real projects it was not written for (shared/real-trees).

For each tree, docs-audit runs with the minimal configuration a new user writes
(``[tool.docs-audit] docs-root = "docs"``) on a copy of the tree, and its findings are
compared with Sphinx's own ``-n`` warnings recorded in ``sphinx-warnings.jsonl``:

- every recorded warning of the reference, label, toctree, include, image/download and
  glossary categories that Sphinx placed in a source page is reported, at the
  reference's line, which lies within the paragraph Sphinx names;
- no finding is reported that Sphinx does not give;
- warnings about Python objects (``ref.class`` and the rest of the Python domain) cannot
  be decided from the sources: docs-audit must count each as undecided, never as an error.

Every difference left is listed in ``EXCEPTIONS`` with its reason; an exception that no
longer happens fails the test too, so the list stays true.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from pathlib import Path

import pytest
from docs_audit.api import run
from docs_audit.checks.resolution import classify
from docs_audit.config import load_config
from docs_audit.context import Context
from docs_audit.findings import Severity
from docs_audit.project import load_project

from tests.real_trees import copy_tree
from tests.sphinx.matching import Place, match, paragraph_end

#: Sphinx's warning categories compared, and the docs-audit code each one predicts.
COMPARED = {
    "ref.ref": "RF201",
    "ref.numref": "RF201",
    "ref.doc": "RF202",
    "ref.any": "RF203",
    "ref.myst": "RF203",
    "myst.xref_missing": "RF203",
    "ref.term": "RF210",
    "ref.envvar": "RF211",
    "toc.not_included": "RF204",
    "toc.not_readable": "RF205",
    "toc.glob": "RF205",
    "image.not_readable": "RF209",
    "download.not_readable": "RF209",
    "include": "RF208",
    "label.duplicate": "LB103",
}
#: Python-domain (and other object) references: undecided by design, counted instead.
OBJECT_CATEGORIES = frozenset(
    {"ref.class", "ref.func", "ref.meth", "ref.attr", "ref.mod", "ref.obj", "ref.data", "ref.exc"}
)
#: Info notes are about docs-audit itself, not the pages: the one each tree may get.
INFO_NOTES = {
    "attrs": set(),
    "flask": set(),
    # conf.py appends an extension when an environment variable names a theme.
    "sphinx-design": {("docs/conf.py", "SX001", 98)},
}

#: (path, line, code) -> why docs-audit and the recorded Sphinx run differ there.
EXCEPTIONS: dict[str, dict[Place, str]] = {
    "attrs": {
        ("docs/api-attr.rst", "RF203", 217): (
            "missed: `sys.version_info` under default_role 'any' names a Python object; Sphinx "
            "ran offline without the python inventory, docs-audit counts it as undecided"
        ),
    },
    "flask": {
        ("docs/deploying/proxy_fix.rst", "RF202", 12): (
            "missed: {doc} with the intersphinx prefix 'werkzeug:'; Sphinx ran offline, "
            "docs-audit has no cached inventory here, so the reference is undecided"
        ),
        ("docs/testing.rst", "RF202", 86): "missed: intersphinx 'werkzeug:test', as above",
        ("docs/testing.rst", "RF202", 248): "missed: intersphinx 'click:testing', as above",
        ("docs/config.rst", "RF211", 429): (
            "missed: an envvar no page describes may be in an intersphinx inventory (click "
            "documents envvars); none is cached here, so docs-audit holds it undecided"
        ),
        ("docs/config.rst", "RF211", 466): "missed: :envvar:, undecided as above",
    },
    "sphinx-design": {},
}


def _truth(tree: Path) -> tuple[Counter[Place], list[dict[str, object]]]:
    compared: Counter[Place] = Counter()
    objects: list[dict[str, object]] = []
    for raw in (tree / "sphinx-warnings.jsonl").read_text(encoding="utf-8").splitlines():
        record = json.loads(raw)
        if not record["path"]:
            continue  # outside the tree (installed docstrings) or nowhere
        category = str(record["category"])
        if category in COMPARED:
            compared[(str(record["path"]), COMPARED[category], int(record["line"] or 1))] += 1
        elif category in OBJECT_CATEGORIES:
            objects.append(record)
    return compared, objects


def _copy(name: str, tmp_path: Path) -> Path:
    return copy_tree(name, tmp_path)


@pytest.mark.parametrize("name", ["attrs", "flask", "sphinx-design"])
def test_default_findings_agree_with_sphinx(name: str, tmp_path: Path) -> None:
    root = _copy(name, tmp_path)
    config = load_config(cwd=root)
    report = run(None, config, use_cache=False)
    # The default selection: only rules that predict a Sphinx warning are on.
    ours: Counter[Place] = Counter(
        (f.path, f.code, f.line) for f in report.findings if f.severity is not Severity.INFO
    )
    notes = {(f.path, f.code, f.line) for f in report.findings if f.severity is Severity.INFO}
    assert notes == INFO_NOTES[name]
    theirs, _ = _truth(root)
    missed, extra = match(ours, theirs, root)
    differences = {**dict.fromkeys(missed, "missed"), **dict.fromkeys(extra, "extra")}
    listed = EXCEPTIONS[name]
    unexplained = {place: kind for place, kind in differences.items() if place not in listed}
    stale = sorted(place for place in listed if place not in differences)
    assert unexplained == {}, f"{name}: differences from Sphinx not listed in EXCEPTIONS"
    assert stale == [], f"{name}: listed exceptions that no longer happen"


@pytest.mark.parametrize("name", ["attrs", "flask", "sphinx-design"])
def test_python_object_references_are_undecided_never_errors(name: str, tmp_path: Path) -> None:
    root = _copy(name, tmp_path)
    config = load_config(cwd=root)
    project = load_project(config, use_cache=False)
    ctx = Context(config, project)
    undecided: list[tuple[str, int]] = []
    for doc in project.documents.values():
        for ref in doc.references:
            outcome = classify(doc, ref, ctx)
            assert not (outcome.state == "error" and outcome.message.startswith("py:")), outcome
            if outcome.state == "undecided":
                undecided.append((doc.relpath, ref.line))
    _, objects = _truth(root)
    from_docstrings = 0
    unmatched: set[Place] = set()
    for record in objects:
        path, line = str(record["path"]), int(str(record["line"] or 0))
        lines = (root / path).read_text(encoding="utf-8").splitlines()
        if line == 0 or _ADORNMENT.match(lines[line - 1]):
            # Sphinx places warnings from docstrings autodoc pulled in (not in the tree)
            # at the section the directive stands in, or nowhere.
            from_docstrings += 1
            continue
        end = paragraph_end(root, path, line)
        if not any(p == path and line <= at <= end for p, at in undecided):
            unmatched.add((path, str(record["category"]), line))
    print(
        f"{name}: {len(objects) - from_docstrings - len(unmatched)} of "
        f"{len(objects) - from_docstrings} in-source object warnings held undecided; "
        f"{from_docstrings} come from docstrings"
    )
    assert unmatched == set(OBJECT_EXCEPTIONS[name])


_ADORNMENT = re.compile(r"^([=\-~^\"'`#*+<>_:.])\1{3,}\s*$")

#: (path, category, line) -> why no undecided reference stands at an object warning.
OBJECT_EXCEPTIONS: dict[str, dict[Place, str]] = {
    "attrs": {},
    "flask": {},
    "sphinx-design": {},
}
