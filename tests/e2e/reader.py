"""A reader's terminal for the end-to-end tests of the pages: the steps a code block
asks for (run, serve, append, expect, skip) and a fresh folder to carry them out in.

Shared by ``test_quickstart.py`` and ``test_custom_backend.py``; each test decides which
blocks of its page become steps.
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
from dataclasses import dataclass, replace
from pathlib import Path

import pytest
from docs_audit.document import CodeBlock

ADDRESS = "127.0.0.1:8000"
#: ``% docs-audit: append-to FILE`` on the line before a python block.
APPEND = re.compile(r"^%\s*docs-audit:\s*append-to\s+(?P<path>\S+)\s*$")
_SERVER = re.compile(r"\bmanage\.py\s+server\b(?!.*--list)")


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


def commands(block: CodeBlock) -> list[Step]:
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


def session(block: CodeBlock) -> list[Step]:
    """``$ command`` lines with the output printed under each."""
    steps: list[Step] = []
    output: list[str] = []
    for offset, raw in enumerate(block.body.splitlines()):
        if raw.startswith("$ "):
            if output and steps:
                steps.append(Step("expect", "\n".join(output), steps[-1].line))
            output = []
            command = CodeBlock("bash", raw[2:], block.line, block.body_line + offset)
            steps.extend(commands(command))
        elif raw.strip():
            output.append(raw)
    if output and steps:
        steps.append(Step("expect", "\n".join(output), steps[-1].line))
    return steps


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@dataclass
class Reader:
    """The reader's terminal: a folder, an environment, and what ran last."""

    page: Path
    folder: Path
    home: Path
    env: dict[str, str]
    log: Path
    server: subprocess.Popen[bytes] | None = None

    @classmethod
    def fresh(cls, tmp_path: Path, page: Path) -> Reader:
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
        return cls(page, folder, home, env, tmp_path / "server.log")

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
            f"{self.page.name}:{step.line}: `{step.text}` failed ({done.returncode}):\n"
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
        assert status == 200, f"{self.page.name}:{step.line}: got {status}\n{self.server_log()}"

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
