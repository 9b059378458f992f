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

import os
import re
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections import Counter
from dataclasses import dataclass, replace
from pathlib import Path

import pytest
from docs_audit.document import CodeBlock, Document
from docs_audit.parsing.myst import parse_myst

PAGE = Path(__file__).resolve().parents[2] / "docs" / "installation.md"
LABEL = "quickstart"
ADDRESS = "127.0.0.1:8000"
_APPEND = re.compile(r"^%\s*docs-audit:\s*append-to\s+(?P<path>\S+)\s*$")
_SERVER = re.compile(r"\bmanage\.py\s+server\b(?!.*--list)")
_CD = re.compile(r"^cd\s+(?P<path>\S+)$")


@dataclass(frozen=True)
class Step:
    """One thing the reader does: run, serve, append, expect (output) or skip."""

    kind: str
    text: str
    line: int
    target: str = ""

    def on_port(self, port: int) -> Step:
        new = f"127.0.0.1:{port}"
        return replace(self, text=self.text.replace(ADDRESS, new).replace("localhost:8000", new))


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
            steps.extend(_commands(block))
        elif language == "console":
            steps.extend(_session(block))
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


def _commands(block: CodeBlock) -> list[Step]:
    steps: list[Step] = []
    for offset, raw in enumerate(block.body.replace("\\\n", " ").splitlines()):
        command = raw.strip()
        line = block.body_line + offset
        if not command or command.startswith("#"):
            continue
        if (
            command.startswith(("source ", ". ")) and command.endswith("/activate")
        ) or command.startswith("curl "):
            steps.append(Step("skip", command, line))
        elif _SERVER.search(command):
            steps.append(Step("serve", command, line))
        else:
            steps.append(Step("run", command, line))
    return steps


def _session(block: CodeBlock) -> list[Step]:
    """``$ command`` lines with the output printed under each."""
    steps: list[Step] = []
    output: list[str] = []
    for offset, raw in enumerate(block.body.splitlines()):
        if raw.startswith("$ "):
            if output and steps:
                steps.append(Step("expect", "\n".join(output), steps[-1].line))
            output = []
            command = CodeBlock("bash", raw[2:], block.line, block.body_line + offset)
            steps.extend(_commands(command))
        elif raw.strip():
            output.append(raw)
    if output and steps:
        steps.append(Step("expect", "\n".join(output), steps[-1].line))
    return steps


def _append_target(doc: Document, block: CodeBlock) -> str:
    above = [line for line in doc.lines[: block.line - 1] if line.strip()]
    match = _APPEND.match(above[-1].strip()) if above else None
    assert match, (
        f"{PAGE.name}:{block.line}: a python block in the quickstart needs "
        "'% docs-audit: append-to FILE' on the line before it"
    )
    return match.group("path")


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@dataclass
class Reader:
    """The reader's terminal: a folder, an environment, and what ran last."""

    folder: Path
    home: Path
    env: dict[str, str]
    log: Path
    server: subprocess.Popen[bytes] | None = None

    @classmethod
    def fresh(cls, tmp_path: Path) -> Reader:
        folder, home, shims = tmp_path / "reader", tmp_path / "home", tmp_path / "shims"
        for path in (folder, home, shims):
            path.mkdir()
        for name in ("python3", "python"):
            (shims / name).symlink_to(sys.executable)
        real_home = Path.home()
        env = {
            k: v
            for k, v in os.environ.items()
            if k not in ("VIRTUAL_ENV", "PYTHONPATH", "PYTHONHOME", "DJANGO_SETTINGS_MODULE")
        }
        env.update(
            PATH=os.pathsep.join([str(folder / ".venv" / "bin"), str(shims), env.get("PATH", "")]),
            HOME=str(home),
            XDG_CONFIG_HOME=env.get("XDG_CONFIG_HOME", str(real_home / ".config")),
            XDG_CACHE_HOME=env.get("XDG_CACHE_HOME", str(real_home / ".cache")),
            PYTHONUNBUFFERED="1",  # a terminal shows lines as they come
        )
        return cls(folder, home, env, tmp_path / "server.log")

    def run(self, step: Step) -> str:
        done = subprocess.run(
            ["bash", "-e", "-c", step.text],
            cwd=self.folder,
            env=self.env,
            capture_output=True,
            text=True,
            timeout=900,
            check=False,
        )
        assert done.returncode == 0, (
            f"{PAGE.name}:{step.line}: `{step.text}` failed ({done.returncode}):\n"
            f"{done.stdout}\n{done.stderr}"
        )
        return done.stdout

    def serve(self, step: Step, port: int) -> None:
        with self.log.open("wb") as log:
            self.server = subprocess.Popen(
                ["bash", "-c", f"exec {step.text}"],
                cwd=self.folder,
                env=self.env,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,  # its own process group, like a terminal job
            )
        status = self._poll(f"http://127.0.0.1:{port}/", deadline=time.monotonic() + 60)
        assert status == 200, f"{PAGE.name}:{step.line}: got {status}\n{self.server_log()}"

    def _poll(self, url: str, deadline: float) -> int | str:
        assert self.server is not None
        last: int | str = "no answer"
        while time.monotonic() < deadline:
            if self.server.poll() is not None:
                return f"server exited with {self.server.returncode}"
            try:
                with urllib.request.urlopen(url, timeout=5) as response:
                    return int(response.status)
            except urllib.error.HTTPError as error:
                return int(error.code)
            except (urllib.error.URLError, ConnectionError, TimeoutError) as error:
                last = str(error)
            time.sleep(0.3)
        return last

    def interrupt(self) -> int:
        """Ctrl+C: SIGINT to the whole foreground job."""
        assert self.server is not None
        os.killpg(self.server.pid, signal.SIGINT)
        try:
            return self.server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            pytest.fail(f"the server did not stop on Ctrl+C within 30 s\n{self.server_log()}")

    def kill(self) -> None:
        if self.server is not None and self.server.poll() is None:
            os.killpg(self.server.pid, signal.SIGKILL)
            self.server.wait()

    def server_log(self) -> str:
        return self.log.read_text(encoding="utf-8", errors="replace") if self.log.exists() else ""

    def normal(self, text: str) -> list[str]:
        text = text.replace(str(self.home), "~")
        text = re.sub(r"/home/[^/\s]+|/Users/[^/\s]+|/root\b", "~", text)
        return [re.sub(r"\d+", "0", line.rstrip()) for line in text.splitlines() if line.strip()]


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
    port = _free_port()
    steps = [step.on_port(port) for step in quickstart_steps(doc)]
    reader = Reader.fresh(tmp_path)
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
