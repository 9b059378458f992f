"""The quickstart of ``docs/installation.md``, run the way a reader runs it.

The test reads the page with docs-audit's MyST parser and takes the code blocks
of the quickstart section, from the ``(quickstart)=`` label to the next H2, in
page order. Each block becomes one step, so when the page changes the test
follows it; a block it cannot map fails the test instead of being ignored.

How page blocks map to steps:

* ``bash`` block, one step per command line:

  - ``source .venv/bin/activate``: skipped; the virtual environment's ``bin``
    folder is first on ``PATH`` for every command instead.
  - ``curl ...``: skipped; the test's own HTTP poll below is that check.
  - a ``manage.py server`` command (not ``--list``): started in the background
    with its output in a log; the test polls ``http://127.0.0.1:PORT/`` until it
    answers 200 (60 s at most).
  - ``cd DIR``: changes the folder of the following commands.
  - anything else: run with ``bash -e`` in the reader's folder (a fresh
    temporary one); ``python3 -m venv`` and ``pip install`` come from the page,
    so the packages are installed from the package index.

* ``console`` block: each ``$ `` line is a command, mapped as in a ``bash``
  block; the lines after it, up to the next ``$ ``, are its expected output.
* ``python`` block whose preceding line is ``% docs-audit: append-to FILE``:
  appended to ``FILE`` (for example ``mysite/settings.py``).
* ``text`` block that directly follows a command's block: that command's
  expected output. Numbers (dates, process ids, versions) and the home folder
  are masked. For an ordinary command the lines must be equal; for the server,
  each line must appear in its log once it has stopped.
* The page's "press Ctrl+C" is SIGINT to the server's process group, as a
  terminal sends it; the server must exit within 30 s.

``127.0.0.1:8000`` is replaced by a free port everywhere, ``python3`` means the
interpreter running the tests, ``HOME`` is a temporary folder (Gunicorn keeps
its control socket there) while pip's configuration and cache stay the user's.
"""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path

import pytest
from docs_audit.document import CodeBlock, Document
from docs_audit.parsing.myst import parse_myst

from tests.e2e.reader import ADDRESS, APPEND, Reader, Step, commands, free_port, session

PAGE = Path(__file__).resolve().parents[2] / "docs" / "installation.md"
LABEL = "quickstart"
_CD = re.compile(r"^cd\s+(?P<path>\S+)$")


def quickstart_blocks(doc: Document) -> list[CodeBlock]:
    label = next(label for label in doc.labels if label.name == LABEL)
    heading = next(h for h in doc.headings if h.line > label.line)
    end = next(
        (h.line for h in doc.headings if h.line > heading.line and h.level <= heading.level),
        len(doc.lines) + 1,
    )
    return [b for b in doc.code_blocks if label.line < b.line < end]


def quickstart_steps(doc: Document) -> list[Step]:
    steps: list[Step] = []
    previous = ""
    for block in quickstart_blocks(doc):
        language = block.language.lower()
        if language in ("bash", "sh", "shell"):
            steps.extend(commands(block))
        elif language == "console":
            steps.extend(session(block))
        elif language == "python":
            steps.append(Step("append", block.body, block.line, _append_target(doc, block)))
        elif language == "text" and previous in ("bash", "sh", "shell"):
            steps.append(Step("expect", block.body, block.line))
        else:
            raise AssertionError(
                f"{PAGE.name}:{block.line}: the quickstart test has no mapping for this "
                f"{language or 'unnamed'} block (see the test's docstring)"
            )
        previous = language
    return steps


def _append_target(doc: Document, block: CodeBlock) -> str:
    above = [line for line in doc.lines[: block.line - 1] if line.strip()]
    match = APPEND.match(above[-1].strip()) if above else None
    assert match, (
        f"{PAGE.name}:{block.line}: a python block in the quickstart needs "
        "'% docs-audit: append-to FILE' on the line before it"
    )
    return match.group("path")


def test_the_page_maps_to_steps() -> None:
    """Cheap: the section exists and holds what the end-to-end test needs."""
    steps = quickstart_steps(parse_myst("docs/installation.md", "installation", PAGE.read_text()))
    kinds = [step.kind for step in steps]
    assert kinds.count("serve") == 1 and "append" in kinds and "run" in kinds
    assert any("venv" in s.text for s in steps if s.kind == "run")
    assert any(ADDRESS in s.text for s in steps if s.kind == "append")


@pytest.mark.e2e
def test_quickstart_runs_end_to_end(tmp_path: Path) -> None:
    doc = parse_myst("docs/installation.md", "installation", PAGE.read_text(encoding="utf-8"))
    port = free_port()
    steps = [step.on_port(port) for step in quickstart_steps(doc)]
    reader = Reader.fresh(tmp_path, PAGE)
    output: str | None = None
    server_expectations: list[Step] = []
    try:
        for step in steps:
            if step.kind == "run":
                cd = _CD.match(step.text)
                if cd:
                    reader.folder = reader.folder / cd.group("path")
                    continue
                output = reader.run(step)
            elif step.kind == "append":
                with (reader.folder / step.target).open("a", encoding="utf-8") as handle:
                    handle.write("\n" + step.text)
            elif step.kind == "serve":
                reader.serve(step, port)
                output = None
            elif step.kind == "expect" and output is not None:
                assert reader.normal(output) == reader.normal(step.text), (
                    f"{PAGE.name}:{step.line}: the page shows\n{step.text}\nbut the command printed\n{output}"
                )
            elif step.kind == "expect":
                server_expectations.append(step)
        assert reader.server is not None, "the quickstart never starts the server"
        reader.interrupt()
    finally:
        reader.kill()
    logged = Counter(reader.normal(reader.server_log()))
    for step in server_expectations:
        missing = Counter(reader.normal(step.text)) - logged
        assert not missing, (
            f"{PAGE.name}:{step.line}: not in the server's output: {sorted(missing)}\n"
            f"{reader.server_log()}"
        )
