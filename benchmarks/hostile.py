"""Time and memory of docs-audit on the hostile inputs of issue 13, one subprocess per case.

Usage: python benchmarks/hostile.py [--only SUBSTRING] [--keep DIR] [--repeat N]

Every case builds a small project in a temporary folder (link cases point at
misbehaving HTTP servers this script runs on 127.0.0.1), runs one docs-audit
command on it, and prints the wall time, the peak resident memory of that
process (``ru_maxrss`` from ``os.wait4``, so each figure is its own), the exit
status and a verdict:

- ok: the expected exit status and finding, within twice the case's budget
  (the limit it exercises: a regex timeout, a request deadline, or for the
  style cases the 5 s target of the issue), and at most 200 MB peak for any
  input under the 10 MB size cap;
- FAIL: anything else, with the reason. A case whose fix has not landed yet
  fails honestly; a run past four times its budget is killed and reported.

The style cases also have the issue's own target (5 s of wall time on an idle
machine): they run ``--repeat`` times (3 by default), every run is judged, and
the last lines give the best and median times against the target, with the load
average, since a busy machine says nothing about the code.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.hostile.pages import CONF_PY, hundred_thousand_lines, one_megabyte_line  # noqa: E402

#: Runs reuse bytecode, as an installed package does, even where the shell turns it off.
CHILD_ENV = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
MB = 1024 * 1024
RSS_LIMIT_MB = 200
SIZE_CAP = 10_000_000  # the default max-file-size, in bytes
CATASTROPHIC = "(a|a)+$"
HOSTILE_TEXT = "a" * 64 + "!"

Check = Callable[["Outcome", Path], str | None]


@dataclass
class Case:
    name: str
    budget: float  # seconds: the limit the case exercises
    build: Callable[[Path, str], list[str]]  # (project, server) -> docs-audit arguments
    check: Check
    under_cap: bool = True
    #: Wall seconds the issue sets for this case on an idle machine (the style cases).
    target: float | None = None
    #: "cpu" for cases bounded by computation (judged on CPU time, so that a busy
    #: machine does not fail them), "wall" for those bounded by the clock (network).
    clock: str = "cpu"
    stdout_to: str | None = None  # a path standing in for standard output


@dataclass
class Outcome:
    wall: float
    cpu: float
    rss_mb: float
    status: int
    killed: bool = False
    stdout: str = ""
    stderr: str = ""
    notes: list[str] = field(default_factory=list)


# -- projects -----------------------------------------------------------------------


def project(root: Path, pages: dict[str, str | bytes], table: str = "", vale: bool = False) -> None:
    docs = root / "docs"
    docs.mkdir(parents=True, exist_ok=True)
    (docs / "conf.py").write_text(CONF_PY, encoding="utf-8")
    (root / "pyproject.toml").write_text(
        f'[tool.docs-audit]\ndocs-root = "docs"\n\n{table}', encoding="utf-8"
    )
    for name, content in pages.items():
        path = docs / name
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(content, encoding="utf-8")
    if vale:
        shutil.copytree(ROOT / ".vale", root / ".vale", dirs_exist_ok=True)
        shutil.copy(ROOT / ".vale.ini", root / ".vale.ini")


def vale_rule(root: Path, rule: str, ini_extra: str = "") -> None:
    styles = root / "styles" / "Hostile"
    styles.mkdir(parents=True)
    (styles / "Backtrack.yml").write_text(rule, encoding="utf-8")
    (root / ".vale.ini").write_text(
        "StylesPath = styles\nMinAlertLevel = suggestion\n\n[*.md]\n"
        f"BasedOnStyles = Hostile\n{ini_extra}",
        encoding="utf-8",
    )


def deep_rst(depth: int) -> str:
    lines = ["Deep", "====", ""]
    for level in range(depth):
        lines += ["   " * level + f"- level {level}", ""]
    return "\n".join(lines) + "\n"


LINKS_TABLE = (
    "[tool.docs-audit.links]\nallow-private = true\ntimeout = 2\nretries = 0\n"
    "request-deadline = 5\nmin-rate = 1024\nbudget = 20\n"
)


def link_page(url: str) -> dict[str, str | bytes]:
    return {"index.md": f"# Links\n\nSee <{url}>.\n"}


# -- expectations -------------------------------------------------------------------


def expect(status: int, *needles: str, count: tuple[str, int] | None = None) -> Check:
    def check(outcome: Outcome, root: Path) -> str | None:
        code, out, err = outcome.status, outcome.stdout, outcome.stderr
        if code != status:
            last = (err.strip().splitlines() or [""])[-1]
            return f"exit {code}, expected {status}: {last[:100]}"
        for needle in needles:
            if needle not in out:
                return f"no {needle!r} in the output"
        if count is not None:
            found = out.count(count[0])
            if found != count[1]:
                return f"{found} x {count[0]!r}, expected {count[1]}"
        return None

    return check


def expect_error_line(text: str) -> Check:
    def check(outcome: Outcome, root: Path) -> str | None:
        code, err = outcome.status, outcome.stderr
        if code != 2:
            return f"exit {code}, expected 2"
        lines = err.strip().splitlines()
        if not lines or text not in lines[-1] or "Traceback" in err:
            return f"stderr: {err.strip()[:100]!r}"
        return None

    return check


def expect_json(status: int, name: str) -> Check:
    def check(outcome: Outcome, root: Path) -> str | None:
        if outcome.status != status:
            return f"exit {outcome.status}, expected {status}: {outcome.stderr.strip()[:100]}"
        try:
            document = json.loads((root / name).read_bytes().decode("utf-8"))
        except (OSError, ValueError) as exc:
            return f"report not valid UTF-8 JSON: {exc}"
        paths = [f["path"] for f in document["findings"]]
        return None if "docs/bad\\xffname.md" in paths else f"paths: {paths}"

    return check


def expect_no_workflow_command(outcome: Outcome, root: Path) -> str | None:
    out = outcome.stdout
    if outcome.status != 1:
        return f"exit {outcome.status}, expected 1"
    if any(line.startswith("::error file=README.md") for line in out.splitlines()):
        return "a file name started a workflow command"
    return None if "\x1b" not in out else "an ESC character reached the output"


# -- cases --------------------------------------------------------------------------


def _style_line(root: Path, server: str) -> list[str]:
    project(root, {"page.md": one_megabyte_line()}, vale=True)
    return ["style", "docs/page.md"]


def _style_lines(root: Path, server: str) -> list[str]:
    project(root, {"page.md": hundred_thousand_lines()[0]}, vale=True)
    return ["style", "docs/page.md"]


def _vale_rule(root: Path, server: str) -> list[str]:
    project(root, {"page.md": f"# Title\n\n{HOSTILE_TEXT}\n"})
    vale_rule(
        root,
        "extends: existence\nmessage: \"'%s'\"\nlevel: warning\nscope: raw\nnonword: true\n"
        f"tokens:\n  - '{CATASTROPHIC}'\n",
    )
    return ["style", "docs"]


def _block_ignores(root: Path, server: str) -> list[str]:
    project(root, {"page.md": f"# Title\n\n{HOSTILE_TEXT}\n"})
    vale_rule(
        root,
        "extends: existence\nmessage: \"'%s'\"\nlevel: warning\ntokens:\n  - zzz\n",
        f"BlockIgnores = {CATASTROPHIC}\n",
    )
    return ["style", "docs"]


def _placeholders(root: Path, server: str) -> list[str]:
    table = f"[tool.docs-audit.code]\nplaceholders = ['{CATASTROPHIC}']\n"
    project(root, {"index.md": f"# T\n\n```text\n{HOSTILE_TEXT}\n```\n"}, table)
    return ["check", "--select", "CD407"]


def _links_ignore(root: Path, server: str) -> list[str]:
    table = f"[tool.docs-audit.links]\nignore = ['{CATASTROPHIC}']\n"
    project(root, link_page(f"https://docs.djangoproject.com/{HOSTILE_TEXT}"), table)
    return ["links", "--no-cache", "--no-progress"]


def _anchor_ignore(root: Path, server: str) -> list[str]:
    table = f"[tool.docs-audit.links]\nallow-private = true\nanchor-ignore = ['{CATASTROPHIC}']\n"
    project(root, link_page(f"{server}/ok#{HOSTILE_TEXT}"), table)
    return ["links", "--no-cache", "--no-progress"]


def _full_disk(root: Path, server: str) -> list[str]:
    project(root, {"index.md": "# T\n\n```text\nTODO\n```\n"})
    return ["check"]


def _full_disk_markdown(root: Path, server: str) -> list[str]:
    project(root, {"index.md": "# T\n\nText.\n"})
    return ["links", "--no-progress", "--markdown-report", "/dev/full"]


def _not_utf8_name(root: Path, server: str) -> list[str]:
    project(root, {})
    (root / "docs").joinpath(os.fsdecode(b"bad\xffname.md")).write_text(
        "# B\n\n```text\nTODO\n```\n", encoding="utf-8"
    )
    return ["check", "--select", "CD407", "--format", "json", "--output", str(root / "r.json")]


def _injected_name(root: Path, server: str) -> list[str]:
    project(root, {"x\n::error file=README.md::pwned.md": "# X\n\n```text\nTODO\x1b[2J\n```\n"})
    return ["check", "--select", "CD407", "--format", "github"]


def _big_page(root: Path, server: str) -> list[str]:
    project(root, {"index.md": "# Index\n"})
    paragraph = b"Words that go on and on in a page far larger than any page should be.\n\n"
    with open(root / "docs" / "big.md", "wb") as page:  # in pieces: this process stays small
        page.write(b"# Big\n\n")
        for _ in range(50 * MB // (len(paragraph) * 1000)):
            page.write(paragraph * 1000)
    return ["check"]


def _dev_zero(root: Path, server: str) -> list[str]:
    project(root, {"index.md": "# Index\n"})
    (root / "docs" / "zero.md").symlink_to("/dev/zero")
    return ["check"]


def _fifo(root: Path, server: str) -> list[str]:
    project(root, {"index.md": "# Index\n"})
    os.mkfifo(root / "docs" / "fifo.md")
    return ["check"]


def _deep(root: Path, server: str) -> list[str]:
    project(root, {"deep.rst": deep_rst(200)})
    return ["check"]


def _utf16(root: Path, server: str) -> list[str]:
    project(root, {"wide.md": "# Wide\n\nText.\n".encode("utf-16")})
    return ["check"]


def _link(path: str) -> Callable[[Path, str], list[str]]:
    def build(root: Path, server: str) -> list[str]:
        project(root, link_page(f"{server}{path}"), LINKS_TABLE)
        return ["links", "--no-cache", "--no-progress"]

    return build


CASES = [
    Case("style: 1 MB line of repeated words", 5, _style_line,
         expect(1, count=("VL701 [Vale.Repetition]", 249_999)), target=5),
    Case("style: 100,000 lines", 5, _style_lines, expect(1, count=("VL701 [Vale.Repetition]", len(hundred_thousand_lines()[1]))), target=5),
    Case("regex: Vale rule (a|a)+$", 2, _vale_rule, expect(1, "VL705 [Hostile.Backtrack]")),
    Case("regex: BlockIgnores (a|a)+$", 2, _block_ignores, expect(1, "VL705 [BlockIgnores]")),
    Case("regex: code placeholders (a|a)+$", 2, _placeholders,
         expect(1, "CD407 'docs-audit.code.placeholders'")),
    Case("regex: links.ignore (a|a)+$", 2, _links_ignore, expect(0, "LK808", "'links.ignore'")),
    Case("regex: links.anchor-ignore (a|a)+$", 2, _anchor_ignore,
         expect(0, "LK808", "'links.anchor-ignore'")),
    Case("output: stdout on a full disk", 2, _full_disk,
         expect_error_line("standard output: cannot write the report"), stdout_to="/dev/full"),
    Case("output: --markdown-report on a full disk", 2, _full_disk_markdown,
         expect_error_line("/dev/full: cannot write the report")),
    Case("output: non-UTF-8 name, JSON to a file", 2, _not_utf8_name, expect_json(1, "r.json")),
    Case("output: name with a workflow command, github", 2, _injected_name,
         expect_no_workflow_command),
    Case("files: 50 MB page, 10 MB cap", 5, _big_page, expect(1, "DA009"), under_cap=False),
    Case("files: symlink to /dev/zero", 5, _dev_zero, expect(1, "zero.md")),
    Case("files: FIFO page", 5, _fifo, expect(1, "DA007")),
    Case("files: RST nested 200 deep", 5, _deep, expect(1, "DA005")),
    Case("files: UTF-16 page", 5, _utf16, expect(1, "UTF-16")),
    Case("links: slowloris headers", 5, _link("/slowloris"), expect(1, "LK80"), clock="wall"),
    Case("links: body at 1 byte/s", 5, _link("/drip#anchor"), expect(1, "LK80"), clock="wall"),
    Case("links: 1 GB body with an anchor", 5, _link("/huge#missing"), expect(0, "LK8"), clock="wall"),
    Case("links: Retry-After garbage", 5, _link("/retry"), expect(1, "LK80"), clock="wall"),
]  # fmt: skip


# -- the misbehaving web server -----------------------------------------------------


class HostileServer:
    """Raw HTTP on 127.0.0.1, misbehaving by path; one thread per connection."""

    def __init__(self) -> None:
        self.sock = socket.create_server(("127.0.0.1", 0))
        self.url = f"http://127.0.0.1:{self.sock.getsockname()[1]}"
        self.stop = threading.Event()
        threading.Thread(target=self._accept, daemon=True).start()

    def close(self) -> None:
        self.stop.set()
        self.sock.close()

    def _accept(self) -> None:
        while not self.stop.is_set():
            try:
                conn, _ = self.sock.accept()
            except OSError:
                return
            threading.Thread(target=self._serve, args=(conn,), daemon=True).start()

    def _serve(self, conn: socket.socket) -> None:
        try:
            request = conn.recv(65536).decode("latin-1")
            path = request.split(" ", 2)[1] if request.count(" ") >= 2 else "/"
            handler = {
                "/slowloris": self._slowloris,
                "/drip": self._drip,
                "/huge": self._huge,
                "/retry": self._retry,
            }.get(path.split("#")[0], self._ok)
            handler(conn, request.startswith("HEAD"))
        except OSError:
            pass
        finally:
            conn.close()

    def _trickle(self, conn: socket.socket, data: bytes) -> None:
        for byte in data:
            if self.stop.is_set():
                return
            conn.sendall(bytes([byte]))
            time.sleep(1)

    def _slowloris(self, conn: socket.socket, head: bool) -> None:
        self._trickle(conn, b"HTTP/1.1 200 OK\r\n" + b"X-Slow: " + b"z" * 600)

    def _drip(self, conn: socket.socket, head: bool) -> None:
        conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nContent-Length: 600\r\n\r\n")
        if not head:
            self._trickle(conn, b"<p>" + b"z" * 597)

    def _huge(self, conn: socket.socket, head: bool) -> None:
        size = 1024 * MB
        conn.sendall(
            b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\n"
            + f"Content-Length: {size}\r\n\r\n".encode()
        )
        if head:
            return
        chunk = b"<p>" + b"x" * (MB - 8) + b"</p>\n\n"
        sent = 0
        while sent < size and not self.stop.is_set():
            conn.sendall(chunk[: size - sent])
            sent += len(chunk)

    def _retry(self, conn: socket.socket, head: bool) -> None:
        conn.sendall(
            b"HTTP/1.1 503 Service Unavailable\r\nRetry-After: \xc2\xb2\r\nContent-Length: 0\r\n\r\n"
        )

    def _ok(self, conn: socket.socket, head: bool) -> None:
        body = b"<html><body><p id='ok'>ok</p></body></html>"
        conn.sendall(
            b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\n"
            + f"Content-Length: {len(body)}\r\n\r\n".encode()
            + (b"" if head else body)
        )


# -- running ------------------------------------------------------------------------


def run(args: list[str], cwd: Path, limit: float, stdout_to: str | None) -> Outcome:
    command = [sys.executable, "-m", "docs_audit.cli", *args]
    out_path, err_path = cwd / ".bench-stdout", cwd / ".bench-stderr"
    with open(stdout_to or out_path, "wb") as out, open(err_path, "wb") as err:
        started = time.monotonic()
        proc = subprocess.Popen(command, cwd=cwd, stdout=out, stderr=err, env=CHILD_ENV)
        killed = False
        peak_kb = 0
        while True:
            peak_kb = max(peak_kb, _high_water_kb(proc.pid))
            pid, status, usage = os.wait4(proc.pid, os.WNOHANG)
            if pid:
                break
            if time.monotonic() - started > limit and not killed:
                os.kill(proc.pid, signal.SIGKILL)
                killed = True
            time.sleep(0.01)
        wall = time.monotonic() - started
    proc.returncode = os.waitstatus_to_exitcode(status)
    printed = "" if stdout_to else out_path.read_bytes().decode("utf-8", "replace")
    # ru_maxrss would do, but Linux carries the parent's size over fork and exec into
    # it; VmHWM belongs to the process's own memory. Sampled, so a peak in the last
    # few milliseconds of a run can be missed; ru_maxrss bounds it from above.
    peak = peak_kb or usage.ru_maxrss
    return Outcome(
        wall,
        usage.ru_utime + usage.ru_stime,
        peak / 1024,
        proc.returncode,
        killed,
        printed,
        err_path.read_bytes().decode("utf-8", "replace"),
    )


def _status_kb(pid: int, field: str, source: str = "status") -> int:
    """A memory figure of ``/proc/PID/SOURCE`` in KiB; 0 once the process is gone."""
    try:
        with open(f"/proc/{pid}/{source}", encoding="ascii") as status:
            for line in status:
                if line.startswith(field + ":"):
                    return int(line.split()[1])
    except (OSError, ValueError):
        pass
    return 0


def _children(pid: int) -> list[int]:
    try:
        with open(f"/proc/{pid}/task/{pid}/children", encoding="ascii") as listed:
            return [int(child) for child in listed.read().split()]
    except (OSError, ValueError):
        return []


def _high_water_kb(pid: int) -> int:
    """Peak memory of the run so far: the process's own peak (``VmHWM``), or what it and
    its forked workers hold at once, whichever is larger. Workers share the pages they
    inherit, so the processes' proportional set sizes (``Pss``) are summed: a shared page
    counts once in all."""
    workers = _children(pid)
    if not workers:
        return _status_kb(pid, "VmHWM")
    tree, pending = 0, [pid]
    while pending:
        current = pending.pop()
        tree += _status_kb(current, "Pss", "smaps_rollup")
        pending.extend(_children(current))
    return max(_status_kb(pid, "VmHWM"), tree)


def verdict(case: Case, outcome: Outcome, root: Path) -> str:
    if outcome.killed:
        return f"FAIL: killed after {outcome.wall:.0f} s (budget {case.budget:g} s)"
    problem = case.check(outcome, root)
    if problem:
        return f"FAIL: {problem}"
    spent = outcome.cpu if case.clock == "cpu" else outcome.wall
    if spent > 2 * case.budget:
        return f"FAIL: {spent:.1f} s of {case.clock} time, over twice the budget"
    if case.under_cap and outcome.rss_mb > RSS_LIMIT_MB:
        return f"FAIL: peak RSS over {RSS_LIMIT_MB} MB"
    return "ok"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", default="", help="run the cases whose name contains this")
    parser.add_argument("--keep", type=Path, help="build the projects in this folder and keep them")
    parser.add_argument(
        "--repeat", type=int, default=3, help="runs of each case that has a time target"
    )
    options = parser.parse_args()
    base = options.keep or Path(tempfile.mkdtemp(prefix="hostile-bench-"))
    server = HostileServer()
    failed = 0
    targets: list[str] = []
    load = os.getloadavg()[0]
    print(f"{'case':<46} {'budget':>6} {'wall':>7} {'cpu':>7} {'peak RSS':>9} {'exit':>4}  verdict")
    try:
        for index, case in enumerate(CASES):
            if options.only not in case.name:
                continue
            root = base / f"case{index:02d}"
            if root.exists():
                shutil.rmtree(root)
            root.mkdir(parents=True)
            args = case.build(root, server.url)
            runs = [
                run(args, root, 4 * case.budget + 60, case.stdout_to)
                for _ in range(options.repeat if case.target is not None else 1)
            ]
            # Every run is judged; the figures shown are the quickest run's.
            results = [verdict(case, each, root) for each in runs]
            result = next((r for r in results if r != "ok"), "ok")
            outcome = min(runs, key=lambda each: each.wall)
            failed += result != "ok"
            if case.target is not None:
                walls = sorted(each.wall for each in runs)
                met = "met" if outcome.wall <= case.target else "MISSED"
                targets.append(
                    f"  {case.name}: best {outcome.wall:.2f} s, median "
                    f"{walls[len(walls) // 2]:.2f} s of {len(runs)}; target {case.target:g} s: {met}"
                )
            print(
                f"{case.name:<46} {case.budget:>5g}s {outcome.wall:>6.2f}s {outcome.cpu:>6.2f}s "
                f"{outcome.rss_mb:>6.0f} MB {outcome.status:>4}  {result}",
                flush=True,
            )
    finally:
        server.close()
        if options.keep is None:
            shutil.rmtree(base, ignore_errors=True)
    print(f"\n{failed} of the cases failed." if failed else "\nEvery case passed.")
    if targets:
        print(
            f"\nThe issue's wall-time targets (load average {load:.2f} before the run, "
            f"{os.getloadavg()[0]:.2f} after; meaningful on an idle machine):"
        )
        print("\n".join(targets))
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main())
