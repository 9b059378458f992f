"""The "Writing a custom backend" guide (``docs/guides/custom-backend.md``), run for real.

The test reads the page with docs-audit's MyST parser and replays its code blocks
in page order in a fresh ``django-admin startproject mysite`` project, with the
django-prodserver installed next to the tests:

* ``python`` block preceded by ``% docs-audit: append-to FILE``: appended to
  ``FILE`` (``mysite/backends.py`` is created by the first one);
* ``bash`` block: each command runs and must succeed;
* ``console`` block: each ``$ `` command runs with the lines under it as its
  expected output. A command that ends by itself must print exactly those lines
  (numbers masked) and exit with status 1 if it prints a ``CommandError``, else 0.
  A command that keeps running (a server or a worker) must print each expected
  line; a server must then answer ``GET /`` with 200, as the page promises the
  welcome page; then it gets Ctrl+C (SIGINT to its process group) and must exit
  with status 0 within 30 s.

Any other block fails the test, so the page and the test cannot drift apart.
``127.0.0.1:8000`` becomes a free port everywhere; ``python`` is the interpreter
running the tests.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

import pytest
from docs_audit.document import CodeBlock, Document
from docs_audit.parsing.myst import parse_myst

from tests.e2e.reader import APPEND, Reader, Step, free_port, session

PAGE = Path(__file__).resolve().parents[2] / "docs" / "guides" / "custom-backend.md"
# The directive fence of the API reference is Sphinx's business, not a step.
_DIRECTIVES = ("{eval-rst}", "eval-rst")


@dataclass(frozen=True)
class Command:
    """One ``$ `` line of a console block and the output printed under it."""

    text: str
    line: int
    expected: str


def page() -> Document:
    return parse_myst("docs/guides/custom-backend.md", "guides/custom-backend", PAGE.read_text())


def page_steps(doc: Document) -> list[Step | Command]:
    steps: list[Step | Command] = []
    for block in doc.code_blocks:
        language = block.language.lower()
        if language == "python":
            steps.append(Step("append", block.body, block.line, _append_target(doc, block)))
        elif language in ("bash", "sh", "shell"):
            steps.extend(
                Step("run", command.strip(), block.body_line + offset)
                for offset, command in enumerate(block.body.splitlines())
                if command.strip() and not command.lstrip().startswith("#")
            )
        elif language == "console":
            steps.extend(_console(block))
        elif language not in _DIRECTIVES:
            raise AssertionError(
                f"{PAGE.name}:{block.line}: the custom-backend test has no mapping for this "
                f"{language or 'unnamed'} block (see the test's docstring)"
            )
    return steps


def _append_target(doc: Document, block: CodeBlock) -> str:
    above = doc.lines[block.line - 2].strip() if block.line >= 2 else ""
    match = APPEND.match(above)
    assert match, (
        f"{PAGE.name}:{block.line}: every python block of this page is part of the example; "
        "put '% docs-audit: append-to FILE' on the line before it"
    )
    return match.group("path")


def _console(block: CodeBlock) -> list[Command]:
    """Pairs each command of a console block with the output the page shows for it."""
    commands: list[Command] = []
    pending: Step | None = None
    for step in session(block):
        if step.kind == "expect" and pending is not None:
            commands.append(Command(pending.text, pending.line, step.text))
            pending = None
        elif step.kind in ("run", "serve"):
            if pending is not None:
                commands.append(Command(pending.text, pending.line, ""))
            pending = step
    if pending is not None:
        commands.append(Command(pending.text, pending.line, ""))
    return commands


def test_the_page_maps_to_steps() -> None:
    """Cheap: the guide holds both backends, the settings and the four commands."""
    steps = page_steps(page())
    targets = [s.target for s in steps if isinstance(s, Step) and s.kind == "append"]
    assert targets.count("mysite/backends.py") == 2 and "mysite/settings.py" in targets
    commands = [s.text for s in steps if isinstance(s, Command)]
    assert any("manage.py server web" in c for c in commands)
    assert any("manage.py worker sessions" in c for c in commands)
    assert all(s.expected for s in steps if isinstance(s, Command))


@dataclass
class Project:
    """A fresh ``mysite`` project and the reader's shell around it."""

    reader: Reader
    port: int

    def on_port(self, text: str) -> str:
        return text.replace("127.0.0.1:8000", f"127.0.0.1:{self.port}")

    def command(self, command: Command, log: Path) -> None:
        text = self.on_port(command.text)
        expected = self.reader.normal(self.on_port(command.expected))
        with log.open("wb") as out:
            process = subprocess.Popen(
                ["bash", "-c", f"exec {text}"],
                cwd=self.reader.folder,
                env=self.reader.env,
                stdout=out,
                stderr=subprocess.STDOUT,
                start_new_session=True,  # its own process group, like a terminal job
            )
        try:
            deadline = time.monotonic() + 60
            while process.poll() is None and time.monotonic() < deadline:
                if not Counter(expected) - Counter(self.reader.normal(_read(log))):
                    # Everything is printed: a command that ends by itself does so now.
                    try:
                        process.wait(timeout=3)
                    except subprocess.TimeoutExpired:
                        break
                time.sleep(0.2)
            if process.poll() is not None:
                self._ended(command, process.returncode, _read(log), expected)
            else:
                self._running(command, process, log, expected)
        finally:
            if process.poll() is None:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait()

    def _ended(self, command: Command, status: int, output: str, expected: list[str]) -> None:
        where = f"{PAGE.name}:{command.line}: `{command.text}`"
        assert self.reader.normal(output) == expected, (
            f"{where}: the page shows\n{command.expected}\nbut the command printed\n{output}"
        )
        wanted = 1 if "CommandError" in command.expected else 0
        assert status == wanted, f"{where}: exit status {status}, expected {wanted}\n{output}"

    def _running(
        self, command: Command, process: subprocess.Popen[bytes], log: Path, expected: list[str]
    ) -> None:
        where = f"{PAGE.name}:{command.line}: `{command.text}`"
        missing = Counter(expected) - Counter(self.reader.normal(_read(log)))
        assert not missing, f"{where}: never printed {sorted(missing)}\n{_read(log)}"
        if " server " in f" {command.text} ":
            self.reader.server = process  # the reader's poll watches this process
            status = self.reader._poll(f"http://127.0.0.1:{self.port}/", time.monotonic() + 30)
            assert status == 200, f"{where}: GET / answered {status}\n{_read(log)}"
        os.killpg(process.pid, signal.SIGINT)
        try:
            status = process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            pytest.fail(f"{where}: did not stop on Ctrl+C within 30 s\n{_read(log)}")
        assert status == 0, f"{where}: exit status {status} after Ctrl+C\n{_read(log)}"


def _read(log: Path) -> str:
    return log.read_text(encoding="utf-8", errors="replace") if log.exists() else ""


@pytest.mark.e2e
def test_custom_backend_guide_runs(tmp_path: Path) -> None:
    reader = Reader.fresh(tmp_path, PAGE)
    # `python` is the test environment's interpreter, the one with django-prodserver.
    bin_dir = str(Path(sys.executable).parent)
    reader.env["PATH"] = os.pathsep.join([bin_dir, reader.env["PATH"]])
    project = Project(reader, free_port())
    subprocess.run(
        [sys.executable, "-m", "django", "startproject", "mysite", "."],
        cwd=reader.folder,
        check=True,
    )
    # What the page assumes from the quickstart: the app is installed.
    with (reader.folder / "mysite" / "settings.py").open("a", encoding="utf-8") as settings:
        settings.write('\nINSTALLED_APPS += ["django_prodserver"]\n')
    for number, step in enumerate(page_steps(page())):
        if isinstance(step, Command):
            project.command(step, tmp_path / f"command-{number}.log")
        elif step.kind == "append":
            with (reader.folder / step.target).open("a", encoding="utf-8") as handle:
                handle.write("\n" + project.on_port(step.text))
        else:
            reader.run(step)
